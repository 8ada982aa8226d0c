package scenario

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds the parser arbitrary files: it must never panic, and
// must either return a scenario or positioned errors, never both. The seed
// corpus (testdata/fuzz/FuzzParse) holds the built-in scenarios and the
// episodes' configs, raw and inline.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	open := func(name string) ([]byte, error) {
		if strings.ContainsAny(name, "/\\") {
			return nil, os.ErrNotExist
		}
		return os.ReadFile("../../proxy/haproxycfg/testdata/episodes/" + name)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, err := Parse("fuzz.yaml", src, open)
		if err != nil {
			if sc != nil {
				t.Fatal("a scenario and an error")
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T without positions: %v", err, err)
			}
			for _, e := range es {
				if e.Line < 0 || e.Col < 0 || e.Msg == "" {
					t.Fatalf("malformed error %+v", e)
				}
			}
			return
		}
		if sc == nil || len(sc.Phases) == 0 || len(sc.Variants) == 0 {
			t.Fatalf("valid scenario without phases or variants: %+v", sc)
		}
		_ = sc.LabNotes()
		for _, e := range sc.Expect {
			_ = e.Describe()
		}
	})
}

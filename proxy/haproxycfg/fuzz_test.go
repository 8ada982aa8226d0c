package haproxycfg

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary files to Parse: it must never panic, every
// error must point inside the file, and whatever it accepts must survive
// Format and Parse unchanged. Seeds: the episode configs and the corpus.
func FuzzParse(f *testing.F) {
	var seeds []string
	eps, _ := filepath.Glob(filepath.Join(episodesDir, "*.cfg"))
	seeds = append(seeds, eps...)
	corpus, _ := filepath.Glob("testdata/corpus/*.cfg")
	seeds = append(seeds, corpus...)
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.cfg", src)
		if err != nil {
			checkErrorPositions(t, src, err)
			return
		}
		out := Format(file.Config)
		again, err := Parse("formatted.cfg", out)
		if err != nil {
			t.Fatalf("Format's output does not parse: %v\n--- input\n%q\n--- formatted\n%s", err, src, out)
		}
		if a, b := dumpConfig(file.Config), dumpConfig(again.Config); a != b {
			t.Fatalf("round trip changed the config:\n%s\n---\n%s\n--- input\n%q\n--- formatted\n%s", a, b, src, out)
		}
		for _, fe := range file.Config.Frontends {
			if d := file.Where(fe); d.Line == 0 {
				t.Fatalf("no position for frontend %s", fe.Name)
			}
		}
		for _, be := range file.Config.Backends {
			for _, s := range be.Servers {
				if d := file.Where(s); d.Line == 0 {
					t.Fatalf("no position for server %s", s.Name)
				}
			}
		}
	})
}

// checkErrorPositions verifies that every error names a line of src (or
// none, for a whole-file message) and a column within that line.
func checkErrorPositions(t *testing.T, src []byte, err error) {
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 || err.Error() == "" {
		t.Fatalf("error %v is not a non-empty Errors", err)
	}
	lines := bytes.Split(src, []byte("\n"))
	for _, d := range errs {
		if d.Msg == "" || d.File != "fuzz.cfg" {
			t.Fatalf("bad diagnostic %+v", d)
		}
		if d.Line < 0 || d.Line > len(lines) {
			t.Fatalf("%s: line out of the file (%d lines)", d, len(lines))
		}
		if d.Line > 0 && (d.Col < 0 || d.Col > len(lines[d.Line-1])+1) {
			t.Fatalf("%s: column out of the line %q", d, lines[d.Line-1])
		}
	}
}

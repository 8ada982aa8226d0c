package acl

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy/cfgword"
)

// fuzzRequests are evaluated against whatever the fuzzers manage to parse.
var fuzzRequests = []*testReq{
	get("/static/x"), get("/admin?x=1", from("127.66.1.1")), get("*"), get("http://h/p?q", host("h")),
	get("/", meth("post"), hdr("User-Agent", "Foo, mobile"), hdr("X-T", `"a,\"b", ,c`)),
	get("/", proto("HTTP/1.0"), from("::ffff:127.0.0.1"), hdr("X-N", "1.5")),
	{tcp: true, src: get("/", from("2002:7f00:1::1")).src}, {},
}

// episodeACLLines returns the "acl" lines (words after "acl") and the
// conditions of the Ep 4 configs, for seeds.
func episodeACLLines(tb testing.TB) (acls, conds []string) {
	for _, f := range []string{"ep04-acl-examples.cfg", "ep04-acl-submit.cfg"} {
		data, err := os.ReadFile(filepath.Join("..", "haproxycfg", "testdata", "episodes", f)) // copies of shared/episodes/configs
		if err != nil {
			tb.Fatalf("episode config: %v", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			w := strings.Fields(line)
			if len(w) > 1 && w[0] == "acl" {
				acls = append(acls, strings.Join(w[1:], " "))
			}
			for i, x := range w {
				if x == "if" || x == "unless" {
					conds = append(conds, strings.Join(w[i:], " "))
					break
				}
			}
		}
	}
	return acls, conds
}

func FuzzDeclare(f *testing.F) {
	acls, _ := episodeACLLines(f)
	for _, l := range acls {
		f.Add(l)
	}
	for _, tc := range declareErrorTests {
		f.Add(cfgword.Join(tc.words))
	}
	for _, tc := range matchTests {
		f.Add("m " + tc.expr)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := fields(line)
		s := NewSet()
		warns, err := s.DeclareWithWarnings(words)
		if err != nil {
			checkFuzzError(t, err, len(words))
			if len(s.Lines()) != 0 {
				t.Fatalf("a failed declaration left lines: %v", s.Lines())
			}
			return
		}
		for _, w := range warns {
			if w.Word < 0 || w.Word > len(words) {
				t.Fatalf("warning about word %d of %d: %s", w.Word, len(words), w.Msg)
			}
		}
		kept, _ := untilEmpty(words)
		lines := s.Lines()
		if len(lines) != 1 {
			t.Fatalf("Lines() = %v", lines)
		}
		if got := configWords(lines[0]); !reflect.DeepEqual(got, append([]string{"acl"}, kept...)) {
			t.Fatalf("Lines() %q reads back as %q, want %q", lines[0], got, kept)
		}
		c, err := s.ParseCond([]string{"if", kept[0]})
		if err != nil {
			t.Fatalf("the ACL just declared cannot be used: %v", err)
		}
		for _, r := range fuzzRequests {
			c.Eval(r)
		}
		c.NeedsHTTP()
	})
}

func FuzzParseCond(f *testing.F) {
	acls, conds := episodeACLLines(f)
	for _, c := range conds {
		f.Add(c)
	}
	for _, tc := range condErrorTests {
		f.Add(cfgword.Join(tc.words))
	}
	for _, s := range diffSuites() {
		for _, c := range append(s.deny, s.use...) {
			f.Add(c)
		}
	}
	newSet := func(t *testing.T) *Set {
		s := NewSet()
		for _, l := range append(acls, "a path_beg /a", "b hdr(X-B) -m found", "c method POST") {
			if err := s.Declare(strings.Fields(l)); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := fields(line)
		c, err := newSet(t).ParseCond(words)
		if err != nil {
			checkFuzzError(t, err, len(words))
			return
		}
		// the canonical form reads back as an equivalent condition
		text := c.String()
		again, err := newSet(t).ParseCond(configWords(text))
		if err != nil {
			t.Fatalf("String() %q does not parse back: %v", text, err)
		}
		if again.String() != text {
			t.Fatalf("String() is not stable: %q then %q", text, again.String())
		}
		for _, r := range fuzzRequests {
			if c.Eval(r) != again.Eval(r) {
				t.Fatalf("%q and its canonical form %q disagree on %q", line, text, r.wire())
			}
		}
		c.NeedsHTTP()
		c.TCPConnectionWarning()
	})
}

func checkFuzzError(t *testing.T, err error, n int) {
	t.Helper()
	var we *WordError
	if !errors.As(err, &we) {
		t.Fatalf("error %v is not a *WordError", err)
	}
	if we.Word < 0 || we.Word > n || we.Msg == "" {
		t.Fatalf("error about word %d of %d: %q", we.Word, n, we.Msg)
	}
}

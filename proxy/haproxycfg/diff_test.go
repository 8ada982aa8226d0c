package haproxycfg

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/haproxytest"
)

// A corpus case is a configuration snippet in testdata/corpus. Its first
// lines say what real HAProxy 2.6 does with it ("# expect: valid" or
// "# expect: invalid", checked by TestDifferentialHAProxy) and, when lblab
// decides otherwise on purpose, why ("# lblab-deviation: ...").
type corpusCase struct {
	name      string
	path      string
	src       []byte
	valid     bool   // what haproxy -c says
	deviation string // non-empty: lblab says the opposite, on purpose
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	paths, err := filepath.Glob("testdata/corpus/*.cfg")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus in testdata/corpus: %v", err)
	}
	var cases []corpusCase
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := corpusCase{name: strings.TrimSuffix(filepath.Base(p), ".cfg"), path: p, src: src}
		switch {
		case bytes.HasPrefix(src, []byte("# expect: valid\n")):
			c.valid = true
		case bytes.HasPrefix(src, []byte("# expect: invalid\n")):
		default:
			t.Fatalf("%s: first line must be '# expect: valid' or '# expect: invalid'", p)
		}
		if m := regexp.MustCompile(`(?m)^# lblab-deviation: (.+)$`).FindSubmatch(src); m != nil {
			c.deviation = string(m[1])
		}
		cases = append(cases, c)
	}
	return cases
}

// lblabAccepts is what Parse should decide for the case.
func (c corpusCase) lblabAccepts() bool { return c.valid != (c.deviation != "") }

// TestCorpusDecisions checks Parse against the corpus annotations; it runs
// without haproxy (TestDifferentialHAProxy checks the annotations).
func TestCorpusDecisions(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 40 {
		t.Fatalf("corpus has %d cases, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(c.name+".cfg", c.src)
			if got := err == nil; got != c.lblabAccepts() {
				t.Fatalf("Parse accepted=%v, want %v (deviation %q); error: %v", got, c.lblabAccepts(), c.deviation, err)
			}
			if err == nil && f.Config == nil {
				t.Fatal("nil Config without error")
			}
		})
	}
}

// haWarning is one warning haproxy -c printed, with its line when it gave one.
type haWarning struct {
	line int
	msg  string
}

var (
	haTagRe    = regexp.MustCompile(`^\[(WARNING|ALERT|NOTICE)\]\s+\(\d+\) : (?:config : )?(.*)$`)
	haParsedRe = regexp.MustCompile(`^[Pp]arsing \[[^\]]*:(\d+)\] ?: ?(.*)$`)
)

// runHAProxyCheck runs "haproxy -c" on path and returns whether it accepts
// the file (exit 0, or 2 for a valid file with no listener), its warnings
// and its alerts.
func runHAProxyCheck(t *testing.T, bin, path string) (accepted bool, warns []haWarning, alerts []string, out string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-c", "-f", path)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	raw, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running haproxy: %v", err)
		}
		code = ee.ExitCode()
	}
	accepted = code == 0 || code == 2
	type entry struct {
		tag string
		msg string
	}
	var entries []entry
	for _, l := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(l, "   | ") && len(entries) > 0:
			entries[len(entries)-1].msg += " " + strings.TrimPrefix(l, "   | ")
		case strings.HasPrefix(l, "Configuration file has no error but will not start"):
			entries = append(entries, entry{"WARNING", l})
		default:
			if m := haTagRe.FindStringSubmatch(l); m != nil {
				entries = append(entries, entry{m[1], m[2]})
			}
		}
	}
	for _, e := range entries {
		switch {
		case e.tag == "NOTICE":
		case e.tag == "WARNING" || accepted:
			// an ALERT in an accepted file is a warning in all but name
			w := haWarning{msg: e.msg}
			if m := haParsedRe.FindStringSubmatch(e.msg); m != nil {
				w.line, _ = strconv.Atoi(m[1])
				w.msg = m[2]
			}
			warns = append(warns, w)
		default:
			alerts = append(alerts, e.msg)
		}
	}
	return accepted, warns, alerts, string(raw)
}

// normMsg makes HAProxy's and lblab's wordings comparable: trailing
// periods and spacing do not count.
func normMsg(s string) string {
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ". ")
}

// TestDifferentialHAProxy runs every corpus case through the real haproxy:
// the annotation must say what haproxy -c says, Parse must agree with it
// (except for the documented deviations), and when both accept, every
// HAProxy warning must have an lblab warning with the same words on the
// same line, and lblab must not warn about anything HAProxy is silent on
// (its own remarks, marked Lab, aside).
func TestDifferentialHAProxy(t *testing.T) {
	bin := haproxytest.Path(t)
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			accepted, haWarns, alerts, out := runHAProxyCheck(t, bin, c.path)
			if accepted != c.valid {
				t.Fatalf("haproxy -c accepted=%v but the corpus says %v; output:\n%s", accepted, c.valid, out)
			}
			f, err := Parse(c.path, c.src)
			if got := err == nil; got != c.lblabAccepts() {
				t.Fatalf("Parse accepted=%v, haproxy accepted=%v (deviation %q)\nlblab: %v\nhaproxy alerts: %q",
					got, accepted, c.deviation, err, alerts)
			}
			if err != nil || c.deviation != "" {
				return
			}
			compareWarnings(t, haWarns, f.Warnings, out)
		})
	}
}

func compareWarnings(t *testing.T, ha []haWarning, ours []Diag, out string) {
	t.Helper()
	var mine []Diag
	for _, d := range ours {
		if !d.Lab {
			mine = append(mine, d)
		}
	}
	used := make([]bool, len(mine))
	for _, h := range ha {
		found := false
		for k, d := range mine {
			if !used[k] && normMsg(d.Msg) == normMsg(h.msg) && (h.line == 0 || d.Line == h.line) {
				used[k], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("haproxy warned (line %d) %q; lblab did not", h.line, h.msg)
		}
	}
	for k, d := range mine {
		if !used[k] {
			t.Errorf("lblab warned %q; haproxy did not", d.String())
		}
	}
	if t.Failed() {
		t.Logf("haproxy output:\n%s", out)
	}
}

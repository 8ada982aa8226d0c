package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid scenario: the default lab, one phase.
const minimal = `name: tiny
title: one phase on the default lab
phases:
  - name: only
    duration: 1s
    rate: 10
expect:
  - share: server2
    min: 0.2
`

func TestParseMinimal(t *testing.T) {
	sc, err := Parse("tiny.yaml", []byte(minimal), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "tiny" || len(sc.Variants) != 1 || sc.Variants[0].Name != DefaultVariant {
		t.Fatalf("got name %q, variants %d", sc.Name, len(sc.Variants))
	}
	ph := sc.Phases[0]
	if ph.Duration != time.Second || ph.Rate != 10 || ph.Seed != 1 {
		t.Fatalf("phase %+v", ph)
	}
	e := sc.Expect[0]
	if e.Kind != KindShare || e.Subject != "server2" || e.Min == nil || *e.Min != 0.2 || e.Max != nil {
		t.Fatalf("expectation %+v", e)
	}
	if e.Name != "share of server2 >= 20%" {
		t.Fatalf("made-up name %q", e.Name)
	}
}

// TestParseErrors checks that each mistake is reported where it is
// written, saying what was found and what was expected.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string // "line:col: text" that one error must contain
	}{
		{"unknown top key", "name: x\ntitle: t\nphase: []\n", "3:1: unknown key \"phase\" in a scenario; expected one of: name, title"},
		{"syntax", "name: [x\n", "1:7: "},
		{"tab indent", "name: x\n\ttitle: y\n", "2:"},
		{"empty file", "", "1:1: found an empty file; expected a scenario"},
		{"second document", minimal + "---\nname: y\n", "11:5: found a second YAML document; expected one scenario per file"},
		{"no name", "title: t\nphases: [{name: a, duration: 1s}]\n", "1:1: found no name; expected a name: key"},
		{"bad name", "name: Ep6!\ntitle: t\nphases: [{name: a, duration: 1s}]\n", "1:7: found name \"Ep6!\"; expected lower-case letters"},
		{"title two lines", "name: x\ntitle: |\n  a\n  b\nphases: [{name: a, duration: 1s}]\n", "2:8: found a title of several lines"},
		{"anchor", "name: x\ntitle: &t t\nphases: [{name: a, duration: 1s}]\n", "2:8: found an anchor; expected the value written out"},
		{"tag", "name: x\ntitle: !!str t\nphases: [{name: a, duration: 1s}]\n", "2:8: found a tag !!str"},
		{"speed word", "name: x\ntitle: t\nspeed: fast\nphases: [{name: a, duration: 1s}]\n", "3:8: found \"fast\" for speed; expected the lab time scale of a run, a number from 0.01 to 100000"},
		{"no phases", "name: x\ntitle: t\n", "1:1: found no phases; expected a phases: list"},
		{"phases not a list", "name: x\ntitle: t\nphases: 3\n", "3:9: found \"3\"; expected the scenario's traffic phases (a list)"},
		{"phase unbounded", "name: x\ntitle: t\nphases:\n  - name: a\n    rate: 3\n", "4:5: found phase a without duration or requests"},
		{"phase unknown key", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    clinets: 3\n", "6:5: unknown key \"clinets\" in a phase; expected one of: name, duration, requests, rate, clients"},
		{"duration number", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 30\n", "5:15: found \"30\" for duration; expected how long the phase sends (lab time), a duration such as 5s"},
		{"negative rate", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    rate: -1\n", "6:11: found \"-1\" for rate"},
		{"duplicate phase", "name: x\ntitle: t\nphases:\n  - {name: a, duration: 1s}\n  - {name: a, duration: 1s}\n", "5:6: found phase \"a\" a second time"},
		{"duplicate key", "name: x\ntitle: t\nname: y\nphases: [{name: a, duration: 1s}]\n", "3:1: "},
		{"think with rate", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    rate: 2\n    think: 1s\n", "7:5: found think with a rate"},
		{"bad method", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    mix:\n      - method: \"GE T\"\n", "7:17: found method \"GE T\""},
		{"path with space", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    mix:\n      - path: \"/a b\"\n", "7:15: found path \"/a b\"; expected a request target without spaces"},
		{"header mapping", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    mix:\n      - headers: [User-Agent]\n", "7:18: found a list; expected request headers (Name: value)"},
		{"range outside loopback", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    groups:\n      - name: g\n        range: 10.0.0.0/8\n", "8:16: found \"10.0.0.0/8\" for range; expected the clients' source addresses, an address range inside 127.0.0.0/8"},
		{"overlapping groups", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    groups:\n      - {name: g, range: 127.0.0.0/24}\n      - {name: h, range: 127.0.0.0/16}\n", "8:26: found range 127.0.0.0/16, which overlaps group g's 127.0.0.0/24"},
		{"too many clients", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    groups:\n      - {name: g, range: 127.0.0.0/30, clients: 9}\n", "7:49: found 9 clients; expected at most 3, the usable addresses of 127.0.0.0/30"},
		{"clients and groups", "name: x\ntitle: t\nphases:\n  - name: a\n    duration: 1s\n    clients: 3\n    groups: [{name: g, range: 127.0.0.0/24}]\n", "6:5: found clients next to groups"},
		{"unknown app", "name: x\ntitle: t\napps:\n  app9: {delay: 5s}\nphases: [{name: a, duration: 1s}]\n", "4:3: found apps: app9, which no server of variant default's config runs; expected one of: app1, app2, app3"},
		{"bad profile", "name: x\ntitle: t\napps:\n  app1: {profile: django}\nphases: [{name: a, duration: 1s}]\n", "4:19: found profile \"django\"; expected one of: flask, tcp"},
		{"error rate", "name: x\ntitle: t\napps:\n  app1: {error_rate: 2}\nphases: [{name: a, duration: 1s}]\n", "4:22: found \"2\" for error_rate"},
		{"config and file", "name: x\ntitle: t\nconfig: |\n  global\nconfig_file: a.cfg\nphases: [{name: a, duration: 1s}]\n", "5:1: found both config and config_file"},
		{"config_file without dir", "name: x\ntitle: t\nconfig_file: a.cfg\nphases: [{name: a, duration: 1s}]\n", "3:14: found config_file \"a.cfg\"; expected an inline config"},
		{"inline config error placed in the file", "name: x\ntitle: t\nconfig: |\n  frontend f\n    bind :8080\n    default_backend b\n  backend b\n    server s1 app1:5001 wieght 2\nphases: [{name: a, duration: 1s}]\n", "8:25: in the HAProxy config: unknown server option 'wieght'"},
		{"event unknown phase", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\ntimeline:\n  - phase: b\n    algo: leastconn\n", "5:12: found phase \"b\"; expected one of the scenario's phases: a"},
		{"event too late", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - at: 10s\n    algo: leastconn\n", "5:5: found at 10s, which is not within phase a (10s long)"},
		{"event two actions", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - at: 1s\n    stop: app1\n    start: app1\n", "7:5: found stop and start in one event"},
		{"event nothing", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - at: 1s\n", "5:5: found an event that does nothing"},
		{"event bad algo", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - algo: leastconnn\n", "5:11: found algo \"leastconnn\""},
		{"event unknown server", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - weight: 3\n    server: server9\n", "6:13: found server \"server9\"; expected one of the config's servers: server1, server2, server3"},
		{"event unknown app", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - stop: app7\n", "5:11: found app \"app7\"; expected one of the lab's apps: app1, app2, app3"},
		{"event rate in closed loop", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - at: 1s\n    rate: 5\n", "6:5: found rate in phase a, which runs a closed loop"},
		{"event weight range", "name: x\ntitle: t\nphases: [{name: a, duration: 10s}]\ntimeline:\n  - weight: 300\n    server: server1\n", "5:13: found \"300\" for weight"},
		{"expectation no kind", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - min: 1\n", "5:5: found an expectation without a kind; expected exactly one of: share, count, routed"},
		{"expectation two kinds", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    count: server1\n    min: 1\n", "6:5: found share and count in one expectation"},
		{"expectation unknown key", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    minimum: 1\n", "6:5: unknown key \"minimum\" in an expectation"},
		{"expectation key of another kind", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - latency: p50\n    backend: servers\n    max: 1s\n", "6:5: found backend in a latency expectation; expected only: latency, name, variant, min, max, phase"},
		{"expectation no bounds", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n", "5:5: found a share expectation without bounds"},
		{"share above 1", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    min: 1.5\n", "6:10: found min \"1.5\"; expected a fraction from 0 to 1"},
		{"min above max", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    min: 0.5\n    max: 0.4\n", "7:5: found min above max"},
		{"latency bound not duration", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - latency: p50\n    max: 5\n", "6:10: found max \"5\"; expected a duration of lab time"},
		{"latency bad percentile", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - latency: median\n    max: 1s\n", "5:14: found latency \"median\"; expected p50, p90, p99, max or mean"},
		{"status bad", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - status: ok\n    min: 1\n", "5:13: found status \"ok\"; expected a status (200, 4xx) or failed"},
		{"expectation unknown server", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server7\n    min: 0.1\n", "5:12: found server \"server7\"; expected one of the config's servers"},
		{"expectation unknown phase", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    phase: warm\n    min: 0.1\n", "6:12: found phase \"warm\"; expected one of the scenario's phases: a"},
		{"expectation unknown group", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    group: internal\n    min: 0.1\n", "6:12: found group \"internal\"; expected a client group of the phase: clients"},
		{"expectation unknown backend", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - routed: static\n    min: 0.1\n", "5:13: found backend \"static\"; expected one of the config's backends: servers"},
		{"expectation unknown rule", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - rule: http-request deny\n    min: 1\n", "5:11: found rule \"http-request deny\"; expected a rule of the config, which has none"},
		{"expectation unknown variant", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    variant: fast\n    min: 0.1\n", "6:14: found variant \"fast\"; expected one of the scenario's variants: default"},
		{"window backwards", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server1\n    window: [5s, 1s]\n    min: 0.1\n", "6:13: found window [5s, 1s]; expected FROM before TO"},
		{"moved same phases", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - moved: client\n    from: a\n    to: a\n    max: 0.5\n", "7:5: found from and to both \"a\""},
		{"moved without to", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - moved: client\n    from: a\n    max: 0.5\n", "5:5: found a moved expectation without to"},
		{"sequence with bounds", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - sequence: [server1]\n    min: 1\n", "6:5: found min in a sequence expectation; expected none"},
		{"sequence not a list", "name: x\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - sequence: server1\n", "5:15: found \"server1\"; expected a list of server names (a list)"},
		{"variant algo for tcp", "name: x\ntitle: t\nconfig: |\n  defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\n  listen l\n    bind :4000\n    server s app:5000\nvariants:\n  - name: u\n    algo: uri\nphases: [{name: a, duration: 1s}]\n", "14:11: found algo \"uri\" in variant u, which needs HTTP"},
		{"duplicate variant", "name: x\ntitle: t\nvariants:\n  - name: a\n  - name: a\nphases: [{name: a, duration: 1s}]\n", "5:11: found variant \"a\" a second time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", []byte(c.src), nil)
			if err == nil {
				t.Fatalf("no error; parsed %+v", sc)
			}
			if sc != nil {
				t.Fatal("a scenario came back with the error")
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not Errors: %v", err, err)
			}
			for _, e := range es {
				if !strings.HasPrefix(e.Error(), "s.yaml:") {
					t.Errorf("error without the file name: %q", e.Error())
				}
			}
			if !strings.Contains(err.Error(), "s.yaml:"+c.want) {
				t.Fatalf("want an error containing\n  s.yaml:%s\ngot\n  %v", c.want, err)
			}
		})
	}
}

// TestParseConfigFile reads config_file relative to the scenario and
// reports the config's own errors in the config's file.
func TestParseConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := os.ReadFile("../../proxy/haproxycfg/testdata/episodes/ep09-weighted-rr.cfg")
	if err != nil {
		t.Fatal(err)
	}
	write("ep09.cfg", string(cfg))
	p := write("s.yaml", "name: x\ntitle: t\nconfig_file: ep09.cfg\nphases: [{name: a, requests: 6, clients: 1}]\nexpect:\n  - share: server3\n    min: 0.5\n")
	sc, err := ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Variants[0].Config != string(cfg) {
		t.Fatal("config_file was not read as written")
	}
	write("bad.cfg", "backend b\n    balance roundrobbin\n")
	p = write("t.yaml", "name: x\ntitle: t\nconfig_file: bad.cfg\nphases: [{name: a, duration: 1s}]\n")
	_, err = ParseFile(p)
	if err == nil || !strings.Contains(err.Error(), "bad.cfg:2:13: in the HAProxy config:") {
		t.Fatalf("want the config's error in bad.cfg, got %v", err)
	}
	p = write("u.yaml", "name: x\ntitle: t\nconfig_file: missing.cfg\nphases: [{name: a, duration: 1s}]\n")
	_, err = ParseFile(p)
	if err == nil || !strings.Contains(err.Error(), "u.yaml:3:14: found config_file \"missing.cfg\", which cannot be read (no such file or directory)") {
		t.Fatalf("want a missing-file error, got %v", err)
	}
}

// TestParseTimelineOrder sorts events by phase and time, and predicts the
// server add_server creates.
func TestParseTimelineOrder(t *testing.T) {
	src := `name: x
title: t
phases:
  - {name: a, duration: 10s, rate: 5}
  - {name: b, duration: 10s, rate: 5}
timeline:
  - {phase: b, at: 2s, remove_server: server4}
  - {phase: b, at: 1s, add_server: true}
  - {phase: a, at: 5s, rate: 9, note: faster}
expect:
  - share: server4
    phase: b
    min: 0.1
`
	sc, err := Parse("s.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range sc.Timeline {
		got = append(got, sc.AtString(ev)+" "+ev.Describe())
	}
	want := []string{"a+5s traffic: 9 requests/s", "b+1s add a server", "b+2s remove servers/server4"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("timeline\n got %q\nwant %q", got, want)
	}
}

func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		u    Unit
		want string
	}{
		{1.0 / 3, UnitFraction, "33.33%"}, {0.75, UnitFraction, "75%"}, {1, UnitFraction, "100%"},
		{12, UnitCount, "12"}, {2.5, UnitSeconds, "2.5s"}, {0.0123, UnitSeconds, "12ms"},
	} {
		if got := FormatValue(c.v, c.u); got != c.want {
			t.Errorf("FormatValue(%v, %v) = %q, want %q", c.v, c.u, got, c.want)
		}
	}
}

func TestReflow(t *testing.T) {
	in := "First line\nof a paragraph.\n\n\nSecond one:\n- item one\n  goes on\n- item two\n"
	want := "First line of a paragraph.\n\nSecond one:\n- item one\n  goes on\n- item two"
	if got := Reflow(in); got != want {
		t.Fatalf("Reflow:\n%q\nwant\n%q", got, want)
	}
}

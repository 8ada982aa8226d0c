package runner

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/scenarios/scenario"
)

// The expectations are checked here on data made by hand, so that each
// kind is seen both passing and failing, with the value it measured.

const handConfig = `name: hand
title: expectations on data made by hand
config: |
  defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
  frontend fe
    bind :8080
    acl blocked src 127.66.0.0/16
    http-request deny if blocked
    default_backend be
  backend be
    balance roundrobin
    server s1 app1:5001
    server s2 app2:5002
    server s3 app3:5003
phases:
  - {name: one, duration: 10s, rate: 1}
  - {name: two, duration: 10s, rate: 1}
expect:
`

// handData builds Data for the scenario: phases start at 0s and 20s.
func handData(t *testing.T, expect string) *Data {
	t.Helper()
	sc, err := scenario.Parse("hand.yaml", []byte(handConfig+expect), nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1000, 0)
	d := &Data{Scenario: sc, Variant: scenario.DefaultVariant, Start: t0}
	for i := range sc.Phases {
		start := t0.Add(time.Duration(i) * 20 * time.Second)
		d.Phases = append(d.Phases, PhaseEnd{Start: start, End: start.Add(12 * time.Second)})
	}
	return d
}

// rec adds a log record: phase, time in it, client's last byte, server,
// URI.
func (d *Data) rec(phase int, at time.Duration, client byte, server, uri string) *Record {
	r := Record{Phase: phase, At: at, Seq: int64(len(d.Records) + 1), Frontend: "fe", Backend: "be", Server: server,
		Client: netip.AddrFrom4([4]byte{127, 1, 0, client}), Group: "clients", Method: "GET", URI: uri, Status: 200,
		Duration: time.Millisecond}
	if server == "" {
		r.Backend, r.Status, r.Denied = "fe", 403, true
	}
	d.Records = append(d.Records, r)
	return &d.Records[len(d.Records)-1]
}

func (d *Data) answer(phase int, at time.Duration, uri string, status int, lat time.Duration) {
	d.Answers = append(d.Answers, Answer{Phase: phase, At: at, Group: "clients", Method: "GET", URI: uri,
		Status: status, Latency: lat})
}

func checkOne(t *testing.T, d *Data) (pass bool, measured, detail string) {
	t.Helper()
	cs := Evaluate(d)
	if len(cs) != 1 {
		t.Fatalf("%d checks, want 1: %+v", len(cs), cs)
	}
	return cs[0].Pass, cs[0].Measured, cs[0].Detail
}

func TestExpectShare(t *testing.T) {
	const exp = "  - {share: s2, phase: one, min: 0.3, max: 0.4}\n"
	d := handData(t, exp)
	for i, s := range []string{"s1", "s2", "s3", "s1", "s2", "s3"} {
		d.rec(0, time.Duration(i)*time.Second, 1, s, "/")
	}
	d.rec(1, 0, 1, "s2", "/") // another phase: not counted
	if pass, m, det := checkOne(t, d); !pass || m != "33.33%" || det != "2 of 6 requests to backend be" {
		t.Fatalf("pass %v measured %q (%s)", pass, m, det)
	}
	d = handData(t, exp)
	for _, s := range []string{"s1", "s2", "s2", "s2"} {
		d.rec(0, 0, 1, s, "/")
	}
	if pass, m, _ := checkOne(t, d); pass || m != "75%" {
		t.Fatalf("3 of 4 on s2 must fail a max of 40%%: pass %v measured %q", pass, m)
	}
	d = handData(t, exp)
	if pass, m, det := checkOne(t, d); pass || m != "nothing to measure" || !strings.Contains(det, "no requests") {
		t.Fatalf("no traffic must fail, not pass vacuously: pass %v %q %q", pass, m, det)
	}
}

func TestExpectWindow(t *testing.T) {
	// the window counts from the phase's start; without a phase, from the run's
	d := handData(t, "  - {share: s1, phase: two, window: [5s, 10s], min: 1}\n  - {count: any, window: [20s, 25s], max: 1}\n")
	d.rec(1, 2*time.Second, 1, "s2", "/") // before the window
	d.rec(1, 6*time.Second, 1, "s1", "/")
	d.rec(1, 11*time.Second, 1, "s3", "/") // after
	cs := Evaluate(d)
	if !cs[0].Pass || cs[0].Measured != "100%" {
		t.Fatalf("phase window: %+v", cs[0])
	}
	if !cs[1].Pass || cs[1].Measured != "1" {
		t.Fatalf("run window (phase two starts at 20s): %+v", cs[1])
	}
}

func TestExpectSequence(t *testing.T) {
	const exp = "  - {sequence: [s3, s1, s2], cycle: true}\n"
	type arrival struct {
		at     time.Duration
		server string
	}
	run := func(as []arrival) (bool, string, string) {
		d := handData(t, exp)
		for _, a := range as {
			d.rec(0, a.at*time.Millisecond, 1, a.server, "/")
		}
		return checkOne(t, d)
	}
	// logged in another order than they arrived: the order is arrival
	pass, m, det := run([]arrival{{4, "s1"}, {0, "s3"}, {2, "s2"}, {1, "s1"}, {5, "s2"}, {3, "s3"}})
	if !pass || m != "s3 s1 s2 s3 s1 s2" || det != "6 picks checked" {
		t.Fatalf("the right order, logged out of order: pass %v measured %q (%s)", pass, m, det)
	}
	pass, m, det = run([]arrival{{0, "s3"}, {1, "s1"}, {2, "s2"}, {3, "s3"}, {4, "s2"}, {5, "s1"}})
	if pass || m != "s3 s1 s2 s3 s2 s1" || det != "pick 5 went to s2, expected s1" {
		t.Fatalf("a wrong 5th pick must fail: pass %v measured %q (%s)", pass, m, det)
	}
	pass, _, det = run([]arrival{{0, "s3"}})
	if pass || det != "only 1 picks, the expected order has 3" {
		t.Fatalf("too few picks must fail: pass %v (%s)", pass, det)
	}
}

func TestExpectStickyAndMoved(t *testing.T) {
	d := handData(t, "  - {sticky: client, phase: one, min: 1}\n")
	d.rec(0, 0, 1, "s1", "/")
	d.rec(0, 1, 1, "s1", "/")
	d.rec(0, 0, 2, "s2", "/")
	d.rec(0, 1, 2, "s2", "/")
	d.rec(0, 0, 3, "s3", "/") // one request: not evidence either way
	if pass, m, det := checkOne(t, d); !pass || m != "100%" || det != "2 of 2 clients with 2 requests or more" {
		t.Fatalf("pass %v %q (%s)", pass, m, det)
	}
	d.rec(0, 2, 2, "s3", "/")
	if pass, m, det := checkOne(t, d); pass || m != "50%" || !strings.Contains(det, "spread: 127.1.0.2") {
		t.Fatalf("a client on two servers must fail: pass %v %q (%s)", pass, m, det)
	}

	const moved = "  - {moved: client, from: one, to: two, min: 0.2, max: 0.4}\n  - {moved: client, from: one, to: two, was_on: [s1, s2], max: 0}\n"
	d = handData(t, moved)
	for c := byte(1); c <= 6; c++ {
		before := []string{"s1", "s2", "s3"}[c%3]
		d.rec(0, 0, c, before, "/")
		after := before
		if before == "s3" {
			after = "s1" // only s3's clients move
		}
		d.rec(1, 0, c, after, "/")
	}
	cs := Evaluate(d)
	if !cs[0].Pass || cs[0].Measured != "33.33%" || !cs[1].Pass || cs[1].Measured != "0%" {
		t.Fatalf("consistent-like move: %+v / %+v", cs[0], cs[1])
	}
	d.rec(1, time.Second, 1, "s2", "/") // client 1 (was on s2)… stays on s2
	d.rec(1, 2*time.Second, 3, "s3", "/")
	d.rec(1, 3*time.Second, 3, "s3", "/") // client 3 (was on s1) now mostly on s3
	cs = Evaluate(d)
	if cs[1].Pass || cs[1].Measured != "25%" {
		t.Fatalf("a client of s1 that moved must fail was_on: %+v", cs[1])
	}
}

func TestExpectRoutedDeniedStatusLatency(t *testing.T) {
	d := handData(t, `  - {routed: be, path_prefix: /static, min: 1}
  - {denied: fe, max: 0.5}
  - {status: 403, uri: /admin, min: 1}
  - {latency: p50, max: 1s}
  - {status: failed, max: 0}
`)
	d.rec(0, 0, 1, "s1", "/static/a.css")
	d.rec(0, 0, 1, "", "/admin")
	d.rec(0, 0, 1, "", "/admin")
	d.answer(0, 0, "/static/a.css", 200, 5*time.Second)
	d.answer(0, 0, "/admin", 403, time.Millisecond)
	d.answer(0, 0, "/admin", 403, time.Millisecond)
	d.Answers = append(d.Answers, Answer{Phase: 0, URI: "/", Group: "clients", Method: "GET", Err: "refused"})
	cs := Evaluate(d)
	want := []struct {
		pass     bool
		measured string
	}{{true, "100%"}, {false, "66.67%"}, {true, "100%"}, {true, "1ms"}, {false, "25%"}}
	for i, w := range want {
		if cs[i].Pass != w.pass || cs[i].Measured != w.measured {
			t.Errorf("check %d (%s): pass %v measured %q, want %v %q", i, cs[i].Name, cs[i].Pass, cs[i].Measured, w.pass, w.measured)
		}
	}
}

func TestExpectRuleAndInFlight(t *testing.T) {
	d := handData(t, "  - {rule: http-request deny   if blocked, phase: two, min: 3}\n  - {in_flight: s2, max: 4}\n")
	snap := func(hits, smax int64) lab.Snapshot {
		return lab.Snapshot{
			Frontends: []lab.Frontend{{FrontendStats: proxy.FrontendStats{Name: "fe",
				HTTPRules: []proxy.RuleStats{{Text: "http-request deny if blocked", Hits: hits}}}}},
			Backends: []lab.Backend{{Name: "be", Servers: []lab.Server{{ServerStats: proxy.ServerStats{Name: "s2", Max: smax}}}}},
		}
	}
	d.Phases[0].Snapshot, d.Phases[1].Snapshot = snap(10, 2), snap(2, 5)
	cs := Evaluate(d)
	if cs[0].Pass || cs[0].Measured != "2" {
		t.Fatalf("2 hits in phase two must fail a min of 3: %+v", cs[0])
	}
	if cs[1].Pass || cs[1].Measured != "5" {
		t.Fatalf("a peak of 5 over both phases must fail a max of 4: %+v", cs[1])
	}
	d.Phases[1].Snapshot = snap(3, 4)
	cs = Evaluate(d)
	if !cs[0].Pass || !cs[1].Pass {
		t.Fatalf("3 hits and a peak of 4 pass: %+v", cs)
	}
}

func TestExpectServersFor(t *testing.T) {
	d := handData(t, "  - {servers_for: [/a?x=1, /a?x=2], max: 1}\n")
	d.rec(0, 0, 1, "s1", "/a?x=1")
	if pass, _, det := checkOne(t, d); pass || det != "no request for /a?x=2 reached a server" {
		t.Fatalf("a URI never sent must fail: pass %v (%s)", pass, det)
	}
	d.rec(0, 0, 1, "s2", "/a?x=2")
	if pass, m, det := checkOne(t, d); pass || m != "2" || det != "s1, s2" {
		t.Fatalf("two servers must fail max 1: pass %v %q (%s)", pass, m, det)
	}
}

func TestEvaluateTimelineFailure(t *testing.T) {
	d := handData(t, "  - {count: any, min: 0}\n")
	ev := &scenario.Event{Action: scenario.ActRemoveServer, Server: "s1", Phase: 0}
	d.Phases[0].Played = []Played{{Event: ev, Err: errString("refused: last server")}}
	cs := Evaluate(d)
	if len(cs) != 2 || cs[0].Pass || cs[0].Kind != "timeline" || cs[0].Detail != "refused: last server" {
		t.Fatalf("a refused timeline event must be a failed check: %+v", cs)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

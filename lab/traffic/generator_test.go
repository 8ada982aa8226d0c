package traffic

import (
	"math"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/lab/clock"
)

func startApp(t testing.TB, name string, b apps.Behaviour, clk *clock.Clock) *apps.App {
	t.Helper()
	a, err := apps.New(apps.Config{Name: name, Addr: "127.0.0.1:0", Behaviour: b, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func newGen(t testing.TB, cfg Config) *Generator {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestDistinctSourceAddresses(t *testing.T) {
	// The server answers with the address it saw, so each result can be
	// checked against the address the generator says it used.
	srv := newRawServer(t, func(_ string, from netip.Addr) (int, string) { return 200, from.String() })
	var col collector
	g := newGen(t, Config{
		Target: srv.addr(),
		Groups: []Group{
			{Name: "internal", Prefix: netip.MustParsePrefix("127.0.0.0/24"), Clients: 3},
			{Name: "outside", Prefix: netip.MustParsePrefix("127.66.0.0/16"), Clients: 3},
		},
		// An open loop hands arrivals round robin to the clients: each of the
		// 6 sends exactly 10, however the goroutines are scheduled.
		Rate:     2000,
		Requests: 60,
		OnResult: col.add,
	})
	waitDone(t, g)
	if w := g.Warnings(); len(w) > 0 {
		t.Skipf("this system cannot bind loopback aliases: %v", w)
	}
	want := map[netip.Addr]string{}
	for _, a := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
		want[netip.MustParseAddr(a)] = "internal"
	}
	for _, a := range []string{"127.66.0.1", "127.66.0.2", "127.66.0.3"} {
		want[netip.MustParseAddr(a)] = "outside"
	}
	seen := srv.sources()
	if len(seen) != 6 {
		t.Fatalf("the server saw %d source addresses, want 6: %v", len(seen), seen)
	}
	for a, n := range seen {
		if _, ok := want[a]; !ok || n != 10 {
			t.Errorf("source address %s sent %d requests, want one of %v sending 10", a, n, want)
		}
	}
	for _, r := range col.all() {
		if r.Err != "" || r.App != r.Client.String() || want[r.Client] != r.Group {
			t.Fatalf("result %+v: the server saw %s", r, r.App)
		}
	}
	checkIdentity(t, g.Stats())
}

func TestClosedLoopCount(t *testing.T) {
	a := startApp(t, "app1", apps.Behaviour{}, nil)
	var col collector
	g := newGen(t, Config{Target: a.Addr(), Groups: []Group{{Clients: 5}}, Requests: 300, OnResult: col.add})
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	if s.Sent != 300 || s.Answered != 300 || s.Status.Count(200) != 300 || col.len() != 300 {
		t.Fatalf("sent %d answered %d 200s %d results %d, want 300 each", s.Sent, s.Answered, s.Status.Count(200), col.len())
	}
	if a.Stats().Served != 300 {
		t.Fatalf("the app served %d", a.Stats().Served)
	}
	if len(s.Apps) != 1 || s.Apps[0].Key != "app1" || s.Apps[0].Count != 300 {
		t.Fatalf("answers by app: %v", s.Apps)
	}
	if s.MaxInFlight > 5 || s.Running {
		t.Fatalf("closed loop of 5: max in flight %d, running %v", s.MaxInFlight, s.Running)
	}
	if s.Latency.Count != 300 || s.Latency.Max <= 0 {
		t.Fatalf("latency %+v", s.Latency)
	}
	byClient := map[netip.Addr]int{}
	for _, r := range col.all() {
		byClient[r.Client]++
	}
	if len(byClient) == 0 || len(byClient) > 5 {
		t.Fatalf("results came from %d clients, want 1 to 5", len(byClient))
	}
}

func TestRequestLinesSentAsWritten(t *testing.T) {
	srv := newRawServer(t, nil)
	mix := []Entry{
		{Method: "post", Path: "/submit", Body: "name=lab"},
		{Path: "//admin"},
		{Path: "/%73tatic/app.css", Headers: []Header{{"User-Agent", "Mobile Safari"}}},
	}
	g := newGen(t, Config{Target: srv.addr(), Mix: mix, Groups: []Group{{Clients: 1}}, Requests: 60, Seed: 7})
	waitDone(t, g)
	lines := map[string]bool{}
	for _, h := range srv.requests() {
		line, _, _ := strings.Cut(h, "\r\n")
		lines[line] = true
		if strings.HasPrefix(line, "GET /%73tatic") && !strings.Contains(h, "\r\nUser-Agent: Mobile Safari\r\n") {
			t.Errorf("header missing in %q", h)
		}
	}
	for _, want := range []string{"post /submit HTTP/1.1", "GET //admin HTTP/1.1", "GET /%73tatic/app.css HTTP/1.1"} {
		if !lines[want] {
			t.Errorf("the server never saw %q; saw %v", want, lines)
		}
	}
	checkIdentity(t, g.Stats())
}

func TestMixWeightsAndSeed(t *testing.T) {
	run := func(seed uint64) (map[string]int, map[netip.Addr][]string) {
		srv := newRawServer(t, nil)
		var col collector
		g := newGen(t, Config{
			Target:   srv.addr(),
			Mix:      []Entry{{Path: "/a", Weight: 3}, {Path: "/b"}},
			Groups:   []Group{{Clients: 2}},
			Requests: 2000,
			Seed:     seed,
			OnResult: col.add,
		})
		waitDone(t, g)
		counts := map[string]int{}
		seq := map[netip.Addr][]string{}
		for _, r := range col.all() {
			counts[r.Path]++
			seq[r.Client] = append(seq[r.Client], r.Path)
		}
		return counts, seq
	}
	counts, seq1 := run(42)
	// 3:1 over 2000 draws: 1500 expected, standard deviation about 19.
	if counts["/a"] < 1350 || counts["/a"] > 1650 || counts["/a"]+counts["/b"] != 2000 {
		t.Fatalf("weights 3:1 gave %v", counts)
	}
	_, seq2 := run(42)
	_, seq3 := run(43)
	same, differ := true, false
	for c, s := range seq1 {
		n := min(len(s), len(seq2[c]), len(seq3[c]))
		if !slices.Equal(s[:n], seq2[c][:n]) {
			same = false
		}
		if !slices.Equal(s[:n], seq3[c][:n]) {
			differ = true
		}
	}
	if !same {
		t.Error("the same seed gave a client different request sequences")
	}
	if !differ {
		t.Error("another seed gave the same sequences")
	}
}

// TestOpenLoopAchievesTheRate is a requirement of the project: over a few
// thousand arrivals the open loop's rate, measured from arrival times, is
// within 2% of the target.
//
// The machine is shared: other processes can starve this one for whole
// seconds, and no schedule survives that at its very end. A canary
// goroutine, independent of the generator, measures how late this process
// gets to run; an attempt off target while the canary was starved is tried
// again. An attempt off target while the canary ran on time is a bug in the
// generator and fails at once. If every attempt is starved the machine is
// too loaded to measure anything, and the test says so and skips.
func TestOpenLoopAchievesTheRate(t *testing.T) {
	const rate, n, attempts = 1000.0, 2000, 5
	const starvedAfter = 20 * time.Millisecond
	addr := trivialServer(t)
	for attempt := 1; attempt <= attempts; attempt++ {
		stopCanary := canary()
		m := openLoopRun(t, addr, rate, n)
		late := stopCanary()
		t.Logf("attempt %d: target %v/s, achieved %.1f/s from arrival times (%.1f/s reported), latest arrival %v behind schedule, %d skipped; the canary woke up to %v late",
			attempt, rate, m.achieved, m.reported, m.maxLag, m.skipped, late)
		if math.Abs(m.reported-m.achieved) > 0.001*rate {
			t.Fatalf("reported rate %.1f differs from the arrival times' %.1f", m.reported, m.achieved)
		}
		if math.Abs(m.achieved-rate)/rate <= 0.02 && m.skipped == 0 {
			return
		}
		if late < starvedAfter {
			t.Fatalf("achieved %.1f/s (%d skipped), want %v/s within 2%%, while this process was never starved (canary at most %v late)",
				m.achieved, m.skipped, rate, late)
		}
	}
	t.Skipf("the machine starved this process in all %d attempts: the rate cannot be measured now", attempts)
}

// canary sleeps 1 ms at a time and records how late it wakes up: a measure
// of how starved of CPU this process is, independent of the generator.
func canary() (stop func() time.Duration) {
	done := make(chan struct{})
	result := make(chan time.Duration, 1)
	go func() {
		var worst time.Duration
		for {
			select {
			case <-done:
				result <- worst
				return
			default:
			}
			t0 := time.Now()
			time.Sleep(time.Millisecond)
			worst = max(worst, time.Since(t0)-time.Millisecond)
		}
	}()
	return func() time.Duration { close(done); return <-result }
}

// rateRun is what one open-loop run measured.
type rateRun struct {
	achieved, reported float64       // from arrival times; from Stats
	maxLag             time.Duration // latest arrival behind its schedule
	skipped            int64
}

// openLoopRun sends n arrivals at rate and measures them.
func openLoopRun(t *testing.T, addr string, rate float64, n int) rateRun {
	var col collector
	g := newGen(t, Config{Target: addr, Rate: rate, Requests: int64(n), OnResult: col.add})
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	res := col.all()
	if len(res) != n || s.Sent != int64(n) || s.Answered != int64(n) {
		t.Fatalf("%d results, sent %d, answered %d; want %d", len(res), s.Sent, s.Answered, n)
	}
	starts := make([]time.Time, len(res))
	for i, r := range res {
		starts[i] = r.Start
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	first, last := starts[0], starts[n-1]
	m := rateRun{achieved: float64(n-1) / last.Sub(first).Seconds(), reported: s.AchievedRate, skipped: s.Skipped}
	for k, at := range starts {
		m.maxLag = max(m.maxLag, at.Sub(first)-time.Duration(float64(k)/rate*float64(time.Second)))
	}
	return m
}

func TestOpenLoopNotHeldBackBySlowServer(t *testing.T) {
	// Ep 6's 5-second app at speed 10: each answer takes half a real second.
	// 50 arrivals per lab second for 500 arrivals: 10 lab seconds.
	clk := clock.New(10)
	a := startApp(t, "app1", apps.Behaviour{Delay: 5 * time.Second}, clk)
	var col collector
	g := newGen(t, Config{Target: a.Addr(), Clock: clk, Rate: 50, Requests: 500, Groups: []Group{{Clients: 10}}, Timeout: 100 * time.Hour, OnResult: col.add})
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	if s.Answered != 500 || s.Latency.Min < 5*time.Second {
		t.Fatalf("answered %d, min latency %v: want 500 answers of at least 5s", s.Answered, s.Latency.Min)
	}
	first, last := s.Elapsed, time.Duration(0)
	res := col.all()
	t0 := res[0].Start
	for _, r := range res {
		t0 = minTime(t0, r.Start)
	}
	for _, r := range res {
		d := r.Start.Sub(t0)
		first, last = min(first, d), max(last, d)
	}
	span := last - first
	// Held back to the speed of the answers, 10 clients would need 250 lab
	// seconds with at most 10 requests in flight; on schedule, the arrivals
	// span 499/50 = 9.98 lab seconds with about 250 in flight. The bounds
	// leave room for a starved machine and still tell the two apart.
	if span > 100*time.Second {
		t.Fatalf("500 arrivals spanned %v of lab time: the slow app held the loop back", span)
	}
	if s.MaxInFlight <= 20 {
		t.Fatalf("at most %d requests in flight: arrivals waited for answers (about 250 expected)", s.MaxInFlight)
	}
	t.Logf("arrivals spanned %v (lab), max in flight %d", span, s.MaxInFlight)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func TestInFlightCapCountsFailures(t *testing.T) {
	a := startApp(t, "app1", apps.Behaviour{Delay: time.Hour}, nil)
	g := newGen(t, Config{Target: a.Addr(), Rate: 200, Requests: 50, MaxInFlight: 5})
	// Sent counts an arrival before the cap is checked: wait until all 50
	// are in a bucket.
	waitFor(t, "50 arrivals counted", func() bool { s := g.Stats(); return s.Sent == 50 && s.Failed+s.InFlight == 50 })
	s := g.Stats()
	if s.InFlight != 5 || !strings.Contains(s.Message, "45 requests not sent: 5 already in flight") {
		t.Errorf("in flight %d, message %q", s.InFlight, s.Message)
	}
	g.Stop()
	s = g.Stats()
	checkIdentity(t, s)
	reasons := map[string]int64{}
	for _, r := range s.Reasons {
		reasons[r.Key] = r.Count
	}
	if reasons[ReasonTooMany] != 45 || reasons[ReasonStopped] != 5 || s.Answered != 0 {
		t.Fatalf("reasons %v answered %d: want 45 %q and 5 %q", reasons, s.Answered, ReasonTooMany, ReasonStopped)
	}
}

func TestRefusedTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	g := newGen(t, Config{Target: addr, Groups: []Group{{Clients: 2}}, Requests: 20})
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	if len(s.Reasons) != 1 || s.Reasons[0].Key != ReasonRefused || s.Reasons[0].Count != 20 {
		t.Fatalf("reasons %v, want 20 %q", s.Reasons, ReasonRefused)
	}
}

func TestAccountingWhenTheServerStopsMidRun(t *testing.T) {
	clk := clock.New(100) // 1 lab second answers take 10 real ms
	a := startApp(t, "app1", apps.Behaviour{Delay: time.Second}, clk)
	var col collector
	g := newGen(t, Config{Target: a.Addr(), Clock: clk, Timeout: 100 * time.Hour, Groups: []Group{{Clients: 8}}, OnResult: col.add})
	waitFor(t, "100 answers", func() bool { return g.Stats().Answered >= 100 })
	// Hold every client's next request in the app, then stop it: those 8
	// are cut in flight, and the requests after them are refused.
	if err := a.SetBehaviour(apps.Behaviour{Delay: 100 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "8 requests held in the app", func() bool { return a.Stats().InFlight == 8 })
	stopAt := clk.Now()
	a.Stop()
	waitFor(t, "refusals", func() bool {
		for _, r := range g.Stats().Reasons {
			if r.Key == ReasonRefused && r.Count >= 50 {
				return true
			}
		}
		return false
	})
	if err := a.SetBehaviour(apps.Behaviour{Delay: time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil { // the same address again
		t.Fatal(err)
	}
	answered := g.Stats().Answered
	waitFor(t, "answers after the restart", func() bool { return g.Stats().Answered >= answered+50 })
	g.Stop()
	s := g.Stats()
	checkIdentity(t, s)
	if int64(col.len()) != s.Sent {
		t.Fatalf("%d results delivered for %d requests sent", col.len(), s.Sent)
	}
	reasons := map[string]int64{}
	for _, r := range s.Reasons {
		reasons[r.Key] = r.Count
	}
	// The app's in-flight count includes a handler that has written its
	// answer but not yet returned, so "8 held" can be 7 held and one
	// answered: up to 8 requests are cut, each started before the stop.
	cut := reasons[ReasonClosed] + reasons[ReasonReset]
	if cut < 1 || cut > 8 || reasons[ReasonRefused] < 50 || reasons[ReasonBadResponse] != 0 || reasons[ReasonNetwork] != 0 || reasons[ReasonTimeout] != 0 {
		t.Fatalf("reasons %v: want the requests held in the app cut (closed or reset), then refusals", reasons)
	}
	for _, r := range col.all() {
		if (r.Err == ReasonClosed || r.Err == ReasonReset) && !r.Start.Before(stopAt) {
			t.Fatalf("a request started after the app's stop was %q: %+v", r.Err, r)
		}
	}
	t.Logf("sent %d: answered %d, failed %v", s.Sent, s.Answered, s.Reasons)
}

func TestStopCutsSlowRequestsAndLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	// Ep 6's slow apps at real speed, made 10 minutes slow so that nothing
	// but cutting can end their requests whatever the machine's load.
	a, err := apps.New(apps.Config{Name: "app1", Addr: "127.0.0.1:0", Behaviour: apps.Behaviour{Delay: 10 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	g, err := New(Config{Target: a.Addr(), Rate: 100, Groups: []Group{{Clients: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "20 requests in flight", func() bool { return g.Stats().InFlight >= 20 })
	began := time.Now()
	g.Stop()
	took := time.Since(began)
	s := g.Stats()
	checkIdentity(t, s)
	if s.Answered != 0 || s.Running {
		t.Fatalf("answered %d running %v", s.Answered, s.Running)
	}
	for _, r := range s.Reasons {
		if r.Key != ReasonStopped {
			t.Fatalf("reasons %v: every cut request is %q", s.Reasons, ReasonStopped)
		}
	}
	t.Logf("Stop with %d slow requests in flight took %v", s.Failed, took)
	a.Close()
	goroutinesBack(t, base)
	g.Stop() // twice is harmless
}

func TestTCPHoldKeepsConnectionsOpen(t *testing.T) {
	srv := newRawServer(t, nil)
	var col collector
	g := newGen(t, Config{Target: srv.addr(), Mode: TCP, TCP: TCPOptions{Hold: time.Hour}, Groups: []Group{{Clients: 6}}, OnResult: col.add})
	waitFor(t, "6 held connections", func() bool { return srv.open.Load() == 6 })
	if s := g.Stats(); s.InFlight != 6 || s.Sent != 6 {
		t.Fatalf("holding: in flight %d sent %d", s.InFlight, s.Sent)
	}
	g.Stop()
	waitFor(t, "the server to see them closed", func() bool { return srv.open.Load() == 0 })
	s := g.Stats()
	checkIdentity(t, s)
	if s.Failed != 6 || s.Reasons[0].Key != ReasonStopped {
		for _, r := range col.all() {
			t.Logf("%+v", r)
		}
		t.Fatalf("reasons %v", s.Reasons)
	}
}

func TestTCPPayloadReadsTheReply(t *testing.T) {
	clk := clock.New(1000)
	a := startApp(t, "app", apps.Behaviour{Profile: apps.TCP}, clk)
	var col collector
	g := newGen(t, Config{
		Target: a.Addr(), Clock: clk, Mode: TCP, Requests: 20, Groups: []Group{{Clients: 4}}, Timeout: 100 * time.Hour,
		TCP:      TCPOptions{Payload: "GET / HTTP/1.0\r\n\r\n", Hold: 2 * time.Second},
		OnResult: col.add,
	})
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	if s.Status.Count(200) != 20 {
		t.Fatalf("statuses %v reasons %v", s.Status.Codes, s.Reasons)
	}
	for _, r := range col.all() {
		if r.App != "app" {
			t.Fatalf("result %+v", r)
		}
	}
	if s.Elapsed < 10*time.Second { // 20 connections over 4 clients holding 2 s each
		t.Fatalf("the run took %v of lab time: the holds did not happen", s.Elapsed)
	}
}

func TestDurationBound(t *testing.T) {
	clk := clock.New(10)
	a := startApp(t, "app1", apps.Behaviour{}, clk)
	g := newGen(t, Config{Target: a.Addr(), Clock: clk, Rate: 20, Duration: 10 * time.Second, Timeout: 100 * time.Hour})
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	// 10 lab seconds at 20/s: 201 arrivals from 0 s to 10 s inclusive. The
	// run must end by itself (waitDone) after the duration; the bounds on
	// the count allow for a starved machine at either end of the window.
	if n := s.Sent + s.Skipped; n < 100 || n > 1000 || s.Elapsed < 10*time.Second {
		t.Fatalf("sent %d, skipped %d in %v", s.Sent, s.Skipped, s.Elapsed)
	}
	t.Logf("sent %d in %v (lab)", s.Sent, s.Elapsed)
}

func TestRuntimeControls(t *testing.T) {
	a := startApp(t, "app1", apps.Behaviour{}, nil)
	var col collector
	g := newGen(t, Config{Target: a.Addr(), Groups: []Group{{Clients: 4}}, OnResult: col.add})
	if err := g.SetRate(10); err == nil {
		t.Error("SetRate on a closed loop")
	}
	waitFor(t, "answers from 4 clients", func() bool { return col.len() > 200 })

	// Fewer clients: the retired ones finish their request in flight and
	// start no other once SetClients has returned.
	if err := g.SetClients("", 1); err != nil {
		t.Fatal(err)
	}
	setAt := time.Now()
	mark := col.len()
	waitFor(t, "more answers", func() bool { return col.len() > mark+100 })
	for _, r := range col.all() {
		if r.Start.After(setAt) && r.Client != netip.MustParseAddr("127.1.0.1") {
			t.Fatalf("client %s started a request after SetClients(1)", r.Client)
		}
	}
	if s := g.Stats(); s.Clients != 1 {
		t.Fatalf("Stats.Clients = %d", s.Clients)
	}
	if err := g.SetClients("nope", 1); err == nil || !strings.Contains(err.Error(), `no client group "nope"`) {
		t.Errorf("SetClients on an unknown group: %v", err)
	}
	if err := g.SetClients("", 3); err != nil {
		t.Fatal(err)
	}
	mark = col.len()
	waitFor(t, "answers from 3 clients", func() bool {
		seen := map[netip.Addr]bool{}
		for _, r := range col.all()[mark:] {
			seen[r.Client] = true
		}
		return len(seen) == 3
	})

	g.Pause()
	sent := g.Stats().Sent // every request started is counted by now
	waitFor(t, "nothing in flight", func() bool { return g.Stats().InFlight == 0 })
	time.Sleep(20 * time.Millisecond)
	if s := g.Stats(); s.Sent != sent || !s.Paused {
		t.Fatalf("paused, yet sent went from %d to %d", sent, s.Sent)
	}
	g.Resume()
	waitFor(t, "traffic after Resume", func() bool { return g.Stats().Sent > sent+10 })
	g.Stop()
	checkIdentity(t, g.Stats())
}

func TestOpenLoopRoundRobinAndSetRate(t *testing.T) {
	a := startApp(t, "app1", apps.Behaviour{}, nil)
	var col collector
	g := newGen(t, Config{Target: a.Addr(), Rate: 300, Requests: 90, Groups: []Group{{Clients: 3}}, OnResult: col.add})
	if err := g.SetRate(0); err == nil {
		t.Error("SetRate(0) accepted")
	}
	if err := g.SetRate(600); err != nil {
		t.Fatal(err)
	}
	waitDone(t, g)
	s := g.Stats()
	checkIdentity(t, s)
	if s.TargetRate != 600 {
		t.Fatalf("target rate %v after SetRate(600)", s.TargetRate)
	}
	per := map[netip.Addr]int{}
	for _, r := range col.all() {
		per[r.Client]++
	}
	for c, n := range per {
		if n != 30 {
			t.Fatalf("round robin over 3 clients: %v (client %s)", per, c)
		}
	}
}

func TestStatsBeforeStartAndStopWithoutStart(t *testing.T) {
	g, err := New(Config{Target: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if s := g.Stats(); s.Running || s.Sent != 0 || s.Clients != DefaultClients {
		t.Fatalf("fresh stats %+v", s)
	}
	g.Stop()
	<-g.Done()
	if err := g.Start(); err == nil {
		t.Fatal("Start after Stop")
	}
	if ps := g.PerSecond(3); len(ps.Sent) != 3 || len(ps.Answered) != 3 || len(ps.Failed) != 3 {
		t.Fatalf("PerSecond(3) = %+v", ps)
	}
}

func TestIdleConnectionClosedByTheServerIsNotReused(t *testing.T) {
	a := startApp(t, "app1", apps.Behaviour{}, nil)
	g := newGen(t, Config{Target: a.Addr(), Groups: []Group{{Clients: 2}}})
	waitFor(t, "answers", func() bool { return g.Stats().Answered >= 20 })
	g.Pause()
	waitFor(t, "nothing in flight", func() bool { return g.Stats().InFlight == 0 })
	// Restarting the app closes the clients' idle keep-alive connections.
	a.Stop()
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	before := g.Stats().Answered
	g.Resume()
	waitFor(t, "answers after the restart", func() bool { return g.Stats().Answered >= before+20 })
	g.Stop()
	s := g.Stats()
	checkIdentity(t, s)
	for _, r := range s.Reasons {
		if r.Key != ReasonStopped {
			t.Fatalf("a request failed on a connection the server had closed while idle: %v", s.Reasons)
		}
	}
}

func TestSaysWhenItCannotKeepTheRate(t *testing.T) {
	addr := trivialServer(t)
	// A million requests a second is beyond any machine this runs on.
	g := newGen(t, Config{Target: addr, Rate: 1e6, Groups: []Group{{Clients: 4}}})
	var s Stats
	waitFor(t, "the generator to say it is behind", func() bool { s = g.Stats(); return s.Behind })
	if !strings.Contains(s.Message, "generator: cannot keep 1000000 requests/s") || s.AchievedRate >= 1e6 {
		t.Fatalf("behind, with message %q and achieved rate %v", s.Message, s.AchievedRate)
	}
	t.Logf("while running: %s", s.Message)
	g.Stop()
	s = g.Stats()
	checkIdentity(t, s)
	if s.Behind {
		t.Fatal("a stopped generator still reports being behind")
	}
}

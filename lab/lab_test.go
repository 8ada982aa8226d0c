package lab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// start runs a lab for the test, listening on a free port.
func start(t *testing.T, o Options) *Lab {
	t.Helper()
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	l, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// get sends GET path and returns the body.
func get(t *testing.T, addr, path string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n", path)
	raw, err := io.ReadAll(bufio.NewReader(c))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	return body
}

func fast() map[string]time.Duration { return map[string]time.Duration{"app1": 0, "app3": 0} }

func TestDefaultLabAnswersInTurnAsInTheEpisodes(t *testing.T) {
	l := start(t, Options{Speed: 10, Delays: fast()})
	var got []string
	for range 4 {
		got = append(got, get(t, l.Addr(), "/"))
	}
	want := "Hello from Flask App 1!|Hello from Flask App 2!|Hello from Flask App 3!|Hello from Flask App 1!"
	if g := strings.Join(got, "|"); g != want {
		t.Fatalf("curl 4 times: %s, want %s", g, want)
	}
	if b := get(t, l.Addr(), "/data"); !strings.HasPrefix(b, "Data from Flask App ") {
		t.Fatalf("GET /data: %q", b)
	}
}

func TestWeightsFollowHAProxysRoundRobinOrder(t *testing.T) {
	l := start(t, Options{Speed: 10, Delays: fast(), Weights: []int{2, 1, 3}})
	var got []string
	for range 12 {
		b := get(t, l.Addr(), "/")
		got = append(got, strings.TrimSuffix(strings.TrimPrefix(b, "Hello from Flask App "), "!"))
	}
	// haproxy-2.6.md §1: weights 2,1,3 cycle s3 s1 s3 s2 s3 s1
	if g := strings.Join(got, " "); g != "3 1 3 2 3 1 3 1 3 2 3 1" {
		t.Fatalf("weights 2,1,3: %s", g)
	}
}

// phase runs traffic for d of lab time and returns each server's requests
// during it and the backend's p50 latency at its end.
func phase(t *testing.T, l *Lab, d time.Duration) map[string]int64 {
	t.Helper()
	before := totals(l.Snapshot())
	time.Sleep(l.Clock().Real(d))
	after := totals(l.Snapshot())
	out := map[string]int64{}
	for k, v := range after {
		out[k] = v - before[k]
	}
	return out
}

func totals(s Snapshot) map[string]int64 {
	out := map[string]int64{}
	for _, b := range s.Backends {
		for _, sv := range b.Servers {
			out[sv.App] = sv.Total
		}
	}
	return out
}

func TestEp6LeastconnSendsMostRequestsToTheFastApp(t *testing.T) {
	l := start(t, Options{Speed: 20, Traffic: SteadyTraffic(20, 20)})
	rr := phase(t, l, 30*time.Second)
	if err := l.SetAlgo("servers", balance.Spec{Algo: balance.LeastConn}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(l.Clock().Real(6 * time.Second)) // let the slow apps' queues drain
	lc := phase(t, l, 30*time.Second)
	share := func(m map[string]int64) float64 {
		return float64(m["app2"]) / float64(m["app1"]+m["app2"]+m["app3"])
	}
	t.Logf("app2's share: roundrobin %.2f (%v), leastconn %.2f (%v)", share(rr), rr, share(lc), lc)
	if s := share(rr); s < 0.25 || s > 0.42 {
		t.Errorf("roundrobin gave app2 %.2f of the requests, want about a third", s)
	}
	if s := share(lc); s < 0.8 {
		t.Errorf("leastconn gave the fast app2 only %.2f of the requests, want most of them", s)
	}
}

func TestTrafficAccountsForEveryRequestWhenAnAppStops(t *testing.T) {
	l := start(t, Options{Speed: 20, Delays: fast(), Traffic: &traffic.Config{Rate: 50, Duration: 20 * time.Second}})
	time.Sleep(l.Clock().Real(5 * time.Second))
	if err := l.StopApp("app2"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.Done():
	case <-time.After(time.Minute):
		t.Fatal("the traffic never ended")
	}
	tr := l.Snapshot().Traffic
	var byStatus, byReason int64
	for _, n := range tr.ByStatus {
		byStatus += n
	}
	for _, n := range tr.ByReason {
		byReason += n
	}
	if tr.Sent == 0 || tr.Sent != tr.Answered+tr.Failed || tr.InFlight != 0 {
		t.Fatalf("sent %d != answered %d + failed %d (in flight %d)", tr.Sent, tr.Answered, tr.Failed, tr.InFlight)
	}
	if byStatus != tr.Answered || byReason != tr.Failed {
		t.Fatalf("buckets: by status %d vs answered %d, by reason %d vs failed %d", byStatus, tr.Answered, byReason, tr.Failed)
	}
	var srv2 Server
	for _, sv := range l.Snapshot().Backends[0].Servers {
		if sv.App == "app2" {
			srv2 = sv
		}
	}
	if !strings.HasPrefix(srv2.Status, "DOWN") {
		t.Errorf("server2's app stopped but its status is %q", srv2.Status)
	}
}

func TestCloseAbortsSlowRequestsAndFreesEverything(t *testing.T) {
	base := runtime.NumGoroutine()
	// app1 and app3 take ten minutes: if Close waited for the requests in
	// flight it would not return within the test's time
	slow := map[string]time.Duration{"app1": 10 * time.Minute, "app3": 10 * time.Minute}
	l, err := New(Options{Listen: "127.0.0.1:0", Delays: slow, Traffic: SteadyTraffic(20, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	addr := l.Addr()
	deadline := time.Now().Add(10 * time.Second)
	for l.Snapshot().Traffic.InFlight < 5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := l.Snapshot().Traffic.InFlight; n < 5 {
		t.Fatalf("only %d requests in flight", n)
	}
	t0 := time.Now()
	l.Close()
	t.Logf("Close took %v with 10-minute requests in flight", time.Since(t0))
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the proxy still accepts connections after Close")
	}
	for time.Now().Before(deadline) && runtime.NumGoroutine() > base {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left (%d before):\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestAddressInUseStartsNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l, err := New(Options{Listen: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	err = l.Start()
	if !errors.Is(err, ErrAddrInUse) || !strings.Contains(err.Error(), ln.Addr().String()) || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("Start on a taken address: %v", err)
	}
	for _, a := range l.apps {
		if a.Running() {
			t.Errorf("%s still runs after the failed start", a.Name())
		}
	}
}

func TestBadOptionsSayWhatIsWrong(t *testing.T) {
	tcp := &proxy.Config{
		Frontends: []*proxy.Frontend{{Name: "f", Mode: proxy.TCP, Binds: []string{"*:4000"}, DefaultBackend: "b"}},
		Backends:  []*proxy.Backend{{Name: "b", Mode: proxy.TCP, Retries: 3, Servers: []*proxy.Server{proxy.NewServer("s", "app:5000")}}},
	}
	uri := balance.Spec{Algo: balance.URI}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Delays: map[string]time.Duration{"app9": 0}}, "--delay app9: no such app"},
		{Options{Weights: []int{1, 2}}, "--weights gives 2 weights but backend servers has 3 servers"},
		{Options{Config: tcp, Algo: &uri}, "needs HTTP, but backend b is in TCP mode"},
		{Options{Listen: "nope"}, "--listen \"nope\""},
	} {
		_, err := New(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want an error containing %q, got %v", c.want, err)
		}
	}
}

func TestRemovingAServerMovesAThirdOfClientsUnderConsistentHashing(t *testing.T) {
	for _, c := range []struct {
		consistent bool
		lo, hi     float64
	}{
		{true, 0.15, 0.5},  // about the removed server's third
		{false, 0.5, 1.01}, // the map is rebuilt: most keys move
	} {
		spec := balance.Spec{Algo: balance.Source}
		ht := balance.HashType{Consistent: c.consistent, Avalanche: c.consistent}
		l := start(t, Options{Speed: 10, Delays: fast(), Algo: &spec, HashType: &ht})
		if err := l.RemoveServer("servers", "server3"); err != nil {
			t.Fatal(err)
		}
		pl, err := l.Placement("servers")
		if err != nil {
			t.Fatal(err)
		}
		if pl.Moved == nil || pl.Moved.Keys == 0 {
			t.Fatalf("no move recorded: %+v", pl.Moved)
		}
		got := float64(pl.Moved.Count) / float64(pl.Moved.Keys)
		t.Logf("consistent=%v: %d of %d keys moved", c.consistent, pl.Moved.Count, pl.Moved.Keys)
		if got < c.lo || got > c.hi {
			t.Errorf("consistent=%v: %.2f of the clients moved, want between %.2f and %.2f", c.consistent, got, c.lo, c.hi)
		}
		for _, k := range pl.Keys {
			if k.Server < 0 || pl.Servers[k.Server] == "server3" {
				t.Errorf("client %s placed on %d after server3 left", k.Key, k.Server)
			}
		}
		l.Close()
	}
}

func TestRemovingTheLastServerIsRefused(t *testing.T) {
	l := start(t, Options{Speed: 10, Apps: 1})
	err := l.RemoveServer("servers", "server1")
	if err == nil || !strings.Contains(err.Error(), "last server") {
		t.Fatalf("removing the last server: %v", err)
	}
}

func TestAddServerStartsAnAppAndBalancesToIt(t *testing.T) {
	l := start(t, Options{Speed: 10, Delays: fast()})
	name, err := l.AddServer("servers")
	if err != nil {
		t.Fatal(err)
	}
	if name != "server4" {
		t.Fatalf("new server %q, want server4", name)
	}
	seen := map[string]bool{}
	for range 8 {
		seen[get(t, l.Addr(), "/")] = true
	}
	if !seen["Hello from Flask App 4!"] {
		t.Fatalf("the new app never answered: %v", seen)
	}
}

func TestAFrontendWithoutBindIsSkippedAndPortsBelow1024Move(t *testing.T) {
	cfg := &proxy.Config{
		Frontends: []*proxy.Frontend{
			{Name: "silent", Mode: proxy.HTTP, DefaultBackend: "b"}, // no bind: HAProxy accepts it
			{Name: "web", Mode: proxy.HTTP, Binds: []string{"*:443"}, DefaultBackend: "b"},
		},
		Backends: []*proxy.Backend{{Name: "b", Mode: proxy.HTTP, Retries: 3,
			Servers: []*proxy.Server{proxy.NewServer("s1", "app1:5001")}}},
	}
	l, err := New(Options{Config: cfg, Speed: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.front.Binds[0]; l.front.Name != "web" || got != "127.0.0.1:8443" {
		t.Fatalf("traffic and --listen go to %s on %s, want web on 127.0.0.1:8443", l.front.Name, got)
	}
	if cfg.Frontends[1].Binds[0] != "*:443" {
		t.Errorf("New changed the caller's config: bind is now %q", cfg.Frontends[1].Binds[0])
	}
	cfg.Frontends[0].Binds = []string{"*:80"}
	cfg.Frontends[1].Binds = []string{"0.0.0.0:8080"}
	_, err = New(Options{Config: cfg})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Frontend != "web" || !strings.Contains(err.Error(), "127.0.0.1:8080") {
		t.Errorf("two binds on one address: %v", err)
	}
	cfg.Frontends = cfg.Frontends[:1]
	cfg.Frontends[0].Binds = nil
	if _, err := New(Options{Config: cfg}); err == nil || !strings.Contains(err.Error(), "no frontend has a bind") {
		t.Errorf("no bind at all: %v", err)
	}
}

func TestTheSameOptionsStartTwoLabs(t *testing.T) {
	cfg := &proxy.Config{
		Frontends: []*proxy.Frontend{{Name: "f", Mode: proxy.HTTP, Binds: []string{"127.0.0.1:0"}, DefaultBackend: "b"}},
		Backends: []*proxy.Backend{{Name: "b", Mode: proxy.HTTP, Retries: 3,
			Servers: []*proxy.Server{proxy.NewServer("s1", "app1:5001")}}},
	}
	for i := range 2 {
		l := start(t, Options{Config: cfg, Speed: 10})
		if apps := l.Snapshot().Apps; len(apps) != 1 || !apps[0].Running {
			t.Fatalf("lab %d from the same options has apps %+v", i+1, apps)
		}
		l.Close()
	}
}

func TestRecentShareFollowsPicksNotAnswers(t *testing.T) {
	// Ep 6: after switching to leastconn, the slow apps' answers keep
	// coming for 5 s; the recent share must show where requests go now
	l := start(t, Options{Speed: 20, Traffic: SteadyTraffic(20, 20)})
	time.Sleep(l.Clock().Real(10 * time.Second))
	if err := l.SetAlgo("servers", balance.Spec{Algo: balance.LeastConn}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(l.Clock().Real(7 * time.Second)) // the recent window (5 s) and a sample
	for _, sv := range l.Snapshot().Backends[0].Servers {
		if sv.App == "app2" {
			t.Logf("server2's recent share %.2f, since start %.2f", sv.RecentShare, sv.Share)
			if sv.RecentShare < 0.85 {
				t.Errorf("server2's recent share is %.2f a window after the switch, want most requests", sv.RecentShare)
			}
		}
	}
}

func TestMovesAreOnlyCountedBetweenTheSameKeys(t *testing.T) {
	src := balance.Spec{Algo: balance.Source}
	l := start(t, Options{Speed: 10, Delays: fast(), Algo: &src})
	if err := l.SetAlgo("servers", balance.Spec{Algo: balance.Source, Hash: balance.HashType{Consistent: true, Avalanche: true}}); err != nil {
		t.Fatal(err)
	}
	pl, _ := l.Placement("servers")
	if pl.Moved == nil || pl.Moved.Change != "hash-type consistent" {
		t.Fatalf("switching the hash type: %+v", pl.Moved)
	}
	if err := l.SetAlgo("servers", balance.Spec{Algo: balance.URLParam, Param: "id"}); err != nil {
		t.Fatal(err)
	}
	if pl, _ = l.Placement("servers"); pl.Moved != nil {
		t.Errorf("client addresses compared with url_param values: %+v", pl.Moved)
	}
}

func TestAddServerPicksAFreeName(t *testing.T) {
	cfg := &proxy.Config{
		Frontends: []*proxy.Frontend{{Name: "f", Mode: proxy.HTTP, Binds: []string{"127.0.0.1:0"}, DefaultBackend: "b"}},
		Backends: []*proxy.Backend{{Name: "b", Mode: proxy.HTTP, Retries: 3,
			Servers: []*proxy.Server{proxy.NewServer("server1", "app:5000")}}},
	}
	l := start(t, Options{Config: cfg, Speed: 10})
	name, err := l.AddServer("b")
	if err != nil || name == "server1" {
		t.Fatalf("AddServer next to server1 (app \"app\" has no number): %q, %v", name, err)
	}
	if len(l.Snapshot().Apps) != 2 {
		t.Errorf("apps after adding one: %+v", l.Snapshot().Apps)
	}
}

func TestParseAlgoTakesTheShortURLParamForm(t *testing.T) {
	for _, s := range []string{"url_param(id)", "url_param id"} {
		spec, err := ParseAlgo(s)
		if err != nil || spec.Algo != balance.URLParam || spec.Param != "id" {
			t.Errorf("%q: %+v, %v", s, spec, err)
		}
	}
}

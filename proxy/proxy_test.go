package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/h1"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// labConfig is one HTTP frontend on a free port in front of one backend.
func labConfig(spec balance.Spec, servers ...*Server) *Config {
	be := NewBackend("be", HTTP)
	be.Balance = spec
	be.Servers = servers
	be.Timeouts = Timeouts{Connect: 5 * time.Second, Server: 50 * time.Second}
	fe := &Frontend{Name: "fe", Mode: HTTP, Binds: []string{"127.0.0.1:0"}, DefaultBackend: "be",
		Timeouts: Timeouts{Client: 50 * time.Second}}
	return &Config{Frontends: []*Frontend{fe}, Backends: []*Backend{be}}
}

func weighted(name, addr string, w int) *Server {
	s := NewServer(name, addr)
	s.Weight = w
	return s
}

// run starts a proxy on cfg and returns it with its address; it is closed
// when the test ends.
func run(t *testing.T, cfg *Config, opts Options) (*Proxy, string) {
	t.Helper()
	p, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, p.Addrs(cfg.Frontends[0].Name)[0]
}

// response is what a client read back.
type response struct {
	status int
	header h1.Header
	body   string
	raw    string
}

// send writes raw on c and reads one response.
func send(t *testing.T, c net.Conn, br *bufio.Reader, raw string) response {
	t.Helper()
	r, err := exchangeRaw(c, br, raw)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// exchangeRaw is send without the test: safe from any goroutine.
func exchangeRaw(c net.Conn, br *bufio.Reader, raw string) (response, error) {
	if _, err := io.WriteString(c, raw); err != nil {
		return response{}, err
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var resp h1.Response
	if err := h1.NewReader(br).ReadResponse(&resp); err != nil {
		return response{}, fmt.Errorf("reading the response to %q: %v", raw, err)
	}
	var body strings.Builder
	if _, err := h1.CopyBody(&body, br, h1.ResponseFraming(&resp, "GET")); err != nil {
		return response{}, err
	}
	return response{status: resp.Status, header: append(h1.Header(nil), resp.Header...), body: body.String()}, nil
}

func get(t *testing.T, addr, path string) response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return send(t, c, bufio.NewReader(c), "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
}

func TestRoundRobinFollowsHAProxyOrder(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1", "s2", "s3")
	for _, tc := range []struct {
		weights []int
		want    string
	}{
		{[]int{1, 1, 1}, "s1 s2 s3 s1 s2 s3"},
		{[]int{2, 1, 3}, "s3 s1 s3 s2 s3 s1 s3 s1 s3 s2 s3 s1"},
		{[]int{5, 1, 1}, "s1 s1 s1 s2 s1 s1 s3"},
	} {
		cfg := labConfig(balance.Spec{}, weighted("s1", bs[0].Addr, tc.weights[0]),
			weighted("s2", bs[1].Addr, tc.weights[1]), weighted("s3", bs[2].Addr, tc.weights[2]))
		_, addr := run(t, cfg, Options{})
		var got []string
		for range strings.Fields(tc.want) {
			got = append(got, get(t, addr, "/").body)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("weights %v: picks %q, want %q", tc.weights, g, tc.want)
		}
	}
}

// countingBackend answers "ok" and counts the connections it accepted.
type countingBackend struct {
	addr  string
	mu    sync.Mutex
	conns int
	seen  []*http.Request
}

func startCounting(t *testing.T) *countingBackend {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cb := &countingBackend{addr: ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb.mu.Lock()
		cb.seen = append(cb.seen, r)
		cb.mu.Unlock()
		w.Header().Set("Keep-Alive", "timeout=5")
		io.WriteString(w, "ok")
	}), ConnState: func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			cb.mu.Lock()
			cb.conns++
			cb.mu.Unlock()
		}
	}}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return cb
}

func TestKeepAliveOnBothSidesAndHeaderRewriting(t *testing.T) {
	cb := startCounting(t)
	cfg := labConfig(balance.Spec{}, NewServer("s1", cb.addr))
	cfg.Frontends[0].ForwardFor = true
	_, addr := run(t, cfg, Options{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range 5 {
		r := send(t, c, br, fmt.Sprintf("GET /%d HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Drop\r\nX-Drop: 1\r\nKeep-Alive: 300\r\nX-Keep: yes\r\n\r\n", i))
		if r.status != 200 || r.body != "ok" {
			t.Fatalf("request %d: %d %q", i, r.status, r.body)
		}
		if _, ok := r.header.Get("keep-alive"); ok {
			t.Fatalf("the server's Keep-Alive header reached the client")
		}
		for _, f := range r.header {
			if f.Name != strings.ToLower(f.Name) {
				t.Fatalf("header %q was not lower-cased as HAProxy's HTX does", f.Name)
			}
		}
	}
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if cb.conns != 1 {
		t.Errorf("5 keep-alive requests opened %d server connections, want 1 reused", cb.conns)
	}
	r := cb.seen[0]
	if r.Header.Get("X-Drop") != "" || r.Header.Get("Keep-Alive") != "" {
		t.Errorf("hop-by-hop headers were forwarded: %v", r.Header)
	}
	if r.Header.Get("X-Keep") != "yes" {
		t.Errorf("an end-to-end header was lost: %v", r.Header)
	}
	if xff := r.Header.Get("X-Forwarded-For"); xff != "127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q, want 127.0.0.1", xff)
	}
}

func TestHTTP10ClientGetsConnectionClose(t *testing.T) {
	cb := startCounting(t)
	_, addr := run(t, labConfig(balance.Spec{}, NewServer("s1", cb.addr)), Options{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	r := send(t, c, br, "GET / HTTP/1.0\r\n\r\n")
	if v, _ := r.header.Get("connection"); v != "close" {
		t.Fatalf("HTTP/1.0 response Connection = %q, want close", v)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection not closed after an HTTP/1.0 response: %v", err)
	}
}

func TestErrorPagesAndLogs(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1")
	dead := haproxytest.FreeAddr(t)
	var mu sync.Mutex
	var logs []string
	cfg := labConfig(balance.Spec{}, NewServer("s1", bs[0].Addr))
	deadBe := NewBackend("dead", HTTP)
	deadBe.Servers = []*Server{NewServer("d1", dead)}
	deadBe.Timeouts.Connect = 5 * time.Second
	cfg.Backends = append(cfg.Backends, deadBe)
	cfg.Frontends[0].UseBackends = []UseBackend{{Backend: "dead", Cond: nil}}
	clk := clock.New(1000) // three retries of a refused connection wait 3 lab seconds
	_, addr := run(t, cfg, Options{Clock: clk, OnLog: func(r *LogRecord) {
		mu.Lock()
		logs = append(logs, r.String())
		mu.Unlock()
	}})
	r := get(t, addr, "/x")
	if r.status != 503 || !strings.Contains(r.body, "No server is available") {
		t.Fatalf("dead server: %d %q", r.status, r.body)
	}
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	io.WriteString(c, "GARBAGE\r\n\r\n")
	raw, _ := io.ReadAll(c)
	if want := rawPage(400); string(raw) != want {
		t.Fatalf("bad request answer:\n%q\nwant\n%q", raw, want)
	}
	waitUntil(t, "two log lines", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(logs) == 2
	})
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs[0], "BADREQ") { // each line is logged once its exchange is over, in any order
		logs[0], logs[1] = logs[1], logs[0]
	}
	if !strings.Contains(logs[0], "fe dead/d1 ") || !strings.Contains(logs[0], " 503 217 - - SC-- ") ||
		!strings.Contains(logs[0], "/3 0/0 \"GET /x HTTP/1.1\"") {
		t.Errorf("503 log line: %s", logs[0])
	}
	if !strings.Contains(logs[1], "fe fe/<NOSRV> -1/-1/-1/-1/") || !strings.Contains(logs[1], " 400 0 - - PR-- ") || !strings.HasSuffix(logs[1], `"<BADREQ>"`) {
		t.Errorf("400 log line: %s", logs[1])
	}
}

func TestMaxconnQueuesAndQueueTimeout(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1")
	s1 := NewServer("s1", bs[0].Addr)
	s1.MaxConn = 1
	cfg := labConfig(balance.Spec{}, s1)
	cfg.Backends[0].Timeouts.Queue = 2 * time.Second
	clk := clock.New(100)
	p, addr := run(t, cfg, Options{Clock: clk})
	held := make(chan response, 1)
	go func() { held <- get(t, addr, "/hold") }()
	<-bs[0].Arrived
	r := get(t, addr, "/second") // waits in the backend queue, then times out
	if r.status != 503 {
		t.Fatalf("queued request past timeout queue: %d, want 503", r.status)
	}
	st := p.Stats().Backends[0]
	if st.QMax != 1 || st.Servers[0].Max != 1 {
		t.Errorf("qmax=%d smax=%d, want 1 and 1", st.QMax, st.Servers[0].Max)
	}
	bs[0].Release()
	if r := <-held; r.status != 200 {
		t.Fatalf("held request: %d", r.status)
	}
	// a queued request that gets the slot in time is served
	cfg.Backends[0].Timeouts.Queue = time.Hour
	cfg.Frontends[0].Binds = []string{"127.0.0.1:0"}
	p, addr = run(t, cfg, Options{Clock: clk})
	go func() { held <- get(t, addr, "/hold") }()
	<-bs[0].Arrived
	second := make(chan response, 1)
	go func() { second <- get(t, addr, "/after") }()
	waitUntil(t, "the second request is queued", func() bool { return p.Stats().Backends[0].QCur == 1 })
	bs[0].Release()
	if r := <-second; r.status != 200 || r.body != "s1" {
		t.Fatalf("dequeued request: %d %q", r.status, r.body)
	}
	<-held
}

// waitUntil polls cond for up to 10 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCloseAbortsInFlightRequestsAndLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	bs := haproxytest.StartBackends(t, "s1")
	p, err := New(labConfig(balance.Spec{}, NewServer("s1", bs[0].Addr)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	addr := p.Addrs("fe")[0]
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			io.WriteString(c, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
			_, err = io.ReadAll(c)
			errs <- err
		}()
	}
	for range 3 {
		<-bs[0].Arrived
	}
	// the backend holds the requests until Release, which comes after
	// Close: if Close waited for them it would never return
	start := time.Now()
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
		t.Logf("Close returned after %v with 3 requests held", time.Since(start))
	case <-time.After(time.Minute):
		bs[0].Release()
		t.Fatal("Close waited for the requests in flight instead of aborting them")
	}
	for range 3 {
		<-errs
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the frontend still accepts connections after Close")
	}
	bs[0].Release()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+4 && time.Now().Before(deadline) { // the backends' own goroutines
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+4 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left after Close (%d before):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestTCPModeBalancesConnections(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1", "s2")
	cfg := labConfig(balance.Spec{}, NewServer("s1", bs[0].Addr), NewServer("s2", bs[1].Addr))
	cfg.Frontends[0].Mode, cfg.Backends[0].Mode = TCP, TCP
	var mu sync.Mutex
	var lines []string
	_, addr := run(t, cfg, Options{OnLog: func(r *LogRecord) {
		mu.Lock()
		lines = append(lines, r.String())
		mu.Unlock()
	}})
	var got []string
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		// two requests on one connection stay on one server
		a := send(t, c, br, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		b := send(t, c, br, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if a.body != b.body {
			t.Fatalf("one TCP connection reached two servers: %s then %s", a.body, b.body)
		}
		got = append(got, a.body)
		c.Close()
	}
	if g := strings.Join(got, " "); g != "s1 s2 s1" {
		t.Fatalf("TCP roundrobin per connection: %q, want \"s1 s2 s1\"", g)
	}
	waitUntil(t, "three tcplog lines", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(lines) == 3
	})
	mu.Lock()
	defer mu.Unlock()
	sort.Strings(lines) // connections end in any order
	for _, l := range lines {
		if !regexp.MustCompile(`^127\.0\.0\.1:\d+ \[[^]]+\] fe be/s[12] \d+/\d+/\d+ \d+ -- \d+/\d+/\d+/\d+/0 0/0$`).MatchString(l) {
			t.Errorf("tcplog line %q does not have HAProxy's tcplog format", l)
		}
	}
}

package apps

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/clock"
)

// guard bounds waits that only end when the code under test works: it is
// a hang detector, not a timing threshold.
const guard = 20 * time.Second

func startApp(t *testing.T, name string, b Behaviour, clk *clock.Clock) *App {
	t.Helper()
	a, err := New(Config{Name: name, Addr: "127.0.0.1:0", Behaviour: b, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// reply is one response as a client saw it.
type reply struct {
	status int
	header http.Header
	body   string
}

// exchange sends raw request bytes on conn and reads one response.
func exchange(t *testing.T, conn net.Conn, br *bufio.Reader, raw, method string) reply {
	t.Helper()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(body)}
}

// do sends one request on a new connection.
func do(t *testing.T, addr, method, target, body string) reply {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	raw := method + " " + target + " HTTP/1.1\r\nHost: lab\r\n"
	if body != "" {
		raw += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n"
	}
	raw += "\r\n" + body
	m := method
	if strings.EqualFold(m, "HEAD") {
		m = "HEAD"
	}
	return exchange(t, conn, bufio.NewReader(conn), raw, m)
}

func TestFlaskRoutes(t *testing.T) {
	a := startApp(t, "app1", Behaviour{}, nil)
	addr := a.Addr()
	for _, c := range []struct {
		method, target, body string
		status               int
		want                 string
		allow                string
	}{
		{"GET", "/", "", 200, "Hello from Flask App 1!", ""},
		{"GET", "/data", "", 200, "Data from Flask App 1!", ""},
		{"GET", "/%64ata", "", 200, "Data from Flask App 1!", ""}, // the path is decoded, as Flask does
		{"POST", "/submit", "name=lab", 200, "Form submitted successfully!", ""},
		{"post", "/submit", "name=lab", 200, "Form submitted successfully!", ""}, // Flask upper-cases methods
		{"HEAD", "/", "", 200, "", ""},
		{"OPTIONS", "/data", "", 200, "", "GET, HEAD, OPTIONS"},
		{"POST", "/", "x=1", 405, "", "GET, HEAD, OPTIONS"},
		{"GET", "/submit", "", 405, "", "OPTIONS, POST"},
		{"DELETE", "/data", "", 405, "", "GET, HEAD, OPTIONS"},
		{"GET", "/admin", "", 404, "", ""},
		{"GET", "//data", "", 404, "", ""},
		{"GET", "/data/", "", 404, "", ""},
	} {
		name := c.method + " " + c.target
		r := do(t, addr, c.method, c.target, c.body)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d", name, r.status, c.status)
		}
		if c.want != "" && r.body != c.want {
			t.Errorf("%s: body %q, want %q", name, r.body, c.want)
		}
		if got := r.header.Get(HeaderApp); got != "app1" {
			t.Errorf("%s: %s = %q, want app1", name, HeaderApp, got)
		}
		if got := r.header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, got)
		}
		if got := r.header.Get("Allow"); got != c.allow {
			t.Errorf("%s: Allow %q, want %q", name, got, c.allow)
		}
		if c.status >= 400 && !strings.Contains(r.body, fmt.Sprint(c.status)) {
			t.Errorf("%s: error page %q does not name its status", name, r.body)
		}
	}
	// HEAD announces the length of what GET would send.
	if r := do(t, addr, "HEAD", "/", ""); r.header.Get("Content-Length") != "23" {
		t.Errorf("HEAD / Content-Length %q, want 23", r.header.Get("Content-Length"))
	}
	st := a.Stats()
	if st.Served != 14 || st.Status.Count(200) != 8 || st.Status.Count(405) != 3 || st.Status.Count(404) != 3 {
		t.Errorf("stats after 14 requests: served %d, codes %v", st.Served, st.Status.Codes)
	}
}

func TestProfiles(t *testing.T) {
	for _, c := range []struct {
		b         Behaviour
		hello     string // GET / body; "" when GET / is 404
		hasData   bool
		hasSubmit bool
	}{
		{Behaviour{}, "Hello from Flask App 7!", true, true},
		{Behaviour{Profile: Flask}, "Hello from Flask App 7!", true, true},
		{Behaviour{Profile: TCP}, "Hello from Flask over TCP!", false, false},
		{Behaviour{Profile: Docker}, "Hello, Dockerized Flask!", false, false},
		{Behaviour{Profile: Main}, "Welcome to the main page!", false, false},
		{Behaviour{Profile: Submit}, "", false, true},
		{Behaviour{Profile: Custom, Body: "hi from the lab"}, "hi from the lab", false, false},
		{Behaviour{Profile: "DOCKER"}, "Hello, Dockerized Flask!", false, false},
	} {
		t.Run(string(c.b.Profile), func(t *testing.T) {
			a := startApp(t, "app7", c.b, nil)
			r := do(t, a.Addr(), "GET", "/", "")
			if c.hello == "" {
				if r.status != 404 {
					t.Errorf("GET /: %d, want 404", r.status)
				}
			} else if r.status != 200 || r.body != c.hello {
				t.Errorf("GET /: %d %q, want 200 %q", r.status, r.body, c.hello)
			}
			if r := do(t, a.Addr(), "GET", "/data", ""); (r.status == 200) != c.hasData {
				t.Errorf("GET /data: %d", r.status)
			}
			if r := do(t, a.Addr(), "POST", "/submit", "a=1"); (r.status == 200) != c.hasSubmit {
				t.Errorf("POST /submit: %d", r.status)
			}
		})
	}
}

func TestNamesAndAddresses(t *testing.T) {
	for name, want := range map[string]string{"app1": "1", "app12": "12", "app": "app", "web-3": "3", "7": "7"} {
		if got := Number(name); got != want {
			t.Errorf("Number(%q) = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{"app1": "127.0.0.1:5001", "app3": "127.0.0.1:5003", "app": "127.0.0.1:5000", "app99999": "127.0.0.1:0"} {
		if got := DefaultAddr(name); got != want {
			t.Errorf("DefaultAddr(%q) = %q, want %q", name, got, want)
		}
	}
	a, err := New(Config{Name: "app"})
	if err != nil || a.Addr() != "127.0.0.1:5000" || a.PreferredAddr() != "127.0.0.1:5000" {
		t.Fatalf("New(app): %v %v", a, err)
	}
	if r := compile(Behaviour{}, Number("app")).routes[0].body; string(r) != "Hello from Flask App app!" {
		t.Errorf("a name without a number says %q", r)
	}
}

func TestBadConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Name: ""}, "want 1 to 64"},
		{Config{Name: "app 1"}, "character ' ' at 4"},
		{Config{Name: "app1", Addr: "5001"}, "want host:port"},
		{Config{Name: "app1", Behaviour: Behaviour{Profile: "django"}}, "want one of flask, tcp, docker, main, submit, custom"},
		{Config{Name: "app1", Behaviour: Behaviour{Delay: -time.Second}}, "delay -1s is negative"},
		{Config{Name: "app1", Behaviour: Behaviour{Jitter: -1}}, "jitter"},
		{Config{Name: "app1", Behaviour: Behaviour{ErrorRate: 1.5}}, "want a fraction from 0 to 1"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", c.cfg, err, c.want)
		}
	}
	a := startApp(t, "app1", Behaviour{}, nil)
	if err := a.SetBehaviour(Behaviour{ErrorRate: -0.1}); err == nil {
		t.Error("SetBehaviour accepted a negative error rate")
	}
}

func TestSetBehaviourAtRuntime(t *testing.T) {
	a := startApp(t, "app2", Behaviour{}, nil)
	if r := do(t, a.Addr(), "GET", "/", ""); r.body != "Hello from Flask App 2!" {
		t.Fatalf("before: %q", r.body)
	}
	if err := a.SetBehaviour(Behaviour{Profile: Docker}); err != nil {
		t.Fatal(err)
	}
	if r := do(t, a.Addr(), "GET", "/", ""); r.body != "Hello, Dockerized Flask!" {
		t.Fatalf("after: %q", r.body)
	}
	if a.Behaviour().Profile != Docker {
		t.Fatalf("Behaviour() = %+v", a.Behaviour())
	}
}

func TestKeepAlive(t *testing.T) {
	a := startApp(t, "app1", Behaviour{}, nil)
	conn, err := net.Dial("tcp", a.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i := range 3 {
		r := exchange(t, conn, br, "GET /data HTTP/1.1\r\nHost: lab\r\n\r\n", "GET")
		if r.body != "Data from Flask App 1!" {
			t.Fatalf("request %d on one connection: %q", i, r.body)
		}
	}
}

func TestErrorRate(t *testing.T) {
	a := startApp(t, "app3", Behaviour{ErrorRate: 0.25}, nil)
	fails := 0
	for range 40 {
		r := do(t, a.Addr(), "GET", "/", "")
		if r.status == 500 {
			fails++
			if r.header.Get(HeaderApp) != "app3" {
				t.Error("a 500 lacks the app header")
			}
		}
	}
	if fails != 10 {
		t.Fatalf("error rate 0.25: %d of 40 failed, want exactly 10", fails)
	}
	if got := a.Stats().Status.Class[5]; got != 10 {
		t.Fatalf("stats count %d 5xx", got)
	}
	_ = a.SetBehaviour(Behaviour{ErrorRate: 1})
	if r := do(t, a.Addr(), "GET", "/", ""); r.status != 500 {
		t.Fatalf("error rate 1: %d", r.status)
	}
}

func TestDelayInLabTime(t *testing.T) {
	clk := clock.New(1000) // 5 lab seconds pass in 5 real milliseconds
	a := startApp(t, "app1", Behaviour{Delay: 5 * time.Second}, clk)
	start := clk.Now()
	r := do(t, a.Addr(), "GET", "/", "")
	took := clk.Since(start)
	if r.status != 200 || r.body != "Hello from Flask App 1!" {
		t.Fatalf("slow app answered %d %q", r.status, r.body)
	}
	if took < 5*time.Second {
		t.Fatalf("client saw the answer after %v of lab time, want >= 5s", took)
	}
	if l := a.Stats().Latency; l.Count != 1 || l.Min < 5*time.Second {
		t.Fatalf("app latency %+v, want >= 5s", l)
	}
	// The delay applies to every path, 404s included.
	if do(t, a.Addr(), "GET", "/nothing", ""); a.Stats().Latency.Min < 5*time.Second {
		t.Fatalf("a 404 was not delayed: %+v", a.Stats().Latency)
	}
}

func TestJitterSpread(t *testing.T) {
	b := Behaviour{Delay: 5 * time.Second, Jitter: time.Second}
	lo, hi := time.Duration(1<<62), time.Duration(0)
	for range 2000 {
		d := delay(b)
		if d < 4*time.Second || d > 6*time.Second {
			t.Fatalf("delay %v outside 5s±1s", d)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	// 2000 uniform draws all in one half would have probability 2^-2000.
	if lo > 4500*time.Millisecond || hi < 5500*time.Millisecond {
		t.Fatalf("jitter does not spread: min %v max %v", lo, hi)
	}
	for range 100 {
		if d := delay(Behaviour{Delay: time.Millisecond, Jitter: time.Second}); d < 0 {
			t.Fatalf("negative delay %v", d)
		}
	}
}

// waitFor polls cond until it holds or the guard expires.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStopRefusesThenStartAgain(t *testing.T) {
	a := startApp(t, "app1", Behaviour{}, nil)
	addr := a.Addr()
	// An idle keep-alive connection must be closed by Stop too.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	exchange(t, idle, bufio.NewReader(idle), "GET / HTTP/1.1\r\nHost: lab\r\n\r\n", "GET")

	a.Stop()
	if a.Running() {
		t.Fatal("Running after Stop")
	}
	if _, err := net.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial a stopped app: %v, want connection refused", err)
	}
	_ = idle.SetReadDeadline(time.Now().Add(guard))
	if n, err := idle.Read(make([]byte, 1)); err == nil {
		t.Fatalf("the idle connection survived Stop (read %d bytes)", n)
	}
	a.Stop() // stopping twice is harmless

	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if a.Addr() != addr {
		t.Fatalf("restarted on %s, want %s", a.Addr(), addr)
	}
	if r := do(t, addr, "GET", "/", ""); r.body != "Hello from Flask App 1!" {
		t.Fatalf("after restart: %q", r.body)
	}
	a.Close()
	if err := a.Start(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close: %v", err)
	}
}

func TestStopAbortsDelayedRequests(t *testing.T) {
	// Ten minutes of real time: only an abort ends these requests in time.
	a := startApp(t, "app1", Behaviour{Delay: 10 * time.Minute}, nil)
	const n = 5
	errs := make(chan error, n)
	for range n {
		go func() {
			conn, err := net.Dial("tcp", a.Addr())
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: lab\r\n\r\n")
			_, err = http.ReadResponse(bufio.NewReader(conn), nil)
			errs <- err
		}()
	}
	waitFor(t, "5 requests in flight", func() bool { return a.Stats().InFlight == n })
	stopped := make(chan struct{})
	go func() { a.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(guard):
		t.Fatal("Stop waited for the delayed requests instead of cutting them")
	}
	for range n {
		if err := <-errs; err == nil {
			t.Error("a cut request got a response")
		}
	}
	st := a.Stats()
	if st.Aborted != n || st.Served != 0 || st.InFlight != 0 || st.MaxInFlight != n {
		t.Fatalf("after Stop: aborted %d served %d in flight %d max %d", st.Aborted, st.Served, st.InFlight, st.MaxInFlight)
	}
}

func TestPortTakenFallback(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	a, err := New(Config{Name: "app1", Addr: taken.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.Start()
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("Start on a taken port: %v, want EADDRINUSE", err)
	}
	if !strings.Contains(err.Error(), "app1") || a.Running() {
		t.Fatalf("error %q should name the app, and the app stay stopped", err)
	}
	moved, err := a.StartOrMove()
	if err != nil || !moved {
		t.Fatalf("StartOrMove: moved %v, %v", moved, err)
	}
	newAddr := a.Addr()
	if newAddr == a.PreferredAddr() || !strings.HasPrefix(newAddr, "127.0.0.1:") {
		t.Fatalf("moved to %s (preferred %s)", newAddr, a.PreferredAddr())
	}
	if r := do(t, newAddr, "GET", "/", ""); r.body != "Hello from Flask App 1!" {
		t.Fatalf("on the new port: %q", r.body)
	}
	a.Stop()
	if moved, err := a.StartOrMove(); err != nil || moved || a.Addr() != newAddr {
		t.Fatalf("restart after a move: moved %v err %v addr %s, want the moved address %s", moved, err, a.Addr(), newAddr)
	}
}

func TestPerSecond(t *testing.T) {
	clk := clock.New(10) // a lab second is 100 real ms; 600 of them, a real minute
	a := startApp(t, "app1", Behaviour{}, clk)
	for range 7 {
		do(t, a.Addr(), "GET", "/", "")
	}
	var sum int64
	waitFor(t, "the requests to land in completed seconds", func() bool {
		sum = 0
		for _, v := range a.PerSecond(600) {
			sum += v
		}
		return sum == 7
	})
	if st := a.Stats(); st.Rate < 0 || st.Served != 7 {
		t.Fatalf("stats %+v", st)
	}
	a.ResetStats()
	if st := a.Stats(); st.Served != 0 || st.Latency.Count != 0 {
		t.Fatalf("after ResetStats: %+v", st)
	}
}

// goroutinesBack waits until the goroutine count drops to base.
func goroutinesBack(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, want %d:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	clk := clock.New(1)
	a, err := New(Config{Name: "app1", Addr: "127.0.0.1:0", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for range 4 { // idle keep-alive connections
		c, err := net.Dial("tcp", a.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		exchange(t, c, bufio.NewReader(c), "GET / HTTP/1.1\r\nHost: lab\r\n\r\n", "GET")
	}
	_ = a.SetBehaviour(Behaviour{Delay: time.Hour})
	var wg sync.WaitGroup
	for _, c := range conns[:2] { // two requests stuck in a one-hour delay
		wg.Go(func() {
			_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: lab\r\n\r\n")
			_, _ = c.Read(make([]byte, 1))
		})
	}
	waitFor(t, "2 requests in flight", func() bool { return a.Stats().InFlight == 2 })
	a.Close()
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
	goroutinesBack(t, base)
}

package proxy_test

// Differential tests: the same haproxy.cfg text, the same requests, through
// the real haproxy and through lblab's proxy; the answers must agree.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/h1"
	"github.com/lblab/lblab/proxy/haproxycfg"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// pair runs one config on both proxies. The text uses {FRONT} for the
// frontend's bind address and {S1}, {S2}… for the backends' addresses.
type pair struct {
	ha, lb   string // frontend addresses
	inst     *haproxytest.Instance
	p        *proxy.Proxy
	mu       sync.Mutex
	lbLogs   []string
	backends []*haproxytest.Backend
}

func startPair(t *testing.T, cfg string, backends []*haproxytest.Backend) *pair {
	t.Helper()
	return startSplitPair(t, cfg, backends, backends)
}

// startSplitPair is startPair with separate backends for haproxy and for
// lblab, for tests that follow which requests reach which backend.
func startSplitPair(t *testing.T, cfg string, haBackends, lbBackends []*haproxytest.Backend) *pair {
	t.Helper()
	haproxytest.Path(t)
	pr := &pair{backends: haBackends}
	addrs := haproxytest.FreeAddrs(t, 2)
	pr.ha, pr.lb = addrs[0], addrs[1]
	fill := func(front string, backends []*haproxytest.Backend) string {
		s := strings.ReplaceAll(cfg, "{FRONT}", front)
		for i, b := range backends {
			s = strings.ReplaceAll(s, fmt.Sprintf("{S%d}", i+1), b.Addr)
		}
		return s
	}
	pr.inst = haproxytest.Start(t, "global\n    log stdout format raw local0\n"+fill(pr.ha, haBackends))
	f, err := haproxycfg.Parse("diff.cfg", []byte(fill(pr.lb, lbBackends)))
	if err != nil {
		t.Fatalf("lblab rejected a config haproxy accepts: %v", err)
	}
	pr.p, err = proxy.New(f.Config, proxy.Options{OnLog: func(r *proxy.LogRecord) {
		pr.mu.Lock()
		pr.lbLogs = append(pr.lbLogs, r.String())
		pr.mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pr.p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pr.p.Close() })
	return pr
}

// client is one keep-alive client connection. Sequential requests go over
// one, so each request's server slot is released before the next arrives,
// in haproxy as in lblab: over fresh connections, haproxy may still be
// closing the previous stream when the next one is balanced.
type client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialClient(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

// get sends a GET and returns the body (the backend's name).
func (cl *client) get(path string) string {
	cl.t.Helper()
	io.WriteString(cl.c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
	cl.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var resp h1.Response
	if err := h1.NewReader(cl.br).ReadResponse(&resp); err != nil {
		cl.t.Fatalf("GET %s: %v", path, err)
	}
	var body strings.Builder
	if _, err := h1.CopyBody(&body, cl.br, h1.ResponseFraming(&resp, "GET")); err != nil {
		cl.t.Fatal(err)
	}
	return body.String()
}

// rawResponse sends raw on a new connection and returns the bytes of the
// first response, complete, and whether the connection closed after it;
// or what came before the connection closed or went quiet for a second.
func rawResponse(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, raw)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var got bytes.Buffer
	br := bufio.NewReader(io.TeeReader(c, &got))
	var resp h1.Response
	if err := h1.NewReader(br).ReadResponse(&resp); err != nil {
		return got.String()
	}
	if _, err := h1.CopyBody(io.Discard, br, h1.ResponseFraming(&resp, "GET")); err != nil {
		return got.String()
	}
	out := got.String()[:got.Len()-br.Buffered()]
	// did the proxy close the connection after the response?
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := br.ReadByte(); err == io.EOF {
		out += "<EOF>"
	}
	return out
}

// answer sends one GET and returns the body (the backend's name).
func answer(t *testing.T, addr, path string) string {
	t.Helper()
	r := rawResponse(t, addr, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	_, body, _ := strings.Cut(r, "\r\n\r\n")
	return body
}

func TestDiffRoundRobinAndStaticRROrders(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1", "s2", "s3")
	for _, algo := range []string{"roundrobin", "static-rr", "leastconn", "first"} {
		for _, w := range [][3]int{{1, 1, 1}, {2, 1, 3}, {2, 3, 3}, {7, 3, 2}, {10, 5, 1}, {4, 0, 1}} {
			cfg := fmt.Sprintf(`defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend fe
    bind {FRONT}
    default_backend be
backend be
    balance %s
    server s1 {S1} weight %d
    server s2 {S2} weight %d
    server s3 {S3} weight %d
`, algo, w[0], w[1], w[2])
			pr := startPair(t, cfg, bs)
			hc, lc := dialClient(t, pr.ha), dialClient(t, pr.lb)
			var ha, lb []string
			for range 2 * (w[0] + w[1] + w[2] + 1) {
				ha = append(ha, hc.get("/"))
				lb = append(lb, lc.get("/"))
			}
			if strings.Join(ha, " ") != strings.Join(lb, " ") {
				t.Errorf("%s weights %v:\n haproxy %v\n lblab   %v", algo, w, ha, lb)
			}
		}
	}
}

func TestDiffLeastconnWithRequestsInFlight(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1", "s2", "s3")
	cfg := `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind {FRONT}
    default_backend be
backend be
    balance leastconn
    server s1 {S1} weight 2
    server s2 {S2} weight 1
    server s3 {S3} weight 3
`
	pr := startPair(t, cfg, bs)
	arrivals := func(addr string) []string {
		var got []string
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Add(1)
			go func() { defer wg.Done(); answer(t, addr, fmt.Sprintf("/hold/%d", i)) }()
			// the next request leaves only once this one holds a slot
			select {
			case <-bs[0].Arrived:
				got = append(got, "s1")
			case <-bs[1].Arrived:
				got = append(got, "s2")
			case <-bs[2].Arrived:
				got = append(got, "s3")
			case <-time.After(10 * time.Second):
				t.Fatalf("request %d never reached a server", i)
			}
		}
		for _, b := range bs {
			b.Release()
		}
		wg.Wait()
		return got
	}
	ha, lb := arrivals(pr.ha), arrivals(pr.lb)
	want := "s1 s2 s3 s3 s1 s3 s3 s1 s3 s2 s1 s3" // haproxy-2.6.md §2, VERIFIED there
	if strings.Join(ha, " ") != want {
		t.Errorf("haproxy itself gave %v, not the documented %s", ha, want)
	}
	if strings.Join(ha, " ") != strings.Join(lb, " ") {
		t.Errorf("concurrent leastconn 2,1,3:\n haproxy %v\n lblab   %v", ha, lb)
	}
}

// errorConfig has a deny rule, a backend whose server refuses connections,
// a slow server and one that answers garbage.
const errorConfig = `defaults
    mode http
    log global
    option httplog
    timeout connect 200ms
    timeout client 300ms
    timeout server 100ms
frontend fe
    bind {FRONT}
    acl deny_me path_beg /deny
    http-request deny if deny_me
    http-request deny deny_status 429 if { path_beg /slowdown }
    use_backend dead if { path_beg /dead }
    use_backend bad if { path_beg /bad }
    default_backend be
backend be
    server s1 {S1}
backend dead
    retries 1
    server d1 127.0.0.1:1
backend bad
    server b1 {S2}
`

// oddServer answers "/bad*" with garbage, "/close" by closing, "/slow" too
// late, and anything else with a small 200.
func oddServer(t *testing.T) *haproxytest.Backend {
	b := scriptedServer(t, func(c net.Conn, br *bufio.Reader) {
		switch line := skipHead(br); {
		case strings.Contains(line, "/bad"):
			io.WriteString(c, "garbage\r\n\r\n")
		case strings.Contains(line, "/close"):
		case strings.Contains(line, "/slow"):
			time.Sleep(time.Second)
		default:
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		}
	})
	b.Name = "odd"
	return b
}

func TestDiffErrorResponsesAreByteExact(t *testing.T) {
	odd := oddServer(t)
	pr := startPair(t, errorConfig, []*haproxytest.Backend{odd, odd})
	for _, raw := range []string{
		"",                        // nothing sent: 408 after timeout client
		"GET / HTTP/1.1\r\nHost:", // a partial head: 408 too
		"GET /deny HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /slowdown HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /deny HTTP/1.0\r\n\r\n",
		"GET /dead HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /bad HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /close HTTP/1.1\r\nHost: x\r\n\r\n",
		"GARBAGE\r\n\r\n",
		"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
	} {
		ha, lb := rawResponse(t, pr.ha, raw), rawResponse(t, pr.lb, raw)
		if ha != lb {
			t.Errorf("request %q:\n haproxy %q\n lblab   %q", raw, ha, lb)
		}
	}
	// a connection the client closes at once is logged too, without
	// dontlognull (400 "CR--")
	for _, addr := range []string{pr.ha, pr.lb} {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
		}
	}
	compareLogs(t, pr, 12)
}

// normalize keeps what must agree between two httplog lines: everything
// but the client port, the date, the timers' exact values (a phase that
// happened vs one that did not, -1, must agree) and actconn/feconn/beconn,
// srv_conn, which count whatever other connection happens to be open when
// the line is written: HAProxy writes it after the client has its answer,
// so the next request is often in already. For the same reason lines are
// compared as sorted lists; the order of picks is checked on the wire.
var logLine = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+:\d+ \[[^]]+\] (\S+ \S+) (\S+) (.*)$`)

func normalize(line string) string {
	m := logLine.FindStringSubmatch(line)
	if m == nil {
		return "unparsable: " + line
	}
	var timers []string
	for _, v := range strings.Split(m[2], "/") {
		if v != "-1" {
			v = "t"
		}
		timers = append(timers, v)
	}
	rest := actFe.ReplaceAllString(m[3], " n/n/n/n/")
	return m[1] + " " + strings.Join(timers, "/") + " " + rest
}

var actFe = regexp.MustCompile(` \d+/\d+/\d+/\d+/`)

func compareLogs(t *testing.T, pr *pair, n int) {
	t.Helper()
	var ha []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ha = nil
		for _, l := range strings.Split(pr.inst.Output(), "\n") {
			if logLine.MatchString(l) {
				ha = append(ha, normalize(l))
			}
		}
		pr.mu.Lock()
		m := len(pr.lbLogs)
		pr.mu.Unlock()
		if len(ha) >= n && m >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var lb []string
	for _, l := range pr.lbLogs {
		lb = append(lb, normalize(l))
	}
	sort.Strings(ha)
	sort.Strings(lb)
	if strings.Join(ha, "\n") != strings.Join(lb, "\n") {
		t.Errorf("log lines differ:\n haproxy:\n  %s\n lblab:\n  %s", strings.Join(ha, "\n  "), strings.Join(lb, "\n  "))
	}
}

func TestDiffMalformedRequestsAreRefusedAlike(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1")
	pr := startPair(t, `defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend fe
    bind {FRONT}
    default_backend be
backend be
    server s1 {S1}
`, bs)
	status := func(r string) string { line, _, _ := strings.Cut(r, "\r\n"); return line }
	for _, raw := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET  /spaced   HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a, b\r\n\r\n",
		"GET http://x/y HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET http://x/y HTTP/1.1\r\nHost: z\r\n\r\n",
		"GET 1http://x/y HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.2\r\nHost: x\r\n\r\n",
		"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
		"GET / HTTP/11\r\nHost: x\r\n\r\n",
		"GET /\r\n\r\n",
		"G@T / HTTP/1.1\r\nHost: x\r\n\r\n",
		"post /x HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX Y: z\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab",
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\nab",
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
		"GET / HTTP/1.1\nHost: x\n\n",
	} {
		ha, lb := status(rawResponse(t, pr.ha, raw)), status(rawResponse(t, pr.lb, raw))
		if ha != lb {
			t.Errorf("request %q: haproxy %q, lblab %q", raw, ha, lb)
		}
	}
}

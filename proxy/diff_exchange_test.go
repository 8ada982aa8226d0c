package proxy_test

// Regression tests for the exchange with the server: request bodies, early
// answers, 100-continue, stale keep-alive connections, streaming, and the
// counters and log fields HAProxy keeps for them. Each compares lblab with
// the real haproxy on the same config and the same bytes.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/haproxytest"
)

// scriptedServer runs fn for every connection it accepts.
func scriptedServer(t *testing.T, fn func(c net.Conn, br *bufio.Reader)) *haproxytest.Backend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				fn(c, bufio.NewReader(c))
			}()
		}
	}()
	return &haproxytest.Backend{Name: "scripted", Addr: ln.Addr().String()}
}

func skipHead(br *bufio.Reader) (first string) {
	for i := 0; ; i++ {
		l, err := br.ReadString('\n')
		if i == 0 {
			first = l
		}
		if err != nil || l == "\r\n" {
			return first
		}
	}
}

// longClient is a config whose client timeout is far longer than any test
// waits: an answer that only came after it would fail the test's read.
const longClient = `defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 60s
    timeout server 5s
frontend fe
    bind {FRONT}
    http-request deny if { path_beg /deny }
    default_backend be
backend be
    server s1 {S1}
`

// firstAnswer sends parts (pausing between them) and returns the status
// line and whether the proxy closed the connection after the answer.
func firstAnswer(t *testing.T, addr string, parts ...string) (status string, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, p := range parts {
		io.WriteString(c, p)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		return "<no answer: " + err.Error() + ">", true
	}
	for {
		l, err := br.ReadString('\n')
		if err != nil || l == "\r\n" {
			break
		}
		if strings.EqualFold(strings.TrimSpace(l), "connection: close") {
			closed = true
		}
	}
	return strings.TrimSpace(line), closed
}

func TestDiffPostToAServerThatClosesGets502AtOnce(t *testing.T) {
	srv := scriptedServer(t, func(c net.Conn, br *bufio.Reader) {
		skipHead(br)
		io.CopyN(io.Discard, br, 5) // reads the body, then hangs up
	})
	pr := startPair(t, longClient, []*haproxytest.Backend{srv})
	req := "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
	for name, addr := range map[string]string{"haproxy": pr.ha, "lblab": pr.lb} {
		if st, _ := firstAnswer(t, addr, req); !strings.Contains(st, " 502 ") {
			t.Errorf("%s: %q, want a 502 at once (the body was already sent)", name, st)
		}
	}
}

func TestDiffDenyDoesNotWaitForTheBody(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1")
	pr := startPair(t, longClient, bs)
	for _, req := range []string{
		// the body never comes: the client waits for 100 Continue
		"POST /deny HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
		"POST /deny HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
	} {
		ha, haClosed := firstAnswer(t, pr.ha, req)
		lb, lbClosed := firstAnswer(t, pr.lb, req)
		if ha != lb || haClosed != lbClosed || !strings.Contains(lb, " 403 ") {
			t.Errorf("%q:\n haproxy %q (closed %v)\n lblab   %q (closed %v)", req, ha, haClosed, lb, lbClosed)
		}
	}
	// a body that has fully arrived is dropped and the connection kept
	req := "POST /deny HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
	ha, haClosed := firstAnswer(t, pr.ha, req)
	lb, lbClosed := firstAnswer(t, pr.lb, req)
	if ha != lb || haClosed != lbClosed || lbClosed {
		t.Errorf("deny with the body there: haproxy %q (closed %v), lblab %q (closed %v)", ha, haClosed, lb, lbClosed)
	}
}

func TestDiffEarlyAnswerDuringAnUploadIsRelayed(t *testing.T) {
	srv := scriptedServer(t, func(c net.Conn, br *bufio.Reader) {
		skipHead(br)
		// refuse the upload without reading it
		io.WriteString(c, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!")
	})
	pr := startPair(t, longClient, []*haproxytest.Backend{srv})
	for name, addr := range map[string]string{"haproxy": pr.ha, "lblab": pr.lb} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		go func() { // the upload goes on while the answer comes back
			io.WriteString(c, fmt.Sprintf("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", 8<<20))
			c.Write(bytes.Repeat([]byte("x"), 8<<20))
		}()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || !strings.Contains(line, " 413 ") {
			t.Errorf("%s: %q (%v), want the server's 413", name, line, err)
		}
	}
}

func TestDiffExpect100ContinueIsTheServers(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1") // Go's server sends 100 Continue when it reads the body
	pr := startPair(t, longClient, bs)
	for name, addr := range map[string]string{"haproxy": pr.ha, "lblab": pr.lb} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		line, _ := br.ReadString('\n')
		if !strings.Contains(line, " 100 ") {
			t.Errorf("%s: first line %q, want 100 Continue", name, line)
		}
		skipHead(br)
		io.WriteString(c, "hello")
		line, _ = br.ReadString('\n')
		if !strings.Contains(line, " 200 ") {
			t.Errorf("%s: after the body %q, want 200", name, line)
		}
		c.Close()
	}
}

func TestDiffStaleKeepAliveConnectionIsNotUsed(t *testing.T) {
	srv := scriptedServer(t, func(c net.Conn, br *bufio.Reader) {
		first := skipHead(br)
		if strings.HasPrefix(first, "POST") {
			io.CopyN(io.Discard, br, 5)
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		time.Sleep(100 * time.Millisecond) // then drops the idle connection, as servers do
	})
	pr := startPair(t, longClient, []*haproxytest.Backend{srv})
	for name, addr := range map[string]string{"haproxy": pr.ha, "lblab": pr.lb} {
		if st, _ := firstAnswer(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); !strings.Contains(st, " 200 ") {
			t.Fatalf("%s: first request %q", name, st)
		}
		time.Sleep(400 * time.Millisecond) // the server has closed the pooled connection
		// a POST cannot be replayed: it must go on a live connection
		if st, _ := firstAnswer(t, addr, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"); !strings.Contains(st, " 200 ") {
			t.Errorf("%s: POST after the server dropped its idle connection: %q", name, st)
		}
	}
}

func TestStreamedResponsesFlowThrough(t *testing.T) {
	release := make(chan struct{})
	srv := scriptedServer(t, func(c net.Conn, br *bufio.Reader) {
		skipHead(br)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n")
		<-release // the rest only after the client saw the first chunk
		io.WriteString(c, "4\r\nlast\r\n0\r\n\r\n")
	})
	pr := startPair(t, longClient, []*haproxytest.Backend{srv})
	c, err := net.Dial("tcp", pr.lb)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	skipHead(br)
	line, err := br.ReadString('\n')
	chunk, _ := br.ReadString('\n')
	close(release)
	if err != nil || strings.TrimSpace(line) != "5" || strings.TrimSpace(chunk) != "first" {
		t.Fatalf("the first chunk did not come through before the rest: %q %q (%v)", line, chunk, err)
	}
}

func TestDiffHTTP10KeepAliveIsAnswered(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1")
	pr := startPair(t, longClient, bs)
	for _, path := range []string{"/", "/deny"} {
		req := "GET " + path + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
		header := func(addr string) string {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, req)
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			var conn string
			for {
				l, err := br.ReadString('\n')
				if err != nil || l == "\r\n" {
					return conn
				}
				if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "connection") {
					conn = strings.TrimSpace(v)
				}
			}
		}
		if ha, lb := header(pr.ha), header(pr.lb); ha != lb || lb != "keep-alive" {
			t.Errorf("%s: connection header haproxy %q, lblab %q", req, ha, lb)
		}
	}
}

func TestDiffQueueLogFields(t *testing.T) {
	for _, c := range []struct{ balance, script string }{
		{"roundrobin", "backend queue timeout"},
		{"uri", "server queue"},
	} {
		t.Run(c.balance, func(t *testing.T) {
			haBs := haproxytest.StartBackends(t, "s1")
			lbBs := haproxytest.StartBackends(t, "s1")
			pr := startSplitPair(t, fmt.Sprintf(`defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout queue 300ms
frontend fe
    bind {FRONT}
    default_backend be
backend be
    balance %s
    server s1 {S1} maxconn 1
`, c.balance), haBs, lbBs)
			for _, run := range []struct {
				addr string
				bs   []*haproxytest.Backend
			}{{pr.ha, haBs}, {pr.lb, lbBs}} {
				done := make(chan struct{})
				go func() { answer(t, run.addr, "/hold/a"); close(done) }()
				<-run.bs[0].Arrived
				answer(t, run.addr, "/hold/a?2") // queued behind it, then times out
				run.bs[0].Release()
				<-done
			}
			compareLogs(t, pr, 2)
		})
	}
}

func TestDiffCountersOfADeadServerAndNullConnections(t *testing.T) {
	pr := startPair(t, `defaults
    mode http
    timeout connect 1s
    timeout client 300ms
    timeout server 5s
frontend fe
    bind {FRONT}
    default_backend be
backend be
    retries 1
    server s1 127.0.0.1:1
`, nil)
	for _, addr := range []string{pr.ha, pr.lb} {
		answer(t, addr, "/") // 503 after two connection attempts
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close() // a null connection
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			io.ReadAll(c) // another, until timeout client: 408
			c.Close()
		}
	}
	var haStot, haEreq, ha4xx string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(pr.inst.Runtime(t, "show stat"), "\n") {
			f := strings.Split(line, ",")
			if len(f) > 40 && f[0] == "be" && f[1] == "s1" {
				haStot = f[7]
			}
			if len(f) > 40 && f[0] == "fe" && f[1] == "FRONTEND" {
				haEreq, ha4xx = f[12], f[42]
			}
		}
		if ha4xx == "2" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := pr.p.Stats()
	lb := fmt.Sprintf("stot %d ereq %d 4xx %d", st.Backends[0].Servers[0].Total, st.Frontends[0].BadRequests, st.Frontends[0].Status[3])
	ha := fmt.Sprintf("stot %s ereq %s 4xx %s", haStot, haEreq, ha4xx)
	if ha != lb {
		t.Errorf("counters: haproxy %s, lblab %s", ha, lb)
	}
}

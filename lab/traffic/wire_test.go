package traffic

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// scriptServer answers each request with the raw bytes reply returns for
// its request line, and hangs up after them when hangUp says so.
func scriptServer(t *testing.T, reply func(line string) (raw string, hangUp bool)) (addr string, conns *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			mu.Lock()
			open[c] = true
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					for { // the rest of the head
						l, err := br.ReadString('\n')
						if err != nil {
							return
						}
						if l == "\r\n" {
							break
						}
					}
					raw, hangUp := reply(strings.TrimSpace(line))
					if _, err := c.Write([]byte(raw)); err != nil || hangUp {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String(), conns
}

func TestResponseFramings(t *testing.T) {
	replies := map[string]struct {
		raw    string
		hangUp bool
	}{
		"/length":  {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Lab-App: a1\r\n\r\nhello", false},
		"/chunked": {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx-lab-app: a2\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false},
		"/interim": {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\nX-Lab-App: a3\r\n\r\n", false},
		"/close":   {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\nX-Lab-App: a4\r\n\r\nok", true},
		"/http10":  {"HTTP/1.0 200 OK\r\nX-Lab-App: a5\r\n\r\nuntil the end", true},
		"/garbage": {"SPDY/3 what\r\n\r\n", true},
		"/short":   {"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nnot fifty", true},
		"/hangup":  {"", true},
	}
	addr, _ := scriptServer(t, func(line string) (string, bool) {
		path := strings.Fields(line)[1]
		r := replies[path]
		return r.raw, r.hangUp
	})
	for _, c := range []struct {
		path, app, err string
		status         int
	}{
		{"/length", "a1", "", 200},
		{"/chunked", "a2", "", 200},
		{"/interim", "a3", "", 201},
		{"/close", "a4", "", 200},
		{"/http10", "a5", "", 200},
		{"/garbage", "", ReasonBadResponse, 0},
		{"/short", "", ReasonClosed, 0},
		{"/hangup", "", ReasonClosed, 0},
	} {
		var col collector
		g := newGen(t, Config{Target: addr, Mix: []Entry{{Path: c.path}}, Groups: []Group{{Clients: 1}}, Requests: 3, OnResult: col.add})
		waitDone(t, g)
		checkIdentity(t, g.Stats())
		for _, r := range col.all() {
			if r.Status != c.status || r.App != c.app || r.Err != c.err {
				t.Errorf("%s: status %d app %q err %q, want %d %q %q", c.path, r.Status, r.App, r.Err, c.status, c.app, c.err)
			}
		}
	}
}

func TestKeepAliveReusesOneConnection(t *testing.T) {
	addr, conns := scriptServer(t, func(string) (string, bool) {
		return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false
	})
	g := newGen(t, Config{Target: addr, Groups: []Group{{Clients: 1}}, Requests: 50})
	waitDone(t, g)
	if s := g.Stats(); s.Answered != 50 || conns.Load() != 1 {
		t.Fatalf("answered %d over %d connections, want 50 over 1", s.Answered, conns.Load())
	}
	addr, conns = scriptServer(t, func(string) (string, bool) {
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", true
	})
	g = newGen(t, Config{Target: addr, Groups: []Group{{Clients: 1}}, Requests: 10})
	waitDone(t, g)
	if s := g.Stats(); s.Answered != 10 || conns.Load() != 10 {
		t.Fatalf("Connection: close: answered %d over %d connections, want 10 over 10", s.Answered, conns.Load())
	}
}

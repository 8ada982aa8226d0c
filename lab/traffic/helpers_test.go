package traffic

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// guard bounds waits that end only when the code under test works: a hang
// detector, not a timing threshold.
const guard = 30 * time.Second

// rawServer is a minimal keep-alive HTTP/1.1 server for tests: it sees
// requests exactly as they arrive on the wire and who sent them.
type rawServer struct {
	ln      net.Listener
	answer  func(head string, from netip.Addr) (status int, app string)
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]bool
	open    atomic.Int64 // connections open now
	maxOpen atomic.Int64
	heads   []string
	froms   map[netip.Addr]int
}

func newRawServer(t testing.TB, answer func(head string, from netip.Addr) (int, string)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, answer: answer, conns: map[net.Conn]bool{}, froms: map[netip.Addr]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *rawServer) addr() string { return s.ln.Addr().String() }

func (s *rawServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		n := s.open.Add(1)
		for {
			m := s.maxOpen.Load()
			if n <= m || s.maxOpen.CompareAndSwap(m, n) {
				break
			}
		}
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *rawServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		s.open.Add(-1)
		c.Close()
	}()
	from := c.RemoteAddr().(*net.TCPAddr).AddrPort().Addr()
	br := bufio.NewReader(c)
	for {
		var head strings.Builder
		length := 0
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
			if name, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "content-length") {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if _, err := io.CopyN(io.Discard, br, int64(length)); err != nil {
			return
		}
		s.mu.Lock()
		s.heads = append(s.heads, head.String())
		s.froms[from]++
		s.mu.Unlock()
		status, app := 200, "raw"
		if s.answer != nil {
			status, app = s.answer(head.String(), from)
		}
		if status == 0 {
			return // hang up without an answer
		}
		fmt.Fprintf(c, "HTTP/1.1 %d X\r\nContent-Length: 2\r\nX-Lab-App: %s\r\n\r\nok", status, app)
	}
}

func (s *rawServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *rawServer) sources() map[netip.Addr]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[netip.Addr]int{}
	for k, v := range s.froms {
		m[k] = v
	}
	return m
}

func (s *rawServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.heads...)
}

// waitFor polls cond until it holds, or fails the test at the guard.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitDone waits for the generator's run to end on its own.
func waitDone(t testing.TB, g *Generator) {
	t.Helper()
	select {
	case <-g.Done():
	case <-time.After(guard):
		t.Fatalf("the run did not end: %+v", g.Stats())
	}
}

// goroutinesBack waits until no more than base goroutines run.
func goroutinesBack(t testing.TB, base int) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, want at most %d:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// checkIdentity asserts the accounting identity of a finished run.
func checkIdentity(t testing.TB, s Stats) {
	t.Helper()
	var failed int64
	for _, r := range s.Reasons {
		failed += r.Count
	}
	var byStatus int64
	for _, c := range s.Status.Codes {
		byStatus += c.Count
	}
	if s.InFlight != 0 {
		t.Errorf("after the run %d requests are still in flight", s.InFlight)
	}
	if s.Sent != byStatus+failed+s.InFlight || s.Answered != byStatus || s.Failed != failed {
		t.Errorf("accounting: sent %d != answered %d (by status %d) + failed %d (by reason %d) + in flight %d",
			s.Sent, s.Answered, byStatus, s.Failed, failed, s.InFlight)
	}
}

// collector gathers results from OnResult.
type collector struct {
	mu      sync.Mutex
	results []Result
}

func (c *collector) add(r Result) {
	c.mu.Lock()
	c.results = append(c.results, r)
	c.mu.Unlock()
}

func (c *collector) all() []Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Result(nil), c.results...)
}

func (c *collector) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.results)
}

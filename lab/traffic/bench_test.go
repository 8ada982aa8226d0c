package traffic

import (
	"bufio"
	"fmt"
	"net"
	"sync"
	"testing"
)

// trivialServer answers every request at once with a fixed response: it
// lets the benchmark measure the generator rather than a server.
func trivialServer(b testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Lab-App: bench\r\n\r\nok")
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					// Requests are GET without a body: read up to the empty line.
					for {
						line, err := br.ReadSlice('\n')
						if err != nil {
							return
						}
						if len(line) == 2 {
							break
						}
					}
					if br.Buffered() == 0 { // answer once the pipeline is drained
						if _, err := c.Write(resp); err != nil {
							return
						}
					} else if _, err := c.Write(resp); err != nil {
						return
					}
				}
			})
		}
	})
	b.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// BenchmarkClosedLoop is the generator's ceiling: requests/s of a closed
// loop of 8 clients against a server that answers at once.
func BenchmarkClosedLoop(b *testing.B) {
	addr := trivialServer(b)
	b.ReportAllocs()
	g, err := New(Config{Target: addr, Groups: []Group{{Clients: 8}}, Requests: int64(b.N)})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := g.Start(); err != nil {
		b.Fatal(err)
	}
	<-g.Done()
	b.StopTimer()
	s := g.Stats()
	if s.Answered != int64(b.N) {
		b.Fatalf("answered %d of %d: %v", s.Answered, b.N, s.Reasons)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkOpenLoop runs the open loop at fixed target rates and reports
// what it achieved (from arrival times) and the share answered: where the
// generator stops keeping up. One op is one arrival.
func BenchmarkOpenLoop(b *testing.B) {
	for _, rate := range []float64{10000, 30000} {
		b.Run(fmt.Sprintf("rate=%g", rate), func(b *testing.B) {
			addr := trivialServer(b)
			b.ReportAllocs()
			g, err := New(Config{Target: addr, Groups: []Group{{Clients: 8}}, Rate: rate, Requests: int64(b.N)})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if err := g.Start(); err != nil {
				b.Fatal(err)
			}
			<-g.Done()
			b.StopTimer()
			s := g.Stats()
			b.ReportMetric(s.AchievedRate, "achieved/s")
			b.ReportMetric(float64(s.Answered)/float64(max(s.Sent, 1)), "answered/sent")
			b.ReportMetric(float64(s.Skipped), "skipped")
			if s.Failed > 0 {
				b.Logf("rate %v, %d arrivals: failures %v", rate, b.N, s.Reasons)
			}
		})
	}
}

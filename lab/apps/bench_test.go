package apps

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// BenchmarkAppKeepAlive measures requests/s to one app over keep-alive
// connections, one per parallel client.
func BenchmarkAppKeepAlive(b *testing.B) {
	a, err := New(Config{Name: "app1", Addr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Start(); err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	req := []byte("GET / HTTP/1.1\r\nHost: lab\r\n\r\n")
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.Dial("tcp", a.Addr())
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		for pb.Next() {
			if _, err := conn.Write(req); err != nil {
				b.Error(err)
				return
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

package lab_test

// The load comparison of "make bench": lblab's proxy and Debian's HAProxy
// 2.6 in front of the same in-process apps, driven by the same generator,
// in one run. Figures are medians of alternated rounds, reported as
// requests per second and as a ratio, never asserted.

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/haproxytest"
)

const (
	loadRounds   = 3
	loadDuration = 3 * time.Second
	loadClients  = 32
)

// measure runs a closed loop against target and returns answered requests
// per second.
func measure(b *testing.B, target string) float64 {
	b.Helper()
	g, err := traffic.New(traffic.Config{Target: target, Duration: loadDuration,
		Groups: []traffic.Group{{Clients: loadClients}}})
	if err != nil {
		b.Fatal(err)
	}
	if err := g.Start(); err != nil {
		b.Fatal(err)
	}
	<-g.Done()
	st := g.Stats()
	if st.Failed > 0 {
		b.Logf("%s: %d failed: %v", target, st.Failed, st.Reasons)
	}
	return float64(st.Answered) / st.Elapsed.Seconds()
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func BenchmarkLoadProxyVsHAProxy(b *testing.B) {
	haproxytest.Path(b)
	var addrs []string
	for i := 1; i <= 3; i++ {
		a, err := apps.New(apps.Config{Name: fmt.Sprintf("app%d", i), Addr: "127.0.0.1:0"})
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Start(); err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		addrs = append(addrs, a.Addr())
	}
	front := haproxytest.FreeAddrs(b, 2)
	inst := haproxytest.Start(b, fmt.Sprintf(`global
    maxconn 4000
defaults
    mode http
    timeout connect 5s
    timeout client 50s
    timeout server 50s
frontend fe
    bind %s
    default_backend be
backend be
    balance roundrobin
    server s1 %s
    server s2 %s
    server s3 %s
`, front[0], addrs[0], addrs[1], addrs[2]))
	_ = inst

	be := proxy.NewBackend("be", proxy.HTTP)
	be.Timeouts = proxy.Timeouts{Connect: 5 * time.Second, Server: 50 * time.Second}
	for i, a := range addrs {
		be.Servers = append(be.Servers, proxy.NewServer(fmt.Sprintf("s%d", i+1), a))
	}
	fe := &proxy.Frontend{Name: "fe", Mode: proxy.HTTP, Binds: []string{front[1]}, DefaultBackend: "be",
		Timeouts: proxy.Timeouts{Client: 50 * time.Second}}
	p, err := proxy.New(&proxy.Config{Frontends: []*proxy.Frontend{fe}, Backends: []*proxy.Backend{be}}, proxy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	defer p.Close()

	var direct, lb, ha []float64
	b.ResetTimer()
	for range loadRounds {
		direct = append(direct, measure(b, addrs[0]))
		lb = append(lb, measure(b, front[1]))
		ha = append(ha, measure(b, front[0]))
	}
	b.StopTimer()
	b.ReportMetric(median(direct), "generator-ceiling-req/s")
	b.ReportMetric(median(ha), "haproxy-req/s")
	b.ReportMetric(median(lb), "lblab-req/s")
	b.ReportMetric(median(lb)/median(ha), "lblab/haproxy")
	b.Logf("rounds (req/s): direct %v, haproxy %v, lblab %v", round(direct), round(ha), round(lb))
}

func round(v []float64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

package lab

import (
	"testing"
	"time"
)

// BenchmarkSnapshot takes snapshots of a lab serving about 1,000 requests
// per second (the dashboard takes 10 a second): ns/op is the cost of one.
func BenchmarkSnapshot(b *testing.B) {
	l, err := New(Options{Listen: "127.0.0.1:0", Delays: map[string]time.Duration{"app1": 0, "app3": 0},
		Traffic: SteadyTraffic(1000, 50)})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Start(); err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	time.Sleep(2 * time.Second) // fill the series
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s := l.Snapshot()
		if len(s.Backends) == 0 {
			b.Fatal("empty snapshot")
		}
	}
}

// BenchmarkPlacement is the dashboard's other read: the placement view of
// a consistent-hash backend with its sample clients.
func BenchmarkPlacement(b *testing.B) {
	algo, err := ParseAlgo("source")
	if err != nil {
		b.Fatal(err)
	}
	ht, _ := ParseHashType("consistent")
	l, err := New(Options{Listen: "127.0.0.1:0", Algo: &algo, HashType: &ht})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Start(); err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Placement("servers"); err != nil {
			b.Fatal(err)
		}
	}
}

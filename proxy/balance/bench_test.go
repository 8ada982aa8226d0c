package balance

import (
	"fmt"
	"net/netip"
	"testing"
)

// Benchmarks of one Pick per algorithm at 3 and 100 servers, with uneven
// weights. The target is at most 100 ns and no allocation per pick.
// Requests are prepared beforehand, as the proxy builds them once per
// request whatever the algorithm.

func benchServers(n int) []*Server {
	ss := make([]*Server, n)
	for k := range ss {
		ss[k] = &Server{Name: fmt.Sprintf("s%d", k+1), ID: k + 1, Index: k, Weight: 1 + k*7%10, Up: true}
	}
	return ss
}

// benchRequests are 1024 requests with distinct sources, URIs, header and
// parameter values.
func benchRequests() []*Request {
	rs := make([]*Request, 1024)
	for k := range rs {
		key := fmt.Sprintf("user-%d", k*7919)
		rs[k] = &Request{
			Src:    netip.AddrFrom4([4]byte{10, byte(k >> 8), byte(k), byte(k * 13)}),
			HTTP:   true,
			Method: "GET",
			URI:    fmt.Sprintf("/api/v1/catalog/products/%d/reviews?page=3&sort=recent&session=%s", k*31, key),
			Header: func(name string) (string, bool) {
				if name == "X-User" {
					return key, true
				}
				return "", false
			},
		}
	}
	return rs
}

func BenchmarkPick(b *testing.B) {
	specs := []Spec{
		{Algo: RoundRobin},
		{Algo: StaticRR},
		{Algo: LeastConn},
		{Algo: First},
		{Algo: Random},
		{Algo: Source},
		{Algo: Source, Hash: HashType{Consistent: true, Avalanche: true}},
		{Algo: URI},
		{Algo: URI, Hash: HashType{Consistent: true, Avalanche: true}},
		{Algo: URI, URIWhole: true, URIDepth: 3, Hash: HashType{Consistent: true, Func: CRC32}},
		{Algo: URLParam, Param: "session", Hash: HashType{Consistent: true, Avalanche: true}},
		{Algo: Hdr, Param: "X-User"},
		{Algo: Hdr, Param: "X-User", Hash: HashType{Consistent: true, Func: WT6, Avalanche: true}},
		{Algo: URI, Hash: HashType{Consistent: true, Avalanche: true}, BalanceFactor: 125},
	}
	rs := benchRequests()
	for _, n := range []int{3, 100} {
		for _, spec := range specs {
			name := spec.Name()
			if spec.Hashing() {
				name += "/" + hashName(spec.Hash)
			}
			if spec.BalanceFactor != 0 {
				name += "/factor"
			}
			if spec.URIWhole {
				name += "/whole-depth"
			}
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				a, err := New(spec, benchServers(n))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				k := 0
				for b.Loop() {
					if a.Pick(rs[k&1023], nil) == nil {
						b.Fatal("no server")
					}
					k++
				}
			})
		}
	}
}

// A whole request's worth of leastconn work: pick, take the slot, release.
func BenchmarkLeastConnCycle(b *testing.B) {
	for _, n := range []int{3, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ss := benchServers(n)
			a, err := New(Spec{Algo: LeastConn}, ss)
			if err != nil {
				b.Fatal(err)
			}
			// some load, so that keys differ
			for k, s := range ss {
				s.Served = k % 4
				a.Take(s)
			}
			b.ReportAllocs()
			for b.Loop() {
				s := a.Pick(nil, nil)
				s.Served++
				a.Take(s)
				s.Served--
				a.Drop(s)
			}
		})
	}
}

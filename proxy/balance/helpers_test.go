package balance

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

// servers builds s1..sN with the given weights, ids 1..N, all up.
func servers(weights ...int) []*Server {
	out := make([]*Server, len(weights))
	for k, w := range weights {
		out[k] = &Server{Name: "s" + strconv.Itoa(k+1), ID: k + 1, Index: k, Weight: w, Up: true}
	}
	return out
}

func mustNew(t testing.TB, spec Spec, ss []*Server, opts ...Option) Algorithm {
	t.Helper()
	a, err := New(spec, ss, opts...)
	if err != nil {
		t.Fatalf("New(%v): %v", spec, err)
	}
	return a
}

// picks runs n sequential requests (each released before the next) and
// returns the names, "-" for none.
func picks(a Algorithm, n int, req func(k int) *Request) string {
	names := make([]string, n)
	for k := range n {
		var r *Request
		if req != nil {
			r = req(k)
		}
		s := a.Pick(r, nil)
		if s == nil {
			names[k] = "-"
			continue
		}
		names[k] = s.Name
		s.Served++
		a.Take(s)
		s.Served--
		a.Drop(s)
	}
	return strings.Join(names, " ")
}

func names(ss []*Server) string {
	out := make([]string, len(ss))
	for k, s := range ss {
		if s == nil {
			out[k] = "-"
		} else {
			out[k] = s.Name
		}
	}
	return strings.Join(out, " ")
}

func srcReq(addr string) *Request {
	return &Request{Src: netip.MustParseAddr(addr)}
}

func uriReq(uri string) *Request {
	return &Request{HTTP: true, Method: "GET", URI: uri}
}

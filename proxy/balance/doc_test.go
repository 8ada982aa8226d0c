package balance

import (
	"fmt"
	"strings"
	"testing"
)

// Every pick sequence and placement that shared/docs/haproxy-2.6.md gives,
// reproduced by the algorithms alone.

func TestDocRoundRobinCycles(t *testing.T) {
	for _, c := range []struct {
		weights []int
		cycle   string
	}{
		{[]int{2, 1, 3}, "s3 s1 s3 s2 s3 s1"},
		{[]int{1, 1, 1}, "s1 s2 s3"},
		{[]int{1, 2, 3}, "s3 s2 s3 s1 s3 s2"},
		{[]int{5, 1, 1}, "s1 s1 s1 s2 s1 s1 s3"},
		{[]int{4, 2, 1}, "s1 s1 s2 s1 s3 s1 s2"},
		{[]int{3, 3, 1}, "s1 s2 s1 s2 s1 s2 s3"},
		{[]int{7, 3, 2}, "s1 s1 s2 s1 s3 s1 s2 s1 s1 s1 s2 s3"},
		{[]int{10, 5, 1}, "s1 s1 s2 s1 s1 s2 s1 s3 s1 s2 s1 s1 s2 s1 s1 s2"},
	} {
		n := len(strings.Fields(c.cycle))
		got := picks(mustNew(t, Spec{}, servers(c.weights...)), 4*n, nil)
		want := strings.TrimSpace(strings.Repeat(c.cycle+" ", 4))
		if got != want {
			t.Errorf("roundrobin %v:\n got %s\nwant %s", c.weights, got, want)
		}
	}
}

// Weights 2,3,3: the first window gives s1 once and s2 four times, then
// the cycle settles.
func TestDocRoundRobinFirstCycleOffByOne(t *testing.T) {
	got := picks(mustNew(t, Spec{}, servers(2, 3, 3)), 24, nil)
	want := "s2 s3 s2 s3 s1 s2 s3 s2 " + "s1 s3 s2 s3 s1 s2 s3 s2 " + "s1 s3 s2 s3 s1 s2 s3 s2"
	if got != want {
		t.Fatalf("roundrobin 2,3,3:\n got %s\nwant %s", got, want)
	}
}

// From the second cycle on, every server appears exactly weight times per
// cycle, over many weight sets (the doc's claim about the model).
func TestRoundRobinCyclesArePeriodic(t *testing.T) {
	for seed := 1; seed <= 200; seed++ {
		ws := []int{1 + seed*7%13, 1 + seed*11%7, 1 + seed*5%17, 1 + seed%3}
		tot := 0
		for _, w := range ws {
			tot += w
		}
		seq := strings.Fields(picks(mustNew(t, Spec{}, servers(ws...)), 4*tot, nil))
		for c := 1; c < 4; c++ {
			count := map[string]int{}
			for _, s := range seq[c*tot : (c+1)*tot] {
				count[s]++
			}
			for k, w := range ws {
				if got := count[fmt.Sprintf("s%d", k+1)]; got != w {
					t.Fatalf("weights %v, cycle %d: s%d picked %d times, want %d", ws, c+1, k+1, got, w)
				}
			}
		}
	}
}

func TestDocStaticRRMaps(t *testing.T) {
	for _, c := range []struct {
		weights []int
		table   string
	}{
		{[]int{2, 1, 3}, "s1 s3 s1 s3 s2 s3"},
		{[]int{1, 2, 3}, "s1 s3 s2 s3 s2 s3"},
		{[]int{10, 20, 30}, "s1 s3 s2 s3 s2 s3"},
		{[]int{4, 2, 1}, "s1 s1 s2 s1 s2 s1 s3"},
		{[]int{5, 1, 1}, "s1 s1 s1 s2 s1 s1 s3"},
	} {
		a := mustNew(t, Spec{Algo: StaticRR}, servers(c.weights...))
		p := a.Placement()
		if p.Kind != Table || names(p.Map) != c.table {
			t.Errorf("static-rr %v: map %s (kind %d), want %s", c.weights, names(p.Map), p.Kind, c.table)
		}
		if got := picks(a, 3*len(p.Map), nil); got != strings.TrimSpace(strings.Repeat(c.table+" ", 3)) {
			t.Errorf("static-rr %v picks %s, want the map three times", c.weights, got)
		}
	}
}

func TestDocLeastConn(t *testing.T) {
	if got := picks(mustNew(t, Spec{Algo: LeastConn}, servers(2, 1, 3)), 9, nil); got != "s1 s2 s3 s1 s2 s3 s1 s2 s3" {
		t.Errorf("sequential leastconn 2,1,3: %s", got)
	}
	ss := servers(2, 1, 3)
	a := mustNew(t, Spec{Algo: LeastConn}, ss)
	var seq []string
	for range 12 {
		s := a.Pick(nil, nil)
		s.Served++
		a.Take(s)
		seq = append(seq, s.Name)
	}
	if got := strings.Join(seq, " "); got != "s1 s2 s3 s3 s1 s3 s3 s1 s3 s2 s1 s3" {
		t.Errorf("concurrent leastconn 2,1,3: %s", got)
	}
	if ss[0].Served != 4 || ss[1].Served != 2 || ss[2].Served != 6 {
		t.Errorf("concurrent leastconn counts %d/%d/%d, want 4/2/6", ss[0].Served, ss[1].Served, ss[2].Served)
	}
}

func TestDocFirst(t *testing.T) {
	if got := picks(mustNew(t, Spec{Algo: First}, servers(1, 1, 1)), 4, nil); got != "s1 s1 s1 s1" {
		t.Errorf("first: %s", got)
	}
}

// 127.0.0.1 is 2130706433, and 2130706433 % 6 = 5: the last slot of the
// map s1 s3 s1 s3 s2 s3, s3.
func TestDocSourceExample(t *testing.T) {
	a := mustNew(t, Spec{Algo: Source}, servers(2, 1, 3))
	if h := foldAddr(srcReq("127.0.0.1")); h != 2130706433 || h%6 != 5 {
		t.Fatalf("127.0.0.1 folds to %d", h)
	}
	if s := a.Pick(srcReq("127.0.0.1"), nil); s.Name != "s3" {
		t.Fatalf("127.0.0.1 went to %s, want s3", s.Name)
	}
}

// hdr() without the header falls back to the round-robin walk of the map;
// "alpha, zzz" hashes like "alpha".
func TestDocHdr(t *testing.T) {
	a := mustNew(t, Spec{Algo: Hdr, Param: "X-Key"}, servers(1, 1, 1))
	if got := picks(a, 6, func(int) *Request { return uriReq("/") }); got != "s1 s2 s3 s1 s2 s3" {
		t.Errorf("hdr without the header: %s", got)
	}
	with := func(v string) *Request {
		r := uriReq("/")
		r.Header = func(string) (string, bool) { return v, true }
		return r
	}
	for _, h := range hashTypes {
		a := mustNew(t, Spec{Algo: Hdr, Param: "X-Key", Hash: h}, servers(2, 1, 3, 4))
		for k := range 30 {
			v := fmt.Sprintf("alpha%d", k)
			if x, y := Locate(a, with(v+", zzz")), Locate(a, with(v)); x != y {
				t.Fatalf("%s: %q went to %s but %q to %s", h, v+", zzz", x.Name, v, y.Name)
			}
		}
	}
}

// The consistent ring: weight*16 nodes per server at full_hash(id*4096+j),
// in key order.
func TestDocRing(t *testing.T) {
	ss := servers(2, 1, 3)
	ss[1].ID = 9
	a := mustNew(t, Spec{Algo: Source, Hash: HashType{Consistent: true}}, ss)
	p := a.Placement()
	if p.Kind != Ring || len(p.Nodes) != (2+1+3)*16 {
		t.Fatalf("ring of %d nodes (kind %d), want 96", len(p.Nodes), p.Kind)
	}
	want := map[uint32]string{}
	for _, s := range ss {
		for j := range s.Weight * 16 {
			want[fullHash(uint32(s.ID*4096+j))] = s.Name
		}
	}
	for k, n := range p.Nodes {
		if want[n.Key] != n.Server.Name {
			t.Fatalf("node %d: key %#x on %s, want %q", k, n.Key, n.Server.Name, want[n.Key])
		}
		if k > 0 && p.Nodes[k-1].Key >= n.Key {
			t.Fatalf("nodes not in key order at %d", k)
		}
	}
}

// The closest node wins, the one before on a tie.
func TestRingClosestNode(t *testing.T) {
	a := mustNew(t, Spec{Algo: Source, Hash: HashType{Consistent: true}}, servers(1, 1, 1)).(*chash)
	nodes := a.Placement().Nodes
	for k := 1; k < len(nodes); k++ {
		prev, next := nodes[k-1], nodes[k]
		gap := next.Key - prev.Key
		if gap < 4 {
			continue
		}
		for _, c := range []struct {
			h    uint32
			want *Server
		}{
			{prev.Key + 1, prev.Server},
			{prev.Key + gap/2, prev.Server}, // tie or nearer the previous node
			{next.Key - 1, next.Server},
			{next.Key, next.Server},
		} {
			if got := a.server(a.lookup(c.h, -1)); got != c.want {
				t.Fatalf("hash %#x between %#x (%s) and %#x (%s): %s", c.h, prev.Key, prev.Server.Name, next.Key, next.Server.Name, got.Name)
			}
		}
	}
}

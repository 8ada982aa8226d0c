package balance

import (
	"fmt"
	"strings"
	"testing"
)

var allSpecs = []Spec{
	{Algo: RoundRobin},
	{Algo: StaticRR},
	{Algo: LeastConn},
	{Algo: First},
	{Algo: Random, Draws: 3},
	{Algo: Source},
	{Algo: Source, Hash: HashType{Consistent: true, Avalanche: true}},
	{Algo: URI, URIDepth: 2},
	{Algo: URI, Hash: HashType{Consistent: true, Func: CRC32}},
	{Algo: URLParam, Param: "id"},
	{Algo: Hdr, Param: "X-Key", Hash: HashType{Consistent: true, Avalanche: true}, BalanceFactor: 150},
}

// mixed are requests with and without hash keys.
func mixed(k int) *Request {
	r := uriReq(fmt.Sprintf("/x/%d/y?id=%d", k%7, k%5))
	if k%3 == 0 {
		r.URI = "/plain"
	}
	r.Src = srcReq(fmt.Sprintf("10.1.%d.%d", k%4, k%9)).Src
	r.Header = func(string) (string, bool) { return fmt.Sprint(k % 6), k%4 != 0 }
	return r
}

// counter is a PRNG for tests: the same numbers every run.
func counter(seed uint32) func() uint32 {
	x := seed
	return func() uint32 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return x
	}
}

// Placement, Next and Locate change nothing: an algorithm asked them all
// the time picks exactly as one never asked.
func TestPlacementHasNoSideEffect(t *testing.T) {
	for _, spec := range allSpecs {
		ss1, ss2 := servers(3, 1, 2, 5), servers(3, 1, 2, 5)
		ss1[3].Backup, ss2[3].Backup = true, true
		a := mustNew(t, spec, ss1, WithRand(counter(7)))
		b := mustNew(t, spec, ss2, WithRand(counter(7)))
		var x, y []string
		for k := range 60 {
			_ = a.Placement()
			_ = Next(a, 10)
			_ = Locate(a, mixed(k))
			if k == 20 {
				for _, ss := range [][]*Server{ss1, ss2} {
					ss[0].Maint = true
				}
				a.Changed(ss1[0])
				b.Changed(ss2[0])
			}
			x = append(x, name(a.Pick(mixed(k), nil)))
			y = append(y, name(b.Pick(mixed(k), nil)))
		}
		if strings.Join(x, " ") != strings.Join(y, " ") {
			t.Errorf("%s: asking Placement changed the picks:\n%s\n%s", spec.Name(), x, y)
		}
	}
}

// Next(n) is what the next n sequential picks are.
func TestNextIsTheComingPicks(t *testing.T) {
	for _, spec := range []Spec{{Algo: RoundRobin}, {Algo: StaticRR}, {Algo: LeastConn}, {Algo: First}, {Algo: Source}} {
		ss := servers(2, 3, 3, 1)
		ss[1].MaxConn, ss[1].Served = 1, 1 // s2 is full and stays so
		a := mustNew(t, spec, ss)
		for round := range 3 {
			next := names(Next(a, 13))
			if got := picks(a, 13, nil); got != next {
				t.Errorf("%s round %d: Next said %s, the picks were %s", spec.Name(), round, next, got)
			}
		}
	}
	ss := servers(1, 1)
	ss[0].MaxConn, ss[0].Served, ss[1].MaxConn, ss[1].Served = 1, 1, 1, 1
	if got := names(Next(mustNew(t, Spec{}, ss), 2)); got != "- -" {
		t.Errorf("every server full: Next = %s", got)
	}
	if Next(mustNew(t, Spec{Algo: Random}, servers(1)), 3) != nil {
		t.Error("random has no sequence")
	}
}

func TestPlacementKinds(t *testing.T) {
	ss := servers(2, 1, 3)
	p := mustNew(t, Spec{}, ss).Placement()
	if p.Kind != Sequence || names(p.Next) != "s3 s1 s3 s2 s3 s1" {
		t.Errorf("roundrobin placement %d %s", p.Kind, names(p.Next))
	}
	a := mustNew(t, Spec{Algo: LeastConn}, ss)
	ss[0].Served = 2
	a.Take(ss[0])
	p = a.Placement()
	if p.Kind != Ordering || names(p.Order) != "s2 s3 s1" {
		t.Errorf("leastconn order %s", names(p.Order))
	}
	p = mustNew(t, Spec{Algo: First}, servers(1, 1)).Placement()
	if p.Kind != Sequence || names(p.Next) != "s1 s1" {
		t.Errorf("first placement %s", names(p.Next))
	}
	p = mustNew(t, Spec{Algo: Random}, servers(1, 2)).Placement()
	if p.Kind != Ring || len(p.Nodes) != 48 {
		t.Errorf("random placement: %d nodes", len(p.Nodes))
	}
}

func TestLocate(t *testing.T) {
	a := mustNew(t, Spec{Algo: Source}, servers(2, 1, 3))
	if s := Locate(a, srcReq("127.0.0.1")); s == nil || s.Name != "s3" {
		t.Errorf("Locate(127.0.0.1) = %v", s)
	}
	if s := Locate(a, &Request{}); s != nil {
		t.Errorf("Locate without an address = %s, want nil (no fallback)", s.Name)
	}
	if Locate(mustNew(t, Spec{}, servers(1)), srcReq("127.0.0.1")) != nil {
		t.Error("roundrobin located a key")
	}
	c := mustNew(t, Spec{Algo: URI, Hash: HashType{Consistent: true}}, servers(1, 1, 1))
	for k := range 50 {
		r := uriReq(fmt.Sprintf("/k%d", k))
		if Locate(c, r) != c.Pick(r, nil) {
			t.Fatalf("Locate and Pick disagree on %s", r.URI)
		}
	}
}

func keys(n int) []Request {
	out := make([]Request, n)
	for k := range out {
		out[k] = *uriReq(fmt.Sprintf("/object/%d", k*7919))
	}
	return out
}

// Consistent hashing moves only the keys of the server that goes; a map
// moves most keys.
func TestMoved(t *testing.T) {
	ks := keys(4000)
	before := servers(1, 1, 1, 1)
	after := servers(1, 1, 1, 1)
	after[2].Up = false
	cons := Spec{Algo: URI, Hash: HashType{Consistent: true, Avalanche: true}}
	moved, err := Moved(cons, before, after, ks)
	if err != nil {
		t.Fatal(err)
	}
	onS3 := 0
	a := mustNew(t, cons, servers(1, 1, 1, 1))
	for k := range ks {
		if Locate(a, &ks[k]).Name == "s3" {
			onS3++
		}
	}
	if moved != onS3 {
		t.Errorf("consistent: %d keys moved, but s3 held %d", moved, onS3)
	}
	mapMoved, err := Moved(Spec{Algo: URI}, before, after, ks)
	if err != nil {
		t.Fatal(err)
	}
	if mapMoved <= 2*moved {
		t.Errorf("map-based moved %d keys, consistent %d", mapMoved, moved)
	}
	t.Logf("one server of 4 down: consistent moved %d/%d keys, map-based %d", moved, len(ks), mapMoved)

	// raising a weight only moves keys onto that server
	after = servers(1, 1, 3, 1)
	b := mustNew(t, cons, servers(1, 1, 3, 1))
	for k := range ks {
		x, y := Locate(a, &ks[k]), Locate(b, &ks[k])
		if x.Name != y.Name && y.Name != "s3" {
			t.Fatalf("weight raised on s3, yet %s moved from %s to %s", ks[k].URI, x.Name, y.Name)
		}
	}
	if _, err := Moved(Spec{}, before, after, ks); err == nil {
		t.Error("Moved on roundrobin")
	}
}

// random draws N servers and keeps the one with the least served/weight;
// ties go to the later draw; a saturated winner means "full".
func TestRandom(t *testing.T) {
	ss := servers(1, 1, 2)
	a := mustNew(t, Spec{Algo: Random}, ss, WithRand(nil)).(*chash)
	keyOf := map[string]uint32{}
	for _, n := range a.Placement().Nodes {
		keyOf[n.Server.Name] = n.Key // a node's own key lands on it
	}
	draws := func(names ...string) func() uint32 {
		k := 0
		return func() uint32 {
			h := keyOf[names[k%len(names)]]
			k++
			return h
		}
	}
	ss[0].Served, ss[1].Served, ss[2].Served = 2, 1, 2
	a.rnd = draws("s1", "s2")
	if s := a.Pick(nil, nil); s.Name != "s2" {
		t.Errorf("s1 (2 served) against s2 (1): %s", s.Name)
	}
	a.rnd = draws("s2", "s3") // 1/1 against 2/2: a tie, the later draw wins
	if s := a.Pick(nil, nil); s.Name != "s3" {
		t.Errorf("tie between s2 and s3: %s", s.Name)
	}
	a.spec.Draws = 1
	a.rnd = draws("s1")
	if s := a.Pick(nil, nil); s.Name != "s1" {
		t.Errorf("one draw: %s", s.Name)
	}
	ss[0].MaxConn = 2
	if s := a.Pick(nil, nil); s != nil {
		t.Errorf("saturated winner: %s, want nil", s.Name)
	}
	a.rnd = draws("s2")
	if s := a.Pick(nil, ss[1]); s.Name == "s2" {
		t.Error("random did not avoid s2")
	}
}

// With hash-balance-factor, a key stays on its server while the server
// holds less than its share of factor% of the load (plus the new
// request); beyond, the request goes on along the ring.
func TestBoundedLoad(t *testing.T) {
	ss := servers(1, 1, 1)
	a := mustNew(t, Spec{Algo: URI, Hash: HashType{Consistent: true, Avalanche: true}, BalanceFactor: 150}, ss)
	r := uriReq("/hot")
	home := a.Pick(r, nil)
	count := map[string]int{}
	for total := range 30 {
		s := a.Pick(r, nil)
		// at most ceil(ceil((total+1)*1.5)/3) connections per server
		limit := ((total+1)*3/2 + (total+1)%2 + 2) / 3
		if s.Served >= limit {
			t.Fatalf("connection %d went to %s, which holds %d (limit %d)", total+1, s.Name, s.Served, limit)
		}
		if total == 0 && s != home {
			t.Fatalf("the first connection went to %s, not the key's server %s", s.Name, home.Name)
		}
		count[s.Name]++
		s.Served++
		a.Take(s)
	}
	// two servers at 150% of an even share take it all
	if len(count) != 2 || count[home.Name] != 15 {
		t.Errorf("a hot key over 30 connections reached %v", count)
	}
	a.(*chash).spec.BalanceFactor = 0
	if s := a.Pick(r, nil); s != home {
		t.Errorf("without the factor the key goes to %s, want %s", s.Name, home.Name)
	}
}

// The first backup alone serves when no active server is usable, and the
// next one takes over when it goes.
func TestBackups(t *testing.T) {
	for _, spec := range []Spec{{}, {Algo: LeastConn}, {Algo: First}, {Algo: Source, Hash: HashType{Consistent: true}}} {
		ss := servers(1, 1, 5, 1)
		ss[1].Backup, ss[2].Backup, ss[3].Backup = true, true, true
		a := mustNew(t, spec, ss)
		req := func(int) *Request { return srcReq("10.0.0.1") }
		if got := picks(a, 3, req); got != "s1 s1 s1" {
			t.Errorf("%s: %s", spec.Name(), got)
		}
		ss[0].Up = false
		a.Changed(ss[0])
		if got := picks(a, 3, req); got != "s2 s2 s2" {
			t.Errorf("%s, actives down: %s", spec.Name(), got)
		}
		ss[1].Maint = true
		a.Changed(ss[1])
		if got := picks(a, 3, req); got != "s3 s3 s3" {
			t.Errorf("%s, first backup out: %s", spec.Name(), got)
		}
		ss[1].Maint = false
		a.Changed(ss[1])
		if got := picks(a, 2, req); got != "s2 s2" {
			t.Errorf("%s, first backup back: %s", spec.Name(), got)
		}
		ss[0].Up = true
		a.Changed(ss[0])
		if got := picks(a, 2, req); got != "s1 s1" {
			t.Errorf("%s, active back: %s", spec.Name(), got)
		}
	}
}

// No usable server: every algorithm returns nil, and comes back.
func TestNoServer(t *testing.T) {
	for _, spec := range allSpecs {
		ss := servers(1, 2)
		a := mustNew(t, spec, ss, WithRand(counter(3)))
		for _, s := range ss {
			s.Up = false
			a.Changed(s)
		}
		if s := a.Pick(mixed(1), nil); s != nil {
			t.Errorf("%s: picked %s with every server down", spec.Name(), s.Name)
		}
		ss[1].Up = true
		a.Changed(ss[1])
		if s := a.Pick(mixed(1), nil); s != ss[1] {
			t.Errorf("%s: picked %v with s2 back", spec.Name(), s)
		}
	}
}

// A consistent ring walked by the fallback keeps its place across a server
// growing past the nodes it ever had (HAProxy reallocates them), and the
// ring stays what a fresh build gives.
func TestRingWeightChanges(t *testing.T) {
	ss := servers(1, 2, 1)
	spec := Spec{Algo: Hdr, Param: "X", Hash: HashType{Consistent: true, Avalanche: true}}
	a := mustNew(t, spec, ss)
	_ = picks(a, 5, func(int) *Request { return uriReq("/") })
	for _, w := range []int{4, 1, 0, 3, 2} {
		ss[0].Weight = w
		a.Changed(ss[0])
		fresh := mustNew(t, spec, servers(w, 2, 1))
		got, want := a.Placement().Nodes, fresh.Placement().Nodes
		if len(got) != len(want) {
			t.Fatalf("weight %d: %d nodes, a fresh ring has %d", w, len(got), len(want))
		}
		for k := range got {
			if got[k].Key != want[k].Key || got[k].Server.Name != want[k].Server.Name {
				t.Fatalf("weight %d: node %d differs", w, k)
			}
		}
		_ = picks(a, 5, func(int) *Request { return uriReq("/") })
	}
}

package balance

import (
	"fmt"
	"slices"
)

// PlacementKind says which part of a Placement describes the algorithm.
type PlacementKind int

// Kinds of placement.
const (
	Sequence PlacementKind = iota // roundrobin, first: Next holds the coming picks
	Table                         // static-rr and map-based hashing: Map holds the slots
	Ordering                      // leastconn: Order holds the servers, next pick first
	Ring                          // consistent hashing and random: Nodes holds the ring
)

// RingNode is one node of a consistent-hash ring.
type RingNode struct {
	Key    uint32
	Server *Server
}

// Placement is a read-only picture of an algorithm's state: why the next
// request will go where it goes. Taking it changes nothing.
type Placement struct {
	Kind  PlacementKind
	Next  []*Server  // Sequence (and Table, from the current position): coming picks, if requests keep arriving one at a time
	Map   []*Server  // Table: the slot table, index = hash % len(Map)
	Order []*Server  // Ordering: usable servers from the next pick on
	Nodes []RingNode // Ring: every node, sorted by key
}

// Sequencer is implemented by the algorithms whose coming picks do not
// depend on the request: roundrobin, static-rr, first, leastconn (and the
// round-robin fallback of map-based hashing). Next(n) returns the servers
// the next n requests would go to if they came one at a time, each
// finishing before the next arrives, with the connections open now staying
// open; nil entries mean no server. It has no effect on the algorithm.
type Sequencer interface {
	Next(n int) []*Server
}

// Next is a.Next(n) when the algorithm has a request-independent
// sequence, nil otherwise.
func Next(a Algorithm, n int) []*Server {
	if s, ok := a.(Sequencer); ok {
		return s.Next(n)
	}
	return nil
}

// maxCycle bounds the picks Placement shows.
const maxCycle = 64

// cycle is how many picks Placement shows: one round of the servers in use
// (the sum of their weights), at least 1 and at most maxCycle.
func (b *base) cycle() int {
	backup := b.srvAct == 0
	n := 0
	for i, s := range b.srv {
		if s.Backup == backup && b.currently(i) {
			n += int(b.uweight(i))
		}
	}
	return min(max(n, 1), maxCycle)
}

// Locator is implemented by the hashing algorithms (source, uri,
// url_param, hdr, map-based or consistent).
type Locator interface {
	// Locate returns the server r's key maps to now, with no server to
	// avoid and no fallback: nil when r lacks the key. It has no effect.
	Locate(r *Request) *Server
}

// Locate returns the server a hashing algorithm maps r to (see Locator),
// nil for other algorithms or when r lacks the key.
func Locate(a Algorithm, r *Request) *Server {
	if l, ok := a.(Locator); ok {
		return l.Locate(r)
	}
	return nil
}

// Moved says how many of keys go to another server after a change: it
// builds spec's algorithm over before and over after (snapshots of the
// backend's servers, matched by Name) and locates every key in both. A key
// located in neither (no key, no server) does not count; one located in
// only one does. For consistent hashing about the affected server's share
// of the keys moves; for map-based hashing most keys do.
func Moved(spec Spec, before, after []*Server, keys []Request) (int, error) {
	if !spec.Hashing() {
		return 0, fmt.Errorf("balance %s does not hash requests: nothing to locate", spec.Name())
	}
	a, err := New(spec, snapshot(before))
	if err != nil {
		return 0, fmt.Errorf("before the change: %w", err)
	}
	b, err := New(spec, snapshot(after))
	if err != nil {
		return 0, fmt.Errorf("after the change: %w", err)
	}
	moved := 0
	for k := range keys {
		s1, s2 := Locate(a, &keys[k]), Locate(b, &keys[k])
		if (s1 == nil) != (s2 == nil) || s1 != nil && s1.Name != s2.Name {
			moved++
		}
	}
	return moved, nil
}

// snapshot copies servers so that building an algorithm over them leaves
// the caller's untouched, and numbers them in order.
func snapshot(servers []*Server) []*Server {
	out := make([]*Server, len(servers))
	for k, s := range servers {
		c := *s
		c.Index = k
		out[k] = &c
	}
	return slices.Clip(out)
}

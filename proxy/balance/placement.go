package balance

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

// Package balance owns HAProxy 2.6's load-balancing algorithms: which server
// of a backend takes the next request or connection, pick for pick as the
// real binary. One file per algorithm family, as HAProxy's lb_*.c: fwrr
// (roundrobin), fwlc (leastconn), fas (first), maps (static-rr and
// map-based hashing), chash (consistent hashing and random). Each family
// implements the same hooks behind Algorithm; lb.go holds what they share
// (backend.c's counts and weights), keys.go and hash.go what the hashing
// algorithms read from a request, parse.go and spec.go the configuration
// lines, placement.go the read-only views (Placement, Next, Locate, Moved).
//
// The package knows nothing of sockets, requests on the wire or statistics:
// the backend that owns the servers calls the hooks under its own lock, and
// hands Pick the few facts of a request a hash may read. It must not reach
// into the proxy, the lab or the dashboard.
package balance

import (
	"net/netip"
)

// Weight limits and scale, as in HAProxy (server-t.h, backend-t.h).
const (
	MaxWeight   = 256 // SRV_UWGHT_MAX: user weights range over 0..256
	WeightScale = 16  // BE_WEIGHT_SCALE: dynamic algorithms use weight*16
)

// Server is one server as the balancer sees it. The backend owns it: it sets
// the exported fields under its lock and then calls Algorithm.Changed (after
// Weight, Up, Maint or Drain changed) or Take/Drop (after Served changed).
// The algorithm keeps its own "current" copy of the state, so Changed can
// compare what was with what will be, as HAProxy's cur_* and next_* fields.
type Server struct {
	Name   string
	ID     int  // HAProxy's puid: 1, 2, 3… unless set with "id"
	Index  int  // position in the backend's declaration order, from 0
	Backup bool // "backup" server: used only when no active server is usable

	Weight int  // user weight (uweight), 0..256
	Up     bool // health: running (UP, or no check); false when DOWN
	Maint  bool // administratively in maintenance
	Drain  bool // administratively draining (weight kept, no new picks)

	Served   int // streams holding a connection slot on the server now
	Queued   int // requests waiting in this server's own queue
	MaxConn  int // 0 = unlimited
	MaxQueue int // 0 = unlimited
}

// Usable reports whether the server's declared state lets it take new
// requests: HAProxy's srv_willbe_usable.
func (s *Server) Usable() bool {
	return s.Weight > 0 && s.Up && !s.Maint && !s.Drain
}

// Full reports whether the server cannot take one more connection now:
// maxconn is set and it is reached or the server already has a queue.
func (s *Server) Full() bool {
	return s.MaxConn > 0 && (s.Queued > 0 || s.Served >= s.MaxConn)
}

// Request holds what a hashing algorithm may read from a request or a
// connection. In TCP mode only Src is set.
type Request struct {
	Src    netip.Addr // client address (IPv4, or IPv6; IPv4-mapped IPv6 counts as IPv4)
	HTTP   bool       // the request is HTTP: URI, Method and Header are valid
	Method string     // request method, as sent
	URI    string     // request-line URI, as sent (before any decoding)
	// Header returns the value of the first occurrence of the named header
	// (case-insensitive), as sent; ok is false when it is absent. Nil means
	// no headers.
	Header func(name string) (value string, ok bool)
	Body   []byte // the part of a POST body already received (url_param)
}

// Algorithm is one backend's balancing state: HAProxy's lbprm hooks.
// It is not safe for concurrent use; the backend serialises every call.
type Algorithm interface {
	// Pick returns the server for r, skipping avoid (the server a retry is
	// redispatched away from) where the algorithm does: HAProxy's
	// assign_server lookup, with the round-robin fallback of the hashing
	// algorithms when r lacks the key. Nil means no server could be chosen:
	// none is usable (AnyUsable tells, for a 503), or every candidate is
	// full (the request waits in the backend queue). A hashing algorithm
	// returns its server even when it is full: the request then waits in
	// that server's queue. r may be nil for algorithms that read nothing.
	// Pick moves the algorithm's state as the real pick does, so the proxy
	// calls it once per balancing decision; Placement, Next and Locate are
	// the side-effect-free views.
	Pick(r *Request, avoid *Server) *Server
	// Changed applies a change of s's Weight, Up, Maint or Drain fields
	// (set_server_status_up/down and update_server_eweight).
	Changed(s *Server)
	// Take and Drop tell the algorithm s took or released a connection
	// slot; Served has already been updated (server_take/drop_conn).
	Take(s *Server)
	Drop(s *Server)
	// Placement describes the current state for display, with no side
	// effect on future picks.
	Placement() Placement
}

// AnyUsable reports whether any server may take requests (HAProxy's
// tot_weight != 0): when Pick returns nil and none is, the answer is "no
// server available" (503) rather than a queue.
func AnyUsable(servers []*Server) bool {
	for _, s := range servers {
		if s.Usable() {
			return true
		}
	}
	return false
}

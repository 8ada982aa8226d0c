package proxy

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/proxy/balance"
)

// server is one backend server at run time. Its balance.Server fields are
// guarded by the backend's lock; its counters are atomics, so statistics
// never take that lock.
type server struct {
	cfg Server
	lb  balance.Server
	be  *backend

	queue waitQueue // requests queued on this server (hash algorithms, maxqueue)

	// health, written by the checker under the backend lock
	check     checkState
	stopCheck func() // ends this server's checker, if it has one

	pool connPool // idle keep-alive connections to the server

	c serverCounters
}

// serverCounters are HAProxy's per-server statistics.
type serverCounters struct {
	cur      atomic.Int64 // scur: requests holding a slot (served)
	max      atomic.Int64 // smax
	total    atomic.Int64 // stot: streams that reached the server
	lbtot    atomic.Int64 // times chosen by the balancer
	qmax     atomic.Int64
	econ     atomic.Int64 // connection errors
	eresp    atomic.Int64 // response errors
	retries  atomic.Int64 // wretr
	redisp   atomic.Int64 // wredis
	bytesOut atomic.Int64
	status   [6]atomic.Int64 // hrsp_1xx..5xx, other
	ttimeSum atomic.Int64    // total time of answered requests, ms, for the average
	ttimeN   atomic.Int64
	lastSess atomic.Int64 // unix nano (lab clock) of the last stream
}

// checkState is a server's health as HAProxy's check code keeps it.
type checkState struct {
	enabled  bool
	health   int    // 0..rise+fall-1
	status   string // L4OK, L4CON, L7OK, L7STS, L4TOUT, ...
	code     int    // HTTP status of the last L7 check
	desc     string // e.g. "Connection refused"
	duration time.Duration
	failed   int64 // chkfail: failed checks while UP
	downs    int64 // chkdown: UP->DOWN transitions
	lastChg  time.Time
}

// connPool keeps idle connections to one server, most recent first.
type connPool struct {
	mu     sync.Mutex
	idle   []*serverConn
	closed bool // the server is gone: nothing goes back in
}

const maxIdlePerServer = 256

// get returns an idle connection the server has not closed meanwhile, as
// HAProxy watches its idle connections and drops those that close.
func (p *connPool) get() *serverConn {
	for {
		p.mu.Lock()
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			return nil
		}
		c := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if c.probe.Alive() {
			return c
		}
		c.close()
	}
}

func (p *connPool) put(c *serverConn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle) >= maxIdlePerServer {
		return false
	}
	p.idle = append(p.idle, c)
	return true
}

// closeAll closes the idle connections; with gone, none are kept later.
func (p *connPool) closeAll(gone bool) {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.closed = p.closed || gone
	p.mu.Unlock()
	for _, c := range idle {
		c.close()
	}
}

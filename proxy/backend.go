package proxy

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/lblab/lblab/proxy/balance"
)

// backend is a backend at run time: its servers, its balancing algorithm
// and its queue, all under one lock as HAProxy keeps the LB state under
// the lbprm lock.
type backend struct {
	p   *Proxy
	cfg *Backend

	mu      sync.Mutex
	alg     balance.Algorithm
	servers []*server
	queue   waitQueue
	seq     uint64
	conns   int // beconn: streams in the backend now (also read by logs)
	chk     *checkers

	c backendCounters
}

type backendCounters struct {
	total   atomic.Int64 // stot
	lbtot   atomic.Int64
	cur     atomic.Int64 // scur
	max     atomic.Int64
	qmax    atomic.Int64
	econ    atomic.Int64
	eresp   atomic.Int64
	retries atomic.Int64
	redisp  atomic.Int64
	status  [6]atomic.Int64
}

// assignStatus is the outcome of asking the backend for a server,
// HAProxy's SRV_STATUS_*.
type assignStatus int

const (
	assigned  assignStatus = iota // a slot on a server is held
	queued                        // waiting in a queue: wait on pending.ready
	noServer                      // no usable server: 503
	queueFull                     // the chosen server's maxqueue is reached: 503
)

func newBackend(p *Proxy, cfg *Backend) (*backend, error) {
	b := &backend{p: p, cfg: cfg}
	for i, sc := range cfg.Servers {
		b.servers = append(b.servers, newServer(b, sc, i))
	}
	if err := b.rebuild(cfg.Balance); err != nil {
		return nil, err
	}
	return b, nil
}

func newServer(b *backend, sc *Server, index int) *server {
	s := &server{cfg: *sc, be: b}
	s.lb = balance.Server{Name: sc.Name, ID: sc.ID, Index: index, Backup: sc.Backup,
		Weight: sc.Weight, Up: true, Maint: sc.Disabled,
		MaxConn: sc.MaxConn, MaxQueue: sc.MaxQueue}
	s.check = checkState{enabled: sc.Check, health: sc.Rise}
	return s
}

// rebuild makes a fresh algorithm over the current servers. Callers hold
// the lock, or own the backend exclusively.
func (b *backend) rebuild(spec balance.Spec) error {
	lbs := make([]*balance.Server, len(b.servers))
	for i, s := range b.servers {
		s.lb.Index = i
		lbs[i] = &s.lb
	}
	alg, err := balance.New(spec, lbs)
	if err != nil {
		return fmt.Errorf("backend %s: %w", b.cfg.Name, err)
	}
	b.alg = alg
	b.cfg.Balance = spec
	return nil
}

// position is s's index in the backend now, -1 once removed; servers shift
// when one is removed, so it is read under the lock.
func (b *backend) position(s *server) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return s.lb.Index
}

// anyUsable reports whether at least one server can take new requests
// (HAProxy's tot_weight != 0).
func (b *backend) anyUsable() bool {
	for _, s := range b.servers {
		if s.lb.Usable() {
			return true
		}
	}
	return false
}

// rrKind reports the algorithms that give up at once, without trying a
// server, when the backend already has a queue (assign_server).
func (b *backend) rrKind() bool {
	switch b.cfg.Balance.Algo {
	case balance.RoundRobin, balance.StaticRR, balance.First:
		return true
	}
	return false
}

// assign finds a server for r and reserves a connection slot on it, or
// queues the request: HAProxy's assign_server_and_queue. prev is the server
// a redispatched retry comes from (nil on a first attempt); it is avoided.
func (b *backend) assign(r *balance.Request, prev *server) (*server, *pending, assignStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.anyUsable() {
		return nil, nil, noServer
	}
	if b.queue.n > 0 && b.queue.n != b.conns && b.rrKind() {
		return nil, b.enqueue(nil), queued
	}
	var avoid *balance.Server
	if prev != nil {
		avoid = &prev.lb
	}
	lb := b.alg.Pick(r, avoid)
	if lb == nil {
		return nil, b.enqueue(nil), queued
	}
	s := b.servers[lb.Index]
	if s != prev {
		s.c.lbtot.Add(1)
		b.c.lbtot.Add(1)
	}
	if s.lb.Full() {
		if s.lb.MaxQueue > 0 && s.lb.Queued >= s.lb.MaxQueue {
			return s, nil, queueFull
		}
		return s, b.enqueue(s), queued
	}
	b.take(s)
	return s, nil, assigned
}

// enqueue adds a pending request to s's queue, or to the backend's when s
// is nil. The lock is held.
func (b *backend) enqueue(s *server) *pending {
	b.seq++
	p := &pending{seq: b.seq, srv: s, ready: make(chan struct{})}
	if s != nil {
		s.queue.push(p)
		s.lb.Queued++
		maxInt64(&s.c.qmax, int64(s.queue.n))
	} else {
		b.queue.push(p)
		maxInt64(&b.c.qmax, int64(b.queue.n))
	}
	return p
}

// take reserves a slot on s. The lock is held.
func (b *backend) take(s *server) {
	b.count(s)
	b.alg.Take(&s.lb)
}

// count puts one more request on s. The lock is held.
func (b *backend) count(s *server) {
	s.lb.Served++
	maxInt64(&s.c.max, s.c.cur.Add(1))
}

// hand gives the queued request p a slot on s and wakes it. The caller
// tells the algorithm (Take). The lock is held.
func (b *backend) hand(p *pending, s *server) {
	b.unqueue(p, true)
	p.assigned = s
	b.count(s)
	close(p.ready)
}

// unqueue takes p out of whichever queue holds it. The lock is held.
func (b *backend) unqueue(p *pending, served bool) {
	if p.srv != nil {
		p.srv.queue.remove(p, served)
		p.srv.lb.Queued--
		return
	}
	b.queue.remove(p, served)
}

// release gives back s's slot and hands free slots to queued requests:
// server_drop_conn then process_srv_queue.
func (b *backend) release(s *server) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s.lb.Served--
	s.c.cur.Add(-1)
	if s.lb.Index < 0 {
		return // removed from the backend while this request was on it
	}
	b.alg.Drop(&s.lb)
	b.dequeue(s)
}

// dequeue serves queued requests while s has room, the oldest of s's own
// queue and the backend queue first. The lock is held.
func (b *backend) dequeue(s *server) {
	if s.lb.MaxConn == 0 {
		return // queues only ever form in front of servers with a maxconn
	}
	pxOK := s.lb.Usable()
	took := false
	for s.lb.Served < s.lb.MaxConn {
		p := s.queue.first()
		if pp := b.queue.first(); pxOK && pp != nil && (p == nil || pp.seq < p.seq) {
			p = pp
		}
		if p == nil {
			break
		}
		b.hand(p, s)
		took = true
	}
	if took {
		b.alg.Take(&s.lb)
	}
}

// abandon removes a pending request that gave up (queue timeout, client
// gone). If it was assigned meanwhile, the slot is returned instead.
func (b *backend) abandon(p *pending) {
	b.mu.Lock()
	if p.assigned == nil {
		b.unqueue(p, false)
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	b.release(p.assigned)
}

func maxInt64(m *atomic.Int64, v int64) {
	for {
		old := m.Load()
		if v <= old || m.CompareAndSwap(old, v) {
			return
		}
	}
}

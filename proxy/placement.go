package proxy

import (
	"sync/atomic"

	"github.com/lblab/lblab/proxy/balance"
)

// Placement is a read-only picture of a backend's balancing state, with
// servers referred to by index into Servers.
type Placement struct {
	Backend string
	Spec    balance.Spec
	Kind    balance.PlacementKind
	Servers []string
	Next    []int // coming picks, -1 for none
	Map     []int
	Order   []int
	Nodes   []PlacedNode
}

// PlacedNode is one ring node.
type PlacedNode struct {
	Key    uint32
	Server int
}

// Placement describes a backend's algorithm state, with the next n picks
// where the algorithm has a request-independent sequence. It changes
// nothing.
func (p *Proxy) Placement(be string, n int) (Placement, error) {
	b, err := p.lookup(be)
	if err != nil {
		return Placement{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	pl := Placement{Backend: be, Spec: b.cfg.Balance}
	for _, s := range b.servers {
		pl.Servers = append(pl.Servers, s.cfg.Name)
	}
	bp := b.alg.Placement()
	pl.Kind = bp.Kind
	pl.Map = indexes(bp.Map)
	pl.Order = indexes(bp.Order)
	for _, nd := range bp.Nodes {
		pl.Nodes = append(pl.Nodes, PlacedNode{Key: nd.Key, Server: nd.Server.Index})
	}
	if n > 0 {
		pl.Next = indexes(balance.Next(b.alg, n))
	}
	return pl, nil
}

func indexes(ss []*balance.Server) []int {
	if ss == nil {
		return nil
	}
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = -1
		if s != nil {
			out[i] = s.Index
		}
	}
	return out
}

// Locate says which server each request's hash key maps to now (index, or
// -1 when the algorithm does not hash, the key is missing or no server is
// usable). It changes nothing.
func (p *Proxy) Locate(be string, reqs []balance.Request) ([]int, error) {
	b, err := p.lookup(be)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]int, len(reqs))
	for i := range reqs {
		out[i] = -1
		if s := balance.Locate(b.alg, &reqs[i]); s != nil {
			out[i] = s.Index
		}
	}
	return out, nil
}

// ResetCounters clears the statistics counters, as HAProxy's "clear
// counters": totals, maxima, errors and status counts. What is in flight
// now (current sessions, queues) stays as it is. Every counter is reset
// with an atomic store, since requests keep updating them meanwhile.
func (p *Proxy) ResetCounters() {
	for _, f := range p.frontends {
		f.c.reset()
	}
	for _, b := range p.order {
		b.c.reset()
		b.mu.Lock()
		for _, s := range b.servers {
			s.c.reset()
			s.check.failed, s.check.downs = 0, 0
		}
		b.mu.Unlock()
	}
}

func zero(cs ...*atomic.Int64) {
	for _, c := range cs {
		c.Store(0)
	}
}

func zeroAll(cs []atomic.Int64) {
	for i := range cs {
		cs[i].Store(0)
	}
}

func (c *frontendCounters) reset() {
	zero(&c.connTotal, &c.reqTotal, &c.denied, &c.connDeny, &c.badReq, &c.bytesOut, &c.defHits, &c.noBackend)
	zeroAll(c.status[:])
	zeroAll(c.useHits)
	zeroAll(c.ruleHits)
	zeroAll(c.tcpHits)
}

func (c *backendCounters) reset() {
	zero(&c.total, &c.lbtot, &c.qmax, &c.econ, &c.eresp, &c.retries, &c.redisp)
	zeroAll(c.status[:])
	c.max.Store(c.cur.Load())
}

func (c *serverCounters) reset() {
	zero(&c.total, &c.lbtot, &c.qmax, &c.econ, &c.eresp, &c.retries, &c.redisp, &c.bytesOut, &c.ttimeSum, &c.ttimeN)
	zeroAll(c.status[:])
	c.max.Store(c.cur.Load())
}

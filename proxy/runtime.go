package proxy

import (
	"fmt"
	"net"
	"strings"

	"github.com/lblab/lblab/proxy/balance"
)

// The runtime API: the changes HAProxy's stats socket allows ("set server
// weight", "set server state"), plus what a lab needs beyond it (switching
// the algorithm, adding and removing servers). The dashboard and the
// scenarios both go through these.

func (p *Proxy) lookup(be string) (*backend, error) {
	b, ok := p.backends[be]
	if !ok {
		return nil, fmt.Errorf("no such backend %q", be)
	}
	return b, nil
}

// lockServer finds server srv of backend be and returns with the
// backend's lock held: servers come and go at run time, so the search and
// the change must be one step.
func (p *Proxy) lockServer(be, srv string) (*backend, *server, error) {
	b, err := p.lookup(be)
	if err != nil {
		return nil, nil, err
	}
	b.mu.Lock()
	for _, s := range b.servers {
		if s.cfg.Name == srv {
			return b, s, nil
		}
	}
	b.mu.Unlock()
	return nil, nil, fmt.Errorf("no such server %q in backend %s", srv, be)
}

// SetWeight is "set server BE/SRV weight W".
func (p *Proxy) SetWeight(be, srv string, w int) error {
	b, s, err := p.lockServer(be, srv)
	if err != nil {
		return err
	}
	defer b.mu.Unlock()
	if err := b.cfg.Balance.CheckWeightChange(s.cfg.Weight, w); err != nil {
		return err
	}
	s.lb.Weight = w
	b.alg.Changed(&s.lb)
	b.grab(s)
	return nil
}

// AdminState is a server's administrative state.
type AdminState int

// Administrative states ("set server BE/SRV state ready|drain|maint").
const (
	Ready AdminState = iota
	Drain
	Maint
)

// ParseAdminState reads "ready", "drain" or "maint".
func ParseAdminState(s string) (AdminState, error) {
	switch strings.ToLower(s) {
	case "ready":
		return Ready, nil
	case "drain":
		return Drain, nil
	case "maint":
		return Maint, nil
	}
	return 0, fmt.Errorf("unknown state %q: want ready, drain or maint", s)
}

// SetState is "set server BE/SRV state ready|drain|maint".
func (p *Proxy) SetState(be, srv string, st AdminState) error {
	b, s, err := p.lockServer(be, srv)
	if err != nil {
		return err
	}
	s.lb.Maint = st == Maint
	s.lb.Drain = st == Drain
	b.alg.Changed(&s.lb)
	b.grab(s)
	none := !b.anyUsable()
	b.mu.Unlock()
	if st == Maint {
		p.event(be, srv, fmt.Sprintf("Server %s/%s is going DOWN for maintenance.", be, srv))
		if none {
			p.event(be, "", fmt.Sprintf("backend '%s' has no server available!", be))
		}
	}
	return nil
}

// SetBalance switches a backend's algorithm at run time, something HAProxy
// can only do by reloading: the algorithm starts afresh over the servers as
// they are now (in-flight counts included).
func (p *Proxy) SetBalance(be string, spec balance.Spec) error {
	b, err := p.lookup(be)
	if err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	if b.cfg.Mode == TCP && spec.L7() {
		return fmt.Errorf("backend %s is in TCP mode: %s needs HTTP", be, spec.String())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rebuild(spec)
}

// Balance returns a backend's current algorithm.
func (p *Proxy) Balance(be string) (balance.Spec, error) {
	b, err := p.lookup(be)
	if err != nil {
		return balance.Spec{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cfg.Balance, nil
}

// AddServer adds a server to a backend at run time (HAProxy's "add server"),
// with health checks if it asks for them. The algorithm is rebuilt over the
// new set of servers.
func (p *Proxy) AddServer(be string, sc Server) error {
	b, err := p.lookup(be)
	if err != nil {
		return err
	}
	if sc.Weight < 0 || sc.Weight > balance.MaxWeight {
		return fmt.Errorf("weight %d is out of range 0..%d", sc.Weight, balance.MaxWeight)
	}
	if _, _, err := net.SplitHostPort(sc.Addr); err != nil {
		return fmt.Errorf("server %s: address %q: %v", sc.Name, sc.Addr, err)
	}
	b.mu.Lock()
	for _, s := range b.servers {
		if s.cfg.Name == sc.Name {
			b.mu.Unlock()
			return fmt.Errorf("backend %s already has a server named %s", be, sc.Name)
		}
	}
	lbs := make([]*balance.Server, 0, len(b.servers)+1)
	for _, s := range b.servers {
		lbs = append(lbs, &balance.Server{Name: s.cfg.Name, ID: s.lb.ID})
	}
	lbs = append(lbs, &balance.Server{Name: sc.Name, ID: sc.ID})
	if err := balance.AssignIDs(lbs); err != nil {
		b.mu.Unlock()
		return err
	}
	sc.ID = lbs[len(lbs)-1].ID
	s := newServer(b, &sc, len(b.servers))
	b.servers = append(b.servers, s)
	b.cfg.Servers = append(b.cfg.Servers, &s.cfg)
	err = b.rebuild(b.cfg.Balance)
	if err == nil {
		b.grab(s) // requests waiting in the backend queue may go to it now
	}
	b.mu.Unlock()
	if err != nil {
		return err
	}
	if sc.Check && b.chk != nil {
		b.runCheck(s, 0)
	}
	return nil
}

// RemoveServer deletes a server from a backend at run time ("del server").
// Unlike HAProxy, which wants the server in maintenance and idle first, the
// lab removes it at once: requests in flight on it finish normally and
// requests queued on it are redispatched through the backend queue.
func (p *Proxy) RemoveServer(be, srv string) error {
	b, s, err := p.lockServer(be, srv)
	if err != nil {
		return err
	}
	defer b.mu.Unlock()
	if len(b.servers) == 1 {
		return fmt.Errorf("%s is the last server of backend %s", srv, be)
	}
	i := s.lb.Index
	b.servers = append(b.servers[:i:i], b.servers[i+1:]...)
	b.cfg.Servers = append(b.cfg.Servers[:i:i], b.cfg.Servers[i+1:]...)
	for q := s.queue.first(); q != nil; q = s.queue.first() {
		s.queue.remove(q, false)
		q.srv = nil
		b.queue.push(q)
	}
	s.lb.Queued = 0
	s.lb.Maint = true // anything still holding it sees it unusable
	if err := b.rebuild(b.cfg.Balance); err != nil {
		return err
	}
	s.lb.Index = -1
	for _, o := range b.servers { // the requeued requests may fit elsewhere now
		b.grab(o)
	}
	if s.stopCheck != nil {
		s.stopCheck()
	}
	go s.pool.closeAll(true)
	return nil
}

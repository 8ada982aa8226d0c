package proxy

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// frontend is a frontend at run time.
type frontend struct {
	p         *Proxy
	cfg       *Frontend
	listeners []net.Listener
	uses      []*backend // backends of cfg.UseBackends, in order
	def       *backend   // default_backend, or nil

	conns atomic.Int64 // feconn
	c     frontendCounters
}

type frontendCounters struct {
	connTotal atomic.Int64 // connections accepted
	reqTotal  atomic.Int64 // HTTP requests
	denied    atomic.Int64 // dreq: denied by a rule
	connDeny  atomic.Int64 // denied connections (tcp-request connection reject)
	badReq    atomic.Int64 // ereq: malformed requests
	bytesOut  atomic.Int64
	status    [6]atomic.Int64
	useHits   []atomic.Int64 // per use_backend rule
	ruleHits  []atomic.Int64 // per http-request rule
	tcpHits   []atomic.Int64 // per tcp-request connection rule
	defHits   atomic.Int64   // requests sent to default_backend
	noBackend atomic.Int64   // requests with no backend at all
}

func newFrontend(p *Proxy, cfg *Frontend) (*frontend, error) {
	f := &frontend{p: p, cfg: cfg}
	for _, u := range cfg.UseBackends {
		b, ok := p.backends[u.Backend]
		if !ok {
			return nil, fmt.Errorf("frontend %s: use_backend %q: no such backend", cfg.Name, u.Backend)
		}
		if b.cfg.Mode != cfg.Mode {
			return nil, fmt.Errorf("frontend %s (mode %s) cannot use backend %s (mode %s)", cfg.Name, cfg.Mode, b.cfg.Name, b.cfg.Mode)
		}
		f.uses = append(f.uses, b)
	}
	if cfg.DefaultBackend != "" {
		b, ok := p.backends[cfg.DefaultBackend]
		if !ok {
			return nil, fmt.Errorf("frontend %s: default_backend %q: no such backend", cfg.Name, cfg.DefaultBackend)
		}
		if b.cfg.Mode != cfg.Mode {
			return nil, fmt.Errorf("frontend %s (mode %s) cannot use backend %s (mode %s)", cfg.Name, cfg.Mode, b.cfg.Name, b.cfg.Mode)
		}
		f.def = b
	}
	for _, r := range cfg.HTTPRules {
		if r.Action == Deny && r.DenyStatus != 0 && !KnownStatus(r.DenyStatus) {
			return nil, fmt.Errorf("frontend %s: deny_status %d has no built-in page", cfg.Name, r.DenyStatus)
		}
	}
	f.c.useHits = make([]atomic.Int64, len(cfg.UseBackends))
	f.c.ruleHits = make([]atomic.Int64, len(cfg.HTTPRules))
	f.c.tcpHits = make([]atomic.Int64, len(cfg.TCPConnRules))
	return f, nil
}

func (f *frontend) accept(ln net.Listener) {
	defer f.p.wg.Done()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// out of file descriptors, or another passing failure: wait a
			// little and go on accepting, as HAProxy does
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(backoff):
				continue
			case <-f.p.done:
				return
			}
		}
		backoff = 0
		// counted here, before the connection's goroutine starts, so a burst
		// of connections cannot all pass the maxconn checks at once
		if f.cfg.MaxConn > 0 && f.conns.Load() >= int64(f.cfg.MaxConn) ||
			f.p.cfg.MaxConn > 0 && f.p.actconn.Load() >= int64(f.p.cfg.MaxConn) {
			c.Close() // HAProxy stops accepting; the lab refuses instead of queuing in the kernel
			continue
		}
		f.p.actconn.Add(1)
		f.conns.Add(1)
		if !f.p.track(c) {
			f.p.actconn.Add(-1)
			f.conns.Add(-1)
			return
		}
		f.p.wg.Add(1)
		go f.serve(c)
	}
}

// conn is one accepted client connection.
type conn struct {
	net.Conn
	f        *frontend
	src      netip.AddrPort
	accepted time.Time // lab clock
}

func (f *frontend) serve(c net.Conn) {
	defer f.p.wg.Done()
	defer f.p.untrack(c)
	defer c.Close()
	f.c.connTotal.Add(1)
	defer f.p.actconn.Add(-1)
	defer f.conns.Add(-1)

	cc := &conn{Conn: c, f: f, accepted: f.p.clk.Now()}
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		cc.src = ta.AddrPort()
		cc.src = netip.AddrPortFrom(cc.src.Addr().Unmap(), cc.src.Port())
	}
	if !f.tcpAccept(cc) {
		f.c.connDeny.Add(1)
		// HAProxy rejects with a reset, not a clean close
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		return
	}
	if f.cfg.Mode == TCP {
		f.serveTCP(cc)
		return
	}
	f.serveHTTP(cc)
}

// tcpAccept runs the tcp-request connection rules: the first whose
// condition holds decides; none means accept.
func (f *frontend) tcpAccept(c *conn) bool {
	if len(f.cfg.TCPConnRules) == 0 {
		return true
	}
	view := l4Request{src: c.src.Addr()}
	for i, r := range f.cfg.TCPConnRules {
		if r.Cond == nil || r.Cond.Eval(&view) {
			f.c.tcpHits[i].Add(1)
			return r.Action == Allow
		}
	}
	return true
}

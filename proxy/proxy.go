package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/proxy/balance"
)

// Options are how the proxy is run, as opposed to what it is configured to
// do.
type Options struct {
	// Clock is the time scale for timeouts, delays and timers; nil is
	// real time.
	Clock *clock.Clock
	// OnLog receives every request's (HTTP) or connection's (TCP) record
	// when it completes. It runs on the request's goroutine: keep it
	// cheap. The record must not be kept after the call returns.
	OnLog func(*LogRecord)
	// OnEvent receives HAProxy's alert and notice messages, such as a
	// server going DOWN.
	OnEvent func(Event)
}

// Event is a notice about the proxy's state, worded as HAProxy logs it.
type Event struct {
	Backend, Server string
	Text            string
}

// Proxy is a running proxy: frontends listening, backends with servers.
type Proxy struct {
	opts      Options
	clk       *clock.Clock
	cfg       *Config
	frontends []*frontend
	backends  map[string]*backend
	order     []*backend // declaration order

	actconn atomic.Int64 // every client connection in the process

	mu      sync.Mutex
	conns   map[net.Conn]struct{} // every open connection, closed on Close
	closing bool
	done    chan struct{}
	ctxv    context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New validates cfg and builds the proxy without opening any socket. The
// proxy works on its own copy: later runtime changes (servers added or
// removed, weights, algorithms) never show in the caller's cfg.
func New(cfg *Config, opts Options) (*Proxy, error) {
	cfg = cfg.Clone()
	p := &Proxy{opts: opts, clk: opts.Clock, cfg: cfg,
		backends: map[string]*backend{}, conns: map[net.Conn]struct{}{},
		done: make(chan struct{})}
	p.ctxv, p.cancel = context.WithCancel(context.Background())
	for _, bc := range cfg.Backends {
		if _, dup := p.backends[bc.Name]; dup {
			return nil, fmt.Errorf("backend %q is declared twice", bc.Name)
		}
		if err := validateBackend(bc); err != nil {
			return nil, err
		}
		b, err := newBackend(p, bc)
		if err != nil {
			return nil, err
		}
		p.backends[bc.Name] = b
		p.order = append(p.order, b)
	}
	for _, fc := range cfg.Frontends {
		f, err := newFrontend(p, fc)
		if err != nil {
			return nil, err
		}
		p.frontends = append(p.frontends, f)
	}
	return p, nil
}

func validateBackend(bc *Backend) error {
	lbs := make([]*balance.Server, len(bc.Servers))
	names := map[string]bool{}
	for i, s := range bc.Servers {
		if names[s.Name] {
			return fmt.Errorf("backend %s: server %q is declared twice", bc.Name, s.Name)
		}
		names[s.Name] = true
		if s.Weight < 0 || s.Weight > balance.MaxWeight {
			return fmt.Errorf("backend %s, server %s: weight %d is out of range 0..%d", bc.Name, s.Name, s.Weight, balance.MaxWeight)
		}
		if _, _, err := net.SplitHostPort(s.Addr); err != nil {
			return fmt.Errorf("backend %s, server %s: address %q: %v", bc.Name, s.Name, s.Addr, err)
		}
		lbs[i] = &balance.Server{Name: s.Name, ID: s.ID, Index: i}
	}
	if err := balance.AssignIDs(lbs); err != nil {
		return fmt.Errorf("backend %s: %w", bc.Name, err)
	}
	for i, s := range bc.Servers {
		s.ID = lbs[i].ID
	}
	return nil
}

// AddrInUseError says a frontend's address is already taken.
type AddrInUseError struct {
	Frontend, Addr string
	Err            error
}

func (e *AddrInUseError) Error() string {
	return fmt.Sprintf("frontend %s: cannot listen on %s: %v", e.Frontend, e.Addr, e.Err)
}

func (e *AddrInUseError) Unwrap() error { return e.Err }

// Start opens every frontend's listeners and starts serving. On error,
// nothing is left open.
func (p *Proxy) Start() error {
	var opened []net.Listener
	for _, f := range p.frontends {
		for _, addr := range f.cfg.Binds {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				for _, l := range opened {
					l.Close()
				}
				return &AddrInUseError{Frontend: f.cfg.Name, Addr: addr, Err: err}
			}
			opened = append(opened, ln)
			f.listeners = append(f.listeners, ln)
		}
	}
	for _, f := range p.frontends {
		for _, ln := range f.listeners {
			p.wg.Add(1)
			go f.accept(ln)
		}
	}
	for _, b := range p.order {
		b.startChecks()
	}
	return nil
}

// Addrs returns the addresses a frontend listens on, as bound (with the
// real port when the config said :0).
func (p *Proxy) Addrs(frontend string) []string {
	for _, f := range p.frontends {
		if f.cfg.Name == frontend {
			var out []string
			for _, ln := range f.listeners {
				out = append(out, ln.Addr().String())
			}
			return out
		}
	}
	return nil
}

// Close stops listening, aborts every connection and request in flight and
// returns when every goroutine of the proxy has ended.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		return nil
	}
	p.closing = true
	close(p.done)
	p.cancel()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	for _, f := range p.frontends {
		for _, ln := range f.listeners {
			ln.Close()
		}
	}
	for _, b := range p.order {
		b.stopChecks()
	}
	p.wg.Wait()
	for _, b := range p.order {
		for _, s := range b.servers {
			s.pool.closeAll(false)
		}
	}
	return nil
}

// track registers an open connection so Close can abort it; it reports
// false (and closes c) when the proxy is already closing.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

var errClosing = errors.New("proxy: shutting down")

// ctx is cancelled when the proxy closes, for dials and sleeps.
func (p *Proxy) ctx() context.Context { return p.ctxv }

func (p *Proxy) event(be, srv, text string) {
	if p.opts.OnEvent != nil {
		p.opts.OnEvent(Event{Backend: be, Server: srv, Text: text})
	}
}

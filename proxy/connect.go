package proxy

import (
	"bufio"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/h1"
)

// serverConn is a connection to a server, reusable for keep-alive.
type serverConn struct {
	srv    *server
	raw    net.Conn
	conn   *timedConn
	br     *bufio.Reader
	bw     *bufio.Writer
	rd     *h1.Reader
	resp   h1.Response
	probe  *h1.Prober // tells an idle connection the server closed
	reused bool
}

func (c *serverConn) close() {
	c.srv.be.p.untrack(c.raw)
	c.raw.Close()
}

// timedConn applies an inactivity timeout to every read and write, as
// HAProxy's "timeout client" and "timeout server" do, and lets another
// goroutine cut a reader off for good (abort).
type timedConn struct {
	net.Conn
	p       *Proxy
	timeout time.Duration // lab time; 0 = none
	aborted atomic.Bool
}

var errAborted = errors.New("proxy: read aborted")

func (c *timedConn) Read(b []byte) (int, error) {
	if c.timeout > 0 {
		c.Conn.SetReadDeadline(c.p.clk.Deadline(c.timeout))
	}
	// checked after the deadline is set: abort's past deadline then wins
	// whichever of the two goroutines gets there first
	if c.aborted.Load() {
		return 0, errAborted
	}
	return c.Conn.Read(b)
}

// abort makes every read, the one in progress included, fail from now on.
func (c *timedConn) abort() {
	c.aborted.Store(true)
	c.Conn.SetReadDeadline(time.Unix(1, 0))
}

func (c *timedConn) Write(b []byte) (int, error) {
	if c.timeout > 0 {
		c.Conn.SetWriteDeadline(c.p.clk.Deadline(c.timeout))
	}
	return c.Conn.Write(b)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
}

// attempt is one stream's way to a server: assignment, queueing,
// connection retries and redispatch, with what the log line reports.
type attempt struct {
	b        *backend
	lb       balance.Request
	pool     bool // may reuse an idle keep-alive connection (HTTP)
	srv      *server
	tw, tc   time.Duration
	waited   bool // went through assignment (Tw is valid)
	retries  int
	redisp   bool
	srvQueue int
	beQueue  int
	status   int    // 503 on failure
	term     string // two characters: what failed and where
}

// obtain returns a connection to a server holding a slot on it, or nil
// with a.status and a.term saying why not (HAProxy's srv_redispatch_connect,
// back_handle_st_cer and stream_choose_redispatch).
func (a *attempt) obtain() *serverConn {
	b, p := a.b, a.b.p
	var prev *server
	t0 := p.clk.Now()
	for {
		srv, pend, st := b.assign(&a.lb, prev)
		switch st {
		case noServer:
			b.c.econ.Add(1)
			a.srv, a.status, a.term = nil, 503, "SC"
			return nil
		case queueFull:
			srv.c.econ.Add(1)
			b.c.econ.Add(1)
			a.srv, a.status, a.term = srv, 503, "SQ"
			return nil
		case queued:
			srv = a.wait(pend)
			a.srvQueue, a.beQueue = int(pend.srvPos), int(pend.bePos)
			if srv == nil {
				a.tw, a.waited = p.clk.Since(t0), true
				return nil
			}
		}
		a.srv, a.waited = srv, true
		a.tw = p.clk.Since(t0)
		if prev != nil {
			if srv != prev {
				prev.c.redisp.Add(1)
				b.c.redisp.Add(1)
				a.redisp = true
			} else {
				prev.c.retries.Add(1)
				b.c.retries.Add(1)
			}
		}
		sc, redispatch := a.connectWithRetries(srv)
		if sc != nil || !redispatch {
			return sc
		}
		b.release(srv)
		prev = srv
	}
}

// wait blocks until a queued request gets a slot, its queue timeout
// expires, or the proxy stops.
func (a *attempt) wait(pend *pending) *server {
	b, p := a.b, a.b.p
	timeout := b.cfg.Timeouts.Queue
	if timeout == 0 {
		timeout = b.cfg.Timeouts.Connect
	}
	var expired <-chan time.Time
	if timeout > 0 {
		t := p.clk.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-pend.ready:
		return pend.assigned
	case <-expired:
	case <-p.done:
	}
	b.abandon(pend)
	a.srv = pend.srv
	a.status, a.term = 503, "sQ"
	if a.srv != nil {
		a.srv.c.econ.Add(1)
	}
	b.c.econ.Add(1)
	return nil
}

// connectWithRetries connects to srv, retrying as HAProxy does: at most
// "retries" more attempts (Debian's 2.6.12 counts 1 + N, the fix of
// bc6b23813), waiting min(timeout connect, 1s) before retrying a refused
// connection on the same server. It reports when the stream must be
// redispatched to another server instead.
func (a *attempt) connectWithRetries(srv *server) (*serverConn, bool) {
	b, p := a.b, a.b.p
	tc0 := p.clk.Now()
	for {
		srv.c.total.Add(1) // stot counts connection attempts, as connect_server does
		sc, err := a.connect(srv)
		if err == nil {
			a.tc = p.clk.Since(tc0)
			return sc, false
		}
		if err == errClosing {
			b.release(srv)
			a.status, a.term = 503, "KC"
			return nil, false
		}
		if a.retries >= b.cfg.Retries {
			srv.c.econ.Add(1)
			b.c.econ.Add(1)
			b.release(srv)
			a.status, a.term = 503, "SC"
			if isTimeout(err) {
				a.term = "sC"
			}
			return nil, false
		}
		a.retries++
		redispatch, rrKind := a.shouldRedispatch(srv)
		if !redispatch {
			srv.c.retries.Add(1)
			b.c.retries.Add(1)
		}
		// back_handle_st_cer: after a connection error (not a timeout) wait
		// min(timeout connect, 1s), unless the retry goes at once to
		// another server of a round-robin-like algorithm
		if !isTimeout(err) && !(redispatch && rrKind) && !a.turnAround() {
			b.release(srv)
			a.status, a.term = 503, "KC"
			return nil, false
		}
		if redispatch {
			return nil, true
		}
	}
}

// turnAround waits HAProxy's delay between two connection attempts; false
// when the proxy closed meanwhile.
func (a *attempt) turnAround() bool {
	delay := a.b.cfg.Timeouts.Connect
	if delay == 0 || delay > time.Second {
		delay = time.Second
	}
	return a.b.p.clk.Sleep(a.b.p.ctx(), delay)
}

// shouldRedispatch is stream_choose_redispatch: with option redispatch,
// leave a server that went down, or at the configured retry interval
// (by default the last retry), or at once for round-robin-like algorithms
// with more than one active server. rrKind reports that last case's
// condition, which also spares the turn-around delay.
func (a *attempt) shouldRedispatch(srv *server) (redispatch, rrKind bool) {
	b := a.b
	every := b.cfg.Redispatch
	if every == 0 {
		return false, false
	}
	b.mu.Lock()
	up := srv.lb.Up
	active := 0
	for _, s := range b.servers {
		if !s.lb.Backup && s.lb.Usable() {
			active++
		}
	}
	algo := b.cfg.Balance.Algo
	b.mu.Unlock()
	switch algo {
	case balance.RoundRobin, balance.StaticRR, balance.Random:
		rrKind = active > 1
	}
	switch {
	case !up:
		return true, rrKind
	case every > 0 && a.retries%every == 0:
		return true, rrKind
	case every < 0 && a.retries%(b.cfg.Retries+1+every) == 0:
		return true, rrKind
	}
	return rrKind, rrKind
}

// connect returns an idle keep-alive connection to srv or dials a new one
// within "timeout connect".
func (a *attempt) connect(srv *server) (*serverConn, error) {
	p := a.b.p
	if a.pool {
		if sc := srv.pool.get(); sc != nil {
			sc.reused = true
			return sc, nil
		}
	}
	return dialServer(p, srv, a.b.cfg.Timeouts)
}

func dialServer(p *Proxy, srv *server, t Timeouts) (*serverConn, error) {
	d := net.Dialer{Timeout: p.clk.Real(t.Connect)}
	raw, err := d.DialContext(p.ctx(), "tcp", srv.cfg.Addr)
	if err != nil {
		select {
		case <-p.done:
			return nil, errClosing
		default:
		}
		return nil, err
	}
	if !p.track(raw) {
		return nil, errClosing
	}
	tc := &timedConn{Conn: raw, p: p, timeout: t.Server}
	sc := &serverConn{srv: srv, raw: raw, conn: tc, probe: h1.NewProber(raw),
		br: bufio.NewReaderSize(tc, 16<<10), bw: bufio.NewWriterSize(tc, 16<<10)}
	sc.rd = h1.NewReader(sc.br)
	return sc, nil
}

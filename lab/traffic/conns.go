package traffic

import (
	"context"
	"time"
)

// exchange runs one request (or TCP connection) of client c.
func (g *Generator) exchange(c *client, rq *request, start time.Time) Result {
	res := Result{Client: c.src, Group: c.group.name, Start: start}
	if g.cfg.Mode == TCP {
		return g.exchangeTCP(c, res)
	}
	res.Method, res.Path = rq.method, rq.path
	deadline := g.clk.Deadline(g.cfg.Timeout)
	cn, err := g.getConn(c, deadline)
	if err != nil {
		return g.failed(res, err)
	}
	status, app, keep, err := cn.roundTrip(rq, deadline)
	if err != nil {
		g.closeConn(cn)
		return g.failed(res, err)
	}
	res.Status, res.App = status, app
	res.Latency = g.clk.Since(start)
	if keep {
		g.putConn(c, cn)
	} else {
		g.closeConn(cn)
	}
	return res
}

func (g *Generator) failed(res Result, err error) Result {
	res.Latency = g.clk.Since(res.Start)
	if g.ctx.Err() != nil {
		res.Err = ReasonStopped
	} else {
		res.Err = reasonOf(err)
	}
	return res
}

// getConn returns an idle keep-alive connection of c that the server has
// not closed meanwhile, or a new one. Checking before sending, rather than
// sending again after a failure, keeps the accounting exact: a request is
// sent once, and a failure is a failure.
func (g *Generator) getConn(c *client, deadline time.Time) (*conn, error) {
	for {
		c.mu.Lock()
		n := len(c.idle)
		if n == 0 {
			c.mu.Unlock()
			return g.dial(c, deadline)
		}
		cn := c.idle[n-1]
		c.idle[n-1] = nil
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		if cn.reusable() {
			return cn, nil
		}
		g.closeConn(cn)
	}
}

// dial opens a connection from c's source address and registers it, so
// that Stop can close it.
func (g *Generator) dial(c *client, deadline time.Time) (*conn, error) {
	d := c.dialer
	d.Deadline = deadline
	nc, err := d.DialContext(g.ctx, "tcp", g.cfg.Target)
	if err != nil {
		return nil, err
	}
	cn := newConn(nc)
	g.connMu.Lock()
	if g.connsClosed {
		g.connMu.Unlock()
		nc.Close()
		return nil, context.Canceled
	}
	g.conns[cn] = struct{}{}
	g.connMu.Unlock()
	return cn, nil
}

// putConn keeps a connection for c's next request, up to MaxIdle.
func (g *Generator) putConn(c *client, cn *conn) {
	c.mu.Lock()
	if len(c.idle) < g.cfg.MaxIdle && g.ctx.Err() == nil {
		c.idle = append(c.idle, cn)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	g.closeConn(cn)
}

func (g *Generator) closeConn(cn *conn) {
	g.connMu.Lock()
	delete(g.conns, cn)
	g.connMu.Unlock()
	cn.nc.Close()
}

// closeConns closes every connection, idle or busy: a blocked read ends at
// once, which is how Stop cuts requests in flight.
func (g *Generator) closeConns() {
	g.connMu.Lock()
	g.connsClosed = true
	conns := g.conns
	g.conns = map[*conn]struct{}{}
	g.connMu.Unlock()
	for cn := range conns {
		cn.nc.Close()
	}
}

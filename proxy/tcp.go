package proxy

import (
	"io"
	"net"
	"sync"
	"time"

	"github.com/lblab/lblab/proxy/balance"
)

// serveTCP forwards one client connection to one server, chosen once for
// the whole connection as HAProxy does in mode tcp.
func (f *frontend) serveTCP(c *conn) {
	p := f.p
	rec := LogRecord{TCP: true, Client: c.src, Date: c.accepted, Frontend: f.cfg.Name,
		Backend: f.cfg.Name, Server: "<NOSRV>", ServerIndex: -1, Tw: -1, Tc: -1, Rule: -1, Status: -1}
	b, rule := f.routeL4(c)
	rec.Rule = rule
	if b == nil {
		f.c.noBackend.Add(1)
		rec.Term = "SC"
		rec.Tt = ms(p.clk.Since(c.accepted))
		f.logTCP(&rec, nil)
		return
	}
	rec.Backend = b.cfg.Name
	b.enter()
	a := &attempt{b: b, lb: balance.Request{Src: c.src.Addr()}}
	sc := a.obtain()
	rec.Retries, rec.Redispatched = a.retries, a.redisp
	rec.SrvQueue, rec.BeQueue = a.srvQueue, a.beQueue
	if a.waited {
		rec.Tw = ms(a.tw)
	}
	if a.srv != nil {
		rec.Server, rec.ServerIndex = a.srv.cfg.Name, b.position(a.srv)
	}
	if sc == nil {
		b.leave(a.srv, 0)
		rec.Term = a.term
		rec.Tt = ms(p.clk.Since(c.accepted))
		f.logTCP(&rec, nil)
		return
	}
	rec.Tc = ms(a.tc)
	srv := a.srv
	srv.c.total.Add(1)
	srv.c.lastSess.Store(p.clk.Now().UnixNano())

	client := &timedConn{Conn: c.Conn, p: p, timeout: f.cfg.Timeouts.Client}
	rec.Bytes, rec.Term = pipe(client, sc.conn)
	sc.close()
	b.release(srv)
	b.leave(srv, 0)
	srv.c.bytesOut.Add(rec.Bytes)
	rec.Tt = ms(p.clk.Since(c.accepted))
	f.logTCP(&rec, srv)
}

// routeL4 chooses a TCP frontend's backend with layer-4 information only.
func (f *frontend) routeL4(c *conn) (*backend, int) {
	view := l4Request{src: c.src.Addr()}
	for i, u := range f.cfg.UseBackends {
		if u.Cond == nil || u.Cond.Eval(&view) {
			f.c.useHits[i].Add(1)
			return f.uses[i], i
		}
	}
	if f.def != nil {
		f.c.defHits.Add(1)
	}
	return f.def, -1
}

// pipe copies both ways until both directions are done, passing half-closes
// on. It returns the bytes sent to the client and the tcplog termination
// state: "--" when both sides closed normally.
func pipe(client, server *timedConn) (int64, string) {
	var wg sync.WaitGroup
	var upErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, upErr = io.Copy(server, client)
		closeWrite(server.Conn)
	}()
	down, downErr := io.Copy(client, server)
	closeWrite(client.Conn)
	if downErr != nil {
		// the server side failed: stop the other direction too
		client.Conn.SetReadDeadline(time.Unix(1, 0))
	}
	wg.Wait()
	return down, tcpTerm(upErr, downErr)
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		return
	}
	c.Close()
}

func tcpTerm(upErr, downErr error) string {
	switch {
	case downErr == nil && upErr == nil:
		return "--"
	case downErr != nil && isTimeout(downErr):
		return "sD"
	case upErr != nil && isTimeout(upErr):
		return "cD"
	case downErr != nil && !isClientErr(downErr):
		return "SD"
	}
	return "CD"
}

func (f *frontend) logTCP(rec *LogRecord, srv *server) {
	p := f.p
	rec.ActConn = p.actconn.Load()
	rec.FeConn = f.conns.Load()
	if b := p.backends[rec.Backend]; b != nil {
		b.mu.Lock()
		rec.BeConn = int64(b.conns)
		b.mu.Unlock()
	}
	if srv != nil {
		rec.SrvConn = srv.c.cur.Load()
	}
	f.c.bytesOut.Add(rec.Bytes)
	if p.opts.OnLog != nil {
		p.opts.OnLog(rec)
	}
}

package proxy

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/proxy/balance"
)

// serveTCP forwards one client connection to one server, chosen once for
// the whole connection as HAProxy does in mode tcp.
func (f *frontend) serveTCP(c *conn) {
	p := f.p
	rec := LogRecord{TCP: true, Client: c.src, Date: c.accepted, Frontend: f.cfg.Name,
		Backend: f.cfg.Name, Server: "<NOSRV>", ServerIndex: -1, Tw: -1, Tc: -1, Rule: -1, Status: -1}
	b, rule := f.route(&l4Request{src: c.src.Addr()})
	rec.Rule = rule
	if b == nil {
		f.c.noBackend.Add(1)
		rec.Term = "SC"
		rec.Elapsed = p.clk.Since(c.accepted)
		rec.Tt = ms(rec.Elapsed)
		f.emit(&rec, nil)
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
		b.leave(0)
		rec.Term = a.term
		rec.Elapsed = p.clk.Since(c.accepted)
		rec.Tt = ms(rec.Elapsed)
		f.emit(&rec, nil)
		return
	}
	rec.Tc = ms(a.tc)
	srv := a.srv
	srv.c.lastSess.Store(p.clk.Now().UnixNano())

	client := &timedConn{Conn: c.Conn, p: p, timeout: f.cfg.Timeouts.Client}
	rec.Bytes, rec.Term = pipe(client, sc.conn)
	sc.close()
	b.release(srv)
	b.leave(0)
	srv.c.bytesOut.Add(rec.Bytes)
	rec.Elapsed = p.clk.Since(c.accepted)
	rec.Tt = ms(rec.Elapsed)
	f.emit(&rec, srv)
}

// pipe copies both ways until both directions are done, passing half-closes
// on. It returns the bytes sent to the client and the tcplog termination
// state: "--" when both sides closed normally.
func pipe(client, server *timedConn) (int64, string) {
	t := &tunnel{}
	t.touch()
	up := make(chan error, 1)
	go func() {
		_, err := t.copy(server, client)
		if err == nil {
			closeWrite(server.Conn)
		} else {
			server.abort() // the client side failed: stop the other way too
		}
		up <- err
	}()
	down, downErr := t.copy(client, server)
	if downErr == nil {
		closeWrite(client.Conn)
	} else {
		client.abort()
	}
	return down, tcpTerm(<-up, downErr)
}

// tunnel is the shared state of a TCP connection's two directions. As in
// HAProxy, an idle timeout only ends the tunnel when neither direction has
// moved for that long: a silent client still receiving data is not idle.
type tunnel struct {
	last atomic.Int64 // unix nanoseconds of the last byte either way
}

func (t *tunnel) touch() { t.last.Store(time.Now().UnixNano()) }

// writeError marks a failure on the side being written to.
type writeError struct{ error }

func (t *tunnel) copy(dst, src *timedConn) (int64, error) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := src.Read(buf)
		if k > 0 {
			t.touch()
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return n, writeError{werr}
			}
			n += int64(k)
		}
		switch {
		case err == nil:
		case err == io.EOF:
			return n, nil
		case src.aborted.Load():
			return n, errAborted // the other direction failed and stopped this one
		case isTimeout(err) && time.Since(time.Unix(0, t.last.Load())) < src.p.clk.Real(src.timeout):
			// the other direction moved meanwhile: not idle yet
		default:
			return n, err
		}
	}
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		return
	}
	c.Close()
}

// tcpTerm is the tcplog termination state from how each direction ended,
// the server's side first: a reset there also stops the client's side,
// whose error (an abort) says nothing.
func tcpTerm(upErr, downErr error) string {
	var we writeError
	switch {
	case errors.As(downErr, &we):
		return "CD" // writing to the client failed
	case downErr != nil && isTimeout(downErr):
		return "sD"
	case downErr != nil && downErr != errAborted:
		return "SD"
	case errors.As(upErr, &we):
		return "SD" // writing to the server failed
	case upErr != nil && isTimeout(upErr):
		return "cD"
	case upErr != nil && upErr != errAborted:
		return "CD"
	}
	return "--"
}

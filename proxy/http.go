package proxy

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/proxy/acl"
	"github.com/lblab/lblab/proxy/h1"
)

// httpSession serves the requests of one client connection in turn.
type httpSession struct {
	f     *frontend
	c     *conn
	in    *timedConn
	br    *bufio.Reader
	bw    *bufio.Writer
	rd    *h1.Reader
	req   h1.Request
	view  httpView
	first bool // no request answered yet on this connection
}

func (f *frontend) serveHTTP(c *conn) {
	in := &timedConn{Conn: c.Conn, p: f.p, timeout: f.cfg.Timeouts.Client}
	s := &httpSession{f: f, c: c, in: in, first: true}
	s.br = bufio.NewReaderSize(in, 16<<10)
	s.bw = bufio.NewWriterSize(in, 16<<10)
	s.rd = h1.NewReader(s.br)
	s.view = httpView{src: c.src.Addr(), req: &s.req}
	for s.serveOne() {
		s.first = false
	}
}

// noRequest ends a connection on which no request arrived. An idle
// keep-alive connection just closes. Before the first request, HAProxy
// answers a timeout with its 408 page, and logs the connection (a 400
// "CR--" when the client left, a 408 "cR--" on timeout) unless "option
// dontlognull".
func (s *httpSession) noRequest(err error) {
	if !s.first {
		return
	}
	code, term := 400, "CR--"
	if isTimeout(err) {
		code, term = 408, "cR--"
		s.bw.WriteString(rawPage(408))
		s.bw.Flush()
	}
	// counted as a bad request whether logged or not, as HAProxy does
	s.f.c.badReq.Add(1)
	s.f.noteStatus(code)
	if s.f.cfg.DontLogNull {
		return
	}
	rec := LogRecord{Client: s.c.src, Date: s.c.accepted, Frontend: s.f.cfg.Name, Backend: s.f.cfg.Name,
		Server: "<NOSRV>", ServerIndex: -1, TR: -1, Tw: -1, Tc: -1, Tr: -1, Rule: -1,
		Status: code, Term: term, Elapsed: s.f.p.clk.Since(s.c.accepted)}
	rec.Ta = ms(rec.Elapsed)
	s.log(&rec, nil)
}

// serveOne reads and answers one request; it reports whether the
// connection stays open for another.
func (s *httpSession) serveOne() bool {
	p := s.f.p
	// Wait for the first byte before starting the request's clock, so an
	// idle keep-alive connection is not counted as request time.
	if _, err := s.br.Peek(1); err != nil {
		s.noRequest(err)
		return false
	}
	t0 := p.clk.Now()
	rec := LogRecord{Client: s.c.src, Date: t0, Frontend: s.f.cfg.Name, Backend: s.f.cfg.Name,
		Server: "<NOSRV>", ServerIndex: -1, TR: -1, Tw: -1, Tc: -1, Tr: -1, Rule: -1}
	if err := s.rd.ReadRequest(&s.req); err != nil {
		s.badRequest(&rec, t0, err)
		return false
	}
	s.f.c.reqTotal.Add(1)
	rec.TR = ms(p.clk.Since(t0))
	rec.Method, rec.URI, rec.Proto = s.req.Method, s.req.URI, s.req.Proto
	keep := h1.KeepAlive(s.req.Header, s.req.Minor())

	if code := s.httpRules(); code != 0 {
		rec.Denied = true
		return s.reply(&rec, t0, code, "PR--", keep)
	}
	b, rule := s.f.route(&s.view)
	rec.Rule = rule
	if b == nil {
		s.f.c.noBackend.Add(1)
		return s.reply(&rec, t0, 503, "SC--", keep)
	}
	rec.Backend = b.cfg.Name
	return s.forward(b, &rec, t0, keep)
}

// receivedBody is the part of a POST body already received, without
// consuming it: what "balance url_param" scans when the parameter is not in
// the query string, as HAProxy does with what its buffer holds.
func (s *httpSession) receivedBody() []byte {
	if s.req.Method != "POST" {
		return nil
	}
	fr := h1.RequestFraming(&s.req)
	if fr.Kind != h1.Length {
		return nil
	}
	n := s.br.Buffered()
	if int64(n) > fr.Length {
		n = int(fr.Length)
	}
	b, _ := s.br.Peek(n)
	return b
}

// httpRules runs the http-request rules; it returns the status to deny
// with, or 0 to go on.
func (s *httpSession) httpRules() int {
	for i, r := range s.f.cfg.HTTPRules {
		if r.Cond != nil && !r.Cond.Eval(&s.view) {
			continue
		}
		s.f.c.ruleHits[i].Add(1)
		if r.Action == Allow {
			return 0
		}
		s.f.c.denied.Add(1)
		if r.DenyStatus != 0 {
			return r.DenyStatus
		}
		return 403
	}
	return 0
}

// route picks the backend for what r says (a request, or in TCP mode a
// connection's source): the first use_backend whose condition holds, else
// default_backend. rule is the use_backend index, -1 for the default.
func (f *frontend) route(r acl.Request) (*backend, int) {
	for i, u := range f.cfg.UseBackends {
		if u.Cond == nil || u.Cond.Eval(r) {
			f.c.useHits[i].Add(1)
			return f.uses[i], i
		}
	}
	if f.def != nil {
		f.c.defHits.Add(1)
	}
	return f.def, -1
}

// badRequest answers a request that could not be read, as HAProxy's H1
// layer does: a raw 400 (or 408 on timeout) and the connection closed.
func (s *httpSession) badRequest(rec *LogRecord, t0 time.Time, err error) {
	p := s.f.p
	code, term := 400, "PR--"
	switch {
	case isTimeout(err):
		code, term = 408, "cR--"
	case errors.Is(err, h1.ErrTruncated), errors.Is(err, io.EOF):
		code, term = 400, "CR--"
	}
	if term != "CR--" {
		s.bw.WriteString(rawPage(code))
		s.bw.Flush()
	}
	s.f.c.badReq.Add(1)
	s.f.noteStatus(code)
	rec.Status = code
	rec.Bytes = 0 // HAProxy logs 0 bytes for requests its H1 layer refused
	rec.Term = term
	rec.Elapsed = p.clk.Since(t0)
	rec.Ta = ms(rec.Elapsed)
	s.log(rec, nil)
}

// reply sends one of HAProxy's pages for a request that reaches no server.
func (s *httpSession) reply(rec *LogRecord, t0 time.Time, code int, term string, keep bool) bool {
	if !s.discardBody() {
		keep = false
	}
	s.bw.WriteString(htxPageConn(code, !keep, s.req.Minor() == 0))
	err := s.bw.Flush()
	s.f.noteStatus(code)
	rec.Status, rec.Term = code, term
	rec.Bytes = pageBytes(code)
	rec.Elapsed = s.f.p.clk.Since(t0)
	rec.Ta = ms(rec.Elapsed)
	s.log(rec, nil)
	return keep && err == nil
}

// discardBody drops the body of a request answered without a server when
// it has fully arrived, so the next request on the connection can be read.
// Otherwise the answer goes out at once and the connection closes, rather
// than waiting for a body nobody needs (the client may even be waiting for
// a 100 Continue).
func (s *httpSession) discardBody() bool {
	fr := h1.RequestFraming(&s.req)
	switch fr.Kind {
	case h1.NoBody:
		return true
	case h1.Length:
		if int64(s.br.Buffered()) >= fr.Length {
			s.br.Discard(int(fr.Length))
			return true
		}
	}
	return false
}

func (f *frontend) noteStatus(code int) { noteStatus(&f.c.status, code) }

// noteStatus counts a response in its class: 1xx..5xx, then other.
func noteStatus(c *[6]atomic.Int64, code int) {
	k := code/100 - 1
	if k < 0 || k > 4 {
		k = 5
	}
	c[k].Add(1)
}

func (s *httpSession) log(rec *LogRecord, srv *server) { s.f.emit(rec, srv) }

// emit completes a finished request's (or connection's) record with the
// connection counts of that moment and hands it to the observer.
func (f *frontend) emit(rec *LogRecord, srv *server) {
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

// enter and leave count the streams in a backend (beconn, stot).
func (b *backend) enter() {
	b.mu.Lock()
	b.conns++
	b.mu.Unlock()
	n := b.c.cur.Add(1)
	maxInt64(&b.c.max, n)
	b.c.total.Add(1)
}

func (b *backend) leave(status int) {
	b.mu.Lock()
	b.conns--
	b.mu.Unlock()
	b.c.cur.Add(-1)
	if status > 0 {
		noteStatus(&b.c.status, status)
	}
}

// writeLength writes a content-length line and returns the value's length.
func writeLength(w *bufio.Writer, n int64) int {
	w.WriteString("content-length: ")
	var b [20]byte
	v := strconv.AppendInt(b[:0], n, 10)
	w.Write(v)
	w.WriteString("\r\n")
	return len(v)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

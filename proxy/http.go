package proxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/lblab/lblab/proxy/balance"
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
	if s.f.cfg.DontLogNull {
		return
	}
	rec := LogRecord{Client: s.c.src, Date: s.c.accepted, Frontend: s.f.cfg.Name, Backend: s.f.cfg.Name,
		Server: "<NOSRV>", ServerIndex: -1, TR: -1, Tw: -1, Tc: -1, Tr: -1, Rule: -1,
		Status: code, Term: term, Ta: ms(s.f.p.clk.Since(s.c.accepted))}
	s.f.noteStatus(code)
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
	b, rule := s.route()
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

// route picks the backend: the first use_backend whose condition holds,
// else default_backend. rule is the use_backend index, -1 for the default.
func (s *httpSession) route() (*backend, int) {
	for i, u := range s.f.cfg.UseBackends {
		if u.Cond == nil || u.Cond.Eval(&s.view) {
			s.f.c.useHits[i].Add(1)
			return s.f.uses[i], i
		}
	}
	if s.f.def != nil {
		s.f.c.defHits.Add(1)
	}
	return s.f.def, -1
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
	rec.Ta = ms(p.clk.Since(t0))
	s.log(rec, nil)
}

// reply sends one of HAProxy's pages for a request that reaches no server.
func (s *httpSession) reply(rec *LogRecord, t0 time.Time, code int, term string, keep bool) bool {
	if !s.discardBody() {
		keep = false
	}
	s.bw.WriteString(htxPage(code, !keep))
	err := s.bw.Flush()
	s.f.noteStatus(code)
	rec.Status, rec.Term = code, term
	rec.Bytes = pageBytes(code)
	rec.Ta = ms(s.f.p.clk.Since(t0))
	s.log(rec, nil)
	return keep && err == nil
}

// discardBody reads and drops the body of a request that is answered
// without a server, so the next request on the connection can be read. A
// large or chunked body is not worth it: the connection is closed instead.
func (s *httpSession) discardBody() bool {
	fr := h1.RequestFraming(&s.req)
	switch fr.Kind {
	case h1.NoBody:
		return true
	case h1.Length:
		if fr.Length > 1<<20 {
			return false
		}
		_, err := h1.CopyBody(io.Discard, s.br, fr)
		return err == nil
	}
	return false
}

func (f *frontend) noteStatus(code int) {
	k := code/100 - 1
	if k < 0 || k > 4 {
		k = 5
	}
	f.c.status[k].Add(1)
}

// forward sends the request to a server of b and relays the answer.
func (s *httpSession) forward(b *backend, rec *LogRecord, t0 time.Time, keep bool) bool {
	p := s.f.p
	b.enter()
	a := &attempt{b: b, pool: true, lb: balance.Request{Src: s.c.src.Addr(), HTTP: true,
		Method: s.req.Method, URI: s.req.URI, Header: s.view.header, Body: s.receivedBody()}}
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
		b.leave(a.srv, a.status)
		return s.reply(rec, t0, a.status, a.term+"--", keep)
	}
	rec.Tc = ms(a.tc)
	srv := a.srv
	srv.c.total.Add(1)
	srv.c.lastSess.Store(p.clk.Now().UnixNano())

	res := s.exchange(sc, a, keep)
	if res.tr >= 0 {
		rec.Tr = ms(res.tr)
	}
	b.release(srv)
	rec.Status, rec.Term = res.status, res.term
	if res.page != 0 {
		srv.c.eresp.Add(1)
		b.c.eresp.Add(1)
		if !s.discardBody() {
			res.keep = false
		}
		s.bw.WriteString(htxPage(res.page, !res.keep))
		s.bw.Flush()
		res.bytes = pageBytes(res.page)
	}
	if rec.Status > 0 {
		s.f.noteStatus(rec.Status)
		srv.noteStatus(rec.Status)
	}
	b.leave(srv, rec.Status)
	rec.Bytes = res.bytes
	srv.c.bytesOut.Add(rec.Bytes)
	rec.Ta = ms(p.clk.Since(t0))
	if rec.Status > 0 && rec.Ta >= 0 {
		srv.c.ttimeSum.Add(rec.Ta)
		srv.c.ttimeN.Add(1)
	}
	s.log(rec, srv)
	return res.keep
}

// exchangeResult is how a request/response exchange with a server ended.
type exchangeResult struct {
	status int           // status sent to the client
	page   int           // a HAProxy page to send instead of a response (502, 504), or 0
	term   string        // termination state
	tr     time.Duration // server response time, -1 if no response
	keep   bool          // the client connection stays open
	bytes  int64         // bytes sent to the client, as HAProxy counts them
}

// exchange sends the request on sc and relays the response. A reused
// keep-alive connection that turns out to be closed is replaced by a fresh
// one once, as HAProxy retries on a reused connection that fails before
// any response byte.
func (s *httpSession) exchange(sc *serverConn, a *attempt, keep bool) exchangeResult {
	p := s.f.p
	fr := h1.RequestFraming(&s.req)
	for {
		tsent, err := s.sendRequest(sc, fr, a.b)
		if err == nil {
			err = sc.rd.ReadResponse(&sc.resp)
			for err == nil && sc.resp.Status < 200 && sc.resp.Status != 101 {
				s.writeHead(&sc.resp, true) // interim response, e.g. 100 Continue
				err = sc.rd.ReadResponse(&sc.resp)
			}
		}
		if err != nil && sc.reused && fr.Kind == h1.NoBody && !isTimeout(err) {
			sc.close()
			fresh, derr := dialServer(p, sc.srv, a.b.cfg.Timeouts)
			if derr == nil {
				sc = fresh
				continue
			}
			err = derr
		}
		if err != nil {
			sc.close()
			return exchangeFailure(err, tsent, p)
		}
		return s.relay(sc, keep, p.clk.Since(tsent))
	}
}

func exchangeFailure(err error, tsent time.Time, p *Proxy) exchangeResult {
	var se *h1.SyntaxError
	switch {
	case isTimeout(err):
		return exchangeResult{status: 504, page: 504, term: "sH--", tr: -1, keep: true}
	case errors.As(err, &se), errors.Is(err, h1.ErrTooLarge):
		return exchangeResult{status: 502, page: 502, term: "PH--", tr: -1, keep: true}
	case err == errClientGone:
		return exchangeResult{status: -1, term: "CD--", tr: -1}
	}
	return exchangeResult{status: 502, page: 502, term: "SH--", tr: -1, keep: true}
}

var errClientGone = errors.New("proxy: client closed while sending the body")

// sendRequest writes the request head and body to the server.
func (s *httpSession) sendRequest(sc *serverConn, fr h1.Framing, b *backend) (time.Time, error) {
	req := &s.req
	w := sc.bw
	h1.WriteRequestLine(w, req.Method, req.URI, req.ForwardProto())
	expect := false
	cl := false
	for _, f := range req.Header {
		if h1.HopByHop(req.Header, f.Name) {
			continue
		}
		if equalFold(f.Name, "expect") && equalFold(f.Value, "100-continue") {
			expect = true
			continue
		}
		if equalFold(f.Name, "content-length") {
			// one clean value, and none under chunked: HAProxy's H1 rules
			if cl || fr.Kind != h1.Length {
				continue
			}
			cl = true
			writeLength(w, fr.Length)
			continue
		}
		h1.WriteField(w, f.Name, f.Value)
	}
	if fr.Kind == h1.Chunked {
		w.WriteString("transfer-encoding: chunked\r\n")
	}
	if req.Minor() == 0 {
		w.WriteString("connection: keep-alive\r\n")
	}
	if s.f.cfg.ForwardFor || b.cfg.ForwardFor {
		w.WriteString("x-forwarded-for: ")
		w.WriteString(s.c.src.Addr().String())
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
	if fr.Kind != h1.NoBody {
		if expect {
			// Answer the client's Expect ourselves so its body follows.
			s.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := s.bw.Flush(); err != nil {
				return time.Time{}, errClientGone
			}
		}
		if err := w.Flush(); err != nil {
			return time.Time{}, err
		}
		if _, err := h1.CopyBody(w, s.br, fr); err != nil {
			return time.Time{}, errClientGone
		}
	}
	err := w.Flush()
	return s.f.p.clk.Now(), err
}

// relay forwards the response head and body to the client.
func (s *httpSession) relay(sc *serverConn, keep bool, tr time.Duration) exchangeResult {
	resp := &sc.resp
	fr := h1.ResponseFraming(resp, s.req.Method)
	clientKeep := keep && fr.Kind != h1.UntilClose
	head := s.writeHead(resp, clientKeep)
	res := exchangeResult{status: resp.Status, term: "----", tr: tr, keep: clientKeep}
	body, err := h1.CopyBody(s.bw, sc.br, fr)
	res.bytes = head + body
	if ferr := s.bw.Flush(); err == nil && ferr != nil {
		err = errClientGone
	}
	serverKeep := err == nil && fr.Kind != h1.UntilClose && h1.KeepAlive(resp.Header, resp.Minor())
	// once in the pool the connection belongs to whoever takes it next:
	// nothing here may touch sc afterwards
	if !serverKeep || !sc.srv.pool.put(sc) {
		sc.close()
	}
	if err != nil {
		res.keep = false
		res.term = "SD--"
		if err == errClientGone || isClientErr(err) {
			res.term = "CD--"
		} else if isTimeout(err) {
			res.term = "sD--"
		}
	}
	return res
}

// isClientErr tells a write error (the client went away) from a read error
// on the server side; CopyBody returns the first error either side hits.
func isClientErr(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "write"
}

// writeHead writes a response head to the client: HTTP/1.1, header names
// lower-cased, hop-by-hop headers dropped, framing re-stated. It returns
// the head's size as HAProxy's byte counters see it.
func (s *httpSession) writeHead(resp *h1.Response, keep bool) int64 {
	w := s.bw
	proto := resp.Proto // HAProxy keeps the server's version, e.g. HTTP/1.0 to an HTTP/1.0 client
	if resp.Minor() == 1 {
		proto = "HTTP/1.1"
	}
	h1.WriteStatusLine(w, proto, resp.Status, resp.Reason)
	fr := h1.ResponseFraming(resp, s.req.Method)
	fields, cl := 0, false
	for _, f := range resp.Header {
		if h1.HopByHop(resp.Header, f.Name) {
			continue
		}
		if equalFold(f.Name, "content-length") && fr.Kind != h1.UntilClose {
			if cl || fr.Kind == h1.Chunked {
				continue
			}
			cl = true
			n, _ := h1.ContentLength(resp.Header)
			fields += len(f.Name) + writeLength(w, n)
			continue
		}
		h1.WriteField(w, f.Name, f.Value)
		fields += len(f.Name) + len(f.Value)
	}
	if resp.Status >= 200 {
		if fr.Kind == h1.Chunked {
			w.WriteString("transfer-encoding: chunked\r\n")
		}
		if !keep {
			w.WriteString("connection: close\r\n")
		}
	}
	w.WriteString("\r\n")
	if resp.Status < 200 {
		w.Flush()
	}
	return htxHeadSize(resp.Status, resp.Reason, fields)
}

func (s *httpSession) log(rec *LogRecord, srv *server) {
	p := s.f.p
	rec.ActConn = p.actconn.Load()
	rec.FeConn = s.f.conns.Load()
	if b := p.backends[rec.Backend]; b != nil {
		b.mu.Lock()
		rec.BeConn = int64(b.conns)
		b.mu.Unlock()
	}
	if srv != nil {
		rec.SrvConn = srv.c.cur.Load()
	}
	s.f.c.bytesOut.Add(rec.Bytes)
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

func (b *backend) leave(srv *server, status int) {
	b.mu.Lock()
	b.conns--
	b.mu.Unlock()
	b.c.cur.Add(-1)
	if status > 0 {
		k := status/100 - 1
		if k < 0 || k > 4 {
			k = 5
		}
		b.c.status[k].Add(1)
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

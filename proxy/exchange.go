package proxy

import (
	"bufio"
	"errors"
	"time"

	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/h1"
)

// forward sends the request to a server of b and relays the answer.
func (s *httpSession) forward(b *backend, rec *LogRecord, t0 time.Time, keep bool) bool {
	p := s.f.p
	b.enter()
	a := &attempt{b: b, pool: true, lb: balance.Request{Src: s.c.src.Addr(), HTTP: true,
		Method: s.req.Method, URI: s.req.URI, Header: s.view.header, Body: s.receivedBody()}}
	sc := a.obtain()
	s.fillFromAttempt(rec, a)
	if sc == nil {
		b.leave(a.status)
		return s.reply(rec, t0, a.status, a.term+"--", keep)
	}
	rec.Tc = ms(a.tc)
	srv := a.srv
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
		s.bw.WriteString(htxPageConn(res.page, !res.keep, s.req.Minor() == 0))
		s.bw.Flush()
		res.bytes = pageBytes(res.page)
	}
	if rec.Status > 0 {
		s.f.noteStatus(rec.Status)
		noteStatus(&srv.c.status, rec.Status)
	}
	b.leave(rec.Status)
	rec.Bytes = res.bytes
	srv.c.bytesOut.Add(rec.Bytes)
	rec.Elapsed = p.clk.Since(t0)
	rec.Ta = ms(rec.Elapsed)
	if rec.Status > 0 && rec.Ta >= 0 {
		srv.c.ttimeSum.Add(rec.Ta)
		srv.c.ttimeN.Add(1)
	}
	s.log(rec, srv)
	return res.keep
}

// fillFromAttempt copies what the way to a server says into the log.
func (s *httpSession) fillFromAttempt(rec *LogRecord, a *attempt) {
	rec.Retries, rec.Redispatched = a.retries, a.redisp
	rec.SrvQueue, rec.BeQueue = a.srvQueue, a.beQueue
	if a.waited {
		rec.Tw = ms(a.tw)
	}
	if a.srv != nil {
		rec.Server, rec.ServerIndex = a.srv.cfg.Name, a.b.position(a.srv)
	}
}

// exchangeResult is how a request/response exchange with a server ended.
type exchangeResult struct {
	status int           // status sent to the client (-1: none)
	page   int           // a HAProxy page to send instead of a response (502, 504), or 0
	term   string        // termination state
	tr     time.Duration // server response time, -1 if no response
	keep   bool          // the client connection stays open
	bytes  int64         // bytes sent to the client, as HAProxy counts them
}

// exchange sends the request on sc and relays the response. The request
// body goes up in its own goroutine while the response is awaited, as
// HAProxy forwards both ways at once: a server may answer before reading
// the whole body (413, 401), ask for it with 100-continue, or stream.
// A reused keep-alive connection that fails before any byte of a
// bodiless request is replaced by a fresh one, once.
func (s *httpSession) exchange(sc *serverConn, a *attempt, keep bool) exchangeResult {
	p := s.f.p
	fr := h1.RequestFraming(&s.req)
	for {
		t0 := p.clk.Now()
		err := s.sendHead(sc, fr, a.b)
		var up *upload
		if err == nil && fr.Kind != h1.NoBody {
			up = s.startUpload(sc, fr)
		}
		if err == nil {
			err = s.readResponse(sc)
		}
		if err != nil && up == nil && sc.reused && !isTimeout(err) {
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
			res := exchangeFailure(err)
			if u := up.end(s); u.clientErr != nil {
				return clientAbort(u.clientErr)
			} else if !u.complete {
				res.keep = false // the rest of the body is still on its way
			}
			res.keep = res.keep && keep
			return res
		}
		res, reusable := s.relay(sc, keep, p.clk.Since(t0))
		if u := up.end(s); !u.complete {
			res.keep, reusable = false, false // answered before the whole body: HAProxy closes too
		}
		// once in the pool the connection belongs to whoever takes it next:
		// nothing here may touch sc afterwards
		if !reusable || !sc.srv.pool.put(sc) {
			sc.close()
		}
		return res
	}
}

// exchangeFailure is the page and log termination state for a server that
// did not give a usable response head.
func exchangeFailure(err error) exchangeResult {
	var se *h1.SyntaxError
	switch {
	case isTimeout(err):
		return exchangeResult{status: 504, page: 504, term: "sH--", tr: -1, keep: true}
	case errors.As(err, &se), errors.Is(err, h1.ErrTooLarge):
		return exchangeResult{status: 502, page: 502, term: "PH--", tr: -1, keep: true}
	}
	return exchangeResult{status: 502, page: 502, term: "SH--", tr: -1, keep: true}
}

// clientAbort is a client that left, or went silent, while sending its
// body: nothing more is sent to it.
func clientAbort(err error) exchangeResult {
	term := "CD--"
	if isTimeout(err) {
		term = "cD--"
	}
	return exchangeResult{status: -1, term: term, tr: -1}
}

// sendHead writes the request head to the server and flushes it.
func (s *httpSession) sendHead(sc *serverConn, fr h1.Framing, b *backend) error {
	req := &s.req
	w := sc.bw
	h1.WriteRequestLine(w, req.Method, req.URI, req.ForwardProto())
	cl := false
	for _, f := range req.Header {
		if h1.HopByHop(req.Header, f.Name) {
			continue
		}
		if equalFold(f.Name, "content-length") {
			// one clean value, none under chunked: HAProxy's H1 rules
			if !cl && fr.Kind != h1.Chunked {
				n, _ := h1.ContentLength(req.Header)
				writeLength(w, n)
			}
			cl = true
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
	return w.Flush()
}

// upload is a request body on its way from the client to the server.
type upload struct {
	done chan uploadResult
}

type uploadResult struct {
	complete  bool  // the whole body reached the server
	clientErr error // the client failed (left, or timed out) mid-body
}

// startUpload copies the request body to the server in the background. A
// client that leaves mid-body has the server connection closed too, so
// the exchange does not wait for a response that cannot come.
func (s *httpSession) startUpload(sc *serverConn, fr h1.Framing) *upload {
	u := &upload{done: make(chan uploadResult, 1)}
	go func() {
		w := &flushWriter{w: sc.bw, src: s.br}
		_, err := h1.CopyBody(w, s.br, fr)
		if err == nil {
			err = w.flush()
		}
		r := uploadResult{complete: err == nil}
		if err != nil && w.err == nil { // not a write error: the client's side failed
			r.clientErr = err
			sc.raw.Close()
		}
		u.done <- r
	}()
	return u
}

// end waits for the upload, stopping it if the server answered before the
// client finished sending; a nil upload (no body) is complete.
func (u *upload) end(s *httpSession) uploadResult {
	if u == nil {
		return uploadResult{complete: true}
	}
	select {
	case r := <-u.done:
		return r
	default:
	}
	s.in.abort() // the upload goroutine is reading from the client: stop it
	r := <-u.done
	r.clientErr = nil // we cut it; the client did nothing wrong
	return r
}

// readResponse reads the response head, relaying interim responses (100
// Continue, 103) to the client as they come.
func (s *httpSession) readResponse(sc *serverConn) error {
	for {
		if err := sc.rd.ReadResponse(&sc.resp); err != nil {
			return err
		}
		if sc.resp.Status >= 200 || sc.resp.Status == 101 {
			return nil
		}
		s.writeHead(&sc.resp, true)
	}
}

// flushWriter passes a body on and flushes whenever its source has nothing
// more buffered, so a streamed body reaches the other side as it comes,
// while a body already at hand goes out in as few writes as possible. It
// remembers a write error, to tell which side failed.
type flushWriter struct {
	w   *bufio.Writer
	src *bufio.Reader
	err error
}

func (f *flushWriter) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	if err == nil && f.src.Buffered() == 0 {
		err = f.w.Flush()
	}
	if err != nil {
		f.err = err
	}
	return n, err
}

func (f *flushWriter) flush() error {
	if err := f.w.Flush(); err != nil {
		f.err = err
		return err
	}
	return nil
}

// relay forwards the response head and body to the client. It reports
// whether the server connection may carry another request.
func (s *httpSession) relay(sc *serverConn, keep bool, tr time.Duration) (exchangeResult, bool) {
	resp := &sc.resp
	fr := h1.ResponseFraming(resp, s.req.Method)
	clientKeep := keep && fr.Kind != h1.UntilClose
	head := s.writeHead(resp, clientKeep)
	res := exchangeResult{status: resp.Status, term: "----", tr: tr, keep: clientKeep}
	w := &flushWriter{w: s.bw, src: sc.br}
	body, err := h1.CopyBody(w, sc.br, fr)
	if err == nil {
		err = w.flush()
	}
	res.bytes = head + body
	reusable := err == nil && fr.Kind != h1.UntilClose && h1.KeepAlive(resp.Header, resp.Minor()) && sc.br.Buffered() == 0
	if err != nil {
		res.keep = false
		switch {
		case w.err != nil:
			res.term = "CD--" // writing to the client failed
		case isTimeout(err):
			res.term = "sD--"
		default:
			res.term = "SD--"
		}
	}
	return res, reusable
}

// writeHead writes a response head to the client: the server's version
// (1.1 for anything above), header names lower-cased, hop-by-hop headers
// dropped, framing re-stated. It returns the head's size as HAProxy's byte
// counters see it.
func (s *httpSession) writeHead(resp *h1.Response, keep bool) int64 {
	w := s.bw
	proto := resp.Proto
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
		switch {
		case !keep:
			w.WriteString("connection: close\r\n")
		case s.req.Minor() == 0:
			w.WriteString("connection: keep-alive\r\n") // an HTTP/1.0 client asked for it
		}
	}
	w.WriteString("\r\n")
	if resp.Status < 200 {
		w.Flush()
	}
	return htxHeadSize(resp.Status, resp.Reason, fields)
}

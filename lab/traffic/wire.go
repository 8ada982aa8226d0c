package traffic

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/proxy/h1"
)

// request is a mix entry ready to send: its bytes are built once, so a
// request costs one Write.
type request struct {
	method, path string
	wire         []byte
	close        bool // the entry asks for "Connection: close"
	weight       int
}

// buildRequest renders e for target. The request line is exactly what the
// entry says; Host comes first unless the entry sets its own.
func buildRequest(e Entry, target string) request {
	method, path := e.Method, e.Path
	if method == "" {
		method = "GET"
	}
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\n")
	has := func(name string) bool {
		for _, h := range e.Headers {
			if strings.EqualFold(h.Name, name) {
				return true
			}
		}
		return false
	}
	if !has("Host") {
		b.WriteString("Host: " + target + "\r\n")
	}
	if !has("User-Agent") {
		b.WriteString("User-Agent: lblab\r\n")
	}
	closeAfter := false
	for _, h := range e.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
		if strings.EqualFold(h.Name, "Connection") && strings.Contains(strings.ToLower(h.Value), "close") {
			closeAfter = true
		}
	}
	if e.Body != "" {
		if !has("Content-Type") {
			b.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
		}
		if !has("Content-Length") {
			b.WriteString("Content-Length: " + strconv.Itoa(len(e.Body)) + "\r\n")
		}
	} else if needsLength(method) && !has("Content-Length") {
		b.WriteString("Content-Length: 0\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(e.Body)
	w := max(e.Weight, 1)
	return request{method: method, path: path, wire: []byte(b.String()), close: closeAfter, weight: w}
}

// needsLength: a POST or PUT without a body still says so, as browsers and
// curl do, so that servers need not wait for one.
func needsLength(method string) bool {
	return strings.EqualFold(method, "POST") || strings.EqualFold(method, "PUT") || strings.EqualFold(method, "PATCH")
}

// conn is one client connection with its read buffers.
type conn struct {
	nc    net.Conn
	br    *bufio.Reader
	hr    *h1.Reader
	resp  h1.Response
	probe *h1.Prober // checks an idle connection before reuse
	apps  map[string]string
}

func newConn(nc net.Conn) *conn {
	c := &conn{nc: nc, probe: h1.NewProber(nc)}
	c.br = bufio.NewReaderSize(nc, 4096)
	c.hr = h1.NewReader(c.br)
	return c
}

// reusable reports whether an idle connection can carry another request:
// nothing is left unread and the server has not closed it meanwhile.
func (c *conn) reusable() bool { return c.br.Buffered() == 0 && c.probe.Alive() }

// maxAppNames bounds the interned app names of one connection.
const maxAppNames = 64

// appName returns the X-Lab-App value as a string of its own, shared
// between responses, so that results do not pin response buffers and a
// keep-alive connection allocates nothing per answer.
func (c *conn) appName(v string) string {
	if s, ok := c.apps[v]; ok {
		return s
	}
	s := strings.Clone(v)
	if c.apps == nil {
		c.apps = make(map[string]string)
	}
	if len(c.apps) < maxAppNames {
		c.apps[s] = s
	}
	return s
}

// roundTrip sends rq and reads its answer by the deadline (real time). It
// returns the status, the answering app, and whether the connection can
// carry another request.
func (c *conn) roundTrip(rq *request, deadline time.Time) (status int, app string, keep bool, err error) {
	if err := c.nc.SetDeadline(deadline); err != nil {
		return 0, "", false, err
	}
	if _, err := c.nc.Write(rq.wire); err != nil {
		return 0, "", false, err
	}
	for {
		if err := c.hr.ReadResponse(&c.resp); err != nil {
			return 0, "", false, err
		}
		// Interim answers (100 Continue…) precede the real one.
		if c.resp.Status >= 200 || c.resp.Status == 101 {
			break
		}
	}
	if v, ok := c.resp.Header.Get(headerApp); ok {
		app = c.appName(v)
	}
	f := h1.ResponseFraming(&c.resp, rq.method)
	if err := c.discardBody(f); err != nil {
		return 0, "", false, err
	}
	// After 101 Switching Protocols the connection no longer speaks HTTP.
	keep = f.Kind != h1.UntilClose && !rq.close && c.resp.Status != 101 && h1.KeepAlive(c.resp.Header, c.resp.Minor())
	return c.resp.Status, app, keep, nil
}

// headerApp names the app that answered (apps.HeaderApp; the generator
// does not import the apps).
const headerApp = "X-Lab-App"

func (c *conn) discardBody(f h1.Framing) error {
	switch f.Kind {
	case h1.Length:
		_, err := c.br.Discard(int(f.Length))
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	case h1.NoBody:
		return nil
	}
	_, err := h1.CopyBody(io.Discard, c.br, f)
	return err
}

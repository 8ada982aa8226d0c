package traffic

import (
	"io"
	"time"

	"github.com/lblab/lblab/proxy/h1"
)

// exchangeTCP runs one TCP-mode connection: connect, send the payload,
// read the reply, hold the connection open, close. A reply that starts
// like an HTTP/1 response is read as one response (status and app are
// reported); any other reply is read until the server closes.
func (g *Generator) exchangeTCP(c *client, res Result) Result {
	deadline := g.clk.Deadline(g.cfg.Timeout)
	cn, err := g.dial(c, deadline)
	if err != nil {
		return g.failed(res, err)
	}
	defer g.closeConn(cn)
	if p := g.cfg.TCP.Payload; p != "" {
		if err := cn.nc.SetDeadline(deadline); err != nil {
			return g.failed(res, err)
		}
		if _, err := io.WriteString(cn.nc, p); err != nil {
			return g.failed(res, err)
		}
		status, app, err := readReply(cn)
		if err != nil {
			return g.failed(res, err)
		}
		res.Status, res.App = status, app
	}
	res.Latency = g.clk.Since(res.Start)
	if hold := g.cfg.TCP.Hold; hold > 0 {
		_ = cn.nc.SetDeadline(time.Time{})
		if !g.clk.Sleep(g.ctx, hold) {
			return g.failed(res, g.ctx.Err())
		}
	}
	return res
}

// readReply reads what the server answers to a TCP payload.
func readReply(cn *conn) (status int, app string, err error) {
	head, err := cn.br.Peek(5)
	if err != nil && len(head) == 0 {
		return 0, "", err // closed or reset without a byte
	}
	if string(head) != "HTTP/" {
		_, err := io.Copy(io.Discard, cn.br)
		return 0, "", err
	}
	if err := cn.hr.ReadResponse(&cn.resp); err != nil {
		return 0, "", err
	}
	if v, ok := cn.resp.Header.Get(headerApp); ok {
		app = cn.appName(v)
	}
	if err := cn.discardBody(h1.ResponseFraming(&cn.resp, "GET")); err != nil {
		return 0, "", err
	}
	return cn.resp.Status, app, nil
}

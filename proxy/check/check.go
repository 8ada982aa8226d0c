// Package check owns HAProxy's health checks: probing one server (a TCP
// connect, or an HTTP request with "option httpchk"), the rise/fall health
// counter, and the check schedule (inter, fastinter, downinter) on the lab
// clock. It reports results and UP/DOWN transitions to its owner and never
// touches balancing or statistics itself.
package check

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lblab/lblab/lab/clock"
)

// HTTP is "option httpchk METHOD URI VERSION".
type HTTP struct {
	Method, URI, Version string
}

// Params describe one server's checks.
type Params struct {
	Addr                        string
	Inter, FastInter, DownInter time.Duration
	Rise, Fall                  int
	// ConnectTimeout and ReadTimeout bound one check; HAProxy uses inter
	// for both when "timeout check" is unset.
	ConnectTimeout, ReadTimeout time.Duration
	HTTP                        *HTTP // nil: a TCP connect only
	Clock                       *clock.Clock
}

// Result is one check's outcome, in HAProxy's terms.
type Result struct {
	OK       bool
	Status   string // L4OK, L4CON, L4TOUT, L7OK, L7STS, L7RSP, L7TOUT
	Code     int    // HTTP status for L7 checks
	Desc     string // e.g. "Connection refused"
	Duration time.Duration
}

// Reason words the result as HAProxy's server state messages do.
func (r Result) Reason() string {
	switch r.Status {
	case "L4OK":
		return "Layer4 check passed"
	case "L4CON":
		return "Layer4 connection problem"
	case "L4TOUT":
		return "Layer4 timeout"
	case "L7OK":
		return "Layer7 check passed"
	case "L7STS":
		return "Layer7 wrong status"
	case "L7RSP":
		return "Layer7 invalid response"
	case "L7TOUT":
		return "Layer7 timeout"
	}
	return r.Status
}

// Probe runs one check against p.Addr.
func Probe(ctx context.Context, p Params) Result {
	start := p.Clock.Now()
	r := probe(ctx, p)
	r.Duration = p.Clock.Since(start)
	return r
}

func probe(ctx context.Context, p Params) Result {
	d := net.Dialer{Timeout: p.Clock.Real(p.ConnectTimeout)}
	c, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return l4Failure(err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() }) // Close of the checker must not wait out a check
	defer stop()
	if p.HTTP == nil {
		return Result{OK: true, Status: "L4OK"}
	}
	c.SetDeadline(p.Clock.Deadline(p.ReadTimeout))
	req := fmt.Sprintf("%s %s %s\r\n", p.HTTP.Method, p.HTTP.URI, p.HTTP.Version)
	if p.HTTP.Version == "HTTP/1.1" {
		req += "connection: close\r\n" // as HAProxy's HTTP/1.1 checks say
	}
	req += "\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		return Result{Status: "L7RSP", Desc: err.Error()}
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		if isTimeout(err) {
			return Result{Status: "L7TOUT"}
		}
		return Result{Status: "L7RSP", Desc: "socket error"}
	}
	proto, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
	codeText, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if err != nil || !strings.HasPrefix(proto, "HTTP/") || len(codeText) != 3 {
		return Result{Status: "L7RSP", Desc: "invalid response"}
	}
	if code >= 200 && code < 400 {
		return Result{OK: true, Status: "L7OK", Code: code, Desc: reason}
	}
	return Result{Status: "L7STS", Code: code, Desc: reason}
}

func l4Failure(err error) Result {
	switch {
	case isTimeout(err):
		return Result{Status: "L4TOUT"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Result{Status: "L4CON", Desc: "Connection refused"}
	}
	return Result{Status: "L4CON", Desc: err.Error()}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Health is HAProxy's health counter: from 0 (DOWN) to rise+fall-1 (fully
// UP); a server is UP from rise on. It starts at rise, "UP but check at
// once", so one failed first check marks the server DOWN.
type Health struct {
	Value, Rise, Fall int
}

// NewHealth returns the counter at its start-up value.
func NewHealth(rise, fall int) Health { return Health{Value: rise, Rise: rise, Fall: fall} }

// Up reports whether the counter says UP.
func (h Health) Up() bool { return h.Value >= h.Rise }

// Full reports whether the server is fully UP (no failure pending).
func (h Health) Full() bool { return h.Value == h.Rise+h.Fall-1 }

// Update applies one check result and reports whether UP/DOWN changed.
func (h *Health) Update(ok bool) (changed bool) {
	was := h.Up()
	top := h.Rise + h.Fall - 1
	if ok {
		if h.Value < top {
			h.Value++
			if h.Value >= h.Rise {
				h.Value = top
			}
		}
	} else if h.Value > 0 {
		h.Value--
		if h.Value < h.Rise {
			h.Value = 0
		}
	}
	return h.Up() != was
}

// Label is the stats page's status for a checked server: "UP", "DOWN", or
// the transitional "UP 1/3" and "DOWN 1/2" forms, worded as HAProxy's
// stats: UP health-rise+1/fall, DOWN health/rise.
func (h Health) Label() string {
	switch {
	case h.Up() && !h.Full():
		return fmt.Sprintf("UP %d/%d", h.Value-h.Rise+1, h.Fall)
	case h.Up():
		return "UP"
	case h.Value > 0:
		return fmt.Sprintf("DOWN %d/%d", h.Value, h.Rise)
	}
	return "DOWN"
}

// Interval is the wait before the next check: inter when fully UP,
// downinter when fully DOWN, fastinter in between (srv_getinter).
func (p Params) Interval(h Health) time.Duration {
	switch {
	case h.Full():
		return p.Inter
	case h.Value == 0:
		return orDefault(p.DownInter, p.Inter)
	}
	return orDefault(p.FastInter, p.Inter)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Run checks p.Addr until ctx ends: the first check after delay, then at
// the interval the health calls for. report is called after every check,
// from Run's goroutine, with the health after the result.
func Run(ctx context.Context, p Params, delay time.Duration, h Health, report func(Result, Health, bool)) {
	wait := delay
	for {
		if !p.Clock.Sleep(ctx, wait) {
			return
		}
		r := Probe(ctx, p)
		if ctx.Err() != nil {
			return
		}
		changed := h.Update(r.OK)
		report(r, h, changed)
		wait = p.Interval(h)
	}
}

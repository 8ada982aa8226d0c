// Package apps owns the lab's backend apps: in-process HTTP servers that
// answer like the HAProxy episodes' Flask apps ("Hello from Flask App 1!"),
// each on its own loopback address, with a behaviour (reply profile, delay,
// jitter, error rate) that can change while it runs, and counters of what
// it served. Stopping an app is like stopping its container: the port
// refuses connections and requests in progress are cut.
//
// Every wait goes through the lab clock, so Ep 6's 5-second apps answer in
// 5 ms at --speed 1000 and report 5 s of lab latency.
//
// The package knows nothing of the proxy, the traffic generator or the
// dashboard; it must not reach into them.
package apps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/lab/metrics"
)

// HeaderApp is the response header naming the app that answered, on every
// response (also 404, 405 and 500), so that a client can tell who answered
// even where the body does not say.
const HeaderApp = "X-Lab-App"

// contentType is Flask's default for a view returning a string.
const contentType = "text/html; charset=utf-8"

// Config describes one app.
type Config struct {
	// Name is the app's name, e.g. "app1": letters, digits, '.', '_' and
	// '-'. Its trailing number N is what the Flask profile says ("Hello from
	// Flask App N!"); a name without one says the whole name.
	Name string
	// Addr is the preferred listen address; "" means DefaultAddr(Name).
	Addr string
	// Behaviour is how the app answers at first.
	Behaviour Behaviour
	// Clock times every delay and latency; nil is real time.
	Clock *clock.Clock
	// SeriesSeconds is how many lab seconds of requests/s the app keeps;
	// 0 means metrics.DefaultSeconds.
	SeriesSeconds int
}

// App is one backend app. Its methods are safe for concurrent use.
type App struct {
	name      string
	number    string
	preferred string
	clk       *clock.Clock

	// Response pieces prepared once, so that serving allocates nothing of
	// its own.
	hdrName, hdrType, hdrZero []string
	notFound, notAllowed      page
	failed                    page

	replies atomic.Pointer[replies]
	errSeq  atomic.Uint64 // requests seen while an error rate applied

	mu     sync.Mutex // guards addr, run and closed: the lifecycle
	addr   string
	run    *run
	closed bool

	status   metrics.StatusCounts
	latency  *metrics.Histogram
	perSec   *metrics.CountSeries
	inFlight metrics.Level
	aborted  atomic.Int64
}

// page is a fixed error page.
type page struct {
	body   []byte
	length []string
}

func newPage(body string) page {
	return page{body: []byte(body), length: []string{strconv.Itoa(len(body))}}
}

// run is one period between Start and Stop.
type run struct {
	srv    *http.Server
	cancel context.CancelFunc // ends every request's context
	conns  sync.WaitGroup     // one per connection goroutine
	served chan struct{}      // closed when Serve has returned
}

// New checks cfg and returns a stopped app.
func New(cfg Config) (*App, error) {
	if err := checkName(cfg.Name); err != nil {
		return nil, err
	}
	if err := cfg.Behaviour.Validate(); err != nil {
		return nil, fmt.Errorf("app %s: %w", cfg.Name, err)
	}
	addr := cfg.Addr
	if addr == "" {
		addr = DefaultAddr(cfg.Name)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("app %s: listen address %q: want host:port, e.g. 127.0.0.1:5001", cfg.Name, addr)
	}
	a := &App{
		name:      cfg.Name,
		number:    Number(cfg.Name),
		preferred: addr,
		addr:      addr,
		clk:       cfg.Clock,
		hdrName:   []string{cfg.Name},
		hdrType:   []string{contentType},
		hdrZero:   []string{"0"},
		latency:   metrics.NewHistogram(),
		perSec:    metrics.NewCountSeries(cfg.Clock, cfg.SeriesSeconds),
	}
	a.notFound = newPage("<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>" +
		cfg.Name + " has no page at this path.</p>\n")
	a.notAllowed = newPage("<!doctype html>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>" +
		cfg.Name + " does not answer this method here; the Allow header lists those it does.</p>\n")
	a.failed = newPage("<!doctype html>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>" +
		cfg.Name + " failed this request on purpose: its error rate is set.</p>\n")
	a.replies.Store(compile(cfg.Behaviour, a.number))
	return a, nil
}

func checkName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("app name %q: want 1 to 64 letters, digits, '.', '_' or '-', e.g. app1", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("app name %q: character %q at %d is not allowed: want letters, digits, '.', '_' or '-', e.g. app1", name, c, i+1)
		}
	}
	return nil
}

// Number returns the trailing decimal number of an app's name ("1" for
// "app1"), or the whole name when it has none.
func Number(name string) string {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	if i == len(name) {
		return name
	}
	return name[i:]
}

// DefaultAddr is where the episodes put an app: 127.0.0.1:500N for appN
// (5001, 5002, 5003…), and 127.0.0.1:5000 for a name without a number (Ep 2
// and Ep 10's single app). A number too large for a port gets port 0: any
// free port.
func DefaultAddr(name string) string {
	port := 5000
	if n, err := strconv.Atoi(Number(name)); err == nil {
		port += n
	}
	if port > 65535 {
		port = 0
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// Name returns the app's name.
func (a *App) Name() string { return a.name }

// PreferredAddr returns the address the app was configured with.
func (a *App) PreferredAddr() string { return a.preferred }

// Addr returns where the app listens, or will listen on its next Start:
// the preferred address until a start moved it, and the address the OS
// gave when the preferred one had port 0.
func (a *App) Addr() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}

// Running reports whether the app is started.
func (a *App) Running() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.run != nil
}

// ErrClosed is returned by Start after Close.
var ErrClosed = errors.New("app is closed")

// Start starts serving on Addr(). Starting a running app does nothing.
// When the address is taken the error wraps syscall.EADDRINUSE (test it
// with errors.Is) and the app stays stopped.
func (a *App) Start() error {
	_, err := a.start(false)
	return err
}

// StartOrMove is Start, except that when Addr() is taken the app listens on
// a free port of the same host instead and reports moved; Addr() then
// returns the new address, and later starts reuse it, so that whoever was
// told the address can keep using it.
func (a *App) StartOrMove() (moved bool, err error) { return a.start(true) }

func (a *App) start(move bool) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false, fmt.Errorf("app %s: %w", a.name, ErrClosed)
	}
	if a.run != nil {
		return false, nil
	}
	moved := false
	ln, err := net.Listen("tcp", a.addr)
	if err != nil && move && errors.Is(err, syscall.EADDRINUSE) {
		host, _, _ := net.SplitHostPort(a.addr)
		ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
		moved = err == nil
	}
	if err != nil {
		return false, fmt.Errorf("app %s: %w", a.name, err)
	}
	a.addr = ln.Addr().String()
	a.run = a.serve(ln)
	return moved, nil
}

// serve starts an HTTP server on ln. Called with a.mu held.
func (a *App) serve(ln net.Listener) *run {
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{cancel: cancel, served: make(chan struct{})}
	r.srv = &http.Server{
		Handler: a,
		// Every request's context derives from the run's, so Stop wakes
		// every delayed request at once.
		BaseContext: func(net.Listener) context.Context { return ctx },
		// Counting connection goroutines lets Stop return only once they
		// are gone. StateNew is reported before the goroutine starts, and
		// StateClosed as it ends.
		ConnState: func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				r.conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				r.conns.Done()
			}
		},
		ErrorLog:                     log.New(io.Discard, "", 0),
		DisableGeneralOptionsHandler: true,
	}
	go func() {
		defer close(r.served)
		_ = r.srv.Serve(ln) // returns ErrServerClosed on Stop
	}()
	return r
}

// Stop stops the app like a stopped container: the listener is closed (new
// connections are refused), open connections are closed and requests in
// progress, delayed ones included, are cut without an answer. It returns
// when every goroutine of the app has ended. Stopping a stopped app does
// nothing.
func (a *App) Stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.run
	if r == nil {
		return
	}
	// Close the connections before waking the delayed requests: a woken
	// handler then finds its connection gone and cannot send a response.
	_ = r.srv.Close() // closes the listener, then every connection
	r.cancel()
	<-r.served
	r.conns.Wait()
	a.run = nil
}

// Close stops the app for good: Start fails afterwards.
func (a *App) Close() {
	a.Stop()
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
}

// Behaviour returns how the app answers now.
func (a *App) Behaviour() Behaviour { return a.replies.Load().b }

// SetBehaviour changes how the app answers from the next request on;
// requests already in progress keep their behaviour.
func (a *App) SetBehaviour(b Behaviour) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("app %s: %w", a.name, err)
	}
	a.replies.Store(compile(b, a.number))
	return nil
}

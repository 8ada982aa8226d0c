package traffic

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/lab/metrics"
)

// Result is one finished request (in TCP mode, one connection).
type Result struct {
	Client netip.Addr // source address the request was sent from
	Group  string
	Method string // as sent; "" in TCP mode
	Path   string // as sent; "" in TCP mode
	// Status is the HTTP status; 0 when the request failed, or in TCP mode
	// when the reply was not HTTP.
	Status int
	// App is the X-Lab-App header of the answer: which lab app answered.
	// "" when absent (a proxy's own 503, an external server).
	App string
	// Start is the lab time the request was issued (for the open loop, its
	// arrival); Latency runs from Start to the end of the answer.
	Start   time.Time
	Latency time.Duration
	Err     string // failure reason (a Reason… constant); "" on success
}

// Generator sends traffic to one target. Create it with New, run it with
// Start, end it with Stop (or let Duration/Requests end it; Done tells).
// Its methods are safe for concurrent use.
type Generator struct {
	cfg    Config
	clk    *clock.Clock
	open   bool // open loop (Config.Rate > 0)
	groups []*group

	mu       sync.Mutex // control state below
	rate     float64
	paused   bool
	resumed  chan struct{} // closed when a pause ends
	epoch    uint64        // bumped by every rate or pause change
	started  bool
	stopped  bool
	issuing  bool // new requests may start; false once the run ends
	startAt  time.Time
	endAt    time.Time
	warnings []string

	activeClients atomic.Pointer[[]*client] // the open loop's round robin
	wake          chan struct{}             // tells the scheduler about a change
	pausedFlag    atomic.Bool               // fast path of the pause check
	// gate is held shared while a request is issued and exclusively, for
	// an instant, by Pause and SetClients: when they return, every request
	// issued before is counted in flight and none they forbid can start.
	gate sync.RWMutex

	ctx       context.Context // ends at Stop: cuts requests in flight
	cancel    context.CancelFunc
	issueCtx  context.Context // ends with the run: no new requests
	endIssue  context.CancelFunc
	wg        sync.WaitGroup // every goroutine but the supervisor
	done      chan struct{}
	closeDone sync.Once

	connMu      sync.Mutex
	conns       map[*conn]struct{}
	connsClosed bool

	sent     atomic.Int64
	inFlight metrics.Level
	status   metrics.StatusCounts
	reasons  metrics.Tally
	apps     metrics.Tally
	latency  *metrics.Histogram
	sentPS   *metrics.CountSeries
	okPS     *metrics.CountSeries
	failPS   *metrics.CountSeries
	skipped  atomic.Int64

	// The open loop's arrivals since the rate was last set, and its lag
	// behind schedule, for the achieved rate and the "behind" flag.
	arrN, arrFirst, arrLast atomic.Int64 // count, lab UnixNano of first and last
	arrSkipped              atomic.Int64
	lag                     atomic.Int64 // lab ns
}

// group is a Group with its clients.
type group struct {
	name     string
	prefix   netip.Prefix
	fallback bool // the OS refused its addresses: clients use 127.0.0.1
	mix      []request
	total    int       // sum of the mix weights
	clients  []*client // created so far; guarded by Generator.mu
	active   int       // clients in use; guarded by Generator.mu
}

// client is one virtual client: a source address, its idle connections
// and its own random source for the mix, used by one goroutine at a time
// (the scheduler in an open loop, its worker in a closed loop).
type client struct {
	src    netip.Addr
	group  *group
	dialer net.Dialer
	rng    *rand.Rand

	mu   sync.Mutex
	idle []*conn

	want    atomic.Bool // closed loop: the worker should keep going
	running bool        // closed loop: a worker runs; guarded by Generator.mu
}

// New checks cfg and prepares a generator; nothing is sent before Start.
// Errors say what is wrong and what is accepted.
func New(cfg Config) (*Generator, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	issueCtx, endIssue := context.WithCancel(ctx)
	g := &Generator{
		cfg:      cfg,
		clk:      cfg.Clock,
		open:     cfg.Rate > 0,
		rate:     cfg.Rate,
		resumed:  make(chan struct{}),
		issuing:  true,
		wake:     make(chan struct{}, 1),
		ctx:      ctx,
		cancel:   cancel,
		issueCtx: issueCtx,
		endIssue: endIssue,
		done:     make(chan struct{}),
		conns:    map[*conn]struct{}{},
		latency:  metrics.NewHistogram(),
		sentPS:   metrics.NewCountSeries(cfg.Clock, cfg.SeriesSeconds),
		okPS:     metrics.NewCountSeries(cfg.Clock, cfg.SeriesSeconds),
		failPS:   metrics.NewCountSeries(cfg.Clock, cfg.SeriesSeconds),
	}
	fallback, warning := bindWarning(cfg.Groups, probeBind)
	if warning != "" {
		g.warnings = append(g.warnings, warning)
	}
	for _, gc := range cfg.Groups {
		gr := &group{name: gc.Name, prefix: gc.Prefix.Masked(), fallback: fallback[gc.Name]}
		for _, e := range gc.Mix {
			rq := buildRequest(e, cfg.Target)
			gr.mix = append(gr.mix, rq)
			gr.total += rq.weight
		}
		g.groups = append(g.groups, gr)
		g.mu.Lock()
		g.setClientsLocked(gr, gc.Clients)
		g.mu.Unlock()
	}
	return g, nil
}

// newClient creates the i-th client of gr. Its random source depends only
// on the seed, the group's position and i, so a run's mix is reproducible.
func (g *Generator) newClient(gr *group, gi, i int) *client {
	src := addrAt(gr.prefix, i)
	if gr.fallback {
		src = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	c := &client{src: src, group: gr, rng: rand.New(rand.NewPCG(g.cfg.Seed, uint64(gi)<<32|uint64(i)))}
	c.dialer.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(src, 0))
	return c
}

// pick chooses a request of the client's mix by weight.
func (c *client) pick() *request {
	mix := c.group.mix
	if len(mix) == 1 {
		return &mix[0]
	}
	n := c.rng.IntN(c.group.total)
	for i := range mix {
		if n < mix[i].weight {
			return &mix[i]
		}
		n -= mix[i].weight
	}
	return &mix[len(mix)-1]
}

// Warnings returns what the generator had to work around, such as source
// addresses the OS would not bind.
func (g *Generator) Warnings() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.warnings...)
}

// Start begins sending. It fails if the generator was already started or
// stopped.
func (g *Generator) Start() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started || g.stopped {
		return errors.New("traffic: a generator runs once: create a new one")
	}
	g.started = true
	g.startAt = g.clk.Now()
	if g.open {
		g.wg.Add(1)
		go g.schedule()
	} else {
		for _, gr := range g.groups {
			g.setClientsLocked(gr, gr.active)
		}
	}
	go g.supervise()
	return nil
}

// supervise ends the run: when the duration is over, the request count is
// reached or Stop is called, it stops new requests, waits for every
// goroutine, closes the idle connections and closes Done.
func (g *Generator) supervise() {
	if g.cfg.Duration > 0 {
		g.clk.Sleep(g.issueCtx, g.cfg.Duration)
	} else {
		<-g.issueCtx.Done()
	}
	g.stopIssuing()
	g.wg.Wait()
	g.closeConns()
	g.mu.Lock()
	g.endAt = g.clk.Now()
	g.mu.Unlock()
	g.closeDone.Do(func() { close(g.done) })
}

// stopIssuing ends the run for new requests; those in flight go on.
func (g *Generator) stopIssuing() {
	g.mu.Lock()
	g.issuing = false
	g.mu.Unlock()
	g.endIssue()
}

// Stop ends the run at once: no new requests, and those in flight are cut
// (counted as failed, reason "stopped"). It returns when every goroutine of
// the generator has ended; after it, Stats shows nothing in flight.
func (g *Generator) Stop() {
	g.mu.Lock()
	g.stopped = true
	started := g.started
	g.mu.Unlock()
	g.cancel()
	g.stopIssuing()
	if !started {
		g.closeDone.Do(func() { close(g.done) })
		return
	}
	g.closeConns()
	<-g.done
}

// Done is closed when the run is over and every goroutine has ended.
func (g *Generator) Done() <-chan struct{} { return g.done }

package lab

import (
	"context"
	"sync"
	"time"

	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/lab/metrics"
	"github.com/lblab/lblab/proxy"
)

// observer turns the proxy's log records and events into the lab's
// measurements: per-server latency histograms and per-second series, the
// recent log lines, the event list and which server each client reached.
type observer struct {
	clk *clock.Clock

	mu       sync.RWMutex // guards the maps (not the metrics, which are safe)
	backends map[string]*backendMetrics

	logMu sync.Mutex
	ring  []proxy.LogRecord
	next  int
	full  bool

	evMu   sync.Mutex
	events []Event
}

type backendMetrics struct {
	reqs    *metrics.CountSeries
	servers map[string]*serverMetrics
}

type serverMetrics struct {
	latency   *metrics.Histogram
	reqs      *metrics.CountSeries // requests (connections) sent to it, per lab second
	conns     *metrics.GaugeSeries
	lastTotal int64 // the proxy's stot at the last sample, for reqs; sampler only
}

const (
	logRing   = 2000
	maxEvents = 200
)

func newObserver(clk *clock.Clock) *observer {
	return &observer{clk: clk, backends: map[string]*backendMetrics{},
		ring: make([]proxy.LogRecord, logRing)}
}

// server returns the metrics of backend/server, creating them on first use.
func (o *observer) server(backend, server string) (*backendMetrics, *serverMetrics) {
	o.mu.RLock()
	b := o.backends[backend]
	var s *serverMetrics
	if b != nil {
		s = b.servers[server]
	}
	o.mu.RUnlock()
	if s != nil {
		return b, s
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if b = o.backends[backend]; b == nil {
		b = &backendMetrics{reqs: metrics.NewCountSeries(o.clk, HistorySeconds), servers: map[string]*serverMetrics{}}
		o.backends[backend] = b
	}
	if s = b.servers[server]; s == nil {
		s = &serverMetrics{latency: metrics.NewHistogram(),
			reqs:  metrics.NewCountSeries(o.clk, HistorySeconds),
			conns: metrics.NewGaugeSeries(o.clk, HistorySeconds)}
		b.servers[server] = s
	}
	return b, s
}

// record is the proxy's OnLog: called for every request, on its goroutine.
// Requests are counted per second by the sampler, when the proxy sends
// them to a server; here only the latency of the answers is.
func (o *observer) record(r *proxy.LogRecord) {
	if r.ServerIndex >= 0 && (r.Status > 0 || r.TCP) {
		_, s := o.server(r.Backend, r.Server)
		s.latency.Record(r.Elapsed)
	}
	o.logMu.Lock()
	o.ring[o.next] = *r
	o.next = (o.next + 1) % len(o.ring)
	if o.next == 0 {
		o.full = true
	}
	o.logMu.Unlock()
}

// event is the proxy's OnEvent: a server went DOWN or UP.
func (o *observer) event(e proxy.Event) { o.addEvent(o.clk.Now(), e.Text) }

func (o *observer) addEvent(t time.Time, text string) {
	o.evMu.Lock()
	defer o.evMu.Unlock()
	o.events = append(o.events, Event{Time: t, Text: text})
	if len(o.events) > maxEvents {
		o.events = append(o.events[:0:0], o.events[len(o.events)-maxEvents:]...)
	}
}

func (o *observer) eventList() []Event {
	o.evMu.Lock()
	defer o.evMu.Unlock()
	return append([]Event(nil), o.events...)
}

// lines formats the last n log records, oldest first.
func (o *observer) lines(n int) []string {
	o.logMu.Lock()
	count := o.next
	if o.full {
		count = len(o.ring)
	}
	if n > count {
		n = count
	}
	recs := make([]proxy.LogRecord, n)
	for i := range n {
		recs[i] = o.ring[(o.next-n+i+len(o.ring))%len(o.ring)]
	}
	o.logMu.Unlock()
	out := make([]string, n)
	for i := range recs {
		out[i] = recs[i].String()
	}
	return out
}

// reset clears the measurements (not the events).
func (o *observer) reset() {
	o.mu.Lock()
	for _, b := range o.backends {
		b.reqs.Reset()
		for _, s := range b.servers {
			s.latency.Reset()
			s.reqs.Reset()
			s.conns.Reset()
		}
	}
	o.mu.Unlock()
}

// forget drops a server's measurements: a new server of the same name
// starts afresh.
func (o *observer) forget(backend, server string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := o.backends[backend]; b != nil {
		delete(b.servers, server)
	}
}

// sample records every server's connections in flight, several times per
// lab second, for the connection graphs.
func (l *Lab) sample(ctx context.Context) {
	defer l.bg.Done()
	period := l.clk.Real(200 * time.Millisecond)
	if period < 20*time.Millisecond {
		period = 20 * time.Millisecond // at high speed, sample at most 50 times a real second
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p := l.Proxy()
		if p == nil {
			continue
		}
		now := l.clk.Now()
		for _, b := range p.Stats().Backends {
			for _, s := range b.Servers {
				bm, m := l.obs.server(b.Name, s.Name)
				m.conns.SetAt(now, s.Cur)
				// requests counted when sent, so a change of algorithm shows
				// at once, not when slow answers come back
				sent := s.Total - m.lastTotal
				if sent < 0 { // counters reset
					sent = s.Total
				}
				m.lastTotal = s.Total
				if sent > 0 {
					m.reqs.AddAt(now, sent)
					bm.reqs.AddAt(now, sent)
				}
			}
		}
	}
}

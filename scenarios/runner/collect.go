package runner

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/scenarios/scenario"
)

// Record is one request (one connection in TCP mode) as the proxy logged
// it: where it went and how it was answered.
type Record struct {
	Phase    int           // index of the phase it belongs to
	At       time.Duration // lab time from the start of its phase to its first byte
	Seq      int64         // order of arrival in the log
	Frontend string
	Backend  string // the frontend's name when it reached no backend (denied)
	Server   string // "" when it reached no server
	Client   netip.Addr
	Group    string // the client group its source address belongs to
	Method   string
	URI      string // the request target as received
	Status   int    // HTTP status sent; -1 for none (and in TCP mode)
	Denied   bool
	Duration time.Duration // total time (Ta, or Tt in TCP mode)
	TCP      bool
}

// Path is the request target before '?'.
func (r *Record) Path() string { return pathOf(r.URI) }

func pathOf(uri string) string {
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		return uri[:i]
	}
	return uri
}

// Answer is one request as its client saw it.
type Answer struct {
	Phase   int
	At      time.Duration // from the start of its phase to when it was sent
	Group   string
	Method  string
	URI     string
	Status  int    // 0 when it failed (or a TCP reply was not HTTP)
	Err     string // the failure's reason; "" when answered
	App     string // the X-Lab-App that answered
	Latency time.Duration
}

// PhaseEnd is what the proxy's counters said when a phase was over (they
// are reset when each phase starts).
type PhaseEnd struct {
	Start, End time.Time // lab clock
	Snapshot   lab.Snapshot
	Played     []Played // the timeline events of the phase
}

// Played is a timeline event and how it went.
type Played struct {
	Event *scenario.Event
	At    time.Duration // from the phase's start, when it was applied
	Err   error
	Skip  bool // the phase ended before its time came
}

// Sample is the requests in flight on every server at one moment.
type Sample struct {
	At  time.Duration // from the run's start
	Cur map[string]map[string]int64
}

// Data is everything measured in one variant's run; expectations and
// reports are computed from it alone.
type Data struct {
	Scenario *scenario.Scenario
	Variant  string
	Start    time.Time // lab clock at the run's start
	Records  []Record
	Answers  []Answer
	Phases   []PhaseEnd // one per phase played
	Samples  []Sample
	Notes    []string // the lab's own notes
	End      lab.Snapshot
}

// collector gathers Data while the lab runs: OnLog and OnResult are called
// on request goroutines, so everything goes under one lock.
type collector struct {
	sc *scenario.Scenario

	mu      sync.Mutex
	phase   int
	pStart  time.Time
	seq     int64
	records []Record
	answers []Answer
	samples []Sample
}

func newCollector(sc *scenario.Scenario) *collector { return &collector{sc: sc, phase: -1} }

// beginPhase sends the following records to phase i.
func (c *collector) beginPhase(i int, start time.Time) {
	c.mu.Lock()
	c.phase, c.pStart = i, start
	c.mu.Unlock()
}

// onLog is the lab's OnLog.
func (c *collector) onLog(r *proxy.LogRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase < 0 {
		return
	}
	c.seq++
	rec := Record{Phase: c.phase, At: r.Date.Sub(c.pStart), Seq: c.seq, Frontend: r.Frontend, Backend: r.Backend,
		Client: r.Client.Addr(), Method: r.Method, URI: r.URI, Status: r.Status, Denied: r.Denied, TCP: r.TCP}
	if r.ServerIndex >= 0 {
		rec.Server = r.Server
	}
	rec.Group = c.sc.Phases[c.phase].GroupOf(rec.Client)
	if r.TCP {
		rec.Status = -1
	}
	rec.Duration = r.Elapsed // exact: the log's Ta/Tt are whole milliseconds
	c.records = append(c.records, rec)
}

// onResult returns the generator's OnResult for phase i.
func (c *collector) onResult(i int, start time.Time) func(traffic.Result) {
	return func(r traffic.Result) {
		a := Answer{Phase: i, At: r.Start.Sub(start), Group: r.Group, Method: r.Method, URI: r.Path,
			Status: r.Status, Err: r.Err, App: r.App, Latency: r.Latency}
		c.mu.Lock()
		c.answers = append(c.answers, a)
		c.mu.Unlock()
	}
}

// sample keeps the servers' requests in flight from a snapshot.
func (c *collector) sample(at time.Duration, s lab.Snapshot) {
	cur := map[string]map[string]int64{}
	for _, b := range s.Backends {
		m := map[string]int64{}
		for _, sv := range b.Servers {
			m[sv.Name] = sv.Cur
		}
		cur[b.Name] = m
	}
	c.mu.Lock()
	c.samples = append(c.samples, Sample{At: at, Cur: cur})
	c.mu.Unlock()
}

// data hands over what was gathered.
func (c *collector) data() ([]Record, []Answer, []Sample) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Record(nil), c.records...), append([]Answer(nil), c.answers...), append([]Sample(nil), c.samples...)
}

// settle waits, up to a second of real time, until the proxy's log has a
// record for every request (connection) its frontends counted in phase i:
// the proxy logs a request once its client has been answered, so the
// last records can come after the generator is done.
func (c *collector) settle(ctx context.Context, l *lab.Lab, i int) {
	deadline := time.Now().Add(time.Second)
	for {
		var want int64
		for _, f := range l.Snapshot().Frontends {
			if f.Mode == proxy.TCP {
				want += f.ConnTotal - f.ConnDenied
			} else {
				want += f.Requests + f.BadRequests
			}
		}
		c.mu.Lock()
		var have int64
		for k := len(c.records) - 1; k >= 0 && c.records[k].Phase == i; k-- {
			have++
		}
		c.mu.Unlock()
		if have >= want || time.Now().After(deadline) || ctx.Err() != nil {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

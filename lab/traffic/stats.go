package traffic

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lblab/lblab/lab/metrics"
)

// Stats is what the generator did so far.
//
// Every request started is in exactly one bucket:
//
//	Sent = Answered + Failed + InFlight
//
// where Answered is Status.Total and Failed the sum of Reasons. While the
// run goes on, a snapshot can catch a request between two buckets; once
// Done is closed (after Stop, or the end of the run) the identity is exact
// and InFlight is 0.
type Stats struct {
	Mode    Mode
	Open    bool // open loop (a target rate); false: closed loop
	Running bool // started and not over
	Paused  bool
	Elapsed time.Duration // lab time since Start, up to the end of the run
	Clients int           // clients in use

	Sent, Answered, Failed int64
	InFlight, MaxInFlight  int64
	// Skipped counts open-loop arrivals never sent: missed while the
	// generator was over a second behind schedule, or with no client in use.
	Skipped int64

	Status  metrics.StatusSnapshot
	Reasons []metrics.KeyCount      // failures by reason
	Apps    []metrics.KeyCount      // answers by X-Lab-App ("" when absent)
	Latency metrics.LatencySnapshot // answered requests, lab time

	// TargetRate is the open loop's rate (requests per lab second).
	// AchievedRate is measured from arrival times since the rate was last
	// set (open loop), or sent over elapsed time (closed loop). RecentRate
	// is requests sent per lab second over the last RateWindow seconds.
	TargetRate, AchievedRate, RecentRate float64

	// Behind is set when the open loop cannot keep its target rate; Message
	// then says so, and also reports requests failed by the in-flight cap.
	Behind  bool
	Message string

	Warnings []string
}

// RateWindow is the number of lab seconds Stats.RecentRate averages over.
const RateWindow = 5

// Stats returns a snapshot of the generator's counters.
func (g *Generator) Stats() Stats {
	g.mu.Lock()
	s := Stats{
		Mode:       g.cfg.Mode,
		Open:       g.open,
		Paused:     g.paused,
		TargetRate: g.rate,
		Warnings:   append([]string(nil), g.warnings...),
	}
	if !g.open {
		s.TargetRate = 0
	}
	started, startAt, endAt := g.started, g.startAt, g.endAt
	for _, gr := range g.groups {
		s.Clients += gr.active
	}
	g.mu.Unlock()
	select {
	case <-g.done:
	default:
		s.Running = started
	}
	if started {
		end := endAt
		if end.IsZero() {
			end = g.clk.Now()
		}
		s.Elapsed = end.Sub(startAt)
	}
	// Read the finished buckets before Sent, so a snapshot taken during a
	// run never shows more finished requests than sent ones.
	s.Status = g.status.Snapshot()
	s.Reasons, s.Failed = g.reasons.Snapshot()
	s.InFlight, s.MaxInFlight = g.inFlight.Now(), g.inFlight.Peak()
	s.Sent = g.sent.Load()
	s.Answered = s.Status.Total
	s.Skipped = g.skipped.Load()
	s.Apps, _ = g.apps.Snapshot()
	s.Latency = g.latency.Snapshot()
	s.RecentRate = g.sentPS.Rate(RateWindow)
	s.AchievedRate = g.achieved(s)
	g.judge(&s)
	return s
}

// achieved measures the rate of arrivals.
func (g *Generator) achieved(s Stats) float64 {
	if !g.open {
		if s.Elapsed <= 0 {
			return 0
		}
		return float64(s.Sent) / s.Elapsed.Seconds()
	}
	n := g.arrN.Load()
	span := time.Duration(g.arrLast.Load() - g.arrFirst.Load())
	if n < 2 || span <= 0 {
		return 0
	}
	return float64(n-1) / span.Seconds()
}

// judge sets Behind and Message.
func (g *Generator) judge(s *Stats) {
	var msgs []string
	if g.open && s.Running && !s.Paused {
		lag := time.Duration(g.lag.Load())
		skipped := g.arrSkipped.Load()
		if lag > g.clk.Lab(lagBehind) || skipped > 0 {
			s.Behind = true
			msgs = append(msgs, fmt.Sprintf("generator: cannot keep %s requests/s: achieved %.1f/s, %v behind schedule, %d arrivals skipped",
				strconv.FormatFloat(s.TargetRate, 'f', -1, 64), s.AchievedRate, lag.Round(time.Millisecond), skipped))
		}
	}
	for _, r := range s.Reasons {
		if r.Key == ReasonTooMany {
			msgs = append(msgs, fmt.Sprintf("generator: %d requests not sent: %d already in flight (raise the in-flight limit or lower the rate)",
				r.Count, g.cfg.MaxInFlight))
		}
	}
	for i, m := range msgs {
		if i > 0 {
			s.Message += "; "
		}
		s.Message += m
	}
}

// Series is the generator's per-second counts, oldest first.
type Series struct {
	Sent, Answered, Failed []int64
}

// PerSecond returns the counts of the last n completed lab seconds.
func (g *Generator) PerSecond(n int) Series {
	return Series{Sent: g.sentPS.Values(n), Answered: g.okPS.Values(n), Failed: g.failPS.Values(n)}
}

package apps

import (
	"github.com/lblab/lblab/lab/metrics"
)

// Stats is what an app did so far.
type Stats struct {
	Name      string
	Addr      string
	Running   bool
	Behaviour Behaviour

	// Served counts responses written, by status in Status. Aborted counts
	// requests cut before their answer (Stop, or the client left).
	Served  int64
	Aborted int64
	Status  metrics.StatusSnapshot

	InFlight    int64 // requests being handled now
	MaxInFlight int64 // the most at once since the start or ResetStats

	Latency metrics.LatencySnapshot // lab time from request to answer
	Rate    float64                 // requests/s (lab) over the last 5 lab seconds
}

// RateWindow is the number of lab seconds Stats.Rate averages over.
const RateWindow = 5

// Stats returns a snapshot of the app's counters.
func (a *App) Stats() Stats {
	a.mu.Lock()
	addr, running := a.addr, a.run != nil
	a.mu.Unlock()
	st := a.status.Snapshot()
	return Stats{
		Name:        a.name,
		Addr:        addr,
		Running:     running,
		Behaviour:   a.Behaviour(),
		Served:      st.Total,
		Aborted:     a.aborted.Load(),
		Status:      st,
		InFlight:    a.inFlight.Now(),
		MaxInFlight: a.inFlight.Peak(),
		Latency:     a.latency.Snapshot(),
		Rate:        a.perSec.Rate(RateWindow),
	}
}

// PerSecond returns the requests served in each of the last n completed
// lab seconds, oldest first, for graphs.
func (a *App) PerSecond(n int) []int64 { return a.perSec.Values(n) }

// ResetStats zeroes the counters; the in-flight peak restarts from the
// requests in flight now.
func (a *App) ResetStats() {
	a.status.Reset()
	a.latency.Reset()
	a.perSec.Reset()
	a.aborted.Store(0)
	a.inFlight.ResetPeak()
}

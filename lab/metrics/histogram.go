// Package metrics owns the lab's measuring instruments: a latency histogram,
// per-second time series of counts and of levels, and small counters (status
// codes, string-keyed tallies). They are safe for concurrent use, cheap to
// write from many goroutines at thousands of events per second (no
// allocation when recording) and cheap to read ten times a second.
//
// The package only measures: it knows nothing of apps, proxies, requests or
// the dashboard, and it never starts goroutines. Time comes from the lab
// clock (lab/clock), so series are keyed by lab seconds.
package metrics

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range: microsecond resolution, three significant digits, up to
// one hour, which covers the lab's 10-minute requests with room to spare.
const (
	histUnit    = time.Microsecond
	histMax     = time.Hour
	histDigits  = 3
	histMaxUnit = int64(histMax / histUnit)
)

// Histogram records durations (lab time) and answers count, min, mean, max
// and any quantile. The zero value is ready to use.
//
// Quantiles come from an HDR histogram (3 significant digits at 1 µs
// resolution); count, min, max and mean are kept exactly alongside it.
// Durations above one hour are recorded as one hour in the quantiles (Max
// stays exact); negative durations count as zero.
type Histogram struct {
	mu    sync.Mutex
	h     *hdrhistogram.Histogram // allocated on first use
	count int64
	sum   time.Duration
	min   time.Duration
	max   time.Duration
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	h := &Histogram{}
	h.h = newHDR()
	return h
}

func newHDR() *hdrhistogram.Histogram { return hdrhistogram.New(1, histMaxUnit, histDigits) }

// Record adds one duration. It does not allocate (after the first call on a
// zero Histogram).
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	v := int64(d / histUnit)
	if v > histMaxUnit {
		v = histMaxUnit
	}
	h.mu.Lock()
	if h.h == nil {
		h.h = newHDR()
	}
	// v is in range by construction, so RecordValue cannot fail.
	_ = h.h.RecordValue(v)
	if h.count == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.count++
	h.sum += d
	h.mu.Unlock()
}

// LatencySnapshot is a histogram's summary at one moment.
type LatencySnapshot struct {
	Count          int64
	Min, Mean, Max time.Duration
	P50, P90, P99  time.Duration
	P999           time.Duration
}

// Snapshot summarizes what was recorded so far. It scans the histogram once.
func (h *Histogram) Snapshot() LatencySnapshot {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := LatencySnapshot{Count: h.count, Min: h.min, Max: h.max}
	if h.count == 0 {
		return s
	}
	s.Mean = h.sum / time.Duration(h.count)
	// The percentiles every snapshot carries, in one scan of the histogram.
	q := h.h.ValueAtPercentilesSlice([]float64{50, 90, 99, 99.9})
	s.P50, s.P90, s.P99, s.P999 = h.clampQ(q[0]), h.clampQ(q[1]), h.clampQ(q[2]), h.clampQ(q[3])
	return s
}

// Quantile returns the duration below or at which a fraction q (0..1) of
// the recorded durations lie, e.g. 0.99 for the 99th percentile; 0 when
// nothing was recorded. q is clamped to [0, 1].
func (h *Histogram) Quantile(q float64) time.Duration {
	if q < 0 {
		q = 0
	}
	if q > 1 {
		q = 1
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.count == 0 {
		return 0
	}
	return h.clampQ(h.h.ValueAtQuantile(q * 100))
}

// clampQ converts a histogram value to a duration. The HDR histogram
// reports the top of a value's bucket, which can lie a little above the
// largest value recorded (or below the smallest); the exact extremes bound
// it so that Min <= quantile <= Max always holds.
func (h *Histogram) clampQ(v int64) time.Duration {
	d := time.Duration(v) * histUnit
	if d > h.max {
		d = h.max
	}
	if d < h.min {
		d = h.min
	}
	return d
}

// Reset forgets everything recorded.
func (h *Histogram) Reset() {
	h.mu.Lock()
	if h.h != nil {
		h.h.Reset()
	}
	h.count, h.sum, h.min, h.max = 0, 0, 0, 0
	h.mu.Unlock()
}

package metrics

import (
	"sync"
	"time"

	"github.com/lblab/lblab/lab/clock"
)

// DefaultSeconds is how many seconds a series remembers unless told
// otherwise: ten minutes of lab time.
const DefaultSeconds = 600

// ring holds one value per lab second for the last len(slots) seconds.
// A slot belongs to second sec; a slot whose sec is not the second asked
// for holds nothing for it (it was never written, or it is older).
type ring struct {
	slots []slot
}

type slot struct {
	sec int64
	v   int64
}

func newRing(seconds int) ring {
	if seconds <= 0 {
		seconds = DefaultSeconds
	}
	r := ring{slots: make([]slot, seconds)}
	for i := range r.slots {
		r.slots[i].sec = -1 << 62 // no second: never equal to a real one
	}
	return r
}

func (r *ring) at(sec int64) *slot {
	n := int64(len(r.slots))
	i := sec % n
	if i < 0 {
		i += n
	}
	return &r.slots[i]
}

// secondOf keys a lab time by its whole lab second. Every series on the
// same clock shares the same second boundaries, so graphs line up.
func secondOf(t time.Time) int64 {
	ns := t.UnixNano()
	s := ns / int64(time.Second)
	if ns < 0 && ns%int64(time.Second) != 0 {
		s-- // floor, not truncation
	}
	return s
}

// window returns the first and last second of the n completed seconds
// before now, clamped to what the ring can hold.
func (r *ring) window(now int64, n int) (first, last int64, count int) {
	if n > len(r.slots) {
		n = len(r.slots)
	}
	if n < 0 {
		n = 0
	}
	last = now - 1
	return last - int64(n) + 1, last, n
}

// CountSeries counts events per lab second (requests answered, bytes…) for
// the last N seconds. The zero value is not usable; use NewCountSeries.
type CountSeries struct {
	now  func() time.Time // the clock's Now; tests replace it
	mu   sync.Mutex
	r    ring
	born int64 // second the series was created or reset in
}

// NewCountSeries returns a series remembering the last seconds lab seconds
// (DefaultSeconds when seconds <= 0) on clock clk (nil: real time).
func NewCountSeries(clk *clock.Clock, seconds int) *CountSeries {
	return &CountSeries{now: clk.Now, r: newRing(seconds), born: secondOf(clk.Now())}
}

// Add counts n events now.
func (s *CountSeries) Add(n int64) { s.AddAt(s.now(), n) }

// AddAt counts n events at lab time t (a value of the same clock's Now),
// which lets a caller that already read the clock avoid reading it again.
// Events older than the series' memory are dropped.
func (s *CountSeries) AddAt(t time.Time, n int64) {
	sec := secondOf(t)
	s.mu.Lock()
	sl := s.r.at(sec)
	switch {
	case sl.sec == sec:
		sl.v += n
	case sl.sec < sec:
		sl.sec, sl.v = sec, n
	}
	s.mu.Unlock()
}

// Values returns the counts of the last n completed lab seconds, oldest
// first; seconds without events are 0. The second in progress is left out
// so that a graph does not dip at its right edge.
func (s *CountSeries) Values(n int) []int64 { return s.AppendValues(nil, n) }

// AppendValues is Values appending to dst, for callers that reuse a buffer.
func (s *CountSeries) AppendValues(dst []int64, n int) []int64 {
	now := secondOf(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	first, last, _ := s.r.window(now, n)
	for sec := first; sec <= last; sec++ {
		var v int64
		if sl := s.r.at(sec); sl.sec == sec {
			v = sl.v
		}
		dst = append(dst, v)
	}
	return dst
}

// Rate returns the mean events per lab second over the last k completed
// seconds. Right after the series was created or reset fewer seconds exist,
// and the mean is over those, so a young series does not under-report.
func (s *CountSeries) Rate(k int) float64 {
	now := secondOf(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	first, last, n := s.r.window(now, k)
	if first < s.born {
		first = s.born
		n = int(last - first + 1)
	}
	if n <= 0 {
		return 0
	}
	var sum int64
	for sec := first; sec <= last; sec++ {
		if sl := s.r.at(sec); sl.sec == sec {
			sum += sl.v
		}
	}
	return float64(sum) / float64(n)
}

// Current returns the count of the second in progress.
func (s *CountSeries) Current() int64 {
	sec := secondOf(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if sl := s.r.at(sec); sl.sec == sec {
		return sl.v
	}
	return 0
}

// Reset forgets every count.
func (s *CountSeries) Reset() {
	born := secondOf(s.now())
	s.mu.Lock()
	s.r = newRing(len(s.r.slots))
	s.born = born
	s.mu.Unlock()
}

// GaugeSeries follows a level (connections in flight, clients active…) and
// keeps, for each of the last N lab seconds, the highest level reached in
// that second. A level holds until it changes, so a second in which nothing
// changed reports the level carried over from before: a gauge can be
// driven by every change (Add(+1), Add(-1)) or sampled now and then (Set),
// and graphs have no false gaps either way.
type GaugeSeries struct {
	now     func() time.Time // the clock's Now; tests replace it
	mu      sync.Mutex
	r       ring
	level   int64
	lastSec int64 // newest second written; seconds after it carry level
	started bool  // some level was set: seconds before the first one read 0
}

// NewGaugeSeries returns a gauge remembering the last seconds lab seconds
// (DefaultSeconds when seconds <= 0) on clock clk (nil: real time).
func NewGaugeSeries(clk *clock.Clock, seconds int) *GaugeSeries {
	return &GaugeSeries{now: clk.Now, r: newRing(seconds)}
}

// Set sets the level now.
func (g *GaugeSeries) Set(v int64) { g.SetAt(g.now(), v) }

// SetAt sets the level at lab time t (a value of the same clock's Now).
func (g *GaugeSeries) SetAt(t time.Time, v int64) {
	sec := secondOf(t)
	g.mu.Lock()
	g.record(sec, v)
	g.mu.Unlock()
}

// Add changes the level by delta now and returns the new level.
func (g *GaugeSeries) Add(delta int64) int64 { return g.AddAt(g.now(), delta) }

// AddAt changes the level by delta at lab time t and returns the new level.
func (g *GaugeSeries) AddAt(t time.Time, delta int64) int64 {
	sec := secondOf(t)
	g.mu.Lock()
	v := g.level + delta
	g.record(sec, v)
	g.mu.Unlock()
	return v
}

// record sets the level to v in second sec. Called with g.mu held.
func (g *GaugeSeries) record(sec, v int64) {
	if !g.started {
		g.started, g.lastSec = true, sec-1
	}
	if sec > g.lastSec {
		// Seconds skipped since the last change held the old level, and the
		// new second starts at it before rising or falling to v. Filling is
		// bounded by the ring's length.
		from := g.lastSec + 1
		if oldest := sec - int64(len(g.r.slots)) + 1; from < oldest {
			from = oldest
		}
		for s := from; s <= sec; s++ {
			sl := g.r.at(s)
			sl.sec, sl.v = s, g.level
		}
		g.lastSec = sec
	}
	// A second older than the ring's memory is gone; otherwise raise its peak.
	if sl := g.r.at(sec); sl.sec == sec && v > sl.v {
		sl.v = v
	}
	g.level = v
}

// Level returns the current level.
func (g *GaugeSeries) Level() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.level
}

// Values returns, for each of the last n completed lab seconds, oldest
// first, the highest level reached in that second. Seconds before the first
// level was set are 0.
func (g *GaugeSeries) Values(n int) []int64 { return g.AppendValues(nil, n) }

// AppendValues is Values appending to dst.
func (g *GaugeSeries) AppendValues(dst []int64, n int) []int64 {
	now := secondOf(g.now())
	g.mu.Lock()
	defer g.mu.Unlock()
	first, last, _ := g.r.window(now, n)
	for sec := first; sec <= last; sec++ {
		var v int64
		switch sl := g.r.at(sec); {
		case !g.started:
		case sec > g.lastSec:
			v = g.level
		case sl.sec == sec:
			v = sl.v
		}
		dst = append(dst, v)
	}
	return dst
}

// Reset forgets the history and sets the level to 0.
func (g *GaugeSeries) Reset() {
	g.mu.Lock()
	g.r = newRing(len(g.r.slots))
	g.level, g.lastSec, g.started = 0, 0, false
	g.mu.Unlock()
}

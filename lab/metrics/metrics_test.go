package metrics

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/clock"
)

func within(got, want time.Duration, frac float64) bool {
	return math.Abs(float64(got-want)) <= frac*float64(want)
}

func TestHistogramEmpty(t *testing.T) {
	var h Histogram // the zero value must work
	if s := h.Snapshot(); s != (LatencySnapshot{}) {
		t.Fatalf("empty snapshot = %+v", s)
	}
	if q := h.Quantile(0.5); q != 0 {
		t.Fatalf("empty quantile = %v", q)
	}
	h.Record(3 * time.Millisecond)
	if s := h.Snapshot(); s.Count != 1 || s.Min != 3*time.Millisecond || s.Max != 3*time.Millisecond || s.P99 != 3*time.Millisecond {
		t.Fatalf("one value: %+v", s)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	h := NewHistogram()
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	s := h.Snapshot()
	if s.Count != 1000 || s.Min != time.Millisecond || s.Max != time.Second {
		t.Fatalf("count/min/max: %+v", s)
	}
	if s.Mean != 500500*time.Microsecond {
		t.Fatalf("mean = %v, want 500.5ms", s.Mean)
	}
	for _, c := range []struct {
		name      string
		got, want time.Duration
	}{
		{"p50", s.P50, 500 * time.Millisecond},
		{"p90", s.P90, 900 * time.Millisecond},
		{"p99", s.P99, 990 * time.Millisecond},
		{"p99.9", s.P999, 999 * time.Millisecond},
		{"Quantile(0.75)", h.Quantile(0.75), 750 * time.Millisecond},
		{"Quantile(1)", h.Quantile(1), time.Second},
	} {
		// Three significant digits: within 0.1%.
		if !within(c.got, c.want, 0.001) {
			t.Errorf("%s = %v, want %v ±0.1%%", c.name, c.got, c.want)
		}
	}
	if q := h.Quantile(0); q != time.Millisecond {
		t.Errorf("Quantile(0) = %v, want the minimum 1ms", q)
	}
}

func TestHistogramRangeAndReset(t *testing.T) {
	h := NewHistogram()
	h.Record(10 * time.Minute)
	h.Record(-time.Second) // counts as zero
	h.Record(2 * time.Hour)
	s := h.Snapshot()
	if s.Count != 3 || s.Min != 0 || s.Max != 2*time.Hour {
		t.Fatalf("extremes: %+v", s)
	}
	if !within(s.P50, 10*time.Minute, 0.001) {
		t.Fatalf("p50 = %v, want 10m (a 10-minute request must be measurable)", s.P50)
	}
	if s.P99 > s.Max || s.P99 < time.Hour-time.Second {
		t.Fatalf("p99 = %v: a value above the range must clamp near 1h", s.P99)
	}
	h.Reset()
	if s := h.Snapshot(); s.Count != 0 || s.Max != 0 {
		t.Fatalf("after reset: %+v", s)
	}
	h.Record(time.Microsecond)
	if s := h.Snapshot(); s.Min != time.Microsecond || s.Count != 1 {
		t.Fatalf("after reset and one record: %+v", s)
	}
}

func TestHistogramConcurrent(t *testing.T) {
	h := NewHistogram()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				h.Record(time.Duration(g*1000+i) * time.Microsecond)
				if i%100 == 0 {
					h.Snapshot()
				}
			}
		})
	}
	wg.Wait()
	if s := h.Snapshot(); s.Count != 8000 || s.Max != 7999*time.Microsecond {
		t.Fatalf("concurrent: %+v", s)
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	h := NewHistogram()
	var sc StatusCounts
	var ta Tally
	ta.Add("x", 1)
	cs := NewCountSeries(nil, 0)
	gs := NewGaugeSeries(nil, 0)
	now := time.Now()
	allocs := testing.AllocsPerRun(1000, func() {
		h.Record(1234 * time.Microsecond)
		sc.Add(200)
		ta.Add("x", 1)
		cs.AddAt(now, 1)
		gs.AddAt(now, 1)
	})
	if allocs != 0 {
		t.Fatalf("hot path allocates %v times per call", allocs)
	}
}

// fakeNow is a settable clock reading for series tests.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

// at returns the fake time in second sec plus a fraction.
func at(sec int64, frac time.Duration) time.Time {
	return time.Unix(sec, 0).Add(frac)
}

func newTestCount(f *fakeNow, seconds int) *CountSeries {
	s := NewCountSeries(nil, seconds)
	s.now = f.now
	s.born = secondOf(f.now())
	return s
}

func TestCountSeries(t *testing.T) {
	f := &fakeNow{t: at(1000, 0)}
	s := newTestCount(f, 10)
	s.AddAt(at(1000, 100*time.Millisecond), 2)
	s.AddAt(at(1000, 900*time.Millisecond), 3)
	s.AddAt(at(1002, 0), 7)
	f.t = at(1003, 500*time.Millisecond)
	s.AddAt(f.t, 4) // the second in progress: not in Values
	if got, want := s.Values(5), []int64{0, 0, 5, 0, 7}; !slices.Equal(got, want) {
		t.Fatalf("Values(5) = %v, want %v", got, want)
	}
	if got := s.Current(); got != 4 {
		t.Fatalf("Current = %d, want 4", got)
	}
	// Born in second 1000: three complete seconds exist, 12 events.
	if got := s.Rate(60); got != 4 {
		t.Fatalf("Rate(60) on a young series = %v, want 12/3 = 4", got)
	}
	if got := s.Rate(1); got != 7 {
		t.Fatalf("Rate(1) = %v, want 7", got)
	}
	// Ten seconds later the ring has wrapped: seconds 1000 and 1002 are
	// forgotten, 1003 is the oldest remembered, and an event older than the
	// memory is dropped instead of polluting a slot.
	f.t = at(1013, 0)
	s.AddAt(at(1002, 0), 100)
	s.AddAt(at(1012, 0), 1)
	if got, want := s.Values(12), []int64{4, 0, 0, 0, 0, 0, 0, 0, 0, 1}; !slices.Equal(got, want) {
		t.Fatalf("after wrap Values(12) = %v, want %v (clamped to 10 seconds)", got, want)
	}
	s.Reset()
	if got := s.Rate(5); got != 0 {
		t.Fatalf("Rate after reset = %v", got)
	}
}

func TestCountSeriesNegativeTimes(t *testing.T) {
	if got := secondOf(time.Unix(-1, 500)); got != -1 {
		t.Fatalf("secondOf(-0.99999s) = %d, want -1 (floor)", got)
	}
	if got := secondOf(time.Unix(5, 999999999)); got != 5 {
		t.Fatalf("secondOf(5.999s) = %d", got)
	}
}

func TestGaugeSeries(t *testing.T) {
	f := &fakeNow{t: at(2000, 0)}
	g := NewGaugeSeries(nil, 8)
	g.now = f.now
	// Level 0 → 3 in second 2000, back to 1 in the same second.
	for range 3 {
		g.AddAt(at(2000, 10*time.Millisecond), 1)
	}
	g.AddAt(at(2000, 20*time.Millisecond), -1)
	g.AddAt(at(2000, 30*time.Millisecond), -1)
	// Nothing changes in 2001 and 2002; in 2003 it goes from 1 down to 0.
	g.AddAt(at(2003, 0), -1)
	// A sample in 2005.
	g.SetAt(at(2005, 0), 4)
	f.t = at(2007, 0)
	// Seconds 1998..2006: before the first level 0; 2000 peak 3; 2001 and
	// 2002 carry 1; 2003 starts at 1; 2004 carries 0; 2005 peak 4; 2006 carries 4.
	want := []int64{0, 0, 3, 1, 1, 1, 0, 4, 4}
	if got := g.Values(9); !slices.Equal(got, want[1:]) {
		t.Fatalf("Values(9) = %v, want %v (clamped to 8 seconds)", got, want[1:])
	}
	if got := g.Values(3); !slices.Equal(got, []int64{0, 4, 4}) {
		t.Fatalf("Values(3) = %v", got)
	}
	if g.Level() != 4 {
		t.Fatalf("Level = %d", g.Level())
	}
	// A long silence longer than the ring: everything carries the level.
	f.t = at(2100, 0)
	if got := g.Values(4); !slices.Equal(got, []int64{4, 4, 4, 4}) {
		t.Fatalf("after silence Values(4) = %v", got)
	}
	g.AddAt(at(2100, 0), -4)
	f.t = at(2102, 0)
	if got := g.Values(3); !slices.Equal(got, []int64{4, 4, 0}) {
		t.Fatalf("after a jump Values(3) = %v, want [4 4 0]", got)
	}
	g.Reset()
	if got := g.Values(3); !slices.Equal(got, []int64{0, 0, 0}) || g.Level() != 0 {
		t.Fatalf("after reset: %v level %d", got, g.Level())
	}
}

func TestSeriesOnScaledClock(t *testing.T) {
	// At speed 10 a lab second lasts 100 real milliseconds: events added
	// now are in a completed second after a short real sleep, and stay in
	// the 600-second memory for a real minute.
	s := NewCountSeries(clock.New(10), 0)
	s.Add(5)
	time.Sleep(250 * time.Millisecond)
	var sum int64
	for _, v := range s.Values(DefaultSeconds) {
		sum += v
	}
	if sum != 5 {
		t.Fatalf("events on a fast clock: sum %d, want 5", sum)
	}
}

func TestStatusCounts(t *testing.T) {
	var c StatusCounts
	for _, code := range []int{200, 200, 404, 500, 503, 99, 600, 101} {
		c.Add(code)
	}
	s := c.Snapshot()
	if s.Total != 8 || s.Class != [6]int64{2, 1, 2, 0, 1, 2} {
		t.Fatalf("snapshot %+v", s)
	}
	if s.Count(200) != 2 || s.Count(503) != 1 || s.Count(0) != 2 || s.Count(302) != 0 {
		t.Fatalf("Count: %+v", s.Codes)
	}
	want := []CodeCount{{0, 2}, {101, 1}, {200, 2}, {404, 1}, {500, 1}, {503, 1}}
	if !slices.Equal(s.Codes, want) {
		t.Fatalf("codes %v, want %v", s.Codes, want)
	}
	c.Reset()
	if c.Snapshot().Total != 0 {
		t.Fatal("reset")
	}
}

func TestTally(t *testing.T) {
	var ta Tally
	ta.Add("timeout", 2)
	ta.Add("connection refused", 1)
	ta.Add("timeout", 1)
	counts, total := ta.Snapshot()
	if total != 4 || !slices.Equal(counts, []KeyCount{{"connection refused", 1}, {"timeout", 3}}) {
		t.Fatalf("snapshot %v total %d", counts, total)
	}
	if ta.Get("timeout") != 3 || ta.Get("nope") != 0 {
		t.Fatal("Get")
	}
	ta.Reset()
	if _, total := ta.Snapshot(); total != 0 {
		t.Fatal("reset")
	}
}

func TestLevelPeak(t *testing.T) {
	var l Level
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				l.Inc()
				l.Dec()
			}
		})
	}
	wg.Wait()
	if l.Now() != 0 || l.Peak() < 1 || l.Peak() > 8 {
		t.Fatalf("now %d peak %d", l.Now(), l.Peak())
	}
	l.Inc()
	l.Inc()
	l.ResetPeak()
	if l.Peak() != 2 {
		t.Fatalf("ResetPeak: %d", l.Peak())
	}
}

package metrics

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// maxStatus bounds the status codes counted one by one; anything outside
// 100..599 is counted as "other" (code 0).
const maxStatus = 600

// StatusCounts counts HTTP status codes, exactly and by class. The zero
// value is ready to use; Add is lock-free and does not allocate.
type StatusCounts struct {
	codes [maxStatus]atomic.Int64 // index 0: codes outside 100..599
}

// Add counts one response with status code.
func (c *StatusCounts) Add(code int) {
	if code < 100 || code >= maxStatus {
		code = 0
	}
	c.codes[code].Add(1)
}

// Reset sets every count to zero.
func (c *StatusCounts) Reset() {
	for i := range c.codes {
		c.codes[i].Store(0)
	}
}

// CodeCount is one status code and how often it was seen.
type CodeCount struct {
	Code  int // 0: a code outside 100..599
	Count int64
}

// StatusSnapshot is what a StatusCounts held at one moment.
type StatusSnapshot struct {
	Total int64
	// Class[1] to Class[5] count 1xx to 5xx; Class[0] counts other codes.
	Class [6]int64
	Codes []CodeCount // the codes seen, ascending
}

// Snapshot reads every count once.
func (c *StatusCounts) Snapshot() StatusSnapshot {
	var s StatusSnapshot
	for code := range c.codes {
		n := c.codes[code].Load()
		if n == 0 {
			continue
		}
		s.Total += n
		s.Class[code/100] += n
		s.Codes = append(s.Codes, CodeCount{Code: code, Count: n})
	}
	return s
}

// Count returns how often code was seen (0 for codes outside 100..599
// returns the "other" count).
func (s StatusSnapshot) Count(code int) int64 {
	if code < 100 || code >= maxStatus {
		code = 0
	}
	for _, cc := range s.Codes {
		if cc.Code == code {
			return cc.Count
		}
	}
	return 0
}

// Tally counts events by a short key, such as a failure reason. The zero
// value is ready to use. Add does not allocate once a key has been seen.
type Tally struct {
	mu sync.Mutex
	m  map[string]int64
}

// Add counts n events under key.
func (t *Tally) Add(key string, n int64) {
	t.mu.Lock()
	if t.m == nil {
		t.m = make(map[string]int64)
	}
	t.m[key] += n
	t.mu.Unlock()
}

// Get returns the count under key.
func (t *Tally) Get(key string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[key]
}

// KeyCount is one key of a Tally and its count.
type KeyCount struct {
	Key   string
	Count int64
}

// Snapshot returns every key with its count, sorted by key, and the total.
func (t *Tally) Snapshot() (counts []KeyCount, total int64) {
	t.mu.Lock()
	for k, n := range t.m {
		counts = append(counts, KeyCount{Key: k, Count: n})
		total += n
	}
	t.mu.Unlock()
	slices.SortFunc(counts, func(a, b KeyCount) int { return strings.Compare(a.Key, b.Key) })
	return counts, total
}

// Reset forgets every key.
func (t *Tally) Reset() {
	t.mu.Lock()
	t.m = nil
	t.mu.Unlock()
}

// Level is a level that goes up and down (requests in flight) and
// remembers the highest it reached. The zero value is ready to use; Inc and
// Dec are lock-free.
type Level struct {
	cur, peak atomic.Int64
}

// Inc raises the level by one and returns the new level.
func (l *Level) Inc() int64 {
	v := l.cur.Add(1)
	for {
		p := l.peak.Load()
		if v <= p || l.peak.CompareAndSwap(p, v) {
			return v
		}
	}
}

// Dec lowers the level by one and returns the new level.
func (l *Level) Dec() int64 { return l.cur.Add(-1) }

// Now returns the current level.
func (l *Level) Now() int64 { return l.cur.Load() }

// Peak returns the highest level reached since the start or ResetPeak.
func (l *Level) Peak() int64 { return l.peak.Load() }

// ResetPeak restarts the peak from the current level.
func (l *Level) ResetPeak() { l.peak.Store(l.cur.Load()) }

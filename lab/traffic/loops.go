package traffic

import (
	"time"
)

// reserve counts one more request against the Requests bound; false when
// the bound is reached, which ends the run.
func (g *Generator) reserve() bool {
	if g.cfg.Requests == 0 {
		g.sent.Add(1)
		return true
	}
	for {
		n := g.sent.Load()
		if n >= g.cfg.Requests {
			g.stopIssuing()
			return false
		}
		if g.sent.CompareAndSwap(n, n+1) {
			if n+1 == g.cfg.Requests {
				g.stopIssuing()
			}
			return true
		}
	}
}

// worker is one closed-loop client: send, wait for the answer, think,
// repeat, until the run ends or the client is retired.
func (g *Generator) worker(c *client) {
	defer g.wg.Done()
	for g.waitResumed(g.issueCtx) {
		start, step := g.beginRequest(c)
		switch step {
		case stepEnd:
			return
		case stepPaused:
			continue
		}
		g.finish(g.exchange(c, c.pick(), start))
		if g.cfg.Think > 0 && !g.clk.Sleep(g.issueCtx, g.cfg.Think) {
			return
		}
	}
}

// over reports whether the run takes no more requests. Both contexts are
// checked: a context's Done channel closes before its children are
// cancelled, so a goroutine woken by Stop can still see issueCtx alive.
func (g *Generator) over() bool { return g.ctx.Err() != nil || g.issueCtx.Err() != nil }

// What a loop does next.
const (
	stepGo     = iota // a request was issued
	stepPaused        // paused meanwhile: wait for Resume
	stepEnd           // the run or this client is over
)

// beginRequest issues a closed-loop request of c: counted as sent and in
// flight. It runs under the issue gate, so that once Pause or SetClients
// returns, no request they forbid starts.
func (g *Generator) beginRequest(c *client) (time.Time, int) {
	g.gate.RLock()
	defer g.gate.RUnlock()
	switch {
	case g.over():
		return time.Time{}, stepEnd
	case !g.keepWorking(c):
		return time.Time{}, stepEnd
	case g.pausedFlag.Load():
		return time.Time{}, stepPaused
	case !g.reserve():
		return time.Time{}, stepEnd
	}
	start := g.clk.Now()
	g.sentPS.AddAt(start, 1)
	g.inFlight.Inc()
	return start, stepGo
}

// keepWorking reports whether c's worker goes on; a retired worker marks
// itself stopped under the lock, so that SetClients can restart it.
func (g *Generator) keepWorking(c *client) bool {
	if c.want.Load() {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.want.Load() {
		return true
	}
	c.running = false
	return false
}

// Timing limits of the open loop, in real time: behind schedule by more
// than lagBehind, the generator says it cannot keep the rate; by more than
// lagSkip, it gives up the arrivals it missed (counting them in Skipped)
// instead of sending them in one burst.
const (
	lagBehind = 100 * time.Millisecond
	lagSkip   = time.Second
)

// schedule is the open loop: arrival k of the current schedule is due at
// anchor + k/rate (lab time), whatever happened to the earlier ones, so a
// slow answer never delays the next arrival and timer lateness does not
// accumulate.
func (g *Generator) schedule() {
	defer g.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var (
		anchor time.Time
		k      int64
		rate   float64
		seen   = ^uint64(0)
		rr     int
	)
	for {
		if !g.waitResumed(g.issueCtx) {
			return
		}
		g.mu.Lock()
		epoch, r, paused := g.epoch, g.rate, g.paused
		g.mu.Unlock()
		if paused {
			continue
		}
		if epoch != seen {
			seen, rate, anchor, k = epoch, r, g.clk.Now(), 0
			g.arrN.Store(0)
			g.arrSkipped.Store(0)
		}
		now := g.clk.Now()
		due := anchor.Add(time.Duration(float64(k) / rate * float64(time.Second)))
		if wait := due.Sub(now); wait > 0 {
			g.lag.Store(0)
			timer.Reset(g.clk.Real(wait))
			select {
			case <-timer.C:
			case <-g.wake:
				// Since Go 1.23 a stopped timer delivers nothing stale.
				timer.Stop()
			case <-g.issueCtx.Done():
				return
			}
			continue
		}
		lag := now.Sub(due)
		if lag > g.clk.Lab(lagSkip) {
			// Too far behind to catch up: skip to the arrival due now.
			now64 := int64(float64(now.Sub(anchor)) * rate / float64(time.Second))
			g.skipped.Add(now64 - k)
			g.arrSkipped.Add(now64 - k)
			k = now64
			lag = 0
		}
		g.lag.Store(int64(lag))
		switch g.arrive(now, rr) {
		case stepEnd:
			return
		case stepPaused:
			continue
		}
		rr++
		k++
	}
}

// arrive issues one open-loop arrival at lab time now with the rr-th
// client in use, under the issue gate (see beginRequest).
func (g *Generator) arrive(now time.Time, rr int) int {
	g.gate.RLock()
	defer g.gate.RUnlock()
	if g.over() {
		return stepEnd
	}
	if g.pausedFlag.Load() {
		return stepPaused
	}
	clients := *g.activeClients.Load()
	if len(clients) == 0 {
		g.skipped.Add(1) // no client to send it
		return stepGo
	}
	c := clients[rr%len(clients)]
	rq := c.pick()
	if !g.reserve() {
		return stepEnd
	}
	g.sentPS.AddAt(now, 1)
	if g.arrN.Add(1) == 1 {
		g.arrFirst.Store(now.UnixNano())
	}
	g.arrLast.Store(now.UnixNano())
	if g.inFlight.Now() >= int64(g.cfg.MaxInFlight) {
		// Not sent, but never silently dropped: a failure with its reason.
		g.finishFailed(Result{Client: c.src, Group: c.group.name, Method: rq.method, Path: rq.path, Start: now, Err: ReasonTooMany})
		return stepGo
	}
	g.inFlight.Inc()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.finish(g.exchange(c, rq, now))
	}()
	return stepGo
}

// finish counts a request that was in flight, then tells the callback.
// The bucket is counted before in-flight drops, so that a snapshot never
// sees a request in no bucket at all.
func (g *Generator) finish(res Result) {
	end := res.Start.Add(res.Latency)
	if res.Err == "" {
		g.status.Add(res.Status)
		g.latency.Record(res.Latency)
		g.apps.Add(res.App, 1)
		g.okPS.AddAt(end, 1)
	} else {
		g.reasons.Add(res.Err, 1)
		g.failPS.AddAt(end, 1)
	}
	g.inFlight.Dec()
	if g.cfg.OnResult != nil {
		g.cfg.OnResult(res)
	}
}

// finishFailed counts a request that failed before it was in flight.
func (g *Generator) finishFailed(res Result) {
	g.reasons.Add(res.Err, 1)
	g.failPS.AddAt(res.Start, 1)
	if g.cfg.OnResult != nil {
		g.cfg.OnResult(res)
	}
}

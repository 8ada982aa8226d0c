// Package clock owns the lab's time scale: every wait in the lab and the
// proxy goes through a Clock, so a run at --speed X does the same work in
// 1/X of the wall-clock time. Lab time runs X times faster than real time:
// durations shrink by X when they are waited for, and elapsed real time is
// multiplied by X when it is measured.
//
// A nil *Clock is valid and means real time (speed 1), so packages that
// take a clock work standalone.
package clock

import (
	"context"
	"time"
)

// Clock converts between lab time and real time at a fixed speed.
type Clock struct {
	speed float64
	start time.Time // real start
}

// New returns a clock running speed times faster than real time.
// A speed <= 0 is treated as 1.
func New(speed float64) *Clock {
	if speed <= 0 {
		speed = 1
	}
	return &Clock{speed: speed, start: time.Now()}
}

// Speed reports how many lab seconds pass per real second.
func (c *Clock) Speed() float64 {
	if c == nil {
		return 1
	}
	return c.speed
}

// Real converts a lab duration into the real duration to wait for it.
func (c *Clock) Real(d time.Duration) time.Duration {
	if c == nil || c.speed == 1 || d <= 0 {
		return d
	}
	r := time.Duration(float64(d) / c.speed)
	if r == 0 && d > 0 {
		r = 1 // never turn a positive wait into "no wait at all"
	}
	return r
}

// Lab converts a real duration that has passed into lab time.
func (c *Clock) Lab(d time.Duration) time.Duration {
	if c == nil || c.speed == 1 {
		return d
	}
	return time.Duration(float64(d) * c.speed)
}

// Now returns the lab's current time: the real start plus the lab time
// elapsed since. Differences of Now values are lab durations.
func (c *Clock) Now() time.Time {
	if c == nil || c.speed == 1 {
		return time.Now()
	}
	return c.start.Add(c.Lab(time.Since(c.start)))
}

// Since returns the lab time elapsed since t, a value from Now.
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// NewTimer starts a real timer that fires after lab duration d.
func (c *Clock) NewTimer(d time.Duration) *time.Timer { return time.NewTimer(c.Real(d)) }

// After fires after lab duration d.
func (c *Clock) After(d time.Duration) <-chan time.Time { return time.After(c.Real(d)) }

// NewTicker ticks every lab duration d.
func (c *Clock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(c.Real(d)) }

// Sleep waits lab duration d, or until ctx is done; it reports whether the
// whole duration passed.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Deadline returns the real time at which lab duration d from now ends,
// for net.Conn deadlines. A zero or negative d means no deadline.
func (c *Clock) Deadline(d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(c.Real(d))
}

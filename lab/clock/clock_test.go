package clock

import (
	"context"
	"testing"
	"time"
)

func TestNilClockIsRealTime(t *testing.T) {
	var c *Clock
	if c.Speed() != 1 || c.Real(time.Second) != time.Second || c.Lab(time.Second) != time.Second {
		t.Fatalf("nil clock must be real time")
	}
}

func TestScaledConversions(t *testing.T) {
	c := New(100)
	if got := c.Real(5 * time.Second); got != 50*time.Millisecond {
		t.Fatalf("Real(5s) at x100 = %v, want 50ms", got)
	}
	if got := c.Lab(50 * time.Millisecond); got != 5*time.Second {
		t.Fatalf("Lab(50ms) at x100 = %v, want 5s", got)
	}
	if got := c.Real(1); got != 1 {
		t.Fatalf("a positive wait must stay positive, got %v", got)
	}
}

func TestSleepIsScaledAndCancellable(t *testing.T) {
	c := New(1000)
	start := time.Now()
	if !c.Sleep(context.Background(), 5*time.Second) {
		t.Fatal("sleep reported cancelled")
	}
	if real := time.Since(start); real > 2*time.Second {
		t.Fatalf("5 lab seconds at x1000 took %v of real time", real)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c.Sleep(ctx, time.Hour) {
		t.Fatal("sleep on a cancelled context reported a full wait")
	}
}

func TestNowAdvancesAtSpeed(t *testing.T) {
	c := New(50)
	t0 := c.Now()
	time.Sleep(20 * time.Millisecond)
	if el := c.Since(t0); el < 900*time.Millisecond {
		t.Fatalf("20ms real at x50 gave only %v of lab time", el)
	}
}

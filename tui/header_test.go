package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/lab"
)

// The traffic text says what is sent and what reaches the servers, and
// never calls the rate of requests sent "got".
func TestTrafficText(t *testing.T) {
	m := newDirect(t, trioLab(), Options{NoColor: true}, 160, 40)
	l := lineWith(screen(m), "traffic ")
	for _, want := range []string{"open 10.0/s", "10 clients", "sent 830 at 10.0/s", "to servers 10.0/s", "2 failed"} {
		if !strings.Contains(l, want) {
			t.Errorf("traffic line lacks %q: %q", want, l)
		}
	}
	for _, bad := range []string{"got ", "failed 2", "OVERLOAD", "servers get"} {
		if strings.Contains(l, bad) {
			t.Errorf("traffic line holds %q: %q", bad, l)
		}
	}
	f := labWith(1, 10, 0)
	f.snap.Traffic.Clients = 1
	m = newDirect(t, f, Options{NoColor: true}, 160, 40)
	if l := lineWith(screen(m), "traffic "); !strings.Contains(l, " 1 client ·") {
		t.Errorf("one client is not singular: %q", l)
	}
}

// A proxy that forwards a trickle of what is sent must not look normal:
// the header says OVERLOAD and the traffic text starts with the warning
// and the failures, where even an 80-column screen shows them.
func TestOverloadVisible(t *testing.T) {
	overload := func(f *fakeLab) {
		f.snap.Traffic.AchievedRate, f.snap.Traffic.Rate = 1000, 1000
		f.snap.Traffic.Failed = 403
		f.snap.Backends[0].RPS = 0.2
	}
	cases := []struct {
		name  string
		setup func(f *fakeLab)
		want  bool
	}{
		{"normal", func(*fakeLab) {}, false},
		{"stalled", overload, true},
		{"paused", func(f *fakeLab) { overload(f); f.snap.Traffic.Paused = true }, false},
		{"trickle", func(f *fakeLab) {
			f.snap.Traffic.AchievedRate, f.snap.Backends[0].RPS = 0.5, 0
		}, false},
		// the rules deny 60 % before any server sees a request: 40 % reaching
		// them is all of what should
		{"denied by rules", func(f *fakeLab) {
			fe := &f.snap.Frontends[0].FrontendStats
			fe.Denied = fe.Requests * 6 / 10
			f.snap.Backends[0].RPS = 4
		}, false},
		{"denied, and the rest stalled", func(f *fakeLab) {
			fe := &f.snap.Frontends[0].FrontendStats
			fe.Denied = fe.Requests * 6 / 10
			f.snap.Backends[0].RPS = 1
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := trioLab()
			c.setup(f)
			m := newDirect(t, f, Options{NoColor: true}, 80, 24)
			s := screen(m)
			title, traffic := strings.Split(s, "\n")[0], lineWith(s, "traffic ")
			if got := strings.Contains(title, "▲ OVERLOAD"); got != c.want {
				t.Errorf("OVERLOAD in the header = %v, want %v:\n%s", got, c.want, s)
			}
			if !c.want {
				return
			}
			want := "traffic servers get 0.2/s of 1000/s · 403 failed"
			if strings.HasPrefix(c.name, "denied") {
				want = "traffic servers get 1.0/s of 10.0/s · 2 failed"
			}
			if !strings.Contains(traffic, want) {
				t.Errorf("traffic line = %q, want it to hold %q", traffic, want)
			}
		})
	}
}

// With colour, the overload warning is drawn in the alarm colour.
func TestOverloadColour(t *testing.T) {
	f := trioLab()
	f.snap.Traffic.AchievedRate, f.snap.Backends[0].RPS = 1000, 0.2
	m := newDirect(t, f, Options{}, 160, 40)
	l := lineWith(screen(m), "servers get")
	if !strings.Contains(l, m.th.bad.pre+"servers get 0.2/s") {
		t.Errorf("the warning is not in the alarm colour: %q", l)
	}
}

// Paused traffic says so in words; the clock goes on.
func TestPausedHeader(t *testing.T) {
	f := trioLab()
	f.snap.Traffic.Paused = true
	m := newDirect(t, f, Options{NoColor: true}, 100, 30)
	title := strings.Split(screen(m), "\n")[0]
	if !strings.Contains(title, "‖ traffic paused") || strings.Contains(title, "PAUSED") {
		t.Errorf("header = %q", title)
	}
}

// Events are stamped with lab time since the reset, like the header's t,
// not with the lab clock's time of day (which runs ahead at any speed
// above 1).
func TestEventStamps(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{NoColor: true}, 100, 30)
	// the snapshot is at 83 s since the reset; the event 2 s before it
	status := strings.Split(screen(m), "\n")[30-2]
	if want := "t 1m21s server2 is UP (L7OK)"; !strings.HasPrefix(status, want) {
		t.Errorf("status line = %q, want %q", status, want)
	}
	if strings.Contains(status, "15:09") {
		t.Errorf("status line shows a time of day: %q", status)
	}
	s := &f.snap
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{s.Time, "t 1m23s"},
		{s.Time.Add(-s.Elapsed), "t 0s"},
		{s.Time.Add(-s.Elapsed - 12*time.Second), "t -12s"},
	} {
		if got := eventText(s, lab.Event{Time: c.at, Text: "x"}); got != c.want+" x" {
			t.Errorf("event at %v: %q, want %q", c.at, got, c.want+" x")
		}
	}
}

package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// The traffic controls: rate and clients up and down, pause.

// rateSteps and clientSteps are the ladders the +/- and >/< keys climb.
// They start above 0: the lab wants a rate above 0 and at least one
// client, and stopping the traffic is what space (pause) is for.
var (
	rateSteps   = [...]float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}
	clientSteps = [...]int{1, 2, 3, 4, 5, 8, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000}
)

// noTraffic is why traffic keys do nothing in a lab without a generator.
const noTraffic = "this lab sends no traffic (start lblab with --rate or --clients)"

func (m *model) stepRate(dir int) tea.Cmd {
	tr := &m.snap.Traffic
	switch {
	case !tr.Enabled:
		return m.fail(noTraffic)
	case tr.Mode == "closed":
		// a closed loop has no rate to set: each client sends its next
		// request when the last one is answered
		return m.fail("closed-loop traffic: each client waits for its answer; > and < change the clients")
	}
	cur := tr.Rate
	if c, ok := m.pending["rate"]; ok {
		cur = c.val.(float64)
	}
	next := step(rateSteps[:], cur, dir)
	if next == cur {
		if dir < 0 {
			return m.fail("traffic rate is at its minimum (%s/s); space pauses", fmtRate(cur))
		}
		return m.fail("traffic rate is at its maximum (%s/s)", fmtRate(cur))
	}
	m.expect("rate", next)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetRate(next); err != nil {
			return doneMsg{err: fmt.Errorf("cannot set the rate to %s/s: %w", fmtRate(next), err)}
		}
		return doneMsg{text: "traffic rate " + fmtRate(next) + "/s"}
	})
}

func (m *model) stepClients(dir int) tea.Cmd {
	if !m.snap.Traffic.Enabled {
		return m.fail(noTraffic)
	}
	cur := m.snap.Traffic.Clients
	if c, ok := m.pending["clients"]; ok {
		cur = c.val.(int)
	}
	next := step(clientSteps[:], cur, dir)
	if next == cur {
		if dir < 0 {
			return m.fail("clients are at their minimum (%d); space pauses", cur)
		}
		return m.fail("clients are at their maximum (%d)", cur)
	}
	m.expect("clients", next)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetClients(next); err != nil {
			return doneMsg{err: fmt.Errorf("cannot set clients to %d: %w", next, err)}
		}
		return doneMsg{text: plural(next, "client")}
	})
}

// step is the next value of the ladder above (dir 1) or below cur; cur
// itself at the end of the ladder.
func step[T int | float64](steps []T, cur T, dir int) T {
	if dir > 0 {
		for _, s := range steps {
			if s > cur {
				return s
			}
		}
		return cur
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i] < cur {
			return steps[i]
		}
	}
	return cur
}

func (m *model) togglePause() tea.Cmd {
	if !m.snap.Traffic.Enabled {
		return m.fail(noTraffic)
	}
	paused := m.snap.Traffic.Paused
	if c, ok := m.pending["paused"]; ok {
		paused = c.val.(bool)
	}
	m.expect("paused", !paused)
	return m.labCmd(func(l Lab) doneMsg {
		if paused {
			l.Resume()
			return doneMsg{text: "traffic resumed"}
		}
		l.Pause()
		return doneMsg{text: "traffic paused; the lab clock keeps running"}
	})
}

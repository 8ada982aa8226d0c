package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// The traffic controls: rate and clients up and down, pause.

// rateSteps and clientSteps are the ladders the +/- and >/< keys climb.
var (
	rateSteps   = [...]float64{0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}
	clientSteps = [...]int{0, 1, 2, 3, 4, 5, 8, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000}
)

func (m *model) stepRate(dir int) tea.Cmd {
	cur := m.snap.Traffic.Rate
	if c, ok := m.pending["rate"]; ok {
		cur = c.val.(float64)
	}
	next := stepFloat(rateSteps[:], cur, dir)
	if next == cur {
		return m.fail("traffic rate is already at its %s (%s/s)", endWord(dir), fmtRate(cur))
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
	cur := m.snap.Traffic.Clients
	if c, ok := m.pending["clients"]; ok {
		cur = c.val.(int)
	}
	next := stepInt(clientSteps[:], cur, dir)
	if next == cur {
		return m.fail("clients are already at their %s (%d)", endWord(dir), cur)
	}
	m.expect("clients", next)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetClients(next); err != nil {
			return doneMsg{err: fmt.Errorf("cannot set clients to %d: %w", next, err)}
		}
		return doneMsg{text: fmt.Sprintf("%d clients", next)}
	})
}

func endWord(dir int) string {
	if dir > 0 {
		return "maximum"
	}
	return "minimum"
}

// stepFloat is the next value of the ladder above (dir 1) or below cur.
func stepFloat(steps []float64, cur float64, dir int) float64 {
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

func stepInt(steps []int, cur, dir int) int {
	f := make([]float64, len(steps))
	for i, s := range steps {
		f[i] = float64(s)
	}
	return int(stepFloat(f, float64(cur), dir))
}

func (m *model) togglePause() tea.Cmd {
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
		return doneMsg{text: "traffic paused"}
	})
}

package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// The server controls, on the selected server: its app stopped or
// started, slow or fast; its weight; its administrative state; servers
// added and removed.

// target is the selected server, its backend, and its app when it is an
// in-process one.
func (m *model) target() (*lab.Backend, *lab.Server, *lab.App) {
	b, s := m.sel.backend(&m.snap), m.sel.server(&m.snap)
	if b == nil || s == nil {
		return nil, nil, nil
	}
	var app *lab.App
	if i, ok := m.apps[s.App]; ok && s.App != "" {
		app = &m.snap.Apps[i]
	}
	return b, s, app
}

func (m *model) toggleApp() tea.Cmd {
	_, s, app := m.target()
	if s == nil {
		return m.fail("no server selected")
	}
	if app == nil {
		return m.fail("%s is an external server: the lab has no app to stop or start", s.Name)
	}
	running := app.Running
	if c, ok := m.pending["run/"+app.Name]; ok {
		running = c.val.(bool)
	}
	// the command runs on another goroutine: it gets copies, never a
	// pointer into the snapshot the UI goroutine owns
	name, srv := app.Name, s.Name
	m.expect("run/"+name, !running)
	return m.labCmd(func(l Lab) doneMsg {
		if running {
			if err := l.StopApp(name); err != nil {
				return doneMsg{err: fmt.Errorf("cannot stop %s: %w", name, err)}
			}
			return doneMsg{text: "stopped " + name + "; health checks will mark " + srv + " DOWN"}
		}
		if err := l.StartApp(name); err != nil {
			return doneMsg{err: fmt.Errorf("cannot start %s: %w", name, err)}
		}
		return doneMsg{text: "started " + name + "; health checks will mark " + srv + " UP"}
	})
}

func (m *model) toggleSlow() tea.Cmd {
	_, s, app := m.target()
	if s == nil {
		return m.fail("no server selected")
	}
	if app == nil {
		return m.fail("%s is an external server: the lab cannot change its delay", s.Name)
	}
	delay := app.Delay
	if c, ok := m.pending["delay/"+app.Name]; ok {
		delay = c.val.(time.Duration)
	}
	next := SlowDelay
	if delay > 0 {
		next = 0
	}
	name := app.Name
	m.expect("delay/"+name, next)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetAppDelay(name, next); err != nil {
			return doneMsg{err: fmt.Errorf("cannot change %s's delay: %w", name, err)}
		}
		if next == 0 {
			return doneMsg{text: name + " is fast: it answers at once"}
		}
		return doneMsg{text: name + " is slow: it answers after " + fmtDur(next)}
	})
}

func (m *model) stepWeight(dir int) tea.Cmd {
	b, s, _ := m.target()
	if s == nil {
		return m.fail("no server selected")
	}
	k := "weight/" + b.Name + "/" + s.Name
	cur := s.Weight
	if c, ok := m.pending[k]; ok {
		cur = c.val.(int)
	}
	next := cur + dir
	if next < 0 {
		return m.fail("cannot lower %s's weight: it is already 0 (the lowest)", s.Name)
	}
	if next > balance.MaxWeight {
		return m.fail("cannot raise %s's weight: %d is the highest", s.Name, balance.MaxWeight)
	}
	be, srv := b.Name, s.Name
	m.expect(k, next)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetWeight(be, srv, next); err != nil {
			return doneMsg{err: fmt.Errorf("cannot set %s's weight to %d: %w", srv, next, err)}
		}
		return doneMsg{text: fmt.Sprintf("%s/%s weight %d", be, srv, next)}
	})
}

// adminState reads a server's administrative state from its status.
func adminState(s *lab.Server) proxy.AdminState {
	switch {
	case strings.HasPrefix(s.Status, "MAINT"):
		return proxy.Maint
	case strings.HasPrefix(s.Status, "DRAIN"):
		return proxy.Drain
	}
	return proxy.Ready
}

func (m *model) toggleState(st proxy.AdminState) tea.Cmd {
	b, s, _ := m.target()
	if s == nil {
		return m.fail("no server selected")
	}
	cur := adminState(s)
	if c, ok := m.pending["state/"+b.Name+"/"+s.Name]; ok {
		cur = c.val.(proxy.AdminState)
	}
	if cur == st {
		st = proxy.Ready
	}
	return m.setState(st)
}

var stateWords = [...]string{proxy.Ready: "ready", proxy.Drain: "drain", proxy.Maint: "maint"}

func (m *model) setState(st proxy.AdminState) tea.Cmd {
	b, s, _ := m.target()
	if s == nil {
		return m.fail("no server selected")
	}
	be, srv := b.Name, s.Name
	m.expect("state/"+be+"/"+srv, st)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetState(be, srv, st); err != nil {
			return doneMsg{err: fmt.Errorf("cannot set %s to %s: %w", srv, stateWords[st], err)}
		}
		return doneMsg{text: fmt.Sprintf("%s/%s state %s", be, srv, stateWords[st])}
	})
}

func (m *model) addServer() tea.Cmd {
	b := m.sel.backend(&m.snap)
	if b == nil {
		return m.fail("no backend to add a server to")
	}
	be := b.Name
	return m.labCmd(func(l Lab) doneMsg {
		name, err := l.AddServer(be)
		if err != nil {
			return doneMsg{err: fmt.Errorf("cannot add a server to %s: %w", be, err)}
		}
		return doneMsg{text: "added " + name + " to " + be}
	})
}

func (m *model) removeServer() tea.Cmd {
	b, s, _ := m.target()
	if s == nil {
		return m.fail("no server selected")
	}
	be, srv := b.Name, s.Name
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.RemoveServer(be, srv); err != nil {
			return doneMsg{err: fmt.Errorf("cannot remove %s: %w", srv, err)}
		}
		return doneMsg{text: "removed " + srv + " from " + be}
	})
}

package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/proxy"
)

// doneMsg is the outcome of a lab command.
type doneMsg struct {
	text string
	err  error
	// opened is set by the picker's command: the lab now runs that scenario.
	opened string
	// ticket is the command's place in the order they were issued.
	ticket int64
}

// labCmd runs f against the lab off the UI goroutine, after every command
// issued before it and before every command issued after it, so two quick
// presses apply in order and a slow lab call never freezes the screen. f
// gets the lab current when it runs (the picker may have replaced it).
func (m *model) labCmd(f func(l Lab) doneMsg) tea.Cmd {
	prev, mine := m.lastCmd, make(chan struct{})
	m.lastCmd = mine
	m.issued++
	ref, ticket := m.ref, m.issued
	return func() tea.Msg {
		defer close(mine)
		select {
		case <-prev:
		case <-ref.ctx.Done():
			return nil
		}
		l, _, ok := ref.acquire()
		if !ok {
			return nil
		}
		defer ref.release()
		msg := f(l)
		msg.ticket = ticket
		ref.applied.Add(1)
		return msg
	}
}

// expect records the effect of the command about to be issued, under k,
// until a snapshot taken after that command ran shows it.
func (m *model) expect(k string, v any) {
	m.pending[k] = change{val: v, ticket: m.issued + 1}
}

func (m *model) onDone(msg doneMsg) tea.Cmd {
	if msg.opened != "" {
		m.overlay = noOverlay
		m.sel = selection{}
		m.pending = map[string]change{}
		m.haveSnap = false
		m.logs = nil
	}
	if msg.err != nil {
		// the lab refused: what the command expected will not come, and
		// must not be the base of the next key (rate down from a refused 0)
		for k, c := range m.pending {
			if c.ticket == msg.ticket {
				delete(m.pending, k)
			}
		}
		m.status.set(msg.err.Error(), true, m.now())
	} else if msg.text != "" {
		m.status.set(msg.text, false, m.now())
	}
	return nil
}

// fail shows why a control cannot apply, without asking the lab.
func (m *model) fail(format string, args ...any) tea.Cmd {
	m.status.set(fmt.Sprintf(format, args...), true, m.now())
	return nil
}

// onKey routes a key press: to the overlay that is open, else to the
// dashboard's controls.
func (m *model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	switch m.overlay {
	case pickerOverlay:
		return m.pickerKey(msg)
	case chooserOverlay:
		return m.chooserKey(msg)
	case helpOverlay, notesOverlay:
		switch {
		case key.Matches(msg, m.keys.Quit):
			return tea.Quit
		case key.Matches(msg, m.keys.Close),
			m.overlay == helpOverlay && key.Matches(msg, m.keys.Help),
			m.overlay == notesOverlay && key.Matches(msg, m.keys.Notes):
			m.overlay = noOverlay
		case key.Matches(msg, m.keys.Up):
			m.scroll(-1)
		case key.Matches(msg, m.keys.Down):
			m.scroll(1)
		}
		return nil
	}
	return m.dashboardKey(msg)
}

// scroll moves the open overlay's text by d lines, within its range.
func (m *model) scroll(d int) {
	if m.overlay == notesOverlay {
		m.notes.top += d
	} else {
		m.helpTop += d
	}
	m.clampScroll()
}

func (m *model) dashboardKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.overlay, m.helpTop = helpOverlay, 0
	case key.Matches(msg, k.Close):
		m.status.clear()
	case key.Matches(msg, k.Up):
		m.sel.move(&m.snap, -1)
	case key.Matches(msg, k.Down):
		m.sel.move(&m.snap, 1)
	case key.Matches(msg, k.NextBackend):
		m.sel.cycleBackend(&m.snap, 1)
	case key.Matches(msg, k.PrevBackend):
		m.sel.cycleBackend(&m.snap, -1)
	case key.Matches(msg, k.Log):
		m.log.on = !m.log.on
	case key.Matches(msg, k.Notes):
		if strings.TrimSpace(m.snap.Notes) == "" {
			return m.fail("this lab has no teaching notes")
		}
		m.notes.top = 0
		m.overlay = notesOverlay
	case key.Matches(msg, k.Scenarios):
		return m.openPicker()
	case key.Matches(msg, k.AlgoChooser):
		return m.openChooser()
	default:
		return m.controlKey(msg)
	}
	return nil
}

// controlKey handles the keys that change the lab.
func (m *model) controlKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	switch {
	case key.Matches(msg, k.AlgoNext):
		return m.cycleAlgo()
	case key.Matches(msg, k.AlgoPick):
		return m.pickAlgo(digit(msg))
	case key.Matches(msg, k.HashType):
		return m.toggleHash()
	case key.Matches(msg, k.RateUp):
		return m.stepRate(1)
	case key.Matches(msg, k.RateDown):
		return m.stepRate(-1)
	case key.Matches(msg, k.ClientsUp):
		return m.stepClients(1)
	case key.Matches(msg, k.ClientsDown):
		return m.stepClients(-1)
	case key.Matches(msg, k.Pause):
		return m.togglePause()
	case key.Matches(msg, k.Reset):
		return m.labCmd(func(l Lab) doneMsg {
			l.ResetCounters()
			return doneMsg{text: "counters reset"}
		})
	case key.Matches(msg, k.StartStop):
		return m.toggleApp()
	case key.Matches(msg, k.SlowFast):
		return m.toggleSlow()
	case key.Matches(msg, k.WeightUp):
		return m.stepWeight(1)
	case key.Matches(msg, k.WeightDown):
		return m.stepWeight(-1)
	case key.Matches(msg, k.Drain):
		return m.toggleState(proxy.Drain)
	case key.Matches(msg, k.Maint):
		return m.toggleState(proxy.Maint)
	case key.Matches(msg, k.Ready):
		return m.setState(proxy.Ready)
	case key.Matches(msg, k.Add):
		return m.addServer()
	case key.Matches(msg, k.Remove):
		return m.removeServer()
	}
	return nil
}

package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// pickerModel is the scenario picker (p): the built-in scenarios, one per
// line; enter restarts the lab on the chosen one through Options.Open.
//
// It is a small list of its own rather than bubbles/list: that package
// needs modules (github.com/atotto/clipboard, github.com/sahilm/fuzzy)
// that go.sum does not hold.
type pickerModel struct {
	items  []ScenarioInfo
	cursor int
}

func (m *model) openPicker() tea.Cmd {
	if m.opts.Open == nil || len(m.opts.Scenarios) == 0 {
		return m.fail("no scenarios to pick from in this lab")
	}
	m.picker.items = m.opts.Scenarios
	m.picker.cursor = 0
	for i, s := range m.opts.Scenarios {
		if s.Name == m.snap.Name {
			m.picker.cursor = i
		}
	}
	m.overlay = pickerOverlay
	return nil
}

func (m *model) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.picker
	n := len(p.items)
	switch msg.String() {
	case "esc", "q", "p":
		m.overlay = noOverlay
	case "up", "k":
		p.cursor = (p.cursor + n - 1) % n
	case "down", "j":
		p.cursor = (p.cursor + 1) % n
	case "home", "g":
		p.cursor = 0
	case "end", "G":
		p.cursor = n - 1
	case "enter":
		m.overlay = noOverlay
		return m.open(p.items[p.cursor].Name)
	}
	return nil
}

// open restarts the lab on scenario name, in the command queue so no
// control runs against a lab that is going away.
func (m *model) open(name string) tea.Cmd {
	open, ref := m.opts.Open, m.ref
	m.status.set("opening "+name+"…", false, m.statusTTL())
	return m.labCmd(func(Lab) doneMsg {
		nl, err := open(name)
		if err != nil {
			return doneMsg{err: fmt.Errorf("cannot open %s: %w", name, err)}
		}
		ref.set(nl)
		return doneMsg{text: "opened " + name, opened: name}
	})
}

// view lists the scenarios, scrolled to keep the cursor in view.
func (p *pickerModel) view(t *theme, current string, w, h int) []string {
	lines := []string{rule(t, "pick a scenario · ↑/↓ move · enter open · esc close", w)}
	room := h - 1
	start := max(0, min(p.cursor-room/2, len(p.items)-room))
	nameW := 0
	for _, s := range p.items {
		nameW = max(nameW, width(s.Name))
	}
	for i := start; i < len(p.items) && len(lines) < h; i++ {
		s := p.items[i]
		line := "  " + pad(s.Name, nameW) + "  " + s.Title
		if s.Name == current {
			line += "  ● running"
		}
		line = cut(line, w)
		if i == p.cursor {
			line = t.bold.Render("›" + line[1:])
		}
		lines = append(lines, line)
	}
	return lines
}

package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// chooserModel is the small algorithm menu (A): the nine algorithms by
// number, the current one marked; on a TCP backend those that need HTTP
// are shown but the cursor passes them by.
type chooserModel struct {
	cursor int
}

func (m *model) openChooser() tea.Cmd {
	_, spec, tcp, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	m.chooser.cursor = max(0, algoIndex(spec))
	if tcp && needsHTTP(m.chooser.cursor) {
		m.chooser.cursor = nextChoice(m.chooser.cursor, 1, true)
	}
	m.overlay = chooserOverlay
	return nil
}

func (m *model) chooserKey(msg tea.KeyPressMsg) tea.Cmd {
	_, _, tcp, _ := m.currentSpec()
	switch {
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.AlgoChooser):
		m.overlay = noOverlay
	case key.Matches(msg, m.keys.Quit):
		return tea.Quit
	case key.Matches(msg, m.keys.Up):
		m.chooser.cursor = nextChoice(m.chooser.cursor, -1, tcp)
	case key.Matches(msg, m.keys.Down):
		m.chooser.cursor = nextChoice(m.chooser.cursor, 1, tcp)
	case key.Matches(msg, m.keys.AlgoPick):
		m.overlay = noOverlay
		return m.pickAlgo(digit(msg))
	case msg.String() == "enter":
		m.overlay = noOverlay
		return m.pickAlgo(m.chooser.cursor)
	}
	return nil
}

func (c chooserModel) view(m *model, f *frame, w, h int) []string {
	be, spec, tcp, _ := m.currentSpec()
	cur := algoIndex(spec)
	lines := []string{rule(f.th, "algorithm for "+be+" · 1-9 or enter · esc close", w)}
	for i := range algoChoices {
		mark := "  "
		if i == c.cursor {
			mark = "› "
		}
		line := mark + strconv.Itoa(i+1) + "  " + algoLabel(i)
		switch {
		case i == cur:
			line += "  ● current"
		case tcp && needsHTTP(i):
			lines = append(lines, f.th.faint.Render(line+"  needs HTTP: "+be+" is in TCP mode"))
			continue
		}
		if i == c.cursor {
			line = f.th.bold.Render(line)
		}
		lines = append(lines, line)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

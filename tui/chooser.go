package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// chooserModel is the small algorithm menu (A): the nine algorithms by
// number, the current one marked.
type chooserModel struct {
	cursor int
}

func (m *model) openChooser() tea.Cmd {
	_, spec, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	m.chooser.cursor = max(0, algoIndex(spec))
	m.overlay = chooserOverlay
	return nil
}

func (m *model) chooserKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.AlgoChooser):
		m.overlay = noOverlay
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Up):
		m.chooser.cursor = (m.chooser.cursor + len(algoChoices) - 1) % len(algoChoices)
	case key.Matches(msg, m.keys.Down):
		m.chooser.cursor = (m.chooser.cursor + 1) % len(algoChoices)
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
	be, spec, _ := m.currentSpec()
	cur := algoIndex(spec)
	lines := []string{rule(f.th, "algorithm for "+be+" · 1-9 or enter · esc close", w)}
	for i := range algoChoices {
		mark := "  "
		if i == c.cursor {
			mark = "› "
		}
		line := mark + strconv.Itoa(i+1) + "  " + algoLabel(i)
		if i == cur {
			line += "  ● current"
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

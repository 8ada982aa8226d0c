package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// render draws the whole screen in exactly width × height cells.
func (m *model) render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if w < MinWidth || h < MinHeight {
		return tooSmall(w, h)
	}
	f := m.frame()
	out := make([]string, 0, h)
	out = appendFixed(out, headerPane{}.view(f, w), w, headerLines)
	bodyH := h - headerLines - 2
	var body []string
	switch {
	case m.overlay == helpOverlay:
		body = m.helpView(w, bodyH)
	case m.overlay == pickerOverlay:
		body = m.picker.view(m.th, w, bodyH)
	case m.overlay == chooserOverlay:
		body = m.chooser.view(m, f, w, bodyH)
	case m.overlay == notesOverlay:
		body = m.notes.overlay(f, w, bodyH)
	case !m.haveSnap:
		body = []string{"", center("waiting for the lab…", w)}
	case len(m.snap.Backends) == 0:
		body = []string{"", center("the lab has no backend", w)}
	case w >= wideWidth:
		body = m.wideBody(f, w, bodyH)
	default:
		body = m.narrowBody(f, w, bodyH)
	}
	out = appendFixed(out, body, w, bodyH)
	out = append(out, pad(m.status.view(f, w), w), pad(m.footer(), w))
	return strings.Join(out, "\n")
}

// serversBlock is the table: all of it if it fits, else at least the
// selected backend's servers.
func serversBlock(f *frame) block {
	p := serversPane{}
	full := p.height(f)
	lo := full
	if b := f.sel.backend(f.snap); b != nil {
		lo = min(full, 2+len(b.Servers))
	}
	return block{min: lo, want: full, draw: func(w, h int) []string { return p.view(f, w, h) }}
}

func paneBlock(lo, want int, draw func(w, h int) []string) block {
	return block{min: lo, want: want, draw: draw}
}

// narrowBody stacks the panes, graph and placement side by side at the
// bottom. Space goes first to the table, then frontend rules, the
// distribution, the log (when on), the graph and placement, the notes.
func (m *model) narrowBody(f *frame, w, h int) []string {
	lw, rw := columns(w, 0.5)
	dlo, dwant := distPane{}.size(f)
	glo, gwant := graphPane{}.size(f)
	plo, pwant := placementPane{}.size(f, rw)
	rlo, rwant := rulesPane{}.size(f)
	llo, lwant := m.log.size()
	nlo, nwant := notesPane{}.size(f, w)
	bottom := paneBlock(max(glo, plo), max(gwant, pwant, 14), func(w, h int) []string {
		if h < glo {
			// too short for a graph: the placement alone, across
			return placementPane{}.view(f, w, h)
		}
		return beside(f.th, appendFixed(nil, graphPane{}.view(f, lw, h), lw, h),
			appendFixed(nil, placementPane{}.view(f, rw, h), rw, h))
	})
	if plo > 0 {
		bottom.squeeze = min(plo, 2) // the placement's title and next picks
	}
	blocks := []block{
		serversBlock(f),
		paneBlock(rlo, rwant, func(w, h int) []string { return rulesPane{}.view(f, w, h) }),
		paneBlock(dlo, dwant, func(w, h int) []string { return distPane{}.view(f, w, h) }),
		paneBlock(llo, lwant, func(w, h int) []string { return m.log.view(f, w, h) }),
		bottom,
		{min: nlo, want: nwant, spare: true, draw: func(w, h int) []string { return notesPane{}.view(f, w, h) }},
	}
	return stack(blocks, []int{0, 1, 2, 3, 4, 5}, w, h)
}

// wideBody puts the table across the top and two columns under it: the
// distribution and graph on the left, placement, rules, log and notes on
// the right.
func (m *model) wideBody(f *frame, w, h int) []string {
	lw, rw := columns(w, 0.55)
	left := func(h int) []string {
		dlo, dwant := distPane{}.size(f)
		glo, gwant := graphPane{}.size(f)
		return stack([]block{
			paneBlock(dlo, dwant, func(w, h int) []string { return distPane{}.view(f, w, h) }),
			paneBlock(glo, max(gwant, h), func(w, h int) []string { return graphPane{}.view(f, w, h) }),
		}, []int{0, 1}, lw, h)
	}
	right := func(h int) []string {
		plo, pwant := placementPane{}.size(f, rw)
		rlo, rwant := rulesPane{}.size(f)
		llo, lwant := m.log.size()
		nlo, nwant := notesPane{}.size(f, rw)
		return stack([]block{
			paneBlock(plo, pwant, func(w, h int) []string { return placementPane{}.view(f, w, h) }),
			paneBlock(rlo, rwant, func(w, h int) []string { return rulesPane{}.view(f, w, h) }),
			paneBlock(llo, max(lwant, h), func(w, h int) []string { return m.log.view(f, w, h) }),
			paneBlock(nlo, nwant, func(w, h int) []string { return notesPane{}.view(f, w, h) }),
		}, []int{0, 1, 2, 3}, rw, h)
	}
	lower := paneBlock(6, h, func(_, h int) []string { return beside(f.th, left(h), right(h)) })
	return stack([]block{serversBlock(f), lower}, []int{0, 1}, w, h)
}

// hint is a footer entry that is only text: the overlay handles the keys.
func hint(label, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(label), key.WithHelp(label, desc))
}

// footer is the short key help, as wide as the screen (resize sets the
// help's width).
func (m *model) footer() string {
	var keys []key.Binding
	switch m.overlay {
	case noOverlay:
		keys = m.keys.footer()
	case pickerOverlay:
		keys = []key.Binding{hint("enter", "open scenario"), hint("↑/↓", "move"), hint("esc", "close")}
	case chooserOverlay:
		keys = []key.Binding{hint("1-9/enter", "switch algorithm"), hint("↑/↓", "move"), hint("esc", "close")}
	default:
		keys = []key.Binding{hint("↑/↓", "scroll"), hint("esc", "close"), hint("q", "quit")}
	}
	return m.help.ShortHelpView(keys)
}

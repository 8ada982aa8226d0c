package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
)

// helpView is the ? overlay: every key, in as many columns as the width
// takes (bubbles/help draws each column), then the numbered algorithms.
func (m *model) helpView(w, h int) []string {
	lines := []string{rule(m.th, "keys · esc or ? to close", w)}
	var all []key.Binding
	for _, g := range m.keys.groups() {
		all = append(all, g...)
	}
	m.help.SetWidth(0) // we fit the columns ourselves; help must not cut them
	var keys string
	for cols := 4; cols >= 1; cols-- {
		keys = m.help.FullHelpView(chunk(all, cols))
		if width(firstWidest(keys)) <= w || cols == 1 {
			break
		}
	}
	lines = append(lines, strings.Split(keys, "\n")...)
	lines = append(lines, "")
	var algos strings.Builder
	algos.WriteString("algorithms:")
	for i := range algoChoices {
		algos.WriteString("  " + m.th.key.Render(strconv.Itoa(i+1)) + " " + algoLabel(i))
	}
	lines = append(lines, wrapStyled(algos.String(), w)...)
	return scrolled(m.th, lines, &m.helpTop, h)
}

// scrolled shows lines[0] (a title) and as many of the others as fit
// from *top on, marking that more follows; *top is kept in range.
func scrolled(t *theme, lines []string, top *int, h int) []string {
	if len(lines) <= h {
		*top = 0
		return lines
	}
	room := h - 2 // the title and the "more" line
	*top = max(0, min(*top, len(lines)-1-room))
	out := append([]string{lines[0]}, lines[1+*top:1+*top+room]...)
	more := "↑/↓ scroll"
	if *top+room < len(lines)-1 {
		more = "↓ more · " + more
	}
	return append(out, t.faint.Render(more))
}

// chunk splits bindings into n columns of nearly equal length, in order.
func chunk(all []key.Binding, n int) [][]key.Binding {
	per := (len(all) + n - 1) / n
	var out [][]key.Binding
	for i := 0; i < len(all); i += per {
		out = append(out, all[i:min(i+per, len(all))])
	}
	return out
}

// firstWidest is the widest line of s.
func firstWidest(s string) string {
	widest, ww := "", -1
	for _, l := range strings.Split(s, "\n") {
		if lw := width(l); lw > ww {
			widest, ww = l, lw
		}
	}
	return widest
}

// wrapStyled breaks a line of styled words at spaces to fit w cells.
func wrapStyled(s string, w int) []string {
	var out []string
	line, lw := "", 0
	for _, word := range strings.Split(s, " ") {
		ww := width(word)
		if lw > 0 && lw+1+ww > w {
			out = append(out, line)
			line, lw = "", 0
		}
		if lw > 0 {
			line += " "
			lw++
		}
		line += word
		lw += ww
	}
	return append(out, line)
}

package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
)

// helpView is the ? overlay, from line helpTop on.
func (m *model) helpView(w, h int) []string {
	return scrolled(m.th, m.helpLines(w), m.helpTop, h)
}

// helpUnits explain what the numbers on screen are counted in.
var helpUnits = [...]string{
	"t (since reset) is lab time since the counters were last reset (R); events are stamped the same way.",
	"×N is the lab speed: lab time runs N times faster; every /s is per lab second.",
	"cur is what is in flight on a server now (requests; connections in TCP mode), max the most at once.",
}

// helpLines is the whole help for width w: every key, in as many columns
// as the width takes (bubbles/help draws each column), the numbered
// algorithms, then the units.
func (m *model) helpLines(w int) []string {
	lines := []string{rule(m.th, "keys · esc or ? to close", w)}
	var all []key.Binding
	for _, g := range m.keys.groups() {
		all = append(all, g...)
	}
	var keys string
	for cols := 4; cols >= 1; cols-- {
		keys = m.full.FullHelpView(chunk(all, cols))
		if width(firstWidest(keys)) <= w || cols == 1 {
			break
		}
	}
	lines = append(lines, strings.Split(keys, "\n")...)
	lines = append(lines, "")
	algos := make([]string, len(algoChoices))
	for i := range algoChoices {
		algos[i] = m.th.key.Render(strconv.Itoa(i+1)) + " " + algoLabel(i)
	}
	lines = append(lines, wrapEntries("algorithms:", algos, "  ", 2, w)...)
	lines = append(lines, "")
	for _, u := range helpUnits {
		lines = append(lines, wrap(u, w)...)
	}
	return lines
}

// scrolled shows lines[0] (a title) and as many of the others as fit
// from top on, marking that more follows.
func scrolled(t *theme, lines []string, top, h int) []string {
	if len(lines) <= h {
		return lines
	}
	if h < 3 {
		return lines[:max(h, 0)]
	}
	room := h - 2 // the title and the "more" line
	top = clampTop(top, len(lines), h)
	out := append([]string{lines[0]}, lines[1+top:1+top+room]...)
	more := "↑/↓ scroll"
	if top+room < len(lines)-1 {
		more = "↓ more · " + more
	}
	return append(out, t.faint.Render(more))
}

// clampTop is the first line scrolled can show of n lines in h: past it
// the screen would not move.
func clampTop(top, n, h int) int {
	if n <= h || h < 3 {
		return 0
	}
	return max(0, min(top, n-1-(h-2)))
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

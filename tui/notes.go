package tui

import "strings"

// notesPane shows the scenario's teaching notes: as a pane when the
// screen has room, and full screen (scrollable) with i.
type notesPane struct {
	top int // first line shown in the overlay
}

func (notesPane) size(f *frame, w int) (lo, want int) {
	if strings.TrimSpace(f.snap.Notes) == "" {
		return 0, 0
	}
	return 3, 1 + len(wrap(f.snap.Notes, w))
}

func (notesPane) view(f *frame, w, h int) []string {
	lines := []string{rule(f.th, "notes · i to read in full", w)}
	for _, l := range wrap(f.snap.Notes, w) {
		if len(lines) >= h {
			break
		}
		lines = append(lines, l)
	}
	return lines
}

// lines is the notes overlay in full for width w.
func (notesPane) lines(t *theme, notes string, w int) []string {
	return append([]string{rule(t, "teaching notes · esc close", w)}, wrap(notes, w)...)
}

// overlay draws the notes over the panes, from line top.
func (p notesPane) overlay(f *frame, w, h int) []string {
	return scrolled(f.th, p.lines(f.th, f.snap.Notes, w), p.top, h)
}

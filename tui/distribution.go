package tui

// distPane compares each server's share of the selected backend since the
// counters were reset with its share over the recent window, side by
// side, so a change (a new algorithm, a stopped app) shows at once on the
// right while the left still remembers the past.
type distPane struct{}

func (distPane) size(f *frame) (lo, want int) {
	b := f.sel.backend(f.snap)
	if b == nil {
		return 0, 0
	}
	return 1 + min(len(b.Servers), 3), 1 + len(b.Servers)
}

func (distPane) view(f *frame, w, h int) []string {
	b := f.sel.backend(f.snap)
	if b == nil {
		return nil
	}
	window := "recent"
	if f.snap.Window > 0 {
		window = "last " + fmtElapsed(f.snap.Window)
	}
	nameW := nameWidth(b.Servers, 6)
	// name, then two "bar pct" halves split by " │ "
	half := (w - nameW - 1 - 3) / 2
	barW := max(half-7, 1)
	lines := []string{rule(f.th, "share · "+b.Name+": since reset │ "+window, w)}
	sep := f.th.faint.Render(" │ ")
	for si := range b.Servers {
		if len(lines) >= h {
			break
		}
		s := &b.Servers[si]
		paint := f.painter(f.sel.bi, si)
		line := f.paint(f.sel.bi, si, padName(s.Name, nameW)) + " " +
			bar(f.th, paint, s.Share, barW) + " " + padLeft(fmtPct(s.Share), 6) + sep +
			bar(f.th, paint, s.RecentShare, barW) + " " + padLeft(fmtPct(s.RecentShare), 6)
		lines = append(lines, line)
	}
	return lines
}

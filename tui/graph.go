package tui

import (
	"math"
	"strconv"
	"strings"

	"github.com/guptarohit/asciigraph"
)

// graphPane plots what is in flight on each server of the selected
// backend (the table's cur: requests, or connections in TCP mode) over the
// last minute (asciigraph, one series per server in its colour), and,
// when there is room, a sparkline of each server's requests per second.
type graphPane struct{}

// graphSeconds is how much of each series is plotted.
const graphSeconds = 60

func (graphPane) size(f *frame) (lo, want int) {
	b := f.sel.backend(f.snap)
	if b == nil {
		return 0, 0
	}
	return 6, 1 + 12 + 1 + len(b.Servers)
}

func (p graphPane) view(f *frame, w, h int) []string {
	b := f.sel.backend(f.snap)
	if b == nil {
		return nil
	}
	n := len(b.Servers)
	legend := p.legend(f, w)
	sparks := 0
	if h >= 1+5+len(legend)+n {
		sparks = n
	}
	// the backend's name last: it is what a narrow pane can best lose
	lines := []string{rule(f.th, "in flight · last "+strconv.Itoa(graphSeconds)+"s · "+b.Name, w)}
	lines = append(lines, p.plot(f, w, h-1-len(legend)-sparks)...)
	lines = append(lines, legend...)
	for si := 0; si < sparks; si++ {
		lines = append(lines, p.spark(f, si, w))
	}
	return lines
}

// plot draws the connections graph in h lines.
func (graphPane) plot(f *frame, w, h int) []string {
	b := f.sel.backend(f.snap)
	data := make([][]float64, 0, len(b.Servers))
	colors := make([]asciigraph.AnsiColor, 0, len(b.Servers))
	chars := make([]asciigraph.CharSet, 0, len(b.Servers))
	series := make([][]float64, len(b.Servers))
	longest, top := 0, 1.0
	for si := range b.Servers {
		series[si] = lastN(b.Servers[si].ConnSeries, graphSeconds)
		longest = max(longest, len(series[si]))
	}
	if longest < 2 || h < 2 {
		return []string{f.th.faint.Render("collecting…")}
	}
	for si, s := range series {
		// right-align the series: the last value is now for every server
		row := make([]float64, longest)
		off := longest - len(s)
		for i := range row {
			row[i] = math.NaN()
			if i >= off {
				v := s[i-off]
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					v = 0
				}
				row[i] = v
				top = max(top, v)
			}
		}
		data = append(data, row)
		colors = append(colors, graphColor(f.slot(f.sel.bi, si)))
		chars = append(chars, asciigraph.CreateCharSet(tag(si)))
	}
	rows := h - 1 // asciigraph draws rows+1 lines
	if top < float64(rows) {
		rows = int(top) // one row per connection: integer labels
	}
	label := func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	labelW := len(label(top)) + 1
	plotW := w - labelW - 3
	if plotW < 2 {
		return nil
	}
	opts := []asciigraph.Option{
		asciigraph.Height(rows), asciigraph.Width(plotW),
		asciigraph.LowerBound(0), asciigraph.UpperBound(top),
		asciigraph.YAxisValueFormatter(label), asciigraph.Offset(2),
	}
	if f.th.noColor {
		opts = append(opts, asciigraph.SeriesChars(chars...)) // tell servers apart by their tag
	} else {
		opts = append(opts, asciigraph.SeriesColors(colors...))
	}
	return strings.Split(asciigraph.PlotMany(data, opts...), "\n")
}

// legend names the series: the servers in their colours (or tags), each
// with what it has in flight now. It takes more lines rather than cut an
// entry off: two spaces between entries when they fit on one line, one
// when that makes them fit, else as many lines as it takes.
func (graphPane) legend(f *frame, w int) []string {
	b := f.sel.backend(f.snap)
	entries := make([]string, len(b.Servers))
	for si := range b.Servers {
		label := "■ " + b.Servers[si].Name
		if f.th.noColor {
			label = tag(si) + ":" + b.Servers[si].Name // the plot's mark, not a count
		}
		entries[si] = f.paint(f.sel.bi, si, label) +
			f.th.faint.Render(" "+strconv.FormatInt(b.Servers[si].Cur, 10))
	}
	lines := wrapEntries("", entries, "  ", 0, w)
	if len(lines) > 1 {
		if tight := wrapEntries("", entries, " ", 0, w); len(tight) < len(lines) {
			lines = tight
		}
	}
	return lines
}

var sparkBlocks = [...]string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// spark is one server's requests per second over time, newest right.
func (graphPane) spark(f *frame, si, w int) string {
	b := f.sel.backend(f.snap)
	s := &b.Servers[si]
	nameW := nameWidth(b.Servers, 8)
	rate := fmtRate(s.RPS) + "/s"
	room := w - nameW - 1 - 1 - 8
	series := s.RPSSeries
	if room < 1 {
		return cut(f.paint(f.sel.bi, si, padName(s.Name, nameW))+" "+rate, w)
	}
	if len(series) > room {
		series = series[len(series)-room:]
	}
	// one scale for every server, so the busiest one shows as the tallest
	top := 0.0
	for i := range b.Servers {
		for _, v := range b.Servers[i].RPSSeries {
			if !math.IsNaN(v) {
				top = max(top, v)
			}
		}
	}
	var sb strings.Builder
	sb.WriteString(strings.Repeat(" ", room-len(series)))
	for _, v := range series {
		i := 0
		if top > 0 && v > 0 {
			i = min(int(v/top*float64(len(sparkBlocks)-1)+0.5), len(sparkBlocks)-1)
		}
		sb.WriteString(sparkBlocks[i])
	}
	return f.paint(f.sel.bi, si, padName(s.Name, nameW)) + " " +
		f.paint(f.sel.bi, si, sb.String()) + " " + padLeft(rate, 8)
}

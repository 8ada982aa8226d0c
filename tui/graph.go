package tui

import (
	"math"
	"strconv"
	"strings"

	"github.com/guptarohit/asciigraph"
)

// graphPane plots the selected backend's active connections per server
// over the last minute (asciigraph, one series per server in its colour),
// and, when there is room, a sparkline of each server's requests per
// second.
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
	sparks := 0
	if h >= 1+5+1+n {
		sparks = n
	}
	lines := []string{rule(f.th, "active connections · "+b.Name+" · last "+strconv.Itoa(graphSeconds)+"s", w)}
	lines = append(lines, p.plot(f, w, h-2-sparks)...)
	lines = append(lines, p.legend(f, w))
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
	longest, top := 0, 1.0
	for si := range b.Servers {
		s := b.Servers[si].ConnSeries
		if len(s) > graphSeconds {
			s = s[len(s)-graphSeconds:]
		}
		longest = max(longest, len(s))
	}
	if longest < 2 || h < 2 {
		return []string{f.th.faint.Render("collecting…")}
	}
	for si := range b.Servers {
		s := b.Servers[si].ConnSeries
		if len(s) > graphSeconds {
			s = s[len(s)-graphSeconds:]
		}
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

// legend names the series: the servers in their colours (or tags).
func (graphPane) legend(f *frame, w int) string {
	b := f.sel.backend(f.snap)
	var sb strings.Builder
	for si := range b.Servers {
		if si > 0 {
			sb.WriteString("  ")
		}
		mark := "■"
		if f.th.noColor {
			mark = tag(si)
		}
		sb.WriteString(f.paint(f.sel.bi, si, mark+" "+b.Servers[si].Name))
		sb.WriteString(f.th.faint.Render(" " + strconv.FormatInt(b.Servers[si].Cur, 10)))
	}
	return cut(sb.String(), w)
}

var sparkBlocks = [...]string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// spark is one server's requests per second over time, newest right.
func (graphPane) spark(f *frame, si, w int) string {
	b := f.sel.backend(f.snap)
	s := &b.Servers[si]
	nameW := 8
	for i := range b.Servers {
		nameW = max(nameW, width(b.Servers[i].Name))
	}
	nameW = min(nameW, 16)
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

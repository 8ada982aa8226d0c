package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"
)

// chartMarks tell the servers apart without colour, so a chart reads the
// same in a CI log, a file and a terminal.
var chartMarks = []string{"*", "o", "+", "x", "#", "@", "%", "&", "=", "~"}

// chartHeight is the charts' height in lines.
const chartHeight = 8

// charts draws a series as two asciigraph charts: each server's share of
// the backend's requests per step, and its requests in flight.
func charts(s Series) []string {
	if len(s.Servers) == 0 || len(s.Servers[0].Share) < 2 {
		return nil
	}
	var shares, inflight [][]float64
	var legend []string
	var sets []asciigraph.CharSet
	for i, sv := range s.Servers {
		mark := chartMarks[i%len(chartMarks)]
		sets = append(sets, asciigraph.CreateCharSet(mark))
		legend = append(legend, mark+" "+sv.Name)
		shares = append(shares, scaled(sv.Share, 100))
		inflight = append(inflight, scaled(sv.InFlight, 1))
	}
	step := shortDur(time.Duration(s.Step))
	foot := "   " + strings.Join(legend, "   ") + "\n   " + phaseLine(s)
	return []string{
		fmt.Sprintf("backend %s: share of requests (%%) per %s of lab time\n", s.Backend, step) +
			plot(shares, sets, 0, 100, chartHeight) + "\n" + foot,
		fmt.Sprintf("backend %s: requests in flight per server (peak per %s)\n", s.Backend, step) +
			plot(inflight, sets, 0, math.NaN(), countHeight(inflight)) + "\n" + foot,
	}
}

// countHeight gives a chart of counts one line per unit up to chartHeight,
// so its axis labels are whole numbers.
func countHeight(data [][]float64) int {
	top := 1.0
	for _, s := range data {
		for _, v := range s {
			if !math.IsNaN(v) && v > top {
				top = v
			}
		}
	}
	h := int(math.Ceil(top))
	if h > chartHeight {
		return chartHeight
	}
	return max(h, 2)
}

// plot draws the lines; a NaN upper bound lets the data set it.
func plot(data [][]float64, sets []asciigraph.CharSet, lo, hi float64, height int) string {
	opts := []asciigraph.Option{asciigraph.Height(height), asciigraph.LowerBound(lo),
		asciigraph.SeriesChars(sets...), asciigraph.Precision(0)}
	if !math.IsNaN(hi) {
		opts = append(opts, asciigraph.UpperBound(hi))
	}
	if allGaps(data) {
		return "   (no data)"
	}
	return asciigraph.PlotMany(data, opts...)
}

func allGaps(data [][]float64) bool {
	for _, s := range data {
		for _, v := range s {
			if !math.IsNaN(v) {
				return false
			}
		}
	}
	return true
}

func scaled(p Points, k float64) []float64 {
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = v * k
	}
	return out
}

// phaseLine says where the phases start along the x axis.
func phaseLine(s Series) string {
	var parts []string
	for _, m := range s.Phases {
		col := 0
		if s.Step > 0 {
			col = int(time.Duration(m.At) / time.Duration(s.Step))
		}
		parts = append(parts, fmt.Sprintf("%s from %s (point %d)", m.Name, shortDur(time.Duration(m.At)), col+1))
	}
	return "phases: " + strings.Join(parts, ", ")
}

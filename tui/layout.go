package tui

import (
	"strconv"
	"strings"

	"github.com/lblab/lblab/lab"
)

// Screen sizes. Below the minimum the dashboard says how big it needs to
// be; from wideWidth on, the detail panes sit side by side.
const (
	MinWidth  = 60
	MinHeight = 16
	wideWidth = 140
)

// frame is what the panes draw from: one snapshot and the lookups built
// from it, shared by every pane of one View.
type frame struct {
	th       *theme
	snap     *lab.Snapshot
	sel      selection
	colors   [][]int
	apps     map[string]int
	place    *lab.Placement
	placeErr error
	placeOK  bool // place describes the selected backend
	logs     []string

	placeW     int      // the width placeLines were drawn for
	placeLines []string // the placement pane, drawn once per frame
}

func (m *model) frame() *frame {
	f := &frame{th: m.th, snap: &m.snap, sel: m.sel, colors: m.colors, apps: m.apps,
		place: &m.place, placeErr: m.placeErr, logs: m.logs}
	f.placeOK = m.placeFor != "" && m.placeFor == m.selectedBackendName()
	return f
}

// slot is server (bi, si)'s palette slot.
func (f *frame) slot(bi, si int) int {
	if bi < 0 || bi >= len(f.colors) || si < 0 || si >= len(f.colors[bi]) {
		return 0
	}
	return f.colors[bi][si]
}

func (f *frame) serverStyle(bi, si int) ink { return f.th.servers[f.slot(bi, si)] }

// paint colours s as server (bi, si).
func (f *frame) paint(bi, si int, s string) string {
	if f.th.noColor {
		return s
	}
	return f.serverStyle(bi, si).Render(s)
}

// serverIndex finds a server of backend bi by name.
func (f *frame) serverIndex(bi int, name string) int {
	if bi < 0 || bi >= len(f.snap.Backends) {
		return -1
	}
	for j := range f.snap.Backends[bi].Servers {
		if f.snap.Backends[bi].Servers[j].Name == name {
			return j
		}
	}
	return -1
}

func (f *frame) app(name string) *lab.App {
	if i, ok := f.apps[name]; ok && name != "" {
		return &f.snap.Apps[i]
	}
	return nil
}

// tag is a server's one-character mark where colour alone would not do
// (the ring strip, graphs without colour): 1-9, then a-z.
func tag(si int) string {
	switch {
	case si < 0:
		return "?"
	case si < 9:
		return strconv.Itoa(si + 1)
	case si < 9+26:
		return string(rune('a' + si - 9))
	}
	return "+"
}

// block is a pane placed in a column: the lines it needs at least, the
// lines it could use, and how to draw it in the lines it gets.
type block struct {
	min, want int
	// squeeze, when above 0, is the fewest lines the block can still say
	// something useful in: left out for want of min lines, it takes the
	// lines no other block wanted if there are at least squeeze of them,
	// rather than leave them blank.
	squeeze int
	spare   bool // only drawn in lines no other block wants
	draw    func(w, h int) []string
}

// stack lays blocks out top to bottom in exactly h lines of w cells.
// Blocks get their minimum in priority order (prio lists block indexes)
// while it fits, the others are left out; then the spare lines go, again
// in priority order, up to what each wants; then to a left-out block that
// can squeeze into them, and last to the spare blocks.
func stack(blocks []block, prio []int, w, h int) []string {
	alloc := make([]int, len(blocks))
	left := h
	for _, i := range prio {
		if b := blocks[i]; !b.spare && b.min > 0 && b.min <= left {
			alloc[i] = b.min
			left -= b.min
		}
	}
	for _, i := range prio {
		if alloc[i] > 0 && left > 0 {
			extra := min(blocks[i].want-alloc[i], left)
			if extra > 0 {
				alloc[i] += extra
				left -= extra
			}
		}
	}
	for _, i := range prio {
		if b := blocks[i]; alloc[i] == 0 && !b.spare && b.squeeze > 0 && b.squeeze <= left {
			alloc[i] = min(b.want, left)
			left -= alloc[i]
		}
	}
	for _, i := range prio {
		if b := blocks[i]; b.spare && b.min > 0 && b.min <= left {
			alloc[i] = min(b.want, left)
			left -= alloc[i]
		}
	}
	out := make([]string, 0, h)
	for i, b := range blocks {
		if alloc[i] > 0 {
			out = appendFixed(out, b.draw(w, alloc[i]), w, alloc[i])
		}
	}
	return appendFixed(out, nil, w, h-len(out))
}

// appendFixed appends exactly h lines of exactly w cells: lines cut or
// padded, missing lines blank, extra lines dropped.
func appendFixed(out, lines []string, w, h int) []string {
	for i := 0; i < h; i++ {
		if i < len(lines) {
			out = append(out, pad(lines[i], w))
		} else {
			out = append(out, strings.Repeat(" ", w))
		}
	}
	return out
}

// beside puts two columns of equal height next to each other with a faint
// rule between them.
func beside(t *theme, left, right []string) []string {
	sep := t.faint.Render("│")
	out := make([]string, len(left))
	for i := range left {
		r := ""
		if i < len(right) {
			r = right[i]
		}
		out[i] = left[i] + " " + sep + " " + r
	}
	return out
}

// columns splits w cells into a left and right column around the
// 3-cell separator of beside, the left one taking frac of the width.
func columns(w int, frac float64) (lw, rw int) {
	lw = int(float64(w-3) * frac)
	return lw, w - 3 - lw
}

// tooSmall is the screen below the minimum size.
func tooSmall(w, h int) string {
	msg := "enlarge the terminal to at least " + strconv.Itoa(MinWidth) + "×" + strconv.Itoa(MinHeight) +
		" (now " + strconv.Itoa(w) + "×" + strconv.Itoa(h) + ")"
	lines := wrap(msg, w)
	if len(lines) > h {
		lines = lines[:h]
	}
	top := (h - len(lines)) / 2
	out := make([]string, 0, h)
	out = appendFixed(out, nil, w, top)
	for _, l := range lines {
		out = append(out, center(l, w))
	}
	out = appendFixed(out, nil, w, h-len(out))
	return strings.Join(out, "\n")
}

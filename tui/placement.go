package tui

import (
	"sort"
	"strconv"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy/balance"
)

// placementPane shows why the next request goes where it goes, for the
// selected backend's algorithm: round robin's coming picks, the slot map
// of static-rr and map-based hashing, leastconn's ordering, the
// consistent-hash ring as a strip coloured by owner with the sample keys
// marked; then where each sample key lands and, after a change, how many
// keys moved.
type placementPane struct{}

func (p placementPane) size(f *frame, w int) (lo, want int) {
	if f.sel.backend(f.snap) == nil {
		return 0, 0
	}
	return 3, len(p.lines(f, w))
}

func (p placementPane) view(f *frame, w, h int) []string {
	lines := p.lines(f, w)
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

// lines draws the pane in full; the layout asks for its height, then for
// its lines, so they are kept for the frame.
func (p placementPane) lines(f *frame, w int) []string {
	if f.placeLines != nil && f.placeW == w {
		return f.placeLines
	}
	f.placeLines, f.placeW = p.draw(f, w), w
	return f.placeLines
}

func (p placementPane) draw(f *frame, w int) []string {
	b := f.sel.backend(f.snap)
	if b == nil {
		return nil
	}
	lines := []string{rule(f.th, "placement · "+b.Name+" · "+b.Balance.Name(), w)}
	switch {
	case f.placeErr != nil && f.placeOK:
		return append(lines, f.th.errText.Render(cut(f.placeErr.Error(), w)))
	case !f.placeOK:
		return append(lines, f.th.faint.Render("…"))
	}
	pl := f.place
	owner := p.owners(f, pl)
	// what moved at the last change comes first: it is the lesson of
	// consistent hashing, and must not be the line a short pane drops
	if mv := pl.Moved; mv != nil && mv.Keys > 0 {
		pct := float64(mv.Count) / float64(mv.Keys)
		lines = append(lines, f.th.bold.Render(cut(mv.Change+": "+fmtPct(pct)+" of sample keys moved ("+
			strconv.Itoa(mv.Count)+" of "+strconv.Itoa(mv.Keys)+")", w)))
	}
	// a hash sends each key to its own server: there is no order of
	// coming picks to show, whatever the lab fills Next with
	hashing := b.Balance.Hashing()
	switch pl.Kind {
	case balance.Sequence:
		if !hashing {
			lines = append(lines, p.sequence(f, "next picks", pl.Next, owner, w)...)
		}
	case balance.Table:
		lines = append(lines, cut(tableTitle(len(pl.Map), hashing), w))
		lines = append(lines, p.strip(f, owner, w, len(pl.Map), func(c int) int {
			return pl.Map[c*len(pl.Map)/w]
		}))
		if len(pl.Next) > 0 && !hashing {
			lines = append(lines, p.sequence(f, "next picks", pl.Next, owner, w)...)
		}
	case balance.Ordering:
		if len(pl.Next) > 0 && !hashing {
			lines = append(lines, p.sequence(f, "next picks", pl.Next, owner, w)...)
		}
		lines = append(lines, p.ordering(f, pl, owner, w)...)
	case balance.Ring:
		lines = append(lines, p.ring(f, pl, owner, w)...)
	}
	return append(lines, p.keys(f, pl, owner, w)...)
}

// tableTitle says how a slot map is used: static-rr walks it in turn,
// map-based hashing picks slot hash mod n.
func tableTitle(n int, hashing bool) string {
	if hashing {
		return "map of " + plural(n, "slot") + "; a key goes to slot hash mod " + strconv.Itoa(n) + ":"
	}
	return "static-rr map of " + plural(n, "slot") + ", walked in turn:"
}

// owners maps the placement's server indexes to the backend's, for
// colours and names.
func (placementPane) owners(f *frame, pl *lab.Placement) []int {
	out := make([]int, len(pl.Servers))
	for i, name := range pl.Servers {
		out[i] = f.serverIndex(f.sel.bi, name)
	}
	return out
}

// name draws placement server i in its colour.
func (placementPane) name(f *frame, pl *lab.Placement, owner []int, i int) string {
	if i < 0 || i >= len(pl.Servers) {
		return f.th.faint.Render("none")
	}
	return f.paint(f.sel.bi, owner[i], pl.Servers[i])
}

// sequence lists picks in order, wrapped over at most two lines.
func (p placementPane) sequence(f *frame, label string, picks []int, owner []int, w int) []string {
	if len(picks) == 0 {
		return []string{f.th.faint.Render(label + ": none (no usable server)")}
	}
	pl := f.place
	var lines []string
	line, lw := label+":", width(label)+1
	for _, i := range picks {
		name := "none"
		if i >= 0 && i < len(pl.Servers) {
			name = pl.Servers[i]
		}
		if lw+1+width(name) > w {
			lines = append(lines, line)
			if len(lines) == 2 {
				return lines
			}
			line, lw = " ", 1
		}
		line += " " + p.name(f, pl, owner, i)
		lw += 1 + width(name)
	}
	return append(lines, line)
}

// ordering is leastconn's queue of servers: who gets the next request and
// why (fewest connections for its weight).
func (p placementPane) ordering(f *frame, pl *lab.Placement, owner []int, w int) []string {
	b := f.sel.backend(f.snap)
	lines := []string{cut("order (next pick first, fewest connections per weight):", w)}
	for n, i := range pl.Order {
		if n >= 9 {
			lines = append(lines, f.th.faint.Render(cut("  … "+strconv.Itoa(len(pl.Order)-n)+" more", w)))
			break
		}
		line := " " + strconv.Itoa(n+1) + ". " + p.name(f, pl, owner, i)
		if i >= 0 && i < len(owner) && owner[i] >= 0 {
			s := &b.Servers[owner[i]]
			line += f.th.faint.Render("  cur " + strconv.FormatInt(s.Cur, 10) + " · wt " + strconv.Itoa(s.Weight))
		}
		lines = append(lines, cut(line, w))
	}
	return lines
}

// strip draws n cells squeezed or stretched into w columns, each coloured
// by its owner (tagged when there is no colour).
func (placementPane) strip(f *frame, owner []int, w, n int, at func(col int) int) string {
	if n == 0 || w <= 0 {
		return ""
	}
	var sb strings.Builder
	run, runOwner := 0, -2
	flush := func() {
		if run == 0 {
			return
		}
		si := -1
		if runOwner >= 0 && runOwner < len(owner) {
			si = owner[runOwner]
		}
		if f.th.noColor || si < 0 {
			sb.WriteString(strings.Repeat(tag(si), run))
		} else {
			sb.WriteString(f.paint(f.sel.bi, si, strings.Repeat("█", run)))
		}
		run = 0
	}
	for c := 0; c < w; c++ {
		o := at(c)
		if o != runOwner {
			flush()
			runOwner = o
		}
		run++
	}
	flush()
	return sb.String()
}

// ring draws the consistent-hash ring from 0 to 2^32 as a strip coloured
// by the server owning each arc (the node nearest to it, as HAProxy's
// lookup picks), with a line under it marking the sample keys.
func (p placementPane) ring(f *frame, pl *lab.Placement, owner []int, w int) []string {
	if len(pl.Nodes) == 0 {
		return []string{f.th.faint.Render("ring: empty (no usable server)")}
	}
	nodes := pl.Nodes // sorted by key when the snapshot arrived
	const span = 1 << 32
	lines := []string{cut("ring of "+plural(len(nodes), "node")+", 0 → 2³²:", w)}
	lines = append(lines, p.strip(f, owner, w, len(nodes), func(c int) int {
		return nearest(nodes, uint32((uint64(c)*span+span/2)/uint64(w)))
	}))
	if len(pl.Keys) > 0 {
		marks := []byte(strings.Repeat(" ", w))
		for _, k := range pl.Keys {
			marks[int(uint64(k.Hash)*uint64(w)/span)] = '^'
		}
		lines = append(lines, f.th.faint.Render(string(marks)))
	}
	return lines
}

// sortRing orders a ring's nodes by key, for nearest's binary search.
func sortRing(nodes []lab.RingNode) {
	less := func(i, j int) bool { return nodes[i].Key < nodes[j].Key }
	if !sort.SliceIsSorted(nodes, less) {
		sort.Slice(nodes, less)
	}
}

// nearest is the server of the node nearest to h on the ring, the earlier
// one on a tie.
func nearest(nodes []lab.RingNode, h uint32) int {
	i := sort.Search(len(nodes), func(i int) bool { return nodes[i].Key >= h })
	next := nodes[i%len(nodes)]
	prev := nodes[(i-1+len(nodes))%len(nodes)]
	if h-prev.Key <= next.Key-h {
		return prev.Server
	}
	return next.Server
}

// keys is the sample keys' table: key → server, packed in columns.
func (p placementPane) keys(f *frame, pl *lab.Placement, owner []int, w int) []string {
	if len(pl.Keys) == 0 {
		return nil
	}
	keyW, srvW := 0, 4
	for _, k := range pl.Keys {
		keyW = max(keyW, width(k.Key))
		if k.Server >= 0 && k.Server < len(pl.Servers) {
			srvW = max(srvW, width(pl.Servers[k.Server]))
		}
	}
	keyW = min(keyW, 24)
	cellW := keyW + 3 + srvW
	perLine := max(1, (w+2)/(cellW+2))
	lines := []string{f.th.faint.Render(cut("sample keys → server:", w))}
	var sb strings.Builder
	for n, k := range pl.Keys {
		if n > 0 && n%perLine == 0 {
			lines = append(lines, sb.String())
			sb.Reset()
			if len(lines) > 6 {
				lines = append(lines, f.th.faint.Render(cut("… "+strconv.Itoa(len(pl.Keys)-n)+" more", w)))
				return lines
			}
		}
		if n%perLine != 0 {
			sb.WriteString("  ")
		}
		sb.WriteString(pad(k.Key, keyW) + " → " + pad(p.name(f, pl, owner, k.Server), srvW))
	}
	return append(lines, sb.String())
}

package tui

import (
	"strconv"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
)

// headerPane is the top of the screen: which lab runs, where to reach its
// proxy, each backend's algorithm, the traffic, the lab clock and whether
// traffic is paused.
type headerPane struct{}

const headerLines = 3

func (headerPane) view(f *frame, w int) []string {
	return []string{titleLine(f, w), proxyLine(f, w), algoLine(f, w)}
}

func titleLine(f *frame, w int) string {
	s, t := f.snap, f.th
	left := t.title.Render("lblab")
	if s.Name != "" {
		left += " · " + t.bold.Render(s.Name)
	}
	if s.Title != "" {
		left += " — " + s.Title
	}
	state := t.good.Render("● RUNNING")
	if s.Traffic.Paused {
		state = t.warn.Render("‖ PAUSED")
	}
	right := "t " + fmtElapsed(s.Elapsed)
	if sp := fmtSpeed(s.Speed); sp != "" {
		right += " " + sp
	}
	return spread(left, right+"  "+state, w)
}

// proxyLine says where the proxy listens (so the user can curl it) and
// what the traffic generator does.
func proxyLine(f *frame, w int) string {
	s, t := f.snap, f.th
	var b strings.Builder
	b.WriteString(t.faint.Render("proxy "))
	for i, fe := range s.Frontends {
		if i > 0 {
			b.WriteString(", ")
		}
		for j, addr := range fe.Binds {
			if j > 0 {
				b.WriteString(" ")
			}
			if fe.Mode == proxy.HTTP {
				b.WriteString("http://" + addr + "/")
			} else {
				b.WriteString("tcp " + addr)
			}
		}
	}
	if len(s.Frontends) == 0 {
		b.WriteString("-")
	}
	b.WriteString(t.faint.Render("  traffic "))
	b.WriteString(trafficText(&s.Traffic))
	if s.Traffic.Behind {
		b.WriteString(" " + t.warn.Render("behind: "+s.Traffic.Note))
	}
	return cut(b.String(), w)
}

func trafficText(tr *lab.Traffic) string {
	if !tr.Enabled {
		return "off"
	}
	var parts []string
	if tr.Mode == "open" || tr.Rate > 0 {
		parts = append(parts, "open "+fmtRate(tr.Rate)+"/s")
	} else {
		parts = append(parts, "closed")
	}
	parts = append(parts, strconv.Itoa(tr.Clients)+" clients",
		"sent "+fmtCount(tr.Sent), "got "+fmtRate(tr.AchievedRate)+"/s")
	if tr.Failed > 0 {
		parts = append(parts, "failed "+fmtCount(tr.Failed))
	}
	return strings.Join(parts, " · ")
}

// algoLine is each backend's algorithm, the selected backend's first.
func algoLine(f *frame, w int) string {
	s, t := f.snap, f.th
	var b strings.Builder
	b.WriteString(t.faint.Render("balance "))
	order := make([]int, 0, len(s.Backends))
	if f.sel.bi >= 0 && f.sel.bi < len(s.Backends) {
		order = append(order, f.sel.bi)
	}
	for i := range s.Backends {
		if i != f.sel.bi {
			order = append(order, i)
		}
	}
	for n, i := range order {
		be := &s.Backends[i]
		if n > 0 {
			b.WriteString(t.faint.Render(" │ "))
		}
		name := be.Name + ": "
		if n == 0 {
			b.WriteString(t.bold.Render(name + algoText(be)))
		} else {
			b.WriteString(name + algoText(be))
		}
	}
	return cut(b.String(), w)
}

// algoText is a backend's balance line and, when the algorithm hashes,
// its hash type: "uri whole, hash-type consistent".
func algoText(b *lab.Backend) string {
	a := b.Algo
	if a == "" {
		a = strings.TrimPrefix(b.Balance.String(), "balance ")
	}
	if b.Balance.Hashing() {
		ht := b.HashType
		if ht == "" {
			ht = strings.TrimPrefix(b.Balance.Hash.String(), "hash-type ")
		}
		a += ", hash-type " + ht
	}
	if b.Mode == proxy.TCP {
		a += " (tcp)"
	}
	return a
}

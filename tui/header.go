package tui

import (
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
	left := t.bold.Render("lblab")
	if s.Name != "" {
		left += " · " + t.bold.Render(s.Name)
	}
	if s.Title != "" {
		left += " — " + s.Title
	}
	state := t.good.Render("● RUNNING")
	switch {
	case s.Traffic.Paused:
		// only the traffic stops: the lab clock and health checks go on
		state = t.warn.Render("‖ traffic paused")
	case overloaded(s):
		state = t.bad.Render("▲ OVERLOAD")
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
	b.WriteString(trafficText(s, t))
	if s.Traffic.Behind {
		b.WriteString(" " + t.warn.Render("behind: "+s.Traffic.Note))
	}
	return cut(b.String(), w)
}

// trafficText is what the generator does and what of it reaches the
// servers: "open 10.0/s · 20 clients · sent 847 at 10.0/s · to servers
// 10.0/s". When the servers get far less than is sent, a warning comes
// first, where a narrow screen still shows it.
func trafficText(s *lab.Snapshot, t *theme) string {
	tr := &s.Traffic
	if !tr.Enabled {
		return "off"
	}
	var parts []string
	if overloaded(s) {
		// short: at 80 columns the failures must still show
		warn := "servers get " + fmtRate(servedRate(s)) + "/s of " + fmtRate(tr.AchievedRate) + "/s"
		if tr.Failed > 0 {
			warn += " · " + fmtCount(tr.Failed) + " failed"
		}
		if n := count5xx(tr); n > 0 {
			warn += " · " + fmtCount(n) + " got 5xx"
		}
		parts = append(parts, t.bad.Render(warn))
	}
	if tr.Mode == "open" || tr.Rate > 0 {
		parts = append(parts, "open "+fmtRate(tr.Rate)+"/s")
	} else {
		parts = append(parts, "closed")
	}
	parts = append(parts, plural(tr.Clients, "client"),
		"sent "+fmtCount(tr.Sent)+" at "+fmtRate(tr.AchievedRate)+"/s",
		"to servers "+fmtRate(servedRate(s))+"/s")
	if tr.Failed > 0 && !overloaded(s) {
		parts = append(parts, fmtCount(tr.Failed)+" failed")
	}
	return strings.Join(parts, " · ")
}

// servedRate is what reaches the servers per lab second: the backends'
// requests (connections in TCP mode, where the generator opens one per
// request), counted when the proxy hands them to a server.
func servedRate(s *lab.Snapshot) float64 {
	r := 0.0
	for i := range s.Backends {
		r += s.Backends[i].RPS
	}
	return r
}

// deniedShare is the part of what the frontends received that their
// rules refused: answered by the proxy itself, it never reaches a server.
func deniedShare(s *lab.Snapshot) float64 {
	var denied, in int64
	for i := range s.Frontends {
		fe := &s.Frontends[i].FrontendStats
		denied += fe.Denied + fe.ConnDenied
		in += max(fe.Requests, fe.ConnTotal)
	}
	if in == 0 {
		return 0
	}
	return min(float64(denied)/float64(in), 1)
}

// overloaded reports traffic flowing while the servers get less than half
// of what should reach them (what is sent, less what the rules deny): a
// stalled proxy, a backend with no server left, a queue that does not
// drain. A paused generator or a trickle below one request a second does
// not count.
func overloaded(s *lab.Snapshot) bool {
	tr := &s.Traffic
	if !tr.Enabled || tr.Paused || tr.AchievedRate < 1 {
		return false
	}
	expected := tr.AchievedRate * (1 - deniedShare(s))
	return servedRate(s) < expected/2
}

func count5xx(tr *lab.Traffic) int64 {
	var n int64
	for code, c := range tr.ByStatus {
		if code >= 500 && code < 600 {
			n += c
		}
	}
	return n
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

package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
)

// serversPane is the servers table, grouped by backend, with the columns
// of HAProxy's stats page that matter in the lab. Narrow screens drop the
// least useful columns first; a table taller than its space scrolls to
// keep the selected server in view.
type serversPane struct{}

type colID int

const (
	colName colID = iota
	colApp
	colAddr
	colStatus
	colWeight
	colCur
	colMax
	colTotal
	colLbTot
	colShare
	colRate
	colP50
	colP99
	colErr
)

type srvCol struct {
	id    colID
	title string
	w     int
	prio  int // lower is kept longer
	right bool
}

const (
	markerW   = 2 // "› " before the selected row
	shareMinW = 13
	shareMaxW = 30
)

// columnsFor picks the columns that fit in w cells and their widths.
func (serversPane) columnsFor(f *frame, w int) []srvCol {
	nameW, appW, addrW, statW := 6, 3, 7, 10
	for i := range f.snap.Backends {
		nameW = max(nameW, nameWidth(f.snap.Backends[i].Servers, 6))
		for j := range f.snap.Backends[i].Servers {
			s := &f.snap.Backends[i].Servers[j]
			appW = max(appW, width(appCell(f, s)))
			addrW = max(addrW, width(s.Addr))
			statW = max(statW, width(statusText(s)))
		}
	}
	appW, addrW, statW = min(appW, 12), min(addrW, 21), min(statW, 16)
	all := []srvCol{
		{colName, "server", nameW, 0, false},
		{colApp, "app", appW, 3, false},
		{colAddr, "address", addrW, 9, false},
		{colStatus, "status", statW, 1, false},
		{colWeight, "wt", 3, 4, true},
		{colCur, "cur", 4, 2, true},
		{colMax, "max", 4, 7, true},
		{colTotal, "total", 7, 2, true},
		{colLbTot, "lbtot", 7, 8, true},
		{colShare, "share", shareMinW, 1, false},
		{colRate, rateTitle(f.snap), 6, 3, true},
		// the median before the tail: Ep 6's lesson is the median
		// falling from 5 s to milliseconds
		{colP50, "p50", 6, 5, true},
		{colP99, "p99", 6, 6, true},
		{colErr, "err", 5, 5, true},
	}
	keep := make([]bool, len(all))
	used := markerW
	for prio := 0; prio <= 9; prio++ {
		for i, c := range all {
			if c.prio == prio && used+c.w+1 <= w {
				keep[i] = true
				used += c.w + 1
			}
		}
	}
	var cols []srvCol
	for i, c := range all {
		if keep[i] {
			if c.id == colShare {
				extra := min(w-used, shareMaxW-c.w)
				if extra > 0 {
					c.w += extra
					used += extra
				}
			}
			cols = append(cols, c)
		}
	}
	return cols
}

// rateTitle names the rate column after what the backends count.
func rateTitle(s *lab.Snapshot) string {
	http, tcp := false, false
	for i := range s.Backends {
		if s.Backends[i].Mode == proxy.TCP {
			tcp = true
		} else {
			http = true
		}
	}
	switch {
	case tcp && !http:
		return "conn/s"
	case http && !tcp:
		return "req/s"
	}
	return "rate/s"
}

// unit is what a backend counts: requests, or connections in TCP mode.
func unit(b *lab.Backend) string {
	if b.Mode == proxy.TCP {
		return "conns"
	}
	return "req"
}

// lines draws the whole table; sel is the selected server's line.
func (p serversPane) lines(f *frame, w int) (lines []string, sel int) {
	cols := p.columnsFor(f, w)
	var hb strings.Builder
	hb.WriteString(strings.Repeat(" ", markerW))
	for i, c := range cols {
		if i > 0 {
			hb.WriteByte(' ')
		}
		if c.right {
			hb.WriteString(padLeft(c.title, c.w))
		} else {
			hb.WriteString(pad(c.title, c.w))
		}
	}
	lines = append(lines, f.th.faint.Render(hb.String()))
	sel = -1
	for bi := range f.snap.Backends {
		b := &f.snap.Backends[bi]
		lines = append(lines, backendRow(f, bi, b, w))
		for si := range b.Servers {
			if bi == f.sel.bi && si == f.sel.si {
				sel = len(lines)
			}
			lines = append(lines, p.row(f, cols, bi, si))
		}
	}
	return lines, sel
}

// backendRow is a backend's summary above its servers.
func backendRow(f *frame, bi int, b *lab.Backend, w int) string {
	t := f.th
	up := 0
	for i := range b.Servers {
		if b.Servers[i].Usable {
			up++
		}
	}
	name := b.Name
	if bi == f.sel.bi {
		name = "▸ " + name
	} else {
		name = "  " + name
	}
	parts := []string{
		b.Mode.String(),
		strconv.Itoa(up) + "/" + strconv.Itoa(len(b.Servers)) + " usable",
		fmtCount(b.Total) + " " + unit(b),
		fmtRate(b.RPS) + " " + unit(b) + "/s",
		fmtCount(b.Errors) + " err",
	}
	if b.QCur > 0 {
		parts = append(parts, "queue "+strconv.Itoa(b.QCur))
	}
	return cut(t.bold.Render(name)+"  "+t.faint.Render(strings.Join(parts, " · ")), w)
}

func (p serversPane) row(f *frame, cols []srvCol, bi, si int) string {
	t := f.th
	s := &f.snap.Backends[bi].Servers[si]
	var b strings.Builder
	if bi == f.sel.bi && si == f.sel.si {
		b.WriteString(t.bold.Render("›") + " ")
	} else {
		b.WriteString("  ")
	}
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.cell(f, c, bi, si, s))
	}
	return b.String()
}

func (p serversPane) cell(f *frame, c srvCol, bi, si int, s *lab.Server) string {
	t := f.th
	num := func(v string) string { return padLeft(v, c.w) }
	switch c.id {
	case colName:
		name := padName(s.Name, c.w)
		if bi == f.sel.bi && si == f.sel.si && !t.noColor {
			return f.th.serversBold[f.slot(bi, si)].Render(name)
		}
		return f.paint(bi, si, name)
	case colApp:
		return pad(appCell(f, s), c.w)
	case colAddr:
		return pad(s.Addr, c.w)
	case colStatus:
		return statusStyle(t, s.Status).Render(pad(statusText(s), c.w))
	case colWeight:
		return num(strconv.Itoa(s.Weight))
	case colCur:
		return num(strconv.FormatInt(s.Cur, 10))
	case colMax:
		return num(strconv.FormatInt(s.Max, 10))
	case colTotal:
		return num(fmtCount(s.Total))
	case colLbTot:
		return num(fmtCount(s.LbTot))
	case colShare:
		// the percentage first: it is what the eye (and a test reading
		// the screen) looks for
		return padLeft(fmtPct(s.Share), 6) + " " + bar(t, f.painter(bi, si), s.Share, c.w-7)
	case colRate:
		return num(fmtRate(s.RPS))
	case colP50:
		return num(fmtLatency(s.Latency.Count, s.Latency.P50))
	case colP99:
		return num(fmtLatency(s.Latency.Count, s.Latency.P99))
	case colErr:
		if s.Errors > 0 {
			return t.errText.Render(num(fmtCount(s.Errors)))
		}
		return num("0")
	}
	return strings.Repeat(" ", c.w)
}

// painter is paint as a function, for bars.
func (f *frame) painter(bi, si int) func(string) string {
	if f.th.noColor {
		return nil
	}
	st := f.serverStyle(bi, si)
	return func(s string) string { return st.Render(s) }
}

func fmtLatency(n int64, d time.Duration) string {
	if n == 0 {
		return "-"
	}
	return fmtDur(d)
}

// statusText is the stats page's status with the last check's result:
// "UP L7OK", "DOWN L4CON", "MAINT".
func statusText(s *lab.Server) string {
	st := s.Status
	if st == "" {
		st = "?"
	}
	if s.Checked && s.CheckStatus != "" && !strings.HasPrefix(st, "MAINT") {
		st += " " + s.CheckStatus
	}
	return st
}

func statusStyle(t *theme, status string) ink {
	switch {
	case strings.HasPrefix(status, "UP"):
		return t.good
	case strings.HasPrefix(status, "DOWN"):
		return t.bad
	case strings.HasPrefix(status, "MAINT"), strings.HasPrefix(status, "DRAIN"):
		return t.warn
	}
	return ink{} // any other status: the terminal's own colour
}

// appCell is the app behind a server and what the lab made of it:
// "app2", "app2 off" (stopped), "app1 5s" (slow).
func appCell(f *frame, s *lab.Server) string {
	if s.App == "" {
		return "ext"
	}
	a := f.app(s.App)
	switch {
	case a == nil:
		return s.App
	case !a.Running:
		return s.App + " off"
	case a.Delay > 0:
		return s.App + " " + shortDur(a.Delay)
	}
	return s.App
}

// shortDur is a delay in few characters: "5s", "250ms", "1.5s".
func shortDur(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d < time.Second && d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	}
	return fmtDur(d)
}

// view draws the table in h lines, scrolled so the selected server shows.
func (p serversPane) view(f *frame, w, h int) []string {
	lines, sel := p.lines(f, w)
	if len(lines) <= h {
		return lines
	}
	// keep the column titles; scroll the rest
	body := lines[1:]
	room := h - 1
	start := 0
	if sel > 0 {
		start = max(0, min(sel-1-room/2, len(body)-room))
	}
	return append([]string{lines[0]}, body[start:start+room]...)
}

// height is the table's full height.
func (p serversPane) height(f *frame) int {
	n := 1
	for i := range f.snap.Backends {
		n += 1 + len(f.snap.Backends[i].Servers)
	}
	return n
}

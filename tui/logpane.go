package tui

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
)

// logPane tails the proxy's httplog (or tcplog) lines, newest at the
// bottom, under a title that counts responses by status class (or TCP
// connections) and failed requests by reason. It is toggled with l; lines
// are only fetched while it is shown.
type logPane struct {
	on bool
}

func (p logPane) size() (lo, want int) {
	if !p.on {
		return 0, 0
	}
	return 4, 14
}

func (p logPane) view(f *frame, w, h int) []string {
	lines := []string{rule(f.th, p.title(f), w)}
	room := h - 1
	if len(f.logs) == 0 {
		return append(lines, f.th.faint.Render(cut("no log lines yet", w)))
	}
	logs := f.logs
	if len(logs) > room {
		logs = logs[len(logs)-room:]
	}
	for _, l := range logs {
		lines = append(lines, p.line(f, l, w))
	}
	return lines
}

// title counts what the clients got: HTTP responses by status class,
// TCP connections (a TCP frontend has no status to count), then the
// generator's failures by reason.
func (logPane) title(f *frame) string {
	var st [6]int64
	var conns int64
	http, tcp := false, false
	for i := range f.snap.Frontends {
		fe := &f.snap.Frontends[i]
		if fe.Mode == proxy.TCP {
			tcp = true
			conns += fe.ConnTotal
			continue
		}
		http = true
		for c, n := range fe.Status {
			st[c] += n
		}
	}
	parts := []string{"log"}
	if http || !tcp {
		for c, label := range [...]string{"1xx", "2xx", "3xx", "4xx", "5xx", "other"} {
			if st[c] > 0 || c == 1 || c == 4 {
				parts = append(parts, label+" "+fmtCount(st[c]))
			}
		}
	}
	if tcp {
		parts = append(parts, fmtCount(conns)+" tcp conns")
	}
	tr := &f.snap.Traffic
	if tr.Failed > 0 {
		fail := fmtCount(tr.Failed) + " failed"
		if len(tr.ByReason) > 0 {
			reasons := make([]string, 0, len(tr.ByReason))
			for r := range tr.ByReason {
				reasons = append(reasons, r)
			}
			sort.Strings(reasons) // map order is random; the screen must not be
			for i, r := range reasons {
				reasons[i] = r + " " + strconv.FormatInt(tr.ByReason[r], 10)
			}
			fail += " (" + strings.Join(reasons, ", ") + ")"
		}
		parts = append(parts, fail)
	}
	return strings.Join(parts, " · ")
}

// logDate is the layout of the date field of httplog and tcplog lines.
const logDate = "02/Jan/2006:15:04:05.000"

// line shows one log line: its date as lab time since the reset, like
// every other time on screen (or no date when the line is too wide: it is
// the field a narrow screen can best do without), the backend/server
// field in the server's colour and an HTTP error status in red.
func (logPane) line(f *frame, l string, w int) string {
	if at := strings.Index(l, " ["); at >= 0 {
		if end := strings.Index(l[at:], "] "); end >= 0 {
			date := l[at+2 : at+end]
			if t, err := time.ParseInLocation(logDate, date, f.snap.Time.Location()); err == nil {
				l = l[:at+2] + labStamp(f.snap, t) + l[at+end:]
				end = strings.Index(l[at:], "] ")
			}
			if width(l) > w {
				l = l[:at] + l[at+end+1:]
			}
		}
	}
	l = cut(l, w)
	if f.th.noColor {
		return l
	}
	return paintLogLine(f, l)
}

// paintLogLine colours the fields of a log line found by what they are,
// not where they are, since the date may be gone: the first "be/srv"
// naming a server of the lab, then, after the timers that follow it
// (five in an httplog line, three in a tcplog one), the HTTP status.
func paintLogLine(f *frame, l string) string {
	fields := fieldSpans(l)
	for n, sp := range fields {
		be, srv, ok := strings.Cut(l[sp[0]:sp[1]], "/")
		if !ok {
			continue
		}
		bi := backendIndex(f.snap, be)
		if bi < 0 {
			continue
		}
		var out strings.Builder
		out.WriteString(l[:sp[0]])
		if si := f.serverIndex(bi, srv); si >= 0 {
			out.WriteString(f.paint(bi, si, l[sp[0]:sp[1]]))
		} else {
			out.WriteString(l[sp[0]:sp[1]]) // <NOSRV>
		}
		rest := sp[1]
		if n+2 < len(fields) {
			timers, status := fields[n+1], fields[n+2]
			code := l[status[0]:status[1]]
			if strings.Count(l[timers[0]:timers[1]], "/") == 4 && isErrorStatus(code) {
				out.WriteString(l[sp[1]:status[0]])
				out.WriteString(f.th.errText.Render(code))
				rest = status[1]
			}
		}
		out.WriteString(l[rest:])
		return out.String()
	}
	return l
}

// fieldSpans are the start and end of each space-separated field of l.
func fieldSpans(l string) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i <= len(l); i++ {
		if i == len(l) || l[i] == ' ' {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}

// isErrorStatus reports a three-digit HTTP status of 400 or more.
func isErrorStatus(s string) bool {
	if len(s) != 3 {
		return false
	}
	code, err := strconv.Atoi(s)
	return err == nil && code >= 400 && code <= 599
}

func backendIndex(s *lab.Snapshot, name string) int {
	for i := range s.Backends {
		if s.Backends[i].Name == name {
			return i
		}
	}
	return -1
}

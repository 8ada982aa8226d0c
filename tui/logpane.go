package tui

import (
	"sort"
	"strconv"
	"strings"
)

// logPane tails the proxy's httplog (or tcplog) lines, newest at the
// bottom, under a title that counts responses by status class and failed
// requests by reason. It is toggled with l; lines are only fetched while
// it is shown.
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

// title counts what the clients got: responses by class, then the
// generator's failures by reason.
func (logPane) title(f *frame) string {
	var st [6]int64
	for i := range f.snap.Frontends {
		for c, n := range f.snap.Frontends[i].Status {
			st[c] += n
		}
	}
	parts := []string{"log"}
	for c, label := range [...]string{"1xx", "2xx", "3xx", "4xx", "5xx", "other"} {
		if st[c] > 0 || c == 1 || c == 4 {
			parts = append(parts, label+" "+fmtCount(st[c]))
		}
	}
	tr := &f.snap.Traffic
	if tr.Failed > 0 {
		fail := "failed " + fmtCount(tr.Failed)
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

// line colours one log line's backend/server field in the server's
// colour and its HTTP status by class.
func (logPane) line(f *frame, l string, w int) string {
	if width(l) > w {
		// the date is the field a narrow screen can best do without
		if at := strings.Index(l, " ["); at >= 0 {
			if end := strings.Index(l[at:], "] "); end >= 0 {
				l = l[:at] + l[at+end+1:]
			}
		}
	}
	l = cut(l, w)
	if f.th.noColor {
		return l
	}
	fields := strings.Fields(l)
	if len(fields) < 4 {
		return l
	}
	be, srv, ok := strings.Cut(fields[3], "/")
	if !ok {
		return l
	}
	out := l
	for bi := range f.snap.Backends {
		if f.snap.Backends[bi].Name == be {
			if si := f.serverIndex(bi, srv); si >= 0 {
				if at := strings.Index(out, fields[3]); at >= 0 {
					out = out[:at] + f.paint(bi, si, fields[3]) + out[at+len(fields[3]):]
				}
			}
			break
		}
	}
	// HTTP lines have five timers before the status; TCP lines three
	// before the byte count
	if len(fields) > 5 && len(fields[5]) == 3 && strings.Count(fields[4], "/") == 4 {
		if code, err := strconv.Atoi(fields[5]); err == nil && code >= 400 {
			if at := strings.Index(out, " "+fields[5]+" "); at >= 0 {
				out = out[:at+1] + f.th.errText.Render(fields[5]) + out[at+1+len(fields[5]):]
			}
		}
	}
	return out
}

package tui

import (
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy"
)

// The log line's backend/server field is drawn in the server's colour and
// an error status in red, whether the date is shown (wide) or dropped for
// width (narrow): the fields are found by what they are, not by position.
func TestLogLineColours(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{}, 160, 48)
	fr := m.frame()
	line := "127.0.0.7:40036 [14/Mar/2025:15:09:20.036] http_front servers/server2 0/0/0/1/1 503 187 - - ---- 12/12/12/4/0 0/0 \"GET /?id=36 HTTP/1.1\""
	srv := fr.paint(0, 1, "servers/server2")
	status := m.th.errText.Render("503")
	for _, c := range []struct {
		w        int
		withDate bool
	}{{200, true}, {110, false}} {
		got := logPane{}.line(fr, line, c.w)
		if !strings.Contains(got, srv) {
			t.Errorf("width %d: servers/server2 not in its colour: %q", c.w, got)
		}
		if !strings.Contains(got, " "+status+" ") {
			t.Errorf("width %d: 503 not in red: %q", c.w, got)
		}
		// the lab clock at 15:09:26 is 83 s after the reset: 15:09:20 is 77 s
		if hasDate := strings.Contains(got, "[t 1m17s]"); hasDate != c.withDate {
			t.Errorf("width %d: lab-time stamp shown = %v, want %v: %q", c.w, hasDate, c.withDate, got)
		}
		if strings.Contains(got, "15:09:20") {
			t.Errorf("width %d: the lab clock's time of day is shown: %q", c.w, got)
		}
	}
	// a 200 stays plain; a TCP line has no status
	ok := logPane{}.line(fr, strings.Replace(line, " 503 ", " 200 ", 1), 110)
	if strings.Contains(ok, m.th.errText.pre) {
		t.Errorf("a 200 is painted as an error: %q", ok)
	}
	tcp := logPane{}.line(fr, "127.0.0.7:40036 [14/Mar/2025:15:09:20.036] http_front servers/server1 0/0/500 404 -- 1/1/1/1/0 0/0", 110)
	if !strings.Contains(tcp, fr.paint(0, 0, "servers/server1")) || strings.Contains(tcp, m.th.errText.pre) {
		t.Errorf("tcplog line: %q", tcp)
	}
}

// The log's title counts HTTP responses by class, TCP connections for a
// TCP frontend, and the failures with the count first.
func TestLogTitle(t *testing.T) {
	m := newDirect(t, trioLab(), Options{NoColor: true}, 160, 48)
	press(m, "l")
	refresh(m)
	if l := lineWith(screen(m), "─ log"); !strings.Contains(l, "log · 2xx 827 · 5xx 3 · 2 failed (refused 1, timeout 1)") {
		t.Errorf("HTTP log title = %q", l)
	}
	f := labWith(1, 10, 5)
	f.snap.Backends[0].Mode = proxy.TCP
	f.snap.Frontends[0].Mode = proxy.TCP
	m = newDirect(t, f, Options{NoColor: true}, 160, 48)
	press(m, "l")
	refresh(m)
	l := lineWith(screen(m), "─ log")
	if !strings.Contains(l, "log · 830 tcp conns") || strings.Contains(l, "2xx") || strings.Contains(l, "5xx") {
		t.Errorf("TCP log title = %q", l)
	}
}

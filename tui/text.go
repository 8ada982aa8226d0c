package tui

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/lblab/lblab/lab"
)

// Text helpers. Every pane draws lines that are cut to the width they are
// given (with an ellipsis) and padded to it, so nothing ever wraps.

const ellipsis = "…"

// width is the number of terminal cells s takes, escape codes excluded.
// Text made of ASCII and the single-cell symbols the dashboard draws with
// is measured here, cheaply; anything else (wide characters, emoji,
// combining marks) goes to the ansi package's grapheme-aware measure.
func width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i)
			continue
		case c < 0x80:
			if c >= 0x20 && c != 0x7f {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !narrowRune(r) {
			return ansi.StringWidth(s)
		}
		n++
		i += size
	}
	return n
}

// narrowRune reports the runes known to take one cell and to stand
// alone: Latin letters with accents and the punctuation, arrows, box
// drawing, block and shape characters the panes use.
func narrowRune(r rune) bool {
	switch {
	case r >= 0xA0 && r <= 0x2FF,
		r >= 0x2010 && r <= 0x2027,
		r >= 0x2030 && r <= 0x205E,
		r >= 0x2070 && r <= 0x209F,
		r >= 0x2190 && r <= 0x21FF,
		r >= 0x2500 && r <= 0x25FF,
		r == 0x2713, r == 0x2717:
		return true
	}
	return false
}

// skipEscape returns the index just past the escape sequence at s[i]:
// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ST), or ESC and one byte.
func skipEscape(s string, i int) int {
	if i+1 >= len(s) {
		return len(s)
	}
	switch s[i+1] {
	case '[':
		for j := i + 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case ']':
		for j := i + 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	}
	return i + 2
}

// cut shortens s to at most w cells, ending in an ellipsis when it had to
// cut. Styles open at the cut are closed after the ellipsis.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	if isASCIIPrintable(s) {
		return s[:w-1] + ellipsis
	}
	var b strings.Builder
	n, styled := 0, false
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := skipEscape(s, i)
			b.WriteString(s[i:j])
			styled = s[i:j] != "\x1b[m" && s[i:j] != "\x1b[0m"
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x80 && !narrowRune(r) {
			return ansi.Truncate(s, w, ellipsis)
		}
		if r < 0x20 || r == 0x7f {
			i += size
			continue
		}
		if n == w-1 {
			break
		}
		b.WriteString(s[i : i+size])
		n++
		i += size
	}
	b.WriteString(ellipsis)
	if styled {
		b.WriteString("\x1b[m")
	}
	return b.String()
}

func isASCIIPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// pad cuts s to w cells and fills it with spaces to exactly w.
func pad(s string, w int) string {
	s = cut(s, w)
	if n := w - width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// padName fits a name in w cells, cutting from its middle when it is too
// long: server names often differ only at the end ("web-eu-1", "web-eu-2").
func padName(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w || !isASCIIPrintable(s) {
		return pad(s, w)
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	return s[:head] + ellipsis + s[len(s)-tail:]
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	s = cut(s, w)
	if n := w - width(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// center puts s in the middle of w cells.
func center(s string, w int) string {
	s = cut(s, w)
	n := w - width(s)
	if n <= 0 {
		return s
	}
	return strings.Repeat(" ", n/2) + s + strings.Repeat(" ", n-n/2)
}

// spread writes left and right on one line of w cells, right-aligned
// right; the left part gives way when both do not fit.
func spread(left, right string, w int) string {
	rw := width(right)
	if rw >= w {
		return pad(right, w)
	}
	return pad(left, w-rw-1) + " " + right
}

// wrap breaks plain text into lines of at most w cells at spaces; words
// longer than w are cut. Paragraphs (blank lines) are kept.
func wrap(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := ""
		for _, word := range words {
			switch {
			case line == "":
				line = cut(word, w)
			case width(line)+1+width(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = cut(word, w)
			}
		}
		out = append(out, line)
	}
	return out
}

// rule is a pane's title line: "─ title ───────".
func rule(t *theme, title string, w int) string {
	if w <= 0 {
		return ""
	}
	head := "─ " + title + " "
	hw := width(head)
	if hw >= w {
		return t.bold.Render(cut(head, w))
	}
	return t.bold.Render(head) + t.faint.Render(strings.Repeat("─", w-hw))
}

var eighths = [...]string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// bar is a horizontal bar of w cells filled to frac (0..1), in eighths of
// a cell; the rest is a faint dotted track.
func bar(t *theme, style func(string) string, frac float64, w int) string {
	if w <= 0 {
		return ""
	}
	if math.IsNaN(frac) || frac < 0 {
		frac = 0
	}
	if frac > 1 {
		frac = 1
	}
	n := int(math.Round(frac * float64(w) * 8))
	full, part := n/8, n%8
	var b strings.Builder
	b.WriteString(strings.Repeat("█", full))
	b.WriteString(eighths[part])
	used := full
	if part > 0 {
		used++
	}
	filled := b.String()
	if style != nil && filled != "" {
		filled = style(filled)
	}
	return filled + t.faint.Render(strings.Repeat("·", w-used))
}

// Number formats. They keep columns narrow and never depend on a clock.

func fmtCount(n int64) string {
	switch {
	case n < 100000:
		return strconv.FormatInt(n, 10)
	case n < 10000000:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + "k"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	}
}

func fmtRate(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0) || r < 0:
		return "-"
	case r < 100:
		return strconv.FormatFloat(r, 'f', 1, 64)
	case r < 10000:
		return strconv.FormatFloat(r, 'f', 0, 64)
	default:
		return strconv.FormatFloat(r/1e3, 'f', 1, 64) + "k"
	}
}

func fmtPct(f float64) string {
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}

// fmtDur is a latency: "0.4ms", "12ms", "5.00s", "1m05s".
func fmtDur(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	case d < 100*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return fmtElapsed(d)
}

// fmtElapsed is a lab time span: "42s", "3m07s", "1h02m03s".
func fmtElapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	two := func(v int64) string {
		if v < 10 {
			return "0" + strconv.FormatInt(v, 10)
		}
		return strconv.FormatInt(v, 10)
	}
	switch {
	case h > 0:
		return strconv.FormatInt(h, 10) + "h" + two(m) + "m" + two(sec) + "s"
	case m > 0:
		return strconv.FormatInt(m, 10) + "m" + two(sec) + "s"
	}
	return strconv.FormatInt(sec, 10) + "s"
}

// fmtSpeed is the time scale: "" at real time, "×20" faster.
func fmtSpeed(x float64) string {
	if x == 0 || x == 1 {
		return ""
	}
	return "×" + strconv.FormatFloat(x, 'g', 4, 64)
}

// plural is "1 slot", "3 slots".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// wrapEntries lays entries out on lines of at most w cells, joined by sep,
// breaking only between entries ("7 random" never splits); head starts
// the first line and the lines after it are indented by indent spaces.
// An entry wider than a whole line is cut.
func wrapEntries(head string, entries []string, sep string, indent, w int) []string {
	var out []string
	line, lw, empty := head, width(head), head == ""
	sw := width(sep)
	for _, e := range entries {
		ew := width(e)
		if !empty && lw+sw+ew > w {
			out = append(out, cut(line, w))
			line, lw, empty = strings.Repeat(" ", indent), indent, true
		}
		if !empty {
			line += sep
			lw += sw
		}
		line += e
		lw += ew
		empty = false
	}
	return append(out, cut(line, w))
}

// nameWidth is the column width for the names of servers: the longest,
// at least lo cells and at most maxNameW.
func nameWidth(servers []lab.Server, lo int) int {
	w := lo
	for i := range servers {
		w = max(w, width(servers[i].Name))
	}
	return min(w, maxNameW)
}

// maxNameW is the widest a server name column gets; longer names are cut
// in the middle (padName).
const maxNameW = 16

// lastN is the newest n values of a series.
func lastN(s []float64, n int) []float64 {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

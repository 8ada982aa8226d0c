package tui

import (
	"hash/fnv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/guptarohit/asciigraph"
)

// serverPalette are the servers' colours, as xterm-256 indexes so that
// asciigraph's series and Lip Gloss's text get the very same colour. All
// are of medium lightness, readable on light and dark backgrounds alike,
// and neighbours differ in hue so adjacent servers never look alike.
var serverPalette = [...]uint8{
	33,  // blue
	166, // orange
	34,  // green
	163, // magenta
	37,  // teal
	136, // ochre
	98,  // violet
	168, // rose
	100, // olive
	31,  // steel blue
	130, // brown
	29,  // sea green
}

// Status colours, also mid-lightness.
const (
	colGood = 34  // green
	colBad  = 160 // red
	colWarn = 172 // amber
)

// theme holds every style of the dashboard, built once. With noColor every
// style is empty, so nothing draws an escape code.
type theme struct {
	noColor bool

	faint, bold, key, good, bad, warn, errText ink
	servers, serversBold                       [len(serverPalette)]ink
}

// ink is a Lip Gloss style reduced to the escape codes it puts around a
// single line of text. Rendering a style is far dearer than joining three
// strings, and a frame colours hundreds of cells ten times a second.
type ink struct{ pre, post string }

func inkOf(st lipgloss.Style) ink {
	const probe = "x"
	out := st.Render(probe)
	at := strings.Index(out, probe)
	if at < 0 {
		return ink{}
	}
	return ink{pre: out[:at], post: out[at+len(probe):]}
}

// Render draws s, a single line, in the ink.
func (k ink) Render(s string) string {
	if k.pre == "" && k.post == "" || s == "" {
		return s
	}
	return k.pre + s + k.post
}

func newTheme(noColor bool) *theme {
	t := &theme{noColor: noColor}
	if noColor {
		return t
	}
	fg := func(c uint8) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.ANSIColor(c)) }
	bold := lipgloss.NewStyle().Bold(true)
	t.faint = inkOf(lipgloss.NewStyle().Faint(true))
	t.bold = inkOf(bold)
	t.key = inkOf(fg(33).Bold(true))
	t.good, t.bad, t.warn = inkOf(fg(colGood)), inkOf(fg(colBad).Bold(true)), inkOf(fg(colWarn))
	t.errText = inkOf(fg(colBad))
	for i, c := range serverPalette {
		t.servers[i] = inkOf(fg(c))
		t.serversBold[i] = inkOf(fg(c).Bold(true))
	}
	return t
}

// serverColor is a server's colour slot: derived from its backend and
// its id, so it stays the same in every pane, across snapshots, and when
// other servers come and go.
func serverColor(backend string, id int) int {
	h := fnv.New32a()
	h.Write([]byte(backend))
	return int((h.Sum32() + uint32(id)) % uint32(len(serverPalette)))
}

// graphColor is slot i's colour for asciigraph.
func graphColor(slot int) asciigraph.AnsiColor {
	return asciigraph.AnsiColor(serverPalette[slot])
}

// helpStyles are the help bubble's styles for this theme: keys in blue,
// descriptions in the terminal's own colour, separators faint; readable
// whatever the background.
func (t *theme) helpStyles() help.Styles {
	if t.noColor {
		return help.Styles{}
	}
	key := lipgloss.NewStyle().Foreground(lipgloss.ANSIColor(33)).Bold(true)
	faint := lipgloss.NewStyle().Faint(true)
	return help.Styles{
		Ellipsis: faint, ShortKey: key, ShortSeparator: faint,
		FullKey: key, FullSeparator: faint,
	}
}

package tui

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// labs are the shapes of lab the layout must cope with.
func labs() map[string]func() *fakeLab {
	return map[string]func() *fakeLab{
		"trio": trioLab,
		"acl":  aclLab,
		"tcp": func() *fakeLab {
			f := labWith(1, 10, 5)
			f.snap.Backends[0].Mode = proxy.TCP
			f.snap.Frontends[0].Mode = proxy.TCP
			return f
		},
		"ten servers, long names, ring": func() *fakeLab {
			f := labWith(10, 1000, 200)
			for i := range f.snap.Backends[0].Servers {
				f.snap.Backends[0].Servers[i].Name = "a-rather-long-server-name-" + strconv.Itoa(i)
			}
			f.place["servers"] = ringPlacement(10, 40)
			return f
		},
		"no backend": func() *fakeLab {
			f := labWith(1, 0, 0)
			f.snap.Backends = nil
			return f
		},
		"placement error": func() *fakeLab {
			f := trioLab()
			f.setErr("Placement", fmt.Errorf("placement is not available for this algorithm"))
			return f
		},
		"empty series": func() *fakeLab {
			f := trioLab()
			for i := range f.snap.Backends[0].Servers {
				f.snap.Backends[0].Servers[i].ConnSeries = nil
				f.snap.Backends[0].Servers[i].RPSSeries = nil
			}
			return f
		},
	}
}

// ringPlacement is a consistent-hash ring of n servers with nodes nodes
// each and 30 sample clients, after a change that moved some of them.
func ringPlacement(n, nodes int) lab.Placement {
	pl := lab.Placement{Backend: "servers", Kind: balance.Ring}
	for i := 0; i < n; i++ {
		pl.Servers = append(pl.Servers, "a-rather-long-server-name-"+strconv.Itoa(i))
	}
	for i := 0; i < n*nodes; i++ {
		pl.Nodes = append(pl.Nodes, lab.RingNode{Key: uint32(i) * 2654435761, Server: i % n})
	}
	for i := 0; i < 30; i++ {
		pl.Keys = append(pl.Keys, lab.KeyPlace{Key: "127.0.0." + strconv.Itoa(i+1), Hash: uint32(i) * 143165576, Server: i % n})
	}
	pl.Moved = &lab.Moved{Change: "server4 removed", Keys: 30, Count: 3}
	return pl
}

// overlays are the states a frame can be drawn in.
var overlays = map[string][]string{
	"dashboard": nil, "log": {"l"}, "help": {"?"}, "chooser": {"A"}, "picker": {"p"}, "notes": {"i"},
}

// Every frame, at every size from the minimum up, is exactly the
// terminal's size: no line wraps, none is missing.
func TestEveryFrameFits(t *testing.T) {
	widths := []int{MinWidth, 61, 79, 80, 81, 100, 139, 140, 141, 160, 200, 251}
	heights := []int{MinHeight, 17, 20, 24, 30, 48, 61}
	for name, mk := range labs() {
		for ov, keys := range overlays {
			f := mk()
			opts := Options{Scenarios: []ScenarioInfo{{"default", "x"}}, Open: func(string) (Lab, error) { return f, nil }}
			m := newDirect(t, f, opts, 80, 24)
			press(m, keys...)
			refresh(m)
			for _, w := range widths {
				for _, h := range heights {
					resize(m, w, h)
					checkFrame(t, fmt.Sprintf("%s/%s/%dx%d", name, ov, w, h), screen(m), w, h)
				}
			}
		}
	}
}

func checkFrame(t *testing.T, what, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", what, len(lines), h)
		return
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			t.Errorf("%s: line %d is %d cells, want %d: %q", what, i, lw, w, l)
			return
		}
		if strings.ContainsAny(l, "\t\r") {
			t.Errorf("%s: line %d holds a tab or carriage return: %q", what, i, l)
		}
	}
}

func TestTooSmall(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{}, 80, 24)
	for _, sz := range [][2]int{{MinWidth - 1, MinHeight}, {MinWidth, MinHeight - 1}, {40, 10}, {20, 5}, {1, 1}} {
		resize(m, sz[0], sz[1])
		s := screen(m)
		checkFrame(t, fmt.Sprintf("%dx%d", sz[0], sz[1]), s, sz[0], sz[1])
		want := fmt.Sprintf("enlarge the terminal to at least %d×%d (now %d×%d)", MinWidth, MinHeight, sz[0], sz[1])
		if sz[0] >= 40 && !strings.Contains(strings.Join(strings.Fields(s), " "), want) {
			t.Errorf("%dx%d: the message %q is not on screen:\n%s", sz[0], sz[1], want, s)
		}
	}
	resize(m, MinWidth, MinHeight)
	if strings.Contains(screen(m), "enlarge") {
		t.Error("the minimum size itself is refused")
	}
}

// Without colour not a single escape code is drawn, in any state.
func TestNoColor(t *testing.T) {
	for name, mk := range labs() {
		for ov, keys := range overlays {
			for _, noColor := range []bool{true, false} {
				f := mk()
				opts := Options{NoColor: noColor, Scenarios: []ScenarioInfo{{"default", "x"}},
					Open: func(string) (Lab, error) { return f, nil }}
				m := newDirect(t, f, opts, 80, 24)
				press(m, keys...)
				press(m, "[", "[") // a status message (an error) too
				refresh(m)
				for _, sz := range [][2]int{{80, 24}, {160, 48}} {
					resize(m, sz[0], sz[1])
					s := screen(m)
					has := strings.Contains(s, "\x1b")
					if noColor && has {
						t.Errorf("%s/%s/%dx%d: escape code without colour: %q", name, ov, sz[0], sz[1], s)
					}
					if !noColor && !has && ov == "dashboard" {
						t.Errorf("%s/%dx%d: no colour at all with colour on", name, sz[0], sz[1])
					}
				}
			}
		}
	}
}

// Every key the dashboard has is listed, and listed in the help overlay
// as "key  description" on one line, at both test sizes.
func TestKeyHelpInHelp(t *testing.T) {
	all := KeyHelp()
	if len(all) < 25 {
		t.Fatalf("only %d keys in KeyHelp", len(all))
	}
	listed := map[string]bool{}
	for _, kh := range all {
		if listed[kh[0]] {
			t.Errorf("key %q listed twice", kh[0])
		}
		listed[kh[0]] = true
	}
	// every binding of the keymap is in KeyHelp
	km := reflect.ValueOf(newKeyMap())
	for i := 0; i < km.NumField(); i++ {
		b := km.Field(i).Interface().(key.Binding)
		if !listed[b.Help().Key] {
			t.Errorf("keyMap.%s (%s) is missing from KeyHelp", km.Type().Field(i).Name, b.Help().Key)
		}
	}
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		m := newDirect(t, trioLab(), Options{NoColor: true}, sz[0], sz[1])
		press(m, "?")
		s := screen(m)
		for _, kh := range all {
			re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(kh[0]) + ` +` + regexp.QuoteMeta(kh[1]))
			if !re.MatchString(s) {
				t.Errorf("%dx%d: help lacks %q  %q:\n%s", sz[0], sz[1], kh[0], kh[1], s)
			}
		}
	}
}

// The help scrolls where it does not fit, and every key can be reached.
func TestHelpScrolls(t *testing.T) {
	m := newDirect(t, trioLab(), Options{NoColor: true}, MinWidth, MinHeight)
	press(m, "?")
	seen := screen(m)
	for i := 0; i < 40; i++ {
		press(m, "down")
		seen += screen(m)
	}
	for _, kh := range KeyHelp() {
		if !strings.Contains(seen, kh[1]) {
			t.Errorf("scrolling the help never shows %q", kh[1])
		}
	}
}

// A server has one colour everywhere it is named, and it does not change
// when other servers go away.
func TestServerColours(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{}, 160, 48)
	seq := func(si int) string { return "38;5;" + strconv.Itoa(int(serverPalette[m.colors[0][si]])) + "m" }
	if seq(0) == seq(1) || seq(1) == seq(2) || seq(0) == seq(2) {
		t.Fatalf("servers share a colour: %s %s %s", seq(0), seq(1), seq(2))
	}
	before := seq(1)
	lines := strings.Split(screen(m), "\n")
	count := 0
	for _, l := range lines[:len(lines)-2] { // not the status line and footer
		for at := strings.Index(l, "server2"); at >= 0; {
			prefix := l[:at]
			last := prefix[max(0, strings.LastIndex(prefix, "\x1b[")):]
			if !strings.HasPrefix(last, "\x1b["+seq(1)) && !strings.HasPrefix(last, "\x1b[1;"+seq(1)) {
				t.Errorf("server2 not in its colour %q here: %q", seq(1), l)
			}
			count++
			next := strings.Index(l[at+1:], "server2")
			if next < 0 {
				break
			}
			at += 1 + next
		}
	}
	if count < 4 { // table, distribution, legend, placement
		t.Fatalf("server2 is named only %d times in colour", count)
	}
	press(m, "x") // remove server1
	refresh(m)
	if got := "38;5;" + strconv.Itoa(int(serverPalette[m.colors[0][0]])) + "m"; got != before {
		t.Fatalf("server2's colour changed from %q to %q when server1 went away", before, got)
	}
}

// Each kind of placement draws what explains the next pick.
func TestPlacementKinds(t *testing.T) {
	names := []string{"server1", "server2", "server3"}
	staticRR := balance.Spec{Algo: balance.StaticRR}
	source := balance.Spec{Algo: balance.Source}
	cases := []struct {
		name   string
		spec   balance.Spec
		pl     lab.Placement
		want   []string
		absent []string
	}{
		{"sequence", balance.Spec{}, lab.Placement{Kind: balance.Sequence, Servers: names, Next: []int{1, 2, 0, -1}},
			[]string{"next picks: server2 server3 server1 none"}, nil},
		{"static-rr table", staticRR, lab.Placement{Kind: balance.Table, Servers: names, Map: []int{0, 0, 1, 2}, Next: []int{2}},
			[]string{"static-rr map of 4 slots, walked in turn:", strings.Repeat("1", 30) + strings.Repeat("2", 15) + strings.Repeat("3", 15), "next picks: server3"},
			[]string{"hash"}},
		{"static-rr table of one slot", staticRR, lab.Placement{Kind: balance.Table, Servers: names, Map: []int{0}, Next: []int{0}},
			[]string{"static-rr map of 1 slot, walked in turn:"}, []string{"1 slots"}},
		// a hash has no order of coming picks, whatever the lab puts in Next
		{"map-based hash table", source, lab.Placement{Kind: balance.Table, Servers: names, Map: []int{0, 0, 1, 2}, Next: []int{2}},
			[]string{"map of 4 slots; a key goes to slot hash mod 4:", strings.Repeat("1", 30) + strings.Repeat("2", 15) + strings.Repeat("3", 15)},
			[]string{"next picks", "walked in turn"}},
		{"ordering", balance.Spec{Algo: balance.LeastConn}, lab.Placement{Kind: balance.Ordering, Servers: names, Order: []int{1, 2, 0}, Next: []int{1, 1}},
			[]string{"next picks: server2 server2", " 1. server2  cur 0 · wt 1", " 2. server3  cur 16 · wt 1", " 3. server1  cur 16 · wt 1"}, nil},
		{"ring", balance.Spec{Algo: balance.Source, Hash: balance.HashType{Consistent: true}}, lab.Placement{Kind: balance.Ring, Servers: names,
			// unsorted on purpose: the dashboard sorts the ring
			Nodes: []lab.RingNode{{Key: 3 << 30, Server: 2}, {Key: 1 << 30, Server: 0}, {Key: 2 << 30, Server: 1}},
			Keys:  []lab.KeyPlace{{Key: "127.0.0.1", Hash: 1 << 30, Server: 0}, {Key: "127.0.0.2", Hash: 3 << 30, Server: 2}},
			Moved: &lab.Moved{Change: "server4 removed", Keys: 20, Count: 5}},
			[]string{"server4 removed: 25.0% of sample keys moved (5 of 20)", "ring of 3 nodes, 0 → 2³²:",
				// the nearest node owns each column; a tie goes to the earlier node
				strings.Repeat("1", 23) + strings.Repeat("2", 15) + strings.Repeat("3", 22),
				strings.Repeat(" ", 15) + "^" + strings.Repeat(" ", 29) + "^",
				"127.0.0.1 → server1", "127.0.0.2 → server3"}, []string{"next picks"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := trioLab()
			c.pl.Backend = "servers"
			f.place["servers"] = c.pl
			f.snap.Backends[0].Balance = c.spec
			m := newDirect(t, f, Options{NoColor: true}, 200, 60)
			pane := strings.Join(placementPane{}.view(m.frame(), 60, 20), "\n")
			for _, w := range c.want {
				if !strings.Contains(pane, w) {
					t.Errorf("placement lacks %q:\n%s", w, pane)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(pane, a) {
					t.Errorf("placement shows %q:\n%s", a, pane)
				}
			}
		})
	}
}

// At 80 columns the table keeps p50 (Ep 6's lesson is the median falling
// from 5 s to milliseconds) and drops p99 first.
func TestServersKeepMedian(t *testing.T) {
	m := newDirect(t, trioLab(), Options{NoColor: true}, 80, 24)
	head := lineWith(screen(m), "  server ")
	if !strings.Contains(head, "p50") || strings.Contains(head, "p99") {
		t.Errorf("columns at 80: %q", head)
	}
	if l := lineWith(screen(m), "server2 app2"); !strings.Contains(l, "0.4ms") {
		t.Errorf("server2's median is not shown: %q", l)
	}
}

// The graph's title and every legend entry, count included, fit at 80
// columns, where the graph has half the width.
func TestGraphFitsAt80(t *testing.T) {
	for _, noColor := range []bool{true, false} {
		m := newDirect(t, trioLab(), Options{NoColor: noColor}, 80, 24)
		s := ansi.Strip(screen(m))
		if l := lineWith(s, "in flight"); !strings.Contains(l, "in flight · last 60s") {
			t.Errorf("graph title: %q", l)
		}
		for _, e := range []string{"server1 16", "server2 0", "server3 16"} {
			if !strings.Contains(s, e) {
				t.Errorf("no colour %v: legend lacks %q:\n%s", noColor, e, s)
			}
		}
	}
	// more servers than one line holds: the legend takes more lines and
	// no entry is cut
	f := labWith(6, 10, 0)
	m := newDirect(t, f, Options{NoColor: true}, 80, 40)
	lines := graphPane{}.legend(m.frame(), 38)
	if len(lines) < 2 {
		t.Fatalf("six servers' legend on %d line(s): %q", len(lines), lines)
	}
	all := strings.Join(lines, "\n")
	for i := range 6 {
		if e := tag(i) + ":server" + strconv.Itoa(i+1) + " "; !strings.Contains(all, e) {
			t.Errorf("legend lacks %q: %q", e, lines)
		}
	}
	if strings.Contains(all, "…") {
		t.Errorf("legend cut: %q", lines)
	}
}

// The help's algorithm list breaks between entries, never inside one
// ("7 random" stays whole), at every width; and it explains the units.
func TestHelpAlgorithmsUnbroken(t *testing.T) {
	for w := MinWidth; w <= 160; w++ {
		m := newDirect(t, trioLab(), Options{NoColor: true}, w, 24)
		lines := m.helpLines(w)
		all := strings.Join(lines, "\n")
		for i := range algoChoices {
			entry := strconv.Itoa(i+1) + " " + algoLabel(i)
			if !strings.Contains(all, entry) {
				t.Fatalf("width %d: %q split or missing:\n%s", w, entry, all)
			}
		}
		for _, l := range lines {
			if width(l) > w {
				t.Fatalf("width %d: help line too wide: %q", w, l)
			}
		}
		joined := strings.Join(strings.Fields(all), " ")
		for _, u := range []string{"×N is the lab speed: lab time runs N times faster; every /s is per lab second",
			"t (since reset)", "cur is what is in flight on a server now"} {
			if !strings.Contains(joined, u) {
				t.Fatalf("width %d: help lacks %q", w, u)
			}
		}
	}
}

// At the smallest sizes no line of the body stays blank while a pane was
// left out for want of room: the placement squeezes into what is left.
func TestSmallScreenUsesEveryLine(t *testing.T) {
	for _, sz := range [][2]int{{60, 16}, {60, 17}, {70, 16}, {80, 17}} {
		m := newDirect(t, trioLab(), Options{NoColor: true}, sz[0], sz[1])
		lines := strings.Split(screen(m), "\n")
		body := lines[headerLines : len(lines)-2]
		for i := len(body) - 1; i >= 0 && strings.TrimSpace(body[i]) == ""; i-- {
			t.Errorf("%dx%d: body line %d of %d is blank:\n%s", sz[0], sz[1], i+1, len(body), screen(m))
		}
		if !strings.Contains(screen(m), "placement · servers") {
			t.Errorf("%dx%d: no placement:\n%s", sz[0], sz[1], screen(m))
		}
	}
}

// View only reads the model: drawing any state, at any size, leaves the
// scroll positions and the sizes of the help and the picker as they were.
func TestViewIsPure(t *testing.T) {
	f := trioLab()
	opts := Options{Scenarios: []ScenarioInfo{{"default", "x"}, {"source-hash", "y"}}, Open: func(string) (Lab, error) { return f, nil }}
	for ov, keys := range overlays {
		m := newDirect(t, f, opts, 80, 24)
		press(m, keys...)
		m.helpTop, m.notes.top = 1000, 1000 // out of range: View must not fix it
		type state struct{ helpTop, notesTop, helpW, listW, listH int }
		get := func() state {
			return state{m.helpTop, m.notes.top, m.help.Width(), m.picker.list.Width(), m.picker.list.Height()}
		}
		before := get()
		_ = screen(m)
		_ = screen(m)
		if after := get(); after != before {
			t.Errorf("%s: View changed the model: %+v, then %+v", ov, before, after)
		}
	}
}

// Scrolling past the end of the help and back takes one key to move: the
// position is kept in range where the keys are handled.
func TestHelpScrollBack(t *testing.T) {
	m := newDirect(t, trioLab(), Options{NoColor: true}, MinWidth, MinHeight)
	press(m, "?")
	for range 100 {
		press(m, "down")
	}
	end := screen(m)
	press(m, "up")
	if screen(m) == end {
		t.Fatal("one up after scrolling past the end does not move the help")
	}
	// a taller terminal shows more: the position follows
	resize(m, MinWidth, 40)
	if m.helpTop != clampTop(m.helpTop, len(m.helpLines(MinWidth)), 40-headerLines-2) {
		t.Fatalf("helpTop %d out of range after a resize", m.helpTop)
	}
}

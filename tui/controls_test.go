package tui

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// Each control: the keys pressed on the trio lab (server1 selected), the
// calls the lab must receive, in order, and a text the screen must then
// show (the status line, or the changed lab).
func TestControls(t *testing.T) {
	cases := []struct {
		name   string
		keys   []string
		calls  []string
		screen string
	}{
		{"stop app", []string{"s"}, []string{"StopApp app1"}, "stopped app1"},
		{"stop then start", []string{"s", "s"}, []string{"StopApp app1", "StartApp app1"}, "started app1"},
		{"stop the selected server's app", []string{"j", "s"}, []string{"StopApp app2"}, "stopped app2"},
		{"stop after moving down and up", []string{"down", "down", "up", "k", "s"}, []string{"StopApp app1"}, "stopped app1"},
		{"fast app made slow", []string{"j", "f"}, []string{"SetAppDelay app2 5s"}, "app2 is slow"},
		{"slow app made fast", []string{"f"}, []string{"SetAppDelay app1 0s"}, "app1 is fast"},
		{"weight up", []string{"]"}, []string{"SetWeight servers server1 2"}, "servers/server1 weight 2"},
		{"weight up twice before a snapshot", []string{"]", "]"}, []string{"SetWeight servers server1 2", "SetWeight servers server1 3"}, "weight 3"},
		{"weight down", []string{"["}, []string{"SetWeight servers server1 0"}, "weight 0"},
		{"weight below 0", []string{"[", "["}, []string{"SetWeight servers server1 0"}, "cannot lower server1's weight: it is already 0"},
		{"drain", []string{"d"}, []string{"SetState servers server1 drain"}, "state drain"},
		{"drain toggles back", []string{"d", "d"}, []string{"SetState servers server1 drain", "SetState servers server1 ready"}, "state ready"},
		{"maint", []string{"m"}, []string{"SetState servers server1 maint"}, "state maint"},
		{"ready", []string{"m", "r"}, []string{"SetState servers server1 maint", "SetState servers server1 ready"}, "state ready"},
		{"add server", []string{"n"}, []string{"AddServer servers"}, "added server4 to servers"},
		{"remove server", []string{"j", "x"}, []string{"RemoveServer servers server2"}, "removed server2 from servers"},
		{"remove with delete", []string{"delete"}, []string{"RemoveServer servers server1"}, "removed server1"},
		{"rate up", []string{"+"}, []string{"SetRate 20"}, "traffic rate 20.0/s"},
		{"rate up with =", []string{"="}, []string{"SetRate 20"}, "traffic rate 20.0/s"},
		{"rate up twice before a snapshot", []string{"+", "+"}, []string{"SetRate 20", "SetRate 50"}, "traffic rate 50.0/s"},
		{"rate down", []string{"-"}, []string{"SetRate 5"}, "traffic rate 5.0/s"},
		{"clients up", []string{">"}, []string{"SetClients 15"}, "15 clients"},
		{"clients up with .", []string{"."}, []string{"SetClients 15"}, "15 clients"},
		{"clients down", []string{"<"}, []string{"SetClients 8"}, "8 clients"},
		{"pause", []string{"space"}, []string{"Pause"}, "traffic paused"},
		{"pause then resume", []string{"space", "space"}, []string{"Pause", "Resume"}, "traffic resumed"},
		{"reset counters", []string{"R"}, []string{"ResetCounters"}, "counters reset"},
		{"next algorithm", []string{"a"}, []string{"SetAlgo servers balance static-rr hash-type map-based"}, "servers: balance static-rr"},
		{"next algorithm twice", []string{"a", "a"}, []string{"SetAlgo servers balance static-rr hash-type map-based", "SetAlgo servers balance leastconn hash-type map-based"}, "balance leastconn"},
		{"leastconn by number", []string{"3"}, []string{"SetAlgo servers balance leastconn hash-type map-based"}, "balance leastconn"},
		{"source by number", []string{"5"}, []string{"SetAlgo servers balance source hash-type map-based"}, "balance source, hash-type map-based"},
		{"hdr by number", []string{"8"}, []string{"SetAlgo servers balance hdr(User-Agent) hash-type map-based"}, "balance hdr(User-Agent)"},
		{"url_param by number", []string{"9"}, []string{"SetAlgo servers balance url_param id hash-type map-based"}, "balance url_param id"},
		{"hash type", []string{"5", "h"}, []string{"SetAlgo servers balance source hash-type map-based", "SetAlgo servers balance source hash-type consistent"}, "hash-type consistent"},
		{"hash type back", []string{"5", "h", "h"}, []string{"SetAlgo servers balance source hash-type map-based", "SetAlgo servers balance source hash-type consistent", "SetAlgo servers balance source hash-type map-based"}, "hash-type map-based"},
		{"chooser by number", []string{"A", "3"}, []string{"SetAlgo servers balance leastconn hash-type map-based"}, "balance leastconn"},
		{"chooser by cursor", []string{"A", "j", "j", "enter"}, []string{"SetAlgo servers balance leastconn hash-type map-based"}, "balance leastconn"},
		{"chooser closed with esc", []string{"A", "esc", "3"}, []string{"SetAlgo servers balance leastconn hash-type map-based"}, "balance leastconn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := trioLab()
			m := newDirect(t, f, Options{NoColor: true}, 120, 40)
			press(m, c.keys...)
			if got := f.Calls(); !reflect.DeepEqual(got, c.calls) {
				t.Errorf("calls = %q, want %q", got, c.calls)
			}
			if s := screen(m); !strings.Contains(s, c.screen) {
				t.Errorf("screen lacks %q:\n%s", c.screen, s)
			}
		})
	}
}

// A refused control says why in the status line, in red when there is
// colour, and changes nothing else.
func TestControlErrors(t *testing.T) {
	cases := []struct {
		name, method string
		keys         []string
		want         string
	}{
		{"algo", "SetAlgo", []string{"3"}, "cannot switch servers to leastconn: boom"},
		{"weight", "SetWeight", []string{"]"}, "cannot set server1's weight to 2: boom"},
		{"stop", "StopApp", []string{"s"}, "cannot stop app1: boom"},
		{"rate", "SetRate", []string{"+"}, "cannot set the rate to 20.0/s: boom"},
		{"add", "AddServer", []string{"n"}, "cannot add a server to servers: boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := trioLab()
			f.setErr(c.method, errors.New("boom"))
			m := newDirect(t, f, Options{NoColor: true}, 120, 40)
			press(m, c.keys...)
			if s := screen(m); !strings.Contains(s, "✗ "+c.want) {
				t.Errorf("screen lacks %q:\n%s", c.want, s)
			}
		})
	}
}

func TestRemoveLastServer(t *testing.T) {
	f := labWith(1, 10, 0)
	m := newDirect(t, f, Options{NoColor: true}, 100, 30)
	press(m, "x")
	want := "✗ cannot remove server1: it is the last server of servers"
	if l := lineWith(screen(m), "cannot remove"); !strings.Contains(l, want) {
		t.Fatalf("status line = %q, want %q", l, want)
	}
	refresh(m)
	if !strings.Contains(screen(m), "server1") {
		t.Fatal("server1 is gone from the screen")
	}
}

// The same, with the dashboard running as a program: the command runs in
// the background and its error reaches the status line.
func TestRemoveLastServerProgram(t *testing.T) {
	f := labWith(1, 10, 0)
	tm := startProgram(t, f, Options{NoColor: true}, 100, 30)
	tm.Send(keyMsg("x"))
	frame := waitScreen(t, tm, "cannot remove server1: it is the last server of servers")
	if l := lineWith(frame, "cannot remove"); !strings.HasPrefix(l, "✗ ") {
		t.Fatalf("status line = %q", l)
	}
}

// Stopping the selected server's app through the running program calls
// StopApp with that app, and the table shows the app stopped.
func TestStopAppProgram(t *testing.T) {
	f := trioLab()
	tm := startProgram(t, f, Options{NoColor: true}, 120, 40)
	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("s"))
	waitCall(t, f, "StopApp app2")
	frame := waitScreen(t, tm, "app2 off")
	if l := lineWith(frame, "› server2"); !strings.Contains(l, "app2 off") {
		t.Fatalf("server2's row = %q, want it selected and app2 off", l)
	}
}

func TestSelectionFollowsServers(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	press(m, "j", "j") // server3
	if m.sel.serverName != "server3" {
		t.Fatalf("selected %q, want server3", m.sel.serverName)
	}
	press(m, "j") // stays at the end
	if m.sel.serverName != "server3" {
		t.Fatalf("after the end: selected %q", m.sel.serverName)
	}
	press(m, "x") // remove server3: the selection falls back to server2's place
	refresh(m)
	if m.sel.serverName != "server2" {
		t.Fatalf("after removal: selected %q, want server2", m.sel.serverName)
	}
	if l := lineWith(screen(m), "› "); !strings.Contains(l, "server2") {
		t.Fatalf("marked row = %q", l)
	}
}

// tab and shift+tab go through the backends; the algorithm keys then act
// on the selected one.
func TestBackendsTab(t *testing.T) {
	f := aclLab()
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	press(m, "tab")
	if m.sel.backendName != "post_backend" {
		t.Fatalf("tab: backend %q", m.sel.backendName)
	}
	press(m, "shift+tab", "shift+tab")
	if m.sel.backendName != "dynamic_backend" {
		t.Fatalf("shift+tab twice: backend %q", m.sel.backendName)
	}
	press(m, "3")
	if got := f.Calls(); len(got) != 1 || got[0] != "SetAlgo dynamic_backend balance leastconn hash-type map-based" {
		t.Fatalf("calls %q", got)
	}
	press(m, "down") // from the last backend's only server: stays
	if m.sel.backendName != "dynamic_backend" {
		t.Fatalf("down at the end: %q", m.sel.backendName)
	}
	press(m, "up")
	if m.sel.backendName != "mobile_backend" {
		t.Fatalf("up: %q", m.sel.backendName)
	}
}

func TestOverlays(t *testing.T) {
	f := trioLab()
	opened := []string{}
	next := labWith(2, 5, 0)
	next.snap.Name = "ep09-wrr"
	opts := Options{NoColor: true,
		Scenarios: []ScenarioInfo{{"default", "the trio"}, {"ep06-leastconn", "Ep 6"}, {"ep09-wrr", "Ep 9"}},
		Open: func(name string) (Lab, error) {
			opened = append(opened, name)
			return next, nil
		}}
	m := newDirect(t, f, opts, 100, 30)

	press(m, "?")
	if !strings.Contains(screen(m), "keys · esc or ? to close") {
		t.Fatal("? does not show the help")
	}
	press(m, "s") // keys do not reach the lab under an overlay
	press(m, "esc")
	if m.overlay != noOverlay || len(f.Calls()) != 0 {
		t.Fatalf("overlay %v, calls %q", m.overlay, f.Calls())
	}

	press(m, "i")
	if !strings.Contains(screen(m), "teaching notes") || !strings.Contains(screen(m), "Switch to leastconn") {
		t.Fatalf("i does not show the notes:\n%s", screen(m))
	}
	press(m, "i")
	if m.overlay != noOverlay {
		t.Fatal("i does not close the notes")
	}

	press(m, "l")
	refresh(m)
	if !strings.Contains(screen(m), "servers/server2") {
		t.Fatalf("l does not show the log:\n%s", screen(m))
	}
	press(m, "l")
	if strings.Contains(screen(m), "─ log ·") {
		t.Fatal("l does not hide the log")
	}

	press(m, "p")
	if !strings.Contains(screen(m), "pick a scenario") || !strings.Contains(screen(m), "● running") {
		t.Fatalf("p does not show the picker:\n%s", screen(m))
	}
	press(m, "j", "j", "enter")
	if !reflect.DeepEqual(opened, []string{"ep09-wrr"}) {
		t.Fatalf("opened %q", opened)
	}
	refresh(m)
	if m.snap.Name != "ep09-wrr" || !strings.Contains(screen(m), "opened ep09-wrr") {
		t.Fatalf("after the picker: lab %q\n%s", m.snap.Name, screen(m))
	}
	press(m, "s") // the new lab gets the commands now
	if len(next.Calls()) != 1 || len(f.Calls()) != 0 {
		t.Fatalf("old lab calls %q, new lab calls %q", f.Calls(), next.Calls())
	}
}

func TestPickerErrors(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{NoColor: true}, 100, 30)
	press(m, "p")
	if !strings.Contains(screen(m), "no scenarios to pick from") {
		t.Fatal("p without scenarios says nothing")
	}
	m = newDirect(t, f, Options{NoColor: true, Scenarios: []ScenarioInfo{{"x", ""}},
		Open: func(string) (Lab, error) { return nil, errors.New("no such file") }}, 100, 30)
	press(m, "p", "enter")
	if !strings.Contains(screen(m), "cannot open x: no such file") {
		t.Fatalf("a failed open is not reported:\n%s", screen(m))
	}
	press(m, "s")
	if len(f.Calls()) != 1 {
		t.Fatal("the lab is not driven after a failed open")
	}
}

func TestQuit(t *testing.T) {
	quits := func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		_, ok := cmd().(tea.QuitMsg)
		return ok
	}
	for _, k := range []string{"q", "ctrl+c"} {
		m := newDirect(t, trioLab(), Options{}, 100, 30)
		if _, cmd := m.Update(keyMsg(k)); !quits(cmd) {
			t.Errorf("%s does not quit", k)
		}
	}
	// ctrl+c quits from an overlay too
	for _, ov := range []string{"?", "A", "i"} {
		m := newDirect(t, trioLab(), Options{}, 100, 30)
		press(m, ov)
		if _, cmd := m.Update(keyMsg("ctrl+c")); !quits(cmd) {
			t.Errorf("ctrl+c does not quit from overlay %s", ov)
		}
	}
}

// The program ends on q by itself, and Run's caller gets control back.
func TestQuitProgram(t *testing.T) {
	tm := startProgram(t, trioLab(), Options{NoColor: true}, 100, 30)
	tm.Send(keyMsg("q"))
	finalModelWait(t, tm)
}

// aclLab is Ep 4's ACL frontend: four backends of one server each, rules
// with hits and denials.
func aclLab() *fakeLab {
	f := labWith(1, 10, 0)
	s := &f.snap
	base := s.Backends[0]
	s.Backends = nil
	names := []string{"static_backend", "post_backend", "mobile_backend", "dynamic_backend"}
	for i, name := range names {
		b := base
		b.Name = name
		b.Servers = []lab.Server{base.Servers[0]}
		b.Servers[0].Name = [...]string{"static1", "post1", "mobile1", "dynamic1"}[i]
		b.Servers[0].Backend = name
		s.Backends = append(s.Backends, b)
		f.place[name] = lab.Placement{Backend: name, Kind: balance.Sequence,
			Servers: []string{b.Servers[0].Name}, Next: []int{0, 0, 0}}
	}
	fe := &s.Frontends[0].FrontendStats
	fe.Denied = 4
	fe.HTTPRules = []proxy.RuleStats{{Text: "http-request deny if block_ip", Hits: 3},
		{Text: "http-request deny if is_admin_path !is_internal_network", Hits: 1}}
	fe.UseBackends = []proxy.RuleStats{{Text: "use_backend static_backend if is_static", Backend: "static_backend", Hits: 120},
		{Text: "use_backend post_backend if is_post_method", Backend: "post_backend", Hits: 40},
		{Text: "use_backend mobile_backend if is_mobile_user_agent", Backend: "mobile_backend", Hits: 12}}
	fe.DefaultHits = 600
	return f
}

// A snapshot taken before a command ran does not undo what the next
// relative control builds on: two presses still climb two steps.
func TestPendingSurvivesOlderSnapshot(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	_, first := m.Update(keyMsg("+")) // issued, not run yet
	refresh(m)                        // a snapshot from before it ran: rate still 10
	_, second := m.Update(keyMsg("+"))
	m.Update(first())
	m.Update(second())
	want := []string{"SetRate 20", "SetRate 50"}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	refresh(m) // now the lab shows 50: nothing is pending any more
	if len(m.pending) != 0 {
		t.Fatalf("still pending: %v", m.pending)
	}
}

func TestHashTypeOnNonHashingAlgo(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{NoColor: true}, 160, 40)
	press(m, "h")
	want := "servers: balance roundrobin, hash-type consistent (used by source, uri, url_param and hdr)"
	if !strings.Contains(screen(m), want) {
		t.Fatalf("screen lacks %q:\n%s", want, screen(m))
	}
}

// Once the dashboard closes, a call under way is waited for and no new
// call starts: the caller may stop the lab as soon as Run returns.
func TestLabRefClose(t *testing.T) {
	ref := &labRef{l: trioLab(), ctx: context.Background()}
	if _, _, ok := ref.acquire(); !ok {
		t.Fatal("acquire refused on an open dashboard")
	}
	closed := make(chan struct{})
	go func() { ref.close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("close returned while a call was under way")
	case <-time.After(50 * time.Millisecond):
	}
	ref.release()
	<-closed
	if _, _, ok := ref.acquire(); ok {
		t.Fatal("a call started after close")
	}
}

// tcpLab is the trio behind a TCP backend.
func tcpLab() *fakeLab {
	f := trioLab()
	f.snap.Backends[0].Mode = proxy.TCP
	f.snap.Frontends[0].Mode = proxy.TCP
	return f
}

// On a TCP backend, a and A never offer what the lab refuses there (uri,
// hdr, url_param need HTTP), and their numbers say why without asking the
// lab.
func TestAlgoOnTCPBackend(t *testing.T) {
	f := tcpLab()
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	for range 8 {
		press(m, "a")
	}
	want := []string{
		"SetAlgo servers balance static-rr hash-type map-based",
		"SetAlgo servers balance leastconn hash-type map-based",
		"SetAlgo servers balance first hash-type map-based",
		"SetAlgo servers balance source hash-type map-based",
		"SetAlgo servers balance random hash-type map-based",
		"SetAlgo servers balance roundrobin hash-type map-based",
		"SetAlgo servers balance static-rr hash-type map-based",
		"SetAlgo servers balance leastconn hash-type map-based",
	}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("a on a TCP backend: calls\n%q\nwant\n%q", got, want)
	}

	f = tcpLab()
	m = newDirect(t, f, Options{NoColor: true}, 120, 40)
	for _, k := range []string{"6", "8", "9"} {
		press(m, k)
	}
	if len(f.Calls()) != 0 {
		t.Fatalf("6, 8, 9 on a TCP backend reached the lab: %q", f.Calls())
	}
	if l := lineWith(screen(m), "✗"); !strings.Contains(l, "url_param(id) needs HTTP, and servers is in TCP mode: choose 1, 2, 3, 4, 5 or 7") {
		t.Errorf("status line = %q", l)
	}

	// the chooser marks them and its cursor passes them by: from source (5)
	// down is random (7), then roundrobin (1); up is random again
	press(m, "5", "A")
	s := screen(m)
	if l := lineWith(s, "6  uri"); !strings.Contains(l, "needs HTTP") {
		t.Errorf("chooser line for uri = %q", l)
	}
	press(m, "down")
	if m.chooser.cursor != 6 {
		t.Fatalf("chooser cursor after down from source: %d, want 6 (random)", m.chooser.cursor)
	}
	press(m, "down") // past hdr and url_param to roundrobin
	if m.chooser.cursor != 0 {
		t.Fatalf("chooser cursor: %d, want 0 (roundrobin)", m.chooser.cursor)
	}
	press(m, "up", "enter")
	calls := f.Calls()
	if got := calls[len(calls)-1]; got != "SetAlgo servers balance random hash-type map-based" {
		t.Fatalf("last call %q", got)
	}
}

// The ladders stop above 0 (the lab refuses a rate of 0 and no client;
// pausing is space), with a message that says so.
func TestTrafficLadderMinimum(t *testing.T) {
	f := labWith(3, 1, 0)
	f.snap.Traffic.Clients = 1
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	press(m, "-")
	if l := lineWith(screen(m), "✗"); !strings.Contains(l, "traffic rate is at its minimum (1.0/s); space pauses") {
		t.Errorf("- at 1/s: status %q", l)
	}
	press(m, "<")
	if l := lineWith(screen(m), "✗"); !strings.Contains(l, "clients are at their minimum (1); space pauses") {
		t.Errorf("< at 1 client: status %q", l)
	}
	if len(f.Calls()) != 0 {
		t.Errorf("calls %q, want none", f.Calls())
	}
	f.snap.Traffic.Rate, f.snap.Traffic.Clients = 2, 2
	m = newDirect(t, f, Options{NoColor: true}, 120, 40)
	press(m, "-", "<")
	if want := []string{"SetRate 1", "SetClients 1"}; !reflect.DeepEqual(f.Calls(), want) {
		t.Errorf("calls %q, want %q", f.Calls(), want)
	}
}

// A command the lab refuses leaves nothing pending behind: the next key
// starts from what the lab really has.
func TestRefusedCommandNotPending(t *testing.T) {
	f := trioLab()
	f.setErr("SetRate", errors.New("boom"))
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	press(m, "+") // refused: the rate stays 10
	if _, ok := m.pending["rate"]; ok {
		t.Fatalf("a refused rate is still pending: %v", m.pending)
	}
	f.setErr("SetRate", nil)
	press(m, "+")
	want := []string{"SetRate 20", "SetRate 20"}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
}

// In a closed loop the clients set the pace: + and - say so and leave the
// lab alone; > and < still work.
func TestClosedLoopRateKeys(t *testing.T) {
	f := trioLab()
	f.snap.Traffic.Mode, f.snap.Traffic.Rate = "closed", 0
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	press(m, "+")
	if l := lineWith(screen(m), "✗"); !strings.Contains(l, "closed-loop traffic") || !strings.Contains(l, "> and < change the clients") {
		t.Errorf("status %q", l)
	}
	press(m, "-", ">")
	if want := []string{"SetClients 15"}; !reflect.DeepEqual(f.Calls(), want) {
		t.Errorf("calls %q, want %q", f.Calls(), want)
	}
}

// The command a key issues carries its own copy of the names it reports:
// it runs on another goroutine while the UI goroutine owns the snapshot.
func TestCommandCopiesNames(t *testing.T) {
	f := trioLab()
	m := newDirect(t, f, Options{NoColor: true}, 120, 40)
	_, cmd := m.Update(keyMsg("s"))
	// what a later snapshot could do to the memory the key read from
	m.snap.Backends[0].Servers[0].Name = "changed"
	msg := cmd().(doneMsg)
	if !strings.Contains(msg.text, "will mark server1 DOWN") {
		t.Fatalf("the command read the snapshot after the key: %q", msg.text)
	}
}

// A status message goes after its time in real time, through the status
// tick, even when the lab stalls and no snapshot arrives.
func TestStatusExpiresWithoutSnapshots(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	m := newDirect(t, trioLab(), Options{NoColor: true}, 120, 40)
	m.now = func() time.Time { return now }
	press(m, "[", "[") // weight 0, then a refusal without the lab
	msg := "cannot lower server1's weight"
	if !strings.Contains(screen(m), msg) {
		t.Fatalf("no message:\n%s", screen(m))
	}
	now = now.Add(statusFor - time.Millisecond)
	m.Update(statusTickMsg{})
	if !strings.Contains(screen(m), msg) {
		t.Fatal("the message went before its time")
	}
	now = now.Add(time.Millisecond)
	_, next := m.Update(statusTickMsg{})
	if strings.Contains(screen(m), msg) {
		t.Fatal("the message stays after its time")
	}
	if next == nil {
		t.Fatal("the status tick does not go on")
	}
}

package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// newDirect is a dashboard driven by hand, without a program: Update and
// View are called by the test, and commands run synchronously, so a test
// sees each step's exact effect.
func newDirect(t testing.TB, f *fakeLab, opts Options, w, h int) *model {
	t.Helper()
	m := newModel(context.Background(), f, opts)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	refresh(m)
	return m
}

// resize is the terminal changing size, as the program reports it.
func resize(m *model, w, h int) { m.Update(tea.WindowSizeMsg{Width: w, Height: h}) }

// refresh fetches a snapshot now, as the tick would.
func refresh(m *model) { m.Update(m.fetch(0)()) }

// press types keys, running the commands they return as the program
// would (lab commands complete before the next key).
func press(m *model, keys ...string) {
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		run(m, cmd)
	}
}

// run runs cmd and what its messages lead to, batches included, as the
// program would.
func run(m *model, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				run(m, c)
			}
			return
		}
		if msg == nil {
			return
		}
		_, cmd = m.Update(msg)
	}
}

// keyMsg is the key press a terminal sends for k, named as Bubble Tea
// names keys ("space", "tab", "shift+tab", "ctrl+c", "a", "A", "+").
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "delete":
		return tea.KeyPressMsg{Code: tea.KeyDelete}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// screen is the model's current frame.
func screen(m *model) string { return m.View().Content }

// startProgram runs the dashboard as a real Bubble Tea program on a fake
// terminal of w × h and waits for the first frame with the lab on it.
func startProgram(t *testing.T, f *fakeLab, opts Options, w, h int) *teatest.TestModel {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if opts.Refresh == 0 {
		opts.Refresh = 20 * time.Millisecond
	}
	tm := teatest.NewTestModel(t, newModel(ctx, f, opts), teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithFilter(answerProbes)))
	t.Cleanup(func() { _ = tm.Quit() })
	waitScreen(t, tm, "server1")
	return tm
}

// probeMsg asks the running program for its current frame. The renderer
// only writes what changed, so the output stream cannot be searched for a
// row's text; the frame can.
type probeMsg struct{ frame chan string }

// answerProbes is a program filter: it answers probes on the event loop,
// where reading the model is safe, and lets other messages through.
func answerProbes(m tea.Model, msg tea.Msg) tea.Msg {
	if p, ok := msg.(probeMsg); ok {
		p.frame <- m.View().Content
		return nil
	}
	return msg
}

// waitScreen waits (at most 10 s) until the program's frame holds want,
// and returns that frame.
func waitScreen(t *testing.T, tm *teatest.TestModel, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		p := probeMsg{frame: make(chan string, 1)}
		tm.Send(p)
		select {
		case last = <-p.frame:
			if strings.Contains(last, want) {
				return last
			}
		case <-time.After(time.Second):
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the screen never showed %q; last frame:\n%s", want, last)
	return ""
}

// waitCall waits (at most 10 s) until the fake lab has received call.
func waitCall(t *testing.T, f *fakeLab, call string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range f.Calls() {
			if c == call {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the lab never got %q; calls: %q", call, f.Calls())
}

// finalModel quits the program and returns its last model.
func finalModel(t *testing.T, tm *teatest.TestModel) *model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*model)
}

// finalModelWait waits for the program to end by itself.
func finalModelWait(t *testing.T, tm *teatest.TestModel) *model {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*model)
}

// lineWith is the first line of s containing sub, "" if none.
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

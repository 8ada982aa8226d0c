package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/lab"
)

// model is the dashboard's root model: it pulls snapshots, owns the
// selection and the overlays, routes keys to controls and lays the panes
// out. It is only touched by Bubble Tea's event loop.
type model struct {
	ref  *labRef
	opts Options
	keys keyMap
	th   *theme
	help help.Model // the footer's, as wide as the screen
	full help.Model // the help overlay's: no width, it fits its columns itself
	now  func() time.Time

	// The latest snapshot and what was fetched with it.
	snap     lab.Snapshot
	haveSnap bool
	place    lab.Placement
	placeErr error
	placeFor string
	logs     []string
	colors   [][]int           // palette slot per backend, per server
	apps     map[string]int    // app name → index in snap.Apps
	pending  map[string]change // controls issued but not yet in a snapshot

	width, height int
	sel           selection
	overlay       overlay
	status        statusLine

	log     logPane
	notes   notesPane
	picker  pickerModel
	chooser chooserModel
	helpTop int           // first line of the help overlay shown
	issued  int64         // lab commands issued so far
	lastCmd chan struct{} // closed when the last issued command is done
}

// overlay is what covers the panes, if anything.
type overlay int

const (
	noOverlay overlay = iota
	helpOverlay
	pickerOverlay
	chooserOverlay
	notesOverlay
)

// labRef is the lab the dashboard drives. The picker replaces it; gen
// tells a snapshot of the old lab from one of the new. applied counts the
// commands the lab has finished, so a snapshot can tell which of them it
// already shows. Every call into the lab goes through acquire and
// release, so that once close returns none is running or will start.
type labRef struct {
	mu      sync.Mutex
	l       Lab
	gen     int
	closed  bool
	calls   sync.WaitGroup
	applied atomic.Int64
	ctx     context.Context
}

// acquire returns the current lab for one call, or false once the
// dashboard is closing; release must follow a true.
func (r *labRef) acquire() (Lab, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.ctx.Err() != nil {
		return nil, 0, false
	}
	r.calls.Add(1)
	return r.l, r.gen, true
}

func (r *labRef) release() { r.calls.Done() }

// close stops new calls and waits for those under way.
func (r *labRef) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.calls.Wait()
}

func (r *labRef) currentGen() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gen
}

func (r *labRef) set(l Lab) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.l = l
	r.gen++
}

// change is a control's expected effect, used as the base of the next
// relative control (rate up twice in a row) until a snapshot shows it.
type change struct {
	val    any
	ticket int64
}

// newModel builds the dashboard for l. ctx ends the background work of
// pending commands when the program stops.
func newModel(ctx context.Context, l Lab, opts Options) *model {
	opts = opts.withDefaults()
	done := make(chan struct{})
	close(done)
	m := &model{
		ref:     &labRef{l: l, ctx: ctx},
		opts:    opts,
		keys:    newKeyMap(),
		help:    help.New(),
		full:    help.New(),
		now:     time.Now,
		pending: map[string]change{},
		lastCmd: done,
	}
	m.th = newTheme(opts.NoColor)
	m.help.Styles = m.th.helpStyles()
	m.full.Styles = m.help.Styles
	return m
}

// Init asks for the first snapshot at once and starts the status line's
// clock.
func (m *model) Init() tea.Cmd {
	return tea.Batch(m.fetch(0), statusTicker())
}

// snapMsg is one fetch: a snapshot, the selected backend's placement and,
// when the log is shown, its last lines.
type snapMsg struct {
	gen      int
	applied  int64
	snap     lab.Snapshot
	place    lab.Placement
	placeErr error
	placeFor string
	logs     []string
	logsOn   bool
}

// fetch pulls the next snapshot after delay, off the UI goroutine. Exactly
// one fetch is outstanding at any time: each snapMsg schedules the next,
// so a slow lab slows the dashboard down but never piles work up on it.
func (m *model) fetch(delay time.Duration) tea.Cmd {
	ref, be := m.ref, m.selectedBackendName()
	logN := 0
	if m.log.on {
		logN = m.opts.LogLines
	}
	get := func() tea.Msg {
		l, gen, ok := ref.acquire()
		if !ok {
			return nil
		}
		defer ref.release()
		msg := snapMsg{gen: gen, applied: ref.applied.Load(), logsOn: logN > 0}
		msg.snap = l.Snapshot()
		name := be
		if !hasBackend(&msg.snap, name) && len(msg.snap.Backends) > 0 {
			name = msg.snap.Backends[0].Name
		}
		if name != "" {
			msg.place, msg.placeErr = l.Placement(name)
			msg.placeFor = name
		}
		if logN > 0 {
			msg.logs = l.Logs(logN)
		}
		return msg
	}
	if delay <= 0 {
		return get
	}
	return tea.Tick(delay, func(time.Time) tea.Msg { return get() })
}

func hasBackend(s *lab.Snapshot, name string) bool {
	for i := range s.Backends {
		if s.Backends[i].Name == name {
			return true
		}
	}
	return false
}

// Update handles one message.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case statusTickMsg:
		m.status.expire(m.now())
		return m, statusTicker()
	case snapMsg:
		return m, m.onSnapshot(msg)
	case doneMsg:
		return m, m.onDone(msg)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	if m.overlay == pickerOverlay {
		return m, m.pickerUpdate(msg) // the list's filter results
	}
	return m, nil
}

func (m *model) onSnapshot(msg snapMsg) tea.Cmd {
	next := m.fetch(m.opts.Refresh)
	if msg.gen != m.ref.currentGen() {
		return next // a snapshot of the lab the picker replaced
	}
	notes := m.snap.Notes
	m.snap, m.haveSnap = msg.snap, true
	m.place, m.placeErr, m.placeFor = msg.place, msg.placeErr, msg.placeFor
	sortRing(m.place.Nodes)
	if msg.logsOn {
		m.logs = msg.logs
	}
	m.index()
	for k, c := range m.pending {
		if msg.applied >= c.ticket {
			delete(m.pending, k)
		}
	}
	m.sel.resolve(&m.snap)
	m.status.expire(m.now())
	if m.snap.Notes != notes { // another lab's
		m.clampScroll()
	}
	return next
}

// resize is a new terminal size: everything sized by it is set here, so
// that View only reads the model.
func (m *model) resize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w)
	if m.picker.ok {
		m.picker.list.SetSize(w, max(m.bodyHeight(), 1))
	}
	m.clampScroll()
}

// bodyHeight is the lines between the header and the status line.
func (m *model) bodyHeight() int { return m.height - headerLines - 2 }

// clampScroll keeps the help's and the notes' first line in range for the
// current size, so scrolling back from past the end takes one key.
func (m *model) clampScroll() {
	h := m.bodyHeight()
	m.helpTop = clampTop(m.helpTop, len(m.helpLines(m.width)), h)
	m.notes.top = clampTop(m.notes.top, len(m.notes.lines(m.th, m.snap.Notes, m.width)), h)
}

// index builds the per-snapshot lookups: colours and apps by name.
func (m *model) index() {
	m.colors = m.colors[:0]
	for _, b := range m.snap.Backends {
		slots := make([]int, len(b.Servers))
		for j, s := range b.Servers {
			id := s.ID
			if id == 0 {
				id = s.Index + 1
			}
			slots[j] = serverColor(b.Name, id)
		}
		m.colors = append(m.colors, slots)
	}
	if m.apps == nil {
		m.apps = map[string]int{}
	}
	clear(m.apps)
	for i, a := range m.snap.Apps {
		m.apps[a.Name] = i
	}
}

// selectedBackendName is the backend the algorithm keys act on.
func (m *model) selectedBackendName() string {
	if b := m.sel.backend(&m.snap); b != nil {
		return b.Name
	}
	return ""
}

// View draws the whole screen.
func (m *model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true // the shell's screen comes back untouched on quit
	return v
}

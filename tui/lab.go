package tui

import (
	"os"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// Lab is what the dashboard needs from a running lab: a snapshot to draw
// and the commands behind the keys. *lab.Lab satisfies it.
//
// The dashboard calls these methods from goroutines other than the UI's
// (so a slow call never freezes the screen), one command at a time but
// concurrently with Snapshot, Placement and Logs: they must be safe for
// concurrent use.
type Lab interface {
	Snapshot() lab.Snapshot
	Placement(backend string) (lab.Placement, error)
	Logs(n int) []string // the last n httplog/tcplog lines, oldest first

	SetAlgo(backend string, spec balance.Spec) error // also toggles the hash type (spec.Hash)
	SetWeight(backend, server string, w int) error
	SetState(backend, server string, st proxy.AdminState) error // proxy.Ready, proxy.Drain, proxy.Maint
	StopApp(name string) error
	StartApp(name string) error
	SetAppDelay(name string, d time.Duration) error // slow = SlowDelay, fast = 0
	AddServer(backend string) (string, error)       // starts a new app and adds a server for it; returns the server's name
	RemoveServer(backend, server string) error      // refuses the last server
	SetRate(r float64) error
	SetClients(n int) error
	Pause()
	Resume()
	ResetCounters()
}

// ScenarioInfo names a built-in scenario for the picker.
type ScenarioInfo struct {
	Name  string // e.g. "ep06-leastconn"
	Title string // one line, e.g. "Ep 6: leastconn with two slow apps"
}

// Options configure the dashboard. The zero value is usable.
type Options struct {
	// Scenarios are offered by the scenario picker (key p).
	Scenarios []ScenarioInfo
	// Open restarts the lab on a built-in scenario, for the picker. It
	// owns the lab's lifecycle: it stops the lab it replaces. When the new
	// lab cannot start it may return, with the error, the lab it started
	// again in its place, which the dashboard then drives. Nil disables
	// the picker.
	Open func(name string) (Lab, error)
	// Refresh is how often a snapshot is pulled; 0 means DefaultRefresh.
	Refresh time.Duration
	// NoColor draws without any colour or other SGR escape codes. Run
	// also sets it when the NO_COLOR environment variable is not empty.
	NoColor bool
	// LogLines is how many log lines are kept for the log pane; 0 means
	// DefaultLogLines.
	LogLines int
}

// Defaults of Options.
const (
	DefaultRefresh  = 100 * time.Millisecond
	DefaultLogLines = 200
	// SlowDelay is the delay of a "slow" app, as the episodes' slow apps.
	SlowDelay = 5 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	if o.LogLines <= 0 {
		o.LogLines = DefaultLogLines
	}
	return o
}

// noColorEnv reports whether NO_COLOR asks for no colour: any non-empty
// value does (https://no-color.org).
func noColorEnv() bool { return os.Getenv("NO_COLOR") != "" }

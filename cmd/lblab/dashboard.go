package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios"
	"github.com/lblab/lblab/scenarios/runner"
	"github.com/lblab/lblab/scenarios/scenario"
	"github.com/lblab/lblab/tui"
)

// The dashboard must satisfy the dashboard's view of a lab.
var _ tui.Lab = (*lab.Lab)(nil)

// dashboardCmd opens the live dashboard on a lab: the default one, a
// config or a scenario.
func dashboardCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lblab", flag.ContinueOnError)
	var f labFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage+"\nThe live dashboard's flags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unknown command %q (see lblab --help)", fs.Arg(0))
	}
	out, ok := stdout.(*os.File)
	if !ok || !tui.IsTerminal(out) {
		return badInput("the dashboard needs a terminal; for a headless lab use \"lblab serve\", for scripted runs \"lblab run\"")
	}
	o, err := f.options(true, io.Discard)
	if err != nil {
		return err
	}
	l, err := startLab(o)
	if err != nil {
		return err
	}
	cur := &session{}
	cur.begin(l, f.sc, func() (*lab.Lab, error) { return startLab(o) })
	defer cur.end()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	var infos []tui.ScenarioInfo
	for _, s := range scenarios.Builtins() {
		infos = append(infos, tui.ScenarioInfo{Name: s.Name, Title: s.Title})
	}
	open := func(name string) (tui.Lab, error) {
		return cur.open(name, f.speed, f.listen)
	}
	return tui.Run(ctx, l, tui.Options{Scenarios: infos, Open: open})
}

// session is the lab the dashboard shows and, for a scenario, the player
// of its phases and timeline. The picker replaces it.
type session struct {
	mu      sync.Mutex
	lab     *lab.Lab
	again   func() (*lab.Lab, error) // starts the same lab again
	playing *scenario.Scenario       // the scenario it plays, nil for none
	cancel  context.CancelFunc
	played  chan struct{}
}

// begin takes l over (again restarts it) and, when sc is set, plays sc on
// it.
func (s *session) begin(l *lab.Lab, sc *scenario.Scenario, again func() (*lab.Lab, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beginLocked(l, sc, again)
}

func (s *session) beginLocked(l *lab.Lab, sc *scenario.Scenario, again func() (*lab.Lab, error)) {
	s.lab, s.again, s.playing = l, again, sc
	s.cancel, s.played = nil, nil
	if sc == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.cancel, s.played = cancel, done
	go func() {
		defer close(done)
		if err := runner.Live(ctx, l, sc); err != nil {
			l.Announce("scenario stopped: " + err.Error())
		}
	}()
}

// end stops the player and the lab.
func (s *session) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *session) stopLocked() {
	if s.cancel != nil {
		s.cancel()
		<-s.played
		s.cancel = nil
	}
	if s.lab != nil {
		s.lab.Close()
		s.lab = nil
	}
}

// open replaces the lab with one running the built-in scenario name, on
// the same address and at the same speed. The old lab is stopped first,
// since the new one listens where it did; if the new one cannot start, the
// old one is started again so that the dashboard keeps a lab.
func (s *session) open(name string, speed float64, listen string) (tui.Lab, error) {
	sc, err := scenarios.Builtin(name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	prevAgain, prevSc := s.again, s.playing
	s.stopLocked()
	again := func() (*lab.Lab, error) { return startScenario(sc, speed, listen) }
	l, err := again()
	if err != nil {
		if prevAgain != nil {
			if back, berr := prevAgain(); berr == nil {
				s.beginLocked(back, prevSc, prevAgain)
			}
		}
		return nil, err
	}
	s.beginLocked(l, sc, again)
	return l, nil
}

// startScenario starts the lab of sc's first variant.
func startScenario(sc *scenario.Scenario, speed float64, listen string) (*lab.Lab, error) {
	o, err := sc.LabOptions(sc.Variants[0])
	if err != nil {
		return nil, err
	}
	o.Speed, o.Listen = speed, listen
	l, err := lab.New(o)
	if err != nil {
		return nil, err
	}
	if err := l.Start(); err != nil {
		return nil, err
	}
	return l, nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios"
	"github.com/lblab/lblab/scenarios/runner"
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
	if err := rejectFlags(fs, "the dashboard has no summary to format (see lblab serve or lblab run)", "format"); err != nil {
		return err
	}
	if f.scenario != "" {
		if err := rejectFlags(fs, "a scenario's phases set how long its traffic runs", "duration"); err != nil {
			return err
		}
	}
	o, err := f.options(true, io.Discard)
	if err != nil {
		return err
	}
	out, ok := stdout.(*os.File)
	if !ok || !tui.IsTerminal(out) {
		return badInput("the dashboard needs a terminal; for a headless lab use \"lblab serve\", for scripted runs \"lblab run\"")
	}
	l, err := startLab(o, f.file)
	if err != nil {
		return err
	}
	cur := runner.NewSession(l, f.sc, func() (*lab.Lab, error) { return startLab(o, f.file) })
	defer cur.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	var infos []tui.ScenarioInfo
	for _, s := range scenarios.Builtins() {
		infos = append(infos, tui.ScenarioInfo{Name: s.Name, Title: s.Title})
	}
	open := func(name string) (tui.Lab, error) {
		sc, err := scenarios.Builtin(name)
		if err != nil {
			return nil, err
		}
		l, err := cur.Open(sc, f.speed, f.listen)
		if l == nil {
			return nil, err // not a nil *lab.Lab in a non-nil interface
		}
		return l, err
	}
	return tui.Run(ctx, l, tui.Options{Scenarios: infos, Open: open})
}

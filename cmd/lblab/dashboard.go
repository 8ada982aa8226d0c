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
	defer l.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	return tui.Run(ctx, l, tui.Options{})
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/tui"
)

// serveCmd runs a headless lab until ctrl+c, SIGTERM or --duration.
func serveCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f labFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: lblab serve [flags]\n\nRuns the apps and the proxy headless (plus traffic with --rate or --clients),\nprints a status line each second and a summary when it stops.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("serve: unexpected argument %q (see lblab serve --help)", fs.Arg(0))
	}
	format, err := report.ParseFormat(f.format)
	if err != nil {
		return badInput("--format %v", err)
	}
	o, err := f.options(false, stderr)
	if err != nil {
		return err
	}
	l, err := startLab(o, f.file)
	if err != nil {
		return err
	}
	defer l.Close()
	fmt.Fprintf(stderr, "lblab: proxy on http://%s/  (try: curl %s/)\n", l.Addr(), l.Addr())
	for _, a := range l.Snapshot().Apps {
		fmt.Fprintf(stderr, "  %s on %s\n", a.Name, a.Addr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var end <-chan time.Time
	if f.duration > 0 {
		t := l.Clock().NewTimer(f.duration)
		defer t.Stop()
		end = t.C
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	ef, isFile := stderr.(*os.File)
	tty := isFile && tui.IsTerminal(ef)
	byDuration := false
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-end:
			done, byDuration = true, true
		case <-tick.C:
			line := statusLine(l.Snapshot())
			if tty {
				fmt.Fprintf(stderr, "\r\x1b[K%s", line)
			} else {
				fmt.Fprintln(stderr, line)
			}
		}
	}
	if tty {
		fmt.Fprintln(stderr)
	}
	if g := l.Generator(); g != nil {
		if byDuration {
			// the traffic's own duration ended with serve's: let the
			// answers in flight come back rather than count them failed
			if n := l.Snapshot().Traffic.InFlight; n > 0 {
				fmt.Fprintf(stderr, "lblab: waiting for %d answers in flight (ctrl+c stops at once)\n", n)
			}
			t := l.Clock().NewTimer(time.Minute)
			select {
			case <-l.Done():
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
		g.Stop() // settle the accounting before the summary
	}
	return report.Summarize(l.Snapshot()).Write(stdout, format)
}

// statusLine is serve's one-line progress: lab time, traffic, shares.
func statusLine(s lab.Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%6s", s.Elapsed.Round(time.Second))
	if s.Traffic.Enabled {
		fmt.Fprintf(&b, "  %.1f req/s  sent %d  in flight %d  failed %d", s.Traffic.AchievedRate, s.Traffic.Sent, s.Traffic.InFlight, s.Traffic.Failed)
	}
	for _, be := range s.Backends {
		fmt.Fprintf(&b, "  |")
		for _, sv := range be.Servers {
			fmt.Fprintf(&b, " %s %.0f%% (%s)", sv.Name, 100*sv.Share, strings.SplitN(sv.Status, " ", 2)[0])
		}
	}
	return b.String()
}

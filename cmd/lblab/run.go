package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/ansi"

	"github.com/lblab/lblab/scenarios"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/scenarios/runner"
	"github.com/lblab/lblab/scenarios/scenario"
	"github.com/lblab/lblab/tui"
)

const runUsage = `Usage: lblab run [flags] SCENARIO...

Runs scenarios headless: each is a built-in name (see "lblab scenarios") or a
scenario file. Each variant of a scenario runs on a lab of its own, its phases
one after the other, its timeline at its lab times; then its expectations are
checked and a report is written: per phase each server's requests, share,
p50/p99 and peak in flight, the statuses, the rules' hits, every expectation
with its measured value, and charts of the shares and the requests in flight
over time. With several variants, a side-by-side table compares them.

Time runs --speed times faster than real time (the scenario chooses a default),
so Ep 6's 5-second apps answer in 5s/X. The proxy listens on a free loopback
port; nothing else on the machine is touched.

Exit status: 0 when every expectation is met, 1 when one is not, 2 on bad
input (an unknown scenario, a file with errors, a bad flag).

Flags:
`

// runCmd runs scenarios headless and writes their reports.
func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	speed := fs.Float64("speed", 0, "run lab time X times faster (0: the scenario's own speed)")
	format := fs.String("format", "text", "report format: text, json or markdown")
	out := fs.String("out", "", "write the report to this file instead of standard output")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		fs.PrintDefaults()
	}
	names, err := parseInterspersed(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return badInput("run: name at least one scenario: a built-in (%s) or a file", builtinList())
	}
	if !finite(*speed) || *speed != 0 && (*speed < 0.01 || *speed > 100000) {
		return badInput("--speed %v: want a factor from 0.01 to 100000, e.g. 20 (0 keeps the scenario's)", *speed)
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return badInput("--format %v", err)
	}
	var scs []*scenario.Scenario
	for _, n := range names {
		sc, err := scenarios.Load(n)
		if err != nil {
			return badInput("%v", err)
		}
		scs = append(scs, sc)
	}
	w := stdout
	if *out != "" {
		// opened now, so a bad path is bad input before any run; written
		// only at the end, so an interrupted run leaves no empty report
		file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return badInput("--out %s: %v", *out, unwrapPathErr(err))
		}
		defer file.Close()
		w = &truncating{f: file}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var reports []*report.Report
	failed := 0
	for _, sc := range scs {
		prog := newProgress(stderr)
		rep, err := runner.Run(ctx, sc, runner.Options{Speed: *speed, Progress: prog.update})
		prog.done()
		if err != nil {
			if ctx.Err() != nil {
				// 130 as a shell reports ctrl+c: neither a failed expectation (1) nor bad input (2)
				return &exitError{code: 130, err: fmt.Errorf("interrupted; no report written")}
			}
			return badInput("%v", err)
		}
		reports = append(reports, rep)
		verdict := "PASS"
		if !rep.Passed {
			verdict = "FAIL"
			failed++
		}
		fmt.Fprintf(stderr, "%s: %s, %d of %d expectations met\n", sc.Name, verdict, len(rep.Checks)-rep.Failed(), len(rep.Checks))
	}
	if err := report.WriteAll(w, f, reports); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d scenarios failed an expectation", failed, len(scs))}
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after
// the arguments ("lblab run ep06-leastconn --speed 50").
func parseInterspersed(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, args, stderr); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func builtinList() string {
	var names []string
	for _, s := range scenarios.Builtins() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runProgress shows a run's progress on stderr: a bubbles/progress bar
// redrawn in place on a terminal, a plain line per variant and phase
// otherwise.
type runProgress struct {
	w       io.Writer
	tty     bool
	noColor bool
	bar     progress.Model
	last    string
	drawn   bool
}

func newProgress(w io.Writer) *runProgress {
	f, ok := w.(*os.File)
	return &runProgress{w: w, tty: ok && tui.IsTerminal(f), noColor: os.Getenv("NO_COLOR") != "",
		bar: progress.New(progress.WithWidth(36), progress.WithDefaultBlend())}
}

func (p *runProgress) update(pr runner.Progress) {
	label := fmt.Sprintf("%s: variant %s, phase %s", pr.Scenario, pr.Variant, pr.Phase)
	if !p.tty {
		if label != p.last && pr.Phase != "" {
			fmt.Fprintf(p.w, "%s (lab time %s)\n", label, pr.Done.Round(100*time.Millisecond))
		}
		p.last = label
		return
	}
	frac := 0.0
	if pr.Total > 0 {
		frac = min(float64(pr.Done)/float64(pr.Total), 1)
	}
	view := p.bar.ViewAs(frac)
	if p.noColor {
		view = ansi.Strip(view)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s %s", view, label)
	p.drawn = true
}

func (p *runProgress) done() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// truncating empties its file at the first write: the report replaces what
// the file held, but only once there is a report.
type truncating struct {
	f       *os.File
	started bool
}

func (t *truncating) Write(b []byte) (int, error) {
	if !t.started {
		t.started = true
		if err := t.f.Truncate(0); err != nil {
			return 0, err
		}
	}
	return t.f.Write(b)
}

// Package runner owns playing a scenario on a lab: headless, for "lblab
// run" (every variant on a lab of its own, the traffic phases one after
// the other, the timeline at its lab times, the measurements gathered and
// the expectations checked into a report), and live, for the dashboard
// (the same phases and timeline on the lab the dashboard shows, with the
// notes announced as they come).
//
// It drives the lab only through its public commands, snapshots and log
// stream; it never reaches into the proxy, the apps or the generator.
// What a run measured (Data) is kept apart from how expectations read it
// (Evaluate), so that expectations are tested on data made by hand.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/scenarios/scenario"
)

// Options of a headless run.
type Options struct {
	// Speed is the lab time scale; 0 uses the scenario's (1 if it has
	// none).
	Speed float64
	// Listen is the first frontend's address; "" takes any free loopback
	// port, so runs never collide with a lab already running.
	Listen string
	// Out receives the lab's notes as they happen; nil discards them.
	Out io.Writer
	// Progress, if set, is called when a variant or phase starts and
	// about ten times a real second meanwhile, one call at a time.
	Progress func(Progress)
}

// Progress is how far a run is, in lab time.
type Progress struct {
	Scenario string
	Variant  string
	Phase    string
	Done     time.Duration // lab time played so far, every variant counted
	Total    time.Duration // lab time the run should take (an estimate: phases bounded by a count, and the waits for answers, are guessed)
}

// DefaultListen is where a headless run's proxy listens.
const DefaultListen = "127.0.0.1:0"

// SpeedOf is the speed a run of sc uses with the given --speed (0: the
// scenario's).
func SpeedOf(sc *scenario.Scenario, speed float64) float64 {
	switch {
	case speed > 0:
		return speed
	case sc.Speed > 0:
		return sc.Speed
	}
	return 1
}

// Run plays every variant of sc and returns the report. The error is for
// what kept the run from happening (a lab that cannot start, ctx ended);
// failed expectations are in the report (Passed false).
func Run(ctx context.Context, sc *scenario.Scenario, opts Options) (*report.Report, error) {
	speed := SpeedOf(sc, opts.Speed)
	rep := &report.Report{Schema: report.Schema, Scenario: sc.Name, Title: sc.Title, Notes: sc.Notes, Speed: speed}
	est := estimate(sc)
	var done time.Duration
	var progressMu sync.Mutex // the phase loop and the sampler both report
	for _, v := range sc.Variants {
		d, err := runVariant(ctx, sc, v, speed, opts, func(labDone time.Duration, phase string) {
			progressMu.Lock()
			defer progressMu.Unlock()
			if opts.Progress != nil {
				opts.Progress(Progress{Scenario: sc.Name, Variant: v.Name, Phase: phase,
					Done: done + labDone, Total: est * time.Duration(len(sc.Variants))})
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s (variant %s): %w", sc.Name, v.Name, err)
		}
		done += d.End.Time.Sub(d.Start)
		rep.Variants = append(rep.Variants, BuildVariant(d, v))
		rep.Checks = append(rep.Checks, Evaluate(d)...)
	}
	rep.Passed = rep.Failed() == 0
	return rep, nil
}

// estimate guesses a variant's lab time: the phases' durations, or a
// second for a phase bounded by a count.
func estimate(sc *scenario.Scenario) time.Duration {
	var t time.Duration
	for _, ph := range sc.Phases {
		if ph.Duration > 0 {
			t += ph.Duration
		} else {
			t += time.Second
		}
	}
	return t
}

// runVariant plays one variant on a lab of its own.
func runVariant(ctx context.Context, sc *scenario.Scenario, v *scenario.Variant, speed float64, opts Options,
	progress func(time.Duration, string)) (*Data, error) {
	lo, err := sc.LabOptions(v)
	if err != nil {
		return nil, err
	}
	lo.Speed, lo.Listen, lo.Out = speed, opts.Listen, opts.Out
	if lo.Listen == "" {
		lo.Listen = DefaultListen
	}
	col := newCollector(sc)
	lo.OnLog = col.onLog
	l, err := lab.New(lo)
	if err != nil {
		return nil, err
	}
	if err := l.Start(); err != nil {
		return nil, err
	}
	defer l.Close()
	d := &Data{Scenario: sc, Variant: v.Name, Start: l.Clock().Now(), Notes: l.Notes()}
	p := &player{l: l, sc: sc, clk: l.Clock(), col: col}
	var phase atomic.Value // the phase's name, read by the sampler
	phase.Store("")
	p.onPhase = func(i int) {
		phase.Store(sc.Phases[i].Name)
		progress(l.Clock().Since(d.Start), sc.Phases[i].Name)
	}
	sctx, stop := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		sample(sctx, l, col, d.Start, func(t time.Duration) { progress(t, phase.Load().(string)) })
	}()
	for i := range sc.Phases {
		end, err := p.playPhase(ctx, i)
		if err != nil {
			stop()
			<-sampled
			if errors.Is(err, errCanceled) {
				return nil, ctx.Err()
			}
			return nil, err
		}
		d.Phases = append(d.Phases, end)
	}
	stop()
	<-sampled
	d.End = l.Snapshot()
	d.Records, d.Answers, d.Samples = col.data()
	return d, nil
}

// sample takes a snapshot several times per lab second (at most every
// 25 ms of real time) for the in-flight charts, and reports progress.
func sample(ctx context.Context, l *lab.Lab, col *collector, start time.Time, progress func(time.Duration)) {
	period := max(l.Clock().Real(250*time.Millisecond), 25*time.Millisecond)
	t := time.NewTicker(period)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		at := l.Clock().Since(start)
		col.sample(at, l.Snapshot())
		if time.Since(last) >= 100*time.Millisecond {
			last = time.Now()
			progress(at)
		}
	}
}

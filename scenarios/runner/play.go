package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/scenarios/scenario"
)

// player plays a scenario's phases and timeline on a running lab, on the
// lab's clock. The headless runner and the dashboard both use it; only the
// runner gives it a collector.
type player struct {
	l   *lab.Lab
	sc  *scenario.Scenario
	clk *clock.Clock
	col *collector // nil: nothing is measured
	// onPhase, if set, is told when a phase starts, for progress.
	onPhase func(i int)
}

// errCanceled says the run was stopped from outside (ctrl+c, a new
// scenario picked in the dashboard).
var errCanceled = errors.New("the run was stopped")

// playPhase runs phase i: its start events, a counter reset, its traffic
// with the rest of its events at their times, until its traffic is over
// and every request in flight has finished.
func (p *player) playPhase(ctx context.Context, i int) (PhaseEnd, error) {
	ph := p.sc.Phases[i]
	var events []*scenario.Event
	for _, ev := range p.sc.Timeline {
		if ev.Phase == i {
			events = append(events, ev)
		}
	}
	end := PhaseEnd{}
	k := 0
	for ; k < len(events) && events[k].At == 0; k++ {
		end.Played = append(end.Played, p.apply(events[k], 0))
	}
	p.l.ResetCounters()
	end.Start = p.clk.Now()
	if p.onPhase != nil {
		p.onPhase(i)
	}
	tc := ph.Traffic()
	if p.col != nil {
		p.col.beginPhase(i, end.Start)
		tc.OnResult = p.col.onResult(i, end.Start)
	}
	p.l.Announce(fmt.Sprintf("phase %s: %s", ph.Name, ph.Describe()))
	err := p.l.StartTraffic(tc)
	if err != nil {
		return end, fmt.Errorf("phase %s: %v", ph.Name, err)
	}
	done := p.l.Done()
	for ; k < len(events); k++ {
		ev := events[k]
		wait := ev.At - p.clk.Since(end.Start)
		t := p.clk.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return end, errCanceled
		case <-done:
			t.Stop()
			for ; k < len(events); k++ {
				end.Played = append(end.Played, Played{Event: events[k], Skip: true})
			}
		case <-t.C:
			end.Played = append(end.Played, p.apply(ev, p.clk.Since(end.Start)))
		}
	}
	select {
	case <-ctx.Done():
		return end, errCanceled
	case <-done:
	}
	if p.col != nil {
		p.col.settle(ctx, p.l, i)
	}
	end.End = p.clk.Now()
	end.Snapshot = p.l.Snapshot()
	return end, nil
}

// apply plays one event, announcing its note first so the reason reads
// before the change it explains.
func (p *player) apply(ev *scenario.Event, at time.Duration) Played {
	if ev.Note != "" {
		p.l.Announce("note: " + ev.Note)
	}
	err := p.do(ev)
	if err != nil {
		p.l.Announce(fmt.Sprintf("timeline %s failed: %v", p.sc.AtString(ev), err))
	}
	return Played{Event: ev, At: at, Err: err}
}

func (p *player) do(ev *scenario.Event) error {
	l := p.l
	switch ev.Action {
	case scenario.ActNote:
		return nil
	case scenario.ActBalance:
		return p.balance(ev)
	case scenario.ActWeight:
		be, err := p.backendOf(ev.Backend, ev.Server)
		if err != nil {
			return err
		}
		return l.SetWeight(be, ev.Server, ev.Weight)
	case scenario.ActState:
		be, err := p.backendOf(ev.Backend, ev.Server)
		if err != nil {
			return err
		}
		return l.SetState(be, ev.Server, ev.State)
	case scenario.ActStop:
		return l.StopApp(ev.App)
	case scenario.ActStart:
		return l.StartApp(ev.App)
	case scenario.ActSlow:
		return l.SetAppDelay(ev.App, ev.Delay)
	case scenario.ActFast:
		return l.SetAppDelay(ev.App, 0)
	case scenario.ActAddServer:
		be := ev.Backend
		if be == "" {
			be = l.Backends()[0]
		}
		_, err := l.AddServer(be)
		return err
	case scenario.ActRemoveServer:
		be, err := p.backendOf(ev.Backend, ev.Server)
		if err != nil {
			return err
		}
		return l.RemoveServer(be, ev.Server)
	case scenario.ActRate:
		return l.SetRate(ev.Rate)
	case scenario.ActClients:
		return l.SetClients(ev.Clients)
	case scenario.ActPause:
		l.Pause()
	case scenario.ActResume:
		l.Resume()
	}
	return nil
}

// balance switches the algorithm and/or hash type of the event's backend
// (every backend when it names none), keeping what the event leaves out.
func (p *player) balance(ev *scenario.Event) error {
	for _, b := range p.l.Snapshot().Backends {
		if ev.Backend != "" && b.Name != ev.Backend {
			continue
		}
		spec := b.Balance
		if ev.Algo != nil {
			spec = *ev.Algo
			spec.Hash, spec.BalanceFactor = b.Balance.Hash, b.Balance.BalanceFactor
		}
		if ev.HashType != nil {
			spec.Hash = *ev.HashType
		}
		if err := p.l.SetAlgo(b.Name, spec); err != nil {
			return fmt.Errorf("backend %s: %v", b.Name, err)
		}
	}
	return nil
}

// backendOf finds the backend of a server when the event does not say.
func (p *player) backendOf(be, server string) (string, error) {
	if be != "" {
		return be, nil
	}
	var found []string
	for _, b := range p.l.Snapshot().Backends {
		for _, s := range b.Servers {
			if s.Name == server {
				found = append(found, b.Name)
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("no server %q in the lab", server)
	}
	return "", fmt.Errorf("server %q is in several backends (%v): the event must name one", server, found)
}

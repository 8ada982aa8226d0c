package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios/scenario"
)

// Live plays sc's phases and timeline on l, a lab the dashboard shows
// (started from sc.LabOptions), announcing each phase and each event's
// note in the lab's event list. When the last phase is over its traffic
// starts again without an end, so the dashboard stays alive until the
// user quits or picks another scenario; Live returns when ctx ends (nil)
// or when the lab refuses the traffic (its error). Timeline events the
// lab refuses are announced, not fatal: the dashboard goes on.
func Live(ctx context.Context, l *lab.Lab, sc *scenario.Scenario) error {
	p := &player{l: l, sc: sc, clk: l.Clock()}
	for i := range sc.Phases {
		if _, err := p.playPhase(ctx, i); err != nil {
			if errors.Is(err, errCanceled) {
				return nil
			}
			return err
		}
	}
	last := len(sc.Phases) - 1
	l.Announce(fmt.Sprintf("scenario %s is over: phase %s's traffic goes on; p picks another scenario", sc.Name, sc.Phases[last].Name))
	tc := sc.Phases[last].Traffic()
	tc.Duration, tc.Requests = 0, 0
	if err := l.StartTraffic(tc); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

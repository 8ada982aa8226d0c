package runner

import (
	"context"
	"sync"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios/scenario"
)

// Session is the lab the dashboard shows and, when it runs a scenario, the
// player of that scenario's phases and timeline. The dashboard's picker
// replaces it with another scenario's lab.
type Session struct {
	mu      sync.Mutex
	lab     *lab.Lab
	again   func() (*lab.Lab, error) // starts the same lab again
	playing *scenario.Scenario       // the scenario it plays, nil for none
	cancel  context.CancelFunc
	played  chan struct{}
}

// NewSession takes l over (again starts it afresh) and, when sc is set,
// plays sc on it live.
func NewSession(l *lab.Lab, sc *scenario.Scenario, again func() (*lab.Lab, error)) *Session {
	s := &Session{}
	s.begin(l, sc, again)
	return s
}

func (s *Session) begin(l *lab.Lab, sc *scenario.Scenario, again func() (*lab.Lab, error)) {
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
		if err := Live(ctx, l, sc); err != nil {
			l.Announce("scenario stopped: " + err.Error())
		}
	}()
}

// Close stops the player and the lab.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop()
}

func (s *Session) stop() {
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

// Open replaces the lab with one playing sc (its first variant), on the
// same address and at the same speed: the old lab stops first, since the
// new one listens where it did. If the new one cannot start, the old one
// is started again and returned with the error, so the dashboard keeps a
// lab to show; the returned lab is nil only when neither runs.
func (s *Session) Open(sc *scenario.Scenario, speed float64, listen string) (*lab.Lab, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prevAgain, prevSc := s.again, s.playing
	s.stop()
	again := func() (*lab.Lab, error) { return StartLive(sc, speed, listen) }
	l, err := again()
	if err != nil {
		if prevAgain != nil {
			if back, berr := prevAgain(); berr == nil {
				s.begin(back, prevSc, prevAgain)
				return back, err
			}
		}
		return nil, err
	}
	s.begin(l, sc, again)
	return l, nil
}

// StartLive starts the lab of sc's first variant at speed, its first
// frontend on listen, for playing sc live.
func StartLive(sc *scenario.Scenario, speed float64, listen string) (*lab.Lab, error) {
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

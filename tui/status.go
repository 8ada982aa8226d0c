package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/lab"
)

// statusFor is how long a status message stays, in real time: it is read
// by a person, whatever the lab's speed.
const statusFor = 6 * time.Second

// statusTick is how often the model looks whether the message is due to
// go. It is a tick of its own, not the snapshots, so that a message still
// goes when the lab stalls and no snapshot comes.
const statusTick = 500 * time.Millisecond

// statusLine is the one-line message area: what a control did, or why it
// could not apply. With no message it shows the lab's latest event.
type statusLine struct {
	text  string
	err   bool
	until time.Time // real time the message goes
}

// statusTickMsg asks the model to drop a message whose time is up.
type statusTickMsg struct{}

func statusTicker() tea.Cmd {
	return tea.Tick(statusTick, func(time.Time) tea.Msg { return statusTickMsg{} })
}

func (s *statusLine) set(text string, err bool, now time.Time) {
	s.text, s.err, s.until = text, err, now.Add(statusFor)
}

func (s *statusLine) clear() { *s = statusLine{} }

// expire drops the message once its time is up.
func (s *statusLine) expire(now time.Time) {
	if s.text != "" && !now.Before(s.until) {
		s.clear()
	}
}

func (s *statusLine) view(f *frame, w int) string {
	switch {
	case s.text != "" && s.err:
		return f.th.errText.Render(cut("✗ "+s.text, w))
	case s.text != "":
		return cut("✓ "+s.text, w)
	}
	return lastEvent(f, w)
}

// lastEvent is the newest lab event, stamped with lab time.
func lastEvent(f *frame, w int) string {
	evs := f.snap.Events
	if len(evs) == 0 {
		return ""
	}
	return f.th.faint.Render(cut(eventText(f.snap, evs[len(evs)-1]), w))
}

// eventText is an event stamped like the header's clock: lab time since
// the counters were reset, "t 3m37s app2 stopped". A time of day of the
// lab clock would run ahead of the wall clock at any speed above 1.
func eventText(s *lab.Snapshot, e lab.Event) string {
	if e.Time.IsZero() {
		return e.Text
	}
	return labStamp(s, e.Time) + " " + e.Text
}

// labStamp is lab clock time t as lab time since the last reset: "t 42s",
// or "t -12s" for what happened before it.
func labStamp(s *lab.Snapshot, t time.Time) string {
	off := s.Elapsed - s.Time.Sub(t)
	if off <= -time.Second {
		return "t -" + fmtElapsed(-off)
	}
	return "t " + fmtElapsed(off)
}

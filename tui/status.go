package tui

import "github.com/lblab/lblab/lab"

// statusSeconds is how long a status message stays, in real seconds
// (counted in snapshot ticks, so tests see it without a clock).
const statusSeconds = 6

// statusLine is the one-line message area: what a control did, or why it
// could not apply. With no message it shows the lab's latest event.
type statusLine struct {
	text string
	err  bool
	ttl  int // snapshot ticks left
}

func (s *statusLine) set(text string, err bool, ttl int) {
	s.text, s.err, s.ttl = text, err, max(ttl, 1)
}

func (s *statusLine) clear() { s.text, s.ttl = "", 0 }

func (s *statusLine) tick() {
	if s.ttl > 0 {
		s.ttl--
		if s.ttl == 0 {
			s.text = ""
		}
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

// lastEvent is the newest lab event, stamped with the lab clock.
func lastEvent(f *frame, w int) string {
	evs := f.snap.Events
	if len(evs) == 0 {
		return ""
	}
	return f.th.faint.Render(cut(eventText(evs[len(evs)-1]), w))
}

func eventText(e lab.Event) string {
	if e.Time.IsZero() {
		return e.Text
	}
	return e.Time.Format("15:04:05") + " " + e.Text
}

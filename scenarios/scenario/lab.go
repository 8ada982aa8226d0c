package scenario

import (
	"fmt"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/lab/apps"
)

// LabOptions returns the options of a lab for variant v, with a fresh
// copy of its config (the lab maps addresses in place). The caller adds
// the speed, the listen address and its observers; no traffic is set, the
// phases bring their own.
func (s *Scenario) LabOptions(v *Variant) (lab.Options, error) {
	o := lab.Options{Name: s.Name, Title: s.Title, Notes: s.LabNotes(), AppNames: v.AppHosts,
		Algo: v.Algo, HashType: v.HashType}
	if len(s.Variants) > 1 {
		o.Title = fmt.Sprintf("%s [%s]", s.Title, v.Name)
	}
	file, err := v.ParseConfig()
	if err != nil {
		return o, err
	}
	if file != nil {
		o.Config = file.Config
	}
	if len(v.Apps) > 0 {
		o.Behaviour = map[string]apps.Behaviour{}
		for name, b := range v.Apps {
			// An app behind a TCP backend keeps Ep 2's reply unless the
			// scenario names a profile.
			if b.Profile == "" && v.model != nil && contains(v.model.tcpApps, name) {
				b.Profile = apps.TCP
			}
			o.Behaviour[name] = b
		}
	}
	return o, nil
}

// LabNotes are the teaching notes the dashboard shows: the scenario's
// notes, then its phases and timeline.
func (s *Scenario) LabNotes() string {
	var b strings.Builder
	b.WriteString(s.Notes)
	if len(s.Phases) > 0 {
		b.WriteString("\n\nPhases:")
		for _, ph := range s.Phases {
			fmt.Fprintf(&b, "\n- %s: %s", ph.Name, ph.Describe())
		}
	}
	if len(s.Timeline) > 0 {
		b.WriteString("\n\nTimeline:")
		for _, ev := range s.Timeline {
			fmt.Fprintf(&b, "\n- %s %s", s.AtString(ev), ev.Describe())
			if ev.Note != "" && ev.Action != ActNote {
				fmt.Fprintf(&b, ": %s", ev.Note)
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// Describe says what traffic the phase sends, in a few words.
func (ph *Phase) Describe() string {
	var parts []string
	switch {
	case ph.Rate > 0:
		parts = append(parts, fmt.Sprintf("%g requests/s", ph.Rate))
	default:
		parts = append(parts, "closed loop")
	}
	clients := ph.Clients
	if len(ph.Groups) == 0 && clients == 0 {
		clients = 10
	}
	for _, g := range ph.Groups {
		clients += g.Clients
	}
	if clients == 1 {
		parts = append(parts, "1 client")
	} else {
		parts = append(parts, fmt.Sprintf("%d clients", clients))
	}
	if ph.Duration > 0 {
		parts = append(parts, fmt.Sprintf("for %v", ph.Duration))
	}
	if ph.Requests > 0 {
		parts = append(parts, fmt.Sprintf("%d requests", ph.Requests))
	}
	if ph.Hold > 0 {
		parts = append(parts, fmt.Sprintf("each connection held %v", ph.Hold))
	}
	var reqs []string
	mix := ph.Mix
	if len(mix) == 0 {
		mix = []Request{{Method: "GET", Path: "/"}}
	}
	for _, r := range mix {
		reqs = append(reqs, r.Method+" "+r.Path)
	}
	if len(ph.Groups) > 0 {
		var gs []string
		for _, g := range ph.Groups {
			gs = append(gs, fmt.Sprintf("%s %s", g.Name, g.Range))
		}
		parts = append(parts, "from "+strings.Join(gs, ", "))
	}
	return strings.Join(parts, ", ") + ": " + strings.Join(reqs, ", ")
}

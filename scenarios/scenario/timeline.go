package scenario

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// actionKeys are the keys that say what an event does; algo and hash_type
// together are one action.
var actionKeys = []string{"algo", "hash_type", "weight", "state", "stop", "start", "slow", "fast",
	"add_server", "remove_server", "rate", "clients", "pause", "resume"}

var eventKeys = append([]string{"at", "phase", "note", "backend", "server", "delay"}, actionKeys...)

// timeline reads the timeline: list, sorted by phase and time.
func (p *parser) timeline(f *fields) []*Event {
	n, at, ok := f.get("timeline")
	if !ok {
		return nil
	}
	items, ok := p.d.seq(n, at, "the scenario's timeline of events")
	if !ok {
		return nil
	}
	var out []*Event
	for _, it := range items {
		if ev := p.event(it); ev != nil {
			out = append(out, ev)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Phase != out[j].Phase {
			return out[i].Phase < out[j].Phase
		}
		return out[i].At < out[j].At
	})
	return out
}

func (p *parser) event(n ast.Node) *Event {
	f, ok := p.d.newFields(n, posOf(n), "a timeline event", eventKeys)
	if !ok {
		return nil
	}
	ev := &Event{Pos: f.at, at: f.positions()}
	if v, _, ok := f.duration("at", "the lab time from the start of the phase"); ok {
		ev.At = v
	}
	ev.Phase = 0
	if s, at, ok := f.str("phase", "the phase the time counts from"); ok {
		ev.Phase = p.sc.PhaseIndex(s)
		if ev.Phase < 0 {
			p.d.errorf(at, "found phase %q; expected one of the scenario's phases: %s", s, p.phaseNames())
			return nil
		}
	}
	if len(p.sc.Phases) == 0 {
		return nil
	}
	if s, _, ok := f.str("note", "what to tell the students when it happens"); ok {
		ev.Note = strings.TrimSpace(s)
	}
	if s, _, ok := f.str("backend", "the backend acted on"); ok {
		ev.Backend = s
	}
	if s, _, ok := f.str("server", "the server acted on"); ok {
		ev.Server = s
	}
	acts := f.present(actionKeys)
	if len(acts) == 2 && contains(acts, "algo") && contains(acts, "hash_type") {
		acts = []string{"algo"}
	}
	switch {
	case len(acts) > 1:
		p.d.errorf(f.keyPos(acts[1]), "found %s and %s in one event; expected one action per event (algo with hash_type is one)", acts[0], acts[1])
		return nil
	case len(acts) == 0:
		if ev.Note == "" {
			p.d.errorf(f.at, "found an event that does nothing; expected a note or one of: %s", strings.Join(actionKeys, ", "))
			return nil
		}
		ev.Action = ActNote
	default:
		p.action(f, ev, acts[0])
	}
	if f.has("delay") && ev.Action != ActSlow {
		p.d.errorf(f.keyPos("delay"), "found delay in a %s event; expected it only with slow", ev.Action)
	}
	needServer := ev.Action == ActWeight || ev.Action == ActState
	if f.has("server") && !needServer {
		p.d.errorf(f.keyPos("server"), "found server in a %s event; expected it only with weight or state", ev.Action)
	}
	if needServer && ev.Server == "" {
		p.d.errorf(f.at, "found a %s event without a server; expected server: NAME", ev.Action)
	}
	p.checkAt(f, ev)
	return ev
}

// action reads the event's action key.
func (p *parser) action(f *fields, ev *Event, key string) {
	switch key {
	case "algo", "hash_type":
		ev.Action = ActBalance
		if s, at, ok := f.str("algo", "a balance algorithm"); ok {
			spec, err := lab.ParseAlgo(s)
			if err != nil {
				p.d.errorf(at, "found algo %q: %v", s, err)
			}
			ev.Algo, ev.AlgoText = &spec, s
		}
		if s, at, ok := f.str("hash_type", "a hash type"); ok {
			ht, err := lab.ParseHashType(s)
			if err != nil {
				p.d.errorf(at, "found hash_type %q: %v", s, err)
			}
			ev.HashType = &ht
		}
	case "weight":
		ev.Action = ActWeight
		if v, _, ok := f.int("weight", "the server's new weight", 0, balance.MaxWeight); ok {
			ev.Weight = int(v)
		}
	case "state":
		ev.Action = ActState
		if s, at, ok := f.str("state", "ready, drain or maint"); ok {
			st, err := proxy.ParseAdminState(s)
			if err != nil {
				p.d.errorf(at, "found state %q; expected ready, drain or maint", s)
			}
			ev.State = st
		}
	case "stop", "start", "slow", "fast":
		ev.Action = Action(key)
		if s, _, ok := f.str(key, "an app's name, e.g. app1"); ok {
			ev.App = s
		}
		ev.Delay = lab.SlowDelay
		if v, _, ok := f.duration("delay", "how long the slow app waits before answering"); ok {
			ev.Delay = v
		}
	case "add_server":
		ev.Action = ActAddServer
		n, at, _ := f.get("add_server")
		if b, isBool := n.(*ast.BoolNode); isBool {
			if !b.Value {
				p.d.errorf(at, "found add_server: false; expected true or a backend name")
			}
		} else if s, ok := p.d.scalar(n, at, "the backend to add a server to (or true: the first)"); ok {
			if ev.Backend != "" && ev.Backend != s {
				p.d.errorf(at, "found add_server %s with backend %s; expected one backend", s, ev.Backend)
			}
			ev.Backend = s
		}
	case "remove_server":
		ev.Action = ActRemoveServer
		if s, _, ok := f.str("remove_server", "the server to remove"); ok {
			ev.Server = s
		}
	case "rate":
		ev.Action = ActRate
		if v, at, ok := f.float("rate", "the new requests per lab second", 0, maxRate); ok {
			if v == 0 {
				p.d.errorf(at, "found rate 0; expected a positive rate (use pause: true to stop sending)")
			}
			ev.Rate = v
		}
	case "clients":
		ev.Action = ActClients
		if v, _, ok := f.int("clients", "the new number of clients", 1, maxClients); ok {
			ev.Clients = int(v)
		}
	case "pause", "resume":
		ev.Action = Action(key)
		if v, at, ok := f.bool(key, "true"); ok && !v {
			p.d.errorf(at, "found %s: false; expected %s: true", key, key)
		}
	}
}

// checkAt checks the event's time against its phase.
func (p *parser) checkAt(f *fields, ev *Event) {
	ph := p.sc.Phases[ev.Phase]
	at := f.keyPos("at")
	switch {
	case ph.Duration > 0 && ev.At >= ph.Duration:
		p.d.errorf(at, "found at %v, which is not within phase %s (%v long); expected a time from 0s to before %v", ev.At, ph.Name, ph.Duration, ph.Duration)
	case ph.Duration == 0 && ev.At > 0:
		p.d.errorf(at, "found at %v in phase %s, which is bounded by a request count, not a duration; expected at: 0s (the phase's start)", ev.At, ph.Name)
	}
	traffic := ev.Action == ActRate || ev.Action == ActClients || ev.Action == ActPause || ev.Action == ActResume
	if traffic && ev.At == 0 {
		p.d.errorf(at, "found a %s event at the start of phase %s; expected a later time (the phase's own settings apply at its start)", ev.Action, ph.Name)
	}
	if ev.Action == ActRate && ph.Rate == 0 {
		p.d.errorf(f.keyPos("rate"), "found rate in phase %s, which runs a closed loop; expected rate: on the phase to run an open loop", ph.Name)
	}
	if ev.Action == ActClients && len(ph.Groups) > 1 {
		p.d.errorf(f.keyPos("clients"), "found clients in phase %s, which has several client groups; expected a phase with one group", ph.Name)
	}
}

func (p *parser) phaseNames() string {
	var out []string
	for _, ph := range p.sc.Phases {
		out = append(out, ph.Name)
	}
	return strings.Join(out, ", ")
}

// checkTimeline checks the events' names against variant v's config, and
// adds to m the servers that add_server events create.
func (p *parser) checkTimeline(v *Variant, m *model) {
	where := ""
	if len(p.sc.Variants) > 1 {
		where = fmt.Sprintf(" (variant %s)", v.Name)
	}
	for _, ev := range p.sc.Timeline {
		if ev.Backend != "" && m.backend(ev.Backend) == nil {
			p.d.errorf(posIn(ev.at, "backend", posIn(ev.at, "add_server", ev.Pos)), "found backend %q%s; expected one of the config's backends: %s", ev.Backend, where, m.backendNames())
			continue
		}
		switch ev.Action {
		case ActWeight, ActState, ActRemoveServer:
			b, err := m.findServer(ev.Backend, ev.Server)
			if err != nil {
				p.d.errorf(posIn(ev.at, "server", posIn(ev.at, "remove_server", ev.Pos)), "%v%s", err, where)
				continue
			}
			if ev.Backend == "" && len(p.sc.Variants) == 1 {
				ev.Backend = b.name
			}
		case ActStop, ActStart, ActSlow, ActFast:
			if !contains(m.apps, ev.App) {
				p.d.errorf(posIn(ev.at, string(ev.Action), ev.Pos), "found app %q%s; expected one of the lab's apps: %s", ev.App, where, strings.Join(m.apps, ", "))
			}
		case ActAddServer:
			b := m.backends[0]
			if ev.Backend != "" {
				b = m.backend(ev.Backend)
			}
			m.addServer(b)
		case ActBalance:
			if ev.Algo != nil && ev.Algo.L7() {
				for _, b := range m.backends {
					if (ev.Backend == "" || ev.Backend == b.name) && b.mode == proxy.TCP {
						p.d.errorf(posIn(ev.at, "algo", ev.Pos), "found algo %q for backend %s in TCP mode%s; expected roundrobin, static-rr, leastconn, first, source or random", ev.AlgoText, b.name, where)
					}
				}
			}
		}
	}
}

// Describe says in a few words what the event does, for notes and
// reports.
func (ev *Event) Describe() string {
	switch ev.Action {
	case ActNote:
		return ev.Note
	case ActBalance:
		var parts []string
		if ev.Algo != nil {
			parts = append(parts, "balance "+ev.AlgoText)
		}
		if ev.HashType != nil {
			parts = append(parts, ev.HashType.String())
		}
		return on(ev.Backend, strings.Join(parts, ", "))
	case ActWeight:
		return fmt.Sprintf("set %s weight %d", serverRef(ev.Backend, ev.Server), ev.Weight)
	case ActState:
		return fmt.Sprintf("set %s state %s", serverRef(ev.Backend, ev.Server), [...]string{"ready", "drain", "maint"}[ev.State])
	case ActStop, ActStart:
		return string(ev.Action) + " " + ev.App
	case ActSlow:
		return fmt.Sprintf("%s answers after %v", ev.App, ev.Delay)
	case ActFast:
		return ev.App + " answers at once"
	case ActAddServer:
		return on(ev.Backend, "add a server")
	case ActRemoveServer:
		return "remove " + serverRef(ev.Backend, ev.Server)
	case ActRate:
		return fmt.Sprintf("traffic: %g requests/s", ev.Rate)
	case ActClients:
		return fmt.Sprintf("traffic: %d clients", ev.Clients)
	}
	return "traffic " + string(ev.Action) + "d"
}

func on(backend, what string) string {
	if backend == "" {
		return what
	}
	return backend + ": " + what
}

func serverRef(backend, server string) string {
	if backend == "" {
		return server
	}
	return backend + "/" + server
}

// AtString is the event's time, e.g. "leastconn+0s".
func (s *Scenario) AtString(ev *Event) string {
	return fmt.Sprintf("%s+%v", s.Phases[ev.Phase].Name, ev.At.Round(time.Millisecond))
}

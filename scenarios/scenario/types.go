package scenario

import (
	"net/netip"
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/haproxycfg"
)

// Scenario is a parsed, checked scenario file.
type Scenario struct {
	File  string // where it was read from, for messages
	Name  string // e.g. "ep06-leastconn"
	Title string // one line
	Notes string // teaching notes, several paragraphs
	// Speed is the lab time scale a run uses unless --speed says
	// otherwise; 0 means 1.
	Speed float64

	// Variants are the labs the scenario runs, each with the same phases,
	// timeline and expectations: one when the file declares none.
	Variants []*Variant
	Phases   []*Phase
	Timeline []*Event
	Expect   []*Expectation

	// Warnings are what the HAProxy configs' parser warned about, placed
	// in this file when the config is inline.
	Warnings []Error
}

// Variant is one lab of a scenario: a config, the apps' behaviour and an
// optional algorithm override.
type Variant struct {
	Pos
	Name  string // "default" when the file declares no variants
	Title string

	// Config is the haproxy.cfg text; "" means lblab's default lab (the
	// Ep 6 trio behind roundrobin).
	Config     string
	ConfigFile string // the name config errors are reported under
	// configAt maps config line 1 column 1 into this file when the config
	// is inline (zero when it comes from its own file).
	configAt Pos
	// Apps is each app's behaviour, by app name.
	Apps map[string]apps.Behaviour
	// AppHosts are extra server hosts run as in-process apps.
	AppHosts []string

	Algo     *balance.Spec // overrides every backend's balance (its hash type is kept)
	AlgoText string
	HashType *balance.HashType

	model   *model         // what the config declares, for cross-checks
	appPos  map[string]Pos // where each app of Apps is named
	algoPos Pos            // where Algo is written
}

// Phase is a stretch of traffic. Phases run one after the other; a phase
// ends when its duration (or request count) is reached and its requests
// in flight have finished, and the lab's counters are reset before the
// next one starts.
type Phase struct {
	Pos
	Name     string
	Duration time.Duration // lab time of sending; 0: bounded by Requests
	Requests int64         // stop after this many requests; 0: bounded by Duration
	Rate     float64       // open loop: arrivals per lab second; 0: closed loop
	Clients  int           // clients of the default group (no Groups)
	Think    time.Duration // closed loop: pause between a client's requests
	Timeout  time.Duration // per request; 0: the generator's default
	Seed     uint64        // seeds the request mix
	Mix      []Request
	Groups   []Group
	Hold     time.Duration // TCP: hold each connection open this long
	Payload  string        // TCP: what each connection sends ("" keeps the lab's GET / HTTP/1.0)
}

// Group is a named set of clients with their own loopback range.
type Group struct {
	Pos
	Name    string
	Range   netip.Prefix
	Clients int
	Mix     []Request
}

// Request is one kind of request in a phase's mix.
type Request struct {
	Pos
	Method  string
	Path    string
	Headers []traffic.Header
	Body    string
	Weight  int
}

// Action is what a timeline event does.
type Action string

// Timeline actions.
const (
	ActNote         Action = "note" // only shows its note
	ActBalance      Action = "balance"
	ActWeight       Action = "weight"
	ActState        Action = "state"
	ActStop         Action = "stop"
	ActStart        Action = "start"
	ActSlow         Action = "slow"
	ActFast         Action = "fast"
	ActAddServer    Action = "add_server"
	ActRemoveServer Action = "remove_server"
	ActRate         Action = "rate"
	ActClients      Action = "clients"
	ActPause        Action = "pause"
	ActResume       Action = "resume"
)

// Event is one timeline entry: at a lab time from the start of a phase,
// change the lab.
type Event struct {
	Pos
	Phase  int           // index into Scenario.Phases
	At     time.Duration // from the phase's start
	Note   string        // shown when it plays
	Action Action

	Backend string // the backend acted on (filled in when the server names it)
	Server  string
	App     string

	Algo     *balance.Spec // ActBalance: the new algorithm (nil: keep it)
	AlgoText string
	HashType *balance.HashType // ActBalance: the new hash type (nil: keep it)
	Weight   int
	State    proxy.AdminState
	Delay    time.Duration // ActSlow
	Rate     float64
	Clients  int

	at map[string]Pos // where each key's value is written
}

// Kind is what an expectation measures.
type Kind string

// Expectation kinds. The proxy's log records measure the picks (share,
// count, routed, denied, sticky, servers_for, sequence, moved); the
// clients measure what they saw (status, latency); the proxy's counters
// measure rule hits and in-flight peaks.
const (
	KindShare      Kind = "share"       // fraction of the requests a server got
	KindCount      Kind = "count"       // requests a server (or "any") got
	KindRouted     Kind = "routed"      // fraction of the requests routed to a backend
	KindDenied     Kind = "denied"      // fraction of the requests a rule denied
	KindRule       Kind = "rule"        // times a rule matched
	KindStatus     Kind = "status"      // fraction of answers with a status (client side)
	KindLatency    Kind = "latency"     // a latency percentile (client side)
	KindInFlight   Kind = "in_flight"   // most requests in flight at once on a server
	KindSticky     Kind = "sticky"      // fraction of keys that always reached one server
	KindServersFor Kind = "servers_for" // distinct servers the listed URIs reached
	KindSequence   Kind = "sequence"    // the exact order of picks
	KindMoved      Kind = "moved"       // fraction of keys that changed server between phases
)

// Unit is what an expectation's bounds count.
type Unit int

// Units of bounds.
const (
	UnitFraction Unit = iota // 0..1, printed as a percentage
	UnitCount                // whole numbers
	UnitSeconds              // lab time
	UnitNone                 // no bounds (sequence)
)

// Expectation is one check of a run.
type Expectation struct {
	Pos
	Name    string // as written, or made up from the rest
	Kind    Kind
	Subject string   // server, backend, frontend, rule text, status, percentile or key
	List    []string // sequence: servers; servers_for: URIs
	Cycle   bool     // sequence: the list repeats over every pick

	Variants []string // "" all
	Phase    string   // "" every phase
	Window   *Window  // part of the phase (or of the run)

	Backend    string
	Frontend   string
	Groups     []string
	Methods    []string
	Paths      []string // the request target before '?'
	PathPrefix string
	URIs       []string // the whole request target
	Codes      []string // status codes of the proxy's log: 403, 4xx

	From, To string   // moved: the phases compared
	WasOn    []string // moved: only keys that were on these servers

	Min, Max *float64 // in the kind's Unit; seconds for latency

	at map[string]Pos // where each key's value is written
}

// posIn returns where key's value is written, or def.
func posIn(at map[string]Pos, key string, def Pos) Pos {
	if p, ok := at[key]; ok {
		return p
	}
	return def
}

// Window is a part of a phase (or of the whole run when no phase is
// given), in lab time from its start.
type Window struct {
	From, To time.Duration
}

// Unit returns the unit of the expectation's bounds.
func (e *Expectation) Unit() Unit { return kindTable[e.Kind].unit }

// ParseConfig reads the variant's config afresh (nil for the default
// lab): the lab maps addresses in place, so every run needs its own copy.
func (v *Variant) ParseConfig() (*haproxycfg.File, error) {
	if v.Config == "" {
		return nil, nil
	}
	return haproxycfg.Parse(v.ConfigFile, []byte(v.Config))
}

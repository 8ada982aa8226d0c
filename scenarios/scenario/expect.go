package scenario

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// kindInfo is what one expectation kind takes.
type kindInfo struct {
	subject string   // what its value is, for messages
	unit    Unit     // what its bounds count
	filters []string // the filter keys it accepts
	list    bool     // its value is a list
}

// The filters of the proxy-side kinds (the log records say everything),
// of the client-side kinds (the clients do not know backends), and the
// keys every expectation takes.
var (
	proxyFilters  = []string{"phase", "window", "backend", "group", "method", "path", "path_prefix", "uri", "code"}
	clientFilters = []string{"phase", "window", "group", "method", "path", "path_prefix", "uri"}
	commonKeys    = []string{"name", "variant", "min", "max"}
)

var kindTable = map[Kind]kindInfo{
	KindShare:      {subject: "a server's name", unit: UnitFraction, filters: proxyFilters},
	KindCount:      {subject: "a server's name, or any", unit: UnitCount, filters: proxyFilters},
	KindRouted:     {subject: "a backend's name", unit: UnitFraction, filters: without(proxyFilters, "backend")},
	KindDenied:     {subject: "a frontend's name, or any", unit: UnitFraction, filters: without(proxyFilters, "backend")},
	KindRule:       {subject: "a rule as written in the config", unit: UnitCount, filters: []string{"phase", "frontend"}},
	KindStatus:     {subject: "a status (200, 4xx) or failed", unit: UnitFraction, filters: clientFilters},
	KindLatency:    {subject: "p50, p90, p99, max or mean", unit: UnitSeconds, filters: clientFilters},
	KindInFlight:   {subject: "a server's name", unit: UnitCount, filters: []string{"phase", "backend"}},
	KindSticky:     {subject: "client, uri or path", unit: UnitFraction, filters: proxyFilters},
	KindServersFor: {subject: "a list of request targets", unit: UnitCount, filters: without(proxyFilters, "uri"), list: true},
	KindSequence:   {subject: "a list of server names", unit: UnitNone, filters: append([]string{"cycle"}, proxyFilters...), list: true},
	KindMoved:      {subject: "client, uri or path", unit: UnitFraction, filters: append([]string{"from", "to", "was_on"}, without(proxyFilters, "phase", "window")...)},
}

// kindOrder lists the kinds for messages.
var kindOrder = []Kind{KindShare, KindCount, KindRouted, KindDenied, KindRule, KindStatus, KindLatency,
	KindInFlight, KindSticky, KindServersFor, KindSequence, KindMoved}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func kindNames() string {
	var s []string
	for _, k := range kindOrder {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// allExpectKeys is every key an expectation may have, for the unknown-key
// check before its kind is known.
func allExpectKeys() []string {
	keys := append([]string(nil), commonKeys...)
	for _, k := range kindOrder {
		keys = append(keys, string(k))
		for _, f := range kindTable[k].filters {
			if !contains(keys, f) {
				keys = append(keys, f)
			}
		}
	}
	return keys
}

// expectations reads the expect: list.
func (p *parser) expectations(f *fields) []*Expectation {
	n, at, ok := f.get("expect")
	if !ok {
		return nil
	}
	items, ok := p.d.seq(n, at, "the scenario's expectations")
	if !ok {
		return nil
	}
	var out []*Expectation
	for _, it := range items {
		if e := p.expectation(it); e != nil {
			out = append(out, e)
		}
	}
	return out
}

var (
	statusRe  = regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]xx)$`)
	percentRe = regexp.MustCompile(`^(p[0-9]{1,2}(\.[0-9]+)?|max|mean)$`)
)

func (p *parser) expectation(n ast.Node) *Expectation {
	f, ok := p.d.newFields(n, posOf(n), "an expectation", allExpectKeys())
	if !ok {
		return nil
	}
	var kinds []string
	for _, k := range kindOrder {
		if f.has(string(k)) {
			kinds = append(kinds, string(k))
		}
	}
	if len(kinds) != 1 {
		if len(kinds) == 0 {
			p.d.errorf(f.at, "found an expectation without a kind; expected exactly one of: %s", kindNames())
		} else {
			p.d.errorf(f.keyPos(kinds[1]), "found %s and %s in one expectation; expected exactly one kind", kinds[0], kinds[1])
		}
		return nil
	}
	e := &Expectation{Pos: f.at, Kind: Kind(kinds[0]), at: f.positions()}
	info := kindTable[e.Kind]
	for _, en := range f.entries {
		if contains(commonKeys, en.key) || en.key == string(e.Kind) || contains(info.filters, en.key) {
			continue
		}
		p.d.errorf(en.keyPos, "found %s in a %s expectation; expected only: %s", en.key, e.Kind,
			strings.Join(append(append([]string{string(e.Kind)}, commonKeys...), info.filters...), ", "))
	}
	p.subject(f, e, info)
	p.filters(f, e)
	p.bounds(f, e, info)
	if s, _, ok := f.str("name", "what the expectation checks, in words"); ok {
		e.Name = strings.TrimSpace(s)
	}
	if e.Name == "" {
		e.Name = e.Describe()
	}
	return e
}

// subject reads the kind key's value.
func (p *parser) subject(f *fields, e *Expectation, info kindInfo) {
	key := string(e.Kind)
	if info.list {
		n, at, _ := f.get(key)
		items, ok := p.d.seq(n, at, info.subject)
		if !ok {
			return
		}
		for _, it := range items {
			if s, ok := p.d.scalar(it, posOf(it), info.subject); ok {
				e.List = append(e.List, s)
			}
		}
		if len(e.List) == 0 {
			p.d.errorf(at, "found an empty %s list; expected %s", key, info.subject)
		}
		return
	}
	s, at, ok := f.str(key, info.subject)
	if !ok {
		return
	}
	e.Subject = s
	bad := false
	switch e.Kind {
	case KindStatus:
		bad = !statusRe.MatchString(s) && s != "failed"
	case KindLatency:
		bad = !percentRe.MatchString(s)
		if !bad && strings.HasPrefix(s, "p") {
			v, _ := strconv.ParseFloat(s[1:], 64)
			bad = v <= 0 || v >= 100
		}
	case KindSticky, KindMoved:
		bad = s != "client" && s != "uri" && s != "path"
	case KindRule:
		bad = strings.TrimSpace(s) == ""
	}
	if bad {
		p.d.errorf(at, "found %s %q; expected %s", key, s, info.subject)
	}
}

// filters reads which requests the expectation looks at.
func (p *parser) filters(f *fields, e *Expectation) {
	if vs, at, ok := f.strings("variant", "variant names"); ok {
		for _, v := range vs {
			if p.sc.Variant(v) == nil {
				p.d.errorf(at, "found variant %q; expected one of the scenario's variants: %s", v, p.variantNames())
			}
		}
		e.Variants = vs
	}
	if s, at, ok := f.str("phase", "a phase's name"); ok {
		if p.sc.PhaseIndex(s) < 0 {
			p.d.errorf(at, "found phase %q; expected one of the scenario's phases: %s", s, p.phaseNames())
		}
		e.Phase = s
	}
	if n, at, ok := f.get("window"); ok {
		e.Window = p.window(n, at)
	}
	e.Backend, _, _ = f.str("backend", "a backend's name")
	e.Frontend, _, _ = f.str("frontend", "a frontend's name")
	if gs, at, ok := f.strings("group", "client group names"); ok {
		p.checkGroups(gs, e.Phase, at)
		e.Groups = gs
	}
	e.Methods, _, _ = f.strings("method", "HTTP methods")
	e.Paths, _, _ = f.strings("path", "paths (the request target before '?')")
	e.PathPrefix, _, _ = f.str("path_prefix", "the start of the paths")
	e.URIs, _, _ = f.strings("uri", "request targets as sent")
	if cs, at, ok := f.strings("code", "status codes such as 403 or 4xx"); ok {
		for _, c := range cs {
			if !statusRe.MatchString(c) {
				p.d.errorf(at, "found code %q; expected a status such as 403 or a class such as 4xx", c)
			}
		}
		e.Codes = cs
	}
	if v, _, ok := f.bool("cycle", "the sequence repeats over every pick"); ok {
		e.Cycle = v
	}
	if e.Kind == KindMoved {
		p.movedPhases(f, e)
	}
}

// window reads [FROM, TO].
func (p *parser) window(n ast.Node, at Pos) *Window {
	items, ok := p.d.seq(n, at, "a window [FROM, TO] of lab time")
	if !ok {
		return nil
	}
	if len(items) != 2 {
		p.d.errorf(at, "found a window of %d values; expected two: [FROM, TO], e.g. [5s, 30s]", len(items))
		return nil
	}
	var ds [2]time.Duration
	for i, it := range items {
		s, ok := p.d.scalar(it, posOf(it), "a duration")
		if !ok {
			return nil
		}
		d, err := parseDuration(s)
		if err != nil {
			p.d.errorf(posOf(it), "found %q in a window; expected a duration such as 5s", s)
			return nil
		}
		ds[i] = d
	}
	if ds[1] <= ds[0] {
		p.d.errorf(at, "found window [%v, %v]; expected FROM before TO", ds[0], ds[1])
		return nil
	}
	return &Window{From: ds[0], To: ds[1]}
}

// checkGroups checks group names against the phase (or every phase).
func (p *parser) checkGroups(gs []string, phase string, at Pos) {
	var known []string
	for _, ph := range p.sc.Phases {
		if phase == "" || ph.Name == phase {
			for _, g := range ph.GroupNames() {
				if !contains(known, g) {
					known = append(known, g)
				}
			}
		}
	}
	for _, g := range gs {
		if !contains(known, g) {
			p.d.errorf(at, "found group %q; expected a client group of the phase: %s", g, strings.Join(known, ", "))
		}
	}
}

// movedPhases reads a moved expectation's from and to.
func (p *parser) movedPhases(f *fields, e *Expectation) {
	for _, k := range []string{"from", "to"} {
		s, at, ok := f.str(k, "a phase's name")
		if !ok {
			if !f.has(k) {
				p.d.errorf(f.at, "found a moved expectation without %s; expected from: PHASE and to: PHASE", k)
			}
			continue
		}
		if p.sc.PhaseIndex(s) < 0 {
			p.d.errorf(at, "found phase %q; expected one of the scenario's phases: %s", s, p.phaseNames())
		}
		if k == "from" {
			e.From = s
		} else {
			e.To = s
		}
	}
	if e.From != "" && e.From == e.To {
		p.d.errorf(f.keyPos("to"), "found from and to both %q; expected two different phases", e.From)
	}
	e.WasOn, _, _ = f.strings("was_on", "server names")
}

// bounds reads min and max in the kind's unit.
func (p *parser) bounds(f *fields, e *Expectation, info kindInfo) {
	if info.unit == UnitNone {
		for _, k := range []string{"min", "max"} {
			if f.has(k) {
				p.d.errorf(f.keyPos(k), "found %s in a %s expectation; expected none: the list is the expectation", k, e.Kind)
			}
		}
		return
	}
	read := func(key string) *float64 {
		s, at, ok := f.str(key, "a bound")
		if !ok {
			return nil
		}
		var v float64
		var err error
		switch info.unit {
		case UnitSeconds:
			var d time.Duration
			d, err = parseDuration(s)
			v = d.Seconds()
		default:
			v, err = strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
			if err == nil && strings.HasSuffix(s, "%") {
				v /= 100
			}
		}
		switch {
		case err != nil && info.unit == UnitSeconds:
			p.d.errorf(at, "found %s %q; expected a duration of lab time such as 2.5s", key, s)
		case err != nil:
			p.d.errorf(at, "found %s %q; expected a number", key, s)
		case info.unit == UnitFraction && (v < 0 || v > 1):
			p.d.errorf(at, "found %s %q; expected a fraction from 0 to 1 (or a percentage such as 75%%)", key, s)
		case info.unit == UnitCount && (v < 0 || v != float64(int64(v))):
			p.d.errorf(at, "found %s %q; expected a whole number of 0 or more", key, s)
		default:
			return &v
		}
		return nil
	}
	e.Min, e.Max = read("min"), read("max")
	if !f.has("min") && !f.has("max") {
		p.d.errorf(f.at, "found a %s expectation without bounds; expected min:, max: or both", e.Kind)
	}
	if e.Min != nil && e.Max != nil && *e.Min > *e.Max {
		p.d.errorf(f.keyPos("max"), "found min above max; expected min <= max")
	}
}

func (p *parser) variantNames() string {
	var out []string
	for _, v := range p.sc.Variants {
		out = append(out, v.Name)
	}
	return strings.Join(out, ", ")
}

// AppliesTo reports whether the expectation is checked in variant v.
func (e *Expectation) AppliesTo(v string) bool {
	return len(e.Variants) == 0 || contains(e.Variants, v)
}

// checkExpectations checks server, backend, frontend and rule names
// against variant v's config (with the servers its timeline adds).
func (p *parser) checkExpectations(v *Variant, m *model) {
	where := ""
	if len(p.sc.Variants) > 1 {
		where = fmt.Sprintf(" (variant %s)", v.Name)
	}
	for _, e := range p.sc.Expect {
		if !e.AppliesTo(v.Name) {
			continue
		}
		subj := posIn(e.at, string(e.Kind), e.Pos)
		if e.Backend != "" && m.backend(e.Backend) == nil {
			p.d.errorf(posIn(e.at, "backend", e.Pos), "found backend %q%s; expected one of the config's backends: %s", e.Backend, where, m.backendNames())
			continue
		}
		var servers []string
		switch e.Kind {
		case KindShare, KindInFlight:
			servers = []string{e.Subject}
		case KindCount:
			if e.Subject != "any" {
				servers = []string{e.Subject}
			}
		case KindSequence:
			servers = e.List
		case KindMoved:
			servers = e.WasOn
		case KindRouted:
			if m.backend(e.Subject) == nil {
				p.d.errorf(subj, "found backend %q%s; expected one of the config's backends: %s", e.Subject, where, m.backendNames())
			}
		case KindDenied:
			if e.Subject != "any" && m.frontend(e.Subject) == nil {
				p.d.errorf(subj, "found frontend %q%s; expected one of: %s, or any", e.Subject, where, m.frontendNames())
			}
		case KindRule:
			if _, err := m.findRule(e.Frontend, e.Subject); err != nil {
				p.d.errorf(subj, "%v%s", err, where)
			}
		}
		if e.Kind == KindMoved {
			subj = posIn(e.at, "was_on", e.Pos)
		}
		for _, s := range servers {
			if _, err := m.findServer(e.Backend, s); err != nil {
				p.d.errorf(subj, "%v%s", err, where)
				break
			}
		}
	}
}

// Describe says what the expectation checks, e.g. "share of server2 in
// phase leastconn >= 70%".
func (e *Expectation) Describe() string {
	var b strings.Builder
	switch e.Kind {
	case KindShare:
		fmt.Fprintf(&b, "share of %s", e.Subject)
	case KindCount:
		if e.Subject == "any" {
			b.WriteString("requests")
		} else {
			fmt.Fprintf(&b, "requests to %s", e.Subject)
		}
	case KindRouted:
		fmt.Fprintf(&b, "share routed to %s", e.Subject)
	case KindDenied:
		b.WriteString("share denied")
	case KindRule:
		fmt.Fprintf(&b, "hits of %q", e.Subject)
	case KindStatus:
		fmt.Fprintf(&b, "share of answers %s", e.Subject)
	case KindLatency:
		fmt.Fprintf(&b, "latency %s", e.Subject)
	case KindInFlight:
		fmt.Fprintf(&b, "most in flight on %s", e.Subject)
	case KindSticky:
		fmt.Fprintf(&b, "share of %ss that stick to one server", e.Subject)
	case KindServersFor:
		fmt.Fprintf(&b, "servers reached by %s", strings.Join(e.List, " "))
	case KindSequence:
		fmt.Fprintf(&b, "picks in order %s", strings.Join(e.List, " "))
		if e.Cycle {
			b.WriteString(" (repeating)")
		}
	case KindMoved:
		fmt.Fprintf(&b, "share of %ss moved from %s to %s", e.Subject, e.From, e.To)
	}
	var sel []string
	add := func(k string, vs ...string) {
		if len(vs) > 0 && vs[0] != "" {
			sel = append(sel, k+" "+strings.Join(vs, ","))
		}
	}
	add("group", e.Groups...)
	add("method", e.Methods...)
	add("path", e.Paths...)
	add("path prefix", e.PathPrefix)
	add("uri", e.URIs...)
	add("code", e.Codes...)
	add("backend", e.Backend)
	add("was on", e.WasOn...)
	if len(sel) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(sel, "; "))
	}
	if e.Phase != "" {
		fmt.Fprintf(&b, " in %s", e.Phase)
	}
	if e.Window != nil {
		fmt.Fprintf(&b, " [%v, %v)", e.Window.From, e.Window.To)
	}
	if e.Min != nil {
		fmt.Fprintf(&b, " >= %s", FormatValue(*e.Min, e.Unit()))
	}
	if e.Max != nil {
		fmt.Fprintf(&b, " <= %s", FormatValue(*e.Max, e.Unit()))
	}
	return b.String()
}

// FormatValue prints a measured value or bound in its unit.
func FormatValue(v float64, u Unit) string {
	switch u {
	case UnitFraction:
		return strconv.FormatFloat(math.Round(10000*v)/100, 'f', -1, 64) + "%"
	case UnitSeconds:
		return (time.Duration(v * float64(time.Second))).Round(time.Millisecond).String()
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

package runner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/scenarios/scenario"
)

// Evaluate checks every expectation of the scenario that applies to the
// data's variant, and adds a failed check for each timeline event the lab
// refused (a scenario whose timeline did not play has not shown its
// lesson).
func Evaluate(d *Data) []report.Check {
	var out []report.Check
	for _, pe := range d.Phases {
		for _, pl := range pe.Played {
			if pl.Err != nil {
				out = append(out, report.Check{Name: "timeline " + d.Scenario.AtString(pl.Event) + ": " + pl.Event.Describe(),
					Variant: d.Variant, Kind: "timeline", Unit: "none", Expected: "applied",
					Measured: "refused", Detail: pl.Err.Error()})
			}
		}
	}
	for _, e := range d.Scenario.Expect {
		if e.AppliesTo(d.Variant) {
			out = append(out, Check(d, e))
		}
	}
	return out
}

// measure is a value measured for an expectation, or why there is none.
type measure struct {
	value  float64
	ok     bool   // value is meaningful
	shown  string // overrides the formatted value (sequences)
	pass   *bool  // overrides the bounds check (sequences)
	detail string
}

// Check evaluates one expectation on a variant's data.
func Check(d *Data, e *scenario.Expectation) report.Check {
	c := report.Check{Name: e.Name, Variant: d.Variant, Kind: string(e.Kind), Unit: unitName(e.Unit()),
		Expected: expected(e), Min: e.Min, Max: e.Max}
	var m measure
	switch e.Kind {
	case scenario.KindShare:
		m = share(d, e)
	case scenario.KindCount:
		m = count(d, e)
	case scenario.KindRouted:
		m = routed(d, e)
	case scenario.KindDenied:
		m = denied(d, e)
	case scenario.KindRule:
		m = ruleHits(d, e)
	case scenario.KindStatus:
		m = status(d, e)
	case scenario.KindLatency:
		m = latency(d, e)
	case scenario.KindInFlight:
		m = inFlight(d, e)
	case scenario.KindSticky:
		m = sticky(d, e)
	case scenario.KindServersFor:
		m = serversFor(d, e)
	case scenario.KindSequence:
		m = sequence(d, e)
	case scenario.KindMoved:
		m = moved(d, e)
	}
	c.Detail = m.detail
	switch {
	case m.shown != "":
		c.Measured = m.shown
	case m.ok:
		c.Measured = scenario.FormatValue(m.value, e.Unit())
	default:
		c.Measured = "nothing to measure"
	}
	if m.ok {
		v := m.value
		c.Value = &v
	}
	switch {
	case m.pass != nil:
		c.Pass = *m.pass
	case m.ok:
		c.Pass = within(m.value, e.Min, e.Max)
	}
	return c
}

// within compares with a little slack, so that 1/3 meets "max: 0.3333…"
// written out and a fraction computed as 0.7499999 meets 0.75.
func within(v float64, lo, hi *float64) bool {
	const eps = 1e-9
	return (lo == nil || v >= *lo-eps) && (hi == nil || v <= *hi+eps)
}

func unitName(u scenario.Unit) string {
	return [...]string{"fraction", "count", "seconds", "none"}[u]
}

// expected says the bounds in words.
func expected(e *scenario.Expectation) string {
	u := e.Unit()
	switch {
	case e.Kind == scenario.KindSequence:
		s := strings.Join(e.List, " ")
		if e.Cycle {
			s += " (repeating)"
		}
		return s
	case e.Min != nil && e.Max != nil && *e.Min == *e.Max:
		return "exactly " + scenario.FormatValue(*e.Min, u)
	case e.Min != nil && e.Max != nil:
		return "from " + scenario.FormatValue(*e.Min, u) + " to " + scenario.FormatValue(*e.Max, u)
	case e.Min != nil:
		return ">= " + scenario.FormatValue(*e.Min, u)
	case e.Max != nil:
		return "<= " + scenario.FormatValue(*e.Max, u)
	}
	return "-"
}

// phaseIndex is the expectation's phase (-1: every phase).
func phaseIndex(d *Data, name string) int {
	if name == "" {
		return -1
	}
	return d.Scenario.PhaseIndex(name)
}

// runAt places a time of phase i on the run's time line.
func runAt(d *Data, i int, at time.Duration) time.Duration {
	if i < 0 || i >= len(d.Phases) {
		return at
	}
	return d.Phases[i].Start.Sub(d.Start) + at
}

// inWindow tells whether a request of phase i sent at 'at' is one the
// expectation's phase and window select.
func inWindow(d *Data, e *scenario.Expectation, i int, at time.Duration) bool {
	pi := phaseIndex(d, e.Phase)
	if pi >= 0 && i != pi {
		return false
	}
	if e.Window == nil {
		return true
	}
	t := at
	if pi < 0 {
		t = runAt(d, i, at)
	}
	return t >= e.Window.From && t < e.Window.To
}

// selects tells whether a request matches the expectation's filters.
func selects(e *scenario.Expectation, group, method, uri string, status int) bool {
	path := pathOf(uri)
	switch {
	case len(e.Groups) > 0 && !containsStr(e.Groups, group),
		len(e.Methods) > 0 && !containsStr(e.Methods, method),
		len(e.Paths) > 0 && !containsStr(e.Paths, path),
		e.PathPrefix != "" && !strings.HasPrefix(path, e.PathPrefix),
		len(e.URIs) > 0 && !containsStr(e.URIs, uri):
		return false
	}
	if len(e.Codes) > 0 {
		for _, c := range e.Codes {
			if statusMatches(c, status) {
				return true
			}
		}
		return false
	}
	return true
}

// statusMatches compares a status with "403" or "4xx".
func statusMatches(want string, status int) bool {
	if strings.HasSuffix(want, "xx") {
		return status >= 100 && strconv.Itoa(status)[0] == want[0]
	}
	return strconv.Itoa(status) == want
}

// records returns the log records the expectation selects (phase, window
// and filters, backend included).
func records(d *Data, e *scenario.Expectation) []Record {
	var out []Record
	for _, r := range d.Records {
		if !inWindow(d, e, r.Phase, r.At) || !selects(e, r.Group, r.Method, r.URI, r.Status) {
			continue
		}
		if e.Backend != "" && r.Backend != e.Backend {
			continue
		}
		out = append(out, r)
	}
	return out
}

// backendOfServer finds which backend a server belongs to, from the
// records and the snapshots.
func backendOfServer(d *Data, e *scenario.Expectation, server string) string {
	if e.Backend != "" {
		return e.Backend
	}
	for _, r := range d.Records {
		if r.Server == server {
			return r.Backend
		}
	}
	snaps := []lab.Snapshot{d.End}
	for _, pe := range d.Phases {
		snaps = append(snaps, pe.Snapshot)
	}
	for _, sn := range snaps {
		for _, b := range sn.Backends {
			for _, s := range b.Servers {
				if s.Name == server {
					return b.Name
				}
			}
		}
	}
	return ""
}

func fraction(n, of int, what string) measure {
	if of == 0 {
		return measure{detail: "no " + what + " to measure"}
	}
	return measure{value: float64(n) / float64(of), ok: true, detail: fmt.Sprintf("%d of %d %s", n, of, what)}
}

func share(d *Data, e *scenario.Expectation) measure {
	be := backendOfServer(d, e, e.Subject)
	n, of := 0, 0
	for _, r := range records(d, e) {
		if r.Backend != be || r.Server == "" {
			continue
		}
		of++
		if r.Server == e.Subject {
			n++
		}
	}
	return fraction(n, of, "requests to backend "+be)
}

func count(d *Data, e *scenario.Expectation) measure {
	n := 0
	for _, r := range records(d, e) {
		if e.Subject == "any" || r.Server == e.Subject {
			n++
		}
	}
	what := "requests"
	if e.Subject != "any" {
		what = "requests to " + e.Subject
	}
	return measure{value: float64(n), ok: true, detail: fmt.Sprintf("%d %s", n, what)}
}

func routed(d *Data, e *scenario.Expectation) measure {
	rs := records(d, e)
	n := 0
	for _, r := range rs {
		if r.Backend == e.Subject && !r.Denied {
			n++
		}
	}
	return fraction(n, len(rs), "selected requests")
}

func denied(d *Data, e *scenario.Expectation) measure {
	n, of := 0, 0
	for _, r := range records(d, e) {
		if e.Subject != "any" && r.Frontend != e.Subject {
			continue
		}
		of++
		if r.Denied {
			n++
		}
	}
	return fraction(n, of, "selected requests")
}

// ruleHits sums a rule's hits over the phases selected, from the proxy's
// counters at each phase's end.
func ruleHits(d *Data, e *scenario.Expectation) measure {
	pi := phaseIndex(d, e.Phase)
	var hits int64
	found := false
	for i, pe := range d.Phases {
		if pi >= 0 && i != pi {
			continue
		}
		for _, f := range pe.Snapshot.Frontends {
			if e.Frontend != "" && f.Name != e.Frontend {
				continue
			}
			var rules []proxy.RuleStats
			rules = append(append(append(rules, f.TCPRules...), f.HTTPRules...), f.UseBackends...)
			for _, r := range rules {
				if sameRule(r.Text, e.Subject) {
					hits += r.Hits
					found = true
				}
			}
		}
	}
	if !found {
		return measure{detail: "the rule is not in the running config"}
	}
	return measure{value: float64(hits), ok: true, detail: fmt.Sprintf("%d hits", hits)}
}

func sameRule(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// answers returns what the clients saw, selected by the expectation.
func answers(d *Data, e *scenario.Expectation) []Answer {
	var out []Answer
	for _, a := range d.Answers {
		if inWindow(d, e, a.Phase, a.At) && selects(e, a.Group, a.Method, a.URI, a.Status) {
			out = append(out, a)
		}
	}
	return out
}

func status(d *Data, e *scenario.Expectation) measure {
	as := answers(d, e)
	n := 0
	for _, a := range as {
		if e.Subject == "failed" && a.Err != "" || a.Err == "" && statusMatches(e.Subject, a.Status) {
			n++
		}
	}
	return fraction(n, len(as), "answers and failures")
}

func latency(d *Data, e *scenario.Expectation) measure {
	var ds []time.Duration
	var sum time.Duration
	for _, a := range answers(d, e) {
		if a.Err == "" {
			ds = append(ds, a.Latency)
			sum += a.Latency
		}
	}
	if len(ds) == 0 {
		return measure{detail: "no answered request"}
	}
	var v time.Duration
	switch e.Subject {
	case "max":
		v = percentile(ds, 100)
	case "mean":
		v = sum / time.Duration(len(ds))
	default:
		p, _ := strconv.ParseFloat(e.Subject[1:], 64)
		v = percentile(ds, p)
	}
	return measure{value: v.Seconds(), ok: true, detail: fmt.Sprintf("over %d answers", len(ds))}
}

// inFlight is a server's peak of requests in flight over the phases
// selected, from the proxy's counters (reset at each phase's start).
func inFlight(d *Data, e *scenario.Expectation) measure {
	pi := phaseIndex(d, e.Phase)
	be := backendOfServer(d, e, e.Subject)
	var peak int64
	found := false
	for i, pe := range d.Phases {
		if pi >= 0 && i != pi {
			continue
		}
		for _, b := range pe.Snapshot.Backends {
			if b.Name != be {
				continue
			}
			for _, s := range b.Servers {
				if s.Name == e.Subject {
					peak, found = max(peak, s.Max), true
				}
			}
		}
	}
	if !found {
		return measure{detail: "the server was not in the lab at the phase's end"}
	}
	return measure{value: float64(peak), ok: true, detail: "peak of the proxy's counter"}
}

// keyOf is a request's key for stickiness and moves.
func keyOf(r Record, by string) string {
	switch by {
	case "uri":
		return r.URI
	case "path":
		return r.Path()
	}
	return r.Client.String()
}

func sticky(d *Data, e *scenario.Expectation) measure {
	servers := map[string]map[string]int{}
	for _, r := range records(d, e) {
		if r.Server == "" {
			continue
		}
		k := keyOf(r, e.Subject)
		if servers[k] == nil {
			servers[k] = map[string]int{}
		}
		servers[k][r.Server]++
	}
	keys, stuck := 0, 0
	var loose []string
	for k, m := range servers {
		n := 0
		for _, c := range m {
			n += c
		}
		if n < 2 {
			continue // one request sticks by definition: not evidence
		}
		keys++
		if len(m) == 1 {
			stuck++
		} else {
			loose = append(loose, k)
		}
	}
	m := fraction(stuck, keys, e.Subject+"s with 2 requests or more")
	if len(loose) > 0 {
		sort.Strings(loose)
		m.detail += "; spread: " + strings.Join(first(loose, 3), ", ")
	}
	return m
}

func serversFor(d *Data, e *scenario.Expectation) measure {
	seen := map[string]bool{}
	servers := map[string]bool{}
	for _, r := range records(d, e) {
		if r.Server == "" || !containsStr(e.List, r.URI) {
			continue
		}
		seen[r.URI] = true
		servers[r.Server] = true
	}
	for _, u := range e.List {
		if !seen[u] {
			return measure{detail: fmt.Sprintf("no request for %s reached a server", u)}
		}
	}
	names := make([]string, 0, len(servers))
	for s := range servers {
		names = append(names, s)
	}
	sort.Strings(names)
	return measure{value: float64(len(servers)), ok: true, detail: strings.Join(names, ", ")}
}

func sequence(d *Data, e *scenario.Expectation) measure {
	var picks []Record
	for _, r := range records(d, e) {
		if r.Server != "" {
			picks = append(picks, r)
		}
	}
	// the order of the picks: when each request arrived, then the log
	sort.SliceStable(picks, func(i, j int) bool {
		if picks[i].Phase != picks[j].Phase {
			return picks[i].Phase < picks[j].Phase
		}
		if picks[i].At != picks[j].At {
			return picks[i].At < picks[j].At
		}
		return picks[i].Seq < picks[j].Seq
	})
	var got []string
	for _, p := range picks {
		got = append(got, p.Server)
	}
	shown := strings.Join(first(got, max(len(e.List), 12)), " ")
	if len(got) > max(len(e.List), 12) {
		shown += " …"
	}
	pass := false
	m := measure{shown: shown, pass: &pass}
	if len(got) < len(e.List) {
		m.detail = fmt.Sprintf("only %d picks, the expected order has %d", len(got), len(e.List))
		if len(got) == 0 {
			m.shown = "no picks"
		}
		return m
	}
	n := len(e.List)
	if e.Cycle {
		n = len(got)
	}
	for i := 0; i < n; i++ {
		if want := e.List[i%len(e.List)]; got[i] != want {
			m.detail = fmt.Sprintf("pick %d went to %s, expected %s", i+1, got[i], want)
			return m
		}
	}
	pass = true
	m.detail = fmt.Sprintf("%d picks checked", n)
	return m
}

// moved compares, for every key seen in both phases, the server it
// reached most in each.
func moved(d *Data, e *scenario.Expectation) measure {
	from, to := d.Scenario.PhaseIndex(e.From), d.Scenario.PhaseIndex(e.To)
	home := func(i int) map[string]string {
		counts := map[string]map[string]int{}
		for _, r := range records(d, e) {
			if r.Phase != i || r.Server == "" {
				continue
			}
			k := keyOf(r, e.Subject)
			if counts[k] == nil {
				counts[k] = map[string]int{}
			}
			counts[k][r.Server]++
		}
		out := map[string]string{}
		for k, m := range counts {
			best := ""
			for s, n := range m {
				if best == "" || n > m[best] || n == m[best] && s < best {
					best = s
				}
			}
			out[k] = best
		}
		return out
	}
	before, after := home(from), home(to)
	n, of := 0, 0
	for k, s := range before {
		t, ok := after[k]
		if !ok || len(e.WasOn) > 0 && !containsStr(e.WasOn, s) {
			continue
		}
		of++
		if s != t {
			n++
		}
	}
	return fraction(n, of, e.Subject+"s seen in both phases")
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

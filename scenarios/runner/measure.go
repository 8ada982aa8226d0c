package runner

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/scenarios/scenario"
)

// BuildVariant turns a variant's data into its part of the report.
func BuildVariant(d *Data, v *scenario.Variant) report.Variant {
	rv := report.Variant{Name: v.Name, Title: v.Title, Algo: v.AlgoText, LabNotes: d.Notes,
		LabTime: report.Duration(d.End.Time.Sub(d.Start))}
	if rv.LabNotes == nil {
		rv.LabNotes = []string{}
	}
	if v.HashType != nil {
		rv.HashType = strings.TrimPrefix(v.HashType.String(), "hash-type ")
	}
	for i, pe := range d.Phases {
		rv.Phases = append(rv.Phases, buildPhase(d, i, pe))
	}
	rv.Events = buildEvents(d)
	rv.Series = buildSeries(d)
	return rv
}

func buildPhase(d *Data, i int, pe PhaseEnd) report.Phase {
	rp := report.Phase{Name: d.Scenario.Phases[i].Name, Start: report.Duration(pe.Start.Sub(d.Start)),
		Duration: report.Duration(pe.End.Sub(pe.Start))}
	t := pe.Snapshot.Traffic
	rp.Traffic = report.Traffic{Sent: t.Sent, Answered: t.Answered, Failed: t.Failed,
		ByStatus: map[string]int64{}, ByReason: map[string]int64{}}
	if t.Skipped > 0 || t.Behind {
		rp.Traffic.Warning = fmt.Sprintf("the generator could not keep the rate at this speed (%d arrivals skipped): lower --speed", t.Skipped)
	}
	for code, n := range t.ByStatus {
		rp.Traffic.ByStatus[strconv.Itoa(code)] = n
	}
	for reason, n := range t.ByReason {
		rp.Traffic.ByReason[reason] = n
	}
	var lat []time.Duration
	for _, a := range d.Answers {
		if a.Phase == i && a.Err == "" {
			lat = append(lat, a.Latency)
		}
	}
	rp.Traffic.P50 = report.Duration(percentile(lat, 50))
	rp.Traffic.P99 = report.Duration(percentile(lat, 99))
	for _, f := range pe.Snapshot.Frontends {
		rf := report.Frontend{Name: f.Name, Requests: f.Requests, Denied: f.Denied + f.ConnDenied, Rules: []report.Rule{}}
		if f.Mode == proxy.TCP {
			rf.Requests = f.ConnTotal
		}
		for _, group := range [][]proxy.RuleStats{f.TCPRules, f.HTTPRules, f.UseBackends} {
			for _, r := range group {
				rf.Rules = append(rf.Rules, report.Rule{Text: r.Text, Hits: r.Hits})
			}
		}
		rp.Frontends = append(rp.Frontends, rf)
	}
	for _, b := range pe.Snapshot.Backends {
		rp.Backends = append(rp.Backends, buildBackend(d, i, b))
	}
	return rp
}

// buildBackend counts a phase's requests per server from the log (so a
// server removed during the phase still shows), with the peaks and errors
// of the proxy's counters.
func buildBackend(d *Data, i int, b lab.Backend) report.Backend {
	rb := report.Backend{Name: b.Name, Mode: b.Mode.String(), Balance: b.Algo, HashType: b.HashType}
	durs := map[string][]time.Duration{}
	var order []string
	for _, s := range b.Servers {
		order = append(order, s.Name)
	}
	for _, r := range d.Records {
		if r.Phase != i || r.Backend != b.Name || r.Server == "" {
			continue
		}
		if _, ok := durs[r.Server]; !ok && !containsStr(order, r.Server) {
			order = append(order, r.Server)
		}
		durs[r.Server] = append(durs[r.Server], r.Duration)
		rb.Total++
	}
	for _, name := range order {
		rs := report.Server{Name: name, Requests: int64(len(durs[name])),
			P50: report.Duration(percentile(durs[name], 50)), P99: report.Duration(percentile(durs[name], 99))}
		for _, s := range b.Servers {
			if s.Name == name {
				rs.App, rs.MaxInFlight, rs.Errors = s.App, s.Max, s.Errors
			}
		}
		if rb.Total > 0 {
			rs.Share = float64(rs.Requests) / float64(rb.Total)
		}
		rb.Servers = append(rb.Servers, rs)
	}
	return rb
}

// buildEvents lists what happened, from the lab's event list (the
// runner's counter resets left out), with the timeline events the phases
// ended before.
func buildEvents(d *Data) []report.Event {
	var out []report.Event
	for _, e := range d.End.Events {
		if e.Text == "counters reset" || e.Time.Before(d.Start) {
			continue
		}
		out = append(out, report.Event{At: report.Duration(e.Time.Sub(d.Start)), Text: e.Text})
	}
	for _, pe := range d.Phases {
		for _, pl := range pe.Played {
			if pl.Skip {
				out = append(out, report.Event{At: report.Duration(pe.End.Sub(d.Start)),
					Text: fmt.Sprintf("timeline %s not played: the phase ended first", d.Scenario.AtString(pl.Event))})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	if out == nil {
		out = []report.Event{}
	}
	return out
}

// seriesSteps are the chart steps tried, smallest first; the first that
// fits the run in maxPoints is used.
var seriesSteps = []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second,
	30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour}

const maxPoints = 60

// buildSeries charts the backends where balancing happens: two servers or
// more, and traffic.
func buildSeries(d *Data) []report.Series {
	total := d.End.Time.Sub(d.Start)
	step := seriesSteps[len(seriesSteps)-1]
	for _, s := range seriesSteps {
		if int((total+s-1)/s) <= maxPoints {
			step = s
			break
		}
	}
	n := max(int((total+step-1)/step), 1)
	counts := map[string]int{}
	for _, r := range d.Records {
		if r.Server != "" {
			counts[r.Backend]++
		}
	}
	out := []report.Series{}
	for _, b := range d.End.Backends {
		if counts[b.Name] > 0 && len(serverOrder(d, b)) >= 2 {
			out = append(out, seriesOf(d, b, step, n))
		}
	}
	return out
}

// serverOrder is the backend's servers at the end, then those removed.
func serverOrder(d *Data, b lab.Backend) []string {
	var order []string
	for _, s := range b.Servers {
		order = append(order, s.Name)
	}
	for _, r := range d.Records {
		if r.Backend == b.Name && r.Server != "" && !containsStr(order, r.Server) {
			order = append(order, r.Server)
		}
	}
	return order
}

func seriesOf(d *Data, b lab.Backend, step time.Duration, n int) report.Series {
	s := report.Series{Backend: b.Name, Step: report.Duration(step)}
	for i, pe := range d.Phases {
		s.Phases = append(s.Phases, report.PhaseMark{Name: d.Scenario.Phases[i].Name, At: report.Duration(pe.Start.Sub(d.Start))})
	}
	bucket := func(at time.Duration) int { return min(max(int(at/step), 0), n-1) }
	totals := make([]int, n)
	per := map[string][]int{}
	for _, r := range d.Records {
		if r.Backend != b.Name || r.Server == "" || r.Phase >= len(d.Phases) {
			continue
		}
		k := bucket(d.Phases[r.Phase].Start.Sub(d.Start) + r.At)
		totals[k]++
		if per[r.Server] == nil {
			per[r.Server] = make([]int, n)
		}
		per[r.Server][k]++
	}
	for _, name := range serverOrder(d, b) {
		line := report.ServerLine{Name: name, Share: make(report.Points, n), InFlight: make(report.Points, n)}
		for k := range n {
			line.Share[k] = math.NaN()
			if totals[k] > 0 {
				line.Share[k] = 0
				if per[name] != nil {
					line.Share[k] = float64(per[name][k]) / float64(totals[k])
				}
			}
			line.InFlight[k] = math.NaN()
		}
		for _, sm := range d.Samples {
			k := bucket(sm.At)
			v := float64(sm.Cur[b.Name][name])
			if math.IsNaN(line.InFlight[k]) || v > line.InFlight[k] {
				line.InFlight[k] = v
			}
		}
		prev := 0.0
		for k := range n {
			if math.IsNaN(line.InFlight[k]) {
				line.InFlight[k] = prev // no sample in this step: as before
			}
			prev = line.InFlight[k]
		}
		s.Servers = append(s.Servers, line)
	}
	return s
}

// percentile is the nearest-rank percentile of ds (0 for none).
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(k, 0), len(s)-1)]
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

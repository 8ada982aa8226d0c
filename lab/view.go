package lab

import (
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/lab/metrics"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
)

// seriesSeconds is how much history a snapshot carries: the graphs show
// the last minute.
const seriesSeconds = 60

// Snapshot returns one consistent picture of the lab.
func (l *Lab) Snapshot() Snapshot {
	now := l.clk.Now()
	l.mu.Lock()
	started, p, gen := l.started, l.proxy, l.gen
	appList := append([]*apps.App(nil), l.apps...)
	appOf := make(map[string]string, len(l.appOf))
	for k, v := range l.appOf {
		appOf[k] = v
	}
	l.mu.Unlock()
	snap := Snapshot{Name: l.opts.Name, Title: l.opts.Title, Notes: l.opts.Notes,
		Time: now, Speed: l.clk.Speed(), Window: Window}
	if !started.IsZero() {
		snap.Elapsed = now.Sub(started)
	}
	if p != nil {
		st := p.Stats()
		for _, f := range st.Frontends {
			snap.Frontends = append(snap.Frontends, Frontend{FrontendStats: f})
		}
		for _, b := range st.Backends {
			snap.Backends = append(snap.Backends, l.backendView(p, b, appOf))
		}
	}
	for _, a := range appList {
		snap.Apps = append(snap.Apps, appView(a))
	}
	if gen != nil {
		snap.Traffic = trafficView(gen.Stats())
	}
	if l.obs != nil {
		snap.Events = l.obs.eventList()
	}
	return snap
}

func (l *Lab) backendView(p *proxy.Proxy, b proxy.BackendStats, appOf map[string]string) Backend {
	spec, _ := p.Balance(b.Name)
	// 5xx sent: a failed connection already ends in a 503, so econ is not
	// added again
	bv := Backend{Name: b.Name, Mode: b.Mode, Balance: spec, Algo: b.Balance, HashType: b.HashType,
		Status: b.Status, QCur: b.QCur, Errors: b.Status[4]}
	w := int(Window / time.Second)
	var recentTotal int64
	recent := make([]int64, len(b.Servers))
	ms := make([]*serverMetrics, len(b.Servers))
	for i, s := range b.Servers {
		_, m := l.obs.server(b.Name, s.Name)
		ms[i] = m
		bv.Total += s.Total
		for _, v := range m.reqs.Values(w) {
			recent[i] += v
		}
		recentTotal += recent[i]
		bv.RPS += m.reqs.Rate(w)
	}
	for i, s := range b.Servers {
		sv := Server{ServerStats: s, Backend: b.Name, App: appOf[s.Addr], RPS: ms[i].reqs.Rate(w),
			Latency: latencyView(ms[i].latency.Snapshot()), Errors: s.Status5[4] + s.ConnErr}
		if bv.Total > 0 {
			sv.Share = float64(s.Total) / float64(bv.Total)
		}
		if recentTotal > 0 {
			sv.RecentShare = float64(recent[i]) / float64(recentTotal)
		}
		sv.ConnSeries = floats(ms[i].conns.Values(seriesSeconds))
		sv.RPSSeries = floats(ms[i].reqs.Values(seriesSeconds))
		bv.Servers = append(bv.Servers, sv)
	}
	return bv
}

func floats(v []int64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func latencyView(s metrics.LatencySnapshot) Latency {
	return Latency{Count: s.Count, P50: s.P50, P90: s.P90, P99: s.P99, Max: s.Max, Mean: s.Mean}
}

func appView(a *apps.App) App {
	st := a.Stats()
	return App{Name: st.Name, Addr: st.Addr, Running: st.Running, Delay: st.Behaviour.Delay,
		Jitter: st.Behaviour.Jitter, ErrorRate: st.Behaviour.ErrorRate, Profile: string(st.Behaviour.Profile),
		Total: st.Served, InFlight: st.InFlight, MaxInFlight: st.MaxInFlight, Latency: latencyView(st.Latency)}
}

func trafficView(st traffic.Stats) Traffic {
	t := Traffic{Enabled: true, Paused: st.Paused, Mode: "closed", Rate: st.TargetRate, Clients: st.Clients,
		Sent: st.Sent, Answered: st.Answered, Failed: st.Failed, InFlight: st.InFlight,
		AchievedRate: st.RecentRate, Behind: st.Behind, Note: st.Message,
		MeanRate: st.AchievedRate, Skipped: st.Skipped,
		ByStatus: map[int]int64{}, ByReason: map[string]int64{}}
	if st.Open {
		t.Mode = "open"
	}
	for _, c := range st.Status.Codes {
		t.ByStatus[c.Code] = c.Count
	}
	for _, r := range st.Reasons {
		t.ByReason[r.Key] = r.Count
	}
	return t
}

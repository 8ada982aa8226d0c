package tui

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// fakeLab is a Lab whose snapshot is fixed data (no clock, no randomness),
// which records every command and applies the simple ones to its
// snapshot, so tests see both the call and its effect on screen.
type fakeLab struct {
	mu    sync.Mutex
	snap  lab.Snapshot
	place map[string]lab.Placement
	logs  []string
	calls []string
	errs  map[string]error // by method name
	added int
}

func (f *fakeLab) record(format string, args ...any) error {
	call := fmt.Sprintf(format, args...)
	f.calls = append(f.calls, call)
	name, _, _ := strings.Cut(call, " ")
	return f.errs[name]
}

// Calls is what the dashboard asked so far.
func (f *fakeLab) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeLab) setErr(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.errs == nil {
		f.errs = map[string]error{}
	}
	f.errs[method] = err
}

func (f *fakeLab) Snapshot() lab.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneSnapshot(f.snap)
}

// cloneSnapshot copies the slices the dashboard keeps, as the real lab's
// snapshots share nothing with the lab.
func cloneSnapshot(s lab.Snapshot) lab.Snapshot {
	s.Backends = append([]lab.Backend(nil), s.Backends...)
	for i := range s.Backends {
		s.Backends[i].Servers = append([]lab.Server(nil), s.Backends[i].Servers...)
	}
	s.Apps = append([]lab.App(nil), s.Apps...)
	s.Frontends = append([]lab.Frontend(nil), s.Frontends...)
	s.Events = append([]lab.Event(nil), s.Events...)
	return s
}

func (f *fakeLab) Placement(backend string) (lab.Placement, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.errs["Placement"]; err != nil {
		return lab.Placement{}, err
	}
	p, ok := f.place[backend]
	if !ok {
		return lab.Placement{}, fmt.Errorf("no placement for %s", backend)
	}
	return p, nil
}

func (f *fakeLab) Logs(n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n > len(f.logs) {
		n = len(f.logs)
	}
	return append([]string(nil), f.logs[len(f.logs)-n:]...)
}

func (f *fakeLab) backend(name string) *lab.Backend {
	for i := range f.snap.Backends {
		if f.snap.Backends[i].Name == name {
			return &f.snap.Backends[i]
		}
	}
	return nil
}

func (f *fakeLab) server(be, srv string) *lab.Server {
	if b := f.backend(be); b != nil {
		for i := range b.Servers {
			if b.Servers[i].Name == srv {
				return &b.Servers[i]
			}
		}
	}
	return nil
}

func (f *fakeLab) app(name string) *lab.App {
	for i := range f.snap.Apps {
		if f.snap.Apps[i].Name == name {
			return &f.snap.Apps[i]
		}
	}
	return nil
}

func (f *fakeLab) SetAlgo(backend string, spec balance.Spec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SetAlgo %s %s %s", backend, spec.String(), spec.Hash.String()); err != nil {
		return err
	}
	if b := f.backend(backend); b != nil {
		b.Balance = spec
		b.Algo = strings.TrimPrefix(spec.String(), "balance ")
		b.HashType = strings.TrimPrefix(spec.Hash.String(), "hash-type ")
	}
	return nil
}

func (f *fakeLab) SetWeight(backend, server string, w int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SetWeight %s %s %d", backend, server, w); err != nil {
		return err
	}
	if s := f.server(backend, server); s != nil {
		s.Weight = w
	}
	return nil
}

func (f *fakeLab) SetState(backend, server string, st proxy.AdminState) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SetState %s %s %s", backend, server, stateWords[st]); err != nil {
		return err
	}
	if s := f.server(backend, server); s != nil {
		s.Status = [...]string{"UP", "DRAIN", "MAINT"}[st]
	}
	return nil
}

func (f *fakeLab) StopApp(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("StopApp %s", name); err != nil {
		return err
	}
	if a := f.app(name); a != nil {
		a.Running = false
	}
	// the health checks' verdict, at once
	for bi := range f.snap.Backends {
		for si := range f.snap.Backends[bi].Servers {
			if s := &f.snap.Backends[bi].Servers[si]; s.App == name {
				s.Status, s.CheckStatus, s.Usable = "DOWN", "L4CON", false
			}
		}
	}
	return nil
}

func (f *fakeLab) StartApp(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("StartApp %s", name); err != nil {
		return err
	}
	if a := f.app(name); a != nil {
		a.Running = true
	}
	return nil
}

func (f *fakeLab) SetAppDelay(name string, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SetAppDelay %s %s", name, d); err != nil {
		return err
	}
	if a := f.app(name); a != nil {
		a.Delay = d
	}
	return nil
}

func (f *fakeLab) AddServer(backend string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("AddServer %s", backend); err != nil {
		return "", err
	}
	b := f.backend(backend)
	if b == nil {
		return "", fmt.Errorf("no backend %s", backend)
	}
	n := len(b.Servers) + 1
	name := "server" + strconv.Itoa(n)
	b.Servers = append(b.Servers, lab.Server{ServerStats: proxy.ServerStats{
		Name: name, ID: n, Index: n - 1, Status: "UP", Usable: true, Weight: 1,
		Addr: "127.0.0.1:" + strconv.Itoa(5000+n)}, Backend: backend, App: "app" + strconv.Itoa(n)})
	f.snap.Apps = append(f.snap.Apps, lab.App{Name: "app" + strconv.Itoa(n), Running: true})
	return name, nil
}

func (f *fakeLab) RemoveServer(backend, server string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("RemoveServer %s %s", backend, server); err != nil {
		return err
	}
	b := f.backend(backend)
	if b == nil {
		return fmt.Errorf("no backend %s", backend)
	}
	if len(b.Servers) == 1 {
		return errors.New("it is the last server of " + backend)
	}
	for i := range b.Servers {
		if b.Servers[i].Name == server {
			b.Servers = append(b.Servers[:i:i], b.Servers[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("no server %s", server)
}

func (f *fakeLab) SetRate(r float64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SetRate %g", r); err != nil {
		return err
	}
	f.snap.Traffic.Rate = r
	return nil
}

func (f *fakeLab) SetClients(n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("SetClients %d", n); err != nil {
		return err
	}
	f.snap.Traffic.Clients = n
	return nil
}

func (f *fakeLab) Pause() {
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = f.record("Pause")
	f.snap.Traffic.Paused = true
}

func (f *fakeLab) Resume() {
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = f.record("Resume")
	f.snap.Traffic.Paused = false
}

func (f *fakeLab) ResetCounters() {
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = f.record("ResetCounters")
}

// Fixture data.

var fixedTime = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// trioLab is the default lab at a fixed moment: Ep 6's three apps behind
// roundrobin, app1 and app3 slow, steady traffic.
func trioLab() *fakeLab {
	return labWith(3, 10, 20)
}

// labWith builds a one-backend lab of n servers at rate requests/s with
// the given number of log lines; every value is derived from the indexes,
// so two calls give the same lab.
func labWith(n int, rate float64, logLines int) *fakeLab {
	s := lab.Snapshot{
		Name: "default", Title: "Ep 6: three apps, app1 and app3 answer after 5 s",
		Notes:   "Round robin gives each app the same number of requests, whatever they take to answer.\n\nSwitch to leastconn (3) and watch app2, the fast one, take most of the traffic.",
		Time:    fixedTime,
		Elapsed: 83 * time.Second, Speed: 1, Window: 10 * time.Second,
	}
	s.Frontends = []lab.Frontend{{FrontendStats: proxy.FrontendStats{
		Name: "http_front", Mode: proxy.HTTP, Binds: []string{"127.0.0.1:8080"},
		Requests: int64(rate * 83), ConnTotal: int64(rate * 83),
		Status: proxy.StatusCounts{0, int64(rate*83) - 3, 0, 0, 3, 0}}}}
	b := lab.Backend{Name: "servers", Mode: proxy.HTTP, Balance: balance.Spec{Algo: balance.RoundRobin},
		Algo: "roundrobin", HashType: "map-based", RPS: rate, Total: int64(rate * 83), Errors: 3,
		Status: proxy.StatusCounts{0, int64(rate*83) - 3, 0, 0, 3, 0}}
	pl := lab.Placement{Backend: "servers", Kind: balance.Sequence}
	for i := 0; i < n; i++ {
		name, app := "server"+strconv.Itoa(i+1), "app"+strconv.Itoa(i+1)
		slow := i%2 == 0
		total := int64(rate * 83 / float64(n))
		srv := lab.Server{ServerStats: proxy.ServerStats{
			Name: name, Addr: "127.0.0.1:" + strconv.Itoa(5001+i), ID: i + 1, Index: i,
			Status: "UP", Usable: true, Weight: 1, Checked: true, CheckStatus: "L7OK", CheckCode: 200,
			Total: total, LbTot: total, Max: int64(5 * rate / float64(n)),
		}, Backend: "servers", App: app, Share: 1 / float64(n), RecentShare: 1 / float64(n),
			RPS: rate / float64(n)}
		if slow {
			srv.Cur = int64(5 * rate / float64(n))
			srv.Latency = lab.Latency{Count: total, P50: 5 * time.Second, P90: 5 * time.Second, P99: 5010 * time.Millisecond, Max: 5020 * time.Millisecond, Mean: 5 * time.Second}
		} else {
			srv.Latency = lab.Latency{Count: total, P50: 400 * time.Microsecond, P90: 900 * time.Microsecond, P99: 2 * time.Millisecond, Max: 3 * time.Millisecond, Mean: 500 * time.Microsecond}
		}
		if i == 1 {
			srv.Errors = 3
		}
		for t := 0; t < 60; t++ {
			conns := 0.0
			if slow {
				conns = math.Min(float64(t), 5) * rate / float64(n)
			}
			srv.ConnSeries = append(srv.ConnSeries, conns)
			srv.RPSSeries = append(srv.RPSSeries, rate/float64(n)+float64((t*7+i*3)%5))
		}
		b.Servers = append(b.Servers, srv)
		delay := time.Duration(0)
		if slow {
			delay = 5 * time.Second
		}
		s.Apps = append(s.Apps, lab.App{Name: app, Addr: srv.Addr, Running: true, Delay: delay, Total: total})
		pl.Servers = append(pl.Servers, name)
	}
	for i := 0; i < 12; i++ {
		pl.Next = append(pl.Next, i%n)
	}
	s.Backends = []lab.Backend{b}
	s.Traffic = lab.Traffic{Enabled: true, Mode: "open", Rate: rate, Clients: 10, Sent: int64(rate * 83),
		Answered: int64(rate*83) - 5, Failed: 2, InFlight: 3, AchievedRate: rate,
		ByStatus: map[int]int64{200: int64(rate*83) - 8, 503: 3},
		ByReason: map[string]int64{"timeout": 1, "refused": 1}}
	s.Events = []lab.Event{{Time: fixedTime.Add(-80 * time.Second), Text: "lab started: 3 apps, roundrobin"},
		{Time: fixedTime.Add(-2 * time.Second), Text: "server2 is UP (L7OK)"}}
	f := &fakeLab{snap: s, place: map[string]lab.Placement{"servers": pl}}
	for i := 0; i < logLines; i++ {
		si := i % n
		ta := 5001
		if si%2 == 1 {
			ta = 1
		}
		status := 200
		if i%37 == 36 {
			status = 503
		}
		f.logs = append(f.logs, fmt.Sprintf("127.0.%d.%d:%d [14/Mar/2025:15:08:%02d.%03d] http_front servers/server%d 0/0/0/%d/%d %d 187 - - ---- %d/%d/%d/%d/0 0/0 \"GET /?id=%d HTTP/1.1\"",
			i%4, 10+i%50, 40000+i, i%60, (i*37)%1000, si+1, ta-1, ta, status, 12, 12, 12, 4, i))
	}
	return f
}

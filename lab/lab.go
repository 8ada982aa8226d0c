package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/lab/clock"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// Lab is a running lab. Its methods are safe for concurrent use.
type Lab struct {
	opts    Options
	clk     *clock.Clock
	cfg     *proxy.Config
	front   *proxy.Frontend // the first frontend that listens: --listen, traffic and curl go there
	notesMu sync.Mutex
	notes   []string
	target  string // the first frontend's address, for the generator

	mu      sync.Mutex // guards apps, appOf, proxy, gen, genCfg, started, moved and closed
	apps    []*apps.App
	appOf   map[string]string // server address -> app name
	proxy   *proxy.Proxy
	gen     *traffic.Generator
	genCfg  *traffic.Config
	started time.Time // lab time of the start or last reset
	moved   map[string]*Moved

	obs *observer

	stop   context.CancelFunc
	bg     sync.WaitGroup
	closed bool
}

// ErrAddrInUse says an address the lab must listen on is taken.
var ErrAddrInUse = errors.New("address in use")

// New checks the options and builds the lab without starting anything.
func New(o Options) (*Lab, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	l := &Lab{opts: o, clk: clock.New(o.Speed), moved: map[string]*Moved{}}
	defaultLab := o.Config == nil
	var cfg *proxy.Config
	if defaultLab {
		cfg = defaultConfig(o.Apps)
	} else {
		cfg = o.Config.Clone() // the caller's config stays as written, for a second lab
	}
	if err := applyOverrides(cfg, &o); err != nil {
		return nil, err
	}
	if err := l.mapBinds(cfg); err != nil {
		return nil, err
	}
	refs, err := findApps(cfg, o.AppNames)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		b := defaultBehaviour(r.name, defaultLab, r.tcp)
		if ob, ok := o.Behaviour[r.name]; ok {
			b = ob
		}
		if d, ok := o.Delays[r.name]; ok {
			b.Delay = d
		}
		a, err := apps.New(apps.Config{Name: r.name, Addr: r.addr, Behaviour: b, Clock: l.clk, SeriesSeconds: HistorySeconds})
		if err != nil {
			return nil, fmt.Errorf("app %s: %v", r.name, err)
		}
		l.apps = append(l.apps, a)
	}
	for name := range o.Delays {
		if l.app(name) == nil {
			return nil, fmt.Errorf("--delay %s: no such app (the lab has %s)", name, l.appNames())
		}
	}
	l.cfg = cfg
	if o.Traffic != nil {
		if err := l.checkTraffic(*o.Traffic); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// checkTraffic validates a traffic config as the generator will, without
// starting anything, so a bad one is refused before any app listens.
func (l *Lab) checkTraffic(tc traffic.Config) error {
	tc.Target = "127.0.0.1:1" // not dialled: traffic.New only checks
	_, err := traffic.New(tc)
	return err
}

// mapBinds runs every frontend on loopback, --listen on the first frontend
// that has a bind (a frontend without one, which HAProxy accepts, serves
// nothing). Two binds that would land on one address are an error.
func (l *Lab) mapBinds(cfg *proxy.Config) error {
	used := map[string]string{}
	for _, f := range cfg.Frontends {
		for j, b := range f.Binds {
			to, err := loopbackBind(b)
			if err != nil {
				return &ConfigError{Frontend: f.Name, Bind: j, Msg: fmt.Sprintf("frontend %s: %v", f.Name, err)}
			}
			if l.front == nil {
				l.front = f
				if l.opts.Listen != "" {
					to = l.opts.Listen
				}
			}
			if other, dup := used[to]; dup && !strings.HasSuffix(to, ":0") {
				return &ConfigError{Frontend: f.Name, Bind: j, Msg: fmt.Sprintf("frontend %s: bind %s would run on %s, as %s already does; give them distinct ports", f.Name, b, to, other)}
			}
			used[to] = fmt.Sprintf("frontend %s (bind %s)", f.Name, b)
			if to != b {
				l.note(fmt.Sprintf("frontend %s: bind %s runs on %s", f.Name, b, to))
			}
			f.Binds[j] = to
		}
	}
	if l.front == nil {
		return fmt.Errorf("no frontend has a bind line: nothing would listen")
	}
	return nil
}

// note records something the user should know about how the lab runs;
// notes are printed (Options.Out) and listed as events once it started.
func (l *Lab) note(s string) {
	l.notesMu.Lock()
	l.notes = append(l.notes, s)
	l.notesMu.Unlock()
}

// announceNotes tells what the lab said while starting, now that it runs.
func (l *Lab) announceNotes() {
	for _, n := range l.Notes() {
		if l.opts.Out != nil {
			fmt.Fprintln(l.opts.Out, n)
		}
		l.event("%s", n)
	}
}

// Notes returns what the lab said while starting (binds mapped, apps moved).
func (l *Lab) Notes() []string {
	l.notesMu.Lock()
	defer l.notesMu.Unlock()
	return append([]string(nil), l.notes...)
}

// trafficConfig is the generator's config, nil without traffic.
func (l *Lab) trafficConfig() *traffic.Config {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.genCfg
}

// Clock returns the lab's clock.
func (l *Lab) Clock() *clock.Clock { return l.clk }

// appList is a copy of the apps, taken under the lock: servers added and
// removed at run time change the list.
func (l *Lab) appList() []*apps.App {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*apps.App(nil), l.apps...)
}

// app finds an app by name; the lock is held (or the lab not started).
func (l *Lab) app(name string) *apps.App {
	for _, a := range l.apps {
		if a.Name() == name {
			return a
		}
	}
	return nil
}

func (l *Lab) appNames() string {
	var ns []string
	for _, a := range l.apps {
		ns = append(ns, a.Name())
	}
	if len(ns) == 0 {
		return "no apps"
	}
	return strings.Join(ns, ", ")
}

// Start starts the apps, the proxy and the traffic. On error nothing is
// left running.
func (l *Lab) Start() (err error) {
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	if err := l.startApps(); err != nil {
		return err
	}
	l.obs = newObserver(l.clk)
	onLog := l.obs.record
	if extra := l.opts.OnLog; extra != nil {
		onLog = func(r *proxy.LogRecord) { l.obs.record(r); extra(r) }
	}
	p, err := proxy.New(l.cfg, proxy.Options{Clock: l.clk, OnLog: onLog, OnEvent: l.obs.event})
	if err != nil {
		return err
	}
	if err := p.Start(); err != nil {
		var ae *proxy.AddrInUseError
		if errors.As(err, &ae) && errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w: %s is taken (frontend %s); choose another address with --listen", ErrAddrInUse, ae.Addr, ae.Frontend)
		}
		return err
	}
	l.mu.Lock()
	l.proxy = p
	l.target = p.Addrs(l.front.Name)[0]
	if strings.HasSuffix(l.front.Binds[0], ":0") {
		l.note(fmt.Sprintf("frontend %s listens on %s", l.front.Name, l.target)) // the port the OS chose
	}
	l.started = l.clk.Now()
	l.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	l.stop = cancel
	l.bg.Add(1)
	go l.sample(ctx)
	if l.opts.Traffic != nil {
		if err := l.startTraffic(*l.opts.Traffic); err != nil {
			return err
		}
	}
	l.announceNotes()
	return nil
}

// startApps starts every app on its address, or on a free port when the
// address is taken, and points the servers at where the apps listen.
func (l *Lab) startApps() error {
	l.appOf = map[string]string{}
	moved := map[string]string{}
	for _, a := range l.apps {
		was := a.PreferredAddr()
		m, err := a.StartOrMove()
		if err != nil {
			return fmt.Errorf("app %s on %s: %v", a.Name(), was, err)
		}
		if m {
			l.note(fmt.Sprintf("%s: %s is taken, listening on %s", a.Name(), was, a.Addr()))
		}
		moved[a.Name()] = a.Addr()
	}
	for _, b := range l.cfg.Backends {
		for _, s := range b.Servers {
			host, _, _ := net.SplitHostPort(s.Addr)
			if addr, ok := moved[host]; ok {
				s.Addr = addr
				l.appOf[addr] = host
			}
		}
	}
	return nil
}

// StartTraffic replaces the traffic with a new generator against the first
// frontend (a scenario's next phase); the one running is stopped first.
func (l *Lab) StartTraffic(tc traffic.Config) error {
	if _, err := l.running(); err != nil {
		return err
	}
	l.StopTraffic()
	return l.startTraffic(tc)
}

// StopTraffic stops the generator, if any, cutting what is in flight; its
// final accounting stays in the snapshot until the next StartTraffic.
func (l *Lab) StopTraffic() {
	if g := l.Generator(); g != nil {
		g.Stop()
	}
}

// startTraffic starts a generator against the first frontend.
func (l *Lab) startTraffic(tc traffic.Config) error {
	tc.Target = l.target
	tc.Clock = l.clk
	if l.front.Mode == proxy.TCP && tc.Mode == traffic.HTTP {
		tc.Mode = traffic.TCP
		if tc.TCP.Payload == "" {
			tc.TCP.Payload = "GET / HTTP/1.0\r\n\r\n" // Ep 2 proxies HTTP over TCP
		}
	}
	if tc.SeriesSeconds == 0 {
		tc.SeriesSeconds = HistorySeconds
	}
	g, err := traffic.New(tc)
	if err != nil {
		return err
	}
	if err := g.Start(); err != nil {
		return err
	}
	for _, w := range g.Stats().Warnings {
		l.note("traffic: " + w)
	}
	l.mu.Lock()
	l.gen, l.genCfg = g, &tc
	l.mu.Unlock()
	return nil
}

// Close stops the traffic, the proxy and the apps, and returns when every
// goroutine of the lab has ended. It is safe to call more than once.
func (l *Lab) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	gen, p := l.gen, l.proxy
	l.mu.Unlock()
	if l.stop != nil {
		l.stop()
	}
	if gen != nil {
		gen.Stop()
	}
	if p != nil {
		p.Close()
	}
	var wg sync.WaitGroup
	for _, a := range l.appList() {
		wg.Add(1)
		go func() { defer wg.Done(); a.Close() }()
	}
	wg.Wait()
	l.bg.Wait()
}

// Proxy returns the running proxy (for its address, stats and logs).
func (l *Lab) Proxy() *proxy.Proxy {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.proxy
}

// Addr is the first frontend's address: where to curl.
func (l *Lab) Addr() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.target
}

// Generator returns the traffic generator, nil when there is no traffic.
func (l *Lab) Generator() *traffic.Generator {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gen
}

// Done is closed when the traffic's own bound (duration or count) is
// reached; nil when there is no traffic.
func (l *Lab) Done() <-chan struct{} {
	if g := l.Generator(); g != nil {
		return g.Done()
	}
	return nil
}

// Backends returns the backends' names in declaration order.
func (l *Lab) Backends() []string {
	var out []string
	for _, b := range l.cfg.Backends {
		out = append(out, b.Name)
	}
	return out
}

// Config returns the lab's config as it was started (addresses as the lab
// resolved them); runtime changes are in Snapshot, not here.
func (l *Lab) Config() *proxy.Config { return l.cfg }

// errNotStarted is returned by commands before Start.
var errNotStarted = errors.New("the lab is not running")

func (l *Lab) running() (*proxy.Proxy, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.proxy == nil || l.closed {
		return nil, errNotStarted
	}
	return l.proxy, nil
}

// event records a lab change for the dashboard's and reports' event list.
func (l *Lab) event(format string, args ...any) {
	if l.obs != nil {
		l.obs.addEvent(l.clk.Now(), fmt.Sprintf(format, args...))
	}
}

// SetAlgo switches a backend's algorithm (hash type included) and records
// how many sample keys moved.
func (l *Lab) SetAlgo(backend string, spec balance.Spec) error {
	p, err := l.running()
	if err != nil {
		return err
	}
	what := "balance " + spec.Args()
	if cur, err := p.Balance(backend); err == nil {
		if only := cur; only.Hash != spec.Hash {
			only.Hash = spec.Hash
			if only == spec {
				what = "hash-type " + spec.Hash.Args()
			}
		}
	}
	return l.change(backend, what, func() error {
		if err := p.SetBalance(backend, spec); err != nil {
			return err
		}
		l.event("%s: balance %s, hash-type %s", backend, spec.Args(), spec.Hash.Args())
		return nil
	})
}

// SetWeight is "set server BE/SRV weight W".
func (l *Lab) SetWeight(backend, server string, w int) error {
	p, err := l.running()
	if err != nil {
		return err
	}
	return l.change(backend, fmt.Sprintf("%s weight %d", server, w), func() error {
		if err := p.SetWeight(backend, server, w); err != nil {
			return err
		}
		l.event("%s/%s: weight %d", backend, server, w)
		return nil
	})
}

// SetState is "set server BE/SRV state ready|drain|maint".
func (l *Lab) SetState(backend, server string, st proxy.AdminState) error {
	p, err := l.running()
	if err != nil {
		return err
	}
	name := [...]string{"ready", "drain", "maint"}[st]
	return l.change(backend, server+" "+name, func() error {
		if err := p.SetState(backend, server, st); err != nil {
			return err
		}
		l.event("%s/%s: state %s", backend, server, name)
		return nil
	})
}

// StopApp stops an app like a stopped container: connections are refused
// and health checks notice.
func (l *Lab) StopApp(name string) error {
	a, err := l.findApp(name)
	if err != nil {
		return err
	}
	a.Stop()
	l.event("%s stopped", name)
	return nil
}

// StartApp starts a stopped app again on its address.
func (l *Lab) StartApp(name string) error {
	a, err := l.findApp(name)
	if err != nil {
		return err
	}
	if a.Running() {
		return nil
	}
	if err := a.Start(); err != nil {
		return err // it names the app and its address
	}
	l.event("%s started", name)
	return nil
}

// SetAppDelay makes an app answer after d (SlowDelay for Ep 6's slow apps,
// 0 for fast).
func (l *Lab) SetAppDelay(name string, d time.Duration) error {
	a, err := l.findApp(name)
	if err != nil {
		return err
	}
	b := a.Behaviour()
	b.Delay = d
	if err := a.SetBehaviour(b); err != nil {
		return err
	}
	l.event("%s answers after %v", name, d)
	return nil
}

func (l *Lab) findApp(name string) (*apps.App, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a := l.app(name); a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("no app %q (the lab has %s)", name, l.appNames())
}

// AddServer starts a new app and adds a server for it to backend, with
// the health-check settings of the backend's first server. It returns the
// new server's name.
func (l *Lab) AddServer(backend string) (string, error) {
	p, err := l.running()
	if err != nil {
		return "", err
	}
	be := l.backendCfg(backend)
	if be == nil {
		return "", fmt.Errorf("no such backend %q", backend)
	}
	l.mu.Lock()
	n := 0
	for _, a := range l.apps {
		if k, err := strconv.Atoi(apps.Number(a.Name())); err == nil && k > n {
			n = k
		}
	}
	name := fmt.Sprintf("app%d", n+1)
	a, err := apps.New(apps.Config{Name: name, Behaviour: defaultBehaviour(name, false, be.Mode == proxy.TCP),
		Clock: l.clk, SeriesSeconds: HistorySeconds})
	if err == nil {
		var m bool
		if m, err = a.StartOrMove(); err == nil && m {
			l.event("%s: %s is taken, listening on %s", name, a.PreferredAddr(), a.Addr())
		}
	}
	if err != nil {
		l.mu.Unlock()
		return "", fmt.Errorf("starting %s: %v", name, err)
	}
	l.apps = append(l.apps, a)
	l.appOf[a.Addr()] = name
	l.mu.Unlock()

	sc := proxy.NewServer(l.freeServerName(p, backend, be, n+1, name), a.Addr())
	if len(be.Servers) > 0 {
		first := be.Servers[0]
		sc.Check, sc.Inter, sc.FastInter, sc.DownInter = first.Check, first.Inter, first.FastInter, first.DownInter
		sc.Rise, sc.Fall = first.Rise, first.Fall
	}
	err = l.change(backend, sc.Name+" added", func() error { return p.AddServer(backend, *sc) })
	if err != nil {
		l.retireApp(a.Addr())
		return "", err
	}
	l.obs.forget(backend, sc.Name) // a server of that name before: its numbers are not this one's
	l.event("%s: %s added (%s on %s)", backend, sc.Name, name, a.Addr())
	return sc.Name, nil
}

// freeServerName follows the backend's naming ("serverN" when its servers
// are named so, else the app's name) and skips names in use.
func (l *Lab) freeServerName(p *proxy.Proxy, backend string, be *proxy.Backend, n int, app string) string {
	used := map[string]bool{}
	for _, b := range p.Stats().Backends {
		if b.Name == backend {
			for _, s := range b.Servers {
				used[s.Name] = true
			}
		}
	}
	serverN := false
	for _, s := range be.Servers {
		serverN = serverN || strings.HasPrefix(s.Name, "server")
	}
	name := app
	for k := n; ; k++ {
		if serverN {
			name = fmt.Sprintf("server%d", k)
		}
		if !used[name] {
			return name
		}
		if !serverN {
			name = fmt.Sprintf("%s-%d", app, k)
			if !used[name] {
				return name
			}
		}
	}
}

func (l *Lab) backendCfg(name string) *proxy.Backend {
	for _, b := range l.cfg.Backends {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// RemoveServer removes a server from a backend (not the last one), and
// stops its app when no other server uses it.
func (l *Lab) RemoveServer(backend, server string) error {
	p, err := l.running()
	if err != nil {
		return err
	}
	var addr string
	for _, b := range p.Stats().Backends {
		for _, s := range b.Servers {
			if b.Name == backend && s.Name == server {
				addr = s.Addr
			}
		}
	}
	if err := l.change(backend, server+" removed", func() error { return p.RemoveServer(backend, server) }); err != nil {
		return err
	}
	l.event("%s: %s removed", backend, server)
	l.retireApp(addr)
	return nil
}

// retireApp closes the app at addr if no server of the running proxy
// points at it any more.
func (l *Lab) retireApp(addr string) {
	if p := l.Proxy(); p != nil {
		for _, b := range p.Stats().Backends {
			for _, s := range b.Servers {
				if s.Addr == addr {
					return
				}
			}
		}
	}
	l.mu.Lock()
	name := l.appOf[addr]
	var gone *apps.App
	for i, a := range l.apps {
		if a.Name() == name {
			gone = a
			l.apps = append(l.apps[:i:i], l.apps[i+1:]...)
			break
		}
	}
	l.mu.Unlock()
	if gone != nil {
		gone.Close()
	}
}

// SetRate changes the open loop's target rate (requests per lab second).
func (l *Lab) SetRate(r float64) error {
	g := l.Generator()
	if g == nil {
		return errors.New("the lab has no traffic (start it with --rate or --clients)")
	}
	if r <= 0 {
		return fmt.Errorf("rate %v: want more than 0 requests/s (pause instead)", r)
	}
	if err := g.SetRate(r); err != nil {
		return err
	}
	l.event("traffic: %v requests/s", r)
	return nil
}

// SetClients changes how many virtual clients send (the first group).
func (l *Lab) SetClients(n int) error {
	g := l.Generator()
	if g == nil {
		return errors.New("the lab has no traffic (start it with --rate or --clients)")
	}
	if n < 1 {
		return fmt.Errorf("clients %d: want at least 1 (pause instead)", n)
	}
	if err := g.SetClients("", n); err != nil {
		return err
	}
	l.event("traffic: %d clients", n)
	return nil
}

// Pause stops sending new requests; those in flight finish.
func (l *Lab) Pause() {
	if g := l.Generator(); g != nil {
		g.Pause()
		l.event("traffic paused")
	}
}

// Resume sends again after Pause.
func (l *Lab) Resume() {
	if g := l.Generator(); g != nil {
		g.Resume()
		l.event("traffic resumed")
	}
}

// ResetCounters clears the proxy's statistics and the lab's measurements;
// what is in flight stays.
func (l *Lab) ResetCounters() {
	p, err := l.running()
	if err != nil {
		return
	}
	p.ResetCounters()
	l.obs.reset()
	for _, a := range l.appList() {
		a.ResetStats()
	}
	l.mu.Lock()
	l.started = l.clk.Now()
	l.mu.Unlock()
	l.event("counters reset")
}

// Logs returns the last n log lines (httplog or tcplog), oldest first.
func (l *Lab) Logs(n int) []string {
	if l.obs == nil {
		return nil
	}
	return l.obs.lines(n)
}

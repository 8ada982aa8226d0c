package lab

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/proxy"
)

// defaultConfig is the default lab: Ep 6's three Flask apps behind
// roundrobin, as the episode's haproxy.cfg has them but for the algorithm,
// plus option forwardfor.
func defaultConfig(n int) *proxy.Config {
	if n <= 0 {
		n = DefaultApps
	}
	be := proxy.NewBackend("servers", proxy.HTTP)
	be.Timeouts = proxy.Timeouts{Connect: 5 * time.Second, Server: 50 * time.Second}
	be.ForwardFor = true
	for i := 1; i <= n; i++ {
		s := proxy.NewServer(fmt.Sprintf("server%d", i), fmt.Sprintf("app%d:%d", i, 5000+i))
		s.Check = true
		be.Servers = append(be.Servers, s)
	}
	fe := &proxy.Frontend{Name: "http_front", Mode: proxy.HTTP, Binds: []string{"*:80"},
		DefaultBackend: "servers", HTTPLog: true, DontLogNull: true, ForwardFor: true,
		Timeouts: proxy.Timeouts{Client: 50 * time.Second}}
	return &proxy.Config{Frontends: []*proxy.Frontend{fe}, Backends: []*proxy.Backend{be}}
}

// defaultBehaviour is how an app answers unless told otherwise: the default
// lab's app1 and app3 are Ep 6's slow apps; an app behind a TCP backend
// answers like Ep 2's.
func defaultBehaviour(name string, defaultLab, tcp bool) apps.Behaviour {
	b := apps.Behaviour{Profile: apps.Flask}
	if tcp {
		b.Profile = apps.TCP
	}
	if defaultLab && (name == "app1" || name == "app3") {
		b.Delay = SlowDelay
	}
	return b
}

var appHost = regexp.MustCompile(`^app[0-9]*$`)

// appRef is one in-process app a config refers to.
type appRef struct {
	name string
	addr string // preferred, 127.0.0.1:PORT
	tcp  bool
}

// findApps collects the servers whose host is a lab app, checks the others
// are real addresses, and returns the apps in order of first use.
func findApps(cfg *proxy.Config, extra []string) ([]appRef, error) {
	isApp := func(h string) bool {
		if appHost.MatchString(h) {
			return true
		}
		for _, e := range extra {
			if e == h {
				return true
			}
		}
		return false
	}
	var refs []appRef
	index := map[string]int{}
	for _, b := range cfg.Backends {
		for _, s := range b.Servers {
			host, port, err := net.SplitHostPort(s.Addr)
			if err != nil {
				return nil, &ConfigError{Backend: b.Name, Server: s.Name, Msg: fmt.Sprintf("backend %s, server %s: address %q: %v", b.Name, s.Name, s.Addr, err)}
			}
			if !isApp(host) {
				if net.ParseIP(host) == nil {
					if _, err := net.LookupHost(host); err != nil {
						return nil, &ConfigError{Backend: b.Name, Server: s.Name, Msg: fmt.Sprintf("backend %s, server %s: %q is neither a lab app (app, app1, app2…) nor a host that resolves", b.Name, s.Name, host)}
					}
				}
				continue
			}
			addr := net.JoinHostPort("127.0.0.1", port)
			if i, ok := index[host]; ok {
				if refs[i].addr != addr {
					return nil, &ConfigError{Backend: b.Name, Server: s.Name, Msg: fmt.Sprintf("backend %s, server %s: app %s is already used at port %s; an app listens on one port", b.Name, s.Name, host, portOf(refs[i].addr))}
				}
				continue
			}
			index[host] = len(refs)
			refs = append(refs, appRef{name: host, addr: addr, tcp: b.Mode == proxy.TCP})
		}
	}
	return refs, nil
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// loopbackBind maps a frontend's bind to the lab's loopback: "*:80",
// ":80" or any address of another host run on 127.0.0.1, and ports below
// 1024 (which need root) 8000 higher: 80 on 8080, 443 on 8443.
func loopbackBind(bind string) (string, error) {
	host, port, err := net.SplitHostPort(bind)
	if err != nil {
		return "", fmt.Errorf("bind %q: %v", bind, err)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return bind, nil
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return "", fmt.Errorf("bind %q: port %q is not a number", bind, port)
	}
	if p > 0 && p < 1024 {
		p += 8000
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
}

// applyOverrides applies the command line's algorithm, hash type and
// weights to the config.
func applyOverrides(cfg *proxy.Config, o *Options) error {
	for _, b := range cfg.Backends {
		if o.Algo != nil {
			ht := b.Balance.Hash
			factor := b.Balance.BalanceFactor
			b.Balance = *o.Algo
			b.Balance.Hash, b.Balance.BalanceFactor = ht, factor
		}
		if o.HashType != nil {
			b.Balance.Hash = *o.HashType
		}
		if b.Mode == proxy.TCP && b.Balance.L7() {
			return &ConfigError{Backend: b.Name, Msg: fmt.Sprintf("--algo %s needs HTTP, but backend %s is in TCP mode (use roundrobin, static-rr, leastconn, first, source or random)", b.Balance.Args(), b.Name)}
		}
		if err := b.Balance.Validate(); err != nil {
			return &ConfigError{Backend: b.Name, Msg: fmt.Sprintf("backend %s: %v", b.Name, err)}
		}
	}
	if len(o.Weights) > 0 {
		if len(cfg.Backends) == 0 {
			return fmt.Errorf("--weights: the config has no backend")
		}
		b := cfg.Backends[0]
		if len(o.Weights) != len(b.Servers) {
			return fmt.Errorf("--weights gives %d weights but backend %s has %d servers", len(o.Weights), b.Name, len(b.Servers))
		}
		for i, w := range o.Weights {
			b.Servers[i].Weight = w
		}
	}
	return nil
}

// Validate checks what the options ask for without starting anything.
func (o *Options) validate() error {
	if o.Speed < 0 {
		return fmt.Errorf("--speed %v: want a positive factor, e.g. 10", o.Speed)
	}
	if o.Listen != "" {
		if _, _, err := net.SplitHostPort(o.Listen); err != nil {
			return fmt.Errorf("--listen %q: want HOST:PORT, e.g. 127.0.0.1:8080", o.Listen)
		}
	}
	if o.Algo != nil {
		if err := o.Algo.Validate(); err != nil {
			return fmt.Errorf("--algo: %v", err)
		}
	}
	return nil
}

// ConfigError is a problem with one line of the config the lab was given
// (a server, a frontend's bind, a backend): it names what the line
// declares, so that whoever holds the file can point at it.
type ConfigError struct {
	Frontend string // the frontend of a bind line
	Bind     int    // which of its binds
	Backend  string // the backend of a server line, or the backend itself
	Server   string // the server, "" for a backend or bind line
	Msg      string
}

func (e *ConfigError) Error() string { return e.Msg }

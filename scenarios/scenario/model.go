package scenario

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
)

// model is what a variant's config declares, for checking the names a
// timeline and expectations use before anything starts.
type model struct {
	backends  []*mBackend
	frontends []*mFrontend
	apps      []string // in-process apps, in order of first use
	tcpApps   []string // apps behind a TCP backend
}

type mBackend struct {
	name    string
	mode    proxy.Mode
	servers []string
}

type mFrontend struct {
	name  string
	mode  proxy.Mode
	rules []string // every rule's canonical text
}

// appHost is the lab's rule for a server host that is an in-process app
// ("app", "app1", …), as lab.New applies it.
var appHost = regexp.MustCompile(`^app[0-9]*$`)

// modelOf reads a config; extra are more app host names.
func modelOf(cfg *proxy.Config, extra []string) *model {
	m := &model{}
	for _, f := range cfg.Frontends {
		mf := &mFrontend{name: f.Name, mode: f.Mode}
		for _, r := range f.TCPConnRules {
			mf.rules = append(mf.rules, r.Text)
		}
		for _, r := range f.HTTPRules {
			mf.rules = append(mf.rules, r.Text)
		}
		for _, r := range f.UseBackends {
			mf.rules = append(mf.rules, r.Text)
		}
		m.frontends = append(m.frontends, mf)
	}
	for _, b := range cfg.Backends {
		mb := &mBackend{name: b.Name, mode: b.Mode}
		for _, s := range b.Servers {
			mb.servers = append(mb.servers, s.Name)
			host, _, err := net.SplitHostPort(s.Addr)
			if err != nil {
				continue
			}
			if !appHost.MatchString(host) && !contains(extra, host) {
				continue
			}
			if !contains(m.apps, host) {
				m.apps = append(m.apps, host)
			}
			if b.Mode == proxy.TCP && !contains(m.tcpApps, host) {
				m.tcpApps = append(m.tcpApps, host)
			}
		}
		m.backends = append(m.backends, mb)
	}
	return m
}

// defaultModel is the default lab's config (no config in the scenario).
func defaultModel() (*model, error) {
	l, err := lab.New(lab.Options{})
	if err != nil {
		return nil, err
	}
	return modelOf(l.Config(), nil), nil
}

func (m *model) backend(name string) *mBackend {
	for _, b := range m.backends {
		if b.name == name {
			return b
		}
	}
	return nil
}

func (m *model) backendNames() string {
	var out []string
	for _, b := range m.backends {
		out = append(out, b.name)
	}
	return strings.Join(out, ", ")
}

func (m *model) frontendNames() string {
	var out []string
	for _, f := range m.frontends {
		out = append(out, f.name)
	}
	return strings.Join(out, ", ")
}

// findServer resolves a server name, in backend be when given, else in the
// one backend that has it.
func (m *model) findServer(be, server string) (*mBackend, error) {
	if be != "" {
		b := m.backend(be)
		if b == nil {
			return nil, fmt.Errorf("found backend %q; expected one of the config's backends: %s", be, m.backendNames())
		}
		if !contains(b.servers, server) {
			return nil, fmt.Errorf("found server %q; expected a server of backend %s: %s", server, be, strings.Join(b.servers, ", "))
		}
		return b, nil
	}
	var found []*mBackend
	var all []string
	for _, b := range m.backends {
		if contains(b.servers, server) {
			found = append(found, b)
		}
		for _, s := range b.servers {
			all = append(all, s)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("found server %q; expected one of the config's servers: %s", server, strings.Join(all, ", "))
	}
	return nil, fmt.Errorf("found server %q, which several backends have; expected a backend: key saying which", server)
}

// addServer predicts the server and app lab.AddServer creates in backend
// b: app "appN+1" after the highest numbered app, and a server named
// "serverN+1" when the backend's servers are named so, else after the app.
func (m *model) addServer(b *mBackend) (server, app string) {
	n := 0
	for _, a := range m.apps {
		if k, err := strconv.Atoi(strings.TrimPrefix(a, "app")); err == nil && k > n {
			n = k
		}
	}
	app = fmt.Sprintf("app%d", n+1)
	server = app
	for _, s := range b.servers {
		if strings.HasPrefix(s, "server") {
			server = fmt.Sprintf("server%d", n+1)
			break
		}
	}
	b.servers = append(b.servers, server)
	m.apps = append(m.apps, app)
	return server, app
}

// frontend finds a frontend, or the first one when name is "".
func (m *model) frontend(name string) *mFrontend {
	for _, f := range m.frontends {
		if name == "" || f.name == name {
			return f
		}
	}
	return nil
}

// normRule compares rule texts by their words, so that spacing does not
// matter.
func normRule(s string) string { return strings.Join(strings.Fields(s), " ") }

// findRule returns the frontend that has the rule.
func (m *model) findRule(fe, text string) (*mFrontend, error) {
	want := normRule(text)
	var all []string
	for _, f := range m.frontends {
		if fe != "" && f.name != fe {
			continue
		}
		for _, r := range f.rules {
			if normRule(r) == want {
				return f, nil
			}
			all = append(all, r)
		}
	}
	if fe != "" && m.frontend(fe) == nil {
		return nil, fmt.Errorf("found frontend %q; expected one of: %s", fe, m.frontendNames())
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("found rule %q; expected a rule of the config, which has none", text)
	}
	return nil, fmt.Errorf("found rule %q; expected one of the config's rules as written: %q", text, all)
}

// clone copies the model, so a timeline's additions do not leak between
// checks.
func (m *model) clone() *model {
	c := &model{frontends: m.frontends, apps: append([]string(nil), m.apps...), tcpApps: m.tcpApps}
	for _, b := range m.backends {
		nb := *b
		nb.servers = append([]string(nil), b.servers...)
		c.backends = append(c.backends, &nb)
	}
	return c
}

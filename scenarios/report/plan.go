package report

import (
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy"
)

// Plan is what a lab would run, for "lblab check": the frontends on their
// loopback addresses, the backends with their algorithms, and each server
// as an in-process app or an external address.
type Plan struct {
	Notes     []string // what the lab changes (binds mapped to loopback)
	Frontends []PlanFrontend
	Backends  []PlanBackend
}

// PlanFrontend is a frontend as the lab would run it.
type PlanFrontend struct {
	Name, Mode     string
	Binds          []string
	Rules          []string
	DefaultBackend string
}

// PlanBackend is a backend as the lab would run it.
type PlanBackend struct {
	Name, Mode, Balance, HashType string
	Servers                       []PlanServer
}

// PlanServer is a server: an in-process app (App set) or external.
type PlanServer struct {
	Name, Addr string
	Weight     int
	App        string // "" for an external server
	Profile    string
	Delay      string
	Check      bool
}

// PlanOf describes a lab built (not started) from cfg: cfg is its Config
// (binds mapped, servers as written) and apps its Snapshot's apps.
func PlanOf(cfg *proxy.Config, apps []lab.App, notes []string) Plan {
	p := Plan{Notes: notes}
	for _, f := range cfg.Frontends {
		pf := PlanFrontend{Name: f.Name, Mode: f.Mode.String(), Binds: f.Binds, DefaultBackend: f.DefaultBackend}
		for _, r := range f.TCPConnRules {
			pf.Rules = append(pf.Rules, r.Text)
		}
		for _, r := range f.HTTPRules {
			pf.Rules = append(pf.Rules, r.Text)
		}
		for _, r := range f.UseBackends {
			pf.Rules = append(pf.Rules, r.Text)
		}
		p.Frontends = append(p.Frontends, pf)
	}
	byName := map[string]lab.App{}
	for _, a := range apps {
		byName[a.Name] = a
	}
	for _, b := range cfg.Backends {
		pb := PlanBackend{Name: b.Name, Mode: b.Mode.String(), Balance: b.Balance.Args(), HashType: b.Balance.Hash.Args()}
		for _, s := range b.Servers {
			ps := PlanServer{Name: s.Name, Addr: s.Addr, Weight: s.Weight, Check: s.Check}
			host, _, _ := net.SplitHostPort(s.Addr)
			if a, ok := byName[host]; ok {
				ps.App, ps.Addr, ps.Profile, ps.Delay = a.Name, a.Addr, a.Profile, a.Delay.String()
			}
			pb.Servers = append(pb.Servers, ps)
		}
		p.Backends = append(p.Backends, pb)
	}
	return p
}

// WriteText prints the plan, indented by prefix.
func (p Plan) WriteText(w io.Writer, prefix string) error {
	ew := &errWriter{w: w}
	for _, n := range p.Notes {
		ew.printf("%snote: %s\n", prefix, n)
	}
	for _, f := range p.Frontends {
		ew.printf("%sfrontend %s (mode %s) listens on %s\n", prefix, f.Name, f.Mode, strings.Join(f.Binds, ", "))
		for _, r := range f.Rules {
			ew.printf("%s    %s\n", prefix, r)
		}
		if f.DefaultBackend != "" {
			ew.printf("%s    default_backend %s\n", prefix, f.DefaultBackend)
		}
	}
	for _, b := range p.Backends {
		ew.printf("%sbackend %s (mode %s): balance %s, hash-type %s\n", prefix, b.Name, b.Mode, b.Balance, b.HashType)
		for _, s := range b.Servers {
			where := "external server at " + s.Addr
			if s.App != "" {
				where = fmt.Sprintf("in-process app %s on %s (profile %s", s.App, s.Addr, orDefault(s.Profile, "flask"))
				if s.Delay != "0s" && s.Delay != "" {
					where += ", answers after " + s.Delay
				}
				where += ")"
			}
			check := ""
			if s.Check {
				check = ", health-checked"
			}
			ew.printf("%s    server %s weight %d%s: %s\n", prefix, s.Name, s.Weight, check, where)
		}
	}
	return ew.err
}

package report

import (
	"fmt"
	"time"
)

// compareTable is one phase and backend seen through every variant: a
// column per variant, a row per measure.
type compareTable struct {
	phase, backend string
	header         []string
	rows           [][]string
}

// compareTables builds, for each phase and each backend that got traffic
// in some variant, the side-by-side table of "compare" scenarios.
func (r *Report) compareTables() []compareTable {
	if len(r.Variants) == 0 {
		return nil
	}
	var out []compareTable
	for pi, ph := range r.Variants[0].Phases {
		for _, be := range ph.Backends {
			if !r.backendUsed(pi, be.Name) || !r.sameServers(pi, be) {
				continue
			}
			out = append(out, r.compareTable(pi, ph.Name, be.Name))
		}
	}
	return out
}

// sameServers reports whether every variant has backend be with the same
// servers: only then do the columns compare like with like (variants that
// run different configs have nothing to put side by side).
func (r *Report) sameServers(pi int, be Backend) bool {
	for _, v := range r.Variants {
		b := v.backend(pi, be.Name)
		if b == nil || len(b.Servers) != len(be.Servers) {
			return false
		}
		for i := range b.Servers {
			if b.Servers[i].Name != be.Servers[i].Name {
				return false
			}
		}
	}
	return true
}

func (r *Report) backendUsed(pi int, name string) bool {
	for _, v := range r.Variants {
		if b := v.backend(pi, name); b != nil && b.Total > 0 {
			return true
		}
	}
	return false
}

func (v Variant) backend(pi int, name string) *Backend {
	if pi >= len(v.Phases) {
		return nil
	}
	for i := range v.Phases[pi].Backends {
		if v.Phases[pi].Backends[i].Name == name {
			return &v.Phases[pi].Backends[i]
		}
	}
	return nil
}

func (r *Report) compareTable(pi int, phase, backend string) compareTable {
	t := compareTable{phase: phase, backend: backend, header: []string{""}}
	var servers []string
	for _, v := range r.Variants {
		t.header = append(t.header, v.Name)
		if b := v.backend(pi, backend); b != nil {
			for _, s := range b.Servers {
				if !containsStr(servers, s.Name) {
					servers = append(servers, s.Name)
				}
			}
		}
	}
	row := func(label string, cell func(v Variant, b *Backend) string) {
		cells := []string{label}
		for _, v := range r.Variants {
			b := v.backend(pi, backend)
			if b == nil {
				cells = append(cells, "-")
				continue
			}
			cells = append(cells, cell(v, b))
		}
		t.rows = append(t.rows, cells)
	}
	row("balance", func(_ Variant, b *Backend) string { return b.Balance })
	row("hash-type", func(_ Variant, b *Backend) string { return b.HashType })
	for _, name := range servers {
		row(name+" share", func(_ Variant, b *Backend) string {
			if s := b.server(name); s != nil {
				return pct(s.Share)
			}
			return "-"
		})
	}
	for _, name := range servers {
		row(name+" max in flight", func(_ Variant, b *Backend) string {
			if s := b.server(name); s != nil {
				return fmt.Sprint(s.MaxInFlight)
			}
			return "-"
		})
	}
	row("latency p50", func(v Variant, _ *Backend) string {
		return shortDur(time.Duration(v.Phases[pi].Traffic.P50))
	})
	row("latency p99", func(v Variant, _ *Backend) string {
		return shortDur(time.Duration(v.Phases[pi].Traffic.P99))
	})
	row("answered", func(v Variant, _ *Backend) string { return fmt.Sprint(v.Phases[pi].Traffic.Answered) })
	row("failed", func(v Variant, _ *Backend) string { return fmt.Sprint(v.Phases[pi].Traffic.Failed) })
	row("errors", func(_ Variant, b *Backend) string {
		var n int64
		for _, s := range b.Servers {
			n += s.Errors
		}
		return fmt.Sprint(n)
	})
	return t
}

func (b *Backend) server(name string) *Server {
	for i := range b.Servers {
		if b.Servers[i].Name == name {
			return &b.Servers[i]
		}
	}
	return nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

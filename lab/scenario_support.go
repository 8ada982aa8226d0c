package lab

import (
	"net"

	"github.com/lblab/lblab/proxy"
)

// What the scenario runner and "lblab export" need beyond the commands:
// telling the user what a scenario's timeline does as it plays, and the
// lab's config with the in-process apps' addresses in it.

// Announce records a notice in the lab's event list (Snapshot.Events), as
// the lab does for its own changes: the scenario runner says there which
// phase starts and why a timeline event happens, so the dashboard's status
// line and the reports show it. It does nothing before Start.
func (l *Lab) Announce(text string) { l.event("%s", text) }

// ExportConfig returns a copy of the config the lab runs (or will run,
// before Start) in which every server of an in-process app points at the
// app's address: where it listens once started, its preferred address
// (the episode's port, 127.0.0.1:500N) before. Binds are the loopback
// addresses the lab listens on. The copy shares the ACLs and rule
// conditions with the lab's config, which neither changes. Servers added
// or removed at runtime are not in it: it is the lab as configured.
func (l *Lab) ExportConfig() *proxy.Config {
	l.mu.Lock()
	addrOf := map[string]string{}
	for _, a := range l.apps {
		addrOf[a.Name()] = a.Addr()
	}
	l.mu.Unlock()
	out := l.cfg.Clone()
	for _, b := range out.Backends {
		for _, s := range b.Servers {
			if host, _, err := net.SplitHostPort(s.Addr); err == nil {
				if addr, ok := addrOf[host]; ok {
					s.Addr = addr
				}
			}
		}
	}
	return out
}

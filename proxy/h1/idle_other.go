//go:build !(linux || darwin || freebsd)

package h1

import "net"

// Prober cannot look at sockets on this system: idle connections are
// assumed alive, and one the peer closed fails its next request.
type Prober struct{}

// NewProber returns nil: every connection is reported alive.
func NewProber(net.Conn) *Prober { return nil }

// Alive reports true.
func (p *Prober) Alive() bool { return true }

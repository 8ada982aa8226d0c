//go:build !(linux || darwin || freebsd)

package traffic

import "net"

// prober cannot look at sockets on this system: idle connections are
// assumed alive, and one the server closed fails its next request with
// "connection closed".
type prober struct{}

func newProber(net.Conn) *prober { return nil }

func (p *prober) alive() bool { return true }

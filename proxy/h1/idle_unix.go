//go:build linux || darwin || freebsd

package h1

import (
	"net"
	"syscall"
)

// Prober looks at an idle keep-alive connection's socket without reading
// from it, to tell whether the peer has closed it meanwhile.
type Prober struct {
	rc    syscall.RawConn
	check func(fd uintptr) bool // p.peek, bound once per connection
	state int
	buf   [1]byte
}

const (
	peekIdle   = iota // nothing to read: the peer keeps the connection
	peekClosed        // the peer closed it (or it failed)
	peekData          // the peer sent bytes nobody asked for
)

// NewProber returns a prober for nc, or nil when the system cannot look at
// sockets (nil reports every connection alive).
func NewProber(nc net.Conn) *Prober {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &Prober{rc: rc}
	p.check = p.peek
	return p
}

// peek asks the kernel, without waiting and without consuming, whether
// the socket has data or an end of stream pending.
func (p *Prober) peek(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	switch {
	case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK:
		p.state = peekIdle
	case err == nil && n > 0:
		p.state = peekData
	default:
		p.state = peekClosed
	}
	return true // done: never wait for readiness
}

// Alive reports whether an idle keep-alive connection can carry a request:
// the peer has neither closed it nor sent anything since the last answer.
// It costs one non-blocking system call, and saves a request from being
// sent on a connection the peer already dropped, which would fail
// without the request ever reaching it.
func (p *Prober) Alive() bool {
	if p == nil {
		return true
	}
	if err := p.rc.Read(p.check); err != nil {
		return false
	}
	return p.state == peekIdle
}

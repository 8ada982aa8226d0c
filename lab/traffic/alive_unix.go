//go:build linux || darwin || freebsd

package traffic

import (
	"net"
	"syscall"
)

// prober looks at an idle connection's socket without reading from it.
type prober struct {
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

func newProber(nc net.Conn) *prober {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &prober{rc: rc}
	p.check = p.peek
	return p
}

// peek asks the kernel, without waiting and without consuming, whether
// the socket has data or an end of stream pending.
func (p *prober) peek(fd uintptr) bool {
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

// alive reports whether an idle keep-alive connection can carry a request:
// the server has neither closed it nor sent anything since the last answer.
// It costs one non-blocking system call, and saves a request from being
// sent on a connection the server already dropped, which would fail
// without the request ever reaching it.
func (p *prober) alive() bool {
	if p == nil {
		return true
	}
	if err := p.rc.Read(p.check); err != nil {
		return false
	}
	return p.state == peekIdle
}

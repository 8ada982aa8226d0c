package traffic

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// Client addresses are handed out in order from a group's range, skipping
// those ending in .0 and .255, which look like network and broadcast
// addresses in a log (loopback does not care). A /31 or /32 range is used
// whole: its owner asked for those exact addresses.

// UsableAddrs counts the client addresses the generator can take from
// prefix p: the most clients a group with that range can have.
func UsableAddrs(p netip.Prefix) int { return usableAddrs(p) }

// usableAddrs counts the client addresses of prefix p.
func usableAddrs(p netip.Prefix) int {
	bits := p.Bits()
	switch {
	case bits >= 31:
		return 1 << (32 - bits)
	case bits <= 24:
		return (1 << (24 - bits)) * 254
	}
	n := 0
	a := p.Masked().Addr()
	for range 1 << (32 - bits) {
		if last := a.As4()[3]; last != 0 && last != 255 {
			n++
		}
		a = a.Next()
	}
	return n
}

// addrAt returns the i-th client address of prefix p (0-based); i must be
// below usableAddrs(p).
func addrAt(p netip.Prefix, i int) netip.Addr {
	base := p.Masked().Addr().As4()
	u := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	bits := p.Bits()
	switch {
	case bits >= 31:
		u += uint32(i)
	case bits <= 24:
		u += uint32(i/254)<<8 + uint32(i%254) + 1
	default:
		for {
			if last := u & 0xff; last != 0 && last != 255 {
				if i == 0 {
					break
				}
				i--
			}
			u++
		}
	}
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

// probeBind reports whether the OS lets a socket bind addr as its source.
// Linux routes all of 127.0.0.0/8 to the loopback interface; other systems
// (macOS) only have 127.0.0.1 unless aliases are added.
func probeBind(addr netip.Addr) error {
	ln, err := net.ListenTCP("tcp", net.TCPAddrFromAddrPort(netip.AddrPortFrom(addr, 0)))
	if err != nil {
		return err
	}
	return ln.Close()
}

// bindWarning checks the first address of every group and returns the one
// warning to show when some cannot be bound, with the groups that must fall
// back to 127.0.0.1.
func bindWarning(groups []Group, probe func(netip.Addr) error) (fallback map[string]bool, warning string) {
	var names []string
	var firstErr error
	for _, g := range groups {
		if g.Clients == 0 {
			continue
		}
		if err := probe(addrAt(g.Prefix, 0)); err != nil {
			if fallback == nil {
				fallback = map[string]bool{}
			}
			fallback[g.Name] = true
			names = append(names, fmt.Sprintf("%s (%s)", g.Name, g.Prefix))
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if firstErr == nil {
		return nil, ""
	}
	return fallback, fmt.Sprintf("traffic: this system does not let clients bind their own loopback addresses (%v); "+
		"clients of %s send from 127.0.0.1 instead, so the proxy sees them as one client "+
		"(on macOS, add aliases: sudo ifconfig lo0 alias 127.1.0.1)", bindReason(firstErr), strings.Join(names, ", "))
}

func bindReason(err error) string {
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		return "address not available"
	}
	return err.Error()
}

// ClientAddrs returns the source addresses of the group's first n clients
// (all of them when n <= 0), with the defaults applied: the addresses the
// proxy will see, for showing where a hash places each client.
func (g Group) ClientAddrs(n int) []netip.Addr {
	p, clients := g.Prefix, g.Clients
	if !p.IsValid() {
		p = netip.MustParsePrefix(DefaultPrefix)
	}
	if clients == 0 {
		clients = DefaultClients
	}
	if n <= 0 || n > clients {
		n = clients
	}
	if max := usableAddrs(p); n > max {
		n = max
	}
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = addrAt(p, i)
	}
	return out
}

package acl

import (
	"encoding/binary"
	"net/netip"
	"strings"
)

// ipNet is one address pattern. IPv4 patterns keep HAProxy's address and
// mask as written (the mask may be non-contiguous, like 255.0.255.0); IPv6
// patterns have a prefix length.
type ipNet struct {
	v6    bool
	addr4 uint32
	mask4 uint32
	addr6 [16]byte
	bits6 int
}

func (n ipNet) contains4(v4 uint32) bool { return (v4^n.addr4)&n.mask4 == 0 }

func (n ipNet) contains6(a *[16]byte) bool {
	bits := n.bits6
	for i := 0; bits > 0; i++ {
		m := byte(0xff)
		if bits < 8 {
			m = 0xff << (8 - bits)
		}
		if (a[i]^n.addr6[i])&m != 0 {
			return false
		}
		bits -= 8
	}
	return true
}

// parseIPNet reads an address pattern as HAProxy's pat_parse_ip does: first
// as IPv4 "addr[/mask]" (str2net), where the mask is dotted or a bit count
// and, unless noDNS (-n), the address may be abbreviated the way the C
// resolver reads all-numeric names (10.12 is 10.0.0.12, 127.1 is 127.0.0.1,
// 0177.0.0.1 is octal); then as IPv6 "addr[/bits]" (str62net).
func parseIPNet(text string, noDNS bool) (ipNet, bool) {
	if n, ok := parseNet4(text, !noDNS); ok {
		return n, true
	}
	return parseNet6(text)
}

func parseNet4(text string, resolve bool) (ipNet, bool) {
	addr, mask := text, uint32(0xffffffff)
	if i := strings.LastIndexByte(text, '/'); i >= 0 {
		addr = text[:i]
		m, ok := parseMask4(text[i+1:])
		if !ok {
			return ipNet{}, false
		}
		mask = m
	}
	a, ok := inetPton4(addr)
	if !ok && resolve {
		a, ok = inetAtonDigits(addr)
	}
	if !ok {
		return ipNet{}, false
	}
	return ipNet{addr4: a, mask4: mask}, true
}

// parseMask4 is str2mask: dotted (strict) or a strtol bit count whose value,
// truncated to 32 bits as in C, is at most 32.
func parseMask4(s string) (uint32, bool) {
	if strings.IndexByte(s, '.') >= 0 {
		return inetPton4(s)
	}
	if s == "" {
		return 0, false
	}
	v, ok := strtol(s)
	if !ok || uint32(v) > 32 {
		return 0, false
	}
	n := int32(v)
	switch {
	case n >= 32:
		return 0xffffffff, true
	case n <= 0:
		return 0, true
	}
	return 0xffffffff << (32 - n), true
}

// inetPton4 is glibc's strict inet_pton for IPv4: four decimal octets, no
// leading zeros.
func inetPton4(s string) (uint32, bool) { return dotted4(s, true) }

// inetAtonDigits is what gethostbyname does with a name made only of digits
// and dots that does not end with a dot: glibc's exact inet_aton, where each
// part is read like strtoul in base 0 (a leading 0 means octal) and the
// last part fills the remaining bytes (a, a.b, a.b.c, a.b.c.d). Any other
// name would be looked up in DNS, which lblab does not do.
func inetAtonDigits(s string) (uint32, bool) {
	if s == "" || !isDigit(s[0]) || s[len(s)-1] == '.' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return 0, false
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return 0, false
	}
	maxLast := [4]uint64{0xffffffff, 0xffffff, 0xffff, 0xff}
	var res uint32
	for k, p := range parts {
		v, ok := atonPart(p)
		if !ok {
			return 0, false
		}
		if k < len(parts)-1 {
			if v > 0xff {
				return 0, false
			}
			res |= uint32(v) << (24 - 8*k)
			continue
		}
		if v > maxLast[len(parts)-1] {
			return 0, false
		}
		res |= uint32(v)
	}
	return res, true
}

// atonPart reads one all-digit part in base 0: octal when it starts with 0.
func atonPart(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := uint64(10)
	if p[0] == '0' {
		base = 8
	}
	var v uint64
	for i := 0; i < len(p); i++ {
		d := uint64(p[i] - '0')
		if d >= base {
			return 0, false
		}
		v = v*base + d
		if v > 0xffffffff {
			return 0, false
		}
	}
	return v, true
}

// parseNet6 is str62net: an IPv6 address and an optional strtoul bit count
// of at most 128.
func parseNet6(text string) (ipNet, bool) {
	addr, bits := text, 128
	if i := strings.LastIndexByte(text, '/'); i >= 0 {
		addr = text[:i]
		m := text[i+1:]
		if m == "" {
			return ipNet{}, false
		}
		v, ok := strtol(m)
		if !ok || uint32(v) > 128 {
			return ipNet{}, false
		}
		bits = int(v)
	}
	a, ok := inetPton6(addr)
	if !ok {
		return ipNet{}, false
	}
	return ipNet{v6: true, addr6: a, bits6: bits}, true
}

// inetPton6 parses an IPv6 address as glibc's inet_pton does: no zone, no
// brackets, an embedded IPv4 only at the end.
func inetPton6(s string) ([16]byte, bool) {
	if strings.IndexByte(s, ':') < 0 || strings.ContainsAny(s, "%[]") {
		return [16]byte{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return [16]byte{}, false
	}
	return a.As16(), true
}

// v4FromV6 gives the IPv4 address HAProxy derives from an IPv6 sample when
// matching IPv4 patterns: ::ffff:a.b.c.d (mapped), ::a.b.c.d (old
// compatible form) and 2002:AABB:CCDD:: (6to4).
func v4FromV6(a *[16]byte) (uint32, bool) {
	if binary.BigEndian.Uint64(a[0:8]) == 0 {
		if w := binary.BigEndian.Uint32(a[8:12]); w == 0 || w == 0xffff {
			return binary.BigEndian.Uint32(a[12:16]), true
		}
	}
	if a[0] == 0x20 && a[1] == 0x02 {
		return binary.BigEndian.Uint32(a[2:6]), true
	}
	return 0, false
}

// matchIP reports whether addr is in one of nets, with HAProxy's
// cross-family rules: an IPv4 sample is also tried as ::ffff:a.b.c.d
// against IPv6 patterns, and an IPv6 sample is tried as IPv4 (see
// v4FromV6) against IPv4 patterns.
func matchIP(nets []ipNet, addr netip.Addr) bool {
	if addr.Is4() {
		a4 := addr.As4()
		v4 := binary.BigEndian.Uint32(a4[:])
		var mapped [16]byte
		mapped[10], mapped[11] = 0xff, 0xff
		binary.BigEndian.PutUint32(mapped[12:], v4)
		for i := range nets {
			if n := &nets[i]; !n.v6 && n.contains4(v4) || n.v6 && n.contains6(&mapped) {
				return true
			}
		}
		return false
	}
	if !addr.IsValid() {
		return false
	}
	a16 := addr.As16()
	v4, has4 := v4FromV6(&a16)
	for i := range nets {
		if n := &nets[i]; n.v6 && n.contains6(&a16) || !n.v6 && has4 && n.contains4(v4) {
			return true
		}
	}
	return false
}

// buf2ip mirrors HAProxy's lenient string-to-IPv4 cast: digits and dots up
// to the first other byte, exactly four octets of at most 255 (leading zeros
// allowed); whatever follows is ignored.
func buf2ip(s string) (uint32, bool) { return dotted4(s, false) }

// dotted4 reads four decimal octets of at most 255, the strict way
// (inet_pton: no leading zero, nothing but digits and dots) or the lenient
// way (buf2ip: leading zeros, reading stops at any other byte).
func dotted4(s string, strict bool) (uint32, bool) {
	var out [4]byte
	octets, saw, cur := 0, false, 0
scan:
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if strict && saw && cur == 0 {
				return 0, false // leading zero
			}
			cur = cur*10 + int(c-'0')
			if cur > 255 {
				return 0, false
			}
			if !saw {
				octets++
				if octets > 4 {
					return 0, false
				}
				saw = true
			}
			out[octets-1] = byte(cur)
		case c == '.':
			if !saw || octets == 4 {
				return 0, false
			}
			saw, cur = false, 0
		case strict:
			return 0, false
		default:
			break scan
		}
	}
	if octets < 4 || !saw {
		return 0, false
	}
	return binary.BigEndian.Uint32(out[:]), true
}

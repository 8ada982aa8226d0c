package acl

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// smpType is a sample's type, as HAProxy's SMP_T_*.
type smpType uint8

const (
	tAny smpType = iota // no conversion wanted
	tBool
	tSint
	tAddr // IPv4 or IPv6, what "-m ip" expects
	tIPv4
	tIPv6
	tStr
	tBin
	tMeth
)

var smpTypeNames = [...]string{tAny: "any", tBool: "boolean", tSint: "integer", tAddr: "address",
	tIPv4: "ipv4", tIPv6: "ipv6", tStr: "string", tBin: "binary", tMeth: "method"}

func (t smpType) String() string { return smpTypeNames[t] }

// castable is HAProxy's sample_casts matrix reduced to "is there a cast":
// a "-m" method is accepted only when the fetch's type converts to the
// type the method expects.
func castable(from, to smpType) bool {
	if from == to || to == tAny {
		return true
	}
	switch from {
	case tBool:
		return to == tSint || to == tStr || to == tBin
	case tSint:
		return to == tBool || to == tAddr || to == tIPv4 || to == tIPv6 || to == tStr || to == tBin
	case tIPv4:
		return to == tSint || to == tAddr || to == tIPv6 || to == tStr || to == tBin
	case tIPv6:
		return to == tAddr || to == tIPv4 || to == tStr || to == tBin
	case tStr:
		return true
	case tMeth:
		return to == tStr || to == tBin
	}
	return false
}

// HTTP methods HAProxy knows by name; any other method is methOther and
// keeps its string. The names are compared exactly (case-sensitive).
type method uint8

const (
	methOther method = iota
	methGet
	methHead
	methPost
	methConnect
	methPut
	methOptions
	methDelete
	methTrace
)

func findMethod(s string) method {
	switch s {
	case "GET":
		return methGet
	case "HEAD":
		return methHead
	case "POST":
		return methPost
	case "CONNECT":
		return methConnect
	case "PUT":
		return methPut
	case "OPTIONS":
		return methOptions
	case "DELETE":
		return methDelete
	case "TRACE":
		return methTrace
	}
	return methOther
}

// sample is one fetched value. It is passed by value so that evaluating a
// condition does not allocate.
type sample struct {
	typ  smpType
	str  string // tStr, tBin; tMeth: the method as sent
	num  int64  // tSint, tBool
	addr netip.Addr
	meth method
}

// convert casts s to type to, as HAProxy's sample_convert does before
// matching; false when the value cannot be converted (the test fails).
func convert(s *sample, to smpType) bool {
	if to == tAny || s.typ == to {
		return true
	}
	switch s.typ {
	case tBool, tSint:
		return convertInt(s, to)
	case tIPv4, tIPv6:
		return convertAddr(s, to)
	case tStr, tBin:
		return convertStr(s, to)
	case tMeth:
		if to == tStr || to == tBin {
			s.typ = to
			return true
		}
	}
	return false
}

func convertInt(s *sample, to smpType) bool {
	switch to {
	case tBool, tSint:
		s.typ = to
	case tAddr, tIPv4:
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(s.num))
		s.typ, s.addr = tIPv4, netip.AddrFrom4(b)
	case tIPv6:
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(s.num))
		s.typ, s.addr = tIPv6, netip.AddrFrom16(netip.AddrFrom4(b).As16())
	case tStr:
		s.typ, s.str = tStr, strconv.FormatInt(s.num, 10)
	case tBin:
		v := s.num
		if s.typ == tBool && v != 0 {
			v = 1
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(v))
		s.typ, s.str = tBin, string(b[:])
	default:
		return false
	}
	return true
}

func convertAddr(s *sample, to smpType) bool {
	switch to {
	case tAddr:
		return true
	case tSint:
		if s.typ != tIPv4 {
			return false
		}
		s.typ, s.num = tSint, int64(binary.BigEndian.Uint32(s.addr.AsSlice()))
	case tIPv4:
		a16 := s.addr.As16()
		v4, ok := v4FromV6(&a16)
		if !ok {
			return false
		}
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], v4)
		s.typ, s.addr = tIPv4, netip.AddrFrom4(b)
	case tIPv6:
		s.typ, s.addr = tIPv6, netip.AddrFrom16(s.addr.As16())
	case tStr:
		s.typ, s.str = tStr, s.addr.String()
	case tBin:
		s.typ, s.str = tBin, string(s.addr.AsSlice())
	default:
		return false
	}
	return true
}

func convertStr(s *sample, to smpType) bool {
	switch to {
	case tStr, tBin:
		s.typ = to
	case tBool, tSint:
		if s.str == "" {
			return false
		}
		n, _ := readInt64(s.str)
		s.typ, s.num = to, n
	case tAddr:
		if v4, ok := buf2ip(s.str); ok {
			s.typ, s.addr = tIPv4, addrFrom4(v4)
			return true
		}
		return strToIPv6(s)
	case tIPv4:
		v4, ok := buf2ip(s.str)
		if !ok {
			return false
		}
		s.typ, s.addr = tIPv4, addrFrom4(v4)
	case tIPv6:
		return strToIPv6(s)
	case tMeth:
		s.typ, s.meth = tMeth, findMethod(s.str)
	default:
		return false
	}
	return true
}

// strToIPv6 is buf2ip6: at most INET6_ADDRSTRLEN bytes, parsed strictly.
func strToIPv6(s *sample) bool {
	if len(s.str) > 46 {
		return false
	}
	a, ok := inetPton6(s.str)
	if !ok {
		return false
	}
	s.typ, s.addr = tIPv6, netip.AddrFrom16(a)
	return true
}

func addrFrom4(v4 uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v4)
	return netip.AddrFrom4(b)
}

package haproxycfg

import (
	"fmt"
	"strings"
)

// maxPortRange bounds how many listeners one "bind" port range may expand
// to in the lab.
const maxPortRange = 1024

// bind handles "bind ADDR[,ADDR...] [options]": addresses are kept as
// written (one entry per address and per port of a range), options are
// ignored with a warning.
func (c *lineCtx) bind() {
	if !c.notInDefaults() {
		return
	}
	ok := c.needCap(capFE, "bind", "")
	if c.arg(1) == "" {
		c.errMissing("'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments")
		return
	}
	var addrs []string
	for _, a := range strings.Split(c.arg(1), ",") {
		got, msg := bindAddr(a)
		if msg != "" {
			c.errAt(1, "%s", msg)
			return
		}
		addrs = append(addrs, got...)
	}
	if !c.bindOptions() || !ok {
		return
	}
	for _, a := range addrs {
		c.px.binds = append(c.px.binds, bind{addr: a, at: place{c.num, c.col(1)}})
	}
}

// bindOptions checks the options after the address; lblab ignores them.
func (c *lineCtx) bindOptions() bool {
	var ignored []string
	for k := 2; k < len(c.words); {
		opt := c.arg(k)
		n, known := bindOptions[opt]
		if !known {
			names := make([]string, 0, len(bindOptions))
			for o := range bindOptions {
				names = append(names, o)
			}
			msg := fmt.Sprintf("unknown bind option '%s' on 'bind %s'", opt, c.arg(1))
			if s := suggest(opt, names); s != "" {
				msg += fmt.Sprintf("; did you mean '%s'?", s)
			}
			c.errAt(k, "%s", msg)
			return false
		}
		if n > 0 && c.arg(k+1) == "" {
			c.errMissing("bind option '%s' expects a value", opt)
			return false
		}
		ignored = append(ignored, opt)
		k += 1 + n
	}
	for _, opt := range ignored {
		c.lab("bind option '%s' is not supported by lblab and is ignored", opt)
	}
	return true
}

// bindAddr checks one listening address and expands a port range.
func bindAddr(s string) ([]string, string) {
	rest, msg := splitPrefix(s)
	if msg != "" {
		return nil, msg
	}
	host, ports, hasPort := splitHostPort(rest)
	if !hasPort || ports == "" {
		return nil, fmt.Sprintf("missing port specification in '%s'; expected [<addr>]:<port>", s)
	}
	if !validHost(host) {
		return nil, fmt.Sprintf("invalid address '%s' in '%s'; expected an IP address, a host name, '*' or nothing", host, s)
	}
	lo, hi, ranged := strings.Cut(ports, "-")
	low, ok1 := parsePort(lo)
	high := low
	ok2 := true
	if ranged {
		high, ok2 = parsePort(hi)
	}
	if !ok1 || !ok2 || high < low {
		return nil, fmt.Sprintf("invalid port '%s' in '%s'; expected a port from 1 to 65535 or a range <low>-<high>", ports, s)
	}
	if high-low >= maxPortRange {
		return nil, fmt.Sprintf("port range '%s' is too large for lblab (at most %d ports)", ports, maxPortRange)
	}
	if !ranged && !strings.Contains(host, ":") {
		return []string{rest}, "" // as written
	}
	out := make([]string, 0, high-low+1)
	for p := low; p <= high; p++ {
		out = append(out, hostPort(host, itoa(p)))
	}
	return out, ""
}

package haproxycfg

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/proxy"
)

func itoa(n int) string { return strconv.Itoa(n) }

// serverKeywords are the server options lblab runs (plus the no-op and
// negating ones that map onto them), for suggestions.
var serverKeywords = [...]string{"weight", "check", "no-check", "inter", "fastinter", "downinter",
	"rise", "fall", "maxconn", "maxqueue", "id", "disabled", "enabled", "backup", "no-backup", "source"}

// server handles "server NAME ADDR [options]".
func (c *lineCtx) server() {
	px := c.px
	if c.isDefaults() {
		c.errAt(0, "'server' not allowed in 'defaults' section; servers go in a backend or listen section")
		return
	}
	if px.cap&capBE == 0 {
		c.errAt(0, "'server' not allowed because %s '%s' has no backend capability; servers go in a backend or listen section",
			px.typeName(), px.name)
		return
	}
	if c.arg(2) == "" {
		c.errMissing("'server' expects <name> and <addr>[:<port>] as arguments")
		return
	}
	name := c.arg(1)
	if ch, bad := invalidChar(name); bad {
		c.errAt(1, "character '%c' is not permitted in server name '%s'; names may use letters, digits, '.', ':', '_' and '-'", ch, name)
		return
	}
	addr, msg := serverAddr(c.arg(2))
	if msg != "" {
		c.errAt(2, "%s", msg)
		return
	}
	s := &server{srv: proxy.NewServer(name, addr), at: place{c.num, c.col(0)}}
	var fast, down bool
	for k := 3; k < len(c.words); {
		next, ok := c.serverOption(s, k, &fast, &down)
		if !ok {
			return
		}
		k = next
	}
	if !fast {
		s.srv.FastInter = s.srv.Inter
	}
	if !down {
		s.srv.DownInter = s.srv.Inter
	}
	if s.explicit {
		px.ids[s.srv.ID] = s
	}
	px.servers = append(px.servers, s)
}

// serverOption reads the option at word k and returns where the next one
// starts.
func (c *lineCtx) serverOption(s *server, k int, fast, down *bool) (int, bool) {
	srv := s.srv
	kw := c.arg(k)
	switch kw {
	case "weight":
		w, clean := atol(c.arg(k + 1))
		if w < 0 || w > 256 {
			c.errAt(k+1, "weight of server %s is not within 0 and 256 (%d)", srv.Name, w)
			return 0, false
		}
		if !clean {
			c.lab("'weight' value '%s' is not a plain integer: HAProxy reads it as %d", c.arg(k+1), w)
		}
		srv.Weight = w
	case "check", "no-check":
		srv.Check = kw == "check"
		return k + 1, true
	case "backup", "no-backup":
		srv.Backup = kw == "backup"
		return k + 1, true
	case "disabled":
		srv.Disabled = true
		return k + 1, true
	case "enabled":
		// HAProxy parses "enabled" and does nothing with it.
		return k + 1, true
	case "inter", "fastinter", "downinter":
		d, ok := c.serverDelay(k, srv.Name)
		if !ok {
			return 0, false
		}
		switch kw {
		case "inter":
			srv.Inter = d
		case "fastinter":
			srv.FastInter, *fast = d, true
		default:
			srv.DownInter, *down = d, true
		}
	case "rise", "fall":
		if c.arg(k+1) == "" {
			c.errMissing("'%s' expects an integer argument", kw)
			return 0, false
		}
		n := c.atoi(k + 1)
		if n <= 0 {
			c.errAt(k+1, "'%s' has to be > 0 (got %d)", kw, n)
			return 0, false
		}
		if kw == "rise" {
			srv.Rise = n
		} else {
			srv.Fall = n
		}
	case "maxconn", "maxqueue":
		n := c.atoi(k + 1)
		if kw == "maxconn" {
			srv.MaxConn = n
		} else {
			srv.MaxQueue = n
		}
	case "id":
		if !c.serverID(s, k) {
			return 0, false
		}
	case "source":
		return c.serverSource(k)
	default:
		return c.otherServerOption(k)
	}
	return k + 2, true
}

// serverDelay reads the time after inter, fastinter or downinter.
func (c *lineCtx) serverDelay(k int, name string) (time.Duration, bool) {
	kw, value := c.arg(k), c.arg(k+1)
	if value == "" {
		c.errMissing("'%s' expects a delay as argument", kw)
		return 0, false
	}
	d, trailing, terr := parseTime(value)
	if terr != nil {
		c.errAt(k+1, "%s", terr.describe(value, fmt.Sprintf("'%s' of server %s", kw, name)))
		return 0, false
	}
	if trailing != 0 {
		c.warn("%s", trailingWarning(trailing, value))
	}
	if d <= 0 {
		c.errAt(k+1, "invalid value %s for argument '%s' of server %s; expected a delay greater than 0", value, kw, name)
		return 0, false
	}
	return d, true
}

// serverID reads "id N": positive and unique in the backend.
func (c *lineCtx) serverID(s *server, k int) bool {
	if c.arg(k+1) == "" {
		c.errMissing("'id' expects an integer argument")
		return false
	}
	id := c.atoi(k + 1)
	if id <= 0 {
		c.errAt(k+1, "custom id has to be > 0 (got %d)", id)
		return false
	}
	if other, dup := c.px.ids[id]; dup {
		c.errAt(k+1, "custom id %d already used at %s:%d ('server %s'); server ids must be unique in a backend",
			id, c.p.d.file, other.at.line, other.srv.Name)
		return false
	}
	s.srv.ID, s.explicit = id, true
	return true
}

// serverSource skips "source ADDR [usesrc X] [interface NAME]", which lblab
// does not run.
func (c *lineCtx) serverSource(k int) (int, bool) {
	if c.arg(k+1) == "" {
		c.errMissing("'source' expects <addr>[:<port>[-<port>]] as argument")
		return 0, false
	}
	next := k + 2
	for next+1 < len(c.words) && (c.arg(next) == "usesrc" || c.arg(next) == "interface") {
		next += 2
	}
	c.lab("server option 'source' is not supported by lblab and is ignored")
	return next, true
}

// otherServerOption skips an HAProxy server option lblab does not run, or
// rejects an unknown one.
func (c *lineCtx) otherServerOption(k int) (int, bool) {
	kw := c.arg(k)
	n, known := serverOptions[kw]
	if !known {
		msg := fmt.Sprintf("unknown server option '%s'", kw)
		names := append([]string{}, serverKeywords[:]...)
		for o := range serverOptions {
			names = append(names, o)
		}
		if s := suggest(kw, names); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		c.errAt(k, "%s", msg)
		return 0, false
	}
	if n > 0 && c.arg(k+1) == "" {
		c.errMissing("server option '%s' expects a value", kw)
		return 0, false
	}
	c.lab("server option '%s' is not supported by lblab and is ignored", kw)
	return k + 1 + n, true
}

// HAProxy's address family prefixes: lblab reads the TCP ones and rejects
// the others.
var tcpPrefixes = [...]string{"ipv4@", "ipv6@", "tcp@", "tcp4@", "tcp6@"}
var otherPrefixes = [...]string{"unix@", "uxst@", "uxdg@", "abns@", "fd@", "sockpair@",
	"udp@", "udp4@", "udp6@", "quic4@", "quic6@"}

// splitPrefix removes a TCP address family prefix; msg says why an address
// of another family (or a UNIX socket path) cannot be run.
func splitPrefix(s string) (rest string, msg string) {
	for _, p := range tcpPrefixes {
		if r, found := strings.CutPrefix(s, p); found {
			return r, ""
		}
	}
	for _, p := range otherPrefixes {
		if strings.HasPrefix(s, p) {
			return "", fmt.Sprintf("'%s' addresses are not supported by lblab; it runs TCP addresses (host:port)", p)
		}
	}
	if strings.HasPrefix(s, "/") {
		return "", fmt.Sprintf("UNIX socket '%s' is not supported by lblab; it runs TCP addresses (host:port)", s)
	}
	if at := strings.IndexByte(s, '@'); at >= 0 && !strings.ContainsAny(s[:at], ":[") {
		return "", fmt.Sprintf("unknown address family '%s'; expected host:port, optionally prefixed with ipv4@ or ipv6@", s[:at+1])
	}
	return s, ""
}

// splitHostPort splits "host:port", "[v6]:port" or a bare IPv6 address
// whose last colon precedes the port, as HAProxy does. hasPort is false
// when there is no colon at all (or only the IPv6 address's own).
func splitHostPort(s string) (host, port string, hasPort bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return s, "", false
		}
		host, rest := s[1:end], s[end+1:]
		if p, ok := strings.CutPrefix(rest, ":"); ok {
			return host, p, true
		}
		return host, "", false
	}
	k := strings.LastIndexByte(s, ':')
	if k < 0 {
		return s, "", false
	}
	return s[:k], s[k+1:], true
}

// hostPort joins a host and a port, with brackets around an IPv6 host so
// the result can be dialled.
func hostPort(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// validHost checks a host part: empty or "*" (any address, binds only), an
// IP address, or a host name lblab will map or resolve later.
func validHost(h string) bool {
	if h == "" || h == "*" {
		return true
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if strings.Contains(h, ":") {
		return false
	}
	for k := 0; k < len(h); k++ {
		c := h[k]
		if !isAlnum(c) && c != '-' && c != '.' && c != '_' {
			return false
		}
	}
	return true
}

// parsePort reads a port number from 1 to 65535.
func parsePort(s string) (int, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	for k := 0; k < len(s); k++ {
		if !isDigit(s[k]) {
			return 0, false
		}
	}
	n, _ := strconv.Atoi(s)
	return n, n >= 1 && n <= 65535
}

// serverAddr checks a server address and returns it as lblab dials it.
// HAProxy accepts a missing port (the client's port is reused) and port
// offsets; the lab needs a fixed port, so those are errors here.
func serverAddr(s string) (string, string) {
	rest, msg := splitPrefix(s)
	if msg != "" {
		return "", msg
	}
	host, port, hasPort := splitHostPort(rest)
	if !validHost(host) || host == "" || host == "*" {
		if host == "" || host == "*" {
			return "", fmt.Sprintf("server address '%s' has no host; expected <host>:<port>", s)
		}
		return "", fmt.Sprintf("invalid server address '%s'; expected <host>:<port> with an IP address or a host name", s)
	}
	if !hasPort || port == "" || port == "0" || strings.HasPrefix(port, "+") || strings.HasPrefix(port, "-") {
		return "", fmt.Sprintf("server address '%s' has no fixed port; lblab needs <host>:<port> "+
			"(HAProxy's port mapping and port offsets are not supported)", s)
	}
	if _, ok := parsePort(port); !ok {
		return "", fmt.Sprintf("invalid port '%s' in server address '%s'; expected a number from 1 to 65535", port, s)
	}
	return hostPort(host, port), ""
}

package haproxycfg

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/acl"
	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/cfgword"
)

// Format writes cfg as a complete haproxy.cfg that HAProxy 2.6 accepts and
// that Parse reads back to an equal Config: a global section, a defaults
// section holding the most common timeouts, then the frontends (a frontend
// and a backend of the same name that uses it become one listen section)
// and the backends, each list in its order. Every proxy states its mode; a
// value equal to HAProxy's default is left out. Frontends that log get
// "log global", and the global section then logs to stdout, where the lab
// would show its log lines. Addresses are written as they are in cfg.
func Format(cfg *proxy.Config) []byte {
	w := &writer{}
	w.line(0, "# haproxy.cfg written by lblab")
	w.global(cfg)
	def := commonTimeouts(cfg)
	w.defaults(def)
	for _, s := range sectionOrder(cfg) {
		w.blank()
		switch {
		case s.fe != nil && s.be != nil:
			w.line(0, "listen %s", cfgword.Quote(s.fe.Name))
			w.frontendBody(s.fe, def, true)
			w.backendBody(s.be, def, true)
		case s.fe != nil:
			w.line(0, "frontend %s", cfgword.Quote(s.fe.Name))
			w.frontendBody(s.fe, def, false)
		default:
			w.line(0, "backend %s", cfgword.Quote(s.be.Name))
			w.backendBody(s.be, def, false)
		}
	}
	return w.buf.Bytes()
}

type writer struct{ buf bytes.Buffer }

func (w *writer) line(indent int, format string, args ...any) {
	w.buf.WriteString(strings.Repeat("    ", indent))
	fmt.Fprintf(&w.buf, format, args...)
	w.buf.WriteByte('\n')
}

func (w *writer) blank() { w.buf.WriteByte('\n') }

func logs(fe *proxy.Frontend) bool { return fe.HTTPLog || fe.TCPLog }

func (w *writer) global(cfg *proxy.Config) {
	w.line(0, "global")
	if cfg.MaxConn != 0 {
		w.line(1, "maxconn %d", cfg.MaxConn)
	}
	for _, fe := range cfg.Frontends {
		if logs(fe) {
			w.line(1, "log stdout format raw local0")
			break
		}
	}
}

// commonTimeouts picks, for each timeout, the value most proxies use, to
// write it once in the defaults section.
func commonTimeouts(cfg *proxy.Config) proxy.Timeouts {
	pick := func(values []time.Duration) time.Duration {
		count := map[time.Duration]int{}
		var best time.Duration
		for _, v := range values {
			count[v]++
			if count[v] > count[best] || count[v] == count[best] && v > best {
				best = v
			}
		}
		return best
	}
	var client, connect, server, queue, check []time.Duration
	for _, fe := range cfg.Frontends {
		client = append(client, fe.Timeouts.Client)
	}
	for _, be := range cfg.Backends {
		connect = append(connect, be.Timeouts.Connect)
		server = append(server, be.Timeouts.Server)
		queue = append(queue, be.Timeouts.Queue)
		check = append(check, be.Timeouts.Check)
	}
	return proxy.Timeouts{Client: pick(client), Connect: pick(connect), Server: pick(server),
		Queue: pick(queue), Check: pick(check)}
}

func (w *writer) defaults(t proxy.Timeouts) {
	w.blank()
	w.line(0, "defaults")
	for _, x := range []struct {
		name string
		d    time.Duration
	}{{"connect", t.Connect}, {"client", t.Client}, {"server", t.Server}, {"queue", t.Queue}, {"check", t.Check}} {
		if x.d > 0 {
			w.line(1, "timeout %s %s", x.name, formatTime(x.d))
		}
	}
}

// timeout writes a proxy's timeout when it differs from the defaults
// section ("0" cancels an inherited one).
func (w *writer) timeout(name string, d, def time.Duration) {
	if d != def && (d > 0 || def > 0) {
		w.line(1, "timeout %s %s", name, formatTime(d))
	}
}

func (w *writer) frontendBody(fe *proxy.Frontend, def proxy.Timeouts, listen bool) {
	w.line(1, "mode %s", fe.Mode)
	for _, b := range fe.Binds {
		w.line(1, "bind %s", cfgword.Quote(b))
	}
	if fe.MaxConn != 0 {
		w.line(1, "maxconn %d", fe.MaxConn)
	}
	w.timeout("client", fe.Timeouts.Client, def.Client)
	if logs(fe) {
		w.line(1, "log global")
	}
	switch {
	case fe.HTTPLog:
		w.line(1, "option httplog")
	case fe.TCPLog:
		w.line(1, "option tcplog")
	}
	if fe.DontLogNull {
		w.line(1, "option dontlognull")
	}
	if fe.ForwardFor {
		w.line(1, "option forwardfor")
	}
	if fe.ACLs != nil {
		for _, l := range fe.ACLs.Lines() {
			w.line(1, "%s", l)
		}
	}
	for _, r := range fe.TCPConnRules {
		w.line(1, "%s", tcpRuleLine(r))
	}
	for _, r := range fe.HTTPRules {
		w.line(1, "%s", httpRuleLine(r))
	}
	for _, u := range fe.UseBackends {
		w.line(1, "%s", useBackendLine(u))
	}
	if fe.DefaultBackend != "" && !(listen && fe.DefaultBackend == fe.Name) {
		w.line(1, "default_backend %s", cfgword.Quote(fe.DefaultBackend))
	}
}

// The rule lines below are also the rules' Text: the canonical form of
// what was written, which survives a round trip through Format and Parse.

func tcpRuleLine(r proxy.TCPRule) string {
	action := "accept"
	if r.Action == proxy.Deny {
		action = "reject"
	}
	return "tcp-request connection " + action + condSuffix(r.Cond)
}

func useBackendLine(u proxy.UseBackend) string {
	return "use_backend " + cfgword.Quote(u.Backend) + condSuffix(u.Cond)
}

func httpRuleLine(r proxy.HTTPRule) string {
	if r.Action == proxy.Allow {
		return "http-request allow" + condSuffix(r.Cond)
	}
	s := "http-request deny"
	if r.DenyStatus != 0 {
		s += " deny_status " + strconv.Itoa(r.DenyStatus)
	}
	return s + condSuffix(r.Cond)
}

func condSuffix(c *acl.Cond) string {
	if c == nil {
		return ""
	}
	return " " + c.String()
}

func (w *writer) backendBody(be *proxy.Backend, def proxy.Timeouts, listen bool) {
	if !listen {
		w.line(1, "mode %s", be.Mode)
	}
	w.line(1, "%s", be.Balance.String())
	if be.Balance.Hash != (balance.HashType{}) {
		w.line(1, "%s", be.Balance.Hash.String())
	}
	if be.Balance.BalanceFactor != 0 {
		w.line(1, "hash-balance-factor %d", be.Balance.BalanceFactor)
	}
	if be.Retries != proxy.DefaultRetries {
		w.line(1, "retries %d", be.Retries)
	}
	switch be.Redispatch {
	case 0:
	case -1:
		w.line(1, "option redispatch")
	default:
		w.line(1, "option redispatch %d", be.Redispatch)
	}
	if be.ForwardFor && !listen {
		w.line(1, "option forwardfor")
	}
	if c := be.HTTPCheck; c != nil {
		if c.Method == "OPTIONS" && c.URI == "/" && c.Version == "HTTP/1.0" {
			w.line(1, "option httpchk")
		} else {
			w.line(1, "option httpchk %s %s %s", cfgword.Quote(orDefault(c.Method, "OPTIONS")),
				cfgword.Quote(orDefault(c.URI, "/")), cfgword.Quote(orDefault(c.Version, "HTTP/1.0")))
		}
	}
	w.timeout("connect", be.Timeouts.Connect, def.Connect)
	w.timeout("server", be.Timeouts.Server, def.Server)
	w.timeout("queue", be.Timeouts.Queue, def.Queue)
	w.timeout("check", be.Timeouts.Check, def.Check)
	for _, s := range be.Servers {
		w.line(1, "%s", serverLine(s))
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// serverLine writes a server with the options that differ from HAProxy's
// defaults; fastinter and downinter default to inter.
func serverLine(s *proxy.Server) string {
	parts := []string{"server", cfgword.Quote(s.Name), cfgword.Quote(s.Addr)}
	add := func(p ...string) { parts = append(parts, p...) }
	if s.ID > 0 {
		add("id", strconv.Itoa(s.ID))
	}
	if s.Weight != 1 {
		add("weight", strconv.Itoa(s.Weight))
	}
	if s.Backup {
		add("backup")
	}
	if s.Disabled {
		add("disabled")
	}
	if s.Check {
		add("check")
	}
	inter := s.Inter
	if inter <= 0 {
		inter = proxy.DefaultInter
	}
	if inter != proxy.DefaultInter {
		add("inter", formatTime(inter))
	}
	if s.FastInter > 0 && s.FastInter != inter {
		add("fastinter", formatTime(s.FastInter))
	}
	if s.DownInter > 0 && s.DownInter != inter {
		add("downinter", formatTime(s.DownInter))
	}
	if s.Rise > 0 && s.Rise != proxy.DefaultRise {
		add("rise", strconv.Itoa(s.Rise))
	}
	if s.Fall > 0 && s.Fall != proxy.DefaultFall {
		add("fall", strconv.Itoa(s.Fall))
	}
	if s.MaxConn != 0 {
		add("maxconn", strconv.Itoa(s.MaxConn))
	}
	if s.MaxQueue != 0 {
		add("maxqueue", strconv.Itoa(s.MaxQueue))
	}
	return strings.Join(parts, " ")
}

// section is one section Format writes: a frontend, a backend, or both as
// a listen section.
type section struct {
	fe *proxy.Frontend
	be *proxy.Backend
}

// sectionOrder lists the sections so that frontends keep their order among
// themselves and backends theirs, merging a frontend and a backend into a
// listen section where that keeps both orders.
func sectionOrder(cfg *proxy.Config) []section {
	var out []section
	j := 0
	for _, fe := range cfg.Frontends {
		k := listenPartner(fe, cfg.Backends)
		if k < j {
			out = append(out, section{fe: fe})
			continue
		}
		for ; j < k; j++ {
			out = append(out, section{be: cfg.Backends[j]})
		}
		out = append(out, section{fe: fe, be: cfg.Backends[k]})
		j = k + 1
	}
	for ; j < len(cfg.Backends); j++ {
		out = append(out, section{be: cfg.Backends[j]})
	}
	return out
}

// listenPartner returns the index of the backend a frontend can be merged
// with into a listen section (same name, used as default backend, same
// mode and the same forwardfor option, which a listen section shares), or
// -1.
func listenPartner(fe *proxy.Frontend, backends []*proxy.Backend) int {
	if fe.DefaultBackend != fe.Name {
		return -1
	}
	for k, be := range backends {
		if be.Name == fe.Name {
			if be.Mode == fe.Mode && be.ForwardFor == fe.ForwardFor {
				return k
			}
			return -1
		}
	}
	return -1
}

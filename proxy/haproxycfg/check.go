package haproxycfg

import (
	"github.com/lblab/lblab/proxy"
)

// check runs the checks HAProxy makes once the whole file is read
// (check_config_validity), proxy by proxy in declaration order. It only
// runs when parsing found no error, as in HAProxy.
func (p *parser) check() {
	listeners := 0
	for _, px := range p.proxies {
		p.checkProxy(px)
		if px.cap&capFE != 0 {
			listeners += len(px.binds)
		}
	}
	if listeners == 0 && len(p.d.errs) == 0 {
		p.d.warns = append(p.d.warns, Diag{File: p.d.file,
			Msg: "Configuration file has no error but will not start (no listener) => exit(2)."})
	}
}

func (p *parser) checkProxy(px *pxState) {
	d := &p.d
	typ := px.typeName()
	if px.mode == proxy.TCP {
		p.ensureNoHTTP(px)
	}
	if px.cap&capFE != 0 && len(px.binds) == 0 {
		d.warnf(px.at.line, "%s '%s' has no 'bind' directive. Please declare it as a backend if this was intended.", typ, px.name)
	}
	if px.defaultBackend != "" {
		if t := p.resolveBackend(px, px.defaultBackend, px.defaultBackendAt, "default_backend", "as its default backend"); t != nil && len(px.servers) > 0 {
			d.warnf(px.at.line, "In proxy '%s', the 'default_backend' rule always has precedence over the servers, which will never be used.", px.name)
		}
	}
	for k, rule := range px.useBackend {
		p.resolveBackend(px, rule.Backend, place{px.useAt[k].line, px.useAt[k].col}, "use_backend", "in a 'use_backend' rule")
	}
	if missingTimeouts(px) {
		d.warnf(px.at.line, "missing timeouts for %s '%s'. While not properly invalid, you will certainly encounter "+
			"various problems with such a configuration. To fix this, please ensure that all following timeouts "+
			"are set to a non-zero value: 'client', 'connect', 'server'.", typ, px.name)
	}
	p.checkServerNames(px)
	if px.cap&capFE != 0 && px.logFmt != logNone && px.logs == 0 {
		d.warnf(px.at.line, "log format ignored for %s '%s' since it has no log address.", typ, px.name)
	}
	if px.mode != proxy.HTTP {
		if px.httpLines > 0 {
			d.warnf(px.at.line, "'http-request' rules ignored for %s '%s' as they require HTTP mode.", typ, px.name)
		}
		if px.forwardFor {
			d.warnf(px.at.line, "'option forwardfor' ignored for %s '%s' as it requires HTTP mode.", typ, px.name)
		}
	}
}

// ensureNoHTTP mirrors proxy_cfg_ensure_no_http for a TCP-mode proxy:
// layer-7 balancing falls back to roundrobin and the HTTP log format to
// the TCP one, each with HAProxy's warning.
func (p *parser) ensureNoHTTP(px *pxState) {
	if px.cap&capBE != 0 && px.algo.L7() {
		var warning string
		px.algo, warning = px.algo.ForTCP(px.typeName(), px.name)
		p.d.warnf(px.at.line, "%s", warning)
	}
	if px.logFmt == logHTTP {
		px.logFmt = logTCP
		p.d.warnf(px.logFmtAt, "'option httplog' not usable with %s '%s' (needs 'mode http'). Falling back to 'option tcplog'.",
			px.typeName(), px.name)
	}
}

// resolveBackend finds the backend a default_backend or use_backend line
// names, with HAProxy's errors: unknown name, a proxy using itself, and
// mode mismatch (a TCP frontend may use an HTTP backend, not the reverse).
func (p *parser) resolveBackend(px *pxState, name string, at place, kw, how string) *pxState {
	var t *pxState
	for _, o := range p.proxies {
		if o.cap&capBE != 0 && o.name == name {
			t = o
			break
		}
	}
	switch {
	case t == nil:
		p.d.errorf(at.line, at.col, "proxy '%s': unable to find required %s: '%s'; expected the name of a backend or listen section",
			px.name, kw, name)
	case t == px:
		p.d.errorf(at.line, at.col, "proxy '%s': loop detected for %s: '%s'; a listen section uses its own servers without naming itself",
			px.name, kw, name)
	case t.mode != px.mode && !(px.mode == proxy.TCP && t.mode == proxy.HTTP):
		p.d.errorf(at.line, at.col, "%s %s '%s' (%s:%d) tries to use incompatible %s %s '%s' (%s:%d) %s (see 'mode'); "+
			"an HTTP frontend needs an HTTP backend",
			px.mode, px.typeName(), px.name, p.d.file, px.at.line, t.mode, t.typeName(), t.name, p.d.file, t.at.line, how)
	default:
		return t
	}
	return nil
}

// missingTimeouts is HAProxy's condition for its "missing timeouts"
// warning: a frontend without "timeout client", or a backend with servers
// and without "timeout connect" or "timeout server" (in TCP mode "timeout
// tunnel" stands in for the latter).
func missingTimeouts(px *pxState) bool {
	if px.cap&capFE != 0 && px.to.client == 0 {
		return true
	}
	return px.cap&capBE != 0 && len(px.servers) > 0 &&
		(px.to.connect == 0 || px.to.server == 0 && (px.mode == proxy.HTTP || px.to.tunnel == 0))
}

// checkServerNames rejects two servers of one backend with the same name,
// unless one of them has an explicit id (HAProxy lets ids tell them apart).
func (p *parser) checkServerNames(px *pxState) {
	for k, s := range px.servers {
		if s.explicit {
			continue
		}
		for _, o := range px.servers[:k] {
			if !o.explicit && o.srv.Name == s.srv.Name {
				p.d.errorf(s.at.line, s.at.col, "%s '%s', another server named '%s' was already defined at line %d, please use distinct names",
					px.typeName(), px.name, s.srv.Name, o.at.line)
				break
			}
		}
	}
}

package haproxycfg

import (
	"github.com/lblab/lblab/proxy"
)

// build turns the parsed sections into a proxy.Config and records where
// each part was written. A listen section becomes a frontend and a backend
// of the same name, the frontend using the backend unless it names another.
func (p *parser) build() *proxy.Config {
	cfg := &proxy.Config{MaxConn: p.global.maxconn}
	for _, px := range p.proxies {
		if px.cap&capFE != 0 {
			fe := p.frontend(px)
			cfg.Frontends = append(cfg.Frontends, fe)
		}
		if px.cap&capBE != 0 {
			cfg.Backends = append(cfg.Backends, p.backend(px))
		}
	}
	return cfg
}

func (p *parser) frontend(px *pxState) *proxy.Frontend {
	http := px.mode == proxy.HTTP
	fe := &proxy.Frontend{
		Name:           px.name,
		Mode:           px.mode,
		MaxConn:        px.maxconn,
		Timeouts:       proxy.Timeouts{Client: px.to.client},
		HTTPLog:        px.logFmt == logHTTP,
		TCPLog:         px.logFmt == logTCP,
		DontLogNull:    px.dontLogNull,
		ForwardFor:     px.forwardFor && http,
		ACLs:           px.acls,
		TCPConnRules:   px.tcpRules,
		UseBackends:    px.useBackend,
		DefaultBackend: px.defaultBackend,
	}
	if http {
		// HAProxy ignores http-request rules in TCP mode (with a warning).
		fe.HTTPRules = px.httpRules
	}
	if fe.DefaultBackend == "" && px.cap&capBE != 0 {
		fe.DefaultBackend = px.name // a listen section uses its own servers
	}
	p.pos[fe] = px.at
	for k, b := range px.binds {
		fe.Binds = append(fe.Binds, b.addr)
		p.pos[BindRef{Frontend: fe, Index: k}] = b.at
	}
	for k := range fe.HTTPRules {
		p.pos[&fe.HTTPRules[k]] = px.httpAt[k]
	}
	for k := range fe.TCPConnRules {
		p.pos[&fe.TCPConnRules[k]] = px.tcpAt[k]
	}
	for k := range fe.UseBackends {
		p.pos[&fe.UseBackends[k]] = px.useAt[k]
	}
	return fe
}

func (p *parser) backend(px *pxState) *proxy.Backend {
	be := proxy.NewBackend(px.name, px.mode)
	be.Balance = px.algo
	be.Balance.Hash = px.hashType
	be.Balance.BalanceFactor = px.factor
	be.Timeouts = proxy.Timeouts{Connect: px.to.connect, Server: px.to.server, Queue: px.to.queue, Check: px.to.check}
	be.Retries = px.retries
	be.Redispatch = px.redispatch
	be.ForwardFor = px.forwardFor && px.mode == proxy.HTTP
	be.HTTPCheck = px.httpCheck
	p.pos[be] = px.at
	for _, s := range px.servers {
		be.Servers = append(be.Servers, s.srv)
		p.pos[s.srv] = s.at
	}
	return be
}

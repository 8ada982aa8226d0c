package haproxycfg

import (
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/acl"
	"github.com/lblab/lblab/proxy/balance"
)

// capability is what a proxy section can do, as HAProxy's PR_CAP_* bits.
type capability uint8

const (
	capFE capability = 1 << iota
	capBE
	capDef
)

// logFormat is which predefined log format a proxy uses.
type logFormat uint8

const (
	logNone logFormat = iota
	logHTTP
	logTCP
)

// timeouts holds a section's timeouts, including those lblab does not run
// but HAProxy's checks read (tunnel).
type timeouts struct {
	client, connect, server, queue, check, tunnel time.Duration
}

// slot returns the field "timeout NAME" sets, or nil for the timeouts
// nobody reads (http-request, tarpit, ...).
func (t *timeouts) slot(name string) *time.Duration {
	switch name {
	case "client":
		return &t.client
	case "connect":
		return &t.connect
	case "server":
		return &t.server
	case "queue":
		return &t.queue
	case "check":
		return &t.check
	case "tunnel":
		return &t.tunnel
	}
	return nil
}

// place is where something was written: a line, and the column of the word
// that matters.
type place struct {
	line, col int
}

// bind is one listening address of a frontend.
type bind struct {
	addr string
	at   place
}

// server is a parsed server line and where it was written.
type server struct {
	srv      *proxy.Server
	at       place
	explicit bool // an "id" was given
}

// rule bookkeeping: which kinds of rules a proxy already has, for HAProxy's
// "placed after ... will still be processed before" warnings.
type ruleSeen struct {
	tcpSession, tcpContent, monitorFail, httpReq, redirect, useBackend, useServer bool
}

// pxState is one proxy section (defaults, frontend, backend or listen)
// while it is being read: the inherited values plus its own lines.
type pxState struct {
	kind string // "defaults", "frontend", "backend" or "listen"
	name string
	cap  capability
	at   place

	// defaults bookkeeping (HAProxy's PR_FL_EXPLICIT_REF / IMPLICIT_REF)
	explicitRef, implicitRef bool
	hasRules                 bool       // a defaults section with http-request/tcp-request rules
	hasConnRules             bool       // ... with tcp-request connection (or session) rules
	rulesUsedBy              capability // which kind of section inherits those rules

	mode        proxy.Mode
	to          timeouts
	inh         timeouts // the timeouts inherited from the defaults section
	maxconn     int
	logFmt      logFormat
	logFmtAt    int // line of the option that chose logFmt (may be in a defaults section)
	dontLogNull bool
	forwardFor  bool
	redispatch  int
	httpCheck   *proxy.HTTPCheck
	retries     int
	algo        balance.Spec
	hashType    balance.HashType
	factor      int
	logs        int  // log targets, "log global" counted as the global section's
	logGlobal   bool // a "log global" line (resolved after parsing)

	defaultBackend   string
	defaultBackendAt place

	binds      []bind
	acls       *acl.Set
	tcpRules   []proxy.TCPRule
	tcpAt      []place
	httpRules  []proxy.HTTPRule
	httpAt     []place
	httpLines  int // every http-request line, also those lblab ignores
	useBackend []proxy.UseBackend
	useAt      []place
	seen       ruleSeen
	lastFinal  bool // the last http-request rule is final and unconditional

	servers []*server
	ids     map[int]*server
}

// newDefaults returns the values HAProxy gives a proxy before any defaults
// section (proxy_preset_defaults): TCP mode, 3 retries, roundrobin.
func newDefaults() *pxState {
	return &pxState{kind: "defaults", cap: capDef | capFE | capBE,
		mode: proxy.TCP, retries: proxy.DefaultRetries}
}

// inherit copies what HAProxy copies from a defaults section into a new
// section (proxy_defproxy_cpy): frontend values only into sections with
// the frontend capability, backend values only into those with the backend
// one.
func (p *pxState) inherit(def *pxState) {
	p.mode = def.mode
	p.dontLogNull = def.dontLogNull
	p.forwardFor = def.forwardFor
	p.logs = def.logs
	p.logGlobal = def.logGlobal
	if p.cap&capFE != 0 {
		p.maxconn = def.maxconn
		p.to.client = def.to.client
		p.logFmt, p.logFmtAt = def.logFmt, def.logFmtAt
		p.defaultBackend, p.defaultBackendAt = def.defaultBackend, def.defaultBackendAt
	}
	if p.cap&capBE != 0 {
		p.to.connect = def.to.connect
		p.to.server = def.to.server
		p.to.queue = def.to.queue
		p.to.check = def.to.check
		p.to.tunnel = def.to.tunnel
		p.retries = def.retries
		p.redispatch = def.redispatch
		p.algo, p.hashType, p.factor = def.algo, def.hashType, def.factor
		if def.httpCheck != nil {
			c := *def.httpCheck
			p.httpCheck = &c
		}
	}
}

// typeName is how HAProxy names a section in its messages
// (proxy_type_str): "defaults", "frontend", "backend", or "proxy" for a
// listen section.
func (p *pxState) typeName() string {
	switch {
	case p.cap&capDef != 0:
		return "defaults"
	case p.cap&(capFE|capBE) == capFE|capBE:
		return "proxy"
	case p.cap&capFE != 0:
		return "frontend"
	default:
		return "backend"
	}
}

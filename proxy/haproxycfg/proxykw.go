package haproxycfg

import (
	"fmt"
	"strings"
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// proxyLine handles one line of a defaults, frontend, backend or listen
// section.
func (p *parser) proxyLine(num int, words []word, mod string) {
	c := &lineCtx{p: p, px: p.cur, num: num, words: words, mod: mod}
	switch words[0].text {
	case "mode":
		c.mode()
	case "bind":
		c.bind()
	case "default_backend":
		c.defaultBackend()
	case "use_backend":
		c.useBackend()
	case "balance":
		c.balance()
	case "hash-type":
		c.hashType()
	case "hash-balance-factor":
		c.hashBalanceFactor()
	case "server":
		c.server()
	case "timeout":
		c.timeout()
	case "retries":
		c.retries()
	case "option":
		c.option()
	case "acl":
		c.acl()
	case "http-request":
		c.httpRequest()
	case "tcp-request":
		c.tcpRequest()
	case "maxconn":
		c.maxconn()
	case "log":
		c.log()
	default:
		c.other()
	}
}

func (c *lineCtx) isDefaults() bool   { return c.px.cap&capDef != 0 }
func (c *lineCtx) anonDefaults() bool { return c.isDefaults() && c.px.name == "" }

// needCap mirrors HAProxy's warnifnotcap: a keyword meant for the other
// half of a proxy is ignored with a warning.
func (c *lineCtx) needCap(want capability, name, hint string) bool {
	if c.px.cap&want != 0 {
		return true
	}
	missing := "no backend"
	if want == capFE {
		missing = "no frontend"
	}
	c.warn("'%s' ignored because %s '%s' has %s capability.%s", name, c.px.typeName(), c.px.name, missing, hint)
	return false
}

// notInDefaults rejects a keyword in a defaults section, as HAProxy does.
func (c *lineCtx) notInDefaults() bool {
	if c.isDefaults() {
		c.errAt(0, "'%s' not allowed in 'defaults' section; move it to a frontend, backend or listen section", c.words[0].text)
		return false
	}
	return true
}

func (c *lineCtx) mode() {
	if c.tooMany(1) {
		return
	}
	switch c.arg(1) {
	case "http":
		c.px.mode = proxy.HTTP
	case "tcp":
		c.px.mode = proxy.TCP
	case "health":
		c.errAt(1, "'mode health' doesn't exist anymore; use 'http-request return status 200' instead")
	default:
		c.errAt(1, "unknown proxy mode '%s'; expected 'http' or 'tcp'", c.arg(1))
	}
}

func (c *lineCtx) defaultBackend() {
	ok := c.needCap(capFE, "default_backend", "")
	if c.arg(1) == "" {
		c.errMissing("'default_backend' expects a backend name")
		return
	}
	if c.tooMany(1) || !ok {
		return
	}
	if strings.Contains(c.arg(1), "%") {
		c.errAt(1, "dynamic backend names (log-format expressions) are not supported by lblab; name a backend")
		return
	}
	c.px.defaultBackend = c.arg(1)
	c.px.defaultBackendAt = place{c.num, c.col(1)}
}

func (c *lineCtx) useBackend() {
	if !c.notInDefaults() {
		return
	}
	if !c.needCap(capFE, "use_backend", "") {
		return
	}
	name := c.arg(1)
	if name == "" {
		c.errMissing("'use_backend' expects a backend name")
		return
	}
	if strings.Contains(name, "%") {
		c.errAt(1, "dynamic backend names (log-format expressions) are not supported by lblab; name a backend")
		return
	}
	rule := proxy.UseBackend{Backend: name}
	if len(c.words) > 2 {
		if w := c.arg(2); w != "if" && w != "unless" {
			c.errAt(2, "unexpected keyword '%s' after switching rule; only 'if' and 'unless' are allowed", w)
			return
		}
		cond, ok := c.cond(2)
		if !ok {
			return
		}
		rule.Cond = cond
	}
	rule.Text = useBackendLine(rule)
	c.px.useBackend = append(c.px.useBackend, rule)
	c.px.useAt = append(c.px.useAt, place{c.num, c.col(0)})
	c.px.seen.useBackend = true
}

func (c *lineCtx) balance() {
	c.needCap(capBE, "balance", "")
	spec, err := balance.ParseBalance(c.texts(1))
	if err != nil {
		c.errAt(1+wordIndex(err), "%s", err.Error())
		return
	}
	c.px.algo = spec
}

func (c *lineCtx) hashType() {
	c.needCap(capBE, "hash-type", "")
	ht, err := balance.ParseHashType(c.texts(1))
	if err != nil {
		c.errAt(1+wordIndex(err), "%s", err.Error())
		return
	}
	c.px.hashType = ht
}

func (c *lineCtx) hashBalanceFactor() {
	if c.arg(1) == "" {
		c.errMissing("'hash-balance-factor' expects an integer argument")
		return
	}
	f, err := balance.ParseBalanceFactor(c.arg(1))
	if err != nil {
		c.errAt(1, "%s", err.Error())
		return
	}
	if _, clean := atol(c.arg(1)); !clean {
		c.lab("'hash-balance-factor' value '%s' is not a plain integer: HAProxy reads it as %d", c.arg(1), f)
	}
	c.px.factor = f
}

// timeoutKinds are the "timeout" names of HAProxy 2.6 and the half of a
// proxy each applies to.
var timeoutKinds = [...]struct {
	name string
	cap  capability
}{
	{"client", capFE}, {"tarpit", capFE | capBE}, {"http-keep-alive", capFE | capBE},
	{"http-request", capFE | capBE}, {"server", capBE}, {"connect", capBE},
	{"check", capBE}, {"queue", capBE}, {"tunnel", capBE}, {"client-fin", capFE},
	{"server-fin", capBE},
}

func (c *lineCtx) timeout() {
	name := c.arg(1)
	var capab capability
	for _, k := range timeoutKinds {
		if k.name == name {
			capab = k.cap
		}
	}
	switch {
	case name == "clitimeout" || name == "srvtimeout" || name == "contimeout":
		c.errAt(1, "the '%s' directive is not supported anymore since HAProxy 2.1; use 'timeout %s'",
			name, map[string]string{"clitimeout": "client", "srvtimeout": "server", "contimeout": "connect"}[name])
		return
	case capab == 0:
		c.errAt(1, "'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', "+
			"'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '%s')", name)
		return
	}
	value := c.arg(2)
	if value == "" {
		c.errMissing("'timeout %s' expects an integer value (in milliseconds)", name)
		return
	}
	d, trailing, terr := parseTime(value)
	if terr != nil {
		c.errAt(2, "%s", terr.describe(value, "'timeout "+name+"'"))
		return
	}
	if trailing != 0 {
		c.warn("%s", trailingWarning(trailing, value))
	}
	slot := c.px.timeoutSlot(name)
	switch {
	case c.px.cap&capab == 0:
		half := "frontend"
		if capab&capBE != 0 {
			half = "backend"
		}
		c.warn("'timeout %s' will be ignored because %s '%s' has no %s capability", name, c.px.typeName(), c.px.name, half)
	case !c.isDefaults() && slot != nil && *slot != *c.px.inhSlot(name):
		c.warn("overwriting 'timeout %s' which was already specified", name)
	}
	if len(c.words) > 3 {
		c.errAt(3, "'timeout %s' : unexpected extra argument '%s' after value '%s'", name, c.arg(3), value)
		return
	}
	if slot != nil {
		*slot = d
	}
	if slot == nil || name == "tunnel" {
		c.lab("'timeout %s' is not supported by lblab and is ignored", name)
	}
}

func (p *pxState) timeoutSlot(name string) *time.Duration { return p.to.slot(name) }
func (p *pxState) inhSlot(name string) *time.Duration     { return p.inh.slot(name) }

func (c *lineCtx) retries() {
	c.needCap(capBE, "retries", "")
	if c.tooMany(1) {
		return
	}
	if c.arg(1) == "" {
		c.errMissing("'retries' expects an integer argument (dispatch counts for one)")
		return
	}
	c.px.retries = c.atoi(1)
}

func (c *lineCtx) maxconn() {
	c.needCap(capFE, "maxconn", " Maybe you want 'fullconn' instead ?")
	if c.arg(1) == "" {
		c.errMissing("'maxconn' expects an integer argument")
		return
	}
	n := c.atoi(1)
	if c.tooMany(1) {
		return
	}
	c.px.maxconn = n
}

func (c *lineCtx) log() {
	if c.mod == "no" {
		if len(c.words) > 1 {
			c.errAt(1, "'no log' does not expect arguments")
			return
		}
		c.px.logs, c.px.logGlobal = 0, false
		return
	}
	if c.arg(1) == "global" && len(c.words) == 2 {
		// "log global" copies the global section's targets known so far.
		c.px.logs += c.p.global.logs
		c.px.logGlobal = true
		return
	}
	if c.logTarget(false) {
		c.px.logs++
	}
}

func (c *lineCtx) acl() {
	if c.anonDefaults() {
		c.errAt(0, "'acl' not allowed in anonymous 'defaults' section; declare it in the frontend")
		return
	}
	name := c.arg(1)
	if name == "" {
		c.errMissing("'acl' expects a name, a fetch and patterns")
		return
	}
	if ch, bad := invalidChar(name); bad {
		c.errAt(1, "character '%c' is not permitted in acl name '%s'; names may use letters, digits, '.', ':', '_' and '-'", ch, name)
		return
	}
	if strings.EqualFold(name, "or") {
		c.errAt(1, "acl name '%s' will never match; 'or' is used to express a logical disjunction within a condition", name)
		return
	}
	warns, err := c.px.acls.DeclareWithWarnings(c.texts(1))
	if err != nil {
		c.errAt(1+wordIndex(err), "error detected while parsing ACL '%s' : %s", name, err.Error())
		return
	}
	c.aclWarnings(warns)
	if c.isDefaults() {
		// Declared all the same, so that the defaults section's own rules
		// are checked as HAProxy checks them.
		c.lab("'acl' in a defaults section is not supported by lblab and is ignored")
	}
}

// other handles every keyword lblab does not implement: HAProxy's known
// keywords are ignored with a warning, anything else is an error.
func (c *lineCtx) other() {
	kw := c.words[0].text
	if why, ok := removedProxyKeywords[kw]; ok {
		c.errAt(0, "keyword '%s' is not supported anymore; %s", kw, why)
		return
	}
	entry, n, ok := lookupKeyword(c.texts(0))
	if !ok {
		c.unknown()
		return
	}
	name := strings.Join(c.texts(0)[:n], " ")
	f := entry.flags
	switch {
	case c.isDefaults() && f&inDefaults == 0:
		c.errAt(0, "'%s' not allowed in 'defaults' section; move it to a frontend, backend or listen section", name)
		return
	case c.anonDefaults() && f&namedDefaultsOnly != 0:
		c.errAt(0, "'%s' not allowed in anonymous 'defaults' section; give the defaults section a name or move the line", name)
		return
	case c.px.kind == "frontend" && f&inFrontend == 0:
		c.needCap(capBE, kw, "")
		return
	case c.px.kind == "backend" && f&inBackend == 0:
		c.needCap(capFE, kw, "")
		return
	}
	c.lab("'%s' is not supported by lblab and is ignored", name)
}

// unknown reports a keyword HAProxy does not know, with a suggestion.
func (c *lineCtx) unknown() {
	kw := c.words[0].text
	var firsts []string
	sub := false
	for _, e := range proxyKeywords {
		head, _, _ := strings.Cut(e.name, " ")
		firsts = append(firsts, head)
		if head == kw {
			sub = true
		}
	}
	if sub {
		var subs []string
		for _, e := range proxyKeywords {
			if rest, ok := strings.CutPrefix(e.name, kw+" "); ok {
				subs = append(subs, "'"+rest+"'")
			}
		}
		c.errAt(1, "unknown '%s' keyword '%s'; expected %s", kw, c.arg(1), strings.Join(subs, ", "))
		return
	}
	msg := fmt.Sprintf("unknown keyword '%s' in '%s' section", kw, c.p.section)
	if s := suggest(kw, firsts); s != "" {
		msg += fmt.Sprintf("; did you mean '%s'?", s)
	}
	c.errAt(0, "%s", msg)
}

// lookupKeyword finds the longest keyword-matrix entry the words start with.
func lookupKeyword(words []string) (proxyKeyword, int, bool) {
	for n := min(3, len(words)); n > 0; n-- {
		name := strings.Join(words[:n], " ")
		for _, e := range proxyKeywords {
			if e.name == name {
				return e, n, true
			}
		}
	}
	return proxyKeyword{}, 0, false
}

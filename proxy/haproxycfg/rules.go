package haproxycfg

import (
	"errors"
	"strings"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/acl"
	"github.com/lblab/lblab/proxy/balance"
)

// wordIndex extracts the word index of an acl or balance parse error
// (relative to the words handed to the parser), 0 when there is none.
func wordIndex(err error) int {
	var ae *acl.WordError
	if errors.As(err, &ae) {
		return ae.Word
	}
	var be *balance.WordError
	if errors.As(err, &be) {
		return be.Word
	}
	return 0
}

// cond parses the condition starting at word k ("if" or "unless").
func (c *lineCtx) cond(k int) (*acl.Cond, bool) {
	cond, err := c.px.acls.ParseCond(c.texts(k))
	if err != nil {
		c.errAt(k+wordIndex(err), "error detected while parsing the condition: %s", err.Error())
		return nil, false
	}
	c.aclWarnings(cond.Warnings())
	return cond, true
}

// aclWarnings passes on what the acl package says HAProxy warns about.
func (c *lineCtx) aclWarnings(warns []*acl.WordError) {
	for _, w := range warns {
		if strings.HasPrefix(w.Msg, "an empty word ends the line") {
			c.lab("%s", w.Msg)
			continue
		}
		c.warn("%s", w.Msg)
	}
}

// condAfter finds the first "if" or "unless" from word k on, for rules
// lblab ignores: their condition is still checked as HAProxy would.
func (c *lineCtx) condAfter(k int) {
	for j := k; j < len(c.words); j++ {
		if w := c.words[j].text; w == "if" || w == "unless" {
			c.cond(j)
			return
		}
	}
}

// actionName is an action as HAProxy looks it up: "set-var(txn.x)" is
// "set-var".
func actionName(w string) string {
	name, _, _ := strings.Cut(w, "(")
	return name
}

// misplaced mirrors HAProxy's warnings about a rule written after rules
// that are always evaluated later; order lists the earlier-evaluated kinds
// to look at, nearest first.
func (c *lineCtx) misplaced(kw string, order ...string) {
	seen := c.px.seen
	has := map[string]bool{
		"tcp-request session": seen.tcpSession, "tcp-request content": seen.tcpContent,
		"monitor fail": seen.monitorFail, "http-request": seen.httpReq, "redirect": seen.redirect,
		"use_backend": seen.useBackend, "use-server": seen.useServer,
	}
	for _, o := range order {
		if has[o] {
			article := "a"
			if o == "http-request" {
				article = "an"
			}
			c.warn("a '%s' rule placed after %s '%s' rule will still be processed before.", kw, article, o)
			return
		}
	}
}

// finalActions are the http-request actions that stop rule evaluation.
var finalActions = map[string]bool{
	"allow": true, "deny": true, "tarpit": true, "reject": true, "redirect": true,
	"return": true, "auth": true, "silent-drop": true, "use-service": true,
}

// httpRequest handles "http-request ACTION ... [if|unless COND]"; lblab runs
// allow and deny (with deny_status) and ignores the other actions.
func (c *lineCtx) httpRequest() {
	px := c.px
	if c.anonDefaults() {
		c.errAt(0, "'http-request' not allowed in anonymous 'defaults' section; give the defaults section a name or move the rule to the frontend")
		return
	}
	if px.lastFinal {
		c.warn("previous 'http-request' action is final and has no condition attached, further entries are NOOP.")
	}
	action := actionName(c.arg(1))
	if !oneOf(action, httpRequestActions[:]) {
		msg := "'http-request' expects an action"
		if action != "" {
			msg = "unknown 'http-request' action '" + action + "'"
		}
		if s := suggest(action, httpRequestActions[:]); s != "" && action != "" {
			msg += "; did you mean '" + s + "'?"
		} else {
			msg += "; lblab runs 'allow' and 'deny', HAProxy knows 'redirect', 'set-header', 'return', ..."
		}
		c.errAt(1, "%s", msg)
		return
	}
	px.httpLines++
	if c.isDefaults() {
		px.hasRules = true
	}
	c.misplaced("http-request", "redirect", "use_backend", "use-server")
	if action != "allow" && action != "deny" || px.cap&capFE == 0 || c.isDefaults() {
		c.condAfter(2)
		c.ignoredRule("http-request " + action)
		px.lastFinal = finalActions[action] && !c.hasCond(2)
		px.seen.httpReq = true
		return
	}
	rule, ok := c.httpAllowDeny(action)
	if !ok {
		return
	}
	px.httpRules = append(px.httpRules, rule)
	px.httpAt = append(px.httpAt, place{c.num, c.col(0)})
	px.seen.httpReq = true
	px.lastFinal = rule.Cond == nil
}

func (c *lineCtx) hasCond(k int) bool {
	for _, w := range c.texts(k) {
		if w == "if" || w == "unless" {
			return true
		}
	}
	return false
}

// ignoredRule warns about a rule lblab does not run, saying why.
func (c *lineCtx) ignoredRule(what string) {
	switch {
	case c.isDefaults():
		c.lab("'%s' in a defaults section is not supported by lblab and is ignored", what)
	case c.px.cap&capFE == 0:
		c.lab("'%s' in a backend is not supported by lblab and is ignored", what)
	default:
		c.lab("'%s' is not supported by lblab and is ignored", what)
	}
}

// httpAllowDeny parses "allow [if|unless COND]" and
// "deny [deny_status CODE] [if|unless COND]".
func (c *lineCtx) httpAllowDeny(action string) (proxy.HTTPRule, bool) {
	rule := proxy.HTTPRule{Action: proxy.Allow}
	k := 2
	if action == "deny" {
		rule.Action = proxy.Deny
		if c.arg(k) == "deny_status" {
			code, ok := c.denyStatus(k + 1)
			if !ok {
				return rule, false
			}
			rule.DenyStatus = code
			k += 2
		}
		if w := c.arg(k); w != "" && w != "if" && w != "unless" {
			c.errAt(k, "'http-request deny' option '%s' is not supported by lblab; it runs 'http-request deny [deny_status <code>] [if|unless <condition>]'", w)
			return rule, false
		}
	}
	if k < len(c.words) {
		if w := c.arg(k); w != "if" && w != "unless" {
			c.errAt(k, "'http-request %s' expects 'if' or 'unless' followed by a condition but found '%s'", action, w)
			return rule, false
		}
		cond, ok := c.cond(k)
		if !ok {
			return rule, false
		}
		rule.Cond = cond
	}
	rule.Text = httpRuleLine(rule)
	return rule, true
}

// denyStatus reads the code after deny_status: HAProxy accepts only the
// statuses it has a built-in error page for.
func (c *lineCtx) denyStatus(k int) (int, bool) {
	if c.arg(k) == "" {
		c.errMissing("'deny_status' expects <status_code> as argument")
		return 0, false
	}
	code := c.atoi(k)
	if code < 200 || code > 599 {
		c.errAt(k, "unexpected status code '%d'; expected one of %s", code, errCodeList())
		return 0, false
	}
	for _, e := range httpErrCodes {
		if e == code {
			return code, true
		}
	}
	c.errAt(k, "status code '%d' not handled by default with 'default-errorfiles' argument; expected one of %s", code, errCodeList())
	return 0, false
}

func errCodeList() string {
	parts := make([]string, len(httpErrCodes))
	for k, e := range httpErrCodes {
		parts[k] = itoa(e)
	}
	return strings.Join(parts, ", ")
}

// tcpRequest handles "tcp-request connection accept|reject [if|unless
// COND]"; the other tcp-request rules are ignored.
func (c *lineCtx) tcpRequest() {
	px := c.px
	sub := c.arg(1)
	switch sub {
	case "connection", "session":
		if c.anonDefaults() {
			c.errAt(0, "tcp-request %s is not allowed in anonymous 'defaults' sections; give the defaults section a name or move the rule to the frontend", sub)
			return
		}
		if px.cap&capFE == 0 {
			c.errAt(1, "tcp-request %s is not allowed because %s %s is not a frontend", sub, px.typeName(), px.name)
			return
		}
	case "content", "inspect-delay":
		if c.anonDefaults() {
			c.errAt(0, "tcp-request %s is not allowed in anonymous 'defaults' sections; give the defaults section a name", sub)
			return
		}
	default:
		c.errAt(1, "'tcp-request' expects 'inspect-delay', 'connection', 'session' or 'content' (got '%s')", sub)
		return
	}
	if c.isDefaults() && sub != "inspect-delay" {
		px.hasRules = true
		px.hasConnRules = px.hasConnRules || sub == "connection" || sub == "session"
	}
	switch sub {
	case "content":
		c.condAfter(3)
		c.misplaced("tcp-request", "monitor fail", "http-request", "redirect", "use_backend", "use-server")
	case "session":
		c.condAfter(3)
		c.misplaced("tcp-request", "tcp-request content", "monitor fail", "http-request", "redirect", "use_backend", "use-server")
	}
	if sub != "connection" {
		c.ignoredRule("tcp-request " + sub)
		px.seen.tcpContent = px.seen.tcpContent || sub == "content"
		px.seen.tcpSession = px.seen.tcpSession || sub == "session"
		return
	}
	c.tcpConnection()
}

func (c *lineCtx) tcpConnection() {
	px := c.px
	action := actionName(c.arg(2))
	if !oneOf(action, tcpConnActions[:]) {
		c.errAt(2, "'tcp-request connection' expects 'accept', 'reject', 'capture', 'expect-proxy', "+
			"'track-sc0' ... 'track-sc2', 'set-var(*)', 'silent-drop', ... (got '%s')", c.arg(2))
		return
	}
	c.misplaced("tcp-request", "tcp-request session", "tcp-request content", "monitor fail",
		"http-request", "redirect", "use_backend", "use-server")
	if (action != "accept" && action != "reject") || c.isDefaults() {
		c.condAfter(3)
		c.ignoredRule("tcp-request connection " + action)
		return
	}
	rule := proxy.TCPRule{Action: proxy.Allow}
	if action == "reject" {
		rule.Action = proxy.Deny
	}
	if len(c.words) > 3 {
		if w := c.arg(3); w != "if" && w != "unless" {
			c.errAt(3, "'tcp-request connection %s' only accepts 'if' or 'unless', in %s '%s' (got '%s')",
				action, px.typeName(), px.name, w)
			return
		}
		cond, ok := c.cond(3)
		if !ok {
			return
		}
		rule.Cond = cond
		if w := cond.TCPConnectionWarning(); w != "" {
			c.warn("%s", w)
		}
	}
	rule.Text = tcpRuleLine(rule)
	px.tcpRules = append(px.tcpRules, rule)
	px.tcpAt = append(px.tcpAt, place{c.num, c.col(0)})
}

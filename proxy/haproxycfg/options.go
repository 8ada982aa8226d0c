package haproxycfg

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lblab/lblab/proxy"
)

// optionCap says which half of a proxy an option belongs to, from the
// keyword matrix.
func optionCap(flags kwFlags) capability {
	switch {
	case flags&inFrontend == 0:
		return capBE
	case flags&inBackend == 0:
		return capFE
	}
	return capFE | capBE
}

// option handles "option NAME ..." and "no option NAME".
func (c *lineCtx) option() {
	name := c.arg(1)
	if name == "" {
		c.errMissing("'option' expects an option name")
		return
	}
	if why, ok := removedOptions[name]; ok {
		c.errAt(1, "option '%s' is not supported: %s", name, why)
		return
	}
	entry, known := lookupOption(name)
	if !known {
		msg := fmt.Sprintf("unknown option '%s'", name)
		if s := suggest(name, optionNames()); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		c.errAt(1, "%s", msg)
		return
	}
	neg := c.mod == "no"
	modeOpt := name == "httpclose" || name == "http-server-close" || name == "http-keep-alive"
	if neg && entry.flags&negatable == 0 && !modeOpt {
		c.errAt(0, "negation/default is not supported for option '%s'", name)
		return
	}
	switch name {
	case "httplog", "tcplog":
		c.logOption(name)
	case "dontlognull":
		if c.tooManyAfter(0, 1) || !c.needCap(capFE, name, "") {
			return
		}
		c.px.dontLogNull = !neg
	case "redispatch":
		c.redispatch(neg)
	case "forwardfor":
		c.forwardFor()
	case "httpchk":
		c.httpChk()
	default:
		c.unsupportedOption(name, entry, modeOpt)
	}
}

func lookupOption(name string) (proxyKeyword, bool) {
	for _, e := range proxyKeywords {
		if e.name == "option "+name {
			return e, true
		}
	}
	return proxyKeyword{}, false
}

func optionNames() []string {
	var names []string
	for _, e := range proxyKeywords {
		if rest, ok := strings.CutPrefix(e.name, "option "); ok {
			names = append(names, rest)
		}
	}
	return names
}

// unsupportedOption checks an option lblab does not run the way HAProxy
// would, then ignores it with a warning.
func (c *lineCtx) unsupportedOption(name string, entry proxyKeyword, modeOpt bool) {
	// Options HAProxy keeps as plain flags take no argument.
	if (entry.flags&negatable != 0 || modeOpt || name == "tcpka") && c.tooManyAfter(0, 1) {
		return
	}
	if !c.isDefaults() {
		want := optionCap(entry.flags)
		if c.px.cap&want == 0 {
			c.needCap(want, name, "")
			return
		}
	}
	c.lab("'%s %s' is not supported by lblab and is ignored", c.kw(), name)
}

// logOption handles "option httplog [clf]" and "option tcplog".
func (c *lineCtx) logOption(name string) {
	fmtWanted, label := logTCP, "option tcplog"
	if name == "httplog" {
		fmtWanted, label = logHTTP, "option httplog"
		if c.arg(2) != "" {
			if c.arg(2) != "clf" {
				c.errAt(2, "keyword 'httplog' only supports option 'clf' (got '%s')", c.arg(2))
				return
			}
			if c.tooManyAfter(1, 1) {
				return
			}
			c.lab("'option httplog clf' is not supported by lblab: the lab writes the default httplog format")
		}
	}
	if c.isDefaults() && c.px.logFmt != logNone {
		prev := "option httplog"
		if c.px.logFmt == logTCP {
			prev = "option tcplog"
		}
		c.warn("'%s' overrides previous '%s' in 'defaults' section.", label, prev)
	}
	c.px.logFmt, c.px.logFmtAt = fmtWanted, c.num
	if name == "tcplog" && c.tooManyAfter(0, 1) {
		return
	}
	if c.px.cap&(capFE|capDef) == 0 {
		c.warn("backend '%s' : '%s' directive is ignored in backends.", c.px.name, label)
	}
}

// redispatch handles "option redispatch [interval]" and its negation.
func (c *lineCtx) redispatch(neg bool) {
	if !c.needCap(capBE, "redispatch", "") {
		return
	}
	switch {
	case neg:
		c.px.redispatch = 0
	case c.arg(2) == "":
		c.px.redispatch = -1
	default:
		c.px.redispatch = c.atoi(2)
		if len(c.words) > 3 {
			c.lab("'option redispatch' takes one interval: HAProxy ignores '%s'", c.arg(3))
		}
	}
}

// forwardFor handles "option forwardfor [except NET] [header NAME] [if-none]".
func (c *lineCtx) forwardFor() {
	for k := 2; k < len(c.words); {
		switch c.arg(k) {
		case "except":
			if !validNet(c.arg(k + 1)) {
				c.errAt(k+1, "'option forwardfor except' expects <address>[/mask] as argument (got '%s')", c.arg(k+1))
				return
			}
			k += 2
		case "header":
			if c.arg(k+1) == "" {
				c.errMissing("'option forwardfor header' expects <header_name> as argument")
				return
			}
			k += 2
		case "if-none":
			k++
		default:
			c.errAt(k, "'option forwardfor' only supports optional values: 'except', 'header' and 'if-none' (got '%s')", c.arg(k))
			return
		}
	}
	if len(c.words) > 2 {
		c.lab("'option forwardfor' sub-options (%s) are not supported by lblab and are ignored",
			strings.Join(c.texts(2), " "))
	}
	c.px.forwardFor = true
}

// validNet reports whether s is an IPv4 or IPv6 address with an optional
// mask, as "except" takes.
func validNet(s string) bool {
	if s == "" {
		return false
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	addr, mask, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	// IPv4 with a dotted mask: 10.0.0.0/255.0.0.0.
	a, err1 := netip.ParseAddr(addr)
	m, err2 := netip.ParseAddr(mask)
	return err1 == nil && err2 == nil && a.Is4() && m.Is4()
}

// httpChk handles "option httpchk [[METHOD] URI [VERSION]]".
func (c *lineCtx) httpChk() {
	if !c.isDefaults() && !c.needCap(capBE, "httpchk", "") {
		return
	}
	if c.tooManyAfter(3, 1) {
		return
	}
	chk := &proxy.HTTPCheck{Method: "OPTIONS", URI: "/", Version: "HTTP/1.0"}
	args := c.texts(2)
	switch len(args) {
	case 1:
		chk.URI = args[0]
	case 2:
		chk.Method, chk.URI = args[0], args[1]
	case 3:
		chk.Method, chk.URI, chk.Version = args[0], args[1], args[2]
		if v, _, found := strings.Cut(chk.Version, "\r\n"); found {
			chk.Version = v
			c.warn("'option httpchk' : hiding headers or body at the end of the version string is deprecated. Please, consider to use 'http-check send' directive instead.")
			c.lab("headers hidden in the 'option httpchk' version are not supported by lblab and are ignored")
		}
	}
	c.px.httpCheck = chk
}

package haproxycfg

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/acl"
)

// File is a parsed haproxy.cfg: the configuration, HAProxy's warnings (and
// lblab's own, marked Lab), and where each part was written.
type File struct {
	Config   *proxy.Config
	Warnings []Diag

	name string
	pos  map[any]place
}

// BindRef names one listening address of a frontend, for Where: the
// Index-th entry of Frontend.Binds.
type BindRef struct {
	Frontend *proxy.Frontend
	Index    int
}

// Where tells where x was written: a *proxy.Frontend or *proxy.Backend (its
// section line), a *proxy.Server (its server line), a BindRef (its bind
// line), or a pointer to one of a frontend's rules (&fe.HTTPRules[i],
// &fe.TCPConnRules[i], &fe.UseBackends[i]). Msg names the object. The zero
// Diag means x does not come from this file.
func (f *File) Where(x any) Diag {
	var msg string
	switch v := x.(type) {
	case *proxy.Frontend:
		msg = fmt.Sprintf("frontend '%s'", v.Name)
	case *proxy.Backend:
		msg = fmt.Sprintf("backend '%s'", v.Name)
	case *proxy.Server:
		msg = fmt.Sprintf("server '%s'", v.Name)
	case BindRef:
		if v.Frontend == nil || v.Index < 0 || v.Index >= len(v.Frontend.Binds) {
			return Diag{}
		}
		msg = fmt.Sprintf("bind '%s'", v.Frontend.Binds[v.Index])
	case *proxy.HTTPRule:
		msg = v.Text
	case *proxy.TCPRule:
		msg = v.Text
	case *proxy.UseBackend:
		msg = v.Text
	default:
		return Diag{}
	}
	at, ok := f.pos[x]
	if !ok {
		return Diag{}
	}
	return Diag{File: f.name, Line: at.line, Col: at.col, Msg: msg}
}

// ParseFile reads and parses the haproxy.cfg at path.
func ParseFile(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse reads an haproxy.cfg in the subset lblab runs, with HAProxy 2.6's
// syntax, defaults and checks. filename is only used in messages. On error
// it returns nil and an Errors value listing every error found (up to
// MaxErrors); nothing partial is returned. Server and bind addresses are
// kept as written (app names are not resolved).
func Parse(filename string, src []byte) (*File, error) {
	p := newParser(filename)
	p.run(src)
	if len(p.d.errs) == 0 {
		p.check()
	}
	if len(p.d.errs) > 0 {
		return nil, Errors(p.d.errs)
	}
	cfg := p.build()
	return &File{Config: cfg, Warnings: p.d.warns, name: filename, pos: p.pos}, nil
}

// parser is the state of one Parse call.
type parser struct {
	d   diags
	env lexEnv

	section string // keyword of the current section, "" before the first
	skip    bool   // inside a section lblab does not read
	cur     *pxState

	global struct {
		maxconn int
		logs    int
	}
	lastDef *pxState   // the defaults a new proxy inherits from without "from"
	named   []*pxState // named defaults sections, for "from"
	proxies []*pxState // frontends, backends and listens, in order

	pos map[any]place // filled by build
}

func newParser(filename string) *parser {
	return &parser{
		d:       diags{file: filename},
		env:     lexEnv{lookup: os.LookupEnv, file: filename},
		lastDef: newDefaults(),
		pos:     map[any]place{},
	}
}

// run reads src line by line, as HAProxy's readcfgfile.
func (p *parser) run(src []byte) {
	num := 0
	for len(src) > 0 && !p.d.full() {
		num++
		var raw []byte
		k := bytes.IndexByte(src, '\n')
		if k < 0 {
			raw, src = src, nil
		} else {
			raw, src = src[:k], src[k+1:]
		}
		if z := bytes.IndexByte(raw, 0); z >= 0 {
			p.d.errorf(num, z+1, "NUL character in the line; a configuration file must be text")
			continue
		}
		p.env.line = num
		words, lerr := lexLine(string(raw), &p.env)
		if lerr != nil {
			p.d.errorf(num, lerr.col, "%s", lerr.msg)
		} else if len(words) > 0 {
			p.line(num, words)
		}
		if k < 0 {
			p.d.errorf(num, len(raw)+1, "missing line feed at the end of the last line (HAProxy then "+
				"suspects a truncated file); end the file with a newline")
		}
	}
}

// negatable are the keywords HAProxy accepts after "no" (and "default").
var negatableKeywords = map[string]bool{
	"option": true, "log": true, "busy-polling": true, "set-dumpable": true,
	"strict-limits": true, "insecure-fork-wanted": true, "numa-cpu-mapping": true,
}

func isSection(kw string) bool {
	for _, s := range sectionNames {
		if s == kw {
			return true
		}
	}
	return false
}

// line handles one non-empty line.
func (p *parser) line(num int, words []word) {
	kw := words[0].text
	if strings.HasPrefix(kw, ".") {
		p.directive(num, words)
		return
	}
	mod := ""
	if kw == "no" || kw == "default" {
		mod = kw
		if len(words) == 1 || !negatableKeywords[words[1].text] {
			p.d.errorf(num, words[0].col, "'%s' prefix on '%s'; negation/default is supported only for "+
				"options, log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping",
				kw, wordText(words, 1))
			return
		}
		if mod == "default" {
			p.d.errorf(num, words[0].col, "'default %s' is not supported by lblab; remove the line or set the value explicitly",
				words[1].text)
			return
		}
		words = words[1:]
		kw = words[0].text
	}
	if mod == "" && isSection(kw) {
		p.startSection(num, words)
		return
	}
	switch {
	case p.section == "":
		p.d.errorf(num, words[0].col, "unknown keyword '%s' out of section; expected a section keyword "+
			"('global', 'defaults', 'frontend', 'backend' or 'listen') first", kw)
	case p.skip:
	case p.section == "global":
		p.globalLine(num, words, mod)
	default:
		p.proxyLine(num, words, mod)
	}
}

func wordText(words []word, k int) string {
	if k < len(words) {
		return words[k].text
	}
	return ""
}

// directive handles the ".xxx" lines of HAProxy 2.6.
func (p *parser) directive(num int, words []word) {
	kw := words[0].text
	switch kw {
	case ".if", ".elif", ".else", ".endif":
		p.d.errorf(num, words[0].col, "conditional blocks ('%s') are not supported by lblab; "+
			"write the configuration without .if/.elif/.else/.endif", kw)
	case ".warning", ".notice", ".diag", ".alert":
		if len(words) > 2 {
			p.d.errorf(num, words[2].col, "unexpected argument '%s' for '%s'; use quotes if the message should contain spaces",
				words[2].text, kw)
			return
		}
		msg := wordText(words, 1)
		switch kw {
		case ".warning":
			p.d.warnf(num, "'%s'.", msg)
		case ".alert":
			p.d.errorf(num, words[0].col, "'%s'.", msg)
		}
	default:
		p.d.errorf(num, words[0].col, "unknown directive '%s'; expected .if, .elif, .else, .endif, .warning, .notice, .diag or .alert", kw)
	}
}

// startSection handles a section keyword line.
func (p *parser) startSection(num int, words []word) {
	kw := words[0].text
	p.section, p.skip, p.cur = kw, false, nil
	p.env.section = kw
	if len(words) > 1 && words[1].text != "" {
		p.env.section = words[1].text
	}
	switch kw {
	case "global":
		if len(words) > 1 {
			p.d.errorf(num, words[1].col, "'global' cannot handle unexpected argument '%s'", words[1].text)
		}
	case "defaults", "frontend", "backend", "listen":
		p.startProxy(num, words)
	default:
		p.skip = true
		p.d.labf(num, "'%s' is not supported by lblab and is ignored (the whole section)", kw)
	}
}

// invalidChar returns the first character HAProxy does not accept in a
// proxy, server or ACL name (letters, digits, '.', ':', '_' and '-').
func invalidChar(name string) (byte, bool) {
	for k := 0; k < len(name); k++ {
		c := name[k]
		if !isAlnum(c) && c != '.' && c != ':' && c != '_' && c != '-' {
			return c, true
		}
	}
	return 0, false
}

// startProxy opens a defaults, frontend, backend or listen section
// (the section part of HAProxy's cfg_parse_listen).
func (p *parser) startProxy(num int, words []word) {
	kw := words[0].text
	var capab capability
	switch kw {
	case "frontend":
		capab = capFE
	case "backend":
		capab = capBE
	case "listen":
		capab = capFE | capBE
	default:
		capab = capDef | capFE | capBE
	}
	isDef := capab&capDef != 0
	p.skip = true // until the section is known to be valid
	if !isDef && !p.checkProxyName(num, words, capab) {
		return
	}
	name, argAt := wordText(words, 1), 2
	if isDef && name == "from" && len(words) == 3 {
		name, argAt = "", 1 // "defaults from NAME"
	}
	var def *pxState
	if !isDef {
		def = p.lastDef
	}
	if argAt < len(words) && words[argAt].text == "from" {
		var ok bool
		if def, ok = p.findDefaults(num, words, argAt, kw, name); !ok {
			return
		}
	} else if def != nil {
		def.implicitRef = true
	}
	if def != nil && def.explicitRef && def.implicitRef {
		p.d.warnf(num, "defaults section '%s' (declared at %s:%d) is explicitly referenced by another proxy "+
			"and implicitly used here. To avoid any ambiguity don't mix both usage. Add a last defaults "+
			"section not explicitly used or always use explicit references.", def.name, p.d.file, def.at.line)
	}
	if def != nil && def.hasRules {
		p.checkRuleInheritance(num, words, def, capab)
	}
	px := &pxState{kind: kw, name: name, cap: capab, at: place{num, words[0].col},
		acls: acl.NewSet(), ids: map[int]*server{}}
	base := def
	if base == nil {
		base = newDefaults()
	}
	px.inherit(base)
	px.inh = px.to
	p.cur, p.skip = px, false
	if isDef {
		p.lastDef = px
		if name != "" {
			p.named = append(p.named, px)
		}
		return
	}
	p.proxies = append(p.proxies, px)
}

// checkProxyName validates the name of a new frontend, backend or listen
// section and the words after it.
func (p *parser) checkProxyName(num int, words []word, capab capability) bool {
	kw := words[0].text
	if len(words) < 2 || words[1].text == "" {
		p.d.errorf(num, words[0].end, "'%s' expects a name; write '%s <name>'", kw, kw)
		return false
	}
	name := words[1].text
	if c, bad := invalidChar(name); bad {
		p.d.errorf(num, words[1].col, "character '%c' is not permitted in '%s' name '%s'; "+
			"names may use letters, digits, '.', ':', '_' and '-'", c, kw, name)
	}
	// HAProxy looks for a clash among frontends for frontend and listen
	// sections, and among backends for backend sections.
	for _, o := range p.proxies {
		clash := capab&capFE != 0 && o.cap&capFE != 0 || capab&capFE == 0 && o.cap&capBE != 0
		if o.name == name && clash {
			p.d.errorf(num, words[1].col, "%s '%s' has the same name as %s '%s' declared at %s:%d; use distinct names",
				(&pxState{cap: capab}).typeName(), name, o.typeName(), o.name, p.d.file, o.at.line)
			break
		}
	}
	if capab == capFE|capBE {
		for _, o := range p.proxies {
			if o.name == name && o.cap == capBE {
				// HAProxy compares a listen section with frontends only, so a
				// listen and a backend may share a name there; the lab routes
				// by backend name and cannot tell them apart.
				p.d.errorf(num, words[1].col, "%s '%s' has the same name as %s '%s' declared at %s:%d; "+
					"lblab needs distinct backend names", (&pxState{cap: capab}).typeName(), name, o.typeName(), o.name,
					p.d.file, o.at.line)
				break
			}
		}
	}
	if len(words) > 2 && !(len(words) == 4 && words[2].text == "from") {
		hint := ""
		if capab&capFE != 0 {
			hint = " (listening addresses go on 'bind' lines)"
		}
		p.d.errorf(num, words[2].col, "unexpected '%s' after the %s name; expected nothing or 'from <defaults name>'%s",
			words[2].text, kw, hint)
		return false
	}
	return true
}

// findDefaults resolves "from NAME" on a section line.
func (p *parser) findDefaults(num int, words []word, argAt int, kw, name string) (*pxState, bool) {
	if argAt+1 >= len(words) || words[argAt+1].text == "" {
		p.d.errorf(num, words[argAt].end, "'from' expects the name of a defaults section")
		return nil, false
	}
	ref := words[argAt+1]
	var found []*pxState
	for _, d := range p.named {
		if d.name == ref.text {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		p.d.errorf(num, ref.col, "defaults section '%s' not found for %s '%s'; expected the name of a defaults section declared above",
			ref.text, proxyCapStr(kw), name)
		return nil, false
	}
	if len(found) > 1 {
		p.d.errorf(num, ref.col, "ambiguous defaults section name '%s' referenced by %s '%s' exists at least at %s:%d and %s:%d; rename one of them",
			ref.text, proxyCapStr(kw), name, p.d.file, found[0].at.line, p.d.file, found[1].at.line)
	}
	if c, bad := invalidChar(ref.text); bad {
		p.d.errorf(num, ref.col, "character '%c' is not permitted in defaults section name '%s' when designated by its name; "+
			"names may use letters, digits, '.', ':', '_' and '-'", c, ref.text)
	}
	def := found[len(found)-1]
	def.explicitRef = true
	return def, true
}

func proxyCapStr(kw string) string {
	if kw == "listen" {
		return "proxy"
	}
	return kw
}

// checkRuleInheritance mirrors HAProxy's limits on sections inheriting from
// a defaults section that declares TCP/HTTP rules.
func (p *parser) checkRuleInheritance(num int, words []word, def *pxState, capab capability) {
	col := words[0].col
	switch {
	case capab&capDef != 0:
		p.d.errorf(num, col, "a defaults section cannot inherit from a defaults section defining TCP/HTTP rules (defaults section at %s:%d)",
			p.d.file, def.at.line)
	case capab&(capFE|capBE) == capFE|capBE:
		p.d.errorf(num, col, "a listen section cannot inherit from a defaults section defining TCP/HTTP rules")
	case def.rulesUsedBy != 0 && def.rulesUsedBy != capab:
		p.d.errorf(num, col, "frontends and backends cannot inherit from the same defaults section if it defines TCP/HTTP rules (defaults section at %s:%d)",
			p.d.file, def.at.line)
	case capab&capBE != 0 && def.hasConnRules:
		p.d.errorf(num, col, "a backend section cannot inherit from a defaults section defining 'tcp-request connection' or 'tcp-request session' rules (defaults section at %s:%d)",
			p.d.file, def.at.line)
	default:
		def.rulesUsedBy = capab
	}
}

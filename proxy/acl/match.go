package acl

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// matchKind is a pattern matching method, as named after "-m".
type matchKind uint8

const (
	mFound matchKind = iota
	mBool
	mInt
	mIP
	mBin
	mLen
	mStr
	mBeg
	mSub
	mDir
	mDom
	mEnd
	mReg
	mRegm
	mMeth // the "method" keyword's own matcher (not selectable with -m)
)

var matchNames = [...]string{mFound: "found", mBool: "bool", mInt: "int", mIP: "ip", mBin: "bin",
	mLen: "len", mStr: "str", mBeg: "beg", mSub: "sub", mDir: "dir", mDom: "dom", mEnd: "end",
	mReg: "reg", mRegm: "regm", mMeth: "method"}

// matchInput is the sample type each method compares against.
var matchInput = [...]smpType{mFound: tSint, mBool: tSint, mInt: tSint, mIP: tAddr, mBin: tBin,
	mLen: tStr, mStr: tStr, mBeg: tStr, mSub: tStr, mDir: tStr, mDom: tStr, mEnd: tStr,
	mReg: tStr, mRegm: tStr, mMeth: tMeth}

func (m matchKind) String() string { return matchNames[m] }

// findMatch resolves a "-m" argument; the method keyword's matcher is not
// selectable.
func findMatch(name string) (matchKind, bool) {
	for k, n := range matchNames {
		if n == name && matchKind(k) != mMeth {
			return matchKind(k), true
		}
	}
	return 0, false
}

const matchList = "found, bool, int, ip, bin, len, str, beg, sub, dir, dom, end, reg, regm"

// intRange is an integer pattern: a value or a range with open ends.
type intRange struct {
	min, max       int64
	minSet, maxSet bool
}

func (r intRange) has(v int64) bool {
	return (!r.minSet || r.min <= v) && (!r.maxSet || v <= r.max)
}

// methPat is a "method" pattern: a known method by number, or another
// method by its string.
type methPat struct {
	known method
	str   string
}

// patterns holds an expression's compiled patterns for one match method.
// Everything is prepared at parse time so matching does not allocate.
type patterns struct {
	kind  matchKind
	icase bool
	strs  []string            // str/beg/sub/end/dir/dom (lower-cased when icase), bin
	set   map[string]struct{} // exact, case-sensitive str with many patterns
	ints  []intRange
	nets  []ipNet
	regs  []*regexp.Regexp
	meths []methPat
}

const strSetThreshold = 8

// add parses and adds one pattern word; msg is the error to report.
func (p *patterns) add(text string, noDNS bool) (msg string) {
	switch p.kind {
	case mFound, mBool:
		// HAProxy parses nothing for these methods: patterns are ignored.
	case mInt, mLen:
		r, err := parseIntRange(text)
		if err != "" {
			return err
		}
		p.ints = append(p.ints, r)
	case mIP:
		n, ok := parseIPNet(text, noDNS)
		if !ok {
			return ipError(text, noDNS)
		}
		p.nets = append(p.nets, n)
	case mBin:
		b, err := parseHex(text)
		if err != "" {
			return err
		}
		p.strs = append(p.strs, b)
	case mReg, mRegm:
		re, err := compileRegex(text, p.icase)
		if err != "" {
			return err
		}
		p.regs = append(p.regs, re)
	case mMeth:
		m := findMethod(text)
		p.meths = append(p.meths, methPat{known: m, str: text})
	default:
		if p.icase {
			text = asciiToLower(text)
		}
		p.strs = append(p.strs, text)
		if p.kind == mStr && !p.icase && len(p.strs) >= strSetThreshold {
			if p.set == nil {
				p.set = make(map[string]struct{}, len(p.strs))
				for _, s := range p.strs {
					p.set[s] = struct{}{}
				}
			}
			p.set[text] = struct{}{}
		}
	}
	return ""
}

func ipError(text string, noDNS bool) string {
	msg := fmt.Sprintf("'%s' is not a valid IPv4 or IPv6 address", text)
	hint := " (accepted: IPv4 a.b.c.d[/mask] with a dotted or bit-count mask, IPv6 addr[/bits]"
	if !noDNS {
		hint += ", abbreviated IPv4 like 10.12/8 or 127.1"
	}
	hint += ")"
	if strings.IndexFunc(text, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0 &&
		strings.IndexByte(text, ':') < 0 {
		hint += "; lblab does not resolve host names: write the address"
	}
	return msg + hint
}

// parseIntRange is pat_parse_int: "N", "N:M" or "N-M", ":M" or "-M", "N:".
func parseIntRange(text string) (intRange, string) {
	sep := strings.IndexAny(text, ":-")
	bad := fmt.Sprintf("'%s' is not a valid number range", text)
	if sep < 0 {
		v, ok := strl2llrc(text)
		if !ok {
			return intRange{}, fmt.Sprintf("'%s' is not a number", text)
		}
		return intRange{min: v, max: v, minSet: true, maxSet: true}, ""
	}
	if sep == 0 && len(text) > 1 {
		v, ok := strl2llrc(text[1:])
		if !ok {
			return intRange{}, bad
		}
		return intRange{max: v, maxSet: true}, ""
	}
	if sep == len(text)-1 {
		v, ok := strl2llrc(text[:sep])
		if !ok {
			return intRange{}, bad
		}
		return intRange{min: v, minSet: true}, ""
	}
	lo, ok1 := strl2llrc(text[:sep])
	hi, ok2 := strl2llrc(text[sep+1:])
	if !ok1 || !ok2 || lo > hi {
		return intRange{}, bad
	}
	return intRange{min: lo, max: hi, minSet: true, maxSet: true}, ""
}

// parseHex is parse_binary: an even number of hex digits.
func parseHex(text string) (string, string) {
	if len(text)%2 != 0 {
		return "", "an even number of hex digit is expected"
	}
	out := make([]byte, len(text)/2)
	for i := range out {
		hi, ok1 := hexVal(text[2*i])
		lo, ok2 := hexVal(text[2*i+1])
		if !ok1 {
			return "", fmt.Sprintf("an hex digit is expected (found '%c')", text[2*i])
		}
		if !ok2 {
			return "", fmt.Sprintf("an hex digit is expected (found '%c')", text[2*i+1])
		}
		out[i] = hi<<4 | lo
	}
	return string(out), ""
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// compileRegex compiles a pattern for Go's RE2 engine. HAProxy uses PCRE2
// without UTF mode, so both the pattern and the subject are treated as
// bytes: bytes above 0x7f are mapped to the runes U+0080..U+00FF (Latin-1)
// on both sides, which keeps "." matching exactly one byte.
func compileRegex(text string, icase bool) (*regexp.Regexp, string) {
	src := latin1(text)
	if icase {
		src = "(?i)" + src
	}
	if msg := unrepeatable(src); msg != "" {
		return nil, fmt.Sprintf("regex '%s' is invalid (error=%s)", text, msg)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Sprintf("regex '%s' is invalid for lblab's Go (RE2) regex engine: %v "+
			"(PCRE-only features such as lookarounds, backreferences, atomic groups and possessive quantifiers are not supported)",
			text, err)
	}
	return re, ""
}

// unrepeatable reports a quantifier applied to an assertion (^*, $+, \b?),
// which RE2 accepts but PCRE2 refuses.
func unrepeatable(src string) string {
	tree, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return "" // regexp.Compile reports it
	}
	return findUnrepeatable(tree)
}

func findUnrepeatable(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		switch re.Sub[0].Op {
		case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			return "quantifier does not follow a repeatable item"
		}
	}
	for _, sub := range re.Sub {
		if msg := findUnrepeatable(sub); msg != "" {
			return msg
		}
	}
	return ""
}

// latin1 re-encodes bytes above 0x7f as the runes of the same value; pure
// ASCII strings are returned as they are, without allocating.
func latin1(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		b = utf8.AppendRune(b, rune(s[i]))
	}
	return string(b)
}

// match reports whether the (already converted) sample matches one of the
// patterns.
func (p *patterns) match(s sample) bool {
	switch p.kind {
	case mFound:
		return true
	case mBool:
		return s.num != 0
	case mInt:
		return p.matchInt(s.num)
	case mLen:
		return p.matchInt(int64(len(s.str)))
	case mIP:
		return matchIP(p.nets, s.addr)
	case mBin:
		for _, b := range p.strs {
			if b == s.str {
				return true
			}
		}
	case mStr:
		return p.matchStr(s.str)
	case mBeg:
		for _, pat := range p.strs {
			if len(pat) <= len(s.str) && p.equal(s.str[:len(pat)], pat) {
				return true
			}
		}
	case mEnd:
		for _, pat := range p.strs {
			if len(pat) <= len(s.str) && p.equal(s.str[len(s.str)-len(pat):], pat) {
				return true
			}
		}
	case mSub:
		for _, pat := range p.strs {
			if p.contains(s.str, pat) {
				return true
			}
		}
	case mDir:
		return p.matchWord(s.str, "/?")
	case mDom:
		return p.matchWord(s.str, "/?.:")
	case mReg, mRegm:
		subject := latin1(s.str)
		for _, re := range p.regs {
			if re.MatchString(subject) {
				return true
			}
		}
	case mMeth:
		return p.matchMethod(s)
	}
	return false
}

func (p *patterns) matchInt(v int64) bool {
	for _, r := range p.ints {
		if r.has(v) {
			return true
		}
	}
	return false
}

func (p *patterns) matchStr(v string) bool {
	if p.set != nil {
		_, ok := p.set[v]
		return ok
	}
	for _, pat := range p.strs {
		if len(pat) == len(v) && p.equal(v, pat) {
			return true
		}
	}
	return false
}

// equal compares a piece of the sample with a pattern (already lower-cased
// when icase), ASCII-only as strncasecmp in the C locale.
func (p *patterns) equal(v, pat string) bool {
	if !p.icase {
		return v == pat
	}
	for i := 0; i < len(v); i++ {
		if asciiLower(v[i]) != pat[i] {
			return false
		}
	}
	return true
}

func (p *patterns) contains(v, pat string) bool {
	if !p.icase {
		return strings.Contains(v, pat)
	}
	if pat == "" {
		return true
	}
	// scan for the first byte in either case before comparing the rest
	lo, up := pat[0], pat[0]
	if lo >= 'a' && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	for i := 0; i+len(pat) <= len(v); i++ {
		if c := v[i]; c != lo && c != up {
			continue
		}
		if p.equal(v[i+1:i+len(pat)], pat[1:]) {
			return true
		}
	}
	return false
}

// matchWord is match_word: the pattern, stripped of delimiters at both
// ends, must appear in the sample between delimiters or the sample's ends.
func (p *patterns) matchWord(v, delims string) bool {
	for _, pat := range p.strs {
		for len(pat) > 0 && strings.IndexByte(delims, pat[0]) >= 0 {
			pat = pat[1:]
		}
		for len(pat) > 0 && strings.IndexByte(delims, pat[len(pat)-1]) >= 0 {
			pat = pat[:len(pat)-1]
		}
		// An empty pattern never matches: HAProxy compares its first byte
		// (the terminating NUL) with the sample's.
		if pat == "" || len(pat) > len(v) {
			continue
		}
		if p.wordAt(v, pat, delims) {
			return true
		}
	}
	return false
}

func (p *patterns) wordAt(v, pat, delims string) bool {
	mayMatch := true
	last := len(v) - len(pat)
	for c := 0; c <= last; c++ {
		if strings.IndexByte(delims, v[c]) >= 0 {
			mayMatch = true
			continue
		}
		if !mayMatch {
			continue
		}
		if p.equal(v[c:c+len(pat)], pat) && (c == last || strings.IndexByte(delims, v[c+len(pat)]) >= 0) {
			return true
		}
		mayMatch = false
	}
	return false
}

// matchMethod is pat_match_meth: known methods compare by number (so
// exactly and case-sensitively), other methods by string, case-insensitive
// only with -i.
func (p *patterns) matchMethod(s sample) bool {
	for _, m := range p.meths {
		if m.known != methOther {
			if s.meth == m.known {
				return true
			}
			continue
		}
		if s.meth != methOther || len(m.str) != len(s.str) {
			continue
		}
		if m.str == s.str || p.icase && asciiEqualFold(m.str, s.str) {
			return true
		}
	}
	return false
}

// count is the number of patterns, for warnings.
func (p *patterns) count() int {
	return len(p.strs) + len(p.ints) + len(p.nets) + len(p.regs) + len(p.meths)
}

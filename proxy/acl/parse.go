package acl

import (
	"fmt"
	"strings"
)

// exprParser parses one ACL expression ("FETCH [flags] [patterns]") the way
// HAProxy's parse_acl_expr does. Word indices in errors are offset by base,
// the position of the fetch word in the caller's words.
type exprParser struct {
	words []string // from the fetch word on, cut at the first empty word
	base  int
	ids   map[int64]bool // -u ids already used in the set
	warns []*WordError
}

func (p *exprParser) errf(i int, format string, args ...any) *WordError {
	return &WordError{Word: p.base + i, Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) warnf(i int, format string, args ...any) {
	p.warns = append(p.warns, p.errf(i, format, args...))
}

// parse returns the expression, or the error about the word at fault.
func (p *exprParser) parse() (*expr, error) {
	e := &expr{words: p.words}
	next, err := p.parseFetch(e)
	if err != nil {
		return nil, err
	}
	if e.fetch.out != tBool && len(p.words) == 1 {
		p.warnf(0, "acl keyword '%s': no pattern to match against were provided, so this ACL will never match "+
			"(add '--' if this is intended, use '-m found' to match on existence, or '-m bool' to match an integer as a boolean)", word(p.words, 0))
	}
	i, noDNS, err := p.parseFlags(e, next)
	if err != nil {
		return nil, err
	}
	if err := p.parsePatterns(e, i, noDNS); err != nil {
		return nil, err
	}
	return e, nil
}

// parseFetch reads the fetch word: an ACL keyword (path_beg) or a sample
// fetch (req.hdr), its arguments in parentheses, and refuses converters.
// It returns the index of the first word after the fetch.
func (p *exprParser) parseFetch(e *expr) (int, error) {
	w := word(p.words, 0)
	name := idPrefix(w)
	rest := w[len(name):]
	if kw := findACLKeyword(name); kw != nil {
		e.kw = kw.name
		e.fetch = findFetch(kw.fetch)
		e.pat.kind = kw.match
		e.expect = e.fetch.out
		if err := p.parseArgs(e, rest, "ACL keyword '"+kw.name+"' : ", "in argument to '"+kw.name+"', ", ""); err != nil {
			return 0, err
		}
		return 1, nil
	}
	if name == "" {
		return 0, p.errf(0, "missing fetch method in ACL expression '%s' (supported: %s)", w, supportedFetchList())
	}
	for _, u := range unsupportedKeywords {
		if name == u {
			return 0, p.errf(0, "ACL keyword '%s' exists in HAProxy 2.6 but lblab does not support it (supported: %s)", name, supportedFetchList())
		}
	}
	f := findFetch(name)
	if f == nil {
		return 0, p.errf(0, "unknown fetch method '%s' in ACL expression '%s' (lblab implements these HAProxy 2.6 fetches: %s)", name, w, supportedFetchList())
	}
	e.kw, e.fetch = f.name, f
	e.pat.kind = defaultMatch(f.out)
	e.expect = matchInput[e.pat.kind]
	suffix := " in ACL expression '" + w + "'"
	if err := p.parseArgs(e, rest, "fetch method '"+f.name+"' : ", "invalid args in fetch method '"+f.name+"' : ", suffix); err != nil {
		return 0, err
	}
	// HAProxy reads the words following a sample fetch as converters for as
	// long as they name one ("req.hdr(x) lower" lower-cases the header and
	// then matches "lower"). lblab has no converters: refuse rather than
	// silently match differently.
	if n := word(p.words, 1); n != "" {
		if c := idPrefix(n); isConverter(c) {
			return 0, p.errf(1, "HAProxy 2.6 reads '%s' after the sample fetch '%s' as the converter '%s', which lblab does not support; "+
				"write '--' before the patterns if '%s' is meant as a pattern", n, f.name, c, n)
		}
	}
	return 1, nil
}

// defaultMatch is the method HAProxy picks for a sample fetch's type.
func defaultMatch(t smpType) matchKind {
	switch t {
	case tBool:
		return mBool
	case tSint:
		return mInt
	case tIPv4, tIPv6, tAddr:
		return mIP
	}
	return mStr
}

// parseArgs reads "(name[,occurrence])" and whatever follows the fetch
// keyword in its word, as make_arg_list does. pre prefixes syntax errors,
// valPre the argument-validation error; suffix ends both.
func (p *exprParser) parseArgs(e *expr, rest, pre, valPre, suffix string) error {
	args, after, msg := splitArgs(rest, e.fetch.args)
	if msg != "" {
		return p.errf(0, "%s%s%s", pre, msg, suffix)
	}
	if e.fetch.args != argNone && args != nil {
		e.hdr, e.hasHdr = args.name, true
		if args.hasOcc {
			e.occ = args.occ
			if e.occ < -maxHdrHistory {
				return p.errf(0, "%sheader occurrence must be >= %d%s", valPre, -maxHdrHistory, suffix)
			}
		}
		if e.hdr == "" {
			return p.errf(0, "'%s' with an empty header name matches every header in HAProxy; lblab does not support that: name the header", e.kw)
		}
	}
	if e.fetch.args == argHdrName && !e.hasHdr {
		return p.errf(0, "'%s' without a header name counts every header in HAProxy; lblab does not support that: write %s(NAME)", e.kw, e.kw)
	}
	if e.fetch.args == argHdr && !e.hasHdr {
		p.warnf(0, "'%s' without a header name never matches; write %s(NAME)", e.kw, e.kw)
	}
	return p.checkConverters(after, pre, suffix)
}

// checkConverters looks at what follows the arguments in the fetch word:
// nothing, commas only, or ",converter" which lblab refuses.
func (p *exprParser) checkConverters(after, pre, suffix string) error {
	if after == "" {
		return nil
	}
	if after[0] != ',' {
		return p.errf(0, "%smissing comma after fetch keyword%s", pre, suffix)
	}
	conv := strings.TrimLeft(after, ",")
	if conv == "" {
		return nil // trailing commas are ignored
	}
	name := idPrefix(conv)
	if !isConverter(name) {
		return p.errf(0, "%sunknown converter '%s'%s", pre, name, suffix)
	}
	return p.errf(0, "converter '%s' is valid in HAProxy 2.6 but lblab does not support converters in ACLs", name)
}

// maxHdrHistory is MAX_HDR_HISTORY: how far back a negative occurrence may go.
const maxHdrHistory = 10

type fetchArgs struct {
	name   string
	occ    int64
	hasOcc bool
}

// splitArgs parses the parenthesised argument list at the start of s
// (after the keyword name) for a fetch taking spec, following
// make_arg_list: quotes group, backslash escapes, an empty integer is
// "not given". It returns the arguments (nil without parentheses), what
// follows the closing parenthesis, and an error message.
func splitArgs(s string, spec argSpec) (*fetchArgs, string, string) {
	if s == "" || s[0] != '(' {
		return nil, s, ""
	}
	in := s[1:]
	nbarg := 0
	switch spec {
	case argHdr:
		nbarg = 2
	case argHdrName:
		nbarg = 1
	}
	var args fetchArgs
	pos := 0
	for pos < nbarg {
		val, n, msg := readArg(in, pos)
		if msg != "" {
			return nil, "", msg
		}
		in = in[n:]
		if pos == 0 {
			args.name = val
		} else {
			if val == "" {
				break // an empty optional integer: as if absent
			}
			v, used := readInt64(val)
			if used < len(val) {
				return nil, "", fmt.Sprintf("failed to parse '%s' as type 'integer' at position %d", val, pos+1)
			}
			args.occ, args.hasOcc = v, true
		}
		pos++
		if in == "" || in[0] == ')' || pos >= nbarg {
			break
		}
		in = in[1:] // the comma
	}
	if in == "" || in[0] != ')' {
		if in == "" {
			return nil, "", "expected ')'"
		}
		return nil, "", fmt.Sprintf("expected ')' before '%s'", in)
	}
	if nbarg == 0 {
		return nil, in[1:], ""
	}
	return &args, in[1:], ""
}

// readArg reads one argument up to an unquoted ',' or ')' or the end.
func readArg(in string, pos int) (string, int, string) {
	var b strings.Builder
	squote, dquote := false, false
	i := 0
	for i < len(in) {
		c := in[i]
		switch {
		case c == '"' && !squote:
			dquote = !dquote
			i++
		case c == '\'' && !dquote:
			squote = !squote
			i++
		case c == '\\' && !squote:
			if i+1 >= len(in) {
				typ := "string"
				if pos > 0 {
					typ = "integer"
				}
				return "", 0, fmt.Sprintf("failed to parse '%s' after '%s' as type '%s' at position %d", in[i:], b.String(), typ, pos+1)
			}
			switch n := in[i+1]; n {
			case '\\', ' ', '"', '\'':
				b.WriteByte(n)
				i += 2
			case 'r':
				b.WriteByte('\r')
				i += 2
			case 'n':
				b.WriteByte('\n')
				i += 2
			case 't':
				b.WriteByte('\t')
				i += 2
			default:
				b.WriteByte('\\')
				i++
			}
		case !squote && !dquote && (c == ',' || c == ')'):
			return b.String(), i, ""
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), i, ""
}

// parseFlags reads the options before the patterns: -i, -n, -m METHOD,
// -u ID, -M, and "--" which ends them. It returns the index of the first
// pattern and whether -n was given.
func (p *exprParser) parseFlags(e *expr, i int) (int, bool, error) {
	noDNS := false
	for strings.HasPrefix(word(p.words, i), "-") {
		switch w := word(p.words, i); w {
		case "-i":
			e.pat.icase = true
		case "-n":
			noDNS = true
		case "-M":
			// only changes how -f files are read; lblab reads no files
		case "--":
			return i + 1, noDNS, nil
		case "-u":
			id, ok := strtol(word(p.words, i+1))
			if !ok {
				return 0, false, p.errf(i+1, "the argument of -u must be an integer")
			}
			if p.ids[id] {
				return 0, false, p.errf(i+1, "the id is already used")
			}
			p.ids[id] = true
			i++
		case "-f":
			return 0, false, p.errf(i, "lblab does not load ACL patterns from files (-f): write the patterns on the line")
		case "-m":
			name := word(p.words, i+1)
			m, ok := findMatch(name)
			if !ok {
				return 0, false, p.errf(i+1, "unknown matching method '%s' when parsing ACL expression (accepted: %s)", name, matchList)
			}
			if m != mFound && !castable(e.fetch.out, matchInput[m]) {
				return 0, false, p.errf(i+1, "matching method '%s' cannot be used with fetch keyword '%s'", name, e.kw)
			}
			e.pat.kind = m
			e.expect = matchInput[m]
			i++
		default:
			return 0, false, p.errf(i, "'%s' is not a valid ACL option (accepted: -i, -n, -m METHOD, -u ID, -M, --). "+
				"Please use '--' before any pattern beginning with a '-'", w)
		}
		i++
	}
	return i, noDNS, nil
}

// Standard integer operators (get_std_op).
const (
	opEQ = iota
	opNE
	opLE
	opLT
	opGE
	opGT
)

func stdOp(w string) int {
	switch w {
	case "eq":
		return opEQ
	case "ne":
		return opNE
	case "le":
		return opLE
	case "lt":
		return opLT
	case "ge":
		return opGE
	case "gt":
		return opGT
	}
	return -1
}

// parsePatterns reads every remaining word as a pattern. For integer
// methods the words eq, ne, le, lt, ge, gt set the operator for the
// following values and are rewritten into ranges as HAProxy does ("gt 5"
// is "6:"); like HAProxy, "ne" does not negate anything and is read as eq.
func (p *exprParser) parsePatterns(e *expr, i int, noDNS bool) error {
	op := opEQ
	for ; i < len(p.words); i++ {
		text := p.words[i]
		if e.pat.kind == mInt || e.pat.kind == mLen {
			if o := stdOp(text); o >= 0 {
				op = o
				continue
			}
			if op != opEQ && !strings.ContainsAny(text, ":-") {
				t, msg := rewriteOp(text, op)
				if msg != "" {
					return p.errf(i, "%s", msg)
				}
				text = t
			}
		}
		if msg := e.pat.add(text, noDNS); msg != "" {
			return p.errf(i, "%s", msg+patternHint(e.pat.kind, e.kw))
		}
	}
	return nil
}

// rewriteOp turns "OP N" into a range; only the part before a '.' counts.
func rewriteOp(text string, op int) (string, string) {
	num := text
	if d := strings.IndexByte(text, '.'); d >= 0 {
		num = text[:d]
	}
	v, ok := strl2llrc(num)
	if !ok {
		return "", fmt.Sprintf("'%s' is neither a number nor a supported operator (accepted: eq, ge, gt, le, lt)", text)
	}
	switch op {
	case opGT:
		return fmt.Sprintf("%d:", v+1), ""
	case opGE:
		return fmt.Sprintf("%d:", v), ""
	case opLT:
		return fmt.Sprintf(":%d", v-1), ""
	case opLE:
		return fmt.Sprintf(":%d", v), ""
	}
	return text, "" // ne: left as written
}

func patternHint(m matchKind, kw string) string {
	switch m {
	case mInt, mLen:
		return fmt.Sprintf(" (%s takes integers N, ranges N:M, :M or N:, optionally after eq|ge|gt|le|lt)", kw)
	case mBin:
		return " (-m bin takes hexadecimal bytes like 2f61)"
	}
	return ""
}

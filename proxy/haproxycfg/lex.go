package haproxycfg

import (
	"strconv"
	"strings"
)

// maxLineArgs is HAProxy's MAX_LINE_ARGS: a line that reaches this many
// word separators is rejected rather than silently truncated.
const maxLineArgs = 64

// word is one word of a configuration line after unquoting and unescaping,
// with the 1-based byte column where it starts in the raw line (the column
// of its opening quote when it starts with one).
type word struct {
	text string
	col  int
	end  int // column just after the word's last byte
}

// lexError is a tokenising error at a 1-based byte column.
type lexError struct {
	col int
	msg string
}

// lexEnv is what environment expansion inside double quotes may read:
// the process environment and HAProxy's pseudo-variables.
type lexEnv struct {
	lookup  func(string) (string, bool)
	file    string
	line    int
	section string
}

func (e *lexEnv) get(name string) (string, bool, bool) {
	switch name {
	case ".LINE":
		return strconv.Itoa(e.line), true, true
	case ".FILE":
		return e.file, true, true
	case ".SECTION":
		return e.section, true, true
	}
	if strings.HasPrefix(name, ".") {
		return "", false, false // unknown pseudo-variable
	}
	if e.lookup == nil {
		return "", false, true
	}
	v, ok := e.lookup(name)
	return v, ok, true
}

// isSpace is C's isspace in the "C" locale, which HAProxy uses to split words.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// lexer holds the state of one line being split into words.
type lexer struct {
	raw    string
	i      int
	env    *lexEnv
	words  []word
	cur    []byte
	inWord bool
	start  int // column of the current word
	seps   int // separators seen, as HAProxy counts arguments
}

func (lx *lexer) emit(c byte) {
	if !lx.inWord {
		lx.inWord = true
		lx.start = lx.i + 1
	}
	lx.cur = append(lx.cur, c)
}

// begin marks the start of a word at the current position even when the
// character itself emits nothing (a quote).
func (lx *lexer) begin() {
	if !lx.inWord {
		lx.inWord = true
		lx.start = lx.i + 1
	}
}

func (lx *lexer) endWord() {
	if lx.inWord {
		lx.words = append(lx.words, word{text: string(lx.cur), col: lx.start, end: lx.i + 1})
	}
	lx.cur = lx.cur[:0]
	lx.inWord = false
}

// separate counts a separator toward HAProxy's argument limit.
func (lx *lexer) separate(col int) *lexError {
	lx.seps++
	if lx.seps >= maxLineArgs {
		return &lexError{col: col, msg: "too many words on one line; HAProxy accepts at most " +
			strconv.Itoa(maxLineArgs) + " words"}
	}
	return nil
}

// lexLine splits one raw line (without its line feed) into words the way
// HAProxy 2.6's configuration reader does: leading blanks are skipped,
// words are separated by unquoted blanks, '#' starts a comment outside
// quotes, single quotes take everything literally, double quotes allow
// backslash escapes and "$VAR" / "${VAR}" / "${VAR-default}" / "${VAR[*]}"
// expansion, and a carriage return ends the line. Quotes and escapes may
// appear in the middle of a word ("ht"'tp' is "http").
func lexLine(raw string, env *lexEnv) ([]word, *lexError) {
	lx := &lexer{raw: raw, env: env}
	for lx.i < len(raw) && isSpace(raw[lx.i]) {
		lx.i++
	}
	squote, dquote := false, false
	quoteAt := 0
	for lx.i < len(raw) {
		c := raw[lx.i]
		switch {
		case c == '\n' || c == '\r' || c == '#' && !squote && !dquote:
			// A comment, or a CR: HAProxy stops there, even mid-line or
			// mid-word ("http#x" is "http"; a CR inside quotes too).
			lx.endWord()
			lx.i = len(raw)
			continue
		case c == '"' && !squote:
			lx.begin()
			dquote = !dquote
			quoteAt = lx.i + 1
			lx.i++
		case c == '\'' && !dquote:
			lx.begin()
			squote = !squote
			quoteAt = lx.i + 1
			lx.i++
		case c == '\\' && !squote:
			if err := lx.escape(dquote); err != nil {
				return nil, err
			}
		case isSpace(c) && !squote && !dquote:
			lx.endWord()
			at := lx.i + 1
			// A run of blanks is one separator; like HAProxy, the run
			// swallows a CR that follows a blank instead of ending the line.
			for lx.i < len(raw) && isSpace(raw[lx.i]) {
				lx.i++
			}
			if err := lx.separate(at); err != nil {
				return nil, err
			}
		case c == '$' && dquote:
			if err := lx.variable(); err != nil {
				return nil, err
			}
		default:
			lx.emit(c)
			lx.i++
		}
	}
	if squote || dquote {
		return nil, &lexError{col: quoteAt, msg: "unmatched quote; close it with the same kind of quote on the same line"}
	}
	lx.endWord()
	return lx.words, nil
}

// escape handles a backslash outside single quotes: \\, \<space>, \t, \n,
// \r, \#, \', \" and \xHH are escapes, \$ only inside double quotes, and any
// other backslash is kept as it is.
func (lx *lexer) escape(dquote bool) *lexError {
	raw := lx.raw
	at := lx.i
	var next byte
	if at+1 < len(raw) {
		next = raw[at+1]
	}
	lx.begin()
	switch next {
	case ' ', '\\', '#', '\'', '"':
		lx.cur = append(lx.cur, next)
		lx.i += 2
	case 't':
		lx.cur = append(lx.cur, '\t')
		lx.i += 2
	case 'n':
		lx.cur = append(lx.cur, '\n')
		lx.i += 2
	case 'r':
		lx.cur = append(lx.cur, '\r')
		lx.i += 2
	case '$':
		if dquote {
			lx.cur = append(lx.cur, '$')
			lx.i += 2
		} else {
			lx.cur = append(lx.cur, '\\')
			lx.i++
		}
	case 'x':
		if at+3 >= len(raw) || !isHex(raw[at+2]) || !isHex(raw[at+3]) {
			return &lexError{col: at + 1, msg: "truncated or invalid hexadecimal sequence; expected \\x followed by two hex digits"}
		}
		lx.cur = append(lx.cur, hexVal(raw[at+2])<<4|hexVal(raw[at+3]))
		lx.i += 4
	default:
		lx.cur = append(lx.cur, '\\')
		lx.i++
	}
	return nil
}

// variable expands "$NAME", "${NAME}", "${NAME-default}" or "${NAME[*]}"
// inside double quotes. An unset variable expands to nothing.
func (lx *lexer) variable() *lexError {
	raw := lx.raw
	lx.begin()
	lx.i++ // '$'
	brace := -1
	if lx.i < len(raw) && raw[lx.i] == '{' {
		brace = lx.i
		lx.i++
	}
	if lx.i >= len(raw) || !(isAlpha(raw[lx.i]) || raw[lx.i] == '_' || raw[lx.i] == '.') {
		return &lexError{col: lx.i + 1, msg: "forbidden first character in environment variable name; expected a letter, '_' or '.'"}
	}
	nameAt := lx.i
	if raw[lx.i] == '.' {
		lx.i++
	}
	for lx.i < len(raw) && (isAlnum(raw[lx.i]) || raw[lx.i] == '_') {
		lx.i++
	}
	name := raw[nameAt:lx.i]
	value, found, known := lx.env.get(name)
	if !known {
		return &lexError{col: nameAt + 1, msg: "unknown pseudo-variable '" + name + "'; expected .LINE, .FILE or .SECTION"}
	}
	expand := false
	if brace >= 0 && lx.i < len(raw) && raw[lx.i] == '[' {
		if !strings.HasPrefix(raw[lx.i:], "[*]") {
			return &lexError{col: lx.i + 1, msg: "truncated or invalid word expansion; expected '[*]'"}
		}
		expand = true
		lx.i += 3
	}
	if brace >= 0 {
		unmatched := &lexError{col: brace + 1, msg: "unmatched brace in environment variable name; expected '}'"}
		if lx.i < len(raw) && raw[lx.i] == '-' {
			end := strings.IndexByte(raw[lx.i:], '}')
			if end < 0 {
				return unmatched
			}
			if !found {
				value, found = raw[lx.i+1:lx.i+end], true
			}
			lx.i += end
		} else if lx.i >= len(raw) || raw[lx.i] != '}' {
			return unmatched
		}
		lx.i++ // '}'
	}
	if !found {
		return nil
	}
	return lx.expandValue(value, expand)
}

// expandValue appends an expanded value to the current word; with "[*]"
// every blank in the value starts a new word, as HAProxy does.
func (lx *lexer) expandValue(value string, expand bool) *lexError {
	for k := 0; k < len(value); k++ {
		c := value[k]
		if expand && isSpace(c) {
			lx.endWord()
			lx.seps++
			if lx.seps >= maxLineArgs {
				return &lexError{col: lx.start, msg: "too many words on one line after expansion; HAProxy accepts at most " +
					strconv.Itoa(maxLineArgs) + " words"}
			}
			for k+1 < len(value) && isSpace(value[k+1]) {
				k++
			}
			lx.inWord = true
			continue
		}
		lx.cur = append(lx.cur, c)
	}
	return nil
}

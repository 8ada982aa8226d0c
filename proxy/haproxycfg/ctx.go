package haproxycfg

import (
	"fmt"
	"strings"
)

// lineCtx is one configuration line being interpreted, with helpers that
// point errors at the right word.
type lineCtx struct {
	p     *parser
	px    *pxState // nil in the global section
	num   int
	words []word
	mod   string // "no" when the line started with it
}

// arg returns word k, or "" when the line is shorter.
func (c *lineCtx) arg(k int) string { return wordText(c.words, k) }

// col returns the column of word k, or the end of the line when it is
// missing (where the word was expected).
func (c *lineCtx) col(k int) int {
	if k < len(c.words) {
		return c.words[k].col
	}
	return c.words[len(c.words)-1].end
}

func (c *lineCtx) errAt(k int, format string, args ...any) {
	c.p.d.errorf(c.num, c.col(k), format, args...)
}

// errMissing reports a missing word at the end of the line.
func (c *lineCtx) errMissing(format string, args ...any) {
	c.p.d.errorf(c.num, c.col(len(c.words)), format, args...)
}

func (c *lineCtx) warn(format string, args ...any) { c.p.d.warnf(c.num, format, args...) }
func (c *lineCtx) lab(format string, args ...any)  { c.p.d.labf(c.num, format, args...) }

// kw is the line's keyword as written, "no" prefix included.
func (c *lineCtx) kw() string {
	if c.mod != "" {
		return c.mod + " " + c.words[0].text
	}
	return c.words[0].text
}

// tooMany reports an error when the keyword has more than max arguments, as
// HAProxy's alertif_too_many_args.
func (c *lineCtx) tooMany(max int) bool {
	return c.tooManyAfter(max, 0)
}

// tooManyAfter is tooMany for a keyword made of the words 0..idx.
func (c *lineCtx) tooManyAfter(max, idx int) bool {
	k := idx + max + 1
	if k >= len(c.words) {
		return false
	}
	names := make([]string, 0, idx+1)
	for j := 0; j <= idx; j++ {
		names = append(names, c.words[j].text)
	}
	c.errAt(k, "'%s' cannot handle unexpected argument '%s'; it takes %s",
		strings.Join(names, " "), c.words[k].text, plural(max, "argument"))
	return true
}

func plural(n int, what string) string {
	switch n {
	case 0:
		return "no " + what + "s"
	case 1:
		return "one " + what
	default:
		return fmt.Sprintf("at most %d %ss", n, what)
	}
}

// atoi reads word k as HAProxy's atol does, with a warning of lblab's own
// when HAProxy would silently read something else than what is written.
func (c *lineCtx) atoi(k int) int {
	n, clean := atol(c.arg(k))
	if !clean {
		c.lab("'%s' value '%s' is not a plain integer: HAProxy reads it as %d", c.words[k-1].text, c.arg(k), n)
	}
	return n
}

// words from k on, as plain strings.
func (c *lineCtx) texts(k int) []string {
	if k >= len(c.words) {
		return nil
	}
	out := make([]string, len(c.words)-k)
	for j := range out {
		out[j] = c.words[k+j].text
	}
	return out
}

package acl

import (
	"fmt"
	"strings"

	"github.com/lblab/lblab/proxy/cfgword"
)

// Cond is a parsed "if"/"unless" condition: a disjunction ("or", "||") of
// conjunctions (juxtaposed terms), each term an ACL, possibly negated with
// '!', named or anonymous ("{ FETCH [flags] PATTERN... }").
type Cond struct {
	unless   bool
	suites   [][]term
	warnings []*WordError
}

type term struct {
	acl  *namedACL
	neg  bool
	anon []string // the words between the braces of an anonymous ACL
}

// ParseCond parses a condition: words start with "if" or "unless". ACL
// names refer to the ACLs declared so far in s, then to HAProxy's
// predefined ACLs (TRUE, METH_GET, LOCALHOST...). Errors are *WordError.
func (s *Set) ParseCond(words []string) (*Cond, error) {
	kept, dropped := untilEmpty(words)
	c := &Cond{}
	if dropped {
		c.warnings = append(c.warnings, &WordError{Word: len(kept),
			Msg: "an empty word ends the line for HAProxy: the words after it are ignored"})
	}
	switch first := word(kept, 0); first {
	case "if":
	case "unless":
		c.unless = true
	default:
		return nil, &WordError{Word: 0, Msg: fmt.Sprintf("conditions must start with either 'if' or 'unless', not '%s'", first)}
	}
	var cur []term
	neg := false
	for i := 1; i < len(kept); i++ {
		w := kept[i]
		for strings.HasPrefix(w, "!") {
			neg = !neg
			w = w[1:]
		}
		if w == "" {
			continue // a lone '!' negates the next term
		}
		if strings.EqualFold(w, "or") || w == "||" {
			if cur != nil {
				c.suites = append(c.suites, cur)
			}
			cur, neg = nil, false
			continue
		}
		t, end, err := s.parseTerm(kept, i, w, c)
		if err != nil {
			return nil, err
		}
		t.neg = neg
		cur = append(cur, t)
		neg = false
		i = end
	}
	if cur != nil {
		c.suites = append(c.suites, cur)
	}
	return c, nil
}

// parseTerm reads the term at words[i] (w is the word without its '!'):
// an anonymous ACL up to the next "}" word, or an ACL name. It returns the
// index of the term's last word.
func (s *Set) parseTerm(words []string, i int, w string, c *Cond) (term, int, error) {
	if w != "{" {
		a, err := s.lookup(w)
		if err != nil {
			return term{}, 0, &WordError{Word: i, Msg: err.Error()}
		}
		if a == nil {
			return term{}, 0, &WordError{Word: i, Msg: fmt.Sprintf(
				"no such ACL : '%s' (declare it with an \"acl %s ...\" line before this one, or use a predefined ACL: %s)",
				w, w, strings.Join(PredefinedNames(), ", "))}
		}
		return term{acl: a}, i, nil
	}
	end := i + 1
	for end < len(words) && words[end] != "}" {
		end++
	}
	if end >= len(words) {
		return term{}, 0, &WordError{Word: i, Msg: "missing closing '}' in condition (braces must be separate words: { path_beg /static })"}
	}
	inner := words[i+1 : end]
	e, warns, err := s.parseExpr(inner, i+1)
	if err != nil {
		return term{}, 0, err
	}
	c.warnings = append(c.warnings, warns...)
	return term{acl: &namedACL{exprs: []*expr{e}}, anon: append([]string(nil), inner...)}, end, nil
}

// Eval reports whether the condition holds for r: with "if", whether one of
// the "or"-separated groups has all its terms true; "unless" negates that.
// An empty condition is false with "if" and true with "unless", as in
// HAProxy. A nil *Cond (a rule without condition) always holds. Eval may
// be called concurrently and does not allocate for the usual fetches.
func (c *Cond) Eval(r Request) bool {
	if c == nil {
		return true
	}
	res := false
	for _, suite := range c.suites {
		ok := true
		for i := range suite {
			if suite[i].acl.test(r) == suite[i].neg {
				ok = false
				break
			}
		}
		if ok {
			res = true
			break
		}
	}
	return res != c.unless
}

// NeedsHTTP reports whether the condition reads anything beyond layer 4
// (everything but src and the constant TRUE/FALSE), so it cannot be decided
// on a bare connection ("tcp-request connection" rules).
func (c *Cond) NeedsHTTP() bool {
	if c == nil {
		return false
	}
	for _, suite := range c.suites {
		for _, t := range suite {
			if t.acl.layers()&(1<<layerHTTP) != 0 {
				return true
			}
		}
	}
	return false
}

// TCPConnectionWarning returns the warning haproxy -c prints when the
// condition is used by a "tcp-request connection" rule and involves
// HTTP-level keywords, or "" when there is none. HAProxy accepts such a
// rule; an ACL made only of HTTP keywords never matches there.
func (c *Cond) TCPConnectionWarning() string {
	if c == nil {
		return ""
	}
	const where = "frontend tcp-request connection rule"
	usable := uint8(1<<layerConst | 1<<layerL4)
	for _, suite := range c.suites {
		for _, t := range suite {
			if t.acl.layers()&usable != 0 {
				continue
			}
			if t.acl.name != "" {
				return fmt.Sprintf("acl '%s' will never match in 'tcp-request connection' because it only involves keywords that are incompatible with '%s'", t.acl.name, where)
			}
			return fmt.Sprintf("anonymous acl will never match in 'tcp-request connection' because it uses keyword '%s' which is incompatible with '%s'", t.acl.exprs[0].kw, where)
		}
	}
	for _, suite := range c.suites {
		for _, t := range suite {
			for _, e := range t.acl.exprs {
				if e.fetch.layer != layerHTTP {
					continue
				}
				if t.acl.name != "" {
					return fmt.Sprintf("acl '%s' involves keyword '%s' which is incompatible with '%s'", t.acl.name, e.kw, where)
				}
				return fmt.Sprintf("anonymous acl involves keyword '%s' which is incompatible with '%s'", e.kw, where)
			}
		}
	}
	return ""
}

// Warnings returns what haproxy -c would warn about in the condition's
// anonymous ACLs (patterns missing, for instance).
func (c *Cond) Warnings() []*WordError {
	if c == nil {
		return nil
	}
	return append([]*WordError(nil), c.warnings...)
}

// String returns the condition in canonical form, as HAProxy reads it:
// "if a !b or { path_beg /static }". A nil *Cond is "".
func (c *Cond) String() string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	if c.unless {
		b.WriteString("unless")
	} else {
		b.WriteString("if")
	}
	for k, suite := range c.suites {
		if k > 0 {
			b.WriteString(" or")
		}
		for _, t := range suite {
			b.WriteByte(' ')
			if t.neg {
				b.WriteByte('!')
			}
			if t.anon == nil {
				b.WriteString(t.acl.name)
				continue
			}
			b.WriteString("{ ")
			b.WriteString(cfgword.Join(t.anon))
			b.WriteString(" }")
		}
	}
	return b.String()
}

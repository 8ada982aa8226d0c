package acl

import (
	"fmt"
	"strings"

	"github.com/lblab/lblab/proxy/cfgword"
)

// Set holds the named ACLs declared in one frontend, in declaration order.
//
// A Set is built while the configuration is read and is then only read:
// conditions keep pointers to its ACLs (a later "acl" line with an existing
// name adds to conditions already parsed, as in HAProxy), so it must not be
// changed while conditions are being evaluated.
type Set struct {
	byName map[string]*namedACL
	names  []string   // declared names, first declaration order
	lines  [][]string // the words of each successful Declare
	ids    map[int64]bool
}

// namedACL is an ACL name and its expressions, ORed. Anonymous ACLs (the
// braces in a condition) have an empty name.
type namedACL struct {
	name       string
	exprs      []*expr
	predefined bool
}

// test reports whether any of the ACL's expressions matches.
func (a *namedACL) test(r Request) bool {
	for _, e := range a.exprs {
		if e.test(r) {
			return true
		}
	}
	return false
}

// NewSet returns an empty set of ACLs.
func NewSet() *Set {
	return &Set{byName: map[string]*namedACL{}, ids: map[int64]bool{}}
}

// Declare adds an "acl NAME FETCH [flags] PATTERN..." line; words start
// after the "acl" keyword. A repeated name ORs its tests with the earlier
// ones. Errors are *WordError. Warnings that haproxy -c would print are
// dropped; use DeclareWithWarnings to get them.
func (s *Set) Declare(words []string) error {
	_, err := s.DeclareWithWarnings(words)
	return err
}

// DeclareWithWarnings is Declare, also returning what HAProxy would warn
// about while accepting the line (an ACL without patterns, which never
// matches, for instance). The set is unchanged when err is not nil.
func (s *Set) DeclareWithWarnings(words []string) (warnings []*WordError, err error) {
	kept, dropped := untilEmpty(words)
	if dropped {
		warnings = append(warnings, &WordError{Word: len(kept),
			Msg: "an empty word ends the line for HAProxy: the words after it are ignored"})
	}
	if len(kept) == 0 {
		return nil, &WordError{Word: 0, Msg: "missing ACL name (usage: acl <name> <fetch> [flags] [patterns...])"}
	}
	name := kept[0]
	if c, bad := invalidNameChar(name); bad {
		return nil, &WordError{Word: 0, Msg: fmt.Sprintf(
			"character '%c' is not permitted in acl name '%s' (accepted: letters, digits, '.', ':', '_', '-')", c, name)}
	}
	if strings.EqualFold(name, "or") {
		return nil, &WordError{Word: 0, Msg: fmt.Sprintf(
			"acl name '%s' will never match. 'or' is used to express a logical disjunction within a condition", name)}
	}
	e, warns, err := s.parseExpr(kept[1:], 1)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, warns...)
	a := s.byName[name]
	if a == nil {
		a = &namedACL{name: name}
		s.byName[name] = a
		s.names = append(s.names, name)
	} else if a.predefined && !s.declared(name) {
		// a predefined ACL already used by a condition gets the new test
		// added to it, as in HAProxy; it is now declared here too
		s.names = append(s.names, name)
	}
	a.exprs = append(a.exprs, e)
	s.lines = append(s.lines, append([]string(nil), kept...))
	return warnings, nil
}

func (s *Set) declared(name string) bool {
	for _, n := range s.names {
		if n == name {
			return true
		}
	}
	return false
}

// parseExpr parses "FETCH [flags] [patterns]"; base is the index of the
// fetch word in the caller's words. -u ids are only recorded on success.
func (s *Set) parseExpr(words []string, base int) (*expr, []*WordError, error) {
	ids := make(map[int64]bool, len(s.ids)+1)
	for id := range s.ids {
		ids[id] = true
	}
	p := &exprParser{words: words, base: base, ids: ids}
	if len(words) > 1 && !strings.Contains(words[0], "(") && strings.HasPrefix(words[1], "(") {
		p.warnf(1, "matching '%s' for pattern '%s' is likely a mistake and probably not what you want: "+
			"maybe remove the space before '('; insert '--' between the fetch and the pattern if it is intended", words[0], words[1])
	}
	e, err := p.parse()
	if err != nil {
		return nil, nil, err
	}
	s.ids = ids
	return e, p.warns, nil
}

// Lines returns each "acl ..." declaration in order, quoted so that HAProxy
// reads the same words back.
func (s *Set) Lines() []string {
	out := make([]string, len(s.lines))
	for i, words := range s.lines {
		out[i] = "acl " + cfgword.Join(words)
	}
	return out
}

// Names returns the declared ACL names in order of first declaration.
func (s *Set) Names() []string { return append([]string(nil), s.names...) }

// NeedsHTTP reports whether the named ACL reads anything beyond layer 4;
// false for an unknown name.
func (s *Set) NeedsHTTP(name string) bool {
	a := s.byName[name]
	return a != nil && a.layers()&(1<<layerHTTP) != 0
}

// layers is the set of layers the ACL's expressions use, as bits.
func (a *namedACL) layers() uint8 {
	var l uint8
	for _, e := range a.exprs {
		l |= 1 << e.fetch.layer
	}
	return l
}

// lookup finds a declared ACL or instantiates a predefined one into the set
// (so that a later "acl" line with its name adds to it, as in HAProxy).
func (s *Set) lookup(name string) (*namedACL, error) {
	if a := s.byName[name]; a != nil {
		return a, nil
	}
	def, ok := predefined(name)
	if !ok {
		return nil, nil
	}
	if def.unsupported {
		return nil, fmt.Errorf("the predefined ACL '%s' exists in HAProxy 2.6 but lblab does not support it", name)
	}
	e, _, err := s.parseExpr(def.words, 0)
	if err != nil {
		return nil, fmt.Errorf("predefined ACL '%s': %v", name, err) // a bug in the table
	}
	a := &namedACL{name: name, exprs: []*expr{e}, predefined: true}
	s.byName[name] = a
	return a, nil
}

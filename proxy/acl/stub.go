package acl

import "errors"

// Set holds the named ACLs declared in one frontend.
type Set struct{}

// Cond is a parsed "if"/"unless" condition.
type Cond struct{}

// NewSet returns an empty set of ACLs.
func NewSet() *Set { return &Set{} }

// Declare adds an "acl NAME FETCH [flags] PATTERN..." line; words start
// after the "acl" keyword. A repeated name ORs its tests with the earlier ones.
func (s *Set) Declare(words []string) error { return errors.New("acl: not implemented yet") }

// ParseCond parses a condition: words start with "if" or "unless".
func (s *Set) ParseCond(words []string) (*Cond, error) {
	return nil, errors.New("acl: not implemented yet")
}

// Eval reports whether the condition holds for r.
func (c *Cond) Eval(r Request) bool { return false }

// NeedsHTTP reports whether the condition reads anything beyond layer 4.
func (c *Cond) NeedsHTTP() bool { return false }

// String returns the condition as written.
func (c *Cond) String() string { return "" }

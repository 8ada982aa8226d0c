// Package acl owns HAProxy 2.6's access control lists: declaring named ACLs
// (fetch, flags, match method, patterns), parsing "if"/"unless" conditions,
// and evaluating them against a request or a connection, with HAProxy's
// exact matching rules (no URI decoding, case-sensitive known methods,
// comma-split header values, abbreviated IPv4 patterns...). It knows
// nothing of sockets, backends, servers or the lab clock, and must not
// touch them: the proxy evaluates conditions and acts on the result, the
// config parser splits lines into words and reports errors' positions.
//
// Files: set.go (Set, Declare), cond.go (conditions), parse.go (one ACL
// expression), fetch.go (what is read from the request), sample.go
// (sample types and casts), match.go (matching methods), ipaddr.go
// (address patterns), predefined.go (TRUE, METH_GET...), keywords.go
// (HAProxy's converter names), words.go (small parsing helpers).
package acl

import "net/netip"

// Request is what ACL fetches read. In TCP mode only Src is meaningful and
// HTTP reports false.
type Request interface {
	Src() netip.Addr
	HTTP() bool
	Method() string // as sent on the request line
	URI() string    // request-line URI, as sent
	// Header calls fn with the raw value of each occurrence of the named
	// header (case-insensitive name), in order, until fn returns false.
	Header(name string, fn func(value string) bool)
}

// WordError is a parse error about one word of a configuration line, so the
// config parser can point at the word's column.
type WordError struct {
	Word int    // index into the words given to the parser
	Msg  string // what was wrong and what would be accepted
}

func (e *WordError) Error() string { return e.Msg }

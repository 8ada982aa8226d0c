// Package acl owns HAProxy 2.6's access control lists: declaring named ACLs
// (fetch, flags, match method, patterns), parsing "if"/"unless" conditions,
// and evaluating them against a request or a connection. It knows nothing
// of sockets, backends or servers; the proxy evaluates conditions and acts
// on the result.
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

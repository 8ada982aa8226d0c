// Package haproxycfg reads an haproxy.cfg, in the subset of HAProxy 2.6
// that lblab runs, into a *proxy.Config, and writes a *proxy.Config back
// out as an haproxy.cfg that HAProxy 2.6 accepts ("haproxy -c").
//
// It owns the file format: splitting lines into words exactly as HAProxy's
// configuration reader does (blanks, '#' comments, single and double
// quotes, backslash escapes, "${VAR}" expansion inside double quotes), the
// sections (global, defaults with their inheritance and "from", frontend,
// backend, listen), the keywords the lab implements with HAProxy's defaults,
// and the checks HAProxy makes once a file is read (unknown backends, mode
// mismatches, duplicate names and ids, missing timeouts...), with HAProxy's
// wording for its warnings. The ACL and balance syntax are delegated to the
// acl and balance packages.
//
// It must not start anything, resolve names or touch the network: server
// addresses such as "app1:5001" and binds such as "*:80" are kept as written
// for the lab to map. It knows nothing of the lab, the dashboard or how the
// proxy runs a Config.
//
// # API
//
//	Parse(filename string, src []byte) (*File, error)
//	ParseFile(path string) (*File, error)
//	Format(cfg *proxy.Config) []byte
//
// File holds the Config, the Warnings, and Where(x), which tells the file,
// line and column a frontend, backend, server, bind (BindRef) or rule was
// written at. On error, Parse returns a nil File and an Errors value: every
// error of the file (up to MaxErrors), each a Diag whose String is
// "file:line:col: what was found; what was expected".
//
// Warnings are Diags too. Those with Lab set are lblab's own: a keyword,
// option or section HAProxy knows and lblab ignores ("file:line: 'keyword'
// is not supported by lblab and is ignored"), or a value HAProxy silently
// reads differently from how it is written ("weight 2x" is 2). The others
// are the warnings haproxy -c prints for the same file, in its words.
//
// # Where lblab deliberately differs from haproxy -c
//
// For what lblab implements, Parse accepts and rejects what HAProxy 2.6
// accepts and rejects (checked against the real binary by the tests),
// except: a server needs an explicit port (the lab dials host:port); only
// TCP addresses are run (no UNIX sockets, fd@ or abns@); a listen section
// and a backend may not share a name; ".if" blocks, "default" prefixes,
// dynamic backend names ("use_backend %[...]") and "http-request deny"
// replies other than "deny_status" are rejected. The arguments of keywords
// lblab ignores are only checked where that is cheap (bind and server
// option names and arity, rule conditions), so HAProxy may still reject a
// file lblab accepts with warnings (a missing certificate file, for
// instance). Rules and ACLs of a named defaults section are checked but not
// run (warned about).
//
// A Config's rule Text is the canonical form of the rule (what Format
// writes), so that a Config survives Format then Parse unchanged.
package haproxycfg

package acl

// predefinedACL is one of HAProxy's built-in ACLs (default_acl_list in
// acl.c): usable in any condition without being declared, and overridden
// by an "acl" line with the same name declared before its first use.
type predefinedACL struct {
	name        string
	words       []string // the expression, as an "acl" line would write it
	unsupported bool     // exists in HAProxy, not implemented by lblab
}

var predefinedACLs = []predefinedACL{
	{name: "TRUE", words: []string{"always_true"}},
	{name: "FALSE", words: []string{"always_false"}},
	{name: "LOCALHOST", words: []string{"src", "127.0.0.1/8", "::1"}},
	{name: "HTTP", words: []string{"req.proto_http"}},
	{name: "HTTP_1.0", words: []string{"req.ver", "1.0"}},
	{name: "HTTP_1.1", words: []string{"req.ver", "1.1"}},
	{name: "HTTP_2.0", words: []string{"req.ver", "2.0"}},
	{name: "METH_CONNECT", words: []string{"method", "CONNECT"}},
	{name: "METH_DELETE", words: []string{"method", "DELETE"}},
	{name: "METH_GET", words: []string{"method", "GET", "HEAD"}},
	{name: "METH_HEAD", words: []string{"method", "HEAD"}},
	{name: "METH_OPTIONS", words: []string{"method", "OPTIONS"}},
	{name: "METH_POST", words: []string{"method", "POST"}},
	{name: "METH_PUT", words: []string{"method", "PUT"}},
	{name: "METH_TRACE", words: []string{"method", "TRACE"}},
	{name: "HTTP_URL_ABS", words: []string{"url_reg", "^[^/:]*://"}},
	{name: "HTTP_URL_SLASH", words: []string{"url_beg", "/"}},
	{name: "HTTP_URL_STAR", words: []string{"url", "*"}},
	{name: "HTTP_CONTENT", words: []string{"req.hdr_val(content-length)", "gt", "0"}},
	{name: "RDP_COOKIE", unsupported: true},
	{name: "REQ_CONTENT", unsupported: true},
	{name: "WAIT_END", unsupported: true},
}

// predefined finds a built-in ACL by its exact (case-sensitive) name.
func predefined(name string) (predefinedACL, bool) {
	for _, p := range predefinedACLs {
		if p.name == name {
			return p, true
		}
	}
	return predefinedACL{}, false
}

// PredefinedNames lists HAProxy's built-in ACL names that lblab supports.
func PredefinedNames() []string {
	var out []string
	for _, p := range predefinedACLs {
		if !p.unsupported {
			out = append(out, p.name)
		}
	}
	return out
}

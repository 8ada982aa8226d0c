package acl

import "strings"

// Versioned is optionally implemented by a Request that knows the protocol
// token of its request line ("HTTP/1.1"). The req.ver fetch and the
// predefined HTTP_1.0, HTTP_1.1 and HTTP_2.0 ACLs read it; with a Request
// that does not implement it they never match.
type Versioned interface {
	Proto() string
}

// fetchKind identifies what a fetch reads from the request.
type fetchKind uint8

const (
	fTrue fetchKind = iota
	fFalse
	fProtoHTTP
	fSrc
	fMethod
	fPath
	fPathQ
	fURL
	fQuery
	fBase
	fBaseQ
	fVer
	fHdr     // comma-separated values of a header
	fFhdr    // full header lines
	fHdrCnt  // number of comma-separated values
	fFhdrCnt // number of header lines
	fHdrVal  // integer value of each comma-separated value
)

// layer says what a fetch needs: nothing, the connection, or HTTP.
type layer uint8

const (
	layerConst layer = iota
	layerL4
	layerHTTP
)

// argSpec is the argument list a fetch takes inside parentheses.
type argSpec uint8

const (
	argNone    argSpec = iota
	argHdr             // ([name[,occurrence]])
	argHdrName         // ([name])
)

// fetchDef is one sample fetch keyword HAProxy 2.6 has and lblab
// implements, with HAProxy's output type.
type fetchDef struct {
	name  string
	kind  fetchKind
	out   smpType
	args  argSpec
	layer layer
}

// fetchDefs lists the supported sample fetches (see "haproxy -dKsmp").
var fetchDefs = []fetchDef{
	{"always_false", fFalse, tBool, argNone, layerConst},
	{"always_true", fTrue, tBool, argNone, layerConst},
	{"base", fBase, tStr, argNone, layerHTTP},
	{"baseq", fBaseQ, tStr, argNone, layerHTTP},
	{"hdr", fHdr, tStr, argHdr, layerHTTP},
	{"hdr_cnt", fHdrCnt, tSint, argHdrName, layerHTTP},
	{"hdr_val", fHdrVal, tSint, argHdr, layerHTTP},
	{"method", fMethod, tMeth, argNone, layerHTTP},
	{"path", fPath, tStr, argNone, layerHTTP},
	{"pathq", fPathQ, tStr, argNone, layerHTTP},
	{"query", fQuery, tStr, argNone, layerHTTP},
	{"req.fhdr", fFhdr, tStr, argHdr, layerHTTP},
	{"req.fhdr_cnt", fFhdrCnt, tSint, argHdrName, layerHTTP},
	{"req.hdr", fHdr, tStr, argHdr, layerHTTP},
	{"req.hdr_cnt", fHdrCnt, tSint, argHdrName, layerHTTP},
	{"req.hdr_val", fHdrVal, tSint, argHdr, layerHTTP},
	{"req.proto_http", fProtoHTTP, tBool, argNone, layerHTTP},
	{"req.ver", fVer, tStr, argNone, layerHTTP},
	{"req_proto_http", fProtoHTTP, tBool, argNone, layerHTTP},
	{"req_ver", fVer, tStr, argNone, layerHTTP},
	{"src", fSrc, tIPv4, argNone, layerL4},
	{"url", fURL, tStr, argNone, layerHTTP},
}

func findFetch(name string) *fetchDef {
	for i := range fetchDefs {
		if fetchDefs[i].name == name {
			return &fetchDefs[i]
		}
	}
	return nil
}

// aclKeyword is one of HAProxy's ACL keywords: a fetch plus a default match
// method (path_beg is path with -m beg).
type aclKeyword struct {
	name  string
	fetch string
	match matchKind
}

// aclKeywords lists the supported ACL keywords (see "haproxy -dKacl").
var aclKeywords = func() []aclKeyword {
	var kws []aclKeyword
	suffixes := []struct {
		sfx string
		m   matchKind
	}{{"", mStr}, {"_beg", mBeg}, {"_dir", mDir}, {"_dom", mDom}, {"_end", mEnd},
		{"_len", mLen}, {"_reg", mReg}, {"_sub", mSub}}
	for _, base := range []struct{ kw, fetch string }{
		{"base", "base"}, {"hdr", "req.hdr"}, {"path", "path"}, {"url", "url"}} {
		for _, s := range suffixes {
			kws = append(kws, aclKeyword{base.kw + s.sfx, base.fetch, s.m})
		}
	}
	return append(kws, aclKeyword{"method", "method", mMeth}, aclKeyword{"req_ver", "req.ver", mStr})
}()

func findACLKeyword(name string) *aclKeyword {
	for i := range aclKeywords {
		if aclKeywords[i].name == name {
			return &aclKeywords[i]
		}
	}
	return nil
}

// unsupportedKeywords are HAProxy 2.6 ACL keywords lblab does not
// implement, named so that the error can say so instead of "unknown".
var unsupportedKeywords = []string{"cook", "cook_beg", "cook_dir", "cook_dom", "cook_end", "cook_len",
	"cook_reg", "cook_sub", "http_auth_group", "payload", "payload_lv", "req.ssl_ver",
	"req_rdp_cookie", "req_rdp_cookie_cnt", "req_ssl_sni", "req_ssl_ver", "resp_ver", "scook",
	"scook_beg", "scook_dir", "scook_dom", "scook_end", "scook_len", "scook_reg", "scook_sub",
	"shdr", "shdr_beg", "shdr_dir", "shdr_dom", "shdr_end", "shdr_len", "shdr_reg", "shdr_sub",
	"ssl_fc_sni_end", "ssl_fc_sni_reg", "urlp", "urlp_beg", "urlp_dir", "urlp_dom", "urlp_end",
	"urlp_len", "urlp_reg", "urlp_sub"}

func supportedFetchList() string {
	names := make([]string, 0, len(fetchDefs)+len(aclKeywords))
	seen := map[string]bool{}
	for _, k := range aclKeywords {
		if !seen[k.name] {
			seen[k.name] = true
			names = append(names, k.name)
		}
	}
	for _, f := range fetchDefs {
		if !seen[f.name] {
			seen[f.name] = true
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ", ")
}

// parsePath returns the path of a request-line URI as HAProxy's
// http_parse_path does: the URI itself when it starts with '/'; for an
// absolute URI ("scheme://authority/path") what follows the authority;
// nothing for "*", an empty URI or an authority alone (CONNECT). There is
// no decoding or normalisation of any kind.
func parsePath(uri string) (string, bool) {
	if uri == "" || uri[0] == '*' {
		return "", false
	}
	if uri[0] == '/' {
		return uri, true
	}
	// scheme: a letter, then letters, digits, '+', '-', '.', then "://"
	if !isAlpha(uri[0]) {
		return "", false
	}
	i := 1
	for i < len(uri) && (isAlnum(uri[i]) || uri[i] == '+' || uri[i] == '-' || uri[i] == '.') {
		i++
	}
	if !strings.HasPrefix(uri[i:], "://") {
		return "", false
	}
	i += 3
	slash := strings.IndexByte(uri[i:], '/')
	if slash < 0 {
		return "", false
	}
	return uri[i+slash:], true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// stopAt cuts s before the first c.
func stopAt(s string, c byte) string {
	if i := strings.IndexByte(s, c); i >= 0 {
		return s[:i]
	}
	return s
}

// fetchSimple produces the sample of every fetch that yields one value
// (all but the header iterations); ok is false when the fetch fails.
func fetchSimple(r Request, k fetchKind) (sample, bool) {
	switch k {
	case fTrue:
		return sample{typ: tBool, num: 1}, true
	case fFalse:
		return sample{typ: tBool}, true
	case fSrc:
		a := r.Src()
		if !a.IsValid() {
			return sample{}, false
		}
		if a.Is4() {
			return sample{typ: tIPv4, addr: a}, true
		}
		return sample{typ: tIPv6, addr: a}, true
	}
	if !r.HTTP() {
		return sample{}, false
	}
	switch k {
	case fProtoHTTP:
		return sample{typ: tBool, num: 1}, true
	case fMethod:
		m := r.Method()
		return sample{typ: tMeth, meth: findMethod(m), str: m}, true
	case fURL:
		return sample{typ: tStr, str: r.URI()}, true
	case fPath, fPathQ:
		p, ok := parsePath(r.URI())
		if !ok {
			return sample{}, false
		}
		if k == fPath {
			p = stopAt(p, '?')
		}
		return sample{typ: tStr, str: p}, true
	case fQuery:
		uri := r.URI()
		q := strings.IndexByte(uri, '?')
		if q < 0 {
			return sample{}, false
		}
		return sample{typ: tStr, str: uri[q+1:]}, true
	case fBase, fBaseQ:
		return fetchBase(r, k == fBaseQ)
	case fVer:
		v, ok := r.(Versioned)
		if !ok {
			return sample{}, false
		}
		// what follows the first '/', when something does
		p := v.Proto()
		i := strings.IndexByte(p, '/')
		if i < 0 || i == len(p)-1 {
			return sample{}, false
		}
		return sample{typ: tStr, str: p[i+1:]}, true
	}
	return sample{}, false
}

// fetchBase is the first Host value followed by the path when the path
// starts with '/' (no query unless baseq); without a Host it is the path.
func fetchBase(r Request, withQuery bool) (sample, bool) {
	host, found := "", false
	r.Header("Host", func(v string) bool {
		elem, _ := nextHeaderElem(v, 0)
		host, found = elem, true
		return false
	})
	if !found || host == "" {
		k := fPath
		if withQuery {
			k = fPathQ
		}
		return fetchSimple(r, k)
	}
	p, ok := parsePath(r.URI())
	if ok && !withQuery {
		p = stopAt(p, '?')
	}
	if ok && p != "" && p[0] == '/' {
		return sample{typ: tStr, str: host + p}, true
	}
	return sample{typ: tStr, str: host}, true
}

// isLWS is HTTP_IS_LWS: space, tab, CR, LF.
func isLWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// nextHeaderElem returns the comma-separated element of a header value
// that starts at pos, trimmed of linear white space, and the position of
// the comma (or end) that ends it. Commas inside double quotes, and
// backslash-escaped bytes inside them, do not split (http_find_hdr_value_end).
func nextHeaderElem(v string, pos int) (elem string, end int) {
	for pos < len(v) && isLWS(v[pos]) {
		pos++
	}
	end = pos
	quoted, escaped := false, false
scan:
	for ; end < len(v); end++ {
		c := v[end]
		switch {
		case escaped:
			escaped = false
		case quoted:
			if c == '\\' {
				escaped = true
			} else if c == '"' {
				quoted = false
			}
		case c == '"':
			quoted = true
		case c == ',':
			break scan
		}
	}
	e := end
	for e > pos && isLWS(v[e-1]) {
		e--
	}
	return v[pos:e], end
}

// trimLWS trims a full header line value.
func trimLWS(v string) string {
	i, j := 0, len(v)
	for i < j && isLWS(v[i]) {
		i++
	}
	for j > i && isLWS(v[j-1]) {
		j--
	}
	return v[i:j]
}

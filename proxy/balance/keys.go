package balance

import "strings"

// This file extracts the hash of a request for the hashing algorithms, as
// backend.c's get_server_sh, get_server_uh, get_server_ph,
// get_server_ph_post and get_server_hh do before their lookup. ok is false
// when the input is missing (not HTTP, no header, no parameter, no source
// address): the caller then falls back to its round-robin walk.
//
// single is HAProxy's "only one server left" shortcut (tot_used == 1):
// source, uri and hdr then skip hashing and use 0, even when a header is
// missing; url_param has no such shortcut.

func requestHash(spec *Spec, r *Request, single bool) (uint32, bool) {
	if r == nil {
		return 0, false
	}
	var h uint32
	switch spec.Algo {
	case Source:
		if !r.Src.IsValid() {
			// 2.6.12 (38c53944c): no IP address, round robin
			return 0, false
		}
		if single {
			return 0, true
		}
		h = foldAddr(r)
	case URI:
		if !r.HTTP {
			return 0, false
		}
		if single {
			return 0, true
		}
		h = genHash(spec.Hash.Func, uriKey(spec, r.URI))
	case URLParam:
		if !r.HTTP {
			return 0, false
		}
		v, found := queryParam(r.URI, spec.Param)
		if found {
			h = genHash(spec.Hash.Func, v)
		} else if r.Method == "POST" {
			b, ok := bodyParam(r.Body, spec.Param)
			if !ok {
				return 0, false
			}
			h = genHash(spec.Hash.Func, b)
		} else {
			return 0, false
		}
	case Hdr:
		if !r.HTTP {
			return 0, false
		}
		if single {
			return 0, true
		}
		if r.Header == nil {
			return 0, false
		}
		raw, ok := r.Header(spec.Param)
		v := firstValue(raw)
		if !ok || v == "" {
			return 0, false
		}
		if spec.UseDomainOnly {
			v = domainOnly(v)
		}
		h = genHash(spec.Hash.Func, v)
	default:
		return 0, false
	}
	if spec.Hash.Avalanche {
		h = fullHash(h)
	}
	return h, true
}

// foldAddr XORs the address's 32-bit big-endian words: the IPv4 address
// itself, or the four words of an IPv6 one. An IPv4-mapped IPv6 address
// (what Go reports for an IPv4 client on some sockets) counts as IPv4, as
// HAProxy sees such a client on its IPv4 listeners; only an HAProxy
// listening on a dual-stack IPv6 socket would fold the mapped form.
func foldAddr(r *Request) uint32 {
	a := r.Src.Unmap()
	if a.Is4() {
		b := a.As4()
		return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	b := a.As16()
	var h uint32
	for k := 0; k < 16; k += 4 {
		h ^= uint32(b[k])<<24 | uint32(b[k+1])<<16 | uint32(b[k+2])<<8 | uint32(b[k+3])
	}
	return h
}

// uriKey is the part of the URI that "balance uri" hashes: the path only
// with path-only, the first len characters with len, and then up to the
// (depth+1)-th slash with depth and up to '?' without whole.
func uriKey(spec *Spec, uri string) string {
	if spec.URIPathOnly {
		uri = uriPath(uri)
	}
	if spec.URILen > 0 && len(uri) > spec.URILen {
		uri = uri[:spec.URILen]
	}
	if spec.URIDepth == 0 {
		// no slash to stop at: only '?' ends the key, unless whole
		if q := strings.IndexByte(uri, '?'); q >= 0 && !spec.URIWhole {
			return uri[:q]
		}
		return uri
	}
	stop := spec.URIDepth + 1 // the slash to stop at
	slashes := 0
	for end := 0; end < len(uri); end++ {
		switch uri[end] {
		case '/':
			slashes++
			if slashes == stop {
				return uri[:end]
			}
		case '?':
			if !spec.URIWhole {
				return uri[:end]
			}
		}
	}
	return uri
}

// uriPath is http_parse_path: an origin-form URI as it is, the path of an
// absolute URI (after "scheme://authority"), and "" for "*", an authority
// (CONNECT) or an absolute URI without a path.
func uriPath(u string) string {
	if u == "" || u[0] == '*' {
		return ""
	}
	if u[0] == '/' {
		return u
	}
	if !isAlpha(u[0]) {
		return ""
	}
	i := 1
	for i < len(u) && (isAlpha(u[i]) || u[i] >= '0' && u[i] <= '9' || u[i] == '+' || u[i] == '-' || u[i] == '.') {
		i++
	}
	if !strings.HasPrefix(u[i:], "://") {
		return ""
	}
	i += 3
	for i < len(u) && u[i] != '/' {
		i++
	}
	return u[i:]
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// queryParam finds "name=" at the start of a '&'-separated parameter of
// the query string (after the first '?') and returns its value up to the
// next '&'. Names compare case-sensitively. A value may be empty.
func queryParam(uri, name string) (string, bool) {
	q := strings.IndexByte(uri, '?')
	if q < 0 {
		return "", false
	}
	return findParam(uri[q+1:], name)
}

func findParam[T bytesLike](params T, name string) (T, bool) {
	plen := len(name)
	for len(params) > plen {
		if params[plen] == '=' && string(params[:plen]) == name {
			v := params[plen+1:]
			end := 0
			for end < len(v) && v[end] != '&' {
				end++
			}
			return v[:end], true
		}
		amp := -1
		for k := 0; k < len(params); k++ {
			if params[k] == '&' {
				amp = k
				break
			}
		}
		if amp < 0 {
			break
		}
		params = params[amp+1:]
	}
	var zero T
	return zero, false
}

// bodyParam is get_server_ph_post: the same search in the part of a POST
// body received so far, with its check that the body looks URL-encoded.
// That check reads the first character of the value only: a value that
// starts with a token character is taken whole (up to '&'), one that
// starts with white space is taken as empty, and any other first character
// means the body holds no parameters.
func bodyParam(body []byte, name string) ([]byte, bool) {
	v, ok := findParam(body, name)
	if !ok || len(v) == 0 {
		return v, ok
	}
	switch c := v[0]; {
	case isToken(c):
		return v, true
	case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		return v[:0], true
	}
	return nil, false
}

// isToken is HTTP's token character class: visible ASCII but the
// separators ()<>@,;:\"/[]?={} (space and controls are not tokens either).
func isToken(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte(`()<>@,;:\"/[]?={}`, c) < 0
}

// firstValue is what http_find_header returns without its "full" flag:
// the first comma-separated element of the value (commas inside double
// quotes do not count), without surrounding white space.
func firstValue(v string) string {
	v = trimLWS(v)
	if strings.IndexByte(v, '"') < 0 {
		if c := strings.IndexByte(v, ','); c >= 0 {
			return trimLWS(v[:c])
		}
		return v
	}
	quoted, pair := false, false
	for k := 0; k < len(v); k++ {
		c := v[k]
		switch {
		case pair:
			pair = false
		case quoted:
			if c == '\\' {
				pair = true
			} else if c == '"' {
				quoted = false
			}
		case c == '"':
			quoted = true
		case c == ',':
			return trimLWS(v[:k])
		}
	}
	return trimLWS(v)
}

func isLWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimLWS(v string) string {
	for len(v) > 0 && isLWS(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && isLWS(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}

// domainOnly is hdr()'s use_domain_only: scanning back from the end, the
// label before the last dot ("1wt" in "haproxy.1wt.eu", "example" in
// "example.com:8080"); the whole value when it holds no dot.
func domainOnly(v string) string {
	end := len(v)
	p := len(v)
	found := false
	for n := len(v); n > 0; n-- {
		if found {
			if v[p-1] == '.' {
				break
			}
		} else if p < len(v) && v[p] == '.' {
			end = p
			found = true
		}
		p--
	}
	return v[p:end]
}

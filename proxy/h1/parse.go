package h1

import (
	"strings"
)

// isToken reports an RFC 7230 tchar, the characters of methods and header
// names.
func isToken(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// splitWord returns the next run of non-blank bytes of s and what follows
// the blanks after it. HAProxy accepts several spaces or tabs between the
// words of a start line.
func splitWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && !isSpace(s[i]) {
		i++
	}
	word = s[:i]
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return word, s[i:]
}

// validVersion is HAProxy's strict rule (RFC 7230 2.6): exactly "HTTP/"
// digit "." digit. HTTP/0.9 requests without a version are refused.
func validVersion(v string) bool {
	return len(v) == 8 && v[:5] == "HTTP/" && isDigit(v[5]) && v[6] == '.' && isDigit(v[7])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// ReadRequest reads the next request head into req, reusing its header
// slice. It returns io.EOF if the client closed before sending a byte.
func (r *Reader) ReadRequest(req *Request) error {
	head, err := r.readHead()
	if err != nil {
		return err
	}
	req.Size = len(head)
	line, rest := nextLine(head)
	if err := parseRequestLine(line, req); err != nil {
		return err
	}
	req.Header, err = parseFields(rest, req.Header[:0], true, req.URI)
	if err != nil {
		return err
	}
	return checkHost(req)
}

// checkHost applies HAProxy's one Host rule: when the request-target is
// not origin-form, the authority HAProxy's URI parser finds in it must
// equal the Host header. A request without Host, or with "Host: a, b", is
// forwarded as it is.
func checkHost(req *Request) error {
	host, ok := req.Header.Get("host")
	if !ok {
		return nil
	}
	if auth := Authority(req.URI); auth != "" && !strings.EqualFold(auth, host) {
		return malformed("Host %q differs from the request-target's authority %q", host, auth)
	}
	return nil
}

// Authority returns the authority of a request-target as HAProxy's URI
// parser reads it (http_parse_scheme then http_parse_authority): for a
// target that is neither "/..." nor "*", skip "scheme://" when the scheme
// is valid (a letter, then letters, digits, '+', '-', '.'), take what comes
// before the next '/', and drop any "userinfo@". Without a valid scheme the
// whole target up to '/' is the authority, so "x:y" or "1x" never match a
// Host header of "x".
func Authority(uri string) string {
	if uri == "" || uri[0] == '/' || uri[0] == '*' {
		return ""
	}
	rest := uri
	if i := schemeEnd(uri); i > 0 {
		rest = uri[i:]
	}
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	if k := strings.LastIndexByte(rest, '@'); k >= 0 {
		rest = rest[k+1:]
	}
	return rest
}

// schemeEnd returns the length of a valid "scheme://" prefix, or 0.
func schemeEnd(uri string) int {
	if !isAlpha(uri[0]) {
		return 0
	}
	i := 1
	for i < len(uri) && (isAlpha(uri[i]) || isDigit(uri[i]) || uri[i] == '+' || uri[i] == '-' || uri[i] == '.') {
		i++
	}
	if strings.HasPrefix(uri[i:], "://") {
		return i + 3
	}
	return 0
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func parseRequestLine(line string, req *Request) error {
	method, rest := splitWord(line)
	if method == "" {
		return malformed("empty request line")
	}
	for i := 0; i < len(method); i++ {
		if !isToken(method[i]) {
			return malformed("invalid character %q in method", method[i])
		}
	}
	uri, rest := splitWord(rest)
	if uri == "" {
		return malformed("no URI: HTTP/0.9 requests are not accepted")
	}
	for i := 0; i < len(uri); i++ {
		if c := uri[i]; c < 33 || c > 126 || c == '#' {
			return malformed("invalid character %q in URI", c)
		}
	}
	proto, rest := splitWord(rest)
	if rest != "" || !validVersion(proto) {
		return malformed("invalid HTTP version %q", proto)
	}
	req.Method, req.URI, req.Proto = method, uri, proto
	return nil
}

// ReadResponse reads the next response head into resp, reusing its header
// slice. Interim 1xx responses are returned like any other; the caller
// forwards them and reads again.
func (r *Reader) ReadResponse(resp *Response) error {
	head, err := r.readHead()
	if err != nil {
		return err
	}
	resp.Size = len(head)
	line, rest := nextLine(head)
	if err := parseStatusLine(line, resp); err != nil {
		return err
	}
	resp.Header, err = parseFields(rest, resp.Header[:0], false, "")
	return err
}

func parseStatusLine(line string, resp *Response) error {
	proto, rest := splitWord(line)
	if !validVersion(proto) {
		return malformed("invalid status line %q", line)
	}
	code, reason := splitWord(rest)
	if len(code) != 3 || !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) {
		return malformed("invalid status code %q", code)
	}
	status := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	if status < 100 {
		return malformed("invalid status code %q", code)
	}
	resp.Proto, resp.Status, resp.Reason = proto, status, reason
	return nil
}

// parseFields parses header lines up to the empty line. Like HAProxy it
// joins folded lines with spaces, trims values, refuses non-token names,
// conflicting Content-Length values and bad Transfer-Encoding lists, and
// for requests several differing Host headers.
func parseFields(s string, h Header, request bool, uri string) (Header, error) {
	for {
		line, rest := nextLine(s)
		if line == "" {
			return h, checkFraming(h, request)
		}
		// obs-fold: continuation lines belong to this field's value.
		for len(rest) > 0 && isSpace(rest[0]) {
			var cont string
			cont, rest = nextLine(rest)
			line = line + " " + cont // rare: one allocation per fold
		}
		s = rest
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			return h, malformed("header line without a name and a colon")
		}
		name := line[:colon]
		for i := 0; i < len(name); i++ {
			if !isToken(name[i]) {
				return h, malformed("invalid character %q in header name", name[i])
			}
		}
		value := strings.Trim(line[colon+1:], " \t")
		if strings.IndexByte(value, 0) >= 0 {
			return h, malformed("NUL byte in header %s", name)
		}
		if request && strings.EqualFold(name, "host") {
			if prev, ok := h.Get("host"); ok {
				if !strings.EqualFold(prev, value) {
					return h, malformed("several different Host headers")
				}
				continue // the same host again: dropped, as HAProxy does
			}
		}
		h = append(h, Field{Name: name, Value: value})
	}
}

// checkFraming validates Content-Length and Transfer-Encoding.
func checkFraming(h Header, request bool) error {
	if _, err := contentLength(h); err != nil {
		return err
	}
	_, err := transferChunked(h, request)
	return err
}

package acl

import (
	"net/netip"
	"strings"
)

// testReq is the Request the tests evaluate conditions against: the same
// fields the differential test writes on the wire.
type testReq struct {
	src     netip.Addr
	tcp     bool // a bare connection: only src is known
	method  string
	uri     string
	proto   string // "HTTP/1.1" when empty
	headers [][2]string
	body    string
}

func (r *testReq) Src() netip.Addr { return r.src }
func (r *testReq) HTTP() bool      { return !r.tcp }
func (r *testReq) Method() string  { return r.method }
func (r *testReq) URI() string     { return r.uri }

func (r *testReq) Proto() string {
	if r.proto == "" {
		return "HTTP/1.1"
	}
	return r.proto
}

func (r *testReq) Header(name string, fn func(string) bool) {
	for _, h := range r.headers {
		if strings.EqualFold(h[0], name) && !fn(h[1]) {
			return
		}
	}
}

// wire renders the request as sent on the connection.
func (r *testReq) wire() string {
	var b strings.Builder
	b.WriteString(r.method + " " + r.uri + " " + r.Proto() + "\r\n")
	for _, h := range r.headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(r.body)
	return b.String()
}

// get builds a GET from 127.0.0.1 with a Host header; opts adjust it.
func get(uri string, opts ...func(*testReq)) *testReq {
	r := &testReq{src: netip.MustParseAddr("127.0.0.1"), method: "GET", uri: uri,
		headers: [][2]string{{"Host", "lab.example"}}}
	for _, o := range opts {
		o(r)
	}
	return r
}

func from(ip string) func(*testReq) {
	return func(r *testReq) { r.src = netip.MustParseAddr(ip) }
}

func meth(m string) func(*testReq) { return func(r *testReq) { r.method = m } }

func hdr(name, value string) func(*testReq) {
	return func(r *testReq) { r.headers = append(r.headers, [2]string{name, value}) }
}

// host replaces the Host header.
func host(h string) func(*testReq) {
	return func(r *testReq) {
		for i := range r.headers {
			if strings.EqualFold(r.headers[i][0], "Host") {
				r.headers[i][1] = h
				return
			}
		}
		r.headers = append(r.headers, [2]string{"Host", h})
	}
}

func proto(p string) func(*testReq) { return func(r *testReq) { r.proto = p } }

func body(b string) func(*testReq) {
	return func(r *testReq) {
		r.body = b
		r.headers = append(r.headers, [2]string{"Content-Length", itoa(len(b))})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

// fields splits a test line into words; double quotes group a word and a
// backslash makes the next byte literal, as a minimal stand-in for the
// config parser.
func fields(s string) []string {
	var out []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case c == '"':
			quoted = !quoted
			in = true
		case c == ' ' && !quoted:
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

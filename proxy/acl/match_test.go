package acl

import (
	"testing"
)

// The expectations below are HAProxy 2.6's, checked against the Debian
// haproxy binary while writing them; the differential test re-checks most
// of them on the wire.
var matchTests = []struct {
	expr string // an anonymous ACL: FETCH [flags] PATTERN...
	yes  []*testReq
	no   []*testReq
}{
	// path: from the first '/' up to '?', never decoded nor normalised
	{"path /admin",
		[]*testReq{get("/admin"), get("/admin?x=1"), get("http://h/admin", host("h")), get("https://h:8443/admin?q", host("h:8443"))},
		[]*testReq{get("/ADMIN"), get("/admin/"), get("//admin"), get("/%61dmin"), get("*"), get("http://h", host("h")), get("h:443", meth("CONNECT"), host("h:443")), get("")}},
	{"path_beg /static",
		[]*testReq{get("/static"), get("/static/x"), get("/static/../admin"), get("/staticfile")},
		[]*testReq{get("/Static"), get("/%73tatic"), get("//static"), get("/x/static")}},
	{"path_beg -i /static", []*testReq{get("/STATIC/x"), get("/sTaTiC")}, []*testReq{get("/stati")}},
	{"path_end .php", []*testReq{get("/a.php"), get("/a.php?x")}, []*testReq{get("/a.PHP"), get("/a.php/"), get("/php")}},
	{"path_end -i .PHP", []*testReq{get("/a.php")}, nil},
	{"path_sub ecre", []*testReq{get("/secret")}, []*testReq{get("/SECRET"), get("/x?ecre")}},
	{"path_sub -i ECRE", []*testReq{get("/secret"), get("/SeCrEt")}, nil},
	{"path_reg ^/a.c$", []*testReq{get("/abc"), get("/a/c")}, []*testReq{get("/abcd"), get("/ABC")}},
	{"path_reg -i ^/ABC$", []*testReq{get("/abc")}, nil},
	{"hdr_reg(X-T) ^..$", []*testReq{get("/", hdr("X-T", "\xc3\xa9"))}, []*testReq{get("/", hdr("X-T", "\xc3"))}}, // PCRE without UTF: bytes
	{"hdr_reg(X-T) -i ^\xc3\xa9$", []*testReq{get("/", hdr("X-T", "\xc3\xa9"))}, []*testReq{get("/", hdr("X-T", "\xc3\x89"))}},
	{"path_dir images", []*testReq{get("/x/images/y"), get("/images"), get("/images?x"), get("/images/")},
		[]*testReq{get("/imagesx"), get("/x/myimages"), get("/x.images")}},
	{"path_dir /a/b/", []*testReq{get("/x/a/b"), get("/a/b/c")}, []*testReq{get("/a/bc"), get("/xa/b")}},
	{"path_dir /", nil, []*testReq{get("/"), get("/a")}}, // nothing left once the delimiters are stripped
	{"path_dom example", []*testReq{get("/www.example.com"), get("/a:example"), get("/example")},
		[]*testReq{get("/examples"), get("/my-example")}},
	{"path_dom -i EXAMPLE", []*testReq{get("/www.example.com")}, nil},
	{"path_len 4", []*testReq{get("/abc"), get("/abc?long")}, []*testReq{get("/ab"), get("/abcd")}},
	{"path_len 2:3 10:", []*testReq{get("/a"), get("/ab"), get("/abcdefghi")}, []*testReq{get("/"), get("/abc")}},
	{"path -m found", []*testReq{get("/x"), get("http://h/", host("h"))}, []*testReq{get("*"), get("http://h", host("h"))}},
	{"pathq /a?b", []*testReq{get("/a?b")}, []*testReq{get("/a")}},
	{"query x=1", []*testReq{get("/p?x=1"), get("http://h/p?x=1", host("h"))}, []*testReq{get("/p?x=1&y"), get("/p")}},
	{"query -m found", []*testReq{get("/p?")}, []*testReq{get("/p")}},
	{"query -m len 0", []*testReq{get("/p?")}, []*testReq{get("/p?a")}},

	// url: the request-line URI as sent
	{"url /a?b", []*testReq{get("/a?b")}, []*testReq{get("/a"), get("http://h/a?b", host("h"))}},
	{"url_beg http://", []*testReq{get("http://h/x", host("h"))}, []*testReq{get("/http://")}},
	{"url_end .JPG", []*testReq{get("/pic.JPG")}, []*testReq{get("/pic.jpg"), get("/pic.JPG?x")}},
	{"url_sub ?debug", []*testReq{get("/p?debug=1")}, []*testReq{get("/p?x&debug")}},
	{`url_reg ^\\\*$`, []*testReq{get("*")}, []*testReq{get("/*")}},
	{"url_dom example", []*testReq{get("http://www.example.com/", host("www.example.com"))}, []*testReq{get("http://examples.com/", host("examples.com"))}},
	{"url_dir a", []*testReq{get("/x/a?q")}, []*testReq{get("/x/ab")}},
	{"url_len 1", []*testReq{get("*"), get("/")}, []*testReq{get("/a")}},

	// base: first Host value + path without query; the path alone without Host
	{"base lab.example/x", []*testReq{get("/x?y")}, []*testReq{get("/x/")}},
	{"base_beg h:80/", []*testReq{get("/a", host("h:80, other"))}, nil},
	{"base /x", []*testReq{get("/x", proto("HTTP/1.0"), func(r *testReq) { r.headers = nil })}, nil},
	{"base h", []*testReq{get("*", host("h"))}, nil},
	{"baseq lab.example/x?y", []*testReq{get("/x?y")}, nil},

	// method: known methods by number (exact), others by string
	{"method POST", []*testReq{get("/", meth("POST"))}, []*testReq{get("/", meth("post")), get("/", meth("Post"))}},
	{"method post", []*testReq{get("/", meth("post"))}, []*testReq{get("/", meth("POST")), get("/", meth("Post"))}},
	{"method -i post", []*testReq{get("/", meth("post")), get("/", meth("Post"))}, []*testReq{get("/", meth("POST"))}},
	{"method -i GET", []*testReq{get("/")}, []*testReq{get("/", meth("get"))}},
	{"method FOO", []*testReq{get("/", meth("FOO"))}, []*testReq{get("/", meth("foo"))}},
	{"method -i foo", []*testReq{get("/", meth("FOO")), get("/", meth("foo"))}, []*testReq{get("/", meth("FOOD"))}},
	{"method -m str GET", []*testReq{get("/")}, []*testReq{get("/", meth("get"))}},
	{"method -i -m str get", []*testReq{get("/"), get("/", meth("get"))}, nil},
	{"method -i -m beg del", []*testReq{get("/", meth("DELETE")), get("/", meth("delete"))}, []*testReq{get("/")}},
	{"method -m len 7", []*testReq{get("/", meth("OPTIONS")), get("h:443", meth("CONNECT"), host("h:443"))}, []*testReq{get("/")}},
	{"method -m found", []*testReq{get("/")}, []*testReq{{tcp: true}}},

	// src
	{"src 127.0.0.0/24", []*testReq{get("/", from("127.0.0.200"))}, []*testReq{get("/", from("127.0.1.1")), get("/", from("::1"))}},
	{"src 127.66.0.0/16 ::1", []*testReq{get("/", from("127.66.3.4")), get("/", from("::1"))}, []*testReq{get("/", from("127.67.0.1"))}},
	{"src 10.12/8", []*testReq{get("/", from("10.200.0.1"))}, []*testReq{get("/", from("11.0.0.1"))}},
	{"src 127.1", []*testReq{get("/", from("127.0.0.1"))}, []*testReq{get("/", from("127.0.0.2"))}},
	{"src 127.258", []*testReq{get("/", from("127.0.1.2"))}, nil},
	{"src 127.65535", []*testReq{get("/", from("127.0.255.255"))}, nil},
	{"src 0177.0.0.01", []*testReq{get("/", from("127.0.0.1"))}, nil},
	{"src 2130706433", []*testReq{get("/", from("127.0.0.1"))}, nil},
	{"src 127/8", []*testReq{get("/", from("0.1.2.3"))}, []*testReq{get("/", from("127.0.0.1"))}}, // 127 alone is 0.0.0.127
	{"src 127.0.0.1/255.255.255.0", []*testReq{get("/", from("127.0.0.9"))}, []*testReq{get("/", from("127.0.1.9"))}},
	{"src 127.0.0.0/255.0.255.0", []*testReq{get("/", from("127.9.0.5"))}, []*testReq{get("/", from("127.0.1.2"))}},
	{"src 127.0.0.0/4294967304", []*testReq{get("/", from("127.9.9.9"))}, nil}, // /8 once truncated to 32 bits
	{"src 0/0", []*testReq{get("/", from("1.2.3.4")), get("/", from("::ffff:1.2.3.4")), get("/", from("::1.2.3.4")), get("/", from("2002:102:304::1"))},
		[]*testReq{get("/", from("2001:db8::1"))}},
	{"src ::/0", []*testReq{get("/", from("1.2.3.4")), get("/", from("2001:db8::1"))}, nil},
	{"src ::ffff:127.0.0.0/104", []*testReq{get("/", from("127.1.2.3"))}, []*testReq{get("/", from("126.1.2.3"))}},
	{"src ::/96", []*testReq{get("/", from("::1.2.3.4"))}, []*testReq{get("/", from("1.2.3.4"))}},
	{"src 2001:db8::/32", []*testReq{get("/", from("2001:db8:1::1"))}, []*testReq{get("/", from("2001:db9::1")), get("/", from("1.2.3.4"))}},
	{"src 1.2.3.4", []*testReq{get("/", from("::ffff:1.2.3.4")), get("/", from("::1.2.3.4")), get("/", from("2002:102:304::"))},
		[]*testReq{get("/", from("2003:102:304::"))}},
	{"src -m str 127.3.3.3", []*testReq{get("/", from("127.3.3.3"))}, []*testReq{get("/", from("127.3.3.33"))}},
	{"src -m beg 127.4.", []*testReq{get("/", from("127.4.4.4"))}, nil},
	{"src -m int 2130706433", []*testReq{get("/", from("127.0.0.1"))}, []*testReq{get("/", from("::1"))}},
	{"src -m bin 7f000001", []*testReq{get("/", from("127.0.0.1"))}, nil},
	{"src -m bool", []*testReq{get("/", from("127.0.0.1"))}, []*testReq{get("/", from("0.0.0.0"))}},
	{"src -m found", []*testReq{{tcp: true, src: get("/").src}}, []*testReq{{tcp: true}}},
	{"src 1.2.3.4", []*testReq{{tcp: true, src: get("/", from("1.2.3.4")).src}}, nil}, // layer 4: works without HTTP

	// headers: every comma-separated value of every occurrence, trimmed
	{"req.hdr(X-T) foo", []*testReq{get("/", hdr("X-T", "foo")), get("/", hdr("x-t", "  foo\t")), get("/", hdr("X-T", "bar, foo")),
		get("/", hdr("X-T", "bar"), hdr("X-T", "foo"))}, []*testReq{get("/", hdr("X-T", "Foo")), get("/", hdr("X-U", "foo")), get("/", hdr("X-T", "foo bar"))}},
	{"hdr(X-T) foo", []*testReq{get("/", hdr("X-T", "x,foo"))}, nil},
	{"req.hdr(X-T) -i -m sub Mobile", []*testReq{get("/", hdr("X-T", "Foo mobile bar"))}, []*testReq{get("/", hdr("X-T", "Mob, ile"))}},
	{`req.hdr(X-T) "a,b"`, nil, []*testReq{get("/", hdr("X-T", "a,b"))}},
	{`req.hdr(X-T) "\"a,b\""`, []*testReq{get("/", hdr("X-T", `"a,b"`))}, nil},
	{`req.hdr(X-T) c`, []*testReq{get("/", hdr("X-T", `"a\",b", c`))}, []*testReq{get("/", hdr("X-T", `"a\",b, c"`))}},
	{"hdr_len(X-T) 0", []*testReq{get("/", hdr("X-T", "")), get("/", hdr("X-T", "a,")), get("/", hdr("X-T", "a,,b"))}, []*testReq{get("/", hdr("X-T", "a"))}},
	{"req.hdr(X-T) -m found", []*testReq{get("/", hdr("X-T", ""))}, []*testReq{get("/")}},
	{"hdr(X-T,1) foo", []*testReq{get("/", hdr("X-T", "foo, bar"))}, []*testReq{get("/", hdr("X-T", "bar, foo"))}},
	{"hdr(X-T,2) foo", []*testReq{get("/", hdr("X-T", "bar, foo")), get("/", hdr("X-T", "bar"), hdr("X-T", "foo"))}, []*testReq{get("/", hdr("X-T", "foo"))}},
	{"hdr(X-T,-1) foo", []*testReq{get("/", hdr("X-T", "bar, foo"))}, []*testReq{get("/", hdr("X-T", "foo, bar"))}},
	{"hdr(X-T,-3) foo", []*testReq{get("/", hdr("X-T", "foo, a, b"))}, []*testReq{get("/", hdr("X-T", "a, b"))}},
	{"hdr(X-T,0) foo", []*testReq{get("/", hdr("X-T", "bar, foo"))}, nil},
	{"hdr(X-T,) foo", []*testReq{get("/", hdr("X-T", "bar, foo"))}, nil},
	{"hdr foo", nil, []*testReq{get("/", hdr("X-T", "foo"))}}, // no name: never matches
	{"hdr_beg(host) -i www.", []*testReq{get("/", host("WWW.x"))}, nil},
	{"hdr_end(host) :8080", []*testReq{get("/", host("h:8080"))}, nil},
	{"hdr_dom(host) example.com", []*testReq{get("/", host("shop.example.com:8080"))}, []*testReq{get("/", host("example.community"))}},
	{"hdr_dir(X-T) b", []*testReq{get("/", hdr("X-T", "a/b/c"))}, nil},
	{"hdr_reg(X-T) ^v[0-9]+$", []*testReq{get("/", hdr("X-T", "x, v12"))}, []*testReq{get("/", hdr("X-T", "v12x"))}},
	{"hdr_sub(X-T) -i ZZ", []*testReq{get("/", hdr("X-T", "azzb"))}, nil},
	{"req.fhdr(X-T) \"a, b\"", []*testReq{get("/", hdr("X-T", " a, b "))}, []*testReq{get("/", hdr("X-T", "a"), hdr("X-T", "b"))}},
	{"req.fhdr(X-T,2) b", []*testReq{get("/", hdr("X-T", "a"), hdr("X-T", "b"))}, []*testReq{get("/", hdr("X-T", "a, b"))}},
	{"hdr_cnt(X-T) 0", []*testReq{get("/")}, []*testReq{get("/", hdr("X-T", ""))}},
	{"hdr_cnt(X-T) 3", []*testReq{get("/", hdr("X-T", "a,,b")), get("/", hdr("X-T", "a, b"), hdr("X-T", "c"))}, []*testReq{get("/", hdr("X-T", `"a,b", c`))}},
	{"req.hdr_cnt(X-T) 2", []*testReq{get("/", hdr("X-T", "a,"))}, nil},
	{"req.fhdr_cnt(X-T) 1", []*testReq{get("/", hdr("X-T", "a, b, c"))}, nil},
	{"hdr_val(X-N) gt 100", []*testReq{get("/", hdr("X-N", "101")), get("/", hdr("X-N", "5, 200")), get("/", hdr("X-N", "10.5"))},
		[]*testReq{get("/", hdr("X-N", "100")), get("/", hdr("X-N", "1.5")), get("/", hdr("X-N", "abc"))}},
	{"req.hdr_val(X-N) 85", []*testReq{get("/", hdr("X-N", "1.5"))}, nil}, // strl2ic folds '.' in as -2
	{"req.hdr_val(X-N) -- -5", []*testReq{get("/", hdr("X-N", "-7")), get("/", hdr("X-N", "5"))}, []*testReq{get("/", hdr("X-N", "6")), get("/")}},
	{"req.hdr_val(X-N,2) 7", []*testReq{get("/", hdr("X-N", "1, 7"))}, []*testReq{get("/", hdr("X-N", "7"))}},

	// integers: operators and ranges
	{"hdr_cnt(X-T) ne 2", []*testReq{get("/", hdr("X-T", "a,b"))}, []*testReq{get("/"), get("/", hdr("X-T", "a"))}}, // ne reads as eq
	{"hdr_cnt(X-T) gt 1 0", []*testReq{get("/", hdr("X-T", "a"))}, []*testReq{get("/")}},
	{"hdr_cnt(X-T) lt 2", []*testReq{get("/"), get("/", hdr("X-T", "a"))}, []*testReq{get("/", hdr("X-T", "a,b"))}},
	{"hdr_cnt(X-T) le 1", []*testReq{get("/", hdr("X-T", "a"))}, []*testReq{get("/", hdr("X-T", "a,b"))}},
	{"hdr_cnt(X-T) ge 2.9", []*testReq{get("/", hdr("X-T", "a,b"))}, []*testReq{get("/", hdr("X-T", "a"))}},
	{"hdr_cnt(X-T) 2:3", []*testReq{get("/", hdr("X-T", "a,b,c"))}, []*testReq{get("/", hdr("X-T", "a,b,c,d"))}},
	{"hdr_cnt(X-T) 2-", []*testReq{get("/", hdr("X-T", "a,b,c,d"))}, []*testReq{get("/", hdr("X-T", "a"))}},
	{"hdr_cnt(X-T) eq", nil, []*testReq{get("/")}}, // an operator alone: no pattern

	// forced methods and casts
	{"hdr(X-T) -m int 42", []*testReq{get("/", hdr("X-T", "42abc")), get("/", hdr("X-T", "+42"))}, []*testReq{get("/", hdr("X-T", "x42"))}},
	{"hdr(X-T) -m bool", []*testReq{get("/", hdr("X-T", "7"))}, []*testReq{get("/", hdr("X-T", "0")), get("/", hdr("X-T", "abc")), get("/", hdr("X-T", ""))}},
	{"hdr(X-T) -m ip 10.0.0.0/8", []*testReq{get("/", hdr("X-T", "10.1.2.3")), get("/", hdr("X-T", "10.1.2.3:80")), get("/", hdr("X-T", "010.1.2.3"))},
		[]*testReq{get("/", hdr("X-T", "10.1.2")), get("/", hdr("X-T", "11.1.2.3"))}},
	{"hdr(X-T) -m ip ::1", []*testReq{get("/", hdr("X-T", "::1"))}, []*testReq{get("/", hdr("X-T", "[::1]"))}},
	{"hdr(X-T) -m bin 414243", []*testReq{get("/", hdr("X-T", "ABC"))}, []*testReq{get("/", hdr("X-T", "abc"))}},
	{"hdr_cnt(X-T) -m str 2", []*testReq{get("/", hdr("X-T", "a,b"))}, nil},
	{"hdr_cnt(X-T) -m ip 0.0.0.2", []*testReq{get("/", hdr("X-T", "a,b"))}, nil},
	{"path -m dir a/b", []*testReq{get("/x/a/b/y")}, []*testReq{get("/x/a/bc")}},
	{"url -i -m dom EXAMPLE", []*testReq{get("http://www.example.com/", host("www.example.com"))}, nil},
	{"path -m sub -- -dash", []*testReq{get("/x-dash")}, nil},
	{"path_beg -m end /end", []*testReq{get("/the/end")}, []*testReq{get("/end/x")}},
	{"path -i -m str -u 8 /U", []*testReq{get("/u")}, nil},
	{"path -m regm ^/r", []*testReq{get("/r")}, nil},
	{"path -m found", []*testReq{get("/")}, nil},
	{"path -m bool", nil, []*testReq{get("/")}}, // "/" reads as the integer 0
	{"path -m int 0", []*testReq{get("/x")}, nil},

	// versions and constants
	{"req.ver 1.1", []*testReq{get("/")}, []*testReq{get("/", proto("HTTP/1.0"))}},
	{"req_ver 1.0", []*testReq{get("/", proto("HTTP/1.0"))}, nil},
	{"always_true", []*testReq{get("/"), {tcp: true}}, nil},
	{"always_false", nil, []*testReq{get("/")}},
	{"always_false -m found", []*testReq{get("/")}, nil},
	{"req.proto_http", []*testReq{get("/")}, []*testReq{{tcp: true}}},
}

func TestMatch(t *testing.T) {
	for _, tc := range matchTests {
		s := NewSet()
		words := append(append([]string{"if", "{"}, fields(tc.expr)...), "}")
		c, err := s.ParseCond(words)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		for _, r := range tc.yes {
			if !c.Eval(r) {
				t.Errorf("{ %s } should match %q from %s", tc.expr, r.wire(), r.src)
			}
		}
		for _, r := range tc.no {
			if c.Eval(r) {
				t.Errorf("{ %s } should not match %q from %s", tc.expr, r.wire(), r.src)
			}
		}
	}
}

// A bare connection (tcp-request connection, mode tcp) only has a source:
// HTTP fetches fail, so their ACLs are false and negated ones true.
func TestEvalWithoutHTTP(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "blocked src 127.66.0.0/16")
	mustDeclare(t, s, "admin path_beg /admin")
	r := &testReq{tcp: true, src: get("/", from("127.66.0.1")).src}
	for cond, want := range map[string]bool{
		"if blocked": true, "if admin": false, "if !admin": true, "if blocked admin": false,
		"if blocked !admin": true, "unless admin": true, "if HTTP": false, "if !HTTP": true,
		"if METH_GET": false, "if LOCALHOST": true, "if TRUE": true,
	} {
		c, err := s.ParseCond(fields(cond))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Eval(r); got != want {
			t.Errorf("%s on a bare connection = %v, want %v", cond, got, want)
		}
	}
}

func mustDeclare(t *testing.T, s *Set, line string) {
	t.Helper()
	if err := s.Declare(fields(line)); err != nil {
		t.Fatalf("acl %s: %v", line, err)
	}
}

func TestConditions(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "a path_beg /a")
	mustDeclare(t, s, "b hdr(X-B) -m found")
	mustDeclare(t, s, "c method POST")
	mustDeclare(t, s, "d path /d1")
	mustDeclare(t, s, "d path /d2") // the same name ORs
	ab := get("/a", hdr("X-B", "1"))
	a := get("/a")
	postA := get("/a", meth("POST"))
	d2 := get("/d2")
	none := get("/z")
	tests := []struct {
		cond string
		yes  []*testReq
		no   []*testReq
	}{
		{"if a b", []*testReq{ab}, []*testReq{a, none}},
		{"if a || c", []*testReq{a, postA, get("/z", meth("POST"))}, []*testReq{none}},
		{"if a OR c", []*testReq{a}, []*testReq{none}},
		{"if a Or c", []*testReq{a}, []*testReq{none}},
		{"if !a", []*testReq{none}, []*testReq{a}},
		{"if ! a", []*testReq{none}, []*testReq{a}},
		{"if !!a", []*testReq{a}, []*testReq{none}},
		{"if ! ! a", []*testReq{a}, []*testReq{none}},
		{"if ! c a", []*testReq{a}, []*testReq{postA, none}},
		{"if !a !b c or d", []*testReq{get("/z", meth("POST")), d2, get("/d1")}, []*testReq{postA, none}},
		{"unless a", []*testReq{none}, []*testReq{a}},
		{"unless !d", []*testReq{d2}, []*testReq{none}},
		{"unless a b", []*testReq{a, none}, []*testReq{ab}},
		{"if", nil, []*testReq{a, none}},
		{"unless", []*testReq{a, none}, nil},
		{"if or", nil, []*testReq{a}},
		{"if a or", []*testReq{a}, []*testReq{none}},
		{"if !or a", []*testReq{a}, []*testReq{none}}, // "!or" is "or": the '!' is dropped
		{"if !", nil, []*testReq{a}},
		{"if { path_beg /x } !{ hdr(X-B) -m found }", []*testReq{get("/x")}, []*testReq{get("/x", hdr("X-B", ""))}},
		{"if !{ path_beg /a }", []*testReq{none}, []*testReq{a}},
		{"if { path /x ( }", []*testReq{get("/x")}, []*testReq{get("(")}},
		{"if TRUE", []*testReq{a}, nil},
		{"if FALSE or !TRUE", nil, []*testReq{a}},
		{"if METH_GET", []*testReq{a, get("/", meth("HEAD"))}, []*testReq{postA, get("/", meth("get"))}},
		{"if METH_POST", []*testReq{postA}, nil},
		{"if LOCALHOST", []*testReq{a, get("/", from("127.9.9.9")), get("/", from("::1"))}, []*testReq{get("/", from("10.0.0.1"))}},
		{"if HTTP_1.0", []*testReq{get("/", proto("HTTP/1.0"))}, []*testReq{a}},
		{"if HTTP_1.1", []*testReq{a}, []*testReq{get("/", proto("HTTP/1.0"))}},
		{"if HTTP_2.0", []*testReq{get("/", proto("HTTP/2.0"))}, []*testReq{a}},
		{"if HTTP_URL_ABS", []*testReq{get("http://h/")}, []*testReq{a, get("*")}},
		{"if HTTP_URL_SLASH", []*testReq{a}, []*testReq{get("*"), get("http://h/")}},
		{"if HTTP_URL_STAR", []*testReq{get("*")}, []*testReq{a}},
		{"if HTTP_CONTENT", []*testReq{get("/", body("x"))}, []*testReq{a, get("/", body(""))}},
		{"if HTTP", []*testReq{a}, nil},
	}
	for _, tc := range tests {
		c, err := s.ParseCond(fields(tc.cond))
		if err != nil {
			t.Errorf("%s: %v", tc.cond, err)
			continue
		}
		for _, r := range tc.yes {
			if !c.Eval(r) {
				t.Errorf("%q should hold for %q", tc.cond, r.wire())
			}
		}
		for _, r := range tc.no {
			if c.Eval(r) {
				t.Errorf("%q should not hold for %q", tc.cond, r.wire())
			}
		}
	}
}

// Conditions keep a reference to the ACL: an "acl" line declared after a
// rule still adds to it (HAProxy appends to the same ACL), and a
// predefined ACL is overridden only by a declaration made before its
// first use.
func TestLaterDeclarationsAndOverrides(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "x path /x1")
	c, err := s.ParseCond([]string{"if", "x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Eval(get("/x2")) {
		t.Fatal("/x2 matched before being declared")
	}
	mustDeclare(t, s, "x path /x2")
	if !c.Eval(get("/x2")) {
		t.Error("a later 'acl x' line should add to conditions already parsed")
	}

	mustDeclare(t, s, "METH_GET method POST")
	g, _ := s.ParseCond([]string{"if", "METH_GET"})
	if g.Eval(get("/")) || !g.Eval(get("/", meth("POST"))) {
		t.Error("a declared METH_GET should replace the predefined one")
	}

	tr, _ := s.ParseCond([]string{"if", "!TRUE"})
	mustDeclare(t, s, "TRUE path /never")
	if tr.Eval(get("/")) {
		t.Error("TRUE is still true: the later declaration only adds to it")
	}
	if got := s.Names(); len(got) != 3 || got[2] != "TRUE" {
		t.Errorf("Names() = %v, want [x METH_GET TRUE]", got)
	}
}

func TestNeedsHTTP(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "net src 10.0.0.0/8")
	mustDeclare(t, s, "p path /x")
	mustDeclare(t, s, "mixed src 10.0.0.0/8")
	mustDeclare(t, s, "mixed path /x")
	for cond, want := range map[string]bool{
		"if net": false, "if !net or TRUE": false, "if LOCALHOST FALSE": false, "if { src 1.2.3.4 }": false,
		"if p": true, "if net p": true, "if net or !p": true, "if mixed": true, "if METH_GET": true,
		"if HTTP": true, "if { hdr_cnt(x) 0 }": true, "if": false,
	} {
		c, err := s.ParseCond(fields(cond))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.NeedsHTTP(); got != want {
			t.Errorf("NeedsHTTP(%s) = %v, want %v", cond, got, want)
		}
	}
	if s.NeedsHTTP("net") || !s.NeedsHTTP("mixed") || s.NeedsHTTP("nope") {
		t.Error("Set.NeedsHTTP disagrees")
	}
}

// The messages haproxy -c prints for these conditions in a "tcp-request
// connection" rule (checked against the binary).
func TestTCPConnectionWarning(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "a path_beg /x")
	mustDeclare(t, s, "m src 1.2.3.4")
	mustDeclare(t, s, "m path /x")
	mustDeclare(t, s, "n src 1.2.3.4")
	for cond, want := range map[string]string{
		"if a":              "acl 'a' will never match in 'tcp-request connection' because it only involves keywords that are incompatible with 'frontend tcp-request connection rule'",
		"if m":              "acl 'm' involves keyword 'path' which is incompatible with 'frontend tcp-request connection rule'",
		"if { path /x }":    "anonymous acl will never match in 'tcp-request connection' because it uses keyword 'path' which is incompatible with 'frontend tcp-request connection rule'",
		"if n TRUE":         "",
		"if n or { src 1 }": "",
	} {
		c, err := s.ParseCond(fields(cond))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.TCPConnectionWarning(); got != want {
			t.Errorf("%s:\n got %q\nwant %q", cond, got, want)
		}
	}
}

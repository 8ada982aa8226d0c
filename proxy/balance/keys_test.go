package balance

import (
	"fmt"
	"net/netip"
	"testing"
)

func TestHashFunctions(t *testing.T) {
	// reference values: sdbm and djb2 by their one-line definitions, crc32
	// by the standard check value, and the four functions agreeing on
	// strings and byte slices
	sdbm := func(s string) uint32 {
		var h uint32
		for i := 0; i < len(s); i++ {
			h = uint32(s[i]) + h<<6 + h<<16 - h
		}
		return h
	}
	djb2 := func(s string) uint32 {
		h := uint32(5381)
		for i := 0; i < len(s); i++ {
			h = h*33 + uint32(s[i])
		}
		return h
	}
	for _, s := range []string{"", "a", "ab", "abc", "abcd", "abcde", "/api/v1/users/42/orders", "\xff\x00\x80 long enough to unroll several times"} {
		if got, want := hashSDBM(s), sdbm(s); got != want {
			t.Errorf("sdbm(%q) = %#x, want %#x", s, got, want)
		}
		if got, want := hashDJB2(s), djb2(s); got != want {
			t.Errorf("djb2(%q) = %#x, want %#x", s, got, want)
		}
		for f := SDBM; f <= CRC32; f++ {
			if genHash(f, s) != genHash(f, []byte(s)) {
				t.Errorf("%s differs on string and bytes for %q", f, s)
			}
		}
	}
	if got := hashCRC32("123456789"); got != 0xcbf43926 {
		t.Errorf("crc32 check value %#x", got)
	}
	if hashSDBM("a") != 97 || hashDJB2("") != 5381 || hashWT6("") != 0xa53c965a^0x5ca6953a {
		t.Error("hash of trivial inputs")
	}
}

// full_hash is a bijection: ring keys of distinct (id, node) never collide.
func TestFullHashInjective(t *testing.T) {
	seen := map[uint32]uint32{}
	for x := uint32(0); x < 1<<18; x++ {
		h := fullHash(x)
		if y, ok := seen[h]; ok {
			t.Fatalf("full_hash(%d) = full_hash(%d)", x, y)
		}
		seen[h] = x
	}
}

func TestURIKey(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		uri  string
		want string
	}{
		{Spec{}, "/a/b/c?x=1", "/a/b/c"},
		{Spec{URIWhole: true}, "/a/b/c?x=1", "/a/b/c?x=1"},
		{Spec{URIDepth: 2}, "/a/b/c", "/a/b"},
		{Spec{URIDepth: 2}, "/a/b", "/a/b"},
		{Spec{URIDepth: 1}, "/a/b", "/a"},
		{Spec{URIDepth: 3}, "/a?b/c/d", "/a"},
		{Spec{URIDepth: 2, URIWhole: true}, "/a?b/c/d", "/a?b/c"},
		{Spec{URIDepth: 3, URIWhole: true}, "/a?b/c/d", "/a?b/c/d"},
		{Spec{URILen: 5}, "/abcdefgh", "/abcd"},
		{Spec{URILen: 5, URIWhole: true}, "/a?bcdefgh", "/a?bc"},
		{Spec{URIPathOnly: true}, "http://example.com:80/p/q?r", "/p/q"},
		{Spec{URIPathOnly: true, URIWhole: true}, "https://u@h/p?r", "/p?r"},
		{Spec{URIPathOnly: true}, "http://example.com", ""},
		{Spec{URIPathOnly: true}, "*", ""},
		{Spec{URIPathOnly: true}, "example.com:443", ""},
		{Spec{URIPathOnly: true}, "/already/a/path", "/already/a/path"},
		{Spec{URIPathOnly: true}, "1http://x/y", ""},
		{Spec{}, "http://example.com/p?q", "http://example.com/p"},
	} {
		if got := uriKey(&c.spec, c.uri); got != c.want {
			t.Errorf("%+v on %q: %q, want %q", c.spec, c.uri, got, c.want)
		}
	}
}

func TestHeaderValues(t *testing.T) {
	for _, c := range []struct{ in, first, domain string }{
		{"alpha, zzz", "alpha", "alpha"},
		{"  spaced  ", "spaced", "spaced"},
		{`"a,b", c`, `"a,b"`, `"a,b"`},
		{`"a\",b", c`, `"a\",b"`, `"a\",b"`},
		{", x", "", ""},
		{"haproxy.1wt.eu", "haproxy.1wt.eu", "1wt"},
		{"example.com:8080", "example.com:8080", "example"},
		{"localhost", "localhost", "localhost"},
		{"a.b.c.d", "a.b.c.d", "c"},
		{".com", ".com", ".com"}, // the first character is never looked at
		{"x.", "x.", "x"},
	} {
		if got := firstValue(c.in); got != c.first {
			t.Errorf("firstValue(%q) = %q, want %q", c.in, got, c.first)
		}
		if got := domainOnly(firstValue(c.in)); got != c.domain {
			t.Errorf("domainOnly(%q) = %q, want %q", c.first, got, c.domain)
		}
	}
}

func TestParams(t *testing.T) {
	for _, c := range []struct {
		uri, name string
		val       string
		ok        bool
	}{
		{"/p?id=1", "id", "1", true},
		{"/p?a=1&id=22&b", "id", "22", true},
		{"/p?xid=1&id=2", "id", "2", true},
		{"/p?id=", "id", "", true},
		{"/p?id", "id", "", false},
		{"/p?ID=1", "id", "", false},
		{"/p", "id", "", false},
		{"/p?a=1&&id=3", "id", "3", true},
		{"/p?a?id=3", "id", "", false},
	} {
		v, ok := queryParam(c.uri, c.name)
		if v != c.val || ok != c.ok {
			t.Errorf("queryParam(%q, %q) = %q, %v", c.uri, c.name, v, ok)
		}
	}
	for _, c := range []struct {
		body string
		val  string
		ok   bool
	}{
		{"id=abc&x=1", "abc", true},
		{"x=1&id=a b c&y", "a b c", true},
		{"id= abc", "", true},
		{"id=/abc", "", false},
		{"id=\xffabc", "", false},
		{"id=&x", "", true},
		{"x=1", "", false},
		{"", "", false},
	} {
		v, ok := bodyParam([]byte(c.body), "id")
		if string(v) != c.val || ok != c.ok {
			t.Errorf("bodyParam(%q) = %q, %v", c.body, v, ok)
		}
	}
}

func TestRequestHash(t *testing.T) {
	hdr := func(v string) func(string) (string, bool) {
		return func(n string) (string, bool) { return v, v != "" }
	}
	spec := Spec{Algo: Source}
	if _, ok := requestHash(&spec, &Request{}, false); ok {
		t.Error("source without an address hashed")
	}
	v6 := netip.MustParseAddr("2001:db8::1:2")
	if h, _ := requestHash(&spec, &Request{Src: v6}, false); h != 0x20010db8^0^0^0x00010002 {
		t.Errorf("IPv6 fold %#x", h)
	}
	if h, _ := requestHash(&spec, &Request{Src: netip.MustParseAddr("::ffff:127.0.0.1")}, false); h != 2130706433 {
		t.Errorf("an IPv4-mapped address folds to %#x, want 127.0.0.1's", h)
	}
	if h, ok := requestHash(&spec, &Request{Src: v6}, true); h != 0 || !ok {
		t.Error("one server left: no hash")
	}
	spec = Spec{Algo: URI, Hash: HashType{Avalanche: true}}
	if _, ok := requestHash(&spec, &Request{URI: "/x"}, false); ok {
		t.Error("uri hashed on a request that is not HTTP")
	}
	if h, _ := requestHash(&spec, &Request{HTTP: true, URI: "/x?y"}, false); h != fullHash(hashSDBM("/x")) {
		t.Error("uri with avalanche")
	}
	spec = Spec{Algo: Hdr, Param: "X"}
	if _, ok := requestHash(&spec, &Request{HTTP: true, Header: hdr("")}, false); ok {
		t.Error("hdr hashed an absent header")
	}
	if _, ok := requestHash(&spec, &Request{HTTP: true, Header: hdr(" , b")}, false); ok {
		t.Error("hdr hashed an empty first value")
	}
	if h, ok := requestHash(&spec, &Request{HTTP: true}, true); h != 0 || !ok {
		t.Error("hdr with one server left must not look for the header")
	}
	spec = Spec{Algo: URLParam, Param: "id"}
	if _, ok := requestHash(&spec, &Request{HTTP: true, URI: "/", Method: "GET", Body: []byte("id=1")}, true); ok {
		t.Error("url_param read the body of a GET, or took the one-server shortcut")
	}
	if h, ok := requestHash(&spec, &Request{HTTP: true, URI: "/", Method: "POST", Body: []byte("id=1")}, false); !ok || h != hashSDBM("1") {
		t.Error("url_param in a POST body")
	}
	if _, ok := requestHash(&spec, &Request{HTTP: true, URI: "/", Method: "post", Body: []byte("id=1")}, false); ok {
		t.Error("url_param read the body of a lower-case post, which HAProxy does not take for POST")
	}
}

func TestAssignIDs(t *testing.T) {
	ss := servers(1, 1, 1, 1)
	ss[0].ID, ss[1].ID, ss[2].ID, ss[3].ID = 0, 5, 0, 3
	if err := AssignIDs(ss); err != nil {
		t.Fatal(err)
	}
	// s1 takes 1; the counter passes s2 (5) and stands at 3 for s3, which
	// s4 holds: s3 takes 4
	if got := fmt.Sprint(ss[0].ID, ss[1].ID, ss[2].ID, ss[3].ID); got != "1 5 4 3" {
		t.Fatalf("ids %s, want 1 5 4 3", got)
	}
	ss = servers(1, 1, 1)
	ss[0].ID, ss[1].ID, ss[2].ID = 0, 0, 0
	if err := AssignIDs(ss); err != nil || ss[2].ID != 3 {
		t.Fatalf("automatic ids: %v %d", err, ss[2].ID)
	}
	ss = servers(1, 1, 1)
	ss[0].ID, ss[1].ID, ss[2].ID = 7, 0, 7
	err := AssignIDs(ss)
	if err == nil || err.Error() != "server s3: 'id' : custom id 7 already used by server s1" {
		t.Fatalf("duplicate ids: %v", err)
	}
	ss[2].ID = -2
	if err := AssignIDs(ss); err == nil {
		t.Fatal("negative id accepted")
	}
}

func TestNewRejectsBadServers(t *testing.T) {
	for _, mod := range []func([]*Server){
		func(ss []*Server) { ss[1].ID = ss[0].ID },
		func(ss []*Server) { ss[1].ID = 0 },
		func(ss []*Server) { ss[1].Index = 0 },
		func(ss []*Server) { ss[1].Weight = 257 },
		func(ss []*Server) { ss[1] = nil },
	} {
		ss := servers(1, 2, 3)
		mod(ss)
		if _, err := New(Spec{}, ss); err == nil {
			t.Errorf("New accepted bad servers")
		}
	}
	if _, err := New(Spec{Algo: URLParam}, servers(1)); err == nil {
		t.Error("New accepted an invalid spec")
	}
}

// wt6 written with shifts exactly as HAProxy's C (where a rotation by 0
// shifts by 32, which x86 reduces to 0): the same values.
func TestWT6Reference(t *testing.T) {
	ref := func(s string) uint32 {
		h0, h1 := uint32(0xa53c965a), uint32(0x5ca6953a)
		step0, step1 := uint32(6), uint32(18)
		rot := func(x, n uint32) uint32 { return x<<n | x>>((32-n)&31) }
		for i := 0; i < len(s); i++ {
			t := uint32(s[i])
			h0 = ^(h0 ^ t)
			h1 = ^(h1 + t)
			t = rot(h1, step0)
			h1 = rot(h0, step1)
			h0 = t
			t = (h0>>16 ^ h1) & 0xffff
			step0 = t & 0x1f
			step1 = t >> 11
		}
		return h0 ^ h1
	}
	for k := range 2000 {
		s := fmt.Sprintf("/key/%d/%x", k, k*k*7919)
		if hashWT6(s) != ref(s) {
			t.Fatalf("wt6(%q) = %#x, want %#x", s, hashWT6(s), ref(s))
		}
	}
}

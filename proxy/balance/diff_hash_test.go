package balance

import (
	"fmt"
	"strings"
	"testing"
)

// Differential tests of the hashing algorithms against haproxy: source,
// uri, hdr and url_param, map-based and consistent, with and without
// avalanche, with each hash function, with servers going out and back.

// hashTypes are the hash-type lines the tests go through.
var hashTypes = []HashType{
	{},                                  // no hash-type line: map-based sdbm
	{Consistent: true, Avalanche: true}, // hash-type consistent
	{Consistent: true},                  // hash-type consistent sdbm
	{Func: SDBM, Avalanche: true},       // hash-type map-based sdbm avalanche
	{Consistent: true, Func: DJB2},
	{Func: WT6},
	{Consistent: true, Func: CRC32, Avalanche: true},
	{Func: DJB2, Avalanche: true},
}

func hashName(h HashType) string {
	return strings.ReplaceAll(strings.TrimPrefix(h.String(), "hash-type "), " ", "_")
}

// sources are n client addresses spread over 127.0.0.0/8.
func sources(n int) []req {
	out := make([]req, n)
	for k := range out {
		out[k] = req{Src: fmt.Sprintf("127.%d.%d.%d", k*37%256, k*91%256, k%250+1)}
	}
	return out
}

func TestDiffSource(t *testing.T) {
	t.Parallel()
	for k, h := range hashTypes[:4] {
		confs := []srvConf{{Weight: 2}, {Weight: 1}, {Weight: 3}}
		if k%2 == 1 {
			confs = []srvConf{{Weight: 5, ID: 10}, {Weight: 3, ID: 20}, {Weight: 1, ID: 7}}
		}
		t.Run(hashName(h), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, Spec{Algo: Source, Hash: h}, confs)
			src := sources(40)
			l.sendAll(src)
			l.maint("s2")
			l.sendAll(src)
			l.ready("s2")
			l.sendAll(src)
			if h.Consistent {
				l.weight("s3", 8)
				l.sendAll(src)
			}
			// one server left: no hashing at all
			l.maint("s1")
			l.maint("s3")
			l.sendAll(src[:5])
		})
	}
}

// The example of haproxy-2.6.md: 127.0.0.1 % 6 = 5, the sixth slot of the
// map s1 s3 s1 s3 s2 s3, s3; and IPv6 folding, from ::1.
func TestDiffSourceExampleAndIPv6(t *testing.T) {
	t.Parallel()
	for _, h := range []HashType{{}, {Consistent: true, Avalanche: true}} {
		l := startLab6(t, Spec{Algo: Source, Hash: h}, weightsConf(2, 1, 3))
		if got := l.send(req{Src: "127.0.0.1"}); !h.Consistent && got != "s3" {
			t.Fatalf("127.0.0.1 with weights 2,1,3 went to %s, want s3", got)
		}
		l.send(req{Src: "::1"})
		l.maint("s3")
		l.send(req{Src: "::1"})
	}
}

// uris are request URIs with paths of several depths, query strings and
// absolute forms.
func uris(n int) []req {
	forms := []string{
		"/static/img/logo-%d.png?v=3",
		"/api/v1/users/%d/orders?page=2&sort=asc",
		"/a/b%d/c/d/e",
		"/%d",
		"/shop/cart?item=%d&qty=1",
		"http://example.com/x/%d/y?z=1",
		"/deep/path/number/%d/",
		"/search?q=term%d",
	}
	out := make([]req, n)
	for k := range out {
		out[k] = req{URI: fmt.Sprintf(forms[k%len(forms)], k)}
		if strings.HasPrefix(out[k].URI, "http://") {
			// haproxy refuses an authority that differs from Host
			out[k].Headers = [][2]string{{"Host", "example.com"}}
		}
	}
	return out
}

func TestDiffURI(t *testing.T) {
	t.Parallel()
	opts := []Spec{
		{Algo: URI},
		{Algo: URI, URIWhole: true},
		{Algo: URI, URILen: 9},
		{Algo: URI, URIDepth: 2},
		{Algo: URI, URIPathOnly: true},
		{Algo: URI, URIWhole: true, URIDepth: 3, URILen: 20, URIPathOnly: true},
	}
	for k, h := range hashTypes {
		spec := opts[k%len(opts)]
		spec.Hash = h
		confs := []srvConf{{Weight: 2}, {Weight: 1}, {Weight: 3}, {Weight: 1, ID: 9}}
		t.Run(strings.ReplaceAll(spec.String()+"_"+hashName(h), " ", "_"), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, spec, confs)
			us := uris(40)
			l.sendAll(us)
			l.maint("s3")
			l.sendAll(us)
			l.ready("s3")
			l.sendAll(us[:20])
			if h.Consistent {
				l.weight("s1", 5)
				l.sendAll(us[:20])
			}
		})
	}
	// every uri option over the default hash type
	for _, spec := range opts[1:] {
		t.Run(strings.ReplaceAll(spec.String(), " ", "_"), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, spec, weightsConf(1, 2, 3))
			l.sendAll(uris(40))
		})
	}
}

// hdrs are requests with the X-Key header in various shapes, and some
// without it (round-robin fallback).
func hdrs(n int) []req {
	out := make([]req, n)
	for k := range out {
		switch k % 6 {
		case 0:
			out[k] = req{Headers: [][2]string{{"X-Key", fmt.Sprintf("user%d", k)}}}
		case 1:
			out[k] = req{Headers: [][2]string{{"x-key", fmt.Sprintf("  k%d , other", k)}}}
		case 2:
			out[k] = req{}
		case 3:
			out[k] = req{Headers: [][2]string{{"X-Key", fmt.Sprintf(`"a,%d", b`, k)}, {"X-Key", "second"}}}
		case 4:
			out[k] = req{Headers: [][2]string{{"X-Other", "1"}, {"X-Key", fmt.Sprintf("v%d", k*k)}}}
		case 5:
			out[k] = req{Headers: [][2]string{{"X-Key", ", leading-empty"}}}
		}
	}
	return out
}

func TestDiffHdr(t *testing.T) {
	t.Parallel()
	for _, h := range hashTypes[:4] {
		t.Run(hashName(h), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, Spec{Algo: Hdr, Param: "X-Key", Hash: h}, weightsConf(3, 1, 2))
			hs := hdrs(36)
			l.sendAll(hs)
			l.maint("s1")
			l.sendAll(hs)
			l.ready("s1")
			l.sendAll(hs)
			l.maint("s1")
			l.maint("s3")
			l.sendAll(hs[:6]) // one server left: no lookup, even without the header
			l.ready("s1")
			l.ready("s3")
			l.sendAll(hs) // so the round-robin walk did not move meanwhile
		})
	}
	t.Run("use_domain_only", func(t *testing.T) {
		t.Parallel()
		l := startLab(t, Spec{Algo: Hdr, Param: "Host", UseDomainOnly: true}, weightsConf(1, 1, 1, 1))
		for k, host := range []string{"haproxy.1wt.eu", "www.example.com", "example.com:8080", "localhost",
			"a.b.c.d.e", ".com", "x.", "foo.bar.baz.example.org", "10.0.0.1", "shop.example.co.uk"} {
			l.send(req{Headers: [][2]string{{"Host", host}}})
			l.send(req{Headers: [][2]string{{"Host", fmt.Sprintf("site%d.%s", k, host)}}})
		}
	})
}

// params are requests carrying the url_param "id" in the query string, in
// a POST body, or not at all.
func params(n int) []req {
	out := make([]req, n)
	for k := range out {
		switch k % 9 {
		case 0:
			out[k] = req{URI: fmt.Sprintf("/p?id=%d", k)}
		case 1:
			out[k] = req{URI: fmt.Sprintf("/p?x=1&id=u%d&y=2", k)}
		case 2:
			out[k] = req{URI: "/p?ident=1&xid=2"} // no "id" parameter: fallback
		case 3:
			out[k] = req{Method: "POST", URI: "/form", Body: fmt.Sprintf("a=1&id=post%d&b=2", k)}
		case 4:
			out[k] = req{Method: "POST", URI: "/form", Body: fmt.Sprintf("id=/path%d", k)} // not a token: fallback
		case 5:
			out[k] = req{Method: "POST", URI: fmt.Sprintf("/form?id=q%d", k), Body: "id=body"}
		case 6:
			out[k] = req{URI: "/p?id="} // empty value: hashed
		case 7:
			out[k] = req{Method: "POST", URI: "/form", Body: fmt.Sprintf("id=a b%d", k)}
		case 8:
			out[k] = req{Method: "POST", URI: "/form", Body: fmt.Sprintf("x=%d&id= spaced", k)} // white space first: empty value
		}
	}
	return out
}

func TestDiffURLParam(t *testing.T) {
	t.Parallel()
	for _, h := range hashTypes[:4] {
		t.Run(hashName(h), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, Spec{Algo: URLParam, Param: "id", CheckPost: h.Consistent, Hash: h}, weightsConf(2, 3, 1))
			ps := params(40)
			l.sendAll(ps)
			l.maint("s2")
			l.sendAll(ps)
			l.ready("s2")
			l.sendAll(ps)
		})
	}
}

// The round-robin walk of a consistent ring (requests without the key)
// across servers leaving, coming back, and growing past their weight.
func TestDiffConsistentWalk(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: Hdr, Param: "X-Key", Hash: HashType{Consistent: true, Avalanche: true}},
		[]srvConf{{Weight: 1}, {Weight: 2, ID: 7}, {Weight: 1}})
	l.seq(10)
	l.maint("s2")
	l.seq(7)
	l.ready("s2")
	l.seq(9)
	l.weight("s1", 4) // more nodes than it ever had
	l.seq(11)
	l.weight("s1", 1)
	l.seq(5)
	l.weight("s3", 3)
	l.seq(12)
	l.sendAll(hdrs(18))
}

// Bounded loads: with hash-balance-factor, a key whose server holds more
// than its share goes to the next server of the ring.
func TestDiffBalanceFactor(t *testing.T) {
	t.Parallel()
	// depth 1: every /hold/N/... request hashes "/hold", the same key
	l := startLab(t, Spec{Algo: URI, URIDepth: 1, Hash: HashType{Consistent: true, Avalanche: true}, BalanceFactor: 150},
		[]srvConf{{Weight: 1}, {Weight: 2}, {Weight: 1}})
	var hs []*held
	for range 14 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s2")
	for k := range 6 {
		hs = append(hs, l.hold(req{URI: fmt.Sprintf("/other/%d", k)}))
	}
	hs = l.release(hs, "s1", "s3", "s2")
	// the servers' cumulative weights are not recounted when one leaves
	// and comes back: the shares stay those of the start
	l.maint("s1")
	for range 5 {
		hs = append(hs, l.hold(req{}))
	}
	l.ready("s1")
	l.weight("s2", 3)
	for range 8 {
		hs = append(hs, l.hold(req{}))
	}
	l.release(hs, "s3", "s2", "s1")
}

// The servers' cumulative weights, which share out the remainder of the
// slots, are counted once at start and not when a server leaves: with s1
// out, s2 and s3 keep their old shares (recounting would send the third
// request to s3).
func TestDiffBalanceFactorStaleShares(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: URI, URIDepth: 1, Hash: HashType{Consistent: true, Avalanche: true}, BalanceFactor: 101},
		[]srvConf{{Weight: 1}, {Weight: 2}, {Weight: 1}})
	l.maint("s1")
	var hs []*held
	for range 8 {
		hs = append(hs, l.hold(req{}))
	}
	l.release(hs, "s2", "s3")
}

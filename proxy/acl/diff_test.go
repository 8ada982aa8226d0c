package acl

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/cfgword"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// diffSuite is one frontend of the differential test: its ACL lines, its
// rules and the requests that probe them.
type diffSuite struct {
	name string
	acls []string // words after "acl"
	deny []string // "http-request deny" conditions
	use  []string // "use_backend rK" conditions, K = index
	reqs []*testReq
	// backend names as written in an episode config, for messages
	useNames []string
	// table suites (one per match test) probe both outcomes of a single
	// condition and may include requests HAProxy refuses with a 400
	table bool
}

// compiled is a suite parsed by this package; its configuration for
// HAProxy is re-emitted from the parsed form (Set.Lines, Cond.String), so
// the test also checks that HAProxy accepts and agrees with that output.
type compiled struct {
	suite *diffSuite
	set   *Set
	deny  []*Cond
	use   []*Cond
	addr  string
}

func compileSuite(t *testing.T, s *diffSuite) *compiled {
	t.Helper()
	c := &compiled{suite: s, set: NewSet()}
	for _, l := range s.acls {
		if err := c.set.Declare(fields(l)); err != nil {
			t.Fatalf("%s: acl %s: %v", s.name, l, err)
		}
	}
	for _, list := range []struct {
		src []string
		dst *[]*Cond
	}{{s.deny, &c.deny}, {s.use, &c.use}} {
		for _, l := range list.src {
			cond, err := c.set.ParseCond(fields(l))
			if err != nil {
				t.Fatalf("%s: condition %q: %v", s.name, l, err)
			}
			*list.dst = append(*list.dst, cond)
		}
	}
	return c
}

// expect is what our evaluation says the frontend does with r: "deny",
// "rK" for the first matching use_backend, or "default".
func (c *compiled) expect(r *testReq) string {
	for _, d := range c.deny {
		if d.Eval(r) {
			return "deny"
		}
	}
	for k, u := range c.use {
		if u.Eval(r) {
			return fmt.Sprintf("r%d", k)
		}
	}
	return "default"
}

func (c *compiled) frontend(idx int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "frontend fe%d_%s\n    bind %s\n", idx, c.suite.name, c.addr)
	for _, l := range c.set.Lines() {
		b.WriteString("    " + l + "\n")
	}
	for _, d := range c.deny {
		b.WriteString("    http-request deny " + d.String() + "\n")
	}
	for k, u := range c.use {
		fmt.Fprintf(&b, "    use_backend r%d %s\n", k, u.String())
	}
	b.WriteString("    default_backend default\n")
	return b.String()
}

// send writes r's bytes from r.src and says who answered.
func send(addr string, r *testReq) (string, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IP(r.src.AsSlice())}, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(r.wire())); err != nil {
		return "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: r.method})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusForbidden:
		return "deny", nil
	case resp.Header.Get("X-Server") != "":
		return resp.Header.Get("X-Server"), nil
	}
	return fmt.Sprintf("status %d", resp.StatusCode), nil
}

// TestDifferentialHAProxy runs every suite's frontend in the real haproxy
// and checks, request by request, that the backend HAProxy picked (or its
// 403) is the one our conditions select.
func TestDifferentialHAProxy(t *testing.T) {
	haproxytest.Path(t)
	suites := append(episodeSuites(t), diffSuites()...)
	suites = append(suites, matchTableSuites()...)
	maxRules := 0
	for _, s := range suites {
		maxRules = max(maxRules, len(s.use))
	}
	names := []string{"default"}
	for k := range maxRules {
		names = append(names, fmt.Sprintf("r%d", k))
	}
	backends := haproxytest.StartBackends(t, names...)
	// The OS may hand out a port again once it is closed: keep the
	// frontends off the backends' ports and off each other's (HAProxy
	// binds with SO_REUSEPORT, two frontends would share connections).
	used := map[string]bool{}
	for _, b := range backends {
		used[b.Addr] = true
	}
	var all []*compiled
	for _, s := range suites {
		c := compileSuite(t, s)
		for c.addr == "" || used[c.addr] {
			c.addr = haproxytest.FreeAddr(t)
		}
		used[c.addr] = true
		all = append(all, c)
	}

	var cfg strings.Builder
	cfg.WriteString("defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n")
	for i, c := range all {
		cfg.WriteString(c.frontend(i))
	}
	for _, b := range backends {
		fmt.Fprintf(&cfg, "backend %s\n    server %s %s\n", b.Name, b.Name, b.Addr)
	}
	haproxytest.Start(t, cfg.String())

	total, agreed, refused := 0, 0, 0
	for _, c := range all {
		hits := map[string]int{}
		for _, r := range c.suite.reqs {
			total++
			want := c.expect(r)
			got, err := send(c.addr, r)
			if err != nil {
				t.Errorf("%s: %q from %s: %v", c.suite.name, r.wire(), r.src, err)
				continue
			}
			if got == "status 400" && c.suite.table {
				refused++ // HAProxy's parser refused the request: nothing to compare
				t.Logf("%s: haproxy answered 400 to %q", c.suite.name, r.wire())
				continue
			}
			hits[got]++
			if got == want {
				agreed++
			} else {
				t.Errorf("%s: %q from %s: haproxy chose %s, lblab's conditions say %s%s",
					c.suite.name, r.wire(), r.src, got, want, c.describe(got, want))
			}
		}
		if !c.suite.table {
			c.checkCoverage(t, hits)
		}
	}
	t.Logf("%d of %d requests over %d frontends agreed with haproxy (%d refused by HAProxy with 400, not compared)",
		agreed, total, len(all), refused)
}

func (c *compiled) describe(got, want string) string {
	var b strings.Builder
	for _, x := range []string{got, want} {
		var k int
		if _, err := fmt.Sscanf(x, "r%d", &k); err == nil && k < len(c.use) {
			fmt.Fprintf(&b, "\n    %s = %s", x, c.use[k])
			if k < len(c.suite.useNames) {
				fmt.Fprintf(&b, " (use_backend %s in the episode)", c.suite.useNames[k])
			}
		}
	}
	return b.String()
}

// checkCoverage makes sure every rule was the first match of at least one
// request, so that the suite really exercises each condition.
func (c *compiled) checkCoverage(t *testing.T, hits map[string]int) {
	t.Helper()
	if len(c.deny) > 0 && hits["deny"] == 0 {
		t.Errorf("%s: no request was denied; the deny rules are not exercised", c.suite.name)
	}
	for k, u := range c.use {
		if hits[fmt.Sprintf("r%d", k)] == 0 {
			t.Errorf("%s: no request reached r%d (%s); add one that exercises it", c.suite.name, k, u)
		}
	}
}

// matchTableSuites turn every entry of matchTests into a frontend with one
// rule, and send it the entry's requests that can be sent from loopback.
func matchTableSuites() []*diffSuite {
	var out []*diffSuite
	for i, tc := range matchTests {
		s := &diffSuite{name: fmt.Sprintf("match%d", i), table: true,
			use: []string{"if { " + cfgword.Join(fields(tc.expr)) + " }"}}
		for _, r := range append(append([]*testReq(nil), tc.yes...), tc.no...) {
			if r.tcp || !r.src.Is4() || r.src.As4()[0] != 127 || r.uri == "" {
				continue
			}
			s.reqs = append(s.reqs, r)
		}
		if len(s.reqs) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// episodeSuites are Ep 4's two frontends, read from the episode configs.
func episodeSuites(t *testing.T) []*diffSuite {
	t.Helper()
	examples := readEpisode(t, "ep04-acl-examples.cfg")
	examples.name = "ep04_examples"
	internal, other, blocked := from("127.0.0.42"), from("127.1.2.3"), from("127.66.1.1")
	ua := func(v string) func(*testReq) { return hdr("User-Agent", v) }
	post := func(r *testReq) { r.method = "POST"; r.headers = append(r.headers, [2]string{"Content-Length", "0"}) }
	examples.reqs = []*testReq{
		get("/static/app.css"), get("/static"), get("/Static/app.css"), get("/%73tatic/app.css"),
		get("//static/x"), get("/staticfile"), get("/static/../admin", other),
		get("/admin", internal), get("/admin", other), get("/admin?x=1", other), get("/admin/users", other),
		get("/ADMIN", other), get("//admin", other), get("/%61dmin", other), get("/admin", from("127.0.1.1")),
		get("/admin", from("127.0.0.255")), get("http://lab.example/admin", other),
		get("/", blocked), get("/static/x", from("127.66.255.254")), get("/", from("127.67.0.1")),
		get("/submit", post), get("/submit", meth("post"), hdr("Content-Length", "0")),
		get("/static/x", post), get("/", ua("Foo mobile bar")), get("/", ua("Mozilla/5.0 (iPhone; CPU) MOBILE/15E148")),
		get("/", ua("Mozilla/5.0 (X11; Linux)")), get("/", ua("Mob, ile")), get("/", ua("desktop"), ua("x, Mobile")),
		get("/", hdr("user-agent", "mobile")), get("/", ua("mobile"), post), get("/admin", ua("Mobile"), internal),
		get("/"),
	}
	submit := readEpisode(t, "ep04-acl-submit.cfg")
	submit.name = "ep04_submit"
	submit.reqs = []*testReq{
		get("/submit", post), get("/submit/form", post), get("/submitted", post), get("/Submit", post),
		get("/submit", meth("post"), hdr("Content-Length", "0")), get("/submit"), get("/", post),
		get("http://lab.example/submit", post), get("/submit?x=1", post), get("/x/submit", post),
	}
	return []*diffSuite{examples, submit}
}

// readEpisode extracts the frontend's acl, http-request deny and
// use_backend lines of an episode config.
func readEpisode(t *testing.T, file string) *diffSuite {
	t.Helper()
	// haproxycfg's testdata holds the project's copies of the episode configs
	data, err := os.ReadFile(filepath.Join("..", "haproxycfg", "testdata", "episodes", file))
	if err != nil {
		t.Fatalf("reading the episode config: %v", err)
	}
	s := &diffSuite{}
	for _, line := range strings.Split(string(data), "\n") {
		w := strings.Fields(line)
		switch {
		case len(w) > 1 && w[0] == "acl":
			s.acls = append(s.acls, strings.Join(w[1:], " "))
		case len(w) > 2 && w[0] == "http-request" && w[1] == "deny":
			s.deny = append(s.deny, strings.Join(w[2:], " "))
		case len(w) > 2 && w[0] == "use_backend":
			s.use = append(s.use, strings.Join(w[2:], " "))
			s.useNames = append(s.useNames, w[1])
		}
	}
	if len(s.acls) == 0 || len(s.use) == 0 {
		t.Fatalf("%s: no acl or use_backend lines found", file)
	}
	return s
}

// diffSuites probe every fetch, flag, match method and condition form.
func diffSuites() []*diffSuite {
	post := func(r *testReq) { r.method = "POST"; r.headers = append(r.headers, [2]string{"Content-Length", "0"}) }
	zeroLen := hdr("Content-Length", "0")
	abs := func(h string) func(*testReq) { return host(h) }
	return []*diffSuite{
		{
			name: "paths",
			use: []string{
				`if { path_reg ^/a.c$ }`, `if { path_reg -i ^/IMG/[0-9]+\\.png$ }`, `if { path_dir images }`,
				`if { path_dom example }`, `if { path_end .php }`, `if { path_sub -i secret }`, `if { path_len 1 }`,
				`if { path -i /Exact }`, `if { path_beg -i /static }`, `if { path /admin }`, `if { url_sub ?debug }`,
				`if { url_end .JPG }`, `if { url_beg http:// }`, `if { path -m found }`,
			},
			reqs: []*testReq{
				get("/abc"), get("/aBc"), get("/abcd"), get("/img/12.PNG"), get("/IMG/7.png"), get("/x/images/y"),
				get("/images"), get("/imagesx"), get("/x/images?y"), get("/www.example.com/x"), get("/examples"),
				get("/a:example:b"), get("/index.php"), get("/index.php?x"), get("/index.PHP"), get("/top-SECRET/x"),
				get("/SeCrEt"), get("/"), get("/?q"), get("/EXACT"), get("/exact/"), get("/Static/x"),
				get("/%73tatic"), get("//static"), get("/admin"), get("/admin?x=1"), get("/admin/"), get("/ADMIN"),
				get("/static/../admin"), get("/%2e%2e/admin"), get("/p?debug=1"), get("/p?x&debug"), get("/pic.JPG"),
				get("/pic.jpg"), get("http://lab.example/admin"), get("http://lab.example"),
				get("http://lab.example/abc"), get("http://lab.example:80/x", abs("lab.example:80")),
				get("HTTP://lab.example/a", abs("lab.example")), get("*"), get("/a%2Fb"), get("/a;b=c"),
			},
		},
		{
			name: "src",
			deny: []string{`if { src 127.66.0.0/16 }`},
			use: []string{
				`if { src 127.1 }`, `if { src 10.0.0.0/8 127.0.0.0/24 }`, `if { src 127.0.0.0/255.0.255.0 }`,
				`if { src 127.258 }`, `if { src ::ffff:127.2.0.0/112 }`, `if { src -m str 127.3.3.3 }`,
				`if { src -m beg 127.4. }`, `if { src 127.65535 }`, `if { src -n 127.5.0.0/16 }`,
				`if { src 0177.6.1.1 }`, `if { src 127.7/16 }`, `if { src -m int 2131230977 }`, `if LOCALHOST`,
			},
			reqs: []*testReq{
				get("/", from("127.66.0.1")), get("/", from("127.66.255.254")), get("/", from("127.0.0.1")),
				get("/", from("127.0.0.77")), get("/", from("127.9.0.5")), get("/", from("127.0.1.2")),
				get("/", from("127.2.1.0")), get("/", from("127.3.3.3")), get("/", from("127.3.3.33")),
				get("/", from("127.4.4.4")), get("/", from("127.0.255.255")), get("/", from("127.5.9.9")),
				get("/", from("127.6.1.1")), get("/", from("127.0.5.5")), get("/", from("127.8.1.1")),
				get("/", from("127.10.10.10")), get("/", from("127.67.0.1")),
			},
		},
		{
			name: "methods",
			use: []string{
				`if { method post }`, `if { method -i put }`, `if { method POST }`, `if METH_GET`,
				`if { method -m str FOO }`, `if { method -i -m beg del }`, `if { method -m len 7 }`,
				`if { method -i PATCH }`, `if { method -m reg ^[a-z]+$ }`,
			},
			reqs: []*testReq{
				get("/", post), get("/", meth("post"), zeroLen), get("/", meth("PoSt"), zeroLen),
				get("/", meth("put"), zeroLen), get("/", meth("Put"), zeroLen), get("/", meth("PUT"), zeroLen),
				get("/"), get("/", meth("HEAD")), get("/", meth("get")), get("/", meth("FOO")), get("/", meth("foo")),
				get("/", meth("DELETE")), get("/", meth("delete")), get("/", meth("Delete")), get("/", meth("OPTIONS")),
				get("/", meth("PATCH"), zeroLen), get("/", meth("patch"), zeroLen), get("/", meth("TRACE")),
			},
		},
		{
			name: "headers",
			use: []string{
				`if { hdr(X-T,2) two }`, `if { hdr(X-T,-1) last }`, `if { hdr_len(X-T) 0 }`, `if { hdr_cnt(X-T) 3 }`,
				`if { req.hdr_val(X-Num) gt 100 }`, `if { req.fhdr(X-T) "a, b" }`, `if { hdr_beg(host) -i www. }`,
				`if { hdr_dom(host) example.com }`, `if { req.hdr(X-T) -m reg ^v[0-9]+$ }`,
				`if { req.hdr(User-Agent) -i -m sub Mobile }`, `if { hdr_sub(X-Q) "a,b" }`,
				`if { req.hdr(X-T) -m found }`,
			},
			reqs: []*testReq{
				get("/", hdr("X-T", "one, two")), get("/", hdr("X-T", "one"), hdr("X-T", "two")),
				get("/", hdr("X-T", "a, last")), get("/", hdr("X-T", "last, a")), get("/", hdr("X-T", "a,,b")),
				get("/", hdr("X-T", "a,")), get("/", hdr("X-T", "x, y, z")), get("/", hdr("X-Num", "101")),
				get("/", hdr("X-Num", "100")), get("/", hdr("X-Num", "5, 200")), get("/", hdr("X-Num", "10.5")),
				get("/", hdr("X-Num", "1.5")), get("/", hdr("X-T", "a, b")), get("/", host("WWW.lab.example")),
				get("/", host("shop.example.com:8080")), get("/", host("example.community")),
				get("/", hdr("X-T", "v12")), get("/", hdr("X-T", "v12x")), get("/", hdr("X-T", "\tv7 ")),
				get("/", hdr("User-Agent", "Foo mobile bar")), get("/", hdr("User-Agent", "Mozilla (iPhone; MOBILE)")),
				get("/", hdr("User-Agent", "Mob, ile")), get("/", hdr("User-Agent", "desktop"), hdr("User-Agent", "mobile")),
				get("/", hdr("X-Q", `"a,b"`)), get("/", hdr("X-Q", "a,b")), get("/", hdr("X-Q", `"x\",a,b"`)),
				get("/", hdr("x-t", "last")),
			},
		},
		{
			name: "conditions",
			acls: []string{"a path_beg /a", "b hdr(X-B) -m found", "c method POST", "d path /d1", "d path /d2",
				"e hdr(X-E) yes"},
			use: []string{
				`if a b`, `if !a !b c or d e`, `unless !d`, `if { path_beg /x } !{ hdr(X-B) -m found }`,
				`if TRUE FALSE or !TRUE or FALSE || e`, `if ! c a`, `if c OR b`, `if !!e || { url_end /last }`,
				`unless a or b or c or d or e or { path_beg /last }`,
			},
			reqs: []*testReq{
				get("/a", hdr("X-B", "1")), get("/z", post), get("/d1", hdr("X-E", "yes")), get("/d2"), get("/d1"),
				get("/x"), get("/x", hdr("X-B", "")), get("/a"), get("/a", post), get("/q", hdr("X-E", "yes")),
				get("/last"), get("/other"), get("/last/x"),
			},
		},
		{
			name: "predefined",
			use: []string{
				`if HTTP_URL_STAR`, `if HTTP_URL_ABS`, `if HTTP_1.0`, `if HTTP_CONTENT`, `if METH_OPTIONS`,
				`if METH_DELETE`, `if METH_PUT !HTTP_CONTENT`, `if METH_HEAD`, `if HTTP_URL_SLASH METH_GET`,
				`if METH_POST HTTP`,
			},
			reqs: []*testReq{
				get("*"), get("http://lab.example/x"), get("/", proto("HTTP/1.0")), get("/", meth("POST"), body("abc")),
				get("/", meth("OPTIONS")), get("/", meth("DELETE")), get("/", meth("PUT"), zeroLen),
				get("/", meth("PUT"), body("x")), get("/", meth("HEAD")), get("/"), get("/", post),
				get("/", meth("TRACE")),
			},
		},
		{
			name: "flags",
			use: []string{
				`if { hdr_cnt(X-T) ne 2 }`, `if { hdr_cnt(X-T) gt 4 }`, `if { path -m len 5:6 }`,
				`if { hdr(X-T) -m int 42 }`, `if { hdr(X-T) -m ip 10.0.0.0/8 }`, `if { hdr(X-T) -m bin 414243 }`,
				`if { hdr(X-T) -m bool }`, `if { path -m dir a/b }`, `if { url -i -m dom EXAMPLE }`,
				`if { req.ver 1.0 }`, `if { path -m sub -- -dash }`, `if { hdr_val(X-N) -- -5 }`,
				`if { hdr_cnt(X-W) ge 2 }`, `if { path_beg -m end /end }`, `if { path -i -m str -u 7 /U }`,
			},
			reqs: []*testReq{
				get("/", hdr("X-T", "a"), hdr("X-T", "b")), get("/", hdr("X-T", "a, b")),
				get("/", hdr("X-T", "1,2,3,4,5")), get("/abcd", hdr("X-T", "1")), get("/abcde"),
				get("/", hdr("X-T", "42abc")), get("/", hdr("X-T", "10.1.2.3")), get("/", hdr("X-T", "10.1.2.3:80")),
				get("/", hdr("X-T", "ABC")), get("/", hdr("X-T", "7")), get("/", hdr("X-T", "0")),
				get("/", hdr("X-T", "abc")), get("/x/a/b/y"), get("/x/a/bc"),
				get("http://www.example.com/", abs("www.example.com")), get("/", proto("HTTP/1.0")),
				get("/x-dash"), get("/", hdr("X-N", "3")), get("/", hdr("X-N", "-7")), get("/", hdr("X-N", "9")),
				get("/", hdr("X-W", "1"), hdr("X-W", "2")), get("/the/end"), get("/u"), get("/v"),
			},
		},
	}
}

package proxy_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/haproxytest"
)

// ep4Config is Ep 4's examples in one frontend (episodes/configs/
// ep04-acl-examples.cfg with lab addresses), plus forms the episode does
// not use, so every fetch, flag and condition form crosses the proxy.
const ep4Config = `defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend http_front
    bind {FRONT}
    acl is_static path_beg /static
    acl block_ip src 127.66.0.0/16
    acl is_post_method method POST
    acl is_mobile_user_agent req.hdr(User-Agent) -i -m sub Mobile
    acl is_admin_path path_beg /admin
    acl is_internal_network src 127.0.0.0/24
    acl is_img path_end .png .jpg
    acl is_api url_beg /api
    acl api_v2 path_reg ^/api/v[2-9]/
    acl has_token hdr(X-Token) -m found
    acl is_teapot path -i /TEAPOT
    http-request deny if block_ip
    http-request deny if is_admin_path !is_internal_network
    http-request deny deny_status 429 if { path_beg /limited } !is_internal_network
    use_backend static_backend if is_static or is_img
    use_backend post_backend if is_post_method
    use_backend mobile_backend if is_mobile_user_agent
    use_backend api_backend if is_api api_v2 || has_token is_api
    use_backend static_backend if is_teapot
    default_backend dynamic_backend
backend static_backend
    server static1 {S1}
backend post_backend
    server post1 {S2}
backend mobile_backend
    balance roundrobin
    server mobile1 {S3}
    server mobile2 {S4}
backend dynamic_backend
    server dynamic1 {S5}
backend api_backend
    server api1 {S6}
`

// aclRequest is one request of the table, from a chosen source address.
type aclRequest struct {
	src  string // 127.x.y.z
	raw  string
	name string
}

func ep4Requests() []aclRequest {
	get := func(path string, hdrs ...string) string {
		return "GET " + path + " HTTP/1.1\r\nHost: lab\r\n" + strings.Join(hdrs, "") + "\r\n"
	}
	internal, outside, blocked := "127.0.0.9", "127.1.2.3", "127.66.1.1"
	var t []aclRequest
	for _, path := range []string{"/", "/static/app.css", "/Static/app.css", "/%73tatic/app.css", "//static/x",
		"/static", "/staticfoo", "/img/a.png", "/img/A.PNG", "/admin", "/admin?x=1", "//admin", "/ADMIN",
		"/static/../admin", "/admin/../static/x", "/limited/1", "/api/v2/users", "/api/v1/users", "/apix",
		"/teapot", "/TeaPot", "http://lab/static/abs", "/data?static=1"} {
		for _, src := range []string{internal, outside} {
			t = append(t, aclRequest{src, get(path), "GET " + path + " from " + src})
		}
	}
	t = append(t,
		aclRequest{outside, get("/", "User-Agent: Mozilla/5.0 (iPhone) Mobile Safari\r\n"), "mobile UA"},
		aclRequest{outside, get("/", "User-Agent: something mObIlE\r\n"), "mobile any case"},
		aclRequest{outside, get("/", "User-Agent: Desktop, Mobile\r\n"), "mobile in a list"},
		aclRequest{outside, get("/", "User-Agent: Desktop\r\n", "User-Agent: Mobile\r\n"), "mobile in a second header"},
		aclRequest{outside, get("/", "User-Agent: Mozilla/5.0 (X11)\r\n"), "desktop UA"},
		aclRequest{outside, get("/api/v1/x", "X-Token: \r\n"), "empty token header found"},
		aclRequest{outside, get("/api/v1/x"), "no token"},
		aclRequest{outside, "POST /submit HTTP/1.1\r\nHost: lab\r\nContent-Length: 9\r\n\r\nname=test", "POST /submit"},
		aclRequest{outside, "post /submit HTTP/1.1\r\nHost: lab\r\nContent-Length: 0\r\n\r\n", "method post lower case"},
		aclRequest{outside, "PUT /submit HTTP/1.1\r\nHost: lab\r\nContent-Length: 0\r\n\r\n", "PUT"},
		aclRequest{blocked, get("/"), "blocked range"},
		aclRequest{blocked, get("/static/x"), "blocked range, static"},
		aclRequest{internal, get("/admin"), "admin from inside"},
		aclRequest{outside, "GET /admin HTTP/1.1\r\nHost: lab\r\n\r\nGET /admin HTTP/1.1\r\nHost: lab\r\n\r\n", "admin twice on one connection"},
		aclRequest{outside, "GET / HTTP/1.1\r\nHost: lab\r\n\r\nGET /admin HTTP/1.1\r\nHost: lab\r\n\r\n", "admin after an allowed request"},
		aclRequest{outside, "GET /x y HTTP/1.1\r\nHost: lab\r\n\r\n", "malformed request line"},
		aclRequest{outside, "GET / HTTP/1.1\r\nHost: lab\r\nBad Header\r\n\r\n", "malformed header"},
	)
	return t
}

// exchangeAll sends raw from src and returns every response until the
// connection closes or goes quiet, each reduced to its status line and
// body (the backend's name, or HAProxy's page).
func exchangeAll(t *testing.T, addr, src, raw string) string {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, raw)
	br := bufio.NewReader(c)
	var out []string
	for range strings.Count(raw, " HTTP/1.1\r\n") {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		line, err := br.ReadString('\n')
		if err != nil {
			out = append(out, "<closed>")
			break
		}
		n := -1
		for {
			h, err := br.ReadString('\n')
			if err != nil || h == "\r\n" {
				break
			}
			if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(k, "content-length") {
				fmt.Sscan(strings.TrimSpace(v), &n)
			}
		}
		body := make([]byte, max(n, 0))
		io.ReadFull(br, body)
		out = append(out, strings.TrimSpace(line)+" "+string(body))
	}
	return strings.Join(out, " | ")
}

func TestDiffEp4ACLsRouteAndDenyAlike(t *testing.T) {
	bs := haproxytest.StartBackends(t, "static1", "post1", "mobile1", "mobile2", "dynamic1", "api1")
	pr := startPair(t, ep4Config, bs)
	seen := map[string]bool{}
	for _, r := range ep4Requests() {
		ha := exchangeAll(t, pr.ha, r.src, r.raw)
		lb := exchangeAll(t, pr.lb, r.src, r.raw)
		if ha != lb {
			t.Errorf("%s:\n haproxy %q\n lblab   %q", r.name, ha, lb)
		}
		for _, part := range strings.Split(ha, " | ") {
			f := strings.Fields(part)
			if len(f) > 1 && f[1] == "200" {
				seen["200 "+f[len(f)-1]] = true
			} else if len(f) > 1 {
				seen[f[1]] = true
			}
		}
	}
	// the table must exercise every backend, both deny statuses and a 400
	for _, want := range []string{"200 static1", "200 post1", "200 mobile1", "200 mobile2", "200 dynamic1", "200 api1", "403", "429", "400"} {
		if !seen[want] {
			t.Errorf("no request of the table ended in %q (seen %v)", want, seen)
		}
	}
	compareLogs(t, pr, len(ep4Requests()))
}

func TestDiffTCPModeBalancesAndRejectsAlike(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1", "s2", "s3")
	pr := startPair(t, `defaults
    mode tcp
    log global
    option tcplog
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend tcp_front
    bind {FRONT}
    tcp-request connection reject if { src 127.66.0.0/16 }
    default_backend flask_backend
backend flask_backend
    balance roundrobin
    server flask1 {S1} weight 2
    server flask2 {S2}
    server flask3 {S3} weight 3
`, bs)
	req := "GET / HTTP/1.0\r\n\r\n"
	var ha, lb []string
	for i := range 13 {
		src := "127.1.0.1"
		if i == 5 {
			src = "127.66.0.5"
		}
		ha = append(ha, tcpExchange(t, pr.ha, src, req))
		lb = append(lb, tcpExchange(t, pr.lb, src, req))
	}
	if strings.Join(ha, " ") != strings.Join(lb, " ") {
		t.Errorf("TCP connections:\n haproxy %v\n lblab   %v", ha, lb)
	}
	compareLogs(t, pr, 12) // a rejected connection is not logged
}

// tcpExchange sends payload on a new connection from src and returns the
// body of what came back (the backend's name), or "<no answer>".
func tcpExchange(t *testing.T, addr, src, payload string) string {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return "<no answer>" // the reset can come before the dial returns
	}
	defer c.Close()
	io.WriteString(c, payload)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	raw, _ := io.ReadAll(c)
	if len(raw) == 0 {
		return "<no answer>" // a reset or a close, depending on timing
	}
	_, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	return body
}

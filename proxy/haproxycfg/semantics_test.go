package haproxycfg

import (
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

const stdTimeouts = "    timeout connect 1s\n    timeout client 2s\n    timeout server 3s\n"

// Values a defaults section gives the sections after it, as HAProxy copies
// them: frontend values to frontends, backend values to backends.
func TestDefaultsInheritance(t *testing.T) {
	src := `defaults
    mode http
    balance uri depth 2
    hash-type consistent
    hash-balance-factor 150
    retries 5
    option redispatch 4
    option httpchk GET /health
    option httplog
    option dontlognull
    option forwardfor
    maxconn 77
    default_backend be
    timeout queue 4s
    timeout check 5s
    log 127.0.0.1:514 local0
` + stdTimeouts + `frontend fe
    bind 127.0.0.1:80
backend be
    server s 127.0.0.1:1
`
	cfg := mustParse(t, "t.cfg", []byte(src)).Config
	fe, be := cfg.Frontends[0], cfg.Backends[0]
	wantFE := proxy.Frontend{Name: "fe", Mode: proxy.HTTP, MaxConn: 77, Timeouts: proxy.Timeouts{Client: 2 * time.Second},
		HTTPLog: true, DontLogNull: true, ForwardFor: true, DefaultBackend: "be"}
	if fe.Mode != wantFE.Mode || fe.MaxConn != wantFE.MaxConn || fe.Timeouts != wantFE.Timeouts || fe.HTTPLog != wantFE.HTTPLog ||
		fe.TCPLog || fe.DontLogNull != wantFE.DontLogNull || fe.ForwardFor != wantFE.ForwardFor || fe.DefaultBackend != wantFE.DefaultBackend {
		t.Errorf("frontend %+v\nwant      %+v", *fe, wantFE)
	}
	wantBal := balance.Spec{Algo: balance.URI, URIDepth: 2, Hash: balance.HashType{Consistent: true, Avalanche: true}, BalanceFactor: 150}
	if be.Mode != proxy.HTTP || be.Balance != wantBal || be.Retries != 5 || be.Redispatch != 4 || !be.ForwardFor ||
		be.HTTPCheck == nil || *be.HTTPCheck != (proxy.HTTPCheck{Method: "GET", URI: "/health", Version: "HTTP/1.0"}) ||
		be.Timeouts != (proxy.Timeouts{Connect: time.Second, Server: 3 * time.Second, Queue: 4 * time.Second, Check: 5 * time.Second}) {
		t.Errorf("backend %+v (httpchk %+v)", *be, be.HTTPCheck)
	}
}

// A later defaults section starts again from HAProxy's own defaults.
func TestLaterDefaultsReset(t *testing.T) {
	src := "defaults\n    mode http\n    balance leastconn\n    retries 9\n    option httplog\n" + stdTimeouts +
		"frontend a\n    bind 127.0.0.1:80\n    default_backend x\nbackend x\n    server s 127.0.0.1:1\n" +
		"defaults\n" + stdTimeouts + "frontend b\n    bind 127.0.0.1:81\n    default_backend y\nbackend y\n    server s 127.0.0.1:1\n"
	cfg := mustParse(t, "t.cfg", []byte(src)).Config
	a, b := cfg.Frontends[0], cfg.Frontends[1]
	x, y := cfg.Backends[0], cfg.Backends[1]
	if a.Mode != proxy.HTTP || !a.HTTPLog || x.Balance.Algo != balance.LeastConn || x.Retries != 9 {
		t.Errorf("first defaults not applied: %+v %+v", *a, *x)
	}
	if b.Mode != proxy.TCP || b.HTTPLog || b.TCPLog || y.Mode != proxy.TCP || y.Balance.Algo != balance.RoundRobin || y.Retries != 3 {
		t.Errorf("second defaults did not reset: %+v %+v", *b, *y)
	}
}

func TestDefaultsFrom(t *testing.T) {
	src := "defaults tcpd\n    mode tcp\n" + stdTimeouts + "defaults httpd\n    mode http\n    retries 7\n" + stdTimeouts +
		"frontend f from tcpd\n    bind 127.0.0.1:80\n    default_backend b\n" +
		"backend b from tcpd\n    server s 127.0.0.1:1\n" +
		"backend h\n    server s 127.0.0.1:1\n" +
		"defaults other from httpd\n    retries 8\n" +
		"backend o\n    server s 127.0.0.1:1\n"
	f := mustParse(t, "t.cfg", []byte(src))
	bs := f.Config.Backends
	if f.Config.Frontends[0].Mode != proxy.TCP || bs[0].Mode != proxy.TCP || bs[0].Retries != 3 {
		t.Errorf("'from tcpd' not applied: %+v %+v", *f.Config.Frontends[0], *bs[0])
	}
	if bs[1].Mode != proxy.HTTP || bs[1].Retries != 7 {
		t.Errorf("backend h should use the last defaults section (httpd): %+v", *bs[1])
	}
	if bs[2].Mode != proxy.HTTP || bs[2].Retries != 8 {
		t.Errorf("'defaults other from httpd' not applied: %+v", *bs[2])
	}
}

func TestListenIsBothHalves(t *testing.T) {
	src := "defaults\n    mode http\n" + stdTimeouts +
		"listen web\n    bind 127.0.0.1:80\n    option forwardfor\n    balance static-rr\n    server s 127.0.0.1:1 weight 3\n"
	cfg := mustParse(t, "t.cfg", []byte(src)).Config
	if len(cfg.Frontends) != 1 || len(cfg.Backends) != 1 {
		t.Fatalf("%d frontends, %d backends; want 1 and 1", len(cfg.Frontends), len(cfg.Backends))
	}
	fe, be := cfg.Frontends[0], cfg.Backends[0]
	if fe.Name != "web" || be.Name != "web" || fe.DefaultBackend != "web" || !fe.ForwardFor || !be.ForwardFor ||
		be.Balance.Algo != balance.StaticRR || be.Servers[0].Weight != 3 || fe.Timeouts.Client != 2*time.Second ||
		be.Timeouts.Connect != time.Second {
		t.Errorf("listen: %+v / %+v", *fe, *be)
	}
}

// What HAProxy does to HTTP features in TCP mode shows in the Config.
func TestTCPModeFallbacks(t *testing.T) {
	src := "global\n    log stdout local0\ndefaults\n    mode tcp\n    log global\n" + stdTimeouts +
		"frontend fe\n    bind 127.0.0.1:80\n    option httplog\n    option forwardfor\n    http-request deny\n    default_backend be\n" +
		"backend be\n    balance url_param id\n    hash-type consistent\n    option forwardfor\n    server s 127.0.0.1:1\n"
	f := mustParse(t, "t.cfg", []byte(src))
	fe, be := f.Config.Frontends[0], f.Config.Backends[0]
	if fe.HTTPLog || !fe.TCPLog || fe.ForwardFor || len(fe.HTTPRules) != 0 {
		t.Errorf("frontend in TCP mode: %+v", *fe)
	}
	if be.Balance.Algo != balance.RoundRobin || !be.Balance.Hash.Consistent || be.ForwardFor {
		t.Errorf("backend in TCP mode: %+v", *be)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"t.cfg:11: 'option httplog' not usable with frontend 'fe' (needs 'mode http'). Falling back to 'option tcplog'.",
		"t.cfg:9: 'http-request' rules ignored for frontend 'fe' as they require HTTP mode.",
		"t.cfg:9: 'option forwardfor' ignored for frontend 'fe' as it requires HTTP mode.",
		"t.cfg:15: Layer 7 hash not possible for backend 'be' (needs 'mode http'). Falling back to round robin.",
		"t.cfg:15: 'option forwardfor' ignored for backend 'be' as it requires HTTP mode.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestServers(t *testing.T) {
	src := "defaults\n    mode http\n" + stdTimeouts + "backend be\n" +
		"    server a 127.0.0.1:1\n" +
		"    server b 10.0.0.2:8080 weight 0 check inter 5s rise 4 fall 1 maxconn 30 maxqueue 2 id 9 backup disabled\n" +
		"    server c [::1]:81 check inter 4s fastinter 1s\n" +
		"    server d ipv6@::1:82 downinter 10s\n"
	ss := mustParse(t, "t.cfg", []byte(src)).Config.Backends[0].Servers
	want := []proxy.Server{
		{Name: "a", Addr: "127.0.0.1:1", Weight: 1, Inter: 2 * time.Second, FastInter: 2 * time.Second, DownInter: 2 * time.Second, Rise: 2, Fall: 3},
		{Name: "b", Addr: "10.0.0.2:8080", Weight: 0, ID: 9, Backup: true, Disabled: true, Check: true, Inter: 5 * time.Second,
			FastInter: 5 * time.Second, DownInter: 5 * time.Second, Rise: 4, Fall: 1, MaxConn: 30, MaxQueue: 2},
		{Name: "c", Addr: "[::1]:81", Weight: 1, Check: true, Inter: 4 * time.Second, FastInter: time.Second, DownInter: 4 * time.Second, Rise: 2, Fall: 3},
		{Name: "d", Addr: "[::1]:82", Weight: 1, Inter: 2 * time.Second, FastInter: 2 * time.Second, DownInter: 10 * time.Second, Rise: 2, Fall: 3},
	}
	if len(ss) != len(want) {
		t.Fatalf("%d servers", len(ss))
	}
	for k := range want {
		if *ss[k] != want[k] {
			t.Errorf("server %d:\n got %+v\nwant %+v", k, *ss[k], want[k])
		}
	}
}

func TestBinds(t *testing.T) {
	src := "defaults\n    mode http\n" + stdTimeouts +
		"frontend fe\n    bind 127.0.0.1:80,*:81 name x\n    bind :8000-8002\n    bind [::]:90\n    bind ipv4@0.0.0.0:91\n    bind :::92\n"
	f := mustParse(t, "t.cfg", []byte(src))
	fe := f.Config.Frontends[0]
	want := []string{"127.0.0.1:80", "*:81", ":8000", ":8001", ":8002", "[::]:90", "0.0.0.0:91", "[::]:92"}
	if !equalStrings(fe.Binds, want) {
		t.Errorf("binds %q, want %q", fe.Binds, want)
	}
	if d := f.Where(BindRef{fe, 3}); d.Line != 8 || d.Col != 10 || d.Msg != "bind ':8001'" {
		t.Errorf("Where(bind 3) = %+v, want line 8 col 10", d)
	}
}

func TestRedispatchAndOptions(t *testing.T) {
	for _, tc := range []struct {
		lines string
		want  int
	}{
		{"option redispatch", -1}, {"option redispatch 3", 3}, {"option redispatch 0", 0},
		{"option redispatch\n    no option redispatch", 0}, {"", 0},
	} {
		src := "defaults\n    mode http\n" + stdTimeouts + "backend be\n    " + tc.lines + "\n"
		if got := mustParse(t, "t.cfg", []byte(src)).Config.Backends[0].Redispatch; got != tc.want {
			t.Errorf("%q: redispatch %d, want %d", tc.lines, got, tc.want)
		}
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv("LBLAB_HAPROXYCFG_PORT", "9090")
	src := "defaults\n    mode http\n" + stdTimeouts + "frontend fe\n    bind \"127.0.0.1:${LBLAB_HAPROXYCFG_PORT}\"\n    bind 127.0.0.1:$LBLAB_HAPROXYCFG_PORT\n"
	_, err := Parse("t.cfg", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "t.cfg:8:") {
		t.Fatalf("outside double quotes '$' is literal, so the second bind is invalid; got %v", err)
	}
	src = strings.Replace(src, "    bind 127.0.0.1:$LBLAB_HAPROXYCFG_PORT\n", "", 1)
	f := mustParse(t, "t.cfg", []byte(src))
	if b := f.Config.Frontends[0].Binds; len(b) != 1 || b[0] != "127.0.0.1:9090" {
		t.Errorf("binds %q", b)
	}
}

// lblab's own warnings read "file:line: 'keyword' is not supported by lblab
// and is ignored"; HAProxy's keep HAProxy's words.
func TestLabWarnings(t *testing.T) {
	src := "global\n    nbthread 4\ndefaults\n    mode http\n" + stdTimeouts +
		"frontend fe\n    bind 127.0.0.1:80 ssl crt x.pem\n    compression algo gzip\n    timeout http-request 5s\n" +
		"    http-request redirect location /x\n    no option http-keep-alive\n    default_backend be\n" +
		"backend be\n    stick-table type ip size 1k\n    server s 127.0.0.1:1 slowstart 5s weight 2x\n" +
		"cache c\n    total-max-size 4\n"
	f := mustParse(t, "t.cfg", []byte(src))
	var lab, ha []string
	for _, w := range f.Warnings {
		if w.Lab {
			lab = append(lab, w.String())
		} else {
			ha = append(ha, w.String())
		}
	}
	want := []string{
		"t.cfg:2: 'nbthread' is not supported by lblab and is ignored",
		"t.cfg:9: bind option 'ssl' is not supported by lblab and is ignored",
		"t.cfg:9: bind option 'crt' is not supported by lblab and is ignored",
		"t.cfg:10: 'compression' is not supported by lblab and is ignored",
		"t.cfg:11: 'timeout http-request' is not supported by lblab and is ignored",
		"t.cfg:12: 'http-request redirect' is not supported by lblab and is ignored",
		"t.cfg:13: 'no option http-keep-alive' is not supported by lblab and is ignored",
		"t.cfg:16: 'stick-table' is not supported by lblab and is ignored",
		"t.cfg:17: server option 'slowstart' is not supported by lblab and is ignored",
		"t.cfg:17: 'weight' value '2x' is not a plain integer: HAProxy reads it as 2",
		"t.cfg:18: 'cache' is not supported by lblab and is ignored (the whole section)",
	}
	if strings.Join(lab, "\n") != strings.Join(want, "\n") {
		t.Errorf("lab warnings:\n%s\nwant:\n%s", strings.Join(lab, "\n"), strings.Join(want, "\n"))
	}
	if len(ha) != 0 {
		t.Errorf("HAProxy warnings %q, want none", ha)
	}
}

func TestDiagString(t *testing.T) {
	for _, tc := range []struct {
		d    Diag
		want string
	}{
		{Diag{File: "a.cfg", Line: 3, Col: 7, Msg: "m"}, "a.cfg:3:7: m"},
		{Diag{File: "a.cfg", Line: 3, Msg: "m"}, "a.cfg:3: m"},
		{Diag{File: "a.cfg", Msg: "m"}, "a.cfg: m"},
	} {
		if got := tc.d.String(); got != tc.want || tc.d.Error() != tc.want {
			t.Errorf("%+v: %q, want %q", tc.d, got, tc.want)
		}
	}
	errs := Errors{{File: "a", Line: 1, Col: 2, Msg: "x"}, {File: "a", Line: 3, Col: 4, Msg: "y"}}
	if errs.Error() != "a:1:2: x\na:3:4: y" {
		t.Errorf("Errors.Error() = %q", errs.Error())
	}
}

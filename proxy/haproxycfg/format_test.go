package haproxycfg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/acl"
	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// labConfig is a config as the lab builds it in code, using every field
// Format writes.
func labConfig(t *testing.T) *proxy.Config {
	t.Helper()
	acls := acl.NewSet()
	for _, line := range [][]string{{"admin", "path_beg", "/admin"}, {"inside", "src", "127.0.0.0/8"}, {"api", "hdr(host)", "-i", "api.example"}} {
		if err := acls.Declare(line); err != nil {
			t.Fatal(err)
		}
	}
	cond := func(words ...string) *acl.Cond {
		c, err := acls.ParseCond(words)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	web := &proxy.Frontend{
		Name: "web", Mode: proxy.HTTP, Binds: []string{"127.0.0.1:8080", "[::1]:8081"}, MaxConn: 500,
		Timeouts: proxy.Timeouts{Client: 30 * time.Second}, HTTPLog: true, DontLogNull: true, ForwardFor: true,
		ACLs: acls,
		TCPConnRules: []proxy.TCPRule{{Action: proxy.Allow, Cond: cond("if", "inside"), Text: "tcp-request connection accept if inside"},
			{Action: proxy.Deny, Text: "tcp-request connection reject"}},
		HTTPRules: []proxy.HTTPRule{{Action: proxy.Deny, DenyStatus: 429, Cond: cond("if", "admin", "!inside"),
			Text: "http-request deny deny_status 429 if admin !inside"}},
		UseBackends:    []proxy.UseBackend{{Backend: "api", Cond: cond("if", "api"), Text: "use_backend api if api"}},
		DefaultBackend: "pool",
	}
	pool := proxy.NewBackend("pool", proxy.HTTP)
	pool.Balance = balance.Spec{Algo: balance.URI, URIWhole: true, URIDepth: 2,
		Hash: balance.HashType{Consistent: true, Func: balance.DJB2}, BalanceFactor: 150}
	pool.Timeouts = proxy.Timeouts{Connect: 5 * time.Second, Server: 30 * time.Second, Queue: 10 * time.Second, Check: time.Second}
	pool.Retries, pool.Redispatch, pool.ForwardFor = 5, 2, true
	pool.HTTPCheck = &proxy.HTTPCheck{Method: "GET", URI: "/health check", Version: "HTTP/1.1"}
	s1 := proxy.NewServer("s1", "127.0.0.1:5001")
	s1.Weight, s1.Check, s1.ID = 2, true, 10
	s1.Inter, s1.FastInter, s1.DownInter = 3*time.Second, 500*time.Millisecond, 3*time.Second
	s1.Rise, s1.Fall, s1.MaxConn, s1.MaxQueue = 1, 5, 20, 7
	s2 := proxy.NewServer("s2", "127.0.0.1:5002")
	s2.Weight, s2.Backup = 0, true
	s3 := proxy.NewServer("s3", "127.0.0.1:5003")
	s3.Disabled, s3.Check, s3.DownInter = true, true, time.Minute
	pool.Servers = []*proxy.Server{s1, s2, s3}

	api := proxy.NewBackend("api", proxy.HTTP)
	api.Timeouts = proxy.Timeouts{Connect: 5 * time.Second, Server: 30 * time.Second}
	api.Servers = []*proxy.Server{proxy.NewServer("a1", "127.0.0.1:5004")}

	// a listen section: a frontend and a backend of one name, the frontend
	// using the backend
	stats := &proxy.Frontend{Name: "tcp", Mode: proxy.TCP, Binds: []string{"127.0.0.1:4000"}, TCPLog: true,
		Timeouts: proxy.Timeouts{Client: 30 * time.Second}, ACLs: acl.NewSet(), DefaultBackend: "tcp"}
	tcp := proxy.NewBackend("tcp", proxy.TCP)
	tcp.Balance = balance.Spec{Algo: balance.LeastConn}
	tcp.Timeouts = proxy.Timeouts{Connect: 5 * time.Second, Server: 30 * time.Second}
	tcp.Servers = []*proxy.Server{proxy.NewServer("t1", "127.0.0.1:5005")}

	return &proxy.Config{MaxConn: 2000, Frontends: []*proxy.Frontend{web, stats}, Backends: []*proxy.Backend{pool, api, tcp}}
}

func TestFormatLabConfigRoundTrip(t *testing.T) {
	cfg := labConfig(t)
	out := Format(cfg)
	f, err := Parse("lab.cfg", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if a, b := dumpConfig(cfg), dumpConfig(f.Config); a != b {
		t.Fatalf("round trip changed the config:\n--- built\n%s--- parsed\n%s--- formatted\n%s", a, b, out)
	}
	for _, w := range f.Warnings {
		if !w.Lab {
			t.Errorf("HAProxy would warn about Format's output: %s", w)
		}
	}
	text := string(out)
	for _, want := range []string{
		"\nlisten tcp\n    mode tcp\n", // merged, mode written once
		"    server s1 127.0.0.1:5001 id 10 weight 2 check inter 3s fastinter 500ms rise 1 fall 5 maxconn 20 maxqueue 7\n",
		"    server s2 127.0.0.1:5002 weight 0 backup\n",
		"    server s3 127.0.0.1:5003 disabled check downinter 1m\n",
		"    option httpchk GET \"/health check\" HTTP/1.1\n",
		"    balance uri whole depth 2\n    hash-type consistent djb2\n    hash-balance-factor 150\n",
		"    option redispatch 2\n",
		"    retries 5\n",
		"    timeout queue 10s\n    timeout check 1s\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Format output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "default_backend tcp") {
		t.Errorf("a listen section names itself as default backend:\n%s", text)
	}
}

func TestFormatLabConfigHAProxy(t *testing.T) {
	bin := haproxytest.Path(t)
	out := Format(labConfig(t))
	path := filepath.Join(t.TempDir(), "lab.cfg")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	accepted, warns, alerts, raw := runHAProxyCheck(t, bin, path)
	if !accepted || len(warns) > 0 {
		t.Fatalf("haproxy -c: accepted=%v alerts=%q warnings=%+v\n%s\n--- formatted\n%s", accepted, alerts, warns, raw, out)
	}
}

// The episodes come out as a reader would write them.
func TestFormatEpisode(t *testing.T) {
	f := parseEpisode(t, "ep09-weighted-rr.cfg")
	want := `# haproxy.cfg written by lblab
global
    log stdout format raw local0

defaults
    timeout connect 5s
    timeout client 50s
    timeout server 50s

frontend http_front
    mode http
    bind *:80
    log global
    option httplog
    option dontlognull
    default_backend servers

backend servers
    mode http
    balance roundrobin
    server server1 app1:5001 weight 2 check
    server server2 app2:5002 check
    server server3 app3:5003 weight 3 check
`
	if got := string(Format(f.Config)); got != want {
		t.Fatalf("Format:\n%s\nwant:\n%s", got, want)
	}
}

// Timeouts most proxies share go to the defaults section; the others are
// written where they differ, "0" cancelling an inherited one.
func TestFormatTimeouts(t *testing.T) {
	mk := func(name string, client time.Duration) *proxy.Frontend {
		return &proxy.Frontend{Name: name, Binds: []string{"127.0.0.1:1"}, Timeouts: proxy.Timeouts{Client: client}, ACLs: acl.NewSet()}
	}
	cfg := &proxy.Config{Frontends: []*proxy.Frontend{mk("a", 10*time.Second), mk("b", 10*time.Second), mk("c", 0), mk("d", 1500*time.Millisecond)}}
	out := string(Format(cfg))
	for _, want := range []string{"defaults\n    timeout client 10s\n", "frontend c\n    mode http\n    bind 127.0.0.1:1\n    timeout client 0\n",
		"frontend d\n    mode http\n    bind 127.0.0.1:1\n    timeout client 1500ms\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("Format lacks %q:\n%s", want, out)
		}
	}
	f := mustParse(t, "t.cfg", []byte(out))
	if a, b := dumpConfig(cfg), dumpConfig(f.Config); a != b {
		t.Fatalf("round trip:\n%s\n%s", a, b)
	}
}

func TestFormatTime(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0", 1500 * time.Millisecond: "1500ms", 2 * time.Second: "2s", 90 * time.Second: "90s",
		5 * time.Minute: "5m", 2 * time.Hour: "2h", 48 * time.Hour: "2d", 1500 * time.Microsecond: "2ms", time.Microsecond: "1ms",
	} {
		if got := formatTime(d); got != want {
			t.Errorf("formatTime(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0": 0, "5000": 5 * time.Second, "5000ms": 5 * time.Second, "5s": 5 * time.Second, "1m": time.Minute,
		"2h": 2 * time.Hour, "1d": 24 * time.Hour, "1500us": 2 * time.Millisecond, "1us": time.Millisecond,
		"2147483647": 2147483647 * time.Millisecond, "24d": 24 * 24 * time.Hour,
	} {
		d, trailing, err := parseTime(in)
		if err != nil || trailing != 0 || d != want {
			t.Errorf("parseTime(%q) = %v, %q, %+v; want %v", in, d, trailing, err, want)
		}
	}
	if _, trailing, err := parseTime("5msx"); err != nil || trailing != 'x' {
		t.Errorf("parseTime(5msx): trailing %q err %+v, want a trailing 'x' warning", trailing, err)
	}
	for _, in := range []string{"", "x", "5x", "5u", "2147483648", "25d", "99999999999999999999999"} {
		if _, _, err := parseTime(in); err == nil {
			t.Errorf("parseTime(%q): no error", in)
		}
	}
}

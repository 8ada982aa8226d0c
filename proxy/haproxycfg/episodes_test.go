package haproxycfg

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// episodesDir holds the project's copies of the episodes' haproxy.cfg
// files, so that the tests run without ../shared; TestEpisodeCopiesUpToDate
// keeps them equal to the originals.
const episodesDir = "testdata/episodes"

func episodePath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(episodesDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The copies must follow the episode configs they come from, which CI has
// beside the repository (../shared); elsewhere the comparison is skipped
// unless LBLAB_REQUIRE_SHARED=1.
func TestEpisodeCopiesUpToDate(t *testing.T) {
	origs, _ := filepath.Glob("../../../shared/episodes/configs/*.cfg")
	if len(origs) == 0 {
		if os.Getenv("LBLAB_REQUIRE_SHARED") == "1" {
			t.Fatal("../shared/episodes/configs is not beside the repository")
		}
		t.Skip("../shared/episodes/configs is not beside the repository; set LBLAB_REQUIRE_SHARED=1 to fail instead")
	}
	copies, _ := filepath.Glob(filepath.Join(episodesDir, "*.cfg"))
	if len(copies) != len(origs) {
		t.Errorf("%d copies in %s for %d episode configs", len(copies), episodesDir, len(origs))
	}
	for _, o := range origs {
		orig, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := os.ReadFile(filepath.Join(episodesDir, filepath.Base(o)))
		if err != nil {
			t.Errorf("no copy of %s: %v", filepath.Base(o), err)
			continue
		}
		if string(orig) != string(cp) {
			t.Errorf("%s/%s differs from the episode's: copy it again", episodesDir, filepath.Base(o))
		}
	}
}

func parseEpisode(t *testing.T, name string) *File {
	t.Helper()
	f, err := ParseFile(episodePath(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, w := range f.Warnings {
		t.Errorf("%s: unexpected warning %s (HAProxy 2.6 prints none for the episodes)", name, w)
	}
	return f
}

// wantServer is what a test expects of one server line.
type wantServer struct {
	name, addr string
	weight     int
	check      bool
}

func checkServers(t *testing.T, be *proxy.Backend, want []wantServer) {
	t.Helper()
	if len(be.Servers) != len(want) {
		t.Fatalf("backend %s: %d servers, want %d", be.Name, len(be.Servers), len(want))
	}
	for k, w := range want {
		s := be.Servers[k]
		if s.Name != w.name || s.Addr != w.addr || s.Weight != w.weight || s.Check != w.check {
			t.Errorf("backend %s server %d = %s %s weight %d check %v, want %s %s weight %d check %v",
				be.Name, k, s.Name, s.Addr, s.Weight, s.Check, w.name, w.addr, w.weight, w.check)
		}
		if s.Inter != 2*time.Second || s.FastInter != 2*time.Second || s.DownInter != 2*time.Second ||
			s.Rise != 2 || s.Fall != 3 || s.ID != 0 || s.Backup || s.Disabled || s.MaxConn != 0 || s.MaxQueue != 0 {
			t.Errorf("backend %s server %s: HAProxy's defaults expected, got %+v", be.Name, s.Name, *s)
		}
	}
}

var episodeTimeouts = struct{ fe, be proxy.Timeouts }{
	fe: proxy.Timeouts{Client: 50 * time.Second},
	be: proxy.Timeouts{Connect: 5 * time.Second, Server: 50 * time.Second},
}

func checkFrontend(t *testing.T, fe *proxy.Frontend, name string, mode proxy.Mode, bind, def string, httplog, dontlognull bool) {
	t.Helper()
	if fe.Name != name || fe.Mode != mode || len(fe.Binds) != 1 || fe.Binds[0] != bind || fe.DefaultBackend != def {
		t.Errorf("frontend = %s %s %q default %q, want %s %s [%s] default %q", fe.Name, fe.Mode, fe.Binds, fe.DefaultBackend, name, mode, bind, def)
	}
	if fe.Timeouts != episodeTimeouts.fe {
		t.Errorf("frontend %s timeouts %+v, want %+v", name, fe.Timeouts, episodeTimeouts.fe)
	}
	if fe.HTTPLog != httplog || fe.DontLogNull != dontlognull || fe.ForwardFor || fe.MaxConn != 0 {
		t.Errorf("frontend %s httplog=%v dontlognull=%v forwardfor=%v maxconn=%d, want httplog=%v dontlognull=%v",
			name, fe.HTTPLog, fe.DontLogNull, fe.ForwardFor, fe.MaxConn, httplog, dontlognull)
	}
}

func checkBackend(t *testing.T, be *proxy.Backend, name string, mode proxy.Mode, bal balance.Spec) {
	t.Helper()
	if be.Name != name || be.Mode != mode || be.Balance != bal {
		t.Errorf("backend = %s %s %+v, want %s %s %+v", be.Name, be.Mode, be.Balance, name, mode, bal)
	}
	if be.Timeouts != episodeTimeouts.be || be.Retries != 3 || be.Redispatch != 0 || be.ForwardFor || be.HTTPCheck != nil {
		t.Errorf("backend %s: timeouts %+v retries %d redispatch %d forwardfor %v httpchk %v; want the episodes' timeouts and HAProxy's defaults",
			name, be.Timeouts, be.Retries, be.Redispatch, be.ForwardFor, be.HTTPCheck)
	}
}

func TestEpisodeTCP(t *testing.T) {
	cfg := parseEpisode(t, "ep02-tcp.cfg").Config
	if cfg.MaxConn != 4096 || len(cfg.Frontends) != 1 || len(cfg.Backends) != 1 {
		t.Fatalf("maxconn %d, %d frontends, %d backends", cfg.MaxConn, len(cfg.Frontends), len(cfg.Backends))
	}
	fe := cfg.Frontends[0]
	checkFrontend(t, fe, "tcp_front", proxy.TCP, "*:4000", "flask_backend", false, false)
	if !fe.TCPLog {
		t.Error("option tcplog from the defaults section was not inherited")
	}
	checkBackend(t, cfg.Backends[0], "flask_backend", proxy.TCP, balance.Spec{Algo: balance.RoundRobin})
	checkServers(t, cfg.Backends[0], []wantServer{{"flask1", "app:5000", 1, true}})
}

func TestEpisodeACLExamples(t *testing.T) {
	cfg := parseEpisode(t, "ep04-acl-examples.cfg").Config
	if len(cfg.Frontends) != 1 || len(cfg.Backends) != 4 {
		t.Fatalf("%d frontends, %d backends", len(cfg.Frontends), len(cfg.Backends))
	}
	fe := cfg.Frontends[0]
	checkFrontend(t, fe, "http_front", proxy.HTTP, "*:80", "dynamic_backend", false, false)
	wantACLs := []string{
		"acl is_static path_beg /static",
		"acl block_ip src 127.66.0.0/16",
		"acl is_post_method method POST",
		"acl is_mobile_user_agent req.hdr(User-Agent) -i -m sub Mobile",
		"acl is_admin_path path_beg /admin",
		"acl is_internal_network src 127.0.0.0/24",
	}
	if got := fe.ACLs.Lines(); !equalStrings(got, wantACLs) {
		t.Errorf("ACL lines:\n%q\nwant\n%q", got, wantACLs)
	}
	wantHTTP := []string{"http-request deny if block_ip", "http-request deny if is_admin_path !is_internal_network"}
	if len(fe.HTTPRules) != 2 {
		t.Fatalf("%d http-request rules, want 2", len(fe.HTTPRules))
	}
	for k, r := range fe.HTTPRules {
		if r.Action != proxy.Deny || r.DenyStatus != 0 || r.Cond == nil || r.Text != wantHTTP[k] {
			t.Errorf("http-request rule %d = %+v (text %q), want deny %q", k, r, r.Text, wantHTTP[k])
		}
	}
	wantUse := []struct{ be, cond string }{
		{"static_backend", "if is_static"}, {"post_backend", "if is_post_method"}, {"mobile_backend", "if is_mobile_user_agent"}}
	if len(fe.UseBackends) != len(wantUse) {
		t.Fatalf("%d use_backend rules, want %d", len(fe.UseBackends), len(wantUse))
	}
	for k, u := range fe.UseBackends {
		if u.Backend != wantUse[k].be || u.Cond == nil || u.Cond.String() != wantUse[k].cond {
			t.Errorf("use_backend %d = %s %v, want %s %s", k, u.Backend, condText(u.Cond), wantUse[k].be, wantUse[k].cond)
		}
	}
	if len(fe.TCPConnRules) != 0 {
		t.Errorf("unexpected tcp-request rules %+v", fe.TCPConnRules)
	}
	names := []string{"static_backend", "post_backend", "mobile_backend", "dynamic_backend"}
	servers := []wantServer{{"static1", "app1:5001", 1, true}, {"post1", "app2:5002", 1, true},
		{"mobile1", "app3:5003", 1, true}, {"dynamic1", "app4:5004", 1, true}}
	for k, be := range cfg.Backends {
		checkBackend(t, be, names[k], proxy.HTTP, balance.Spec{Algo: balance.RoundRobin})
		checkServers(t, be, servers[k:k+1])
	}
}

func TestEpisodeACLSubmit(t *testing.T) {
	cfg := parseEpisode(t, "ep04-acl-submit.cfg").Config
	fe := cfg.Frontends[0]
	checkFrontend(t, fe, "http_front", proxy.HTTP, "*:80", "general_backend", false, false)
	if len(fe.UseBackends) != 1 || fe.UseBackends[0].Backend != "post_backend" ||
		condText(fe.UseBackends[0].Cond) != "if is_post_method is_submit_path" {
		t.Errorf("use_backend rules %+v", fe.UseBackends)
	}
	checkBackend(t, cfg.Backends[0], "post_backend", proxy.HTTP, balance.Spec{})
	checkServers(t, cfg.Backends[0], []wantServer{{"app2", "app2:5004", 1, true}})
	checkBackend(t, cfg.Backends[1], "general_backend", proxy.HTTP, balance.Spec{})
	checkServers(t, cfg.Backends[1], []wantServer{{"app1", "app1:5003", 1, true}})
}

func TestEpisodeAlgorithms(t *testing.T) {
	trio := func(w1, w2, w3 int) []wantServer {
		return []wantServer{{"server1", "app1:5001", w1, true}, {"server2", "app2:5002", w2, true}, {"server3", "app3:5003", w3, true}}
	}
	consistent := balance.HashType{Consistent: true, Avalanche: true}
	for _, tc := range []struct {
		file    string
		balance balance.Spec
		servers []wantServer
	}{
		{"ep06-leastconn.cfg", balance.Spec{Algo: balance.LeastConn}, trio(1, 1, 1)},
		{"ep09-weighted-rr.cfg", balance.Spec{Algo: balance.RoundRobin}, trio(2, 1, 3)},
		{"source-hash.cfg", balance.Spec{Algo: balance.Source, Hash: consistent}, trio(1, 1, 1)},
		{"uri-hash.cfg", balance.Spec{Algo: balance.URI, Hash: consistent}, trio(1, 1, 1)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			cfg := parseEpisode(t, tc.file).Config
			if len(cfg.Frontends) != 1 || len(cfg.Backends) != 1 {
				t.Fatalf("%d frontends, %d backends", len(cfg.Frontends), len(cfg.Backends))
			}
			checkFrontend(t, cfg.Frontends[0], "http_front", proxy.HTTP, "*:80", "servers", true, true)
			checkBackend(t, cfg.Backends[0], "servers", proxy.HTTP, tc.balance)
			checkServers(t, cfg.Backends[0], tc.servers)
		})
	}
}

// Where points at the lines the episode wrote.
func TestEpisodeWhere(t *testing.T) {
	f := parseEpisode(t, "ep09-weighted-rr.cfg")
	cfg := f.Config
	fe, be := cfg.Frontends[0], cfg.Backends[0]
	for _, tc := range []struct {
		x         any
		line, col int
		msg       string
	}{
		{fe, 13, 1, "frontend 'http_front'"},
		{BindRef{fe, 0}, 14, 10, "bind '*:80'"},
		{be, 17, 1, "backend 'servers'"},
		{be.Servers[0], 19, 5, "server 'server1'"},
		{be.Servers[2], 21, 5, "server 'server3'"},
	} {
		d := f.Where(tc.x)
		if d.Line != tc.line || d.Col != tc.col || d.Msg != tc.msg || d.File != episodePath(t, "ep09-weighted-rr.cfg") {
			t.Errorf("Where(%T) = %+v, want line %d col %d %q", tc.x, d, tc.line, tc.col, tc.msg)
		}
	}
	if d := f.Where(BindRef{fe, 1}); d != (Diag{}) {
		t.Errorf("Where of a missing bind = %+v, want the zero Diag", d)
	}
	if d := f.Where(proxy.NewServer("x", "y:1")); d != (Diag{}) {
		t.Errorf("Where of a foreign server = %+v, want the zero Diag", d)
	}
	acl := parseEpisode(t, "ep04-acl-examples.cfg")
	afe := acl.Config.Frontends[0]
	if d := acl.Where(&afe.HTTPRules[1]); d.Line != 18 || d.Msg != "http-request deny if is_admin_path !is_internal_network" {
		t.Errorf("Where(http rule) = %+v", d)
	}
	if d := acl.Where(&afe.UseBackends[2]); d.Line != 21 || d.Col != 5 {
		t.Errorf("Where(use_backend) = %+v", d)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

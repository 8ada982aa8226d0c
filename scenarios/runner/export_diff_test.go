package runner

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy/haproxycfg"
	"github.com/lblab/lblab/proxy/haproxytest"
	"github.com/lblab/lblab/scenarios"
)

// TestExportDifferential puts a built-in scenario's lab behind real
// HAProxy, as "lblab export" writes it (the lab's config with the apps'
// addresses), sends the same traffic through lblab's proxy and through
// HAProxy, and requires the same answers: the same app for each request in
// the same order (weighted round robin), for each client (source hash), for
// each URI (uri hash), and the same backend or deny for each request (Ep 4's
// ACLs).
func TestExportDifferential(t *testing.T) {
	haproxytest.Path(t)
	cases := []struct {
		scenario, variant string
		traffic           traffic.Config
		key               func(traffic.Result) string // what must get the same answer
		ordered           bool                        // compare the sequence, not only the mapping
	}{
		{scenario: "ep09-weighted-rr", ordered: true,
			traffic: traffic.Config{Requests: 60, Groups: []traffic.Group{{Clients: 1}},
				Mix: []traffic.Entry{{Path: "/"}, {Path: "/data"}}},
			key: func(r traffic.Result) string { return r.Path }},
		{scenario: "source-hash", variant: "consistent",
			traffic: traffic.Config{Requests: 240, Groups: []traffic.Group{{Clients: 60}}},
			key:     func(r traffic.Result) string { return r.Client.String() }},
		{scenario: "source-hash", variant: "map-based",
			traffic: traffic.Config{Requests: 240, Groups: []traffic.Group{{Clients: 60}}},
			key:     func(r traffic.Result) string { return r.Client.String() }},
		{scenario: "uri-hash",
			traffic: traffic.Config{Requests: 200, Groups: []traffic.Group{{Clients: 4}},
				Mix: uriMix("/video/a.mp4?user=1", "/video/a.mp4?user=2", "/video/b.mp4", "/docs/guide/intro.html",
					"/docs/api/ref.html", "/images/logo.png", "/", "/data", "/x/y/z?q=1", "/x/y/w")},
			key: func(r traffic.Result) string { return r.Path }},
		{scenario: "ep04-acl", variant: "examples",
			traffic: traffic.Config{Requests: 300, Groups: []traffic.Group{
				{Name: "internal", Prefix: netip.MustParsePrefix("127.0.0.0/24"), Clients: 2},
				{Name: "public", Prefix: netip.MustParsePrefix("127.1.0.0/16"), Clients: 2},
				{Name: "malicious", Prefix: netip.MustParsePrefix("127.66.0.0/16"), Clients: 2}},
				Mix: []traffic.Entry{{Path: "/static/a.css"}, {Method: "POST", Path: "/submit", Body: "a=b"},
					{Path: "/?m", Headers: []traffic.Header{{Name: "User-Agent", Value: "x Mobile y"}}},
					{Path: "/?d", Headers: []traffic.Header{{Name: "User-Agent", Value: "desktop"}}},
					{Path: "/admin"}, {Path: "/Static/a.css"}, {Path: "//admin"}, {Method: "post", Path: "/submit"}}},
			key: func(r traffic.Result) string { return r.Group + " " + r.Method + " " + r.Path }},
		{scenario: "ep04-acl", variant: "flask-submit",
			traffic: traffic.Config{Requests: 100, Groups: []traffic.Group{{Clients: 2}},
				Mix: []traffic.Entry{{Method: "POST", Path: "/submit", Body: "a=b"}, {Path: "/submit"}, {Method: "POST", Path: "/"}, {Path: "/"}}},
			key: func(r traffic.Result) string { return r.Method + " " + r.Path }},
	}
	for _, c := range cases {
		t.Run(c.scenario+"/"+c.variant, func(t *testing.T) {
			sc, err := scenarios.Builtin(c.scenario)
			if err != nil {
				t.Fatal(err)
			}
			v := sc.Variants[0]
			if c.variant != "" {
				v = sc.Variant(c.variant)
			}
			o, err := sc.LabOptions(v)
			if err != nil {
				t.Fatal(err)
			}
			o.Listen = DefaultListen
			l, err := lab.New(o)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Start(); err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			cfg := l.ExportConfig()
			cfg.Frontends[0].Binds[0] = haproxytest.FreeAddr(t)
			haproxytest.Start(t, string(haproxycfg.Format(cfg)))
			ours := send(t, l.Addr(), c.traffic)
			theirs := send(t, cfg.Frontends[0].Binds[0], c.traffic)
			compare(t, ours, theirs, c.key, c.ordered)
		})
	}
}

func uriMix(paths ...string) []traffic.Entry {
	var out []traffic.Entry
	for _, p := range paths {
		out = append(out, traffic.Entry{Path: p})
	}
	return out
}

// send runs the traffic against target (real time, the apps answer at
// once) and returns every result, in the order they finished.
func send(t *testing.T, target string, tc traffic.Config) []traffic.Result {
	t.Helper()
	var mu sync.Mutex
	var out []traffic.Result
	tc.Target, tc.Seed = target, 7
	if len(tc.Groups) > 1 || tc.Groups[0].Clients > 1 {
		// an open loop hands arrivals to the clients in turn, so both runs
		// send the same requests from the same clients; a closed loop
		// would let the fastest clients (denied ones) send the most
		tc.Rate = 500
	}
	tc.Timeout = 10 * time.Second
	tc.OnResult = func(r traffic.Result) {
		mu.Lock()
		out = append(out, r)
		mu.Unlock()
	}
	g, err := traffic.New(tc)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-g.Done():
	case <-time.After(60 * time.Second):
		g.Stop()
		t.Fatalf("traffic to %s did not finish", target)
	}
	mu.Lock()
	defer mu.Unlock()
	return out
}

// answer is what a request got: who answered, with which status.
func answer(r traffic.Result) string {
	if r.Err != "" {
		return "failed: " + r.Err
	}
	return fmt.Sprintf("%d %s", r.Status, r.App)
}

func compare(t *testing.T, ours, theirs []traffic.Result, key func(traffic.Result) string, ordered bool) {
	t.Helper()
	if len(ours) != len(theirs) || len(ours) == 0 {
		t.Fatalf("lblab answered %d requests, HAProxy %d", len(ours), len(theirs))
	}
	if ordered {
		apps := map[string]int{}
		for i := range ours {
			a, b := answer(ours[i]), answer(theirs[i])
			if a != b || key(ours[i]) != key(theirs[i]) {
				t.Fatalf("request %d: lblab %s %q, HAProxy %s %q", i+1, key(ours[i]), a, key(theirs[i]), b)
			}
			apps[a]++
		}
		t.Logf("%d requests in the same order through lblab and HAProxy: %v", len(ours), apps)
		return
	}
	m1, m2 := mapping(t, "lblab", ours, key), mapping(t, "HAProxy", theirs, key)
	if len(m1) < 2 {
		t.Fatalf("only %d keys: the traffic does not exercise the config", len(m1))
	}
	var diffs []string
	for k, a := range m1 {
		if b := m2[k]; a != b {
			diffs = append(diffs, fmt.Sprintf("%s: lblab %q, HAProxy %q", k, a, b))
		}
	}
	for k, b := range m2 {
		if _, ok := m1[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: lblab never, HAProxy %q", k, b))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("%d of %d keys differ:\n%s", len(diffs), len(m1), strings.Join(diffs, "\n"))
	}
	apps := map[string]bool{}
	for _, a := range m1 {
		apps[a] = true
	}
	t.Logf("%d keys, %d distinct answers, all the same through lblab and HAProxy", len(m1), len(apps))
}

// mapping gives each key its one answer; a key answered two ways fails.
func mapping(t *testing.T, who string, rs []traffic.Result, key func(traffic.Result) string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range rs {
		k, a := key(r), answer(r)
		if prev, ok := out[k]; ok && prev != a {
			t.Fatalf("%s answered %s both %q and %q", who, k, prev, a)
		}
		out[k] = a
	}
	return out
}

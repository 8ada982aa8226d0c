package haproxycfg

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// roundTripSources are the episode configs and the corpus cases both
// HAProxy and lblab accept.
func roundTripSources(t *testing.T) map[string][]byte {
	t.Helper()
	srcs := map[string][]byte{}
	eps, _ := filepath.Glob(filepath.Join(filepath.Dir(episodePath(t, "ep02-tcp.cfg")), "*.cfg"))
	if len(eps) < 7 {
		t.Fatalf("found %d episode configs, want 7", len(eps))
	}
	for _, p := range eps {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs["episode-"+filepath.Base(p)] = b
	}
	for _, c := range loadCorpus(t) {
		if c.valid && c.deviation == "" {
			srcs["corpus-"+c.name] = c.src
		}
	}
	return srcs
}

// loopbackServers points servers whose host is a name (the episodes' app1,
// which only resolves inside docker-compose) at 127.0.0.1, keeping the port,
// so that haproxy -c can resolve every address.
func loopbackServers(cfg *proxy.Config) {
	for _, be := range cfg.Backends {
		for _, s := range be.Servers {
			host, port, _ := splitHostPort(s.Addr)
			if _, err := netip.ParseAddr(host); err != nil {
				s.Addr = "127.0.0.1:" + port
			}
		}
	}
}

// Parse -> Format -> Parse gives the same Config.
func TestRoundTrip(t *testing.T) {
	for name, src := range roundTripSources(t) {
		t.Run(name, func(t *testing.T) {
			first := mustParse(t, name, src)
			out := Format(first.Config)
			second, err := Parse("formatted.cfg", out)
			if err != nil {
				t.Fatalf("Format's output does not parse: %v\n%s", err, out)
			}
			if a, b := dumpConfig(first.Config), dumpConfig(second.Config); a != b {
				t.Fatalf("round trip changed the config:\n--- parsed\n%s--- after Format and Parse\n%s--- formatted\n%s", a, b, out)
			}
		})
	}
}

// Format's output is accepted by the real haproxy, which warns about exactly
// what Parse warns about, and parses back to the same Config.
func TestRoundTripHAProxy(t *testing.T) {
	bin := haproxytest.Path(t)
	dir := t.TempDir()
	for name, src := range roundTripSources(t) {
		t.Run(name, func(t *testing.T) {
			cfg := mustParse(t, name, src).Config
			loopbackServers(cfg)
			out := Format(cfg)
			path := filepath.Join(dir, name+".cfg")
			if err := os.WriteFile(path, out, 0o600); err != nil {
				t.Fatal(err)
			}
			accepted, haWarns, alerts, raw := runHAProxyCheck(t, bin, path)
			if !accepted {
				t.Fatalf("haproxy -c rejected Format's output: %s\n%s\n--- formatted\n%s", strings.Join(alerts, "\n"), raw, out)
			}
			again := mustParse(t, path, out)
			compareWarnings(t, haWarns, again.Warnings, raw)
			if a, b := dumpConfig(cfg), dumpConfig(again.Config); a != b {
				t.Fatalf("round trip changed the config:\n--- before\n%s--- after\n%s", a, b)
			}
		})
	}
}

package scenarios

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lblab/lblab/scenarios/scenario"
)

// episodeConfigs is which episode config each built-in variant carries,
// verbatim (proxy/haproxycfg/testdata/episodes holds the project's copies).
var episodeConfigs = map[string]map[string]string{
	"compare":          {"*": "ep06-leastconn.cfg"},
	"ep02-tcp-proxy":   {"*": "ep02-tcp.cfg"},
	"ep04-acl":         {"examples": "ep04-acl-examples.cfg", "flask-submit": "ep04-acl-submit.cfg"},
	"ep06-leastconn":   {"*": "ep06-leastconn.cfg"},
	"ep09-weighted-rr": {"*": "ep09-weighted-rr.cfg"},
	"source-hash":      {"*": "source-hash.cfg"},
	"uri-hash":         {"*": "uri-hash.cfg"},
}

func TestBuiltinsParse(t *testing.T) {
	list := Builtins()
	if len(list) != len(episodeConfigs) {
		t.Fatalf("%d built-ins, want %d: %+v", len(list), len(episodeConfigs), list)
	}
	for _, info := range list {
		t.Run(info.Name, func(t *testing.T) {
			sc, err := Builtin(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Name != info.Name || sc.Title != info.Title || strings.HasPrefix(info.Title, "(broken") {
				t.Fatalf("name %q title %q, listed as %+v", sc.Name, sc.Title, info)
			}
			if len(sc.Notes) < 200 {
				t.Errorf("teaching notes of %d bytes: too short to teach", len(sc.Notes))
			}
			if len(sc.Expect) < 3 {
				t.Errorf("%d expectations: a built-in asserts its episode's lesson", len(sc.Expect))
			}
			if sc.Speed <= 0 {
				t.Error("no speed: a built-in says how fast lblab run plays it")
			}
			if len(sc.Warnings) > 0 {
				t.Errorf("warnings: %v", sc.Warnings)
			}
			want := episodeConfigs[info.Name]
			for _, v := range sc.Variants {
				name := want[v.Name]
				if name == "" {
					name = want["*"]
				}
				cfg, err := os.ReadFile("../proxy/haproxycfg/testdata/episodes/" + name)
				if err != nil {
					t.Fatal(err)
				}
				if v.Config != string(cfg) {
					t.Errorf("variant %s: the config is not %s verbatim:\n%s", v.Name, name, v.Config)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	sc, err := Load("ep06-leastconn")
	if err != nil || sc.Name != "ep06-leastconn" {
		t.Fatalf("Load built-in: %v", err)
	}
	_, err = Load("ep07")
	var ue *UnknownError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "ep06-leastconn") {
		t.Fatalf("unknown name: want an UnknownError listing the built-ins, got %v", err)
	}
	_, err = Load("missing/dir/x.yaml")
	if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("missing file: got %v", err)
	}
	dir := t.TempDir()
	p := dir + "/bad.yaml"
	if err := os.WriteFile(p, []byte("name: x\ntitle: t\nphases: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p)
	var es scenario.Errors
	if !errors.As(err, &es) || !strings.Contains(err.Error(), p+":3:9:") {
		t.Fatalf("bad file: want positioned errors, got %v", err)
	}
}

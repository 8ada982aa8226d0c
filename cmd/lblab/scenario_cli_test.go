package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy/haproxytest"
	"github.com/lblab/lblab/scenarios"
)

// The scenario commands (run, check, export, scenarios), tested through the
// built binary: exit statuses 0, 1 and 2, and what they print.

func (r result) want(t *testing.T, code int, inStdout, inStderr []string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range inStdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	for _, s := range inStderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScenariosListsTheBuiltins(t *testing.T) {
	r := runIn(t, "", "scenarios")
	var names []string
	for _, s := range scenarios.Builtins() {
		names = append(names, s.Name+"  ")
	}
	r.want(t, 0, append(names, "Ep 6: leastconn"), nil)
	runIn(t, "", "scenarios", "extra").want(t, 2, nil, []string{`unexpected argument "extra"`})
}

func TestRunBadInputExitsTwo(t *testing.T) {
	dir := t.TempDir()
	builtins := "compare, ep02-tcp-proxy, ep04-acl, ep06-leastconn, ep09-weighted-rr, source-hash, uri-hash"
	runIn(t, dir, "run").want(t, 2, nil, []string{"run: name at least one scenario: a built-in (" + builtins + ")"})
	runIn(t, dir, "run", "ep07-nope").want(t, 2, nil, []string{`no scenario "ep07-nope": expected a built-in (` + builtins + ")"})
	runIn(t, dir, "run", "--format", "xml", "ep09-weighted-rr").want(t, 2, nil, []string{`--format "xml": want text, json or markdown`})
	runIn(t, dir, "run", "--speed", "-3", "ep09-weighted-rr").want(t, 2, nil, []string{"--speed -3"})
	runIn(t, dir, "run", "--bogus", "ep09-weighted-rr").want(t, 2, nil, []string{"flag provided but not defined: -bogus"})
	bad := writeFile(t, dir, "bad.yaml", "name: bad\ntitle: t\nphases:\n  - name: a\n    duraton: 5s\n")
	r := runIn(t, dir, "run", bad)
	r.want(t, 2, nil, []string{bad + ":5:5: unknown key \"duraton\" in a phase; expected one of: name, duration"})
	if r.stdout != "" {
		t.Fatalf("a bad file must run nothing, got a report:\n%s", r.stdout)
	}
	// a bad scenario among good ones: nothing runs
	r = runIn(t, dir, "run", "ep09-weighted-rr", bad)
	r.want(t, 2, nil, []string{bad + ":5:5:"})
	if strings.Contains(r.stderr, "PASS") || r.stdout != "" {
		t.Fatalf("nothing may run before every scenario is read:\n%s%s", r.stdout, r.stderr)
	}
}

func TestRunPassesAndReports(t *testing.T) {
	dir := t.TempDir()
	r := runIn(t, dir, "run", "ep09-weighted-rr", "--speed", "50")
	r.want(t, 0, []string{"ep09-weighted-rr — Ep 9", "PASS: 8 of 8 expectations met, at x50 lab speed",
		"PASS  on / the picks follow HAProxy's 2:1:3 cycle exactly", "backend servers (balance roundrobin"},
		[]string{"ep09-weighted-rr: PASS, 8 of 8 expectations met", "phase home"})
	out := filepath.Join(dir, "report.json")
	runIn(t, dir, "run", "--format", "json", "--out", out, "ep09-weighted-rr").want(t, 0, nil, nil)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var reps []struct {
		Schema   string `json:"schema"`
		Scenario string `json:"scenario"`
		Passed   bool   `json:"passed"`
		Checks   []struct {
			Pass bool `json:"pass"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(b, &reps); err != nil {
		t.Fatalf("--format json: %v\n%s", err, b)
	}
	if len(reps) != 1 || reps[0].Schema != "lblab.report/v1" || !reps[0].Passed || len(reps[0].Checks) != 8 {
		t.Fatalf("JSON report: %+v", reps)
	}
	md := runIn(t, dir, "run", "--format", "markdown", "ep09-weighted-rr")
	md.want(t, 0, []string{"## ep09-weighted-rr — Ep 9", "| ✅ | on / the picks follow"}, nil)
}

// TestRunFailedExpectationExitsOne: a scenario whose expectation cannot
// hold fails with exit 1 and says what was measured.
func TestRunFailedExpectationExitsOne(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "wrong.yaml", `name: wrong
title: the default lab is not sticky
speed: 50
phases:
  - {name: a, requests: 30, clients: 3}
expect:
  - name: roundrobin keeps a client on one server (it does not)
    sticky: client
    min: 1.0
  - name: a third each
    share: server1
    min: 0.3
    max: 0.37
`)
	r := runIn(t, dir, "run", p)
	r.want(t, 1, []string{"FAIL: 1 of 2 expectations met", "FAIL  roundrobin keeps a client on one server (it does not)",
		"measured 0%, expected >= 100% (0 of 3 clients with 2 requests or more", "PASS  a third each"},
		[]string{"wrong: FAIL, 1 of 2 expectations met", "1 of 1 scenarios failed an expectation"})
}

func TestCheckConfigAndScenario(t *testing.T) {
	dir := t.TempDir()
	cfg, err := os.ReadFile("../../proxy/haproxycfg/testdata/episodes/ep04-acl-submit.cfg")
	if err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, dir, "haproxy.cfg", string(cfg))
	runIn(t, dir, "check", p).want(t, 0, []string{
		"a valid haproxy.cfg", "note: frontend http_front: bind *:80 runs on 127.0.0.1:8080",
		"use_backend post_backend if is_post_method is_submit_path",
		"server app2 weight 1, health-checked: in-process app app2 on 127.0.0.1:5004",
		"server app1 weight 1, health-checked: in-process app app1 on 127.0.0.1:5003"}, nil)
	// the content decides when the name does not
	p = writeFile(t, dir, "lab-config", string(cfg))
	runIn(t, dir, "check", p).want(t, 0, []string{"a valid haproxy.cfg"}, nil)

	bad := writeFile(t, dir, "bad.cfg", "frontend f\n    bind :8080\n    default_backend b\nbackend b\n    balance leastconnn\n")
	runIn(t, dir, "check", bad).want(t, 2, nil, []string{bad + ":5:13:"})

	runIn(t, dir, "check", "ep06-leastconn").want(t, 0, []string{"builtin/ep06-leastconn.yaml: a valid scenario",
		"in-process app app1 on 127.0.0.1:5001 (profile flask, answers after 5s)", "phases:", "roundrobin: 4 requests/s",
		"timeline:", "leastconn+0s  balance leastconn", "expectations (7):"}, nil)
	s := writeFile(t, dir, "s.yaml", "name: s\ntitle: t\nphases: [{name: a, duration: 1s}]\nexpect:\n  - share: server9\n    min: 0.1\n")
	runIn(t, dir, "check", s).want(t, 2, nil, []string{s + ":5:12: found server \"server9\"; expected one of the config's servers: server1, server2, server3"})
	runIn(t, dir, "check").want(t, 2, nil, []string{"check: name one file"})
	runIn(t, dir, "check", filepath.Join(dir, "none.cfg")).want(t, 2, nil, []string{"no such file or directory"})
}

// TestExportPassesHAProxyCheck: what export prints, real HAProxy 2.6
// accepts, for every episode config and every built-in scenario.
func TestExportPassesHAProxyCheck(t *testing.T) {
	bin := haproxytest.Path(t)
	dir := t.TempDir()
	var args [][]string
	configs, _ := filepath.Glob("../../proxy/haproxycfg/testdata/episodes/*.cfg")
	if len(configs) != 7 {
		t.Fatalf("%d episode configs", len(configs))
	}
	for _, c := range configs {
		abs, _ := filepath.Abs(c)
		args = append(args, []string{"export", "--config", abs})
	}
	for _, s := range scenarios.Builtins() {
		args = append(args, []string{"export", "--scenario", s.Name, "--listen", "127.0.0.1:18181"})
	}
	args = append(args, []string{"export", "--algo", "uri whole", "--hash-type", "consistent", "--weights", "2,1,3"})
	for i, a := range args {
		r := runIn(t, dir, a...)
		r.want(t, 0, []string{"# The lblab lab", "backend "}, nil)
		p := writeFile(t, dir, fmt.Sprintf("export%d.cfg", i), r.stdout)
		out, err := exec.Command(bin, "-c", "-f", p).CombinedOutput()
		if err != nil {
			t.Fatalf("lblab %s: haproxy -c rejects it: %v\n%s\n--- config ---\n%s", strings.Join(a, " "), err, out, r.stdout)
		}
	}
	r := runIn(t, dir, "export", "--scenario", "ep06-leastconn")
	for _, s := range []string{"balance leastconn", "server server1 127.0.0.1:5001 check", "bind 127.0.0.1:8080",
		"app1 on 127.0.0.1:5001, app2 on 127.0.0.1:5002, app3 on 127.0.0.1:5003"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("export lacks %q:\n%s", s, r.stdout)
		}
	}
	runIn(t, dir, "export", "--scenario", "nope").want(t, 2, nil, []string{`--scenario: no scenario "nope"`})
	runIn(t, dir, "export", "--scenario", "ep06-leastconn", "--config", "x.cfg").want(t, 2, nil, []string{"--config and --scenario: give one of them"})
}

// TestServeRunsAScenariosLab: serve takes --scenario for its lab.
func TestServeRunsAScenariosLab(t *testing.T) {
	r := runIn(t, "", "serve", "--scenario", "ep09-weighted-rr", "--listen", "127.0.0.1:0", "--rate", "30",
		"--duration", "2s", "--speed", "10")
	r.want(t, 0, []string{"ep09-weighted-rr:", "server3"}, nil)
}

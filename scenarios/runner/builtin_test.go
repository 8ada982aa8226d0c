package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/scenarios"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/scenarios/scenario"
)

// TestBuiltins runs every built-in scenario at its own speed, as "lblab
// run" does, and requires every expectation to be met. The bounds are
// about distributions, orders and lab-time latencies that a loaded machine
// cannot change (a slow machine makes lab latencies longer, and the
// bounds on short latencies are far above what a request takes).
func TestBuiltins(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the built-in scenarios take several seconds")
	}
	start := time.Now()
	for _, info := range scenarios.Builtins() {
		t.Run(info.Name, func(t *testing.T) {
			sc, err := scenarios.Builtin(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			// the callback keeps unguarded state, as lblab run's progress
			// bar does: Run must call it one call at a time (-race checks)
			calls := 0
			rep, err := Run(context.Background(), sc, Options{Progress: func(Progress) { calls++ }})
			if err != nil {
				t.Fatal(err)
			}
			if calls == 0 {
				t.Error("no progress was reported")
			}
			if !rep.Passed {
				var b bytes.Buffer
				_ = rep.Write(&b, report.Text)
				t.Fatalf("%d of %d expectations failed:\n%s", rep.Failed(), len(rep.Checks), b.String())
			}
			if len(rep.Checks) != len(applicable(sc)) {
				t.Fatalf("%d checks for %d expectations", len(rep.Checks), len(applicable(sc)))
			}
			for _, c := range rep.Checks {
				if c.Value == nil && c.Kind != string(scenario.KindSequence) {
					t.Errorf("check %q passed without a measured value", c.Name)
				}
			}
		})
	}
	t.Logf("every built-in scenario in %v", time.Since(start).Round(time.Millisecond))
}

// applicable lists the (expectation, variant) pairs a run checks.
func applicable(sc *scenario.Scenario) []string {
	var out []string
	for _, v := range sc.Variants {
		for _, e := range sc.Expect {
			if e.AppliesTo(v.Name) {
				out = append(out, v.Name+"/"+e.Name)
			}
		}
	}
	return out
}

// TestRunFailsWrongExpectation runs a real lab with expectations that
// cannot hold, and requires each to fail with what was really measured:
// the runner reads the lab, it does not echo the file.
func TestRunFailsWrongExpectation(t *testing.T) {
	cfg, err := os.ReadFile("../../proxy/haproxycfg/testdata/episodes/ep09-weighted-rr.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("name: wrong\ntitle: expectations that cannot hold\nspeed: 20\nconfig: |\n")
	for _, l := range strings.Split(strings.TrimRight(string(cfg), "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString(`phases:
  - {name: home, requests: 12, clients: 1}
expect:
  - name: a smooth-WRR order (nginx's), not HAProxy's
    sequence: [server3, server1, server2, server3, server1, server3]
    cycle: true
  - name: equal shares
    share: server3
    max: 0.34
  - name: right share
    share: server3
    min: 0.5
    max: 0.5
`)
	sc, err := scenario.Parse("wrong.yaml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed || rep.Failed() != 2 {
		t.Fatalf("want exactly the 2 wrong expectations failed, got %d: %+v", rep.Failed(), rep.Checks)
	}
	seqc, share, right := rep.Checks[0], rep.Checks[1], rep.Checks[2]
	if seqc.Pass || seqc.Detail != "pick 3 went to server3, expected server2" {
		t.Errorf("sequence: %+v", seqc)
	}
	if share.Pass || share.Measured != "50%" || share.Detail != "6 of 12 requests to backend servers" {
		t.Errorf("share: %+v", share)
	}
	if !right.Pass {
		t.Errorf("the right share must pass: %+v", right)
	}
	// the JSON form reads back to the same checks
	var out bytes.Buffer
	if err := rep.Write(&out, report.JSON); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Schema != report.Schema || back.Passed || len(back.Checks) != 3 || *back.Checks[1].Value != 0.5 {
		t.Fatalf("JSON round trip: %+v", back)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func ms(d float64) Duration { return Duration(d * float64(time.Millisecond)) }

func f64(v float64) *float64 { return &v }

// sample is a report made by hand, with every part a report can have: two
// variants (so the side-by-side table), two phases, rules, events, a series
// with a gap, passed and failed checks.
func sample() *Report {
	nan := math.NaN()
	phase := func(name string, start float64, s2 int64, p50 float64) Phase {
		return Phase{Name: name, Start: ms(start), Duration: ms(30000),
			Traffic: Traffic{Sent: 120, Answered: 119, Failed: 1, ByStatus: map[string]int64{"200": 110, "503": 9},
				ByReason: map[string]int64{"refused": 1}, P50: ms(p50), P99: ms(5020)},
			Frontends: []Frontend{{Name: "http_front", Requests: 119, Denied: 2,
				Rules: []Rule{{Text: "http-request deny if block_ip", Hits: 2}}}},
			Backends: []Backend{{Name: "servers", Mode: "http", Balance: "leastconn", HashType: "map-based", Total: 117,
				Servers: []Server{
					{Name: "server1", App: "app1", Requests: (117 - s2) / 2, Share: float64((117-s2)/2) / 117, P50: ms(5001), P99: ms(5010), MaxInFlight: 7},
					{Name: "server2", App: "app2", Requests: s2, Share: float64(s2) / 117, P50: ms(3), P99: ms(9), MaxInFlight: 1, Errors: 1},
					{Name: "server3", App: "app3", Requests: 117 - s2 - (117-s2)/2, Share: float64(117-s2-(117-s2)/2) / 117, P50: ms(5002), P99: ms(5011), MaxInFlight: 6},
				}}},
		}
	}
	series := Series{Backend: "servers", Step: ms(5000),
		Phases: []PhaseMark{{Name: "warm", At: 0}, {Name: "hot", At: ms(35000)}},
		Servers: []ServerLine{
			{Name: "server1", Share: Points{0.33, 0.34, 0.33, nan, 0.1, 0.05, 0.05}, InFlight: Points{6, 7, 7, 0, 1, 1, 1}},
			{Name: "server2", Share: Points{0.34, 0.33, 0.33, nan, 0.8, 0.9, 0.9}, InFlight: Points{1, 1, 0, 0, 1, 1, 0}},
			{Name: "server3", Share: Points{0.33, 0.33, 0.34, nan, 0.1, 0.05, 0.05}, InFlight: Points{6, 6, 7, 0, 1, 1, 1}},
		}}
	v := func(name, algo string, s2 int64, p50 float64) Variant {
		return Variant{Name: name, Algo: algo, LabTime: ms(70000), LabNotes: []string{"frontend http_front: bind *:80 runs on 127.0.0.1:0"},
			Phases: []Phase{phase("warm", 0, 39, 5010), phase("hot", 35000, s2, p50)},
			Events: []Event{{At: 0, Text: "phase warm: 4 requests/s"}, {At: ms(35000), Text: "servers: balance leastconn"}},
			Series: []Series{series}}
	}
	return &Report{Schema: Schema, Scenario: "golden", Title: "a report made by hand", Notes: "Two | variants.\n\nSecond paragraph.",
		Speed: 20, Passed: false,
		Variants: []Variant{v("roundrobin", "roundrobin", 39, 5010), v("leastconn", "leastconn", 105, 4)},
		Checks: []Check{
			{Name: "app2 takes most", Variant: "leastconn", Kind: "share", Unit: "fraction", Expected: ">= 75%", Measured: "89.74%",
				Value: f64(105.0 / 117), Min: f64(0.75), Pass: true, Detail: "105 of 117 requests to backend servers"},
			{Name: "latency collapses", Variant: "roundrobin", Kind: "latency", Unit: "seconds", Expected: "<= 1s", Measured: "5.01s",
				Value: f64(5.01), Max: f64(1), Pass: false, Detail: "over 119 answers"},
			{Name: "HAProxy's order", Variant: "roundrobin", Kind: "sequence", Unit: "none", Expected: "server3 server1 (repeating)",
				Measured: "server1 server2", Pass: false, Detail: "pick 1 went to server1, expected server3"},
		}}
}

func TestGolden(t *testing.T) {
	for _, f := range []Format{Text, JSON, Markdown} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := sample().Write(&b, f); err != nil {
				t.Fatal(err)
			}
			golden(t, "report."+string(f)+".golden", b.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestJSONRoundTrip reads the JSON form back: the durations as
// milliseconds, the chart gaps as null.
func TestJSONRoundTrip(t *testing.T) {
	r := sample()
	var b bytes.Buffer
	if err := r.Write(&b, JSON); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"p50_ms": 5010,`) || !strings.Contains(b.String(), "0.33,\n                null,") ||
		!strings.Contains(b.String(), `"expected": ">= 75%"`) {
		t.Fatalf("JSON does not write ms and null gaps:\n%s", b.String())
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Variants[0].Series[0].Servers[0].Share[3]) {
		t.Fatal("null did not read back as a gap")
	}
	back.Variants[0].Series[0].Servers[0].Share[3] = 0
	r.Variants[0].Series[0].Servers[0].Share[3] = 0
	if back.Variants[0].Phases[1].Start != r.Variants[0].Phases[1].Start ||
		!reflect.DeepEqual(back.Checks, r.Checks) || back.Schema != Schema {
		t.Fatalf("round trip differs:\n%+v\n%+v", back.Checks, r.Checks)
	}
}

// TestWriteAll: several reports in JSON are one array, even one report.
func TestWriteAll(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAll(&b, JSON, []*Report{sample()}); err != nil {
		t.Fatal(err)
	}
	var arr []Report
	if err := json.Unmarshal(b.Bytes(), &arr); err != nil || len(arr) != 1 {
		t.Fatalf("want a JSON array of 1 report: %v", err)
	}
	b.Reset()
	if err := WriteAll(&b, Text, []*Report{sample(), sample()}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), "golden — a report made by hand") != 2 {
		t.Fatal("two text reports expected")
	}
}

// TestCompareTableSkipsDifferentServers: variants with different configs
// have nothing to compare.
func TestCompareTableSkipsDifferentServers(t *testing.T) {
	r := sample()
	if n := len(r.compareTables()); n != 2 {
		t.Fatalf("%d tables, want one per phase", n)
	}
	r.Variants[1].Phases[0].Backends[0].Servers[0].Name = "web1"
	if n := len(r.compareTables()); n != 1 {
		t.Fatalf("%d tables, want only the phase whose servers match", n)
	}
}

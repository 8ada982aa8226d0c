package report

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
)

// Schema names the JSON form of a Report. It changes only when a field
// changes meaning or goes away; fields may be added within a version.
const Schema = "lblab.report/v1"

// Report is what "lblab run" tells about one scenario run: for every
// variant (lab) and every phase, the traffic, each backend's servers and
// each frontend's rules; the events played; the series for the charts;
// and every expectation with its measured value.
//
// The JSON form (Write with format JSON) is documented field by field in
// scenarios/REPORT.md and is stable within a Schema version:
//
//	{
//	  "schema": "lblab.report/v1",
//	  "scenario": "ep06-leastconn", "title": "…", "notes": "…",
//	  "speed": 20,             // lab seconds per real second
//	  "passed": true,          // every check passed
//	  "variants": [{
//	    "name": "default", "title": "", "algo": "", "hash_type": "",
//	    "lab_time_ms": 70123.4, "lab_notes": ["…"],
//	    "phases": [{
//	      "name": "roundrobin", "start_ms": 0, "duration_ms": 35012.5,
//	      "traffic": {"sent": 120, "answered": 120, "failed": 0,
//	                  "by_status": {"200": 120}, "by_reason": {},
//	                  "p50_ms": 5001.2, "p99_ms": 5012.0},
//	      "frontends": [{"name": "http_front", "requests": 120, "denied": 0,
//	                     "rules": [{"text": "…", "hits": 3}]}],
//	      "backends": [{"name": "servers", "mode": "http", "balance": "roundrobin",
//	                    "hash_type": "map-based", "total": 120,
//	                    "servers": [{"name": "server1", "app": "app1", "requests": 40,
//	                                 "share": 0.333, "p50_ms": 5001, "p99_ms": 5010,
//	                                 "max_in_flight": 7, "errors": 0}]}]
//	    }],
//	    "events": [{"at_ms": 0, "text": "servers: balance roundrobin"}],
//	    "series": [{"backend": "servers", "step_ms": 1000,
//	                "phases": [{"name": "roundrobin", "at_ms": 0}],
//	                "servers": [{"name": "server1", "share": [0.33, null], "in_flight": [6, 7]}]}]
//	  }],
//	  "checks": [{"name": "…", "variant": "default", "kind": "share", "unit": "fraction",
//	              "expected": ">= 75%", "measured": "88.3%", "value": 0.883,
//	              "min": 0.75, "max": null, "pass": true, "detail": "106 of 120 requests"}]
//	}
type Report struct {
	Schema   string    `json:"schema"`
	Scenario string    `json:"scenario"`
	Title    string    `json:"title"`
	Notes    string    `json:"notes,omitempty"`
	Speed    float64   `json:"speed"`
	Passed   bool      `json:"passed"`
	Variants []Variant `json:"variants"`
	Checks   []Check   `json:"checks"`
}

// Variant is one lab of the scenario and what happened in it.
type Variant struct {
	Name     string   `json:"name"`
	Title    string   `json:"title,omitempty"`
	Algo     string   `json:"algo,omitempty"`      // the algorithm it forces on every backend
	HashType string   `json:"hash_type,omitempty"` // the hash type it forces
	LabTime  Duration `json:"lab_time_ms"`         // lab time of the whole run
	LabNotes []string `json:"lab_notes"`           // what the lab said (binds mapped, apps moved)
	Phases   []Phase  `json:"phases"`
	Events   []Event  `json:"events"`
	Series   []Series `json:"series"`
}

// Phase is one phase: its traffic and the proxy's counters over it.
type Phase struct {
	Name      string     `json:"name"`
	Start     Duration   `json:"start_ms"`    // lab time from the variant's start
	Duration  Duration   `json:"duration_ms"` // until its last answer
	Traffic   Traffic    `json:"traffic"`
	Frontends []Frontend `json:"frontends"`
	Backends  []Backend  `json:"backends"`
}

// Traffic is what the clients saw: every request sent is answered (by
// status) or failed (by reason).
type Traffic struct {
	Sent     int64            `json:"sent"`
	Answered int64            `json:"answered"`
	Failed   int64            `json:"failed"`
	ByStatus map[string]int64 `json:"by_status"`
	ByReason map[string]int64 `json:"by_reason"`
	P50      Duration         `json:"p50_ms"` // latency of the answered requests
	P99      Duration         `json:"p99_ms"`
	// Warning says the generator could not keep the phase's rate (too
	// high a --speed for this machine): fewer requests than the scenario
	// meant, so its expectations may fail for that reason alone.
	Warning string `json:"warning,omitempty"`
}

// Frontend is a frontend's requests, denials and rule hits.
type Frontend struct {
	Name     string `json:"name"`
	Requests int64  `json:"requests"` // requests (or connections, in TCP mode)
	Denied   int64  `json:"denied"`
	Rules    []Rule `json:"rules"`
}

// Rule is one rule line and how many requests it matched.
type Rule struct {
	Text string `json:"text"`
	Hits int64  `json:"hits"`
}

// Backend is one backend's servers over a phase.
type Backend struct {
	Name     string   `json:"name"`
	Mode     string   `json:"mode"` // http: counts are requests; tcp: connections
	Balance  string   `json:"balance"`
	HashType string   `json:"hash_type"`
	Total    int64    `json:"total"`
	Servers  []Server `json:"servers"`
}

// Server is one server over a phase.
type Server struct {
	Name        string   `json:"name"`
	App         string   `json:"app,omitempty"` // the in-process app behind it
	Requests    int64    `json:"requests"`
	Share       float64  `json:"share"` // of the backend's total
	P50         Duration `json:"p50_ms"`
	P99         Duration `json:"p99_ms"`
	MaxInFlight int64    `json:"max_in_flight"`
	Errors      int64    `json:"errors"` // 5xx sent plus connection errors
}

// Event is something that happened during the run: a timeline event
// played, a server going DOWN or UP.
type Event struct {
	At   Duration `json:"at_ms"`
	Text string   `json:"text"`
}

// Series is a backend's servers over time, one point per Step of lab
// time, for the charts.
type Series struct {
	Backend string       `json:"backend"`
	Step    Duration     `json:"step_ms"`
	Phases  []PhaseMark  `json:"phases"`
	Servers []ServerLine `json:"servers"`
}

// PhaseMark is where a phase starts in a series.
type PhaseMark struct {
	Name string   `json:"name"`
	At   Duration `json:"at_ms"`
}

// ServerLine is one server's points. A share is null (NaN in Go) where
// the backend had no request in that step.
type ServerLine struct {
	Name     string `json:"name"`
	Share    Points `json:"share"`
	InFlight Points `json:"in_flight"`
}

// Check is one expectation and how it went.
type Check struct {
	Name     string   `json:"name"`
	Variant  string   `json:"variant"`
	Kind     string   `json:"kind"`
	Unit     string   `json:"unit"` // fraction, count, seconds or none
	Expected string   `json:"expected"`
	Measured string   `json:"measured"`
	Value    *float64 `json:"value"` // nil when nothing could be measured (or for a sequence)
	Min      *float64 `json:"min"`
	Max      *float64 `json:"max"`
	Pass     bool     `json:"pass"`
	Detail   string   `json:"detail,omitempty"` // what it was measured over, or why it failed
}

// Duration is lab time, written to JSON as milliseconds.
type Duration time.Duration

// MarshalJSON writes milliseconds with at most three decimals.
func (d Duration) MarshalJSON() ([]byte, error) {
	ms := float64(d) / float64(time.Millisecond)
	return []byte(strconv.FormatFloat(math.Round(ms*1000)/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON reads milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// Points are chart values; NaN is a gap, written to JSON as null.
type Points []float64

// MarshalJSON writes NaN as null and rounds to four decimals.
func (p Points) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, v := range p {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, math.Round(v*10000)/10000, 'f', -1, 64)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads null as NaN.
func (p *Points) UnmarshalJSON(b []byte) error {
	var raw []*float64
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Points, len(raw))
	for i, v := range raw {
		out[i] = math.NaN()
		if v != nil {
			out[i] = *v
		}
	}
	*p = out
	return nil
}

// Failed counts the checks that did not pass.
func (r *Report) Failed() int {
	n := 0
	for _, c := range r.Checks {
		if !c.Pass {
			n++
		}
	}
	return n
}

// Write prints the report in format f.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case Markdown:
		return r.writeMarkdown(w)
	}
	return r.writeText(w)
}

// WriteAll prints several reports: one after the other in text and
// Markdown, a JSON array in JSON.
func WriteAll(w io.Writer, f Format, reports []*Report) error {
	if f == JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if reports == nil {
			reports = []*Report{}
		}
		return enc.Encode(reports)
	}
	for i, r := range reports {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if err := r.Write(w, f); err != nil {
			return err
		}
	}
	return nil
}

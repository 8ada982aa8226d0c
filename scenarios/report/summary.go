// Package report owns how a lab run is told: the summary tables of
// "lblab serve", the reports of "lblab run" (Report, built by the scenario
// runner; its JSON form is documented in scenarios/REPORT.md) as text
// (tables and asciigraph charts), JSON or Markdown, and the plan "lblab
// check" prints. It reads lab snapshots and reports made by others; it
// never changes the lab and never runs anything.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lblab/lblab/lab"
)

// Format is a report's output format.
type Format string

// Formats.
const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
)

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON, Markdown:
		return f, nil
	}
	return "", fmt.Errorf("%q: want text, json or markdown", s)
}

// Summary is what a run did, per server, in the terms of HAProxy's stats:
// the end-of-run table of "lblab serve".
type Summary struct {
	Name     string           `json:"name"`
	Duration time.Duration    `json:"duration_ns"`
	Speed    float64          `json:"speed"`
	Backends []BackendSummary `json:"backends"`
	Traffic  *TrafficSummary  `json:"traffic,omitempty"`
}

// BackendSummary is one backend's servers.
type BackendSummary struct {
	Name    string          `json:"name"`
	Mode    string          `json:"mode"`
	Balance string          `json:"balance"`
	Hash    string          `json:"hash_type"`
	Total   int64           `json:"total"`
	Servers []ServerSummary `json:"servers"`
}

// ServerSummary is one server's totals.
type ServerSummary struct {
	Name        string        `json:"name"`
	App         string        `json:"app,omitempty"`
	Status      string        `json:"status"`
	Weight      int           `json:"weight"`
	Requests    int64         `json:"requests"`
	Share       float64       `json:"share"`
	P50         time.Duration `json:"p50_ns"`
	P99         time.Duration `json:"p99_ns"`
	MaxInFlight int64         `json:"max_in_flight"`
	Errors      int64         `json:"errors"`
}

// TrafficSummary is the generator's accounting: sent = answered + failed
// (+ in flight while it runs).
type TrafficSummary struct {
	Sent     int64            `json:"sent"`
	Answered int64            `json:"answered"`
	Failed   int64            `json:"failed"`
	InFlight int64            `json:"in_flight"`
	ByStatus map[string]int64 `json:"by_status"`
	ByReason map[string]int64 `json:"by_reason"`
	Rate     float64          `json:"achieved_rate"`
}

// Summarize turns a snapshot into a summary.
func Summarize(s lab.Snapshot) Summary {
	sum := Summary{Name: s.Name, Duration: s.Elapsed, Speed: s.Speed}
	for _, b := range s.Backends {
		bs := BackendSummary{Name: b.Name, Mode: b.Mode.String(), Balance: b.Algo, Hash: b.HashType, Total: b.Total}
		for _, sv := range b.Servers {
			bs.Servers = append(bs.Servers, ServerSummary{Name: sv.Name, App: sv.App, Status: sv.Status,
				Weight: sv.Weight, Requests: sv.Total, Share: sv.Share, P50: sv.Latency.P50, P99: sv.Latency.P99,
				MaxInFlight: sv.Max, Errors: sv.Errors})
		}
		sum.Backends = append(sum.Backends, bs)
	}
	if s.Traffic.Enabled {
		t := s.Traffic
		ts := &TrafficSummary{Sent: t.Sent, Answered: t.Answered, Failed: t.Failed, InFlight: t.InFlight,
			ByStatus: map[string]int64{}, ByReason: t.ByReason, Rate: t.MeanRate}
		for code, n := range t.ByStatus {
			ts.ByStatus[fmt.Sprint(code)] = n
		}
		sum.Traffic = ts
	}
	return sum
}

// Write prints the summary in format f.
func (s Summary) Write(w io.Writer, f Format) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	case Markdown:
		return s.writeMarkdown(w)
	}
	return s.writeText(w)
}

func (s Summary) writeText(w io.Writer) error {
	fmt.Fprintf(w, "%s: %s of lab time at x%g\n", orDefault(s.Name, "lab"), roundDur(s.Duration), s.Speed)
	for _, b := range s.Backends {
		unit := "requests"
		if b.Mode == "tcp" {
			unit = "conns"
		}
		fmt.Fprintf(w, "\nbackend %s  (balance %s, hash-type %s)  %d %s\n", b.Name, b.Balance, b.Hash, b.Total, unit)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "server\tapp\tstatus\tweight\t%s\tshare\tp50\tp99\tmax in flight\terrors\t\n", unit)
		for _, sv := range b.Servers {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%.1f%%\t%s\t%s\t%d\t%d\t\n", sv.Name, orDefault(sv.App, "-"), sv.Status,
				sv.Weight, sv.Requests, 100*sv.Share, roundDur(sv.P50), roundDur(sv.P99), sv.MaxInFlight, sv.Errors)
		}
		tw.Flush()
	}
	if t := s.Traffic; t != nil {
		fmt.Fprintf(w, "\ntraffic: %d sent = %d answered + %d failed + %d in flight (%.1f requests/s)\n",
			t.Sent, t.Answered, t.Failed, t.InFlight, t.Rate)
		if len(t.ByStatus) > 0 {
			fmt.Fprintf(w, "  answered by status: %s\n", counts(t.ByStatus))
		}
		if len(t.ByReason) > 0 {
			fmt.Fprintf(w, "  failed by reason:   %s\n", counts(t.ByReason))
		}
	}
	return nil
}

func (s Summary) writeMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "## %s\n\n%s of lab time at x%g\n", orDefault(s.Name, "lab"), roundDur(s.Duration), s.Speed)
	for _, b := range s.Backends {
		fmt.Fprintf(w, "\n### backend %s\n\nbalance `%s`, hash-type `%s`, %d total\n\n", b.Name, b.Balance, b.Hash, b.Total)
		fmt.Fprintln(w, "| server | app | status | weight | total | share | p50 | p99 | max in flight | errors |")
		fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|")
		for _, sv := range b.Servers {
			fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %.1f%% | %s | %s | %d | %d |\n", sv.Name, orDefault(sv.App, "-"),
				sv.Status, sv.Weight, sv.Requests, 100*sv.Share, roundDur(sv.P50), roundDur(sv.P99), sv.MaxInFlight, sv.Errors)
		}
	}
	if t := s.Traffic; t != nil {
		fmt.Fprintf(w, "\ntraffic: %d sent = %d answered + %d failed + %d in flight\n", t.Sent, t.Answered, t.Failed, t.InFlight)
	}
	return nil
}

func counts(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// roundDur prints a duration with a precision that suits its size.
func roundDur(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

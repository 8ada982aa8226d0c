package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeMarkdown prints the report as Markdown: the same content as the
// text form, with tables as Markdown tables and charts in code blocks.
func (r *Report) writeMarkdown(w io.Writer) error {
	ew := &errWriter{w: w}
	verdict := "✅ pass"
	if !r.Passed {
		verdict = "❌ fail"
	}
	ew.printf("## %s — %s\n\n", r.Scenario, mdEscape(r.Title))
	ew.printf("**%s**: %d of %d expectations met, at x%g lab speed.\n", verdict, len(r.Checks)-r.Failed(), len(r.Checks), r.Speed)
	if r.Notes != "" {
		ew.printf("\n%s\n", r.Notes)
	}
	ew.printf("\n### Expectations\n\n")
	multi := len(r.Variants) > 1
	header := []string{"", "expectation", "measured", "expected", "detail"}
	if multi {
		header = append([]string{"", "variant"}, header[1:]...)
	}
	var rows [][]string
	for _, c := range r.Checks {
		mark := "✅"
		if !c.Pass {
			mark = "❌"
		}
		row := []string{mark, mdEscape(c.Name), c.Measured, c.Expected, mdEscape(c.Detail)}
		if multi {
			row = append([]string{mark, c.Variant}, row[1:]...)
		}
		rows = append(rows, row)
	}
	ew.mdTable(header, rows)
	if multi {
		for _, t := range r.compareTables() {
			ew.printf("\n### Side by side: phase %s, backend %s\n\n", t.phase, t.backend)
			ew.mdTable(t.header, t.rows)
		}
	}
	for _, v := range r.Variants {
		ew.printf("\n### %s\n", mdEscape(variantHeading(v)))
		for _, n := range v.LabNotes {
			ew.printf("\n- lab: %s", mdEscape(n))
		}
		if len(v.LabNotes) > 0 {
			ew.printf("\n")
		}
		for _, ph := range v.Phases {
			writePhaseMarkdown(ew, ph)
		}
		if len(v.Events) > 0 {
			ew.printf("\n#### Events\n\n")
			var rows [][]string
			for _, e := range v.Events {
				rows = append(rows, []string{shortDur(time.Duration(e.At)), mdEscape(e.Text)})
			}
			ew.mdTable([]string{"lab time", "event"}, rows)
		}
		for _, s := range v.Series {
			for _, c := range charts(s) {
				ew.printf("\n```\n%s\n```\n", c)
			}
		}
	}
	return ew.err
}

func writePhaseMarkdown(ew *errWriter, ph Phase) {
	t := ph.Traffic
	ew.printf("\n#### Phase %s\n\n%s to %s of lab time: %d sent, %d answered, %d failed; latency p50 %s, p99 %s.\n",
		ph.Name, shortDur(time.Duration(ph.Start)), shortDur(time.Duration(ph.Start+ph.Duration)),
		t.Sent, t.Answered, t.Failed, shortDur(time.Duration(t.P50)), shortDur(time.Duration(t.P99)))
	if t.Warning != "" {
		ew.printf("\n**Warning:** %s.\n", t.Warning)
	}
	if len(t.ByStatus) > 0 {
		ew.printf("Status: %s.", counts(t.ByStatus))
		if len(t.ByReason) > 0 {
			ew.printf(" Failed: %s.", counts(t.ByReason))
		}
		ew.printf("\n")
	}
	for _, f := range ph.Frontends {
		if len(f.Rules) == 0 && f.Denied == 0 {
			continue
		}
		ew.printf("\nFrontend %s: %d requests, %d denied.\n\n", f.Name, f.Requests, f.Denied)
		var rows [][]string
		for _, rl := range f.Rules {
			rows = append(rows, []string{"`" + rl.Text + "`", fmt.Sprint(rl.Hits)})
		}
		ew.mdTable([]string{"rule", "hits"}, rows)
	}
	for _, b := range ph.Backends {
		unit := "requests"
		if b.Mode == "tcp" {
			unit = "conns"
		}
		ew.printf("\nBackend %s (balance `%s`, hash-type `%s`): %d %s.\n\n", b.Name, b.Balance, b.HashType, b.Total, unit)
		var rows [][]string
		for _, s := range b.Servers {
			rows = append(rows, []string{s.Name, orDefault(s.App, "-"), fmt.Sprint(s.Requests), pct(s.Share),
				shortDur(time.Duration(s.P50)), shortDur(time.Duration(s.P99)), fmt.Sprint(s.MaxInFlight), fmt.Sprint(s.Errors)})
		}
		ew.mdTable([]string{"server", "app", unit, "share", "p50", "p99", "max in flight", "errors"}, rows)
	}
}

// mdTable prints a Markdown table; numeric-looking columns align right.
func (e *errWriter) mdTable(header []string, rows [][]string) {
	e.printf("| %s |\n", strings.Join(header, " | "))
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
		if i > 0 && numericColumn(rows, i) {
			seps[i] = "--:"
		}
	}
	e.printf("|%s|\n", strings.Join(seps, "|"))
	for _, r := range rows {
		e.printf("| %s |\n", strings.Join(r, " | "))
	}
}

func numericColumn(rows [][]string, i int) bool {
	if len(rows) == 0 {
		return false
	}
	for _, r := range rows {
		if i >= len(r) || r[i] == "" || !strings.ContainsAny(r[i][:1], "0123456789-") {
			return false
		}
	}
	return true
}

// mdEscape keeps table cells in their column.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

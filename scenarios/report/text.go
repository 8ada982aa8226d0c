package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// writeText prints the report as plain text: a header, the compare table
// when there are several variants, each variant's phases (server tables,
// statuses, rules), events and charts, then the expectations.
func (r *Report) writeText(w io.Writer) error {
	ew := &errWriter{w: w}
	verdict := "PASS"
	if !r.Passed {
		verdict = "FAIL"
	}
	ew.printf("%s — %s\n", r.Scenario, r.Title)
	ew.printf("%s: %d of %d expectations met, at x%g lab speed\n", verdict, len(r.Checks)-r.Failed(), len(r.Checks), r.Speed)
	if r.Notes != "" {
		ew.printf("\n%s\n", indent(wrap(r.Notes, 76), "  "))
	}
	if len(r.Variants) > 1 {
		for _, t := range r.compareTables() {
			ew.printf("\n== side by side: phase %s, backend %s\n\n", t.phase, t.backend)
			ew.table(t.header, t.rows)
		}
	}
	for _, v := range r.Variants {
		ew.printf("\n== %s\n", variantHeading(v))
		for _, n := range v.LabNotes {
			ew.printf("  lab: %s\n", n)
		}
		for _, ph := range v.Phases {
			writePhaseText(ew, ph)
		}
		if len(v.Events) > 0 {
			ew.printf("\nevents:\n")
			for _, e := range v.Events {
				ew.printf("  %9s  %s\n", shortDur(time.Duration(e.At)), e.Text)
			}
		}
		for _, s := range v.Series {
			for _, c := range charts(s) {
				ew.printf("\n%s\n", c)
			}
		}
	}
	ew.printf("\nexpectations:\n")
	multi := len(r.Variants) > 1
	for _, c := range r.Checks {
		mark := "PASS"
		if !c.Pass {
			mark = "FAIL"
		}
		name := c.Name
		if multi {
			name = "[" + c.Variant + "] " + name
		}
		ew.printf("  %s  %s\n", mark, name)
		ew.printf("        measured %s, expected %s", c.Measured, c.Expected)
		if c.Detail != "" {
			ew.printf(" (%s)", c.Detail)
		}
		ew.printf("\n")
	}
	return ew.err
}

func variantHeading(v Variant) string {
	s := "variant " + v.Name
	if v.Title != "" {
		s += ": " + v.Title
	}
	var o []string
	if v.Algo != "" {
		o = append(o, "balance "+v.Algo)
	}
	if v.HashType != "" {
		o = append(o, "hash-type "+v.HashType)
	}
	if len(o) > 0 {
		s += " (" + strings.Join(o, ", ") + ")"
	}
	return fmt.Sprintf("%s, %s of lab time", s, shortDur(time.Duration(v.LabTime)))
}

func writePhaseText(ew *errWriter, ph Phase) {
	t := ph.Traffic
	ew.printf("\n-- phase %s: %s to %s; %d sent, %d answered, %d failed; latency p50 %s, p99 %s\n",
		ph.Name, shortDur(time.Duration(ph.Start)), shortDur(time.Duration(ph.Start+ph.Duration)),
		t.Sent, t.Answered, t.Failed, shortDur(time.Duration(t.P50)), shortDur(time.Duration(t.P99)))
	if t.Warning != "" {
		ew.printf("   warning: %s\n", t.Warning)
	}
	if len(t.ByStatus) > 0 {
		ew.printf("   status: %s\n", counts(t.ByStatus))
	}
	if len(t.ByReason) > 0 {
		ew.printf("   failed: %s\n", counts(t.ByReason))
	}
	for _, f := range ph.Frontends {
		if len(f.Rules) == 0 && f.Denied == 0 {
			continue
		}
		ew.printf("   frontend %s: %d requests, %d denied\n", f.Name, f.Requests, f.Denied)
		for _, rl := range f.Rules {
			ew.printf("     %6d  %s\n", rl.Hits, rl.Text)
		}
	}
	for _, b := range ph.Backends {
		unit := "requests"
		if b.Mode == "tcp" {
			unit = "conns"
		}
		ew.printf("   backend %s (balance %s, hash-type %s): %d %s\n", b.Name, b.Balance, b.HashType, b.Total, unit)
		var rows [][]string
		for _, s := range b.Servers {
			rows = append(rows, []string{s.Name, orDefault(s.App, "-"), fmt.Sprint(s.Requests), pct(s.Share),
				shortDur(time.Duration(s.P50)), shortDur(time.Duration(s.P99)), fmt.Sprint(s.MaxInFlight), fmt.Sprint(s.Errors)})
		}
		ew.indentTable("     ", []string{"server", "app", unit, "share", "p50", "p99", "max in flight", "errors"}, rows)
	}
}

// errWriter keeps the first write error, so that printing code stays flat.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) table(header []string, rows [][]string) { e.indentTable("  ", header, rows) }

// indentTable prints an aligned table: the first column to the left, the
// others to the right.
func (e *errWriter) indentTable(prefix string, header []string, rows [][]string) {
	if e.err != nil {
		return
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	line := func(cells []string) {
		fmt.Fprintf(tw, "%s\t", cells[0])
		for _, c := range cells[1:] {
			fmt.Fprintf(tw, "%s\t", c)
		}
		fmt.Fprintln(tw)
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	tw.Flush()
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		e.printf("%s%s\n", prefix, strings.TrimRight(l, " "))
	}
}

// wrap breaks each line of s at spaces to at most width characters (a
// longer word stays whole).
func wrap(s string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		cur := ""
		for _, w := range strings.Fields(line) {
			switch {
			case cur == "":
				cur = w
			case len([]rune(cur))+1+len([]rune(w)) > width:
				out = append(out, cur)
				cur = w
			default:
				cur += " " + w
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// shortDur prints lab time with a precision that suits its size.
func shortDur(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy/haproxycfg"
	"github.com/lblab/lblab/scenarios"
	"github.com/lblab/lblab/scenarios/report"
	"github.com/lblab/lblab/scenarios/scenario"
)

const checkUsage = `Usage: lblab check FILE

Validates an haproxy.cfg or a scenario file (or a built-in scenario by name)
and prints what the lab would run: the frontends on their loopback addresses,
the backends with their algorithms, each server as an in-process app (with its
address and reply profile) or an external server, and the warnings. For a
scenario it also prints its variants, phases, timeline and expectations.
Nothing is started.

A file ending in .yaml or .yml is a scenario, one ending in .cfg an
haproxy.cfg; otherwise the content decides (a scenario starts with YAML keys
such as "name:").

Exit status: 0 when the file is valid, 2 with file:line:col messages when not.
`

// checkCmd validates a config or scenario file and prints its plan.
func checkCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), checkUsage) }
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return badInput("check: name one file (an haproxy.cfg or a scenario), or a built-in scenario (%s)", builtinList())
	}
	name := fs.Arg(0)
	if _, err := scenarios.Source(name); err == nil {
		// a built-in's name, as lblab run reads it (write ./NAME for a file)
		sc, err := scenarios.Builtin(name)
		if err != nil {
			return badInput("%v", err)
		}
		return printScenario(stdout, sc)
	}
	src, err := os.ReadFile(name)
	if err != nil {
		return badInput("check: %s: %v; expected an haproxy.cfg, a scenario file or a built-in scenario (%s)", name, unwrapPathErr(err), builtinList())
	}
	if isScenario(name, src) {
		sc, err := scenario.ParseFile(name)
		if err != nil {
			return badInput("%s is not a valid scenario:\n%v", name, err)
		}
		return printScenario(stdout, sc)
	}
	file, err := haproxycfg.Parse(name, src)
	if err != nil {
		return badInput("%s is not a valid haproxy.cfg for the lab:\n%v", name, err)
	}
	// the lab's own checks (app hosts, binds) come before "valid"
	l, err := lab.New(lab.Options{Config: file.Config})
	if err != nil {
		return badInput("%s cannot run in the lab:\n%v", name, where(file, err))
	}
	fmt.Fprintf(stdout, "%s: a valid haproxy.cfg\n", name)
	for _, w := range file.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return report.PlanOf(l.Config(), l.Snapshot().Apps, l.Notes()).WriteText(stdout, "")
}

var yamlKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*:(\s|$)`)

// isScenario tells a scenario from an haproxy.cfg: by extension, else by
// the first line that is not blank or a comment.
func isScenario(name string, src []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return true
	case ".cfg", ".conf":
		return false
	}
	for _, line := range bytes.Split(src, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		return bytes.Equal(t, []byte("---")) || yamlKey.Match(t)
	}
	return false
}

// printPlan builds (without starting) the lab o describes and prints it.
func printPlan(w io.Writer, o lab.Options, prefix string) error {
	l, err := lab.New(o)
	if err != nil {
		return badInput("the lab cannot run it: %v", err)
	}
	return report.PlanOf(l.Config(), l.Snapshot().Apps, l.Notes()).WriteText(w, prefix)
}

// printScenario prints a valid scenario: what it is, each variant's lab,
// its phases, timeline and expectations.
func printScenario(w io.Writer, sc *scenario.Scenario) error {
	fmt.Fprintf(w, "%s: a valid scenario\n  name:  %s\n  title: %s\n", sc.File, sc.Name, sc.Title)
	if sc.Speed > 0 {
		fmt.Fprintf(w, "  speed: x%g (lblab run's default)\n", sc.Speed)
	}
	for _, wn := range sc.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	for _, v := range sc.Variants {
		fmt.Fprintf(w, "\nvariant %s", v.Name)
		if v.Title != "" {
			fmt.Fprintf(w, ": %s", v.Title)
		}
		if v.AlgoText != "" {
			fmt.Fprintf(w, " (balance %s for every backend)", v.AlgoText)
		}
		if v.HashType != nil {
			fmt.Fprintf(w, " (%s for every backend)", v.HashType)
		}
		fmt.Fprintln(w)
		o, err := sc.LabOptions(v)
		if err != nil {
			return badInput("%v", err)
		}
		if err := printPlan(w, o, "  "); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "\nphases:")
	for _, ph := range sc.Phases {
		fmt.Fprintf(w, "  %s: %s\n", ph.Name, ph.Describe())
	}
	if len(sc.Timeline) > 0 {
		fmt.Fprintln(w, "\ntimeline:")
		for _, ev := range sc.Timeline {
			fmt.Fprintf(w, "  %s  %s\n", sc.AtString(ev), ev.Describe())
		}
	}
	fmt.Fprintf(w, "\nexpectations (%d):\n", len(sc.Expect))
	for _, e := range sc.Expect {
		name := e.Name
		if len(e.Variants) > 0 {
			name = "[" + strings.Join(e.Variants, ",") + "] " + name
		}
		fmt.Fprintf(w, "  %s\n", name)
		if d := e.Describe(); d != e.Name {
			fmt.Fprintf(w, "      %s\n", d)
		}
	}
	return nil
}

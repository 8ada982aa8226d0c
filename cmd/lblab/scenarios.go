package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/lblab/lblab/scenarios"
)

// scenariosCmd lists the built-in scenarios.
func scenariosCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scenarios", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: lblab scenarios\n\nLists the built-in scenarios: run one with \"lblab run NAME\", open it in the\ndashboard with \"lblab --scenario NAME\", read it with \"lblab check NAME\".")
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("scenarios: unexpected argument %q (see lblab scenarios --help)", fs.Arg(0))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, s := range scenarios.Builtins() {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Title)
	}
	return tw.Flush()
}

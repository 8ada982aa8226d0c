// Command lblab is the load-balancing lab. This package holds the commands
// and their flags only; the lab, the proxy, the dashboard and the
// scenarios live in their own packages.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// version is lblab's release.
const version = "0.1.0"

// usage is the top-level help.
const usage = `lblab: a load-balancing lab that behaves like HAProxy 2.6 pick for pick.

Usage:
  lblab [flags]                  the live dashboard on the default lab (or --config/--scenario)
  lblab serve [flags]            headless lab: apps + proxy (+ traffic with --rate/--clients)
  lblab run [flags] SCENARIO...  headless scenario runs; exit 0 pass, 1 expectation failed, 2 bad input
  lblab check FILE               validate an haproxy.cfg or scenario file; print what the lab would run
  lblab export [flags]           print the lab as an haproxy.cfg that real HAProxy accepts
  lblab scenarios                list the built-in scenarios
  lblab version                  print the version

Run "lblab COMMAND --help" for a command's flags.
`

// exitError carries an exit status: 2 for bad input, 1 for a failed
// expectation.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// badInput is an error in what the user gave: exit 2.
func badInput(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a command and turns its error into an exit status.
func run(args []string, stdout, stderr io.Writer) int {
	cmd, rest := "", args
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, rest = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		err = dashboardCmd(rest, stdout, stderr)
	case "serve":
		err = serveCmd(rest, stdout, stderr)
	case "version":
		if len(rest) > 0 {
			err = badInput("version takes no arguments (got %q)", rest[0])
			break
		}
		fmt.Fprintf(stdout, "lblab %s (reproduces HAProxy 2.6 load balancing)\n", version)
	case "run":
		err = runCmd(rest, stdout, stderr)
	case "check":
		err = checkCmd(rest, stdout, stderr)
	case "export":
		err = exportCmd(rest, stdout, stderr)
	case "scenarios":
		err = scenariosCmd(rest, stdout, stderr)
	case "help":
		if len(rest) > 0 {
			err = badInput("see lblab %s --help", rest[0])
			break
		}
		fmt.Fprint(stdout, usage)
	default:
		err = badInput("unknown command %q\n\n%s", cmd, usage)
	}
	return exitStatus(err, stderr)
}

func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != errHelp {
			fmt.Fprintf(stderr, "lblab: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "lblab: %v\n", err)
	return 1
}

// errHelp means help was asked for and printed.
var errHelp = errors.New("help")

package haproxycfg

import (
	"fmt"
	"strings"
)

// MaxErrors is how many errors Parse collects before it gives up on a file,
// as HAProxy stops after 50 fatal errors.
const MaxErrors = 50

// Diag is one message about a place in a configuration file: an error or a
// warning.
type Diag struct {
	File string
	Line int // 1-based; 0 when the message is about the whole file
	Col  int // 1-based byte column of the word concerned; 0 for the whole line
	Msg  string
	// Lab is true for lblab's own remarks, which real HAProxy does not make
	// (a keyword lblab ignores, a value HAProxy silently misreads).
	Lab bool
}

// String formats the message as "file:line:col: msg", leaving out the
// column (and the line) when it is not known.
func (d Diag) String() string {
	switch {
	case d.Line == 0:
		return fmt.Sprintf("%s: %s", d.File, d.Msg)
	case d.Col == 0:
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Msg)
	default:
		return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
	}
}

// Error makes a single Diag usable as an error.
func (d Diag) Error() string { return d.String() }

// Errors is every error found in one file, in the order HAProxy reports
// them (parsing order, then the checks made after parsing). Parse returns
// it as its error; use errors.As to reach the individual positions.
type Errors []Diag

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for k, d := range e {
		lines[k] = d.String()
	}
	return strings.Join(lines, "\n")
}

// diags collects the errors and warnings of one file.
type diags struct {
	file     string
	errs     []Diag
	warns    []Diag
	overflow bool
}

func (d *diags) errorf(line, col int, format string, args ...any) {
	if len(d.errs) >= MaxErrors {
		if !d.overflow {
			d.overflow = true
			d.errs = append(d.errs, Diag{File: d.file, Line: line,
				Msg: fmt.Sprintf("too many errors (%d), stopping here", MaxErrors)})
		}
		return
	}
	d.errs = append(d.errs, Diag{File: d.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// warnf records a warning that mirrors one of HAProxy's.
func (d *diags) warnf(line int, format string, args ...any) {
	d.warns = append(d.warns, Diag{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// labf records a warning of lblab's own.
func (d *diags) labf(line int, format string, args ...any) {
	d.warns = append(d.warns, Diag{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...), Lab: true})
}

func (d *diags) full() bool { return d.overflow }

package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/proxy/haproxycfg"
)

const exportUsage = `Usage: lblab export [flags]

Prints the lab as an haproxy.cfg that real HAProxy 2.6 accepts ("haproxy -c"),
so that the same lab can be put behind real HAProxy side by side: the same
frontends, rules, backends, algorithms, weights and health checks, with every
server of an in-process app pointing at the address where "lblab serve" (or
the dashboard) with the same flags starts that app: the episode's port on
loopback (app1 on 127.0.0.1:5001, app2 on :5002, Ep 2's app on :5000). Nothing
is started.

Side by side with the lab:

  lblab serve --config ep06.cfg                 # apps on :5001-:5003, lblab's proxy on :8080
  lblab export --config ep06.cfg --listen 127.0.0.1:8081 > real.cfg
  haproxy -f real.cfg                           # real HAProxy on :8081, same apps
  curl -i 127.0.0.1:8080/ ; curl -i 127.0.0.1:8081/   # X-Lab-App says who answered

Export writes the config as the lab is configured, before any change made at
runtime. If "lblab serve" reports that an app's port was taken and the app moved
to another port, edit that server line. The apps' delays and error rates are
the lab's, not HAProxy's: they stay in lblab.

Flags:
`

// exportCmd prints the lab as an haproxy.cfg.
func exportCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var f labFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), exportUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := rejectFlags(fs, "lblab export prints a config and sends no traffic", "rate", "clients", "duration", "speed", "delay", "format"); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("export: unexpected argument %q (see lblab export --help)", fs.Arg(0))
	}
	o, err := f.options(false, io.Discard)
	if err != nil {
		return err
	}
	l, err := lab.New(o)
	if err != nil {
		return badInput("%v", err)
	}
	cfg := l.ExportConfig()
	var apps []string
	for _, a := range l.Snapshot().Apps {
		apps = append(apps, fmt.Sprintf("%s on %s", a.Name, a.Addr))
	}
	fmt.Fprintf(stdout, "# The lblab lab %q, exported for real HAProxy.\n", o.Name)
	if len(apps) > 0 {
		fmt.Fprintf(stdout, "# Its in-process apps (started by \"lblab serve\" with the same flags): %s.\n", strings.Join(apps, ", "))
	}
	_, err = stdout.Write(haproxycfg.Format(cfg))
	return err
}

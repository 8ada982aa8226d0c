package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy/haproxycfg"
	"github.com/lblab/lblab/scenarios"
	"github.com/lblab/lblab/scenarios/scenario"
)

// labFlags are the flags of the commands that start a lab (design.md).
type labFlags struct {
	config   string
	scenario string
	algo     string
	hashType string
	apps     int
	weights  string
	delay    string
	listen   string
	rate     float64
	clients  int
	duration time.Duration
	speed    float64
	format   string

	// sc is the scenario --scenario loaded, file the --config file parsed
	// (both set by options).
	sc   *scenario.Scenario
	file *haproxycfg.File
}

func (f *labFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "run this haproxy.cfg (the lab's subset of HAProxy 2.6)")
	fs.StringVar(&f.scenario, "scenario", "", "open a scenario's lab: a built-in name (see lblab scenarios) or a scenario file; the dashboard also plays its phases and timeline")
	fs.StringVar(&f.algo, "algo", "", "balance algorithm for every backend: roundrobin, static-rr, leastconn, first, source, uri, random, hdr(NAME), url_param(NAME)")
	fs.StringVar(&f.hashType, "hash-type", "", `hash type: "map-based" or "consistent", optionally a function (sdbm, djb2, wt6, crc32) and "avalanche"`)
	fs.IntVar(&f.apps, "apps", lab.DefaultApps, "number of apps in the default lab")
	fs.StringVar(&f.weights, "weights", "", "server weights of the first backend, e.g. 2,1,3")
	fs.StringVar(&f.delay, "delay", "", "app response delays, e.g. app1=5s,app3=5s (the default lab makes app1 and app3 slow)")
	fs.StringVar(&f.listen, "listen", "", "address of the first frontend (default "+lab.DefaultListen+")")
	fs.Float64Var(&f.rate, "rate", 0, "traffic: requests per second, open loop (arrivals not held back by slow answers)")
	fs.IntVar(&f.clients, "clients", 0, "traffic: virtual clients, each with its own 127.x source address (closed loop without --rate)")
	fs.DurationVar(&f.duration, "duration", 0, "stop after this much lab time (0: until ctrl+c); in the dashboard, stop the traffic")
	fs.Float64Var(&f.speed, "speed", 1, "run lab time X times faster: delays, timeouts, intervals and durations shrink by X")
	fs.StringVar(&f.format, "format", "text", "summary format: text, json or markdown")
}

// parseFlags parses args into fs, turning flag errors into exit status 2
// with the command's usage.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
			return &exitError{code: 0, err: errHelp}
		}
		return badInput("%s: %v (see lblab %s --help)", fs.Name(), err, fs.Name())
	}
	return nil
}

// options turns the flags into lab options; trafficByDefault is the
// dashboard's steady traffic when no --rate or --clients is given.
func (f *labFlags) options(trafficByDefault bool, out io.Writer) (lab.Options, error) {
	o := lab.Options{Apps: f.apps, Listen: f.listen, Speed: f.speed, Out: out}
	if !finite(f.speed) || f.speed <= 0 {
		return o, badInput("--speed %v: want a positive factor, e.g. 10", f.speed)
	}
	if (f.config != "" || f.scenario != "") && f.apps != lab.DefaultApps {
		return o, badInput("--apps sizes the default lab; with --config or --scenario the servers come from the config")
	}
	if f.apps < 1 || f.apps > 50 {
		return o, badInput("--apps %d: want 1 to 50", f.apps)
	}
	if f.scenario != "" {
		if err := f.scenarioOptions(&o); err != nil {
			return o, err
		}
	}
	if f.config != "" {
		file, err := haproxycfg.ParseFile(f.config)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return o, badInput("--config: %v", err)
			}
			return o, badInput("%v", err)
		}
		for _, w := range file.Warnings {
			fmt.Fprintf(out, "warning: %s\n", w)
		}
		f.file = file
		o.Config = file.Config
		o.Name = strings.TrimSuffix(filepath.Base(f.config), ".cfg")
	}
	if f.algo != "" {
		spec, err := lab.ParseAlgo(f.algo)
		if err != nil {
			return o, badInput("--algo %q: %v", f.algo, err)
		}
		o.Algo = &spec
	}
	if f.hashType != "" {
		ht, err := lab.ParseHashType(f.hashType)
		if err != nil {
			return o, badInput("--hash-type %q: %v", f.hashType, err)
		}
		o.HashType = &ht
	}
	if f.weights != "" {
		w, err := lab.ParseWeights(f.weights)
		if err != nil {
			return o, badInput("--weights: %v", err)
		}
		o.Weights = w
	}
	if f.delay != "" {
		d, err := lab.ParseDelays(f.delay)
		if err != nil {
			return o, badInput("--delay: %v", err)
		}
		o.Delays = d
	}
	if !finite(f.rate) || f.rate < 0 {
		return o, badInput("--rate %v: want 0 or more requests per second", f.rate)
	}
	if f.clients < 0 {
		return o, badInput("--clients %d: want 0 or more", f.clients)
	}
	if f.duration < 0 {
		return o, badInput("--duration %v: want a positive duration such as 30s", f.duration)
	}
	switch {
	case f.sc != nil && (f.rate > 0 || f.clients > 0) && trafficByDefault:
		return o, badInput("--scenario plays its own traffic phases in the dashboard: drop --rate and --clients")
	case f.sc != nil && trafficByDefault:
		// the scenario's phases bring the traffic
	case f.rate > 0 || f.clients > 0:
		tc := &traffic.Config{Rate: f.rate, Duration: f.duration}
		if f.clients > 0 {
			tc.Groups = []traffic.Group{{Clients: f.clients}}
		}
		o.Traffic = tc
	case trafficByDefault:
		o.Traffic = lab.SteadyTraffic(lab.DefaultRate, lab.DefaultClients)
		o.Traffic.Duration = f.duration // the dashboard stays; its traffic stops
	}
	if o.Name == "" {
		o.Name = "default"
		if o.Config == nil {
			o.Title = "Ep 6 trio: app1 and app3 answer after 5 s, app2 at once"
		}
	}
	return o, nil
}

// scenarioOptions loads --scenario and takes its lab (first variant):
// config, apps, names and notes. The other flags apply on top.
func (f *labFlags) scenarioOptions(o *lab.Options) error {
	if f.config != "" {
		return badInput("--config and --scenario: give one of them (a scenario brings its own config)")
	}
	sc, err := scenarios.Load(f.scenario)
	if err != nil {
		return badInput("--scenario: %v", err)
	}
	so, err := sc.LabOptions(sc.Variants[0])
	if err != nil {
		return badInput("--scenario: %v", err)
	}
	o.Name, o.Title, o.Notes = so.Name, so.Title, so.Notes
	o.Config, o.AppNames, o.Behaviour = so.Config, so.AppNames, so.Behaviour
	o.Algo, o.HashType = so.Algo, so.HashType
	f.sc = sc
	return nil
}

// startLab builds and starts a lab, turning bad input into exit status 2;
// an error about a line of file (the --config file, if any) points at it.
func startLab(o lab.Options, file *haproxycfg.File) (*lab.Lab, error) {
	l, err := lab.New(o)
	if err != nil {
		return nil, badInput("%v", where(file, err))
	}
	if err := l.Start(); err != nil {
		return nil, badInput("%v", where(file, err))
	}
	return l, nil
}

// where gives a lab error about one line of a config file that line's
// position: file:line:col, as the parser's own errors have.
func where(file *haproxycfg.File, err error) error {
	var ce *lab.ConfigError
	if file == nil || !errors.As(err, &ce) {
		return err
	}
	var d haproxycfg.Diag
	for _, f := range file.Config.Frontends {
		if f.Name == ce.Frontend {
			d = file.Where(haproxycfg.BindRef{Frontend: f, Index: ce.Bind})
		}
	}
	for _, b := range file.Config.Backends {
		if b.Name != ce.Backend {
			continue
		}
		d = file.Where(b)
		for _, s := range b.Servers {
			if s.Name == ce.Server {
				d = file.Where(s)
			}
		}
	}
	if d.Line == 0 {
		return err
	}
	return fmt.Errorf("%s:%d:%d: %s", d.File, d.Line, d.Col, ce.Msg)
}

// finite reports a number that is neither NaN nor infinite: the flag
// package reads "NaN" and "Inf" as floats.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// rejectFlags refuses flags that were set but mean nothing to this
// command, rather than ignoring them silently.
func rejectFlags(fs *flag.FlagSet, why string, names ...string) error {
	var err error
	fs.Visit(func(fl *flag.Flag) {
		for _, n := range names {
			if fl.Name == n && err == nil {
				err = badInput("--%s: %s", n, why)
			}
		}
	})
	return err
}

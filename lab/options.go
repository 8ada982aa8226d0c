package lab

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// Defaults of a lab started without a config.
const (
	DefaultListen  = "127.0.0.1:8080"
	DefaultApps    = 3
	DefaultRate    = 10 // requests per lab second of the dashboard's steady traffic
	DefaultClients = 20
	SlowDelay      = 5 * time.Second // Ep 6's slow apps
	Window         = 5 * time.Second // the "recent" window of shares and rates
	HistorySeconds = 600             // per-second series kept, in lab seconds
)

// Options describe a lab. The zero value (plus a Speed) is the default
// lab: the Ep 6 trio, app1 and app3 answering after 5 s, roundrobin.
type Options struct {
	Name, Title, Notes string

	// Config is the haproxy.cfg to run; nil means the default lab.
	Config *proxy.Config
	// AppNames are extra server hosts to treat as in-process apps, besides
	// "app" and "appN" (a scenario may declare others).
	AppNames []string

	Algo     *balance.Spec     // --algo: overrides every backend's balance line
	HashType *balance.HashType // --hash-type: overrides every backend's hash-type
	Apps     int               // default lab only: how many apps (default 3)
	Weights  []int             // weights of the first backend's servers, in order
	// Behaviour of the apps by name (delay, jitter, errors, profile); an
	// app without an entry keeps its default (the default lab makes app1
	// and app3 slow).
	Behaviour map[string]apps.Behaviour
	Delays    map[string]time.Duration // --delay: just the delays

	Listen string  // the first frontend's address; "" keeps the config's (loopback-mapped)
	Speed  float64 // lab seconds per real second; 0 means 1

	// Traffic, if set, starts the generator against the first frontend.
	Traffic *traffic.Config

	// Out receives the lab's notes (an app moved to a free port, a bind
	// mapped to loopback); nil discards them.
	Out io.Writer

	// OnLog, if set, sees every request's (connection's) log record after
	// the lab has counted it: a scenario follows exact pick sequences with
	// it. It runs on the request's goroutine and must be quick; the record
	// must not be kept.
	OnLog func(*proxy.LogRecord)
}

// SteadyTraffic is the dashboard's default traffic: an open loop of rate
// requests per lab second from clients virtual clients asking GET /.
func SteadyTraffic(rate float64, clients int) *traffic.Config {
	return &traffic.Config{Rate: rate, Groups: []traffic.Group{{Clients: clients}}}
}

// ParseAlgo reads an --algo value: a "balance" line's arguments, e.g.
// "leastconn", "uri whole", "hdr(User-Agent)", "random(3)".
func ParseAlgo(s string) (balance.Spec, error) {
	words := strings.Fields(s)
	// url_param(NAME), the dashboard's and the docs' short form of the
	// config's "url_param NAME"
	if len(words) > 0 && strings.HasPrefix(words[0], "url_param(") && strings.HasSuffix(words[0], ")") {
		name := strings.TrimSuffix(strings.TrimPrefix(words[0], "url_param("), ")")
		words = append([]string{"url_param", name}, words[1:]...)
	}
	spec, err := balance.ParseBalance(words)
	if err != nil {
		return balance.Spec{}, err // HAProxy's message, which lists what is accepted
	}
	return spec, spec.Validate()
}

// ParseHashType reads a --hash-type value: "map-based", "consistent",
// optionally a function (sdbm, djb2, wt6, crc32) and "avalanche".
func ParseHashType(s string) (balance.HashType, error) {
	ht, err := balance.ParseHashType(strings.Fields(s))
	if err != nil {
		return ht, fmt.Errorf("%v (accepted: map-based|consistent [sdbm|djb2|wt6|crc32] [avalanche])", err)
	}
	return ht, nil
}

// ParseWeights reads a --weights value: "2,1,3".
func ParseWeights(s string) ([]int, error) {
	var out []int
	for i, f := range strings.Split(s, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 0 || w > balance.MaxWeight {
			return nil, fmt.Errorf("weight %d %q: want a whole number from 0 to %d, e.g. 2,1,3", i+1, f, balance.MaxWeight)
		}
		out = append(out, w)
	}
	return out, nil
}

// ParseDelays reads a --delay value: "app1=5s,app3=5s".
func ParseDelays(s string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, f := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: want APP=DURATION, e.g. app1=5s,app3=5s", f)
		}
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q: %q is not a duration like 5s or 250ms", f, val)
		}
		out[name] = d
	}
	return out, nil
}

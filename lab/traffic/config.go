// Package traffic owns the lab's traffic generator: virtual clients, each
// with its own loopback source address (127.x.y.z), that send HTTP/1.1
// requests over keep-alive connections (or open raw TCP connections) to one
// target, in a closed loop (N clients, each waiting for its answer) or an
// open loop (a target rate of arrivals on an absolute schedule that slow
// answers do not hold back). It counts every request it starts into exactly
// one bucket: answered (by status), failed (by reason) or in flight.
//
// It speaks HTTP/1 with its own small client over net.Conn, using the
// proxy's wire package (proxy/h1) to read responses, so that request lines
// are sent exactly as written ("//admin", "/%73tatic", method "post").
// Every wait and every latency goes through the lab clock.
//
// The package knows nothing of the proxy's internals, the apps or the
// dashboard; it must not reach into them. It only dials the target it is
// given, from loopback source addresses.
package traffic

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/lblab/lblab/lab/clock"
)

// Defaults for the zero values of Config and Group.
const (
	DefaultClients     = 10
	DefaultMaxInFlight = 10000
	DefaultTimeout     = 60 * time.Second // lab time; above HAProxy's usual 50 s server timeout
	DefaultGroupName   = "clients"
	DefaultMaxIdle     = 64 // idle keep-alive connections kept per client
	maxRate            = 1e9
	// DefaultPrefix is where clients come from unless a group says otherwise.
	DefaultPrefix = "127.1.0.0/16"
	// loopbackPrefix is the range every client address must lie in: the
	// generator binds them as source addresses, which only works on loopback.
	loopbackPrefix = "127.0.0.0/8"
)

// Mode says what the generator sends.
type Mode int

// Modes.
const (
	HTTP Mode = iota // HTTP/1.1 requests over keep-alive connections
	TCP              // raw TCP connections, see TCPOptions
)

func (m Mode) String() string {
	if m == TCP {
		return "tcp"
	}
	return "http"
}

// Header is one request header line, sent as written.
type Header struct {
	Name, Value string
}

// Entry is one kind of request in a mix.
type Entry struct {
	// Method is sent as written ("post" stays lower case); "" means GET.
	Method string
	// Path is the request target, sent exactly as written ("//admin",
	// "/%73tatic?x=1"); "" means "/".
	Path string
	// Headers are sent in order after Host. A User-Agent here replaces the
	// default "lblab"; a Host here replaces the target's.
	Headers []Header
	// Body is sent with a Content-Length (and, unless Headers set one, a
	// form Content-Type), e.g. "name=lab" for POST /submit.
	Body string
	// Weight is the entry's share of the mix; 0 means 1.
	Weight int
}

// Group is a set of virtual clients sharing an address range and a mix,
// e.g. "internal" 127.0.0.0/24 and "outside" 127.66.0.0/16 in Ep 4.
type Group struct {
	Name    string       // "" means DefaultGroupName
	Prefix  netip.Prefix // zero means DefaultPrefix; must lie in 127.0.0.0/8
	Clients int          // 0 means DefaultClients
	Mix     []Entry      // nil means Config.Mix
}

// TCPOptions shape a TCP-mode connection: connect, send Payload, read the
// reply, hold the connection open for Hold, close.
type TCPOptions struct {
	// Payload is sent once connected, e.g. "GET / HTTP/1.0\r\n\r\n" (Ep 2
	// proxies HTTP over TCP). "" sends nothing and reads nothing.
	Payload string
	// Hold keeps the connection open this long (lab time) after the reply,
	// or after connecting when there is no payload, so that the proxy
	// counts it (leastconn balances connections).
	Hold time.Duration
}

// Config describes a run.
type Config struct {
	Target string       // host:port to send to, e.g. the proxy's 127.0.0.1:8080
	Clock  *clock.Clock // nil: real time
	Mode   Mode

	Groups []Group // nil: one default group
	Mix    []Entry // default mix of the groups; nil: GET /

	// Rate > 0 runs an open loop: Rate arrivals per lab second, on an
	// absolute schedule, round robin over the clients. Rate 0 runs a closed
	// loop: each client sends, waits for the answer, waits Think, repeats.
	Rate  float64
	Think time.Duration

	// The run ends (new requests stop; those in flight finish) after
	// Duration of lab time or Requests requests, whichever comes first;
	// zero means no such bound. Stop ends it at once.
	Duration time.Duration
	Requests int64

	// MaxInFlight caps the open loop's requests in flight: an arrival
	// beyond it fails with ReasonTooMany (a closed loop is capped by its
	// clients). 0: DefaultMaxInFlight.
	MaxInFlight int

	Timeout time.Duration // per request (connect to last byte), lab time; 0: DefaultTimeout
	MaxIdle int           // idle connections kept per client; 0: DefaultMaxIdle
	Seed    uint64        // seeds the request mix choice

	TCP TCPOptions

	// OnResult, if set, is called with every finished request, from many
	// goroutines at once, thousands of times a second: it must be quick and
	// safe for concurrent use.
	OnResult func(Result)

	// SeriesSeconds is how many lab seconds of per-second counts are kept;
	// 0 means metrics.DefaultSeconds.
	SeriesSeconds int
}

// withDefaults returns cfg with its zero values filled in.
func (cfg Config) withDefaults() Config {
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxIdle <= 0 {
		cfg.MaxIdle = DefaultMaxIdle
	}
	if len(cfg.Mix) == 0 {
		cfg.Mix = []Entry{{}}
	}
	if len(cfg.Groups) == 0 {
		cfg.Groups = []Group{{}}
	}
	groups := make([]Group, len(cfg.Groups))
	for i, g := range cfg.Groups {
		if g.Name == "" {
			g.Name = DefaultGroupName
		}
		if !g.Prefix.IsValid() {
			g.Prefix = netip.MustParsePrefix(DefaultPrefix) // a constant: cannot fail
		}
		if g.Clients == 0 {
			g.Clients = DefaultClients
		}
		if len(g.Mix) == 0 {
			g.Mix = cfg.Mix
		}
		groups[i] = g
	}
	cfg.Groups = groups
	return cfg
}

// validate checks a config with defaults filled in.
func (cfg Config) validate() error {
	if _, _, err := net.SplitHostPort(cfg.Target); err != nil || cfg.Target == "" {
		return fmt.Errorf("traffic: target %q: want host:port, e.g. 127.0.0.1:8080", cfg.Target)
	}
	if math.IsNaN(cfg.Rate) || cfg.Rate < 0 || cfg.Rate > maxRate {
		return fmt.Errorf("traffic: rate %v: want 0 (closed loop) or a positive number of requests per second", cfg.Rate)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"think time", cfg.Think}, {"duration", cfg.Duration}, {"TCP hold", cfg.TCP.Hold}} {
		if d.v < 0 {
			return fmt.Errorf("traffic: %s %v is negative: want 0 or more", d.name, d.v)
		}
	}
	if cfg.Requests < 0 {
		return fmt.Errorf("traffic: request count %d is negative: want 0 (no bound) or more", cfg.Requests)
	}
	if cfg.Mode != HTTP && cfg.Mode != TCP {
		return fmt.Errorf("traffic: unknown mode %d: want HTTP or TCP", cfg.Mode)
	}
	seen := map[string]bool{}
	for _, g := range cfg.Groups {
		if seen[g.Name] {
			return fmt.Errorf("traffic: group %q is declared twice", g.Name)
		}
		seen[g.Name] = true
		if err := validateGroup(g); err != nil {
			return err
		}
	}
	return nil
}

func validateGroup(g Group) error {
	p := g.Prefix.Masked()
	loopback := netip.MustParsePrefix(loopbackPrefix)
	if !p.Addr().Is4() || !loopback.Contains(p.Addr()) || p.Bits() < loopback.Bits() {
		return fmt.Errorf("traffic: group %q: address range %s is not inside 127.0.0.0/8: clients bind loopback source addresses only", g.Name, g.Prefix)
	}
	if g.Clients < 0 {
		return fmt.Errorf("traffic: group %q: %d clients: want 1 or more", g.Name, g.Clients)
	}
	if n := usableAddrs(p); g.Clients > n {
		return fmt.Errorf("traffic: group %q: %d clients, but %s has only %d usable addresses", g.Name, g.Clients, p, n)
	}
	for i, e := range g.Mix {
		if err := validateEntry(e); err != nil {
			return fmt.Errorf("traffic: group %q: mix entry %d: %w", g.Name, i+1, err)
		}
	}
	return nil
}

func validateEntry(e Entry) error {
	for i := 0; i < len(e.Method); i++ {
		if !isToken(e.Method[i]) {
			return fmt.Errorf("method %q: character %q is not allowed in a method: want letters, digits or !#$%%&'*+-.^_`|~", e.Method, e.Method[i])
		}
	}
	for i := 0; i < len(e.Path); i++ {
		if c := e.Path[i]; c <= ' ' || c == 0x7f {
			return fmt.Errorf("path %q: byte %q at %d: a request target is sent as written and must not contain spaces or control characters (percent-encode them, e.g. %%20)", e.Path, c, i+1)
		}
	}
	for _, h := range e.Headers {
		if h.Name == "" {
			return fmt.Errorf("header with an empty name (value %q)", h.Value)
		}
		for i := 0; i < len(h.Name); i++ {
			if !isToken(h.Name[i]) {
				return fmt.Errorf("header name %q: character %q is not allowed: want letters, digits or !#$%%&'*+-.^_`|~", h.Name, h.Name[i])
			}
		}
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			return fmt.Errorf("header %s: value %q contains CR, LF or NUL", h.Name, h.Value)
		}
	}
	if e.Weight < 0 {
		return fmt.Errorf("weight %d is negative: want 0 (same as 1) or more", e.Weight)
	}
	return nil
}

// isToken reports an RFC 9110 tchar: the characters of methods and header
// names.
func isToken(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

package balance

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lblab/lblab/proxy/cfgword"
)

// Algo names a "balance" algorithm.
type Algo int

// The algorithms of HAProxy 2.6's "balance" keyword that the lab implements.
const (
	RoundRobin Algo = iota // roundrobin (default)
	StaticRR               // static-rr
	LeastConn              // leastconn
	First                  // first
	Source                 // source
	URI                    // uri [whole] [len N] [depth N] [path-only]
	URLParam               // url_param NAME [check_post]
	Hdr                    // hdr(NAME) [use_domain_only]
	Random                 // random[(N)]
)

var algoNames = [...]string{
	RoundRobin: "roundrobin",
	StaticRR:   "static-rr",
	LeastConn:  "leastconn",
	First:      "first",
	Source:     "source",
	URI:        "uri",
	URLParam:   "url_param",
	Hdr:        "hdr",
	Random:     "random",
}

// String is the algorithm's keyword, e.g. "static-rr" (hdr without its name).
func (a Algo) String() string {
	if a < 0 || int(a) >= len(algoNames) {
		return "Algo(" + strconv.Itoa(int(a)) + ")"
	}
	return algoNames[a]
}

// HashFunc is a "hash-type" function.
type HashFunc int

// Hash functions of "hash-type" (src/hash.c).
const (
	SDBM HashFunc = iota // default
	DJB2
	WT6
	CRC32
)

var hashFuncNames = [...]string{SDBM: "sdbm", DJB2: "djb2", WT6: "wt6", CRC32: "crc32"}

// String is the function's name in a hash-type line, e.g. "crc32".
func (f HashFunc) String() string {
	if f < 0 || int(f) >= len(hashFuncNames) {
		return "HashFunc(" + strconv.Itoa(int(f)) + ")"
	}
	return hashFuncNames[f]
}

// HashType is a backend's "hash-type" line: map-based or consistent, the
// function, and whether the avalanche (full_hash) modifier applies.
// The zero value is HAProxy's default: map-based sdbm, no avalanche.
type HashType struct {
	Consistent bool
	Func       HashFunc
	Avalanche  bool
}

// String is the shortest "hash-type" line that HAProxy parses back to h,
// e.g. "hash-type consistent" (which implies sdbm and avalanche).
func (h HashType) String() string {
	kind := "map-based"
	if h.Consistent {
		kind = "consistent"
	}
	switch {
	case h.Func == SDBM && h.Avalanche == h.Consistent:
		// the default of each kind: map-based alone means sdbm without
		// avalanche, consistent alone sdbm with it
		return "hash-type " + kind
	case h.Avalanche:
		return "hash-type " + kind + " " + h.Func.String() + " avalanche"
	default:
		return "hash-type " + kind + " " + h.Func.String()
	}
}

// Spec is everything the "balance", "hash-type" and "hash-balance-factor"
// lines of a backend say.
type Spec struct {
	Algo Algo

	// uri options
	URIWhole    bool
	URILen      int // 0 = whole length
	URIDepth    int // 0 = any depth
	URIPathOnly bool

	Param         string // url_param name, or hdr() header name
	CheckPost     bool   // url_param check_post (parsed; 2.6 scans POST bodies anyway)
	UseDomainOnly bool   // hdr() use_domain_only
	Draws         int    // random(N); 0 means the default, 2

	Hash          HashType
	BalanceFactor int // hash-balance-factor: 0 or > 100
}

// Hashing reports whether the algorithm hashes a request key (source, uri,
// url_param, hdr): only those read Hash.
func (s Spec) Hashing() bool {
	switch s.Algo {
	case Source, URI, URLParam, Hdr:
		return true
	}
	return false
}

// L7 reports whether the algorithm needs an HTTP request (uri, url_param,
// hdr): HAProxy's BE_LB_NEED_HTTP.
func (s Spec) L7() bool {
	return s.Algo == URI || s.Algo == URLParam || s.Algo == Hdr
}

// Dynamic reports whether weights can change at runtime (BE_LB_PROP_DYN):
// false for static-rr and map-based hashing, whose table is built once from
// the configured weights.
func (s Spec) Dynamic() bool {
	switch {
	case s.Algo == StaticRR:
		return false
	case s.Hashing():
		return s.Hash.Consistent
	}
	return true
}

// RRKind reports whether the algorithm is of HAProxy's round-robin kind
// (roundrobin, static-rr, random): with "option redispatch" and more than
// one usable active server, a failed connection is redispatched at once.
func (s Spec) RRKind() bool {
	return s.Algo == RoundRobin || s.Algo == StaticRR || s.Algo == Random
}

// FullWhenBackendQueued reports whether a request must go straight to the
// backend queue when that queue is not empty (roundrobin, static-rr,
// first): assign_server knows every server is full then and does not
// even call the algorithm. The proxy owns the backend queue, so it applies
// this rule before calling Pick.
func (s Spec) FullWhenBackendQueued() bool {
	return s.Algo == RoundRobin || s.Algo == StaticRR || s.Algo == First
}

// StaticWeightError is HAProxy's answer to "set server <b>/<s> weight" on a
// backend with a static algorithm, for a weight other than 0 or the
// configured one.
const StaticWeightError = "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'."

// CheckWeightChange says whether the runtime API may set a server whose
// configured weight is initial to weight w, with HAProxy's wording when it
// may not: 0..256, and for static algorithms only 0 or initial.
func (s Spec) CheckWeightChange(initial, w int) error {
	if w < 0 || w > MaxWeight {
		return errors.New("Absolute weight can only be between 0 and 256 inclusive.")
	}
	if w != 0 && w != initial && !s.Dynamic() {
		return errors.New(StaticWeightError)
	}
	return nil
}

// Name is the algorithm as the "balance" line names it, without options:
// "roundrobin", "hdr(Host)", "url_param(userid)", "random(3)". url_param is
// written with its parameter in parentheses, as lblab's --algo flag takes it.
func (s Spec) Name() string {
	switch s.Algo {
	case Hdr:
		return "hdr(" + s.Param + ")"
	case URLParam:
		return "url_param(" + s.Param + ")"
	case Random:
		if s.Draws != 0 {
			return "random(" + strconv.Itoa(s.Draws) + ")"
		}
	}
	return s.Algo.String()
}

// String is the canonical "balance" line for s, e.g.
// "balance uri whole len 12 depth 3" or "balance hdr(Host) use_domain_only".
// Words that need it are quoted as haproxy.cfg expects.
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString("balance ")
	switch s.Algo {
	case URI:
		b.WriteString("uri")
		if s.URIWhole {
			b.WriteString(" whole")
		}
		if s.URILen > 0 {
			b.WriteString(" len " + strconv.Itoa(s.URILen))
		}
		if s.URIDepth > 0 {
			b.WriteString(" depth " + strconv.Itoa(s.URIDepth))
		}
		if s.URIPathOnly {
			b.WriteString(" path-only")
		}
	case URLParam:
		b.WriteString("url_param " + cfgword.Quote(s.Param))
		if s.CheckPost {
			b.WriteString(" check_post")
		}
	case Hdr:
		b.WriteString(cfgword.Quote("hdr(" + s.Param + ")"))
		if s.UseDomainOnly {
			b.WriteString(" use_domain_only")
		}
	default:
		b.WriteString(s.Name())
	}
	return b.String()
}

// Lines are the configuration lines that say s, for a backend section:
// the balance line, then "hash-type" when the algorithm hashes and the
// type is not the default, then "hash-balance-factor" when it is set.
func (s Spec) Lines() []string {
	lines := []string{s.String()}
	if s.Hashing() && s.Hash != (HashType{}) {
		lines = append(lines, s.Hash.String())
	}
	if s.BalanceFactor != 0 {
		lines = append(lines, "hash-balance-factor "+strconv.Itoa(s.BalanceFactor))
	}
	return lines
}

// TCPFallbackWarning is HAProxy's warning, word for word, when a proxy in
// TCP mode uses an algorithm that needs HTTP. proxyType is "backend" for a
// backend section and "proxy" for a listen section.
func TCPFallbackWarning(proxyType, name string) string {
	return fmt.Sprintf("Layer 7 hash not possible for %s '%s' (needs 'mode http'). Falling back to round robin.", proxyType, name)
}

// ForTCP is what a proxy in TCP mode runs: HAProxy replaces uri, url_param
// and hdr by roundrobin and warns (TCPFallbackWarning, with the proxy's
// type and name). Other algorithms are returned unchanged with no warning.
func (s Spec) ForTCP(proxyType, name string) (Spec, string) {
	if !s.L7() {
		return s, ""
	}
	return Spec{Algo: RoundRobin, Hash: s.Hash, BalanceFactor: s.BalanceFactor},
		TCPFallbackWarning(proxyType, name)
}

// Validate checks a Spec built in code the way the parsers check text: the
// algorithm exists, options belong to it, numbers are in range.
func (s Spec) Validate() error {
	if s.Algo < RoundRobin || s.Algo > Random {
		return fmt.Errorf("balance: unknown algorithm %d", int(s.Algo))
	}
	if s.Algo != URI && (s.URIWhole || s.URILen != 0 || s.URIDepth != 0 || s.URIPathOnly) {
		return fmt.Errorf("balance %s: whole, len, depth and path-only belong to balance uri", s.Algo)
	}
	if s.URILen < 0 || s.URIDepth < 0 {
		return fmt.Errorf("balance uri: len and depth must be positive (got len %d, depth %d)", s.URILen, s.URIDepth)
	}
	if s.Algo == URLParam || s.Algo == Hdr {
		if err := checkParam(s.Algo, s.Param); err != nil {
			return err
		}
	} else if s.Param != "" {
		return fmt.Errorf("balance %s: a parameter or header name belongs to url_param or hdr() (got %q)", s.Algo, s.Param)
	}
	if s.CheckPost && s.Algo != URLParam {
		return fmt.Errorf("balance %s: check_post belongs to balance url_param", s.Algo)
	}
	if s.UseDomainOnly && s.Algo != Hdr {
		return fmt.Errorf("balance %s: use_domain_only belongs to balance hdr()", s.Algo)
	}
	if s.Draws < 0 || (s.Draws != 0 && s.Algo != Random) {
		return fmt.Errorf("balance %s: a number of draws belongs to random and must be at least 1 (got %d)", s.Algo, s.Draws)
	}
	if s.Hash.Func < SDBM || s.Hash.Func > CRC32 {
		return fmt.Errorf("hash-type: unknown hash function %d; accepted: sdbm, djb2, wt6, crc32", int(s.Hash.Func))
	}
	if s.BalanceFactor != 0 && (s.BalanceFactor <= 100 || s.BalanceFactor > maxInt32) {
		return fmt.Errorf("hash-balance-factor must be 0 or greater than 100 (got %d)", s.BalanceFactor)
	}
	return nil
}

// checkParam refuses names that no request can carry and that a config
// line cannot hold: empty ones, control characters, and for hdr() a ')'.
func checkParam(a Algo, p string) error {
	what := "url_param requires an URL parameter name"
	if a == Hdr {
		what = "hdr requires an http header field name"
	}
	if p == "" {
		return errors.New("balance " + what)
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("balance %s: the name %q holds a control character; names are printable text", a, p)
		}
	}
	if a == Hdr && strings.IndexByte(p, ')') >= 0 {
		return fmt.Errorf("balance hdr: the header name %q holds ')', which ends hdr(...)", p)
	}
	return nil
}

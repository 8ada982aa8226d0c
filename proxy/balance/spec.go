package balance

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

// HashFunc is a "hash-type" function.
type HashFunc int

// Hash functions of "hash-type" (src/hash.c).
const (
	SDBM HashFunc = iota // default
	DJB2
	WT6
	CRC32
)

// HashType is a backend's "hash-type" line: map-based or consistent, the
// function, and whether the avalanche (full_hash) modifier applies.
// The zero value is HAProxy's default: map-based sdbm, no avalanche.
type HashType struct {
	Consistent bool
	Func       HashFunc
	Avalanche  bool
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

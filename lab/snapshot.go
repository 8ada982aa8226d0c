package lab

import (
	"time"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/balance"
)

// Snapshot is one consistent picture of the running lab, for the dashboard,
// reports and expectations. Taking one is cheap (ten times a second is
// fine at thousands of requests per second) and it shares nothing with the
// lab: the reader may keep it.
type Snapshot struct {
	Name    string        // scenario or lab name, e.g. "ep06-leastconn" or "default"
	Title   string        // one line, e.g. "Ep 6: leastconn with two slow apps"
	Notes   string        // teaching notes, may be several paragraphs
	Time    time.Time     // lab clock
	Elapsed time.Duration // lab time since the counters were last reset
	Speed   float64       // lab seconds per real second
	Window  time.Duration // the "recent" window of RecentShare and RPS (lab time)

	Frontends []Frontend
	Backends  []Backend
	Apps      []App
	Traffic   Traffic
	Events    []Event // recent notices (server DOWN/UP, lab changes), oldest first
}

// Frontend is a frontend's counters, rule hits included.
type Frontend struct {
	proxy.FrontendStats
}

// Backend is a backend, its algorithm and its servers.
type Backend struct {
	Name     string
	Mode     proxy.Mode // in TCP mode counts are connections, not requests
	Balance  balance.Spec
	Algo     string // the "balance" arguments as written, e.g. "uri whole"
	HashType string // the "hash-type" arguments, e.g. "consistent sdbm avalanche"
	Total    int64  // requests (HTTP) or connections (TCP) that reached a server
	RPS      float64
	Errors   int64 // 5xx sent (a failed connection ends in one)
	Status   proxy.StatusCounts
	QCur     int
	Servers  []Server
}

// Server is one server: HAProxy's counters plus what the lab measures.
type Server struct {
	proxy.ServerStats
	Backend     string
	App         string    // the in-process app behind it, "" for an external server
	Share       float64   // of the backend's total since the last reset, 0..1
	RecentShare float64   // of the backend's requests over the last Window
	RPS         float64   // requests (or connections) per lab second over the last Window
	Latency     Latency   // of the requests it answered (lab time)
	Errors      int64     // 5xx sent plus connection errors
	ConnSeries  []float64 // requests in flight, one value per lab second, oldest first
	RPSSeries   []float64 // requests per lab second, oldest first
}

// Latency is a latency distribution summary.
type Latency struct {
	Count              int64
	P50, P90, P99, Max time.Duration
	Mean               time.Duration
}

// App is one in-process app.
type App struct {
	Name        string
	Addr        string
	Running     bool
	Delay       time.Duration
	Jitter      time.Duration
	ErrorRate   float64
	Profile     string
	Total       int64
	InFlight    int64
	MaxInFlight int64
	Latency     Latency
}

// Traffic is the traffic generator's state and accounting: every request
// sent is answered (by status), failed (by reason) or still in flight.
type Traffic struct {
	Enabled      bool // a generator is configured
	Paused       bool
	Mode         string  // "open" (a target rate) or "closed" (clients wait for answers)
	Rate         float64 // target requests per lab second (open loop)
	Clients      int
	Sent         int64
	Answered     int64
	Failed       int64
	InFlight     int64
	ByStatus     map[int]int64
	ByReason     map[string]int64
	AchievedRate float64 // requests sent per lab second over the last Window
	MeanRate     float64 // requests sent per lab second over the whole run
	Behind       bool    // the open loop cannot keep its target rate
	Skipped      int64   // arrivals never sent because the generator fell too far behind
	Note         string  // why, when Behind
}

// Event is a notice shown to the user: a server changing state, a lab
// change made from the dashboard or a scenario's timeline.
type Event struct {
	Time time.Time // lab clock
	Text string
}

// Placement shows why the next request goes where it goes, for one
// backend: the algorithm's state, where sample clients (or URIs) land, and
// how many of them moved at the last change.
type Placement struct {
	Backend string
	Kind    balance.PlacementKind
	Servers []string // server names by index; the fields below refer to them
	Next    []int    // Sequence (and Table): the coming picks
	Map     []int    // Table: the map's slots
	Order   []int    // Ordering: leastconn's order, next pick first
	Nodes   []RingNode
	Keys    []KeyPlace // sample keys and their server
	Moved   *Moved     // the last change's effect on the sample keys, if any
}

// RingNode is one consistent-hash ring node.
type RingNode struct {
	Key    uint32
	Server int
}

// KeyPlace is a hash key (a client IP, a URI, a header or parameter value)
// and the server it maps to (-1: none usable).
type KeyPlace struct {
	Key    string
	Hash   uint32
	Server int
}

// Moved is how many sample keys changed server at a change.
type Moved struct {
	Change string // e.g. "server3 removed"
	Keys   int    // sample size
	Count  int    // keys now on another server
}

package proxy

import (
	"sync/atomic"
	"time"

	"github.com/lblab/lblab/proxy/check"
)

// Stats is a snapshot of every counter, as HAProxy's stats page shows them.
// Taking it never blocks request processing for long: counters are atomics
// and each backend's lock is held only to copy a few fields.
type Stats struct {
	ActConn   int64
	Frontends []FrontendStats
	Backends  []BackendStats
}

// StatusCounts are responses by class: 1xx, 2xx, 3xx, 4xx, 5xx, other.
type StatusCounts [6]int64

// RuleStats is one rule and how many requests (or connections) it matched.
type RuleStats struct {
	Text    string // the line as written
	Backend string // use_backend: the backend it sends to
	Hits    int64
}

// FrontendStats are a frontend's counters.
type FrontendStats struct {
	Name        string
	Mode        Mode
	Binds       []string
	Conns       int64 // current (feconn)
	ConnTotal   int64
	Requests    int64 // HTTP requests received
	Denied      int64 // requests denied by http-request rules (dreq)
	ConnDenied  int64 // connections refused by tcp-request rules
	BadRequests int64 // malformed requests (ereq)
	BytesOut    int64
	Status      StatusCounts
	UseBackends []RuleStats
	HTTPRules   []RuleStats
	TCPRules    []RuleStats
	DefaultHits int64 // requests that went to default_backend
	NoBackend   int64 // requests with no backend (503)
}

// BackendStats are a backend's counters and its servers'.
type BackendStats struct {
	Name     string
	Mode     Mode
	Balance  string // the "balance" line's arguments, e.g. "uri whole"
	HashType string // the "hash-type" line's arguments
	Cur, Max int64
	Total    int64
	LbTot    int64
	QCur     int
	QMax     int64
	ConnErr  int64
	RespErr  int64
	Retries  int64
	Redisp   int64
	Status   StatusCounts
	Active   int // usable active servers
	Backup   int // usable backup servers
	Weight   int // sum of the usable servers' weights
	Servers  []ServerStats
}

// ServerStats are one server's counters, HAProxy's stats CSV fields.
type ServerStats struct {
	Name     string
	Addr     string
	ID       int
	Index    int
	Backup   bool
	Status   string // UP, DOWN, MAINT, DRAIN, no check, UP 1/3, DOWN 1/2
	Usable   bool   // the balancer may pick it
	Weight   int
	Cur      int64 // scur: requests (HTTP) or connections (TCP) on it now
	Max      int64 // smax
	Total    int64 // stot
	LbTot    int64 // times picked by the balancer
	QCur     int   // queued on this server now
	QMax     int64
	MaxConn  int
	MaxQueue int
	ConnErr  int64 // econ
	RespErr  int64 // eresp
	Retries  int64 // wretr
	Redisp   int64 // wredis
	BytesOut int64
	Status5  StatusCounts
	TTimeAvg time.Duration // average total time of its requests (lab time)
	LastSess time.Time     // lab time of its last stream; zero if none

	Checked       bool
	CheckStatus   string // L4OK, L4CON, L7OK, L7STS, …
	CheckCode     int
	CheckDesc     string
	CheckDuration time.Duration
	CheckFail     int64 // chkfail
	CheckDown     int64 // chkdown
	LastChange    time.Time
}

// Stats takes a snapshot of every frontend, backend and server.
func (p *Proxy) Stats() Stats {
	st := Stats{ActConn: p.actconn.Load()}
	for _, f := range p.frontends {
		st.Frontends = append(st.Frontends, f.stats())
	}
	for _, b := range p.order {
		st.Backends = append(st.Backends, b.stats())
	}
	return st
}

func loadStatus(a *[6]atomic.Int64) StatusCounts {
	var out StatusCounts
	for i := range a {
		out[i] = a[i].Load()
	}
	return out
}

func (f *frontend) stats() FrontendStats {
	fs := FrontendStats{Name: f.cfg.Name, Mode: f.cfg.Mode, Conns: f.conns.Load(),
		ConnTotal: f.c.connTotal.Load(), Requests: f.c.reqTotal.Load(), Denied: f.c.denied.Load(),
		ConnDenied: f.c.connDeny.Load(), BadRequests: f.c.badReq.Load(), BytesOut: f.c.bytesOut.Load(),
		Status: loadStatus(&f.c.status), DefaultHits: f.c.defHits.Load(), NoBackend: f.c.noBackend.Load()}
	for _, ln := range f.listeners {
		fs.Binds = append(fs.Binds, ln.Addr().String())
	}
	if len(fs.Binds) == 0 {
		fs.Binds = append(fs.Binds, f.cfg.Binds...)
	}
	for i, u := range f.cfg.UseBackends {
		fs.UseBackends = append(fs.UseBackends, RuleStats{Text: u.Text, Backend: u.Backend, Hits: f.c.useHits[i].Load()})
	}
	for i, r := range f.cfg.HTTPRules {
		fs.HTTPRules = append(fs.HTTPRules, RuleStats{Text: r.Text, Hits: f.c.ruleHits[i].Load()})
	}
	for i, r := range f.cfg.TCPConnRules {
		fs.TCPRules = append(fs.TCPRules, RuleStats{Text: r.Text, Hits: f.c.tcpHits[i].Load()})
	}
	return fs
}

func (b *backend) stats() BackendStats {
	bs := BackendStats{Name: b.cfg.Name, Mode: b.cfg.Mode, Cur: b.c.cur.Load(), Max: b.c.max.Load(),
		Total: b.c.total.Load(), LbTot: b.c.lbtot.Load(), QMax: b.c.qmax.Load(),
		ConnErr: b.c.econ.Load(), RespErr: b.c.eresp.Load(), Retries: b.c.retries.Load(),
		Redisp: b.c.redisp.Load(), Status: loadStatus(&b.c.status)}
	b.mu.Lock()
	defer b.mu.Unlock()
	bs.Balance, bs.HashType = b.cfg.Balance.Args(), b.cfg.Balance.Hash.Args()
	bs.QCur = b.queue.n
	for _, s := range b.servers {
		ss := s.stats()
		if ss.Usable {
			bs.Weight += ss.Weight
			if ss.Backup {
				bs.Backup++
			} else {
				bs.Active++
			}
		}
		bs.Servers = append(bs.Servers, ss)
	}
	return bs
}

// stats copies a server's state; the backend lock is held.
func (s *server) stats() ServerStats {
	ss := ServerStats{Name: s.cfg.Name, Addr: s.cfg.Addr, ID: s.lb.ID, Index: s.lb.Index,
		Backup: s.lb.Backup, Usable: s.lb.Usable(), Weight: s.lb.Weight,
		Cur: s.c.cur.Load(), Max: s.c.max.Load(), Total: s.c.total.Load(), LbTot: s.c.lbtot.Load(),
		QCur: s.queue.n, QMax: s.c.qmax.Load(), MaxConn: s.lb.MaxConn, MaxQueue: s.lb.MaxQueue,
		ConnErr: s.c.econ.Load(), RespErr: s.c.eresp.Load(), Retries: s.c.retries.Load(),
		Redisp: s.c.redisp.Load(), BytesOut: s.c.bytesOut.Load(), Status5: loadStatus(&s.c.status),
		Checked: s.check.enabled, CheckStatus: s.check.status, CheckCode: s.check.code,
		CheckDesc: s.check.desc, CheckDuration: s.check.duration, CheckFail: s.check.failed,
		CheckDown: s.check.downs, LastChange: s.check.lastChg}
	if n := s.c.ttimeN.Load(); n > 0 {
		ss.TTimeAvg = time.Duration(s.c.ttimeSum.Load()/n) * time.Millisecond
	}
	if t := s.c.lastSess.Load(); t != 0 {
		ss.LastSess = time.Unix(0, t)
	}
	ss.Status = s.statusLabel()
	return ss
}

// statusLabel is the stats page's status column (stats_fill_sv_stats).
func (s *server) statusLabel() string {
	h := check.Health{Value: s.check.health, Rise: s.cfg.Rise, Fall: s.cfg.Fall}
	switch {
	case s.lb.Maint:
		return "MAINT"
	case !s.lb.Up:
		if s.check.enabled {
			return h.Label()
		}
		return "DOWN"
	case s.lb.Drain:
		if s.check.enabled && !h.Full() {
			return "DRAIN " + h.Label()[3:]
		}
		return "DRAIN"
	case !s.check.enabled:
		return "no check"
	}
	return h.Label()
}

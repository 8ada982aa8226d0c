package proxy

import (
	"time"

	"github.com/lblab/lblab/proxy/acl"
	"github.com/lblab/lblab/proxy/balance"
)

// Mode is a proxy section's "mode".
type Mode int

// Modes of a frontend or backend.
const (
	HTTP Mode = iota
	TCP
)

func (m Mode) String() string {
	if m == TCP {
		return "tcp"
	}
	return "http"
}

// Config is what an haproxy.cfg says, in the subset the lab runs. It is built
// by the config parser or programmatically by the lab, and validated by New.
// Addresses are dialable: the lab resolves app names before handing it over.
type Config struct {
	MaxConn   int // global maxconn; 0 = unlimited
	Frontends []*Frontend
	Backends  []*Backend
}

// Timeouts are a section's "timeout" lines; zero means unset (infinite,
// except Queue, which falls back to Connect, and Check, to the server's inter).
type Timeouts struct {
	Connect time.Duration
	Client  time.Duration
	Server  time.Duration
	Queue   time.Duration
	Check   time.Duration
}

// Frontend is a "frontend" section (or the front half of "listen").
type Frontend struct {
	Name     string
	Mode     Mode
	Binds    []string // listen addresses, host:port
	MaxConn  int
	Timeouts Timeouts

	HTTPLog     bool // option httplog
	TCPLog      bool // option tcplog
	DontLogNull bool // option dontlognull
	ForwardFor  bool // option forwardfor

	ACLs           *acl.Set
	TCPConnRules   []TCPRule    // tcp-request connection ...
	HTTPRules      []HTTPRule   // http-request ...
	UseBackends    []UseBackend // use_backend NAME if/unless ...
	DefaultBackend string
}

// Action is what a rule does when its condition matches.
type Action int

// Rule actions.
const (
	Allow Action = iota // http-request allow, tcp-request connection accept
	Deny                // http-request deny, tcp-request connection reject
)

// TCPRule is a "tcp-request connection accept|reject [if|unless cond]" line.
type TCPRule struct {
	Action Action
	Cond   *acl.Cond // nil: always
	Text   string    // the line as written, for display
}

// HTTPRule is an "http-request allow|deny [deny_status N] [if|unless cond]" line.
type HTTPRule struct {
	Action     Action
	DenyStatus int // 0 means 403
	Cond       *acl.Cond
	Text       string
}

// UseBackend is a "use_backend NAME [if|unless cond]" line.
type UseBackend struct {
	Backend string
	Cond    *acl.Cond
	Text    string
}

// Backend is a "backend" section (or the back half of "listen").
type Backend struct {
	Name     string
	Mode     Mode
	Balance  balance.Spec
	Servers  []*Server
	Timeouts Timeouts

	Retries    int  // default 3
	Redispatch int  // option redispatch [interval]: 0 off, -1 on the last retry, P every P-th retry
	ForwardFor bool // option forwardfor
	HTTPCheck  *HTTPCheck
}

// HTTPCheck is "option httpchk [METHOD] [URI] [VERSION]"; nil means checks
// are plain TCP connects.
type HTTPCheck struct {
	Method  string // default OPTIONS
	URI     string // default /
	Version string // default HTTP/1.0
}

// Server is a "server NAME ADDR [options]" line.
type Server struct {
	Name     string
	Addr     string // host:port to dial
	Weight   int    // 0..256; the parser sets the default 1
	ID       int    // 0 = assign automatically
	Backup   bool
	Disabled bool // starts in maintenance

	Check     bool
	Inter     time.Duration // default 2s
	FastInter time.Duration // default Inter
	DownInter time.Duration // default Inter
	Rise      int           // default 2
	Fall      int           // default 3

	MaxConn  int
	MaxQueue int
}

// Defaults HAProxy applies when a line leaves them out.
const (
	DefaultInter   = 2 * time.Second // DEF_CHKINTR
	DefaultRise    = 2               // DEF_RISETIME
	DefaultFall    = 3               // DEF_FALLTIME
	DefaultRetries = 3               // CONN_RETRIES
)

// NewServer returns a server line with HAProxy's defaults: weight 1, and
// inter 2s, rise 2, fall 3 for when checks are enabled.
func NewServer(name, addr string) *Server {
	return &Server{Name: name, Addr: addr, Weight: 1,
		Inter: DefaultInter, FastInter: DefaultInter, DownInter: DefaultInter,
		Rise: DefaultRise, Fall: DefaultFall}
}

// NewBackend returns a backend section with HAProxy's defaults: roundrobin,
// retries 3, no redispatch.
func NewBackend(name string, mode Mode) *Backend {
	return &Backend{Name: name, Mode: mode, Retries: DefaultRetries}
}

// Clone returns a copy of c that shares nothing mutable with it (ACL sets
// and conditions, which nothing changes after parsing, are shared).
func (c *Config) Clone() *Config {
	out := &Config{MaxConn: c.MaxConn}
	for _, f := range c.Frontends {
		fc := *f
		fc.Binds = append([]string(nil), f.Binds...)
		fc.TCPConnRules = append([]TCPRule(nil), f.TCPConnRules...)
		fc.HTTPRules = append([]HTTPRule(nil), f.HTTPRules...)
		fc.UseBackends = append([]UseBackend(nil), f.UseBackends...)
		out.Frontends = append(out.Frontends, &fc)
	}
	for _, b := range c.Backends {
		bc := *b
		if b.HTTPCheck != nil {
			hc := *b.HTTPCheck
			bc.HTTPCheck = &hc
		}
		bc.Servers = make([]*Server, len(b.Servers))
		for i, s := range b.Servers {
			sc := *s
			bc.Servers[i] = &sc
		}
		out.Backends = append(out.Backends, &bc)
	}
	return out
}

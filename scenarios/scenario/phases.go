package scenario

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lblab/lblab/lab/traffic"
)

var phaseKeys = []string{"name", "duration", "requests", "rate", "clients", "think", "timeout", "seed",
	"mix", "groups", "hold", "payload"}

// Limits that keep a scenario's load bounded.
const (
	maxRate     = 100000
	maxClients  = 10000
	maxRequests = 10000000
	maxWeight   = 1000000
)

// phases reads the phases: list (at least one).
func (p *parser) phases(f *fields) []*Phase {
	n, at, ok := f.get("phases")
	if !ok {
		p.d.errorf(f.at, "found no phases; expected a phases: list saying what traffic to send and for how long")
		return nil
	}
	items, ok := p.d.seq(n, at, "the scenario's traffic phases")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.d.errorf(at, "found no phases; expected at least one")
	}
	var out []*Phase
	for _, it := range items {
		ph := p.phase(it)
		if ph == nil {
			continue
		}
		for _, o := range out {
			if o.Name == ph.Name {
				p.d.errorf(ph.Pos, "found phase %q a second time; expected each phase name once", ph.Name)
			}
		}
		out = append(out, ph)
	}
	return out
}

func (p *parser) phase(n ast.Node) *Phase {
	f, ok := p.d.newFields(n, posOf(n), "a phase", phaseKeys)
	if !ok {
		return nil
	}
	ph := &Phase{Pos: f.at, Seed: 1}
	name, nat, ok := f.str("name", "the phase's name")
	switch {
	case !ok && !f.has("name"):
		p.d.errorf(f.at, "found a phase without a name; expected name: e.g. warmup")
	case ok && !nameRe.MatchString(name):
		p.d.errorf(nat, "found phase name %q; expected lower-case letters, digits, '.', '_' or '-'", name)
	}
	ph.Name = name
	where := fmt.Sprintf("phase %s", name)
	if v, at, ok := f.duration("duration", "how long the phase sends (lab time)"); ok {
		if v <= 0 {
			p.d.errorf(at, "found duration 0; expected a positive duration, e.g. 30s")
		}
		ph.Duration = v
	}
	if v, _, ok := f.int("requests", "how many requests the phase sends", 1, maxRequests); ok {
		ph.Requests = v
	}
	if !f.has("duration") && !f.has("requests") {
		p.d.errorf(f.at, "found %s without duration or requests; expected one of them: every phase is bounded", where)
	}
	if v, _, ok := f.float("rate", "requests per lab second (open loop)", 0, maxRate); ok {
		ph.Rate = v
	}
	if v, _, ok := f.int("clients", "how many virtual clients send", 1, maxClients); ok {
		ph.Clients = int(v)
	}
	if v, _, ok := f.duration("think", "a client's pause between requests (closed loop)"); ok {
		ph.Think = v
	}
	if v, at, ok := f.duration("timeout", "how long a request may take"); ok {
		if v == 0 {
			p.d.errorf(at, "found timeout 0; expected a positive duration, e.g. 60s")
		}
		ph.Timeout = v
	}
	if v, _, ok := f.int("seed", "the seed of the request mix", 0, 1<<62); ok {
		ph.Seed = uint64(v)
	}
	if v, _, ok := f.duration("hold", "how long each TCP connection stays open"); ok {
		ph.Hold = v
	}
	if s, at, ok := f.str("payload", "what each TCP connection sends"); ok {
		if s == "" {
			p.d.errorf(at, "found an empty payload; expected the bytes a TCP connection sends, e.g. \"GET / HTTP/1.0\\r\\n\\r\\n\"")
		}
		ph.Payload = s
	}
	if f.has("think") && ph.Rate > 0 {
		p.d.errorf(f.keyPos("think"), "found think with a rate; expected one of them: think paces a closed loop, rate an open one")
	}
	if n, at, ok := f.get("mix"); ok {
		ph.Mix = p.mix(n, at, where)
	}
	if n, at, ok := f.get("groups"); ok {
		if f.has("clients") {
			p.d.errorf(f.keyPos("clients"), "found clients next to groups; expected the clients given per group")
		}
		ph.Groups = p.groups(n, at, where)
	}
	return ph
}

var requestKeys = []string{"method", "path", "headers", "body", "weight"}

// mix reads a request mix (at least one request).
func (p *parser) mix(n ast.Node, at Pos, where string) []Request {
	items, ok := p.d.seq(n, at, "a request mix")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.d.errorf(at, "found an empty mix in %s; expected at least one request, or no mix (GET /)", where)
	}
	var out []Request
	for _, it := range items {
		f, ok := p.d.newFields(it, posOf(it), "a request", requestKeys)
		if !ok {
			continue
		}
		r := Request{Pos: f.at, Method: "GET", Path: "/"}
		if s, at, ok := f.str("method", "an HTTP method"); ok {
			if i := badToken(s); s == "" || i >= 0 {
				p.d.errorf(at, "found method %q; expected letters such as GET or POST (sent as written)", s)
			}
			r.Method = s
		}
		if s, at, ok := f.str("path", "a request target"); ok {
			if s == "" || strings.IndexFunc(s, func(c rune) bool { return c <= ' ' || c == 0x7f }) >= 0 {
				p.d.errorf(at, "found path %q; expected a request target without spaces or control characters, e.g. /static/app.css (percent-encode the rest)", s)
			}
			r.Path = s
		}
		if hn, hat, ok := f.get("headers"); ok {
			r.Headers = p.headers(hn, hat)
		}
		if s, _, ok := f.str("body", "the request body"); ok {
			r.Body = s
		}
		if v, _, ok := f.int("weight", "the request's share of the mix", 0, maxWeight); ok {
			r.Weight = int(v)
		}
		out = append(out, r)
	}
	return out
}

// headers reads a mapping of header names to values, in written order.
func (p *parser) headers(n ast.Node, at Pos) []traffic.Header {
	es, ok := p.d.mappingEntries(n, at, "request headers (Name: value)")
	if !ok {
		return nil
	}
	var out []traffic.Header
	for _, e := range es {
		if i := badToken(e.key); i >= 0 || e.key == "" {
			p.d.errorf(e.keyPos, "found header name %q; expected letters, digits and '-', e.g. User-Agent", e.key)
		}
		v, ok := p.d.scalar(e.val, e.keyPos, "the header's value")
		if !ok {
			continue
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			p.d.errorf(posOf(e.val), "found a header value with a line break or NUL; expected one line")
		}
		out = append(out, traffic.Header{Name: e.key, Value: v})
	}
	return out
}

// badToken returns the index of the first character not allowed in an
// HTTP token (method, header name), -1 if none.
func badToken(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return i
		}
	}
	return -1
}

var groupKeys = []string{"name", "range", "clients", "mix"}

// groups reads a phase's client groups: distinct names, ranges that do
// not overlap (a request's group is found from its source address).
func (p *parser) groups(n ast.Node, at Pos, where string) []Group {
	items, ok := p.d.seq(n, at, "client groups")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.d.errorf(at, "found no groups in %s; expected at least one, or no groups key", where)
	}
	var out []Group
	for _, it := range items {
		f, ok := p.d.newFields(it, posOf(it), "a client group", groupKeys)
		if !ok {
			continue
		}
		g := Group{Pos: f.at, Clients: traffic.DefaultClients}
		name, nat, ok := f.str("name", "the group's name")
		switch {
		case !ok && !f.has("name"):
			p.d.errorf(f.at, "found a group without a name; expected name: e.g. internal")
		case ok && !nameRe.MatchString(name):
			p.d.errorf(nat, "found group name %q; expected lower-case letters, digits, '.', '_' or '-'", name)
		}
		g.Name = name
		pf, pat, ok := f.prefix("range", "the clients' source addresses")
		if !ok && !f.has("range") {
			p.d.errorf(f.at, "found group %s without a range; expected range: e.g. 127.0.0.0/24", name)
		}
		g.Range = pf
		if v, cat, ok := f.int("clients", "how many clients the group has", 1, maxClients); ok {
			g.Clients = int(v)
			if pf.IsValid() && g.Clients > traffic.UsableAddrs(pf) {
				p.d.errorf(cat, "found %d clients; expected at most %d, the usable addresses of %s", g.Clients, traffic.UsableAddrs(pf), pf)
			}
		}
		if mn, mat, ok := f.get("mix"); ok {
			g.Mix = p.mix(mn, mat, "group "+name)
		}
		for _, o := range out {
			if o.Name == g.Name {
				p.d.errorf(nat, "found group %q a second time in %s; expected each group once", g.Name, where)
			}
			if pf.IsValid() && o.Range.IsValid() && o.Range.Overlaps(pf) {
				p.d.errorf(pat, "found range %s, which overlaps group %s's %s; expected ranges apart, so that each request's group is known", pf, o.Name, o.Range)
			}
		}
		out = append(out, g)
	}
	return out
}

// Traffic returns the generator's config for the phase (without target
// and clock, which the lab sets).
func (ph *Phase) Traffic() traffic.Config {
	tc := traffic.Config{Rate: ph.Rate, Think: ph.Think, Duration: ph.Duration, Requests: ph.Requests,
		Timeout: ph.Timeout, Seed: ph.Seed, Mix: entries(ph.Mix),
		TCP: traffic.TCPOptions{Payload: ph.Payload, Hold: ph.Hold}}
	if len(ph.Groups) == 0 {
		tc.Groups = []traffic.Group{{Clients: ph.Clients}}
	}
	for _, g := range ph.Groups {
		tc.Groups = append(tc.Groups, traffic.Group{Name: g.Name, Prefix: g.Range, Clients: g.Clients, Mix: entries(g.Mix)})
	}
	return tc
}

// GroupOf returns the name of the group whose range holds addr: the
// generator's default group ("clients") when the phase declares none, ""
// for an address outside every range.
func (ph *Phase) GroupOf(addr netip.Addr) string {
	if len(ph.Groups) == 0 {
		return traffic.DefaultGroupName
	}
	for _, g := range ph.Groups {
		if g.Range.Contains(addr) {
			return g.Name
		}
	}
	return ""
}

// GroupNames lists the phase's client groups.
func (ph *Phase) GroupNames() []string {
	if len(ph.Groups) == 0 {
		return []string{traffic.DefaultGroupName}
	}
	var out []string
	for _, g := range ph.Groups {
		out = append(out, g.Name)
	}
	return out
}

func entries(rs []Request) []traffic.Entry {
	var out []traffic.Entry
	for _, r := range rs {
		out = append(out, traffic.Entry{Method: r.Method, Path: r.Path, Headers: r.Headers, Body: r.Body, Weight: r.Weight})
	}
	return out
}

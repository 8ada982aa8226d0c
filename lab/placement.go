package lab

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lblab/lblab/lab/traffic"
	"github.com/lblab/lblab/proxy/balance"
)

// sampleSize is how many keys the placement view shows and counts moves
// over.
const sampleSize = 32

// nextPicks is how many coming picks the placement view shows.
const nextPicks = 12

// Placement shows why the next request to backend goes where it goes.
func (l *Lab) Placement(backend string) (Placement, error) {
	p, err := l.running()
	if err != nil {
		return Placement{}, err
	}
	pp, err := p.Placement(backend, nextPicks)
	if err != nil {
		return Placement{}, err
	}
	out := Placement{Backend: backend, Kind: pp.Kind, Servers: pp.Servers, Next: pp.Next, Map: pp.Map, Order: pp.Order}
	for _, n := range pp.Nodes {
		out.Nodes = append(out.Nodes, RingNode{Key: n.Key, Server: n.Server})
	}
	labels, reqs := l.sampleKeys(pp.Spec)
	if len(reqs) > 0 {
		idx, err := p.Locate(backend, reqs)
		if err != nil {
			return Placement{}, err
		}
		for i := range reqs {
			h, _ := balance.KeyHash(pp.Spec, &reqs[i])
			out.Keys = append(out.Keys, KeyPlace{Key: labels[i], Hash: h, Server: idx[i]})
		}
	}
	l.mu.Lock()
	if m := l.moved[backend]; m != nil {
		cp := *m
		out.Moved = &cp
	}
	l.mu.Unlock()
	return out, nil
}

// sampleKeys are the hash keys the placement view follows: the traffic's
// client addresses for source, its paths for uri, its header or parameter
// values for hdr and url_param, with made-up ones when there is no
// traffic. Nil for algorithms that do not hash.
func (l *Lab) sampleKeys(spec balance.Spec) ([]string, []balance.Request) {
	var labels []string
	var reqs []balance.Request
	add := func(label string, r balance.Request) {
		if len(reqs) < sampleSize {
			labels, reqs = append(labels, label), append(reqs, r)
		}
	}
	switch spec.Algo {
	case balance.Source:
		for _, a := range l.clientAddrs() {
			add(a.String(), balance.Request{Src: a})
		}
	case balance.URI:
		for _, u := range l.samplePaths() {
			add(u, balance.Request{HTTP: true, Method: "GET", URI: u})
		}
	case balance.URLParam:
		for i := 1; i <= sampleSize; i++ {
			uri := fmt.Sprintf("/?%s=%d", spec.Param, i)
			add(uri, balance.Request{HTTP: true, Method: "GET", URI: uri})
		}
	case balance.Hdr:
		for _, v := range l.sampleHeader(spec.Param) {
			value := v
			add(spec.Param+": "+v, balance.Request{HTTP: true, Method: "GET", URI: "/",
				Header: func(name string) (string, bool) {
					if strings.EqualFold(name, spec.Param) {
						return value, true
					}
					return "", false
				}})
		}
	}
	return labels, reqs
}

// clientAddrs are the traffic's first client addresses, or made-up ones.
func (l *Lab) clientAddrs() []netip.Addr {
	var groups []traffic.Group
	if tc := l.trafficConfig(); tc != nil {
		groups = tc.Groups
	}
	if len(groups) == 0 {
		groups = []traffic.Group{{Clients: sampleSize}}
	}
	var out []netip.Addr
	for _, g := range groups {
		out = append(out, g.ClientAddrs(sampleSize)...)
	}
	return out
}

// samplePaths are the traffic's paths, completed with made-up ones so a
// uri hash has several keys to place.
func (l *Lab) samplePaths() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if tc := l.trafficConfig(); tc != nil {
		for _, e := range tc.Mix {
			add(e.Path)
		}
		for _, g := range tc.Groups {
			for _, e := range g.Mix {
				add(e.Path)
			}
		}
	}
	add("/")
	add("/data")
	for i := 1; len(out) < 16; i++ {
		add(fmt.Sprintf("/img/%d.png", i))
	}
	return out
}

// sampleHeader are the traffic's values of header name, completed with
// made-up ones.
func (l *Lab) sampleHeader(name string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	if tc := l.trafficConfig(); tc != nil {
		mixes := [][]traffic.Entry{tc.Mix}
		for _, g := range tc.Groups {
			mixes = append(mixes, g.Mix)
		}
		for _, mix := range mixes {
			for _, e := range mix {
				for _, h := range e.Headers {
					if strings.EqualFold(h.Name, name) {
						add(h.Value)
					}
				}
			}
		}
	}
	for i := 1; len(out) < 12; i++ {
		add(fmt.Sprintf("value-%d", i))
	}
	return out
}

// keySample is where backend's sample keys land: server names ("" for
// none), and what kind of key they are, so that only placements of the
// same keys are compared. Names, not indexes, so a removed server does not
// shift the others.
type keySample struct {
	kind    string // e.g. "source", "url_param id"; "" when the algorithm does not hash
	servers []string
}

func (l *Lab) locateAll(backend string) keySample {
	p, err := l.running()
	if err != nil {
		return keySample{}
	}
	pp, err := p.Placement(backend, 0)
	if err != nil {
		return keySample{}
	}
	_, reqs := l.sampleKeys(pp.Spec)
	if len(reqs) == 0 {
		return keySample{}
	}
	idx, err := p.Locate(backend, reqs)
	if err != nil {
		return keySample{}
	}
	ks := keySample{kind: pp.Spec.Algo.String() + " " + pp.Spec.Param, servers: make([]string, len(idx))}
	for i, k := range idx {
		if k >= 0 && k < len(pp.Servers) {
			ks.servers[i] = pp.Servers[k]
		}
	}
	return ks
}

// change runs fn and records how many sample keys changed server.
func (l *Lab) change(backend, what string, fn func() error) error {
	before := l.locateAll(backend)
	if err := fn(); err != nil {
		return err
	}
	after := l.locateAll(backend)
	l.recordMoves(backend, what, before, after)
	return nil
}

// recordMoves keeps how many sample keys changed server at a change; when
// the keys themselves changed (another algorithm hashes something else),
// there is nothing to compare and the last record is dropped.
func (l *Lab) recordMoves(backend, what string, before, after keySample) {
	var m *Moved
	if before.kind != "" && before.kind == after.kind && len(before.servers) == len(after.servers) {
		m = &Moved{Change: what, Keys: len(after.servers)}
		for i := range after.servers {
			if before.servers[i] != after.servers[i] {
				m.Count++
			}
		}
	}
	l.mu.Lock()
	l.moved[backend] = m
	l.mu.Unlock()
}

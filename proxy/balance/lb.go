package balance

import (
	"errors"
	"fmt"
)

// This file holds what every family shares, as HAProxy's struct lbprm and
// the helpers of backend.c and backend.h: the committed ("current") state
// of each server, the counts and total weights of usable servers, and the
// first backup server.

// srvCur is the state of a server as the algorithm last applied it
// (HAProxy's cur_state, cur_admin and cur_eweight). The Server's exported
// fields play the part of next_state, next_admin and next_eweight.
type srvCur struct {
	eweight uint32
	up      bool
	maint   bool
	drain   bool
}

// base is HAProxy's lbprm without the per-family trees.
type base struct {
	spec    Spec
	srv     []*Server
	cur     []srvCur
	iweight []int // weights at New: static algorithms ignore other non-zero weights
	wmult   uint32
	wdiv    uint32
	static  bool

	srvAct, srvBck   int
	totWact, totWbck int
	fbck             int // first usable backup server, -1 if none
	totWeight        int
	totUsed          int
	cumw             []uint32 // cumulative_weight, for bounded-load hashing
}

// newBase checks the servers and prepares the shared state with HAProxy's
// defaults wmult = wdiv = 1 (each family then sets its scale).
func newBase(spec Spec, servers []*Server) (base, error) {
	if err := spec.Validate(); err != nil {
		return base{}, err
	}
	if err := checkServers(servers); err != nil {
		return base{}, err
	}
	b := base{
		spec:    spec,
		srv:     servers,
		cur:     make([]srvCur, len(servers)),
		iweight: make([]int, len(servers)),
		cumw:    make([]uint32, len(servers)),
		wmult:   1,
		wdiv:    1,
		fbck:    -1,
	}
	for i, s := range servers {
		b.iweight[i] = s.Weight
	}
	return b, nil
}

func checkServers(servers []*Server) error {
	ids := make(map[int]string, len(servers))
	for i, s := range servers {
		if s == nil {
			return fmt.Errorf("balance: server %d is nil", i)
		}
		if s.Index != i {
			return fmt.Errorf("balance: server %s has Index %d but sits at position %d of the backend", s.Name, s.Index, i)
		}
		if s.Weight < 0 || s.Weight > MaxWeight {
			return fmt.Errorf("balance: server %s: weight %d is outside 0..%d", s.Name, s.Weight, MaxWeight)
		}
		if s.ID <= 0 {
			return fmt.Errorf("balance: server %s has no id (call AssignIDs first)", s.Name)
		}
		if other, ok := ids[s.ID]; ok {
			return fmt.Errorf("balance: servers %s and %s share id %d", other, s.Name, s.ID)
		}
		ids[s.ID] = s.Name
	}
	if len(servers) > maxServers {
		return errors.New("balance: too many servers")
	}
	return nil
}

// maxServers keeps node ids of a hash ring (server*4096 + node) in an int32.
const maxServers = 1 << 18

// uweight is the weight the algorithm applies: the Server's, clamped to
// 0..256, and for static algorithms either 0 or the configured weight
// (HAProxy's runtime API refuses any other value for them).
func (b *base) uweight(i int) uint32 {
	w := b.srv[i].Weight
	switch {
	case w <= 0:
		return 0
	case b.static:
		return uint32(b.iweight[i])
	case w > MaxWeight:
		return MaxWeight
	}
	return uint32(w)
}

// nextEweight is next_eweight: ceil(uweight * wdiv / wmult).
func (b *base) nextEweight(i int) uint32 {
	if b.wmult == 1 {
		return b.uweight(i) * b.wdiv
	}
	return (b.uweight(i)*b.wdiv + b.wmult - 1) / b.wmult
}

// willbe is srv_willbe_usable: by the state the backend has just set.
func (b *base) willbe(i int) bool {
	s := b.srv[i]
	return b.nextEweight(i) != 0 && s.Up && !s.Maint && !s.Drain
}

// currently is srv_currently_usable: by the state last applied.
func (b *base) currently(i int) bool {
	c := b.cur[i]
	return c.eweight != 0 && c.up && !c.maint && !c.drain
}

// changed is srv_lb_status_changed.
func (b *base) changed(i int) bool {
	s := b.srv[i]
	c := b.cur[i]
	return c.up != s.Up || c.maint != s.Maint || c.drain != s.Drain || c.eweight != b.nextEweight(i)
}

// commit is srv_lb_commit_status.
func (b *base) commit(i int) {
	s := b.srv[i]
	b.cur[i] = srvCur{eweight: b.nextEweight(i), up: s.Up, maint: s.Maint, drain: s.Drain}
}

func (b *base) commitAll() {
	for i := range b.srv {
		b.commit(i)
	}
}

// recount is recount_servers: usable servers, their weights, the first
// backup and each server's cumulative weight, by the new state.
func (b *base) recount() {
	b.srvAct, b.srvBck, b.totWact, b.totWbck, b.fbck = 0, 0, 0, 0, -1
	for i, s := range b.srv {
		if !b.willbe(i) {
			continue
		}
		w := int(b.nextEweight(i))
		if s.Backup {
			if b.srvBck == 0 {
				b.fbck = i // no "option allbackups": only the first backup serves
			}
			b.srvBck++
			b.cumw[i] = uint32(b.totWbck)
			b.totWbck += w
		} else {
			b.srvAct++
			b.cumw[i] = uint32(b.totWact)
			b.totWact += w
		}
	}
}

// updateBackendWeight is update_backend_weight: the weight and count of
// the servers that take traffic now (actives, else the first backup).
func (b *base) updateBackendWeight() {
	switch {
	case b.srvAct > 0:
		b.totWeight, b.totUsed = b.totWact, b.srvAct
	case b.fbck >= 0:
		b.totWeight, b.totUsed = int(b.nextEweight(b.fbck)), 1
	default:
		b.totWeight, b.totUsed = b.totWbck, b.srvBck
	}
}

// backupUp updates the first backup when backup server i comes up: it
// becomes the first backup if there was none or if it is declared before.
func (b *base) backupUp(i int) {
	if b.fbck < 0 || i < b.fbck {
		b.fbck = i
	}
}

// backupDown finds another first backup when the first one goes down: the
// next backup server in declaration order that will be usable.
func (b *base) backupDown(i int) {
	if i != b.fbck {
		return
	}
	b.fbck = -1
	for j := i + 1; j < len(b.srv); j++ {
		if b.srv[j].Backup && b.willbe(j) {
			b.fbck = j
			return
		}
	}
}

// group is where the tree-based algorithms (lb_fwrr, lb_fwlc, lb_fas) look
// for a server, of the active and backup groups g: the active one while a
// server there is usable, else the first usable backup alone (returned as
// fb, no group), else the backup one. Neither and -1 when nothing is usable.
func group[T any](b *base, g *[2]T) (grp *T, fb int) {
	switch {
	case b.srvAct > 0:
		return &g[0], -1
	case b.fbck >= 0:
		return nil, b.fbck
	case b.srvBck > 0:
		return &g[1], -1
	}
	return nil, -1
}

// firstFree walks t in order for the first server free accepts, taking
// the one to avoid only when no other is left (fwlc and fas pick so).
func (b *base) firstFree(t *tree, avoid int, free func(*Server) bool) int {
	avoided := -1
	for _, e := range t.e {
		i := int(e.id)
		if free(b.srv[i]) {
			if i != avoid {
				return i
			}
			avoided = i
		}
	}
	return avoided
}

// full is the saturation test of the tree-based algorithms: maxconn is set
// and reached, or the server already has a queue.
func (b *base) full(i int) bool {
	return b.srv[i].Full()
}

// server returns the Server of index i, nil for -1.
func (b *base) server(i int) *Server {
	if i < 0 {
		return nil
	}
	return b.srv[i]
}

// index of a server given to a hook, -1 for nil or a stranger.
func (b *base) index(s *Server) int {
	if s == nil || s.Index < 0 || s.Index >= len(b.srv) || b.srv[s.Index] != s {
		return -1
	}
	return s.Index
}

// clone copies the mutable shared state (the Servers themselves are
// shared: simulations only read them).
func (b base) clone() base {
	b.cur = append([]srvCur(nil), b.cur...)
	b.cumw = append([]uint32(nil), b.cumw...)
	return b
}

package balance

import "math/rand/v2"

// chash is consistent hashing and "balance random" (lb_chash.c). Each
// usable server owns eweight = weight*16 nodes on a 32-bit ring (one ring
// for active servers, one for backups), node j of the server with id puid
// at full_hash(puid*4096 + j). A key goes to the node closest to its hash
// (before or after it, before on a tie), then clockwise past the server to
// avoid and, with hash-balance-factor, past servers over their share of
// the load. Taking a server out removes only its nodes, so only the keys
// it held move. random draws hashes from a PRNG and keeps the least loaded
// of N draws.
type chash struct {
	base
	trees   [2]tree      // active, backup rings
	ringIdx [2]ringIndex // where to start looking in each ring
	st      []chashSrv

	// last node visited by the round-robin walk (chash.last): its ring
	// (0 when there is none), key and insertion sequence
	lastTree int8
	lastKey  uint32
	lastSeq  uint64

	served int   // connections served by the whole backend (px->served)
	seen   []int // Served of each server as last accounted in served

	rnd func() uint32
}

type chashSrv struct {
	nodesTot uint32 // nodes the server has keys for (lb_nodes_tot)
	nodesNow uint32 // nodes of it in the ring (lb_nodes_now)
}

// nodeID names node j of server i inside a ring entry.
func nodeID(i int, j uint32) int32 { return int32(i)<<12 | int32(j) }

func nodeSrv(id int32) int { return int(id >> 12) }

func newCHash(b base, rnd func() uint32) *chash {
	a := &chash{base: b, st: make([]chashSrv, len(b.srv)), seen: make([]int, len(b.srv)), rnd: rnd}
	if a.rnd == nil {
		src := rand.NewPCG(rand.Uint64(), rand.Uint64())
		a.rnd = func() uint32 { return uint32(src.Uint64() >> 32) }
	}
	a.wdiv = WeightScale
	a.commitAll()
	a.recount()
	a.updateBackendWeight()
	for i, s := range a.srv {
		a.st[i].nodesTot = a.uweight(i) * WeightScale
		a.seen[i] = s.Served
		a.served += s.Served
		if a.currently(i) {
			a.adjustNodes(i)
		}
	}
	return a
}

func (a *chash) ring(i int) int8 {
	if a.srv[i].Backup {
		return 2
	}
	return 1
}

func (a *chash) nodeKey(i int, j uint32) uint32 {
	return fullHash(uint32(a.srv[i].ID)*(MaxWeight*WeightScale) + j)
}

// removeNodes takes nodes from..nodesNow-1 of server i off its ring, as
// HAProxy does one by one from the last: the walk's last node, if it is one
// of them, moves to the next node clockwise that stays (none if none stays).
func (a *chash) removeNodes(i int, from uint32) {
	st := &a.st[i]
	if st.nodesNow <= from {
		return
	}
	r := a.ring(i)
	t := &a.trees[r-1]
	gone := func(e entry) bool {
		return nodeSrv(e.id) == i && uint32(e.id&0xfff) >= from
	}
	if a.lastTree == r {
		if p := t.pos(a.lastKey, a.lastSeq); p >= 0 && gone(t.e[p]) {
			a.lastTree = 0
			for k := 1; k < len(t.e); k++ {
				if e := t.e[(p+k)%len(t.e)]; !gone(e) {
					a.lastTree, a.lastKey, a.lastSeq = r, e.key, e.seq
					break
				}
			}
		}
	}
	t.deleteFunc(gone)
	st.nodesNow = from
	a.ringIdx[r-1].build(t)
}

// adjustNodes is chash_queue_dequeue_srv: the ring gets exactly
// next_eweight nodes of the server, removing the highest-numbered ones or
// adding the next ones. Growing past the nodes it ever had takes all of
// them off first (HAProxy reallocates them), then puts them all back.
func (a *chash) adjustNodes(i int) {
	st := &a.st[i]
	want := a.nextEweight(i)
	if st.nodesNow > want {
		a.removeNodes(i, want)
	}
	if st.nodesTot < want {
		a.removeNodes(i, 0)
		st.nodesTot = want
	}
	if st.nodesNow >= want {
		return
	}
	t := &a.trees[a.ring(i)-1]
	add := make([]entry, 0, want-st.nodesNow)
	for j := st.nodesNow; j < want; j++ {
		t.seq++
		add = append(add, entry{key: a.nodeKey(i, j), id: nodeID(i, j), seq: t.seq})
	}
	t.merge(add)
	st.nodesNow = want
	a.ringIdx[a.ring(i)-1].build(t)
}

// Changed is chash_update_server_weight with chash_set_server_status_up
// and chash_set_server_status_down. As in HAProxy, the servers'
// cumulative weights (for hash-balance-factor) are not recounted.
func (a *chash) Changed(s *Server) {
	i := a.index(s)
	if i < 0 || !a.changed(i) {
		return
	}
	old, now := a.currently(i), a.willbe(i)
	next, cur := int(a.nextEweight(i)), int(a.cur[i].eweight)
	switch {
	case !old && !now:
	case !old && now:
		if s.Backup {
			a.totWbck += next
			a.srvBck++
			a.backupUp(i)
		} else {
			a.totWact += next
			a.srvAct++
		}
		a.adjustNodes(i)
		a.updateBackendWeight()
	case old && !now:
		if s.Backup {
			a.totWbck -= cur
			a.srvBck--
			a.backupDown(i)
		} else {
			a.totWact -= cur
			a.srvAct--
		}
		a.removeNodes(i, 0)
		a.updateBackendWeight()
	default:
		a.adjustNodes(i)
		if s.Backup {
			a.totWbck += next - cur
		} else {
			a.totWact += next - cur
		}
		a.updateBackendWeight()
	}
	a.commit(i)
}

// Take and Drop keep the backend's served count for hash-balance-factor.
func (a *chash) Take(s *Server) {
	if i := a.index(s); i >= 0 {
		a.served += s.Served - a.seen[i]
		a.seen[i] = s.Served
	}
}

func (a *chash) Drop(s *Server) { a.Take(s) }

// root is the ring in use, or the first backup server alone (-1 for none).
func (a *chash) root() (*tree, int) {
	switch {
	case a.srvAct > 0:
		return &a.trees[0], -1
	case a.fbck >= 0:
		return nil, a.fbck
	case a.srvBck > 0:
		return &a.trees[1], -1
	}
	return nil, -1
}

// eligible is chash_server_is_eligible (bounded load): the server serves
// fewer connections than its share of (served+1) * factor / 100, shared by
// weight with the remainder spread by cumulative weight, and at least 1.
func (a *chash) eligible(i int) bool {
	tw := uint32(a.totWeight)
	if tw == 0 {
		return true
	}
	totSlots := uint32((int32(a.served+1)*int32(a.spec.BalanceFactor) + 99) / 100)
	ew := a.cur[i].eweight
	rem := totSlots % tw
	slots := ew*(totSlots/tw) + ((a.cumw[i]+ew)*rem)/tw - (a.cumw[i]*rem)/tw
	if slots == 0 {
		slots = 1
	}
	return uint32(a.srv[i].Served) < slots
}

// lookup is chash_get_server_hash.
func (a *chash) lookup(h uint32, avoid int) int {
	t, only := a.root()
	if t == nil {
		return only
	}
	n := len(t.e)
	if n == 0 {
		return -1
	}
	x := &a.ringIdx[0]
	if t == &a.trees[1] {
		x = &a.ringIdx[1]
	}
	next := x.lowerGE(t, h)
	if next == n {
		next = 0
	}
	prev := next - 1
	if prev < 0 {
		prev = n - 1
	}
	if h-x.key(t, prev) <= x.key(t, next)-h {
		next = prev
	}
	srv := nodeSrv(t.e[next].id)
	for loop := 0; srv == avoid || (a.spec.BalanceFactor != 0 && !a.eligible(srv)); {
		next++
		if next == n {
			next = 0
			if loop++; loop > 1 {
				break
			}
		}
		srv = nodeSrv(t.e[next].id)
	}
	return srv
}

// walk is chash_get_next_server, the round-robin fallback: the ring's
// nodes in order from the last one visited, skipping saturated servers and
// the one to avoid (taken if nothing else is).
func (a *chash) walk(avoid int) int {
	t, only := a.root()
	if t == nil {
		return only
	}
	node := -1 // position in lastRing
	lastRing := t
	if a.lastTree != 0 {
		lastRing = &a.trees[a.lastTree-1]
		node = lastRing.pos(a.lastKey, a.lastSeq)
	}
	ring := lastRing // the ring "node" points into
	stopRing, stop := ring, node
	avoided, avoidedRing, avoidedNode := -1, (*tree)(nil), -1
	for {
		if node >= 0 {
			node++
			if node >= len(ring.e) {
				node = -1
			}
		}
		if node < 0 {
			ring, node = t, 0
			if len(t.e) == 0 {
				a.lastTree = 0
				return -1
			}
		}
		a.setLast(ring, node)
		if stop < 0 {
			stopRing, stop = ring, node
		}
		srv := nodeSrv(ring.e[node].id)
		if !a.full(srv) {
			if srv != avoid {
				return srv
			}
			avoided, avoidedRing, avoidedNode = srv, ring, node
		}
		if ring == stopRing && node == stop {
			break
		}
	}
	if avoidedRing == nil {
		a.lastTree = 0
	} else {
		a.setLast(avoidedRing, avoidedNode)
	}
	return avoided
}

func (a *chash) setLast(ring *tree, node int) {
	a.lastTree = 1
	if ring == &a.trees[1] {
		a.lastTree = 2
	}
	e := ring.e[node]
	a.lastKey, a.lastSeq = e.key, e.seq
}

// random is get_server_rnd: draws hashes, keeps the server with the least
// served/eweight (ties go to the newer draw), and reports "full" (-1) when
// the winner is saturated, so that the request waits in the backend queue.
func (a *chash) random(avoid int) int {
	draws := a.spec.Draws
	if draws == 0 {
		draws = 2
	}
	curr := -1
	for {
		prev := curr
		curr = a.lookup(a.rnd(), avoid)
		if curr < 0 {
			break
		}
		if prev >= 0 && prev != curr &&
			uint32(a.srv[curr].Served)*a.cur[prev].eweight > uint32(a.srv[prev].Served)*a.cur[curr].eweight {
			curr = prev
		}
		if draws--; draws <= 0 {
			break
		}
	}
	if curr >= 0 {
		s := a.srv[curr]
		if s.Queued > 0 || (s.MaxConn > 0 && s.Served >= s.MaxConn) {
			return -1
		}
	}
	return curr
}

// Pick draws for random; for hashing it looks the key up, or walks the
// ring when the request lacks the key.
func (a *chash) Pick(r *Request, avoid *Server) *Server {
	if a.totWeight == 0 {
		return nil
	}
	av := a.index(avoid)
	if a.spec.Algo == Random {
		return a.server(a.random(av))
	}
	if h, ok := requestHash(&a.spec, r, a.totUsed == 1); ok {
		if i := a.lookup(h, av); i >= 0 {
			return a.srv[i]
		}
	}
	return a.server(a.walk(av))
}

// Locate is the hashing lookup alone, with nothing to avoid: the server
// the request's key maps to now (hash-balance-factor applies with the
// current loads), nil when the request lacks the key or for random.
func (a *chash) Locate(r *Request) *Server {
	if a.spec.Algo == Random || a.totWeight == 0 {
		return nil
	}
	h, ok := requestHash(&a.spec, r, a.totUsed == 1)
	if !ok {
		return nil
	}
	return a.server(a.lookup(h, -1))
}

// Placement gives the ring in use: every node in key order (the first
// backup's nodes alone when only it serves).
func (a *chash) Placement() Placement {
	t, only := a.root()
	p := Placement{Kind: Ring}
	switch {
	case t != nil:
		p.Nodes = make([]RingNode, len(t.e))
		for k, e := range t.e {
			p.Nodes[k] = RingNode{Key: e.key, Server: a.srv[nodeSrv(e.id)]}
		}
	case only >= 0:
		for _, e := range a.trees[1].e {
			if nodeSrv(e.id) == only {
				p.Nodes = append(p.Nodes, RingNode{Key: e.key, Server: a.srv[only]})
			}
		}
	}
	return p
}

// ringIndex finds a hash's place on a ring in constant expected time: the
// keys are spread evenly (full_hash), so the ring is cut into as many
// buckets as it has nodes by the top bits of the key, and each bucket
// knows the position of its first key.
type ringIndex struct {
	start []int32
	keys  []uint32 // the ring's keys alone, denser to scan
	shift uint
}

func (x *ringIndex) build(t *tree) {
	n := len(t.e)
	bits := uint(0)
	for 1<<bits < n {
		bits++
	}
	if cap(x.start) >= 1<<bits {
		x.start = x.start[:1<<bits]
	} else {
		x.start = make([]int32, 1<<bits)
	}
	x.shift = 32 - bits
	x.keys = x.keys[:0]
	for _, e := range t.e {
		x.keys = append(x.keys, e.key)
	}
	j := 0
	for b := range x.start {
		low := uint64(b) << x.shift
		for j < n && uint64(t.e[j].key) < low {
			j++
		}
		x.start[b] = int32(j)
	}
}

// key is the key of node i of t.
func (x *ringIndex) key(t *tree, i int) uint32 {
	if len(x.keys) == len(t.e) {
		return x.keys[i]
	}
	return t.e[i].key
}

// lowerGE is tree.lowerGE: the first node whose key is at or above h.
func (x *ringIndex) lowerGE(t *tree, h uint32) int {
	if len(x.start) == 0 {
		return t.lowerGE(h)
	}
	i := int(x.start[h>>x.shift])
	for i < len(x.keys) && x.keys[i] < h {
		i++
	}
	return i
}

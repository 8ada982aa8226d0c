package balance

// fwrr is "balance roundrobin": HAProxy's fast weighted round robin
// (lb_fwrr.c). Each group of servers (active, backup) keeps three trees:
// "init" holds servers not yet placed in this window, ordered heaviest
// first; "curr" holds placed servers ordered by their next position; "next"
// holds servers whose next position falls past the window. When curr and
// init run dry, init and next swap and a new window starts. Positions move
// by next_weight/eweight per pick, with the remainder carried in rweight,
// which interleaves servers smoothly in proportion to their weights.
//
// C's mix of int and unsigned arithmetic is kept: positions are uint32 and
// the group's counters are converted where C converts them.
type fwrr struct {
	base
	grp [2]fwrrGroup // active, backup
	st  []fwrrSrv
}

// Tree numbers inside a group; a server's lbTree is one of them or 0.
const (
	fwrrNone int8 = iota
	fwrrCurr
	fwrrT0
	fwrrT1
)

type fwrrGroup struct {
	trees      [4]tree // index 0 unused: curr, t0, t1 as above
	init, next int8    // which of t0, t1 plays "init" and "next"
	currPos    int
	currWeight int
	nextWeight int
}

type fwrrSrv struct {
	npos, lpos uint32
	rweight    uint32
	lbTree     int8 // the tree the server belongs to (HAProxy's lb_tree)
	in         bool // its node is in that tree
	key        uint32
	seq        uint64
}

func newFWRR(b base) *fwrr {
	a := &fwrr{base: b, st: make([]fwrrSrv, len(b.srv))}
	a.wdiv = WeightScale
	a.commitAll()
	a.recount()
	a.updateBackendWeight()
	for g := range a.grp {
		grp := &a.grp[g]
		w := a.totWact
		if g == 1 {
			w = a.totWbck
		}
		grp.currPos, grp.currWeight, grp.nextWeight = w, w, w
		grp.init, grp.next = fwrrT0, fwrrT1
	}
	for i, s := range a.srv {
		if !a.currently(i) {
			continue
		}
		g := a.group(s)
		a.queueByWeight(g, g.init, i)
	}
	return a
}

func (a *fwrr) group(s *Server) *fwrrGroup {
	if s.Backup {
		return &a.grp[1]
	}
	return &a.grp[0]
}

// queueByWeight puts a server in an init or next tree, heaviest first.
func (a *fwrr) queueByWeight(g *fwrrGroup, t int8, i int) {
	st := &a.st[i]
	st.key = uint32(maxEweight) - a.nextEweight(i)
	st.seq = g.trees[t].insert(st.key, int32(i))
	st.lbTree, st.in = t, true
}

func (a *fwrr) dequeue(i int) {
	st := &a.st[i]
	if st.in {
		a.group(a.srv[i]).trees[st.lbTree].remove(st.key, st.seq)
		st.in = false
	}
}

// queueSrv is fwrr_queue_srv: back into curr at its next position, or
// into next when that position falls outside the current window (or the
// theoretical next one), or out of the trees when it is no longer usable.
func (a *fwrr) queueSrv(i int) {
	g := a.group(a.srv[i])
	st := &a.st[i]
	ew := a.nextEweight(i)
	switch {
	case !a.willbe(i):
		st.lbTree = fwrrNone
	case ew == 0 || st.npos >= uint32(2*g.currWeight) || st.npos >= uint32(g.currWeight+g.nextWeight):
		st.npos -= uint32(g.currWeight)
		a.queueByWeight(g, g.next, i)
	default:
		st.key = uint32(MaxWeight)*st.npos + (uint32(maxEweight)+st.rweight-ew)/WeightScale
		st.seq = g.trees[fwrrCurr].insert(st.key, int32(i))
		st.lbTree, st.in = fwrrCurr, true
	}
}

// getSrv prepares a server taken out of its tree (fwrr_get_srv).
func (a *fwrr) getSrv(i int) {
	g := a.group(a.srv[i])
	st := &a.st[i]
	switch st.lbTree {
	case g.init:
		st.npos, st.rweight = 0, 0
	case g.next:
		st.npos += uint32(g.currWeight)
	case fwrrNone:
		st.npos = uint32(g.currPos)
	}
}

func (g *fwrrGroup) switchTrees() {
	g.init, g.next = g.next, g.init
	g.currWeight = g.nextWeight
	g.currPos = g.currWeight
}

// fromGroup is fwrr_get_server_from_group: the first server of curr if its
// turn has come, else the heaviest server not yet placed, else the first of
// curr anyway; -1 when both trees are empty.
func (a *fwrr) fromGroup(g *fwrrGroup) int {
	s1 := -1
	if curr := &g.trees[fwrrCurr]; curr.len() > 0 {
		s1 = int(curr.e[0].id)
		if a.cur[s1].eweight != 0 && a.st[s1].npos <= uint32(g.currPos) {
			return s1
		}
	}
	if init := &g.trees[g.init]; init.len() > 0 {
		s2 := int(init.e[0].id)
		if a.cur[s2].eweight != 0 {
			a.st[s2].npos, a.st[s2].rweight = 0, 0
			return s2
		}
	}
	return s1
}

// updatePosition is fwrr_update_position.
func (a *fwrr) updatePosition(g *fwrrGroup, i int) {
	ew := a.cur[i].eweight
	if ew == 0 {
		return
	}
	st := &a.st[i]
	if st.npos == 0 {
		st.npos = uint32(g.currPos)
	}
	st.lpos = st.npos
	st.npos += uint32(g.nextWeight) / ew
	st.rweight += uint32(g.nextWeight) % ew
	if st.rweight >= ew {
		st.rweight -= ew
		st.npos++
	}
}

// Pick is fwrr_get_next_server. Saturated servers and the one to avoid are
// taken out, chained, and put back once a server is chosen; the avoided one
// is used when nothing else is left.
func (a *fwrr) Pick(_ *Request, avoid *Server) *Server {
	return a.server(a.pick(a.index(avoid)))
}

func (a *fwrr) pick(avoid int) int {
	g, fb := group(&a.base, &a.grp)
	if g == nil {
		return fb
	}
	var fullBuf [8]int
	full := fullBuf[:0] // chained servers, in the order HAProxy chains them
	switched := false
	avoided := -1
	srv := -1
	for {
		if g.currWeight == 0 {
			g.currPos, g.currWeight = g.nextWeight, g.nextWeight
		}
		for {
			srv = a.fromGroup(g)
			if srv >= 0 {
				break
			}
			if switched {
				if avoided >= 0 {
					srv = avoided
					a.queueSrv(srv)
				}
				a.requeue(g, full, srv, switched)
				return srv
			}
			switched = true
			g.switchTrees()
		}
		a.updatePosition(g, srv)
		a.dequeue(srv)
		g.currPos++
		if !a.full(srv) {
			if srv != avoid || avoided >= 0 {
				break
			}
			avoided = srv
		}
		full = append(full, srv)
	}
	a.queueSrv(srv)
	a.requeue(g, full, srv, switched)
	return srv
}

// requeue puts back the servers set aside during a pick, the last one set
// aside first (HAProxy chains them as a stack). After a tree switch their
// place is lost and only their weight counts.
func (a *fwrr) requeue(g *fwrrGroup, full []int, srv int, switched bool) {
	for k := len(full) - 1; k >= 0; k-- {
		f := full[k]
		if f == srv {
			continue
		}
		if switched {
			a.queueByWeight(g, g.init, f)
		} else {
			a.queueSrv(f)
		}
	}
}

// Changed is fwrr_update_server_weight, which hands state changes over to
// fwrr_set_server_status_up/down.
func (a *fwrr) Changed(s *Server) {
	i := a.index(s)
	if i < 0 || !a.changed(i) {
		return
	}
	old, now := a.currently(i), a.willbe(i)
	switch {
	case !old && !now:
		a.commit(i)
		return
	case !old && now:
		a.statusUp(i)
		return
	case old && !now:
		a.statusDown(i)
		return
	}
	g := a.group(s)
	st := &a.st[i]
	next := a.nextEweight(i)
	g.nextWeight = g.nextWeight - int(a.cur[i].eweight) + int(next)
	a.totWact, a.totWbck = a.grp[0].nextWeight, a.grp[1].nextWeight
	switch st.lbTree {
	case g.init:
		a.dequeue(i)
		a.queueByWeight(g, g.init, i)
	case fwrrNone:
		a.dequeue(i)
		a.getSrv(i)
		st.npos = uint32(g.currPos) + uint32(g.nextWeight+g.currWeight-g.currPos)/next
		a.queueSrv(i)
	default:
		// still in curr or next: if it has places left in this window,
		// move its next position by the new step, never later than it was
		a.getSrv(i)
		if next > 0 {
			prevNext := int32(st.npos)
			step := int32(uint32(g.nextWeight) / next)
			st.npos = st.lpos + uint32(step)
			st.rweight = 0
			if st.npos > uint32(prevNext) {
				st.npos = uint32(prevNext)
			}
			if st.npos < uint32(g.currPos+2) {
				st.npos = uint32(g.currPos) + uint32(step)
			}
		} else {
			st.npos = uint32(g.currPos + g.currWeight)
		}
		a.dequeue(i)
		a.queueSrv(i)
	}
	a.updateBackendWeight()
	a.commit(i)
}

// statusUp is fwrr_set_server_status_up: the server is placed a little
// ahead of the current position, in proportion to the window left.
func (a *fwrr) statusUp(i int) {
	if !a.changed(i) {
		return
	}
	if !a.willbe(i) {
		a.commit(i)
		return
	}
	if !a.currently(i) {
		s := a.srv[i]
		g := a.group(s)
		next := a.nextEweight(i)
		g.nextWeight += int(next)
		if s.Backup {
			a.totWbck = g.nextWeight
			a.srvBck++
			a.backupUp(i)
		} else {
			a.totWact = g.nextWeight
			a.srvAct++
		}
		a.getSrv(i)
		st := &a.st[i]
		st.npos = uint32(g.currPos) + uint32(g.nextWeight+g.currWeight-g.currPos)/next
		a.queueSrv(i)
	}
	a.updateBackendWeight()
	a.commit(i)
}

// statusDown is fwrr_set_server_status_down.
func (a *fwrr) statusDown(i int) {
	if !a.changed(i) {
		return
	}
	if a.willbe(i) {
		a.commit(i)
		return
	}
	if a.currently(i) {
		s := a.srv[i]
		g := a.group(s)
		g.nextWeight -= int(a.cur[i].eweight)
		if s.Backup {
			a.totWbck = g.nextWeight
			a.srvBck--
			a.backupDown(i)
		} else {
			a.totWact = g.nextWeight
			a.srvAct--
		}
		a.dequeue(i)
		a.st[i].lbTree = fwrrNone
	}
	a.updateBackendWeight()
	a.commit(i)
}

// Take and Drop: roundrobin does not look at connection counts beyond
// saturation, which Pick reads from the Server.
func (a *fwrr) Take(*Server) {}
func (a *fwrr) Drop(*Server) {}

// clone copies the whole state, for Next.
func (a *fwrr) clone() *fwrr {
	c := *a
	c.base = a.base.clone()
	c.st = append([]fwrrSrv(nil), a.st...)
	for g := range c.grp {
		for t := range c.grp[g].trees {
			c.grp[g].trees[t] = a.grp[g].trees[t].clone()
		}
	}
	return &c
}

// Next returns the servers the next n picks would choose if requests came
// one at a time, each finishing before the next, with no server to avoid;
// servers that are saturated now stay saturated. It works on a copy: the
// algorithm's state does not change.
func (a *fwrr) Next(n int) []*Server {
	c := a.clone()
	out := make([]*Server, 0, max(n, 0))
	for range n {
		out = append(out, c.server(c.pick(-1)))
	}
	return out
}

func (a *fwrr) Placement() Placement {
	return Placement{Kind: Sequence, Next: a.Next(a.cycle())}
}

// maxEweight is SRV_EWGHT_MAX: the largest effective weight, 256*16.
const maxEweight = MaxWeight * WeightScale

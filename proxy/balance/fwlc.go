package balance

// fwlc is "balance leastconn" (lb_fwlc.c): one tree per group keyed by
// (inflight+1)*4096/eweight, where inflight counts the connections the
// server serves plus the requests in its own queue, and 0 for an idle
// server so that idle servers come first whatever their weight. A server
// moves in its tree only when its key changes, to the end of the servers
// of equal key: this is what makes equal servers take turns.
type fwlc struct {
	base
	trees [2]tree // active, backup
	st    []fwlcSrv
}

type fwlcSrv struct {
	lbTree int8 // 0: none, 1: active tree, 2: backup tree
	in     bool
	key    uint32
	seq    uint64
}

func newFWLC(b base) *fwlc {
	a := &fwlc{base: b, st: make([]fwlcSrv, len(b.srv))}
	a.wdiv = WeightScale
	a.commitAll()
	a.recount()
	a.updateBackendWeight()
	for i := range a.srv {
		if !a.currently(i) {
			continue
		}
		a.st[i].lbTree = a.treeOf(i)
		a.queue(i, a.nextEweight(i))
	}
	return a
}

func (a *fwlc) treeOf(i int) int8 {
	if a.srv[i].Backup {
		return 2
	}
	return 1
}

func (a *fwlc) inflight(i int) uint32 {
	return uint32(a.srv[i].Served + a.srv[i].Queued)
}

// lcKey orders servers by (inflight+1)/eweight, idle ones first.
func lcKey(inflight, eweight uint32) uint32 {
	if inflight == 0 {
		return 0
	}
	if eweight == 0 {
		eweight = 1
	}
	return (inflight + 1) * maxEweight / eweight
}

// queue is fwlc_queue_srv, with the eweight the caller says.
func (a *fwlc) queue(i int, eweight uint32) {
	st := &a.st[i]
	st.key = lcKey(a.inflight(i), eweight)
	st.seq = a.trees[st.lbTree-1].insert(st.key, int32(i))
	st.in = true
}

func (a *fwlc) dequeue(i int) {
	st := &a.st[i]
	if st.in {
		a.trees[st.lbTree-1].remove(st.key, st.seq)
		st.in = false
	}
}

// reposition is fwlc_srv_reposition for a given inflight count.
func (a *fwlc) reposition(i int, inflight uint32) {
	st := &a.st[i]
	ew := a.cur[i].eweight
	key := lcKey(inflight, ew)
	if st.in && ew != 0 && st.key == key {
		return
	}
	if st.lbTree == 0 {
		return
	}
	if !st.in || st.key != key {
		a.dequeue(i)
		st.key = key
		st.seq = a.trees[st.lbTree-1].insert(key, int32(i))
		st.in = true
	}
}

// Take and Drop reposition the server after its Served count changed.
func (a *fwlc) Take(s *Server) {
	if i := a.index(s); i >= 0 {
		a.reposition(i, a.inflight(i))
	}
}

func (a *fwlc) Drop(s *Server) { a.Take(s) }

// Pick is fwlc_get_next_server: the first server of the tree that is not
// saturated (served + queue below maxconn + maxqueue when maxconn is set)
// and is not the one to avoid, which is only taken as a last resort.
func (a *fwlc) Pick(_ *Request, avoid *Server) *Server {
	return a.server(a.pick(a.index(avoid)))
}

func (a *fwlc) pick(avoid int) int {
	t, fb := group(&a.base, &a.trees)
	if t == nil {
		return fb
	}
	return a.firstFree(t, avoid, lcFree)
}

// lcFree is fwlc's saturation test, which counts maxqueue as room.
func lcFree(s *Server) bool {
	return s.MaxConn == 0 || s.Served+s.Queued < s.MaxConn+s.MaxQueue
}

// Changed is fwlc_update_server_weight with fwlc_set_server_status_up and
// fwlc_set_server_status_down.
func (a *fwlc) Changed(s *Server) {
	i := a.index(s)
	if i < 0 || !a.changed(i) {
		return
	}
	old, now := a.currently(i), a.willbe(i)
	switch {
	case !old && !now:
		a.commit(i)
	case !old && now:
		a.statusUp(i)
	case old && !now:
		a.statusDown(i)
	default:
		a.dequeue(i)
		d := int(a.nextEweight(i)) - int(a.cur[i].eweight)
		if s.Backup {
			a.totWbck += d
		} else {
			a.totWact += d
		}
		a.st[i].lbTree = a.treeOf(i)
		a.queue(i, a.nextEweight(i))
		a.updateBackendWeight()
		a.commit(i)
	}
}

func (a *fwlc) statusUp(i int) {
	if !a.currently(i) {
		s := a.srv[i]
		if s.Backup {
			a.totWbck += int(a.nextEweight(i))
			a.srvBck++
			a.backupUp(i)
		} else {
			a.totWact += int(a.nextEweight(i))
			a.srvAct++
		}
		a.st[i].lbTree = a.treeOf(i)
		a.queue(i, a.nextEweight(i))
	}
	a.updateBackendWeight()
	a.commit(i)
}

func (a *fwlc) statusDown(i int) {
	if a.currently(i) {
		s := a.srv[i]
		if s.Backup {
			a.totWbck -= int(a.cur[i].eweight)
			a.srvBck--
			a.backupDown(i)
		} else {
			a.totWact -= int(a.cur[i].eweight)
			a.srvAct--
		}
		a.dequeue(i)
		a.st[i].lbTree = 0
	}
	a.updateBackendWeight()
	a.commit(i)
}

func (a *fwlc) clone() *fwlc {
	c := *a
	c.base = a.base.clone()
	c.st = append([]fwlcSrv(nil), a.st...)
	for t := range c.trees {
		c.trees[t] = a.trees[t].clone()
	}
	return &c
}

// Next returns the servers the next n picks would choose if requests came
// one at a time, each finishing before the next (it takes a connection
// slot, which moves it in the tree, then gives it back), while the
// connections open now stay open. It works on a copy.
func (a *fwlc) Next(n int) []*Server {
	c := a.clone()
	out := make([]*Server, 0, max(n, 0))
	for range n {
		i := c.pick(-1)
		out = append(out, c.server(i))
		if i >= 0 {
			c.reposition(i, c.inflight(i)+1)
			c.reposition(i, c.inflight(i))
		}
	}
	return out
}

// Placement gives the tree order of the servers in use (the next pick is
// the first one that is not saturated) and the coming sequential picks.
func (a *fwlc) Placement() Placement {
	p := Placement{Kind: Ordering, Next: a.Next(a.cycle())}
	switch {
	case a.srvAct > 0:
		p.Order = a.order(&a.trees[0])
	case a.fbck >= 0:
		p.Order = []*Server{a.srv[a.fbck]}
	default:
		p.Order = a.order(&a.trees[1])
	}
	return p
}

func (a *fwlc) order(t *tree) []*Server {
	out := make([]*Server, len(t.e))
	for k, e := range t.e {
		out[k] = a.srv[e.id]
	}
	return out
}

package balance

// fas is "balance first" (lb_fas.c): servers ordered by id, and the first
// one that is not saturated takes the request. Weights play no part.
// HAProxy requeues a server on every connection taken or released, under
// the same key; ids are unique, so that changes nothing and Take and Drop
// do nothing here.
type fas struct {
	base
	trees [2]tree // active, backup
	st    []fasSrv
}

type fasSrv struct {
	lbTree int8 // 0: none, 1: active tree, 2: backup tree
	in     bool
	seq    uint64
}

func newFAS(b base) *fas {
	a := &fas{base: b, st: make([]fasSrv, len(b.srv))}
	a.wdiv = WeightScale
	a.commitAll()
	a.recount()
	a.updateBackendWeight()
	for i := range a.srv {
		if a.currently(i) {
			a.queue(i)
		}
	}
	return a
}

func (a *fas) queue(i int) {
	st := &a.st[i]
	st.lbTree = 1
	if a.srv[i].Backup {
		st.lbTree = 2
	}
	st.seq = a.trees[st.lbTree-1].insert(uint32(a.srv[i].ID), int32(i))
	st.in = true
}

func (a *fas) dequeue(i int) {
	st := &a.st[i]
	if st.in {
		a.trees[st.lbTree-1].remove(uint32(a.srv[i].ID), st.seq)
		st.in = false
	}
	st.lbTree = 0
}

// Pick is fas_get_next_server: the lowest id that is not saturated and is
// not the server to avoid, which is only taken as a last resort.
func (a *fas) Pick(_ *Request, avoid *Server) *Server {
	return a.server(a.pick(a.index(avoid)))
}

func (a *fas) pick(avoid int) int {
	t, fb := group(&a.base, &a.trees)
	if t == nil {
		return fb
	}
	return a.firstFree(t, avoid, func(s *Server) bool { return !s.Full() })
}

// Changed is fas_update_server_weight with fas_set_server_status_up/down.
func (a *fas) Changed(s *Server) {
	i := a.index(s)
	if i < 0 || !a.changed(i) {
		return
	}
	old, now := a.currently(i), a.willbe(i)
	d := int(a.nextEweight(i)) - int(a.cur[i].eweight)
	switch {
	case !old && !now:
		a.commit(i)
		return
	case !old && now:
		d = int(a.nextEweight(i))
		if s.Backup {
			a.srvBck++
			a.backupUp(i)
		} else {
			a.srvAct++
		}
		a.queue(i)
	case old && !now:
		d = -int(a.cur[i].eweight)
		if s.Backup {
			a.srvBck--
			a.backupDown(i)
		} else {
			a.srvAct--
		}
		a.dequeue(i)
	default:
		a.dequeue(i)
		a.queue(i)
	}
	if s.Backup {
		a.totWbck += d
	} else {
		a.totWact += d
	}
	a.updateBackendWeight()
	a.commit(i)
}

func (a *fas) Take(*Server) {}
func (a *fas) Drop(*Server) {}

// Next returns the next n picks if requests came one at a time, each
// finishing before the next: always the same server.
func (a *fas) Next(n int) []*Server {
	out := make([]*Server, 0, max(n, 0))
	for range n {
		out = append(out, a.server(a.pick(-1)))
	}
	return out
}

func (a *fas) Placement() Placement {
	return Placement{Kind: Sequence, Next: a.Next(a.cycle())}
}

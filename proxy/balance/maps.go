package balance

// maps is static-rr and map-based hashing (lb_map.c): a table of
// tot_weight slots in which every usable server appears eweight times,
// eweights being the weights divided by their greatest common divisor.
// static-rr walks the table; map-based hashing picks slot hash % size.
// The table is rebuilt on every state change, so a server coming back is
// used at once, and most hash keys move. Weights are static: only 0 and
// the configured weight are applied (HAProxy's runtime API refuses others).
type maps struct {
	base
	table  []int32  // server indices, tot_weight slots
	wscore []uint32 // per server, during a rebuild
	rrIdx  int
}

func newMaps(b base) *maps {
	a := &maps{base: b, wscore: make([]uint32, len(b.srv))}
	a.static = true
	a.wmult = weightGCD(a.iweight)
	a.commitAll()
	a.recount()
	a.updateBackendWeight()
	a.recalc()
	return a
}

// weightGCD is the greatest common divisor of the non-zero weights, 1
// when there is none, as init_server_map computes it.
func weightGCD(weights []int) uint32 {
	g := 0
	for _, w := range weights {
		if w <= 0 {
			continue
		}
		if g == 0 {
			g = w
			continue
		}
		for w != 0 {
			g, w = w, g%w
		}
		if g == 1 {
			break
		}
	}
	if g == 0 {
		return 1
	}
	return uint32(g)
}

// recalc is recalc_server_map. Every slot goes to the server with the
// strictly highest (wscore + tot) / tot after each usable server of the
// group in use added its eweight to its score; the chosen one pays tot.
// It favours the first declared server on ties, so slot 0 is always the
// first usable server. In backup mode every usable backup takes part,
// although tot_weight is the first backup's weight alone, as in HAProxy.
func (a *maps) recalc() {
	if a.totUsed == 0 {
		return
	}
	tot := a.totWeight
	backup := a.srvAct == 0
	for i := range a.wscore {
		a.wscore[i] = 0
	}
	if cap(a.table) < tot {
		a.table = make([]int32, tot)
	}
	a.table = a.table[:tot]
	for o := range tot {
		best, top := -1, int32(0)
		for i, s := range a.srv {
			if s.Backup != backup || !a.willbe(i) {
				continue
			}
			if tot == 1 {
				best = i
				break
			}
			a.wscore[i] += a.nextEweight(i)
			v := int32((a.wscore[i] + uint32(tot)) / uint32(tot))
			if best < 0 || v > top {
				top, best = v, i
			}
		}
		a.table[o] = int32(best)
		if best >= 0 {
			a.wscore[best] -= uint32(tot)
		}
	}
}

// rr is map_get_server_rr: the next slot from rr_idx whose server is not
// saturated and is not the one to avoid, which is taken if nothing else is.
func (a *maps) rr(avoid int) int {
	tot := a.totWeight
	if tot == 0 {
		return -1
	}
	if a.rrIdx < 0 || a.rrIdx >= tot {
		a.rrIdx = 0
	}
	idx := a.rrIdx
	avoided, avoidIdx := -1, 0
	for {
		srv := int(a.table[idx])
		idx++
		if !a.full(srv) {
			avoided, avoidIdx = srv, idx
			if srv != avoid {
				a.rrIdx = idx
				return srv
			}
		}
		if idx == tot {
			idx = 0
		}
		if idx == a.rrIdx {
			break
		}
	}
	if avoided >= 0 {
		a.rrIdx = avoidIdx
	}
	return avoided
}

// lookup is map_get_server_hash: no server is skipped, a saturated one
// queues the request.
func (a *maps) lookup(h uint32) int {
	if a.totWeight == 0 {
		return -1
	}
	return int(a.table[h%uint32(a.totWeight)])
}

// Pick walks the table for static-rr; for hashing it takes the key's slot,
// or walks the table when the request lacks the key.
func (a *maps) Pick(r *Request, avoid *Server) *Server {
	if a.totWeight == 0 {
		return nil
	}
	if a.spec.Algo != StaticRR {
		if h, ok := requestHash(&a.spec, r, a.totUsed == 1); ok {
			return a.server(a.lookup(h))
		}
	}
	return a.server(a.rr(a.index(avoid)))
}

// Locate is the hashing lookup alone: the server the request's key maps
// to, nil when the request lacks it or for static-rr.
func (a *maps) Locate(r *Request) *Server {
	if a.spec.Algo == StaticRR || a.totWeight == 0 {
		return nil
	}
	h, ok := requestHash(&a.spec, r, a.totUsed == 1)
	if !ok {
		return nil
	}
	return a.server(a.lookup(h))
}

// Changed rebuilds the table when the server's usable state or applied
// weight changed (map_set_server_status_up/down).
func (a *maps) Changed(s *Server) {
	i := a.index(s)
	if i < 0 || !a.changed(i) {
		return
	}
	a.recount()
	a.updateBackendWeight()
	a.recalc()
	a.commit(i)
}

func (a *maps) Take(*Server) {}
func (a *maps) Drop(*Server) {}

// Next returns the next n picks of the round-robin walk (static-rr, or the
// fallback of map-based hashing) if requests came one at a time, each
// finishing before the next. The walk position is restored afterwards.
func (a *maps) Next(n int) []*Server {
	saved := a.rrIdx
	defer func() { a.rrIdx = saved }()
	out := make([]*Server, 0, max(n, 0))
	for range n {
		if a.totWeight == 0 {
			out = append(out, nil)
			continue
		}
		out = append(out, a.server(a.rr(-1)))
	}
	return out
}

// Placement gives the table, and for static-rr the coming picks.
func (a *maps) Placement() Placement {
	p := Placement{Kind: Table, Map: make([]*Server, a.totWeight)}
	for k := range p.Map {
		p.Map[k] = a.server(int(a.table[k]))
	}
	if a.spec.Algo == StaticRR {
		p.Next = a.Next(min(max(a.totWeight, 1), maxCycle))
	}
	return p
}

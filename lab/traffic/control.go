package traffic

import (
	"context"
	"errors"
	"fmt"
)

// setClientsLocked makes the first n clients of gr the active ones,
// creating them as needed, and (in a closed loop that runs) starts or
// retires their workers. Called with g.mu held.
func (g *Generator) setClientsLocked(gr *group, n int) {
	gi := 0
	for i, x := range g.groups {
		if x == gr {
			gi = i
		}
	}
	for len(gr.clients) < n {
		gr.clients = append(gr.clients, g.newClient(gr, gi, len(gr.clients)))
	}
	gr.active = n
	for i, c := range gr.clients {
		c.want.Store(i < n)
		if i < n && !g.open && g.started && g.issuing && !c.running {
			c.running = true
			g.wg.Add(1)
			go g.worker(c)
		}
	}
	var list []*client
	for _, x := range g.groups {
		list = append(list, x.clients[:x.active]...)
	}
	g.activeClients.Store(&list)
}

// SetRate changes the open loop's target rate (requests per lab second).
// The schedule restarts from now at the new rate.
func (g *Generator) SetRate(rate float64) error {
	if !g.open {
		return errors.New("traffic: SetRate: this generator runs a closed loop (it was created without a rate); create one with a rate for an open loop")
	}
	if !(rate > 0) || rate > maxRate {
		return fmt.Errorf("traffic: rate %v: want a positive number of requests per second", rate)
	}
	g.mu.Lock()
	g.rate = rate
	g.epoch++
	g.mu.Unlock()
	g.poke()
	return nil
}

// SetClients sets how many clients of a group take part ("" names the only
// group). In a closed loop, new clients start at once and removed ones
// finish their request in flight and send no other: once SetClients
// returns, no removed client starts a request. In an open loop, arrivals go
// round robin over the clients in use.
func (g *Generator) SetClients(groupName string, n int) error {
	g.mu.Lock()
	gr, err := g.findGroup(groupName)
	if err == nil && (n < 0 || n > usableAddrs(gr.prefix)) {
		err = fmt.Errorf("traffic: group %q: %d clients: want 0 to %d (the addresses of %s)", gr.name, n, usableAddrs(gr.prefix), gr.prefix)
	}
	if err == nil {
		g.setClientsLocked(gr, n)
	}
	g.mu.Unlock()
	if err != nil {
		return err
	}
	g.barrier()
	return nil
}

// barrier waits for every request being issued to be counted. Never call
// it holding g.mu: issuing takes g.mu under the gate.
func (g *Generator) barrier() {
	g.gate.Lock()
	g.gate.Unlock() // an empty critical section is the point
}

func (g *Generator) findGroup(name string) (*group, error) {
	if name == "" && len(g.groups) == 1 {
		return g.groups[0], nil
	}
	var names []string
	for _, gr := range g.groups {
		if gr.name == name {
			return gr, nil
		}
		names = append(names, gr.name)
	}
	return nil, fmt.Errorf("traffic: no client group %q: the groups are %q", name, names)
}

// Pause stops new requests until Resume; requests in flight go on. When
// it returns, no new request starts, and Stats counts every request
// started before in flight (or finished). The duration bound keeps running
// during a pause.
func (g *Generator) Pause() {
	g.mu.Lock()
	if !g.paused {
		g.paused = true
		g.resumed = make(chan struct{})
		g.pausedFlag.Store(true)
		g.epoch++
	}
	g.mu.Unlock()
	g.barrier()
	g.poke()
}

// Resume ends a pause. The open loop's schedule restarts from now: the
// arrivals missed during the pause are not sent in a burst.
func (g *Generator) Resume() {
	g.mu.Lock()
	if g.paused {
		g.paused = false
		g.pausedFlag.Store(false)
		close(g.resumed)
		g.epoch++
	}
	g.mu.Unlock()
	g.poke()
}

// poke wakes the scheduler without blocking.
func (g *Generator) poke() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// waitResumed blocks while the generator is paused; false when ctx ends.
func (g *Generator) waitResumed(ctx context.Context) bool {
	if !g.pausedFlag.Load() {
		return ctx.Err() == nil
	}
	g.mu.Lock()
	paused, ch := g.paused, g.resumed
	g.mu.Unlock()
	if paused {
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
	return ctx.Err() == nil
}

package proxy

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lblab/lblab/proxy/check"
)

// checkers runs a backend's health checks.
type checkers struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startChecks starts one checker per server with "check", spread over the
// first interval as HAProxy spreads them (mininter * position / count).
func (b *backend) startChecks() {
	ctx, cancel := context.WithCancel(b.p.ctx())
	b.chk = &checkers{ctx: ctx, cancel: cancel}
	var checked []*server
	for _, s := range b.servers {
		if s.cfg.Check {
			checked = append(checked, s)
		}
	}
	for i, s := range checked {
		b.runCheck(s, s.cfg.Inter*time.Duration(i)/time.Duration(len(checked)))
	}
}

func (b *backend) runCheck(s *server, delay time.Duration) {
	params := b.checkParams(s)
	ctx, cancel := context.WithCancel(b.chk.ctx)
	b.mu.Lock()
	h := check.NewHealth(s.cfg.Rise, s.cfg.Fall)
	s.check.health = h.Value
	s.stopCheck = cancel
	b.mu.Unlock()
	b.chk.wg.Add(1)
	go func() {
		defer b.chk.wg.Done()
		check.Run(ctx, params, delay, h, func(r check.Result, h check.Health, changed bool) {
			b.applyCheck(s, r, h, changed)
		})
	}()
}

func (b *backend) checkParams(s *server) check.Params {
	t := b.cfg.Timeouts
	p := check.Params{Addr: s.cfg.Addr, Inter: s.cfg.Inter, FastInter: s.cfg.FastInter,
		DownInter: s.cfg.DownInter, Rise: s.cfg.Rise, Fall: s.cfg.Fall, Clock: b.p.clk,
		ConnectTimeout: s.cfg.Inter, ReadTimeout: s.cfg.Inter}
	if t.Check > 0 { // "timeout check" set: connect bounded by timeout connect, read by timeout check
		p.ReadTimeout = t.Check
		if t.Connect > 0 && t.Connect < p.ConnectTimeout {
			p.ConnectTimeout = t.Connect
		}
	}
	if hc := b.cfg.HTTPCheck; hc != nil {
		p.HTTP = &check.HTTP{Method: hc.Method, URI: hc.URI, Version: hc.Version}
	}
	return p
}

func (b *backend) stopChecks() {
	if b.chk != nil {
		b.chk.cancel()
		b.chk.wg.Wait()
	}
}

// applyCheck records a check result and applies an UP/DOWN transition to
// the balancer and the queues, as srv_update_status does.
func (b *backend) applyCheck(s *server, r check.Result, h check.Health, changed bool) {
	b.mu.Lock()
	if s.lb.Index < 0 {
		b.mu.Unlock()
		return // removed from the backend meanwhile
	}
	wasUp := s.lb.Up
	s.check.health = h.Value
	s.check.status, s.check.code, s.check.desc, s.check.duration = r.Status, r.Code, r.Desc, r.Duration
	if !r.OK && wasUp {
		s.check.failed++
	}
	var msgs []string
	if changed {
		s.check.lastChg = b.p.clk.Now()
		s.lb.Up = h.Up()
		b.alg.Changed(&s.lb)
		if s.lb.Up {
			b.grab(s)
			msgs = append(msgs, b.upMessage(s, r))
		} else {
			s.check.downs++
			msgs = append(msgs, b.downMessage(s, r))
			if !b.anyUsable() {
				msgs = append(msgs, fmt.Sprintf("backend '%s' has no server available!", b.cfg.Name))
			}
		}
	}
	b.mu.Unlock()
	for _, m := range msgs {
		b.p.event(b.cfg.Name, s.cfg.Name, m)
	}
}

// grab moves requests waiting in the backend queue to a server that came
// up, as many as its maxconn allows (pendconn_grab_from_px), then serves
// them. The lock is held.
func (b *backend) grab(s *server) {
	if !s.lb.Usable() {
		return
	}
	if s.lb.MaxConn == 0 {
		// no limit: every request of the backend queue goes to it now
		for p := b.queue.first(); p != nil; p = b.queue.first() {
			b.hand(p, s)
			b.alg.Take(&s.lb)
		}
		return
	}
	b.dequeue(s)
}

func (b *backend) countServers() (active, backup int) {
	for _, s := range b.servers {
		if s.lb.Usable() {
			if s.lb.Backup {
				backup++
			} else {
				active++
			}
		}
	}
	return
}

func (b *backend) downMessage(s *server, r check.Result) string {
	act, bck := b.countServers()
	info := ""
	if r.Desc != "" {
		info = fmt.Sprintf(", info: \"%s\"", r.Desc)
	}
	if r.Code != 0 {
		info = fmt.Sprintf(", code: %d, info: \"%s\"", r.Code, r.Desc)
	}
	return fmt.Sprintf("Server %s/%s is DOWN, reason: %s%s, check duration: %dms. %d active and %d backup servers left. %d sessions active, 0 requeued, %d remaining in queue.",
		b.cfg.Name, s.cfg.Name, r.Reason(), info, ms(r.Duration), act, bck, s.lb.Served, s.queue.n)
}

func (b *backend) upMessage(s *server, r check.Result) string {
	act, bck := b.countServers()
	code := ""
	if r.Code != 0 {
		code = fmt.Sprintf(", code: %d, info: \"%s\"", r.Code, r.Desc)
	}
	return fmt.Sprintf("Server %s/%s is UP, reason: %s%s, check duration: %dms. %d active and %d backup servers online. 0 sessions requeued, %d total in queue.",
		b.cfg.Name, s.cfg.Name, r.Reason(), code, ms(r.Duration), act, bck, b.queue.n)
}

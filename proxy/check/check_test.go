package check

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lblab/lblab/lab/clock"
)

func TestHealthCounterFollowsHAProxy(t *testing.T) {
	h := NewHealth(2, 3)
	if !h.Up() || h.Label() != "UP 1/3" {
		t.Fatalf("start: up=%v label=%q, want UP 1/3 (start OK, check at once)", h.Up(), h.Label())
	}
	if !h.Update(false) || h.Up() || h.Label() != "DOWN" {
		t.Fatalf("one failed first check must mark DOWN, got %q", h.Label())
	}
	if h.Update(true) || h.Label() != "DOWN 1/2" {
		t.Fatalf("one success from DOWN: %q, want DOWN 1/2", h.Label())
	}
	if !h.Update(true) || h.Label() != "UP" || !h.Full() {
		t.Fatalf("two successes from DOWN: %q, want UP (full)", h.Label())
	}
	for i, want := range []string{"UP 2/3", "UP 1/3", "DOWN"} {
		changed := h.Update(false)
		if h.Label() != want || changed != (i == 2) {
			t.Fatalf("failure %d from full UP: %q changed=%v, want %q", i+1, h.Label(), changed, want)
		}
	}
}

func TestIntervalsFollowTheHealth(t *testing.T) {
	p := Params{Inter: 2 * time.Second, FastInter: 500 * time.Millisecond, DownInter: 5 * time.Second}
	h := NewHealth(2, 3)
	if got := p.Interval(h); got != p.FastInter {
		t.Fatalf("transitional: %v, want fastinter", got)
	}
	h.Update(true)
	if got := p.Interval(h); got != p.Inter {
		t.Fatalf("full UP: %v, want inter", got)
	}
	h = Health{Value: 0, Rise: 2, Fall: 3}
	if got := p.Interval(h); got != p.DownInter {
		t.Fatalf("DOWN: %v, want downinter", got)
	}
	p.DownInter, p.FastInter = 0, 0
	if got := p.Interval(h); got != p.Inter {
		t.Fatalf("DOWN without downinter: %v, want inter", got)
	}
}

func TestProbeTCPAndHTTP(t *testing.T) {
	clk := clock.New(1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := Params{Addr: addr, ConnectTimeout: time.Second, ReadTimeout: time.Second, Clock: clk}
	if r := Probe(context.Background(), p); r.OK || r.Status != "L4CON" || r.Desc != "Connection refused" {
		t.Fatalf("closed port: %+v", r)
	}
	var gotMethod, gotURI string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotURI = r.Method, r.RequestURI
		if r.RequestURI == "/bad" {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	p.Addr = srv.Listener.Addr().String()
	if r := Probe(context.Background(), p); !r.OK || r.Status != "L4OK" {
		t.Fatalf("open port: %+v", r)
	}
	p.HTTP = &HTTP{Method: "OPTIONS", URI: "/", Version: "HTTP/1.0"}
	if r := Probe(context.Background(), p); !r.OK || r.Status != "L7OK" || r.Code != 200 || gotMethod != "OPTIONS" || gotURI != "/" {
		t.Fatalf("httpchk: %+v (saw %s %s)", r, gotMethod, gotURI)
	}
	p.HTTP.URI = "/bad"
	if r := Probe(context.Background(), p); r.OK || r.Status != "L7STS" || r.Code != 500 {
		t.Fatalf("httpchk on a 500: %+v", r)
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	clk := clock.New(1000)
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan Health, 100)
	done := make(chan struct{})
	p := Params{Addr: "127.0.0.1:1", Inter: time.Second, ConnectTimeout: time.Second, Rise: 2, Fall: 3, Clock: clk}
	go func() {
		Run(ctx, p, 0, NewHealth(2, 3), func(r Result, h Health, changed bool) {
			select {
			case results <- h:
			default:
			}
		})
		close(done)
	}()
	if h := <-results; h.Up() {
		t.Fatalf("first check on a closed port left the server UP: %+v", h)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

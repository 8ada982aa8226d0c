package proxy

import (
	"bufio"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/balance"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// Runtime changes race with requests in the dashboard (switch the
// algorithm, set a weight, drain, add or remove a server while traffic
// flows). Under -race this test is the detector's chance to see that
// every shared field is touched under the right lock; it also checks that
// every request gets an answer.
func TestRuntimeChangesUnderLoad(t *testing.T) {
	bs := haproxytest.StartBackends(t, "s1", "s2", "s3", "s4")
	cfg := labConfig(balance.Spec{}, NewServer("s1", bs[0].Addr), NewServer("s2", bs[1].Addr), NewServer("s3", bs[2].Addr))
	cfg.Backends[0].Redispatch = -1
	p, addr := run(t, cfg, Options{})

	stop := make(chan struct{})
	var changes sync.WaitGroup
	changes.Add(1)
	go func() {
		defer changes.Done()
		specs := []balance.Spec{{Algo: balance.LeastConn}, {Algo: balance.Source},
			{Algo: balance.URI, Hash: balance.HashType{Consistent: true}}, {Algo: balance.StaticRR},
			{Algo: balance.First}, {Algo: balance.Random}, {Algo: balance.RoundRobin}}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			p.SetBalance("be", specs[i%len(specs)])
			p.SetWeight("be", "s2", 1+i%5)
			p.SetState("be", "s3", AdminState(i%3))
			if i%4 == 0 {
				p.AddServer("be", *NewServer("s4", bs[3].Addr))
			} else if i%4 == 2 {
				p.RemoveServer("be", "s4")
			}
			p.Stats()
			p.Placement("be", 5)
			p.Locate("be", []balance.Request{{HTTP: true, URI: "/x"}})
			time.Sleep(time.Millisecond)
		}
	}()

	var clients sync.WaitGroup
	errs := make(chan error, 16)
	for c := range 16 {
		clients.Add(1)
		go func() {
			defer clients.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			for i := range 60 {
				r, err := exchangeRaw(conn, br, fmt.Sprintf("GET /c%d/%d HTTP/1.1\r\nHost: x\r\n\r\n", c, i))
				if err != nil {
					errs <- fmt.Errorf("client %d request %d: %v", c, i, err)
					return
				}
				if r.status != 200 {
					errs <- fmt.Errorf("client %d request %d: status %d", c, i, r.status)
					return
				}
			}
		}()
	}
	clients.Wait()
	close(stop)
	changes.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

package proxy_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/haproxytest"
)

// queued reads how many requests wait in backend be (its queue plus its
// servers'), in haproxy ("show stat" qcur, field 2, of every row of the
// backend: its servers and BACKEND) and in lblab.
func queuedHA(t *testing.T, pr *pair) int {
	n := 0
	for _, line := range strings.Split(pr.inst.Runtime(t, "show stat"), "\n") {
		f := strings.Split(line, ",")
		if len(f) > 2 && f[0] == "be" {
			q, _ := strconv.Atoi(f[2])
			n += q
		}
	}
	return n
}

func queuedLB(pr *pair) int {
	n := 0
	for _, b := range pr.p.Stats().Backends {
		if b.Name == "be" {
			n += b.QCur
			for _, s := range b.Servers {
				n += s.QCur
			}
		}
	}
	return n
}

// arrivals runs the same script on one proxy and returns which server
// served each request, in the order they were sent. A step "x" sends a
// /hold request and waits until it reaches a server or joins a queue; a
// step "release s1" (or "release @0", the server of the first request)
// lets its held requests answer and, when requests are queued, waits for
// the one that takes the freed slot. At the end the
// servers are released in turn, s1 first, until every request is served.
func arrivals(t *testing.T, addr string, bs []*haproxytest.Backend, script []string, queued func() int) []string {
	t.Helper()
	served := map[string]string{}
	var paths []string
	pending := 0
	arrival := func() bool {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, b := range bs {
				select {
				case p := <-b.Arrived:
					served[p] = b.Name
					return true
				default:
				}
			}
			time.Sleep(time.Millisecond)
		}
		return false
	}
	release := func(name string) {
		for _, b := range bs {
			if b.Name == name {
				b.Release()
			}
		}
		if pending > 0 {
			if !arrival() {
				t.Fatalf("releasing %s served no queued request (served so far %v, queued %d)", name, served, queued())
			}
			pending--
		}
	}
	for i, step := range script {
		if name, ok := strings.CutPrefix(step, "release "); ok {
			if k, ok := strings.CutPrefix(name, "@"); ok { // the server of request #k
				n, _ := strconv.Atoi(k)
				name = served[paths[n]]
			}
			release(name)
			continue
		}
		// the index goes in the query string, which "balance uri" ignores
		path := fmt.Sprintf("/hold/%s?%d", step, i)
		paths = append(paths, path)
		before := queued()
		go answer(t, addr, path)
		deadline := time.Now().Add(10 * time.Second)
		for {
			if arrivalNow(bs, served) {
				break
			}
			if queued() > before {
				pending++
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s neither reached a server nor queued", path)
			}
			time.Sleep(time.Millisecond)
		}
	}
	// drain: release the servers in turn (s1 first); a request queued on
	// a server's own queue only leaves when that server frees a slot
	for k, end := 0, time.Now().Add(20*time.Second); len(served) < len(paths) && time.Now().Before(end); k++ {
		bs[k%len(bs)].Release()
		// a backend-queued request takes the slot at once: wait for it
		// generously, so the next release cannot overtake it
		wait := time.Now().Add(2 * time.Second)
		for before := len(served); len(served) == before && len(served) < len(paths) && time.Now().Before(wait); {
			if !arrivalNow(bs, served) {
				time.Sleep(time.Millisecond)
			}
		}
	}
	for _, b := range bs {
		b.Release()
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = served[p]
	}
	return out
}

// arrivalNow records an arrival if one is there, without waiting.
func arrivalNow(bs []*haproxytest.Backend, served map[string]string) bool {
	for _, b := range bs {
		select {
		case p := <-b.Arrived:
			served[p] = b.Name
			return true
		default:
		}
	}
	return false
}

func TestDiffMaxconnQueues(t *testing.T) {
	for _, c := range []struct {
		name, balance string
		script        []string
	}{
		// round robin skips full servers; the 3rd and 4th wait in the
		// backend queue and go wherever a slot frees first
		{"roundrobin backend queue", "roundrobin", []string{"a", "b", "c", "d", "release s2", "e"}},
		// leastconn likewise
		{"leastconn backend queue", "leastconn", []string{"a", "b", "c", "release s1", "d"}},
		// a hash queues on its own server even while the other is idle
		{"uri queues on its server", "uri", []string{"x", "x", "y", "release @0", "x"}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			haBs := haproxytest.StartBackends(t, "s1", "s2")
			lbBs := haproxytest.StartBackends(t, "s1", "s2")
			pr := startSplitPair(t, fmt.Sprintf(`defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout queue 30s
frontend fe
    bind {FRONT}
    default_backend be
backend be
    balance %s
    server s1 {S1} maxconn 1
    server s2 {S2} maxconn 1
`, c.balance), haBs, lbBs)
			ha := arrivals(t, pr.ha, haBs, c.script, func() int { return queuedHA(t, pr) })
			lb := arrivals(t, pr.lb, lbBs, c.script, func() int { return queuedLB(pr) })
			if strings.Join(ha, " ") != strings.Join(lb, " ") {
				t.Errorf("%s:\n haproxy %v\n lblab   %v", c.name, ha, lb)
			}
			t.Logf("%s: %v", c.name, lb)
		})
	}
}

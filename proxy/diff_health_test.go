package proxy_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// restartable is a named backend that can stop (connections refused) and
// start again on the same address, as a stopped container would.
type restartable struct {
	name, addr string
	mu         sync.Mutex
	srv        *http.Server
}

func newRestartable(t *testing.T, name string) *restartable {
	r := &restartable{name: name}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.stop)
	return r
}

func (r *restartable) serve(ln net.Listener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, r.name)
	})}
	go r.srv.Serve(ln)
}

func (r *restartable) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
}

func (r *restartable) start(t *testing.T) {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		t.Fatalf("restarting %s on %s: %v", r.name, r.addr, err)
	}
	r.serve(ln)
}

// haStatus is a server's status in haproxy's "show stat" CSV (field 17).
func haStatus(t *testing.T, pr *pair, be, srv string) string {
	for _, line := range strings.Split(pr.inst.Runtime(t, "show stat"), "\n") {
		f := strings.Split(line, ",")
		if len(f) > 17 && f[0] == be && f[1] == srv {
			return f[17]
		}
	}
	return ""
}

func lbStatus(pr *pair, be, srv string) string {
	for _, b := range pr.p.Stats().Backends {
		for _, s := range b.Servers {
			if b.Name == be && s.Name == srv {
				return s.Status
			}
		}
	}
	return ""
}

// waitStatus waits until both proxies report srv with status want.
func waitStatus(t *testing.T, pr *pair, srv, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ha, lb := haStatus(t, pr, "be", srv), lbStatus(pr, "be", srv)
		if ha == want && lb == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: haproxy says %q, lblab %q; want both %q", srv, ha, lb, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDiffServerDownAndBackThroughHealthChecks(t *testing.T) {
	type algo struct {
		balance, hashType string
		bySource          bool // vary the client address (hashing on it)
	}
	for _, a := range []algo{
		{"roundrobin", "", false},
		{"static-rr", "", false},
		{"leastconn", "", false},
		{"first", "", false},
		{"source", "", true},
		{"source", "consistent", true},
		{"uri", "consistent", false},
		{"uri", "map-based djb2 avalanche", false},
	} {
		t.Run(strings.ReplaceAll(a.balance+" "+a.hashType, " ", "_"), func(t *testing.T) {
			rs := []*restartable{newRestartable(t, "s1"), newRestartable(t, "s2"), newRestartable(t, "s3")}
			hash := ""
			if a.hashType != "" {
				hash = "    hash-type " + a.hashType + "\n"
			}
			cfg := fmt.Sprintf(`defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind {FRONT}
    default_backend be
backend be
    balance %s
%s    server s1 %s weight 2 check inter 50ms
    server s2 %s weight 1 check inter 50ms
    server s3 %s weight 3 check inter 50ms
`, a.balance, hash, rs[0].addr, rs[1].addr, rs[2].addr)
			pr := startPair(t, cfg, nil)
			for _, s := range []string{"s1", "s2", "s3"} {
				waitStatus(t, pr, s, "UP")
			}
			hc, lc := dialClient(t, pr.ha), dialClient(t, pr.lb)
			n := 0
			round := func(what string, count int) []string {
				var ha, lb []string
				for range count {
					n++
					path := fmt.Sprintf("/page/%d", n%7)
					if a.bySource {
						src := fmt.Sprintf("127.1.%d.%d", n/200, 1+n%200)
						ha = append(ha, exchangeAll(t, pr.ha, src, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
						lb = append(lb, exchangeAll(t, pr.lb, src, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
						continue
					}
					ha = append(ha, hc.get(path))
					lb = append(lb, lc.get(path))
				}
				if strings.Join(ha, ",") != strings.Join(lb, ",") {
					t.Errorf("%s:\n haproxy %v\n lblab   %v", what, ha, lb)
				}
				return lb
			}
			served := func(picks []string, srv string) bool {
				return strings.Contains(strings.Join(picks, ","), srv)
			}
			round("all up", 12)
			rs[1].stop()
			waitStatus(t, pr, "s2", "DOWN")
			if served(round("s2 down", 12), "s2") {
				t.Error("s2 answered while DOWN")
			}
			rs[1].start(t)
			waitStatus(t, pr, "s2", "UP")
			if back := round("s2 back", 18); !served(back, "s2") && a.balance != "first" && a.balance != "uri" {
				t.Errorf("s2 never picked after coming back: %v", back)
			}
		})
	}
}

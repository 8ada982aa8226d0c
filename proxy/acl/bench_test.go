package acl

import (
	"errors"
	"strings"
	"testing"
)

// ep04Rules parses the Ep 4 examples frontend: its ACLs and its five
// conditions, in rule order.
func ep04Rules(tb testing.TB) []*Cond {
	tb.Helper()
	s := NewSet()
	for _, l := range []string{
		"is_static path_beg /static", "block_ip src 127.66.0.0/16", "is_post_method method POST",
		"is_mobile_user_agent req.hdr(User-Agent) -i -m sub Mobile", "is_admin_path path_beg /admin",
		"is_internal_network src 127.0.0.0/24",
	} {
		if err := s.Declare(strings.Fields(l)); err != nil {
			tb.Fatal(err)
		}
	}
	var conds []*Cond
	for _, c := range []string{"if block_ip", "if is_admin_path !is_internal_network", "if is_static",
		"if is_post_method", "if is_mobile_user_agent"} {
		cond, err := s.ParseCond(strings.Fields(c))
		if err != nil {
			tb.Fatal(err)
		}
		conds = append(conds, cond)
	}
	return conds
}

var ep04Requests = []*testReq{
	get("/static/app.css"), get("/admin", from("127.1.2.3")), get("/", from("127.66.1.1")),
	get("/submit", meth("POST")),
	get("/", hdr("User-Agent", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36")),
	get("/products?id=42", hdr("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")),
}

// BenchmarkEvalEp04 runs the whole Ep 4 rule table (first match wins) on
// a mix of requests, as the proxy does for each request.
func BenchmarkEvalEp04(b *testing.B) {
	conds := ep04Rules(b)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		r := ep04Requests[i%len(ep04Requests)]
		for _, c := range conds {
			if c.Eval(r) {
				n++
				break
			}
		}
	}
	if n == 0 {
		b.Fatal("no rule matched")
	}
}

// BenchmarkEvalEp04Cond measures each condition on the request that
// exercises it most (the header scan reads every User-Agent byte).
func BenchmarkEvalEp04Cond(b *testing.B) {
	conds := ep04Rules(b)
	names := []string{"block_ip", "admin_not_internal", "static", "post", "mobile"}
	reqs := []*testReq{ep04Requests[2], ep04Requests[1], ep04Requests[0], ep04Requests[3], ep04Requests[5]}
	for k, c := range conds {
		b.Run(names[k], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Eval(reqs[k])
			}
		})
	}
}

// Evaluating the common conditions must not allocate: prefix and
// substring matches, CIDR, method, header iteration.
func TestEvalDoesNotAllocate(t *testing.T) {
	conds := ep04Rules(t)
	for _, r := range ep04Requests {
		allocs := testing.AllocsPerRun(100, func() {
			for _, c := range conds {
				c.Eval(r)
			}
		})
		if allocs != 0 {
			t.Errorf("evaluating the Ep 4 rules on %q allocates %.1f times", r.wire(), allocs)
		}
	}
}

// Conditions are evaluated by many connections at once.
func TestConcurrentEval(t *testing.T) {
	conds := ep04Rules(t)
	want := make([][]bool, len(ep04Requests))
	for i, r := range ep04Requests {
		for _, c := range conds {
			want[i] = append(want[i], c.Eval(r))
		}
	}
	done := make(chan error, 8)
	for g := range 8 {
		go func() {
			for n := range 200 {
				i := (g + n) % len(ep04Requests)
				for k, c := range conds {
					if c.Eval(ep04Requests[i]) != want[i][k] {
						done <- errMismatch
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

var errMismatch = errors.New("concurrent evaluation disagreed with sequential evaluation")

func TestNilCond(t *testing.T) {
	var c *Cond
	if !c.Eval(get("/")) || c.NeedsHTTP() || c.String() != "" || c.TCPConnectionWarning() != "" || c.Warnings() != nil {
		t.Error("a nil condition should always hold and say nothing")
	}
}

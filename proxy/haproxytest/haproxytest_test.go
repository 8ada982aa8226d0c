package haproxytest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// The harness itself: a roundrobin backend through real haproxy alternates.
func TestHarnessRoundRobin(t *testing.T) {
	bs := StartBackends(t, "a", "b")
	front := FreeAddr(t)
	inst := Start(t, `
defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend fe
    bind `+front+`
    default_backend be
backend be
    server a `+bs[0].Addr+`
    server b `+bs[1].Addr+`
`)
	var got []string
	for range 4 {
		resp, err := http.Get("http://" + front + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got = append(got, string(body))
	}
	if s := strings.Join(got, " "); s != "a b a b" {
		t.Fatalf("roundrobin through haproxy gave %q, want \"a b a b\"", s)
	}
	if out := inst.Runtime(t, "show servers state be"); !strings.Contains(out, "be") {
		t.Fatalf("runtime API answered %q", out)
	}
}

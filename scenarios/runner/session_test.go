package runner

import (
	"net"
	"testing"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/scenarios"
)

// A scenario that cannot start leaves the dashboard with the lab it had,
// started again and handed back; one that can replaces it.
func TestSessionOpenFallsBackToTheLabItHad(t *testing.T) {
	start := func() (*lab.Lab, error) {
		l, err := lab.New(lab.Options{Listen: "127.0.0.1:0", Speed: 10})
		if err != nil {
			return nil, err
		}
		return l, l.Start()
	}
	l, err := start()
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(l, nil, start)
	defer s.Close()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	sc, err := scenarios.Builtin("ep09-weighted-rr")
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.Open(sc, 10, taken.Addr().String())
	if err == nil {
		t.Fatal("a scenario on a taken address started")
	}
	if back == nil || back == l || back.Snapshot().Name != "" && back.Snapshot().Name == sc.Name {
		t.Fatalf("after the failed open the dashboard got %v (old lab %p)", back, l)
	}
	if apps := back.Snapshot().Apps; len(apps) == 0 || !apps[0].Running {
		t.Fatalf("the lab handed back does not run: %+v", apps)
	}
	next, err := s.Open(sc, 10, "127.0.0.1:0")
	if err != nil || next == nil || next.Snapshot().Name != sc.Name {
		t.Fatalf("opening %s on a free port: %v, %v", sc.Name, next, err)
	}
}

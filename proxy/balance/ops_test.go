package balance

import (
	"fmt"
	"testing"
)

// runOps drives an algorithm with the operations a proxy makes, read from
// data: state and weight changes, picks with and without a server to
// avoid, connections taken and released, and the read-only views. It
// checks that nothing panics and that a pick is a server that may take
// traffic now.
func runOps(t *testing.T, spec Spec, data []byte) {
	ss := servers(3, 1, 2, 5, 1)
	ss[3].Backup, ss[4].Backup = true, true
	ss[1].MaxConn, ss[1].MaxQueue = 2, 1
	ss[2].MaxConn = 3
	a, err := New(spec, ss, WithRand(counter(11)))
	if err != nil {
		t.Fatal(err)
	}
	var held []*Server
	for k := 0; k+1 < len(data); k += 2 {
		op, arg := data[k], int(data[k+1])
		s := ss[arg%len(ss)]
		switch op % 8 {
		case 0:
			s.Up = !s.Up
			a.Changed(s)
		case 1:
			s.Maint = !s.Maint
			a.Changed(s)
		case 2:
			s.Drain = !s.Drain
			a.Changed(s)
		case 3:
			s.Weight = arg % 9
			a.Changed(s)
		case 4, 5:
			var avoid *Server
			if op%8 == 5 {
				avoid = s
			}
			got := a.Pick(mixed(arg), avoid)
			if got == nil {
				continue
			}
			if !got.Usable() {
				t.Fatalf("%s picked %s, which is not usable (%+v)", spec.Name(), got.Name, *got)
			}
			got.Served++
			a.Take(got)
			held = append(held, got)
		case 6:
			if len(held) > 0 {
				h := held[arg%len(held)]
				held[arg%len(held)] = held[len(held)-1]
				held = held[:len(held)-1]
				h.Served--
				a.Drop(h)
			}
		case 7:
			_ = a.Placement()
			_ = Next(a, arg%5)
			_ = Locate(a, mixed(arg))
		}
	}
}

func TestRandomOperations(t *testing.T) {
	next := counter(99)
	data := make([]byte, 20000)
	for k := range data {
		data[k] = byte(next())
	}
	for _, spec := range allSpecs {
		runOps(t, spec, data)
	}
}

func FuzzOperations(f *testing.F) {
	f.Add(uint8(0), []byte{4, 0, 4, 1, 0, 0, 4, 2, 5, 1, 6, 0, 7, 3})
	f.Add(uint8(4), []byte{3, 0, 3, 1, 3, 2, 4, 9, 1, 3, 4, 4, 2, 0, 4, 4})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		spec := allSpecs[int(which)%len(allSpecs)]
		t.Run(fmt.Sprint(spec.Name()), func(t *testing.T) { runOps(t, spec, data) })
	})
}

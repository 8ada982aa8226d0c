package balance

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Differential tests of roundrobin, static-rr and first against haproxy.

func TestDiffRoundRobin(t *testing.T) {
	t.Parallel()
	for _, ws := range [][]int{{2, 1, 3}, {2, 3, 3}, {7, 3, 2}, {13, 1, 4, 9}, {256, 1, 77}} {
		t.Run(fmtInts(ws), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, Spec{Algo: RoundRobin}, weightsConf(ws...))
			l.seq(40)
			l.maint("s2")
			l.seq(25)
			l.ready("s2")
			l.seq(25)
			l.weight("s1", 5)
			l.seq(20)
			l.weight("s3", 0)
			l.seq(15)
			l.weight("s3", 2)
			l.seq(20)
			l.drain("s1")
			l.seq(10)
			l.ready("s1")
			l.seq(30)
		})
	}
}

// Weight changes while servers still wait in the "init" tree (not placed
// yet in the window), and around window switches.
func TestDiffRoundRobinEarlyWeights(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: RoundRobin}, weightsConf(2, 1, 3, 1))
	l.weight("s2", 4)
	l.seq(1)
	l.weight("s4", 2)
	l.seq(2)
	l.weight("s1", 1)
	for k := range 12 {
		l.seq(3)
		l.weight("s"+strconv.Itoa(1+k%4), 1+k*5%7)
	}
	l.seq(20)
}

// Backup servers: only the first backup serves when every active server
// is out, the next one takes over when it goes too, and actives win back.
func TestDiffRoundRobinBackup(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: RoundRobin}, []srvConf{
		{Weight: 2}, {Weight: 1}, {Weight: 3, Backup: true}, {Weight: 1, Backup: true}, {Weight: 2, Backup: true}})
	l.seq(12)
	l.maint("s1")
	l.maint("s2")
	l.seq(6)
	l.maint("s3")
	l.seq(6)
	l.ready("s3")
	l.seq(6)
	l.ready("s2")
	l.seq(6)
	l.ready("s1")
	l.seq(12)
}

// Saturated servers (maxconn reached) are skipped and put back in place.
func TestDiffRoundRobinMaxConn(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: RoundRobin}, []srvConf{{Weight: 3, MaxConn: 2}, {Weight: 1, MaxConn: 1}, {Weight: 2, MaxConn: 3}})
	var hs []*held
	for range 5 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s2")
	for range 2 {
		hs = append(hs, l.hold(req{}))
	}
	// every server is full now: the next request would wait in the
	// backend queue (asked of a copy: a real pick moves the positions)
	if next := Next(l.algo, 1); next[0] != nil {
		t.Fatalf("with every server full, the model would pick %s", next[0].Name)
	}
	hs = l.release(hs, "s1", "s3")
	for range 4 {
		hs = append(hs, l.hold(req{}))
	}
	l.release(hs, "s1", "s2", "s3")
	l.seq(12)
}

func TestDiffStaticRR(t *testing.T) {
	t.Parallel()
	for _, ws := range [][]int{{2, 1, 3}, {10, 20, 30}, {4, 2, 1}, {5, 0, 3, 7}} {
		t.Run(fmtInts(ws), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, Spec{Algo: StaticRR}, weightsConf(ws...))
			l.seq(30)
			// A static algorithm refuses new weights, except 0 and the
			// configured one, so the map does not change.
			out := l.runtime("set server %s weight 9", "s1", nil)
			if !strings.Contains(out, StaticWeightError) {
				t.Fatalf("haproxy answered %q to a weight change, want %q", out, StaticWeightError)
			}
			if err := l.spec.CheckWeightChange(ws[0], 9); err == nil || err.Error() != StaticWeightError {
				t.Fatalf("CheckWeightChange = %v", err)
			}
			l.seq(20)
			l.weight("s1", 0)
			l.seq(20)
			l.weight("s1", ws[0])
			l.seq(20)
			l.maint("s3")
			l.seq(20)
			l.ready("s3")
			l.seq(20)
		})
	}
}

// The model ignores a weight the runtime API would refuse.
func TestStaticRRIgnoresNewWeights(t *testing.T) {
	ss := servers(2, 1, 3)
	a := mustNew(t, Spec{Algo: StaticRR}, ss)
	before := picks(a, 12, nil)
	ss[0].Weight = 9
	a.Changed(ss[0])
	if after := picks(a, 12, nil); after != before {
		t.Fatalf("static-rr after weight 9: %s, want unchanged %s", after, before)
	}
}

func TestDiffFirst(t *testing.T) {
	t.Parallel()
	// ids make s3 the first server, then s1, then s2
	l := startLab(t, Spec{Algo: First}, []srvConf{{Weight: 1, ID: 5, MaxConn: 2}, {Weight: 3, ID: 9, MaxConn: 1}, {Weight: 2, ID: 2, MaxConn: 2}})
	l.seq(5)
	var hs []*held
	for range 4 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s3")
	hs = append(hs, l.hold(req{}))
	l.release(hs, "s1", "s2", "s3")
	l.maint("s3")
	l.seq(4)
	l.ready("s3")
	l.seq(4)
}

func fmtInts(ws []int) string {
	s := make([]string, len(ws))
	for k, w := range ws {
		s[k] = strconv.Itoa(w)
	}
	return "w" + strings.Join(s, "-")
}

// Map-based algorithms in backup mode: the table has the first backup's
// weight in slots, but every usable backup competes for them, so a later
// backup can get some (a quirk of recalc_server_map kept as is).
func TestDiffStaticRRBackups(t *testing.T) {
	t.Parallel()
	for _, spec := range []Spec{{Algo: StaticRR}, {Algo: Source}} {
		t.Run(spec.Name(), func(t *testing.T) {
			t.Parallel()
			l := startLab(t, spec, []srvConf{{Weight: 1}, {Weight: 2, Backup: true}, {Weight: 3, Backup: true}, {Weight: 4, Backup: true}})
			src := sources(12)
			l.sendAll(src)
			l.maint("s1")
			got := strings.Join(l.sendAll(src), " ")
			if spec.Algo == StaticRR && !strings.Contains(got, "s3") {
				t.Errorf("static-rr in backup mode: %s; the quirk gives s3 slots too", got)
			}
			l.maint("s2")
			l.sendAll(src)
			l.ready("s2")
			l.sendAll(src)
			l.ready("s1")
			l.sendAll(src)
		})
	}
}

// Random runtime changes between requests, the same in both: servers
// leaving, draining, coming back, and changing weight.
func TestDiffRandomChanges(t *testing.T) {
	t.Parallel()
	for k, spec := range []Spec{
		{Algo: RoundRobin},
		{Algo: StaticRR},
		{Algo: LeastConn},
		{Algo: First},
		{Algo: Hdr, Param: "X-Key", Hash: HashType{Consistent: true, Avalanche: true}},
		{Algo: URI, Hash: HashType{Func: DJB2}},
	} {
		t.Run(spec.Name()+"_"+hashName(spec.Hash), func(t *testing.T) {
			t.Parallel()
			confs := []srvConf{{Weight: 3}, {Weight: 1, ID: 8}, {Weight: 4}, {Weight: 2, Backup: true}, {Weight: 1}}
			l := startLab(t, spec, confs)
			l.sync = spec.Algo == LeastConn
			rnd := counter(uint32(1000 + k))
			for range 160 {
				x := rnd()
				name := "s" + strconv.Itoa(1+int(x>>8)%len(confs))
				s := l.byName[name]
				switch x % 16 {
				case 0:
					if s.Maint {
						l.ready(name)
					} else {
						l.maint(name)
					}
				case 1:
					if s.Drain {
						l.ready(name)
					} else {
						l.drain(name)
					}
				case 2:
					w := int(x>>16) % 7
					if !spec.Dynamic() && w != 0 {
						w = confs[s.Index].Weight
					}
					l.weight(name, w)
				default:
					r := req{URI: fmt.Sprintf("/r/%d", x%23)}
					if x%5 != 0 {
						r.Headers = [][2]string{{"X-Key", fmt.Sprint(x % 17)}}
					}
					l.send(r)
				}
			}
		})
	}
}

package balance

import (
	"strings"
	"testing"
)

// Differential tests of leastconn against haproxy.

func TestDiffLeastConnSequential(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: LeastConn}, weightsConf(2, 1, 3))
	l.sync = true
	if got := l.seq(6); got != "s1 s2 s3 s1 s2 s3" {
		t.Fatalf("sequential leastconn 2,1,3: %s, want s1 s2 s3 s1 s2 s3 (haproxy-2.6.md)", got)
	}
	l.maint("s2")
	l.seq(5)
	l.ready("s2")
	l.seq(7)
	l.weight("s3", 7)
	l.seq(5)
}

func TestDiffLeastConnConcurrent(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: LeastConn}, weightsConf(2, 1, 3))
	var hs []*held
	var got []string
	for range 12 {
		h := l.hold(req{})
		hs = append(hs, h)
		got = append(got, h.server)
	}
	if s := strings.Join(got, " "); s != "s1 s2 s3 s3 s1 s3 s3 s1 s3 s2 s1 s3" {
		t.Fatalf("concurrent leastconn 2,1,3: %s, want the sequence of haproxy-2.6.md", s)
	}
	hs = l.release(hs, "s3")
	for range 5 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s1")
	l.weight("s2", 4)
	for range 4 {
		hs = append(hs, l.hold(req{}))
	}
	l.maint("s3")
	for range 3 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s2")
	l.ready("s3")
	for range 4 {
		hs = append(hs, l.hold(req{}))
	}
	l.release(hs, "s1", "s2", "s3")
	l.sync = true
	l.seq(6)
}

// With maxconn and maxqueue, leastconn skips a server once its served plus
// queued connections reach maxconn + maxqueue.
func TestDiffLeastConnMaxConn(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: LeastConn}, []srvConf{{Weight: 1, MaxConn: 1}, {Weight: 5, MaxConn: 2}, {Weight: 1}})
	var hs []*held
	for range 7 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s2")
	for range 3 {
		hs = append(hs, l.hold(req{}))
	}
	l.release(hs, "s1", "s2", "s3")
}

// Backups: the first backup alone while every active server is out.
func TestDiffLeastConnBackup(t *testing.T) {
	t.Parallel()
	l := startLab(t, Spec{Algo: LeastConn}, []srvConf{{Weight: 1}, {Weight: 2, Backup: true}, {Weight: 1, Backup: true}})
	l.sync = true
	l.seq(3)
	l.maint("s1")
	var hs []*held
	for range 3 {
		hs = append(hs, l.hold(req{}))
	}
	l.maint("s2")
	for range 2 {
		hs = append(hs, l.hold(req{}))
	}
	hs = l.release(hs, "s2")
	l.ready("s2")
	l.ready("s1")
	for range 3 {
		hs = append(hs, l.hold(req{}))
	}
	l.release(hs, "s1", "s3")
	l.seq(4)
}

package tui

import "github.com/lblab/lblab/lab"

// selection is the selected server. It is kept by name, so it follows its
// server when others are added or removed, and falls back to the same
// position when the server itself goes away.
type selection struct {
	backendName, serverName string
	bi, si                  int // in the current snapshot; -1 when there is nothing to select
}

// resolve finds the selection in a new snapshot.
func (s *selection) resolve(snap *lab.Snapshot) {
	if len(snap.Backends) == 0 {
		s.bi, s.si = -1, -1
		return
	}
	bi := -1
	for i := range snap.Backends {
		if snap.Backends[i].Name == s.backendName {
			bi = i
			break
		}
	}
	if bi < 0 {
		bi = clampIndex(s.bi, len(snap.Backends))
		s.si = 0
	}
	b := &snap.Backends[bi]
	si := -1
	for j := range b.Servers {
		if b.Servers[j].Name == s.serverName {
			si = j
			break
		}
	}
	if si < 0 {
		si = clampIndex(s.si, len(b.Servers))
	}
	s.set(snap, bi, si)
}

func (s *selection) set(snap *lab.Snapshot, bi, si int) {
	s.bi, s.si = bi, si
	s.backendName, s.serverName = "", ""
	if bi < 0 || bi >= len(snap.Backends) {
		s.bi, s.si = -1, -1
		return
	}
	b := &snap.Backends[bi]
	s.backendName = b.Name
	if si >= 0 && si < len(b.Servers) {
		s.serverName = b.Servers[si].Name
	} else {
		s.si = -1
	}
}

func clampIndex(i, n int) int {
	switch {
	case n == 0:
		return -1
	case i < 0:
		return 0
	case i >= n:
		return n - 1
	}
	return i
}

func (s *selection) backend(snap *lab.Snapshot) *lab.Backend {
	if s.bi < 0 || s.bi >= len(snap.Backends) {
		return nil
	}
	return &snap.Backends[s.bi]
}

func (s *selection) server(snap *lab.Snapshot) *lab.Server {
	b := s.backend(snap)
	if b == nil || s.si < 0 || s.si >= len(b.Servers) {
		return nil
	}
	return &b.Servers[s.si]
}

// move goes delta servers down (up when negative) through every backend's
// servers in table order, stopping at the ends.
func (s *selection) move(snap *lab.Snapshot, delta int) {
	if s.bi < 0 {
		return
	}
	bi, si := s.bi, s.si
	for ; delta > 0; delta-- {
		switch {
		case si+1 < len(snap.Backends[bi].Servers):
			si++
		case bi+1 < len(snap.Backends) && nextNonEmpty(snap, bi+1, 1) >= 0:
			bi, si = nextNonEmpty(snap, bi+1, 1), 0
		}
	}
	for ; delta < 0; delta++ {
		switch {
		case si > 0:
			si--
		case bi > 0 && nextNonEmpty(snap, bi-1, -1) >= 0:
			bi = nextNonEmpty(snap, bi-1, -1)
			si = len(snap.Backends[bi].Servers) - 1
		}
	}
	s.set(snap, bi, si)
}

// nextNonEmpty is the first backend from i in direction dir that has
// servers, -1 when there is none.
func nextNonEmpty(snap *lab.Snapshot, i, dir int) int {
	for ; i >= 0 && i < len(snap.Backends); i += dir {
		if len(snap.Backends[i].Servers) > 0 {
			return i
		}
	}
	return -1
}

// cycleBackend selects the first server of the next (dir 1) or previous
// (dir -1) backend, wrapping around.
func (s *selection) cycleBackend(snap *lab.Snapshot, dir int) {
	n := len(snap.Backends)
	if n == 0 || s.bi < 0 {
		return
	}
	bi := ((s.bi+dir)%n + n) % n
	s.set(snap, bi, clampIndex(0, len(snap.Backends[bi].Servers)))
}

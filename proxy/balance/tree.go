package balance

import "slices"

// tree stands for one of HAProxy's eb32 trees: entries ordered by key, and
// entries of equal key in insertion order (ebtree appends a duplicate after
// the existing ones). It is a sorted array ordered by (key, insertion
// sequence), with free room at both ends so that taking the first entry,
// what roundrobin does on every pick, moves nothing, and an insertion
// shifts the shorter side. The trees here hold at most a few thousand
// entries and are read far more often than written.
type tree struct {
	e   []entry // the entries, in order: buf[lo:hi]
	buf []entry
	lo  int
	hi  int
	seq uint64 // insertion counter of this tree
}

// entry is one node: id names the server (or, for a hash ring, the node).
type entry struct {
	key uint32
	id  int32
	seq uint64
}

func (a entry) less(b entry) bool {
	return a.key < b.key || a.key == b.key && a.seq < b.seq
}

func (t *tree) len() int { return len(t.e) }

// insert places a node after every node of the same key and returns its
// sequence number, which with the key finds the node again.
func (t *tree) insert(key uint32, id int32) uint64 {
	t.seq++
	t.insertAt(t.upper(key), entry{key: key, id: id, seq: t.seq})
	return t.seq
}

func (t *tree) insertAt(i int, n entry) {
	size := t.hi - t.lo
	if t.hi == len(t.buf) && t.lo > size/4+1 {
		t.recenter(len(t.buf))
	}
	switch {
	case t.lo > 0 && (i < size/2 || t.hi == len(t.buf)):
		if i > 0 {
			copy(t.buf[t.lo-1:], t.buf[t.lo:t.lo+i])
		}
		t.lo--
	case t.hi < len(t.buf):
		if i < size {
			copy(t.buf[t.lo+i+1:t.hi+1], t.buf[t.lo+i:t.hi])
		}
		t.hi++
	default:
		t.recenter(2*size + 16)
		copy(t.buf[t.lo+i+1:t.hi+1], t.buf[t.lo+i:t.hi])
		t.hi++
	}
	t.buf[t.lo+i] = n
	t.e = t.buf[t.lo:t.hi]
}

// recenter moves the entries to the middle of a buffer of the given size
// (a new one if it differs), leaving room at both ends.
func (t *tree) recenter(size int) {
	n := t.hi - t.lo
	buf := t.buf
	if size != len(buf) {
		buf = make([]entry, size)
	}
	lo := (size - n) / 2
	copy(buf[lo:], t.buf[t.lo:t.hi])
	t.buf, t.lo, t.hi = buf, lo, lo+n
	t.e = t.buf[t.lo:t.hi]
}

// upper is the position of the first node with a key above key.
func (t *tree) upper(key uint32) int {
	if n := len(t.e); n == 0 || t.e[n-1].key <= key {
		return n // at the end, a frequent case
	}
	lo, hi := 0, len(t.e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.e[m].key <= key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// lowerGE is the position of the first node with a key at or above key
// (eb32_lookup_ge), len when there is none.
func (t *tree) lowerGE(key uint32) int {
	lo, hi := 0, len(t.e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.e[m].key < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// pos finds the node (key, seq); -1 if it is not in t.
func (t *tree) pos(key uint32, seq uint64) int {
	if len(t.e) > 0 && t.e[0].key == key && t.e[0].seq == seq {
		return 0 // the first node, which a pick takes out
	}
	want := entry{key: key, seq: seq}
	lo, hi := 0, len(t.e)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.e[m].less(want) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.e) && t.e[lo].key == key && t.e[lo].seq == seq {
		return lo
	}
	return -1
}

// remove deletes the node (key, seq), if it is there.
func (t *tree) remove(key uint32, seq uint64) {
	if i := t.pos(key, seq); i >= 0 {
		t.removeAt(i)
	}
}

// removeAt deletes entry i, shifting the shorter side.
func (t *tree) removeAt(i int) {
	if i < (t.hi-t.lo)/2 {
		if i > 0 {
			copy(t.buf[t.lo+1:t.lo+i+1], t.buf[t.lo:t.lo+i])
		}
		t.lo++
	} else {
		if i < t.hi-t.lo-1 {
			copy(t.buf[t.lo+i:], t.buf[t.lo+i+1:t.hi])
		}
		t.hi--
	}
	t.e = t.buf[t.lo:t.hi]
}

// set replaces the entries (which must be ordered), e.g. after a bulk edit.
func (t *tree) set(e []entry) {
	t.buf, t.lo, t.hi = e, 0, len(e)
	t.e = e
}

// deleteFunc removes the entries del reports, keeping the order.
func (t *tree) deleteFunc(del func(entry) bool) {
	t.set(slices.DeleteFunc(t.e, del))
}

// merge inserts nodes whose sequence numbers the caller took from t.seq,
// in that order: the result is what inserting them one by one gives.
func (t *tree) merge(add []entry) {
	slices.SortFunc(add, func(x, y entry) int {
		if x.less(y) {
			return -1
		}
		if y.less(x) {
			return 1
		}
		return 0
	})
	old := t.e
	out := make([]entry, 0, len(old)+len(add))
	i, j := 0, 0
	for i < len(old) && j < len(add) {
		if add[j].less(old[i]) {
			out = append(out, add[j])
			j++
		} else {
			out = append(out, old[i])
			i++
		}
	}
	out = append(out, old[i:]...)
	t.set(append(out, add[j:]...))
}

// clone copies the tree, for simulations that must not touch the original.
func (t tree) clone() tree {
	e := append([]entry(nil), t.e...)
	c := tree{seq: t.seq}
	c.set(e)
	return c
}

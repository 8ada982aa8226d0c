package acl

import "sync"

// expr is one parsed ACL expression: a fetch with its arguments, the
// matching method and its patterns. An ACL name ORs several of them.
type expr struct {
	kw     string // keyword as HAProxy names it in messages (path_beg, req.hdr)
	fetch  *fetchDef
	hdr    string // header name for the header fetches
	hasHdr bool   // false: "hdr" without a name, which never matches
	occ    int64  // header occurrence: 0 all, >0 from the first, <0 from the last
	expect smpType
	pat    patterns
	words  []string // the expression as written (fetch, flags, patterns)

	walkers sync.Pool // *hdrWalk, so that header iteration does not allocate
}

// test reports whether the expression matches the request.
func (e *expr) test(r Request) bool {
	switch e.fetch.kind {
	case fHdr, fFhdr, fHdrVal:
		return e.testHeader(r)
	case fHdrCnt, fFhdrCnt:
		if !r.HTTP() || !e.hasHdr {
			return false
		}
		n := e.walk(r, walkCount, 0)
		return e.matchSample(sample{typ: tSint, num: int64(n.count)})
	}
	s, ok := fetchSimple(r, e.fetch.kind)
	if !ok {
		return false
	}
	return e.matchSample(s)
}

// matchSample converts s to what the match method expects and matches it.
func (e *expr) matchSample(s sample) bool {
	if e.pat.kind == mFound {
		return true
	}
	if !convert(&s, e.expect) {
		return false
	}
	return e.pat.match(s)
}

// headerSample turns one header value into the fetch's sample.
func (e *expr) headerSample(v string) sample {
	if e.fetch.kind == fHdrVal {
		return sample{typ: tSint, num: strl2ic(v)}
	}
	return sample{typ: tStr, str: v}
}

// testHeader iterates the header values: every one of them when no
// occurrence is given (the ACL passes on the first match), otherwise only
// the selected one, counted from the first (1) or from the last (-1).
func (e *expr) testHeader(r Request) bool {
	if !r.HTTP() || !e.hasHdr {
		return false
	}
	switch {
	case e.occ == 0:
		return e.walk(r, walkMatch, 0).hit
	case e.occ > 0:
		w := e.walk(r, walkPick, e.occ)
		return w.picked && e.matchSample(e.headerSample(w.value))
	}
	total := e.walk(r, walkCount, 0).count
	if -e.occ > total {
		return false
	}
	w := e.walk(r, walkPick, total+e.occ+1)
	return w.picked && e.matchSample(e.headerSample(w.value))
}

type walkMode uint8

const (
	walkMatch walkMode = iota
	walkCount
	walkPick
)

// hdrWalk is the state of one pass over a header's values. It is pooled,
// with its callback bound once, because Request.Header takes a func and a
// fresh closure per evaluation would allocate.
type hdrWalk struct {
	e      *expr
	mode   walkMode
	target int64
	count  int64
	hit    bool
	picked bool
	value  string
	fn     func(string) bool
}

// walkResult is what a pass found, copied out before the walker goes back
// to the pool.
type walkResult struct {
	count  int64
	hit    bool
	picked bool
	value  string
}

func (e *expr) walk(r Request, mode walkMode, target int64) walkResult {
	w, _ := e.walkers.Get().(*hdrWalk)
	if w == nil {
		w = &hdrWalk{}
		w.fn = w.visit
	}
	*w = hdrWalk{e: e, mode: mode, target: target, fn: w.fn}
	r.Header(e.hdr, w.fn)
	res := walkResult{count: w.count, hit: w.hit, picked: w.picked, value: w.value}
	w.e, w.value = nil, ""
	e.walkers.Put(w)
	return res
}

// visit receives one header line; it returns false to stop the iteration.
func (w *hdrWalk) visit(raw string) bool {
	full := w.e.fetch.kind == fFhdr || w.e.fetch.kind == fFhdrCnt
	if full {
		return w.elem(trimLWS(raw))
	}
	for pos := 0; ; {
		v, end := nextHeaderElem(raw, pos)
		if !w.elem(v) {
			return false
		}
		if end >= len(raw) {
			return true
		}
		pos = end + 1
	}
}

func (w *hdrWalk) elem(v string) bool {
	w.count++
	switch w.mode {
	case walkMatch:
		if w.e.matchSample(w.e.headerSample(v)) {
			w.hit = true
			return false
		}
	case walkPick:
		if w.count == w.target {
			w.picked, w.value = true, v
			return false
		}
	}
	return true
}

package tui

import "github.com/lblab/lblab/proxy"

// rulesPane shows each frontend's rules and how often they matched:
// use_backend choices, http-request and tcp-request rules, denials. It is
// only shown when a frontend has rules (the ACL episodes).
type rulesPane struct{}

func hasRules(fe *proxy.FrontendStats) bool {
	return len(fe.UseBackends)+len(fe.HTTPRules)+len(fe.TCPRules) > 0 || fe.Denied > 0 || fe.ConnDenied > 0
}

func (p rulesPane) size(f *frame) (lo, want int) {
	n := 0
	for i := range f.snap.Frontends {
		fe := &f.snap.Frontends[i].FrontendStats
		if hasRules(fe) {
			n += 2 + len(fe.UseBackends) + len(fe.HTTPRules) + len(fe.TCPRules)
		}
	}
	if n == 0 {
		return 0, 0
	}
	return min(n+1, 4), n + 1
}

func (p rulesPane) view(f *frame, w, h int) []string {
	lines := []string{rule(f.th, "frontend rules · hits", w)}
	t := f.th
	for i := range f.snap.Frontends {
		fe := &f.snap.Frontends[i].FrontendStats
		if !hasRules(fe) {
			continue
		}
		head := fe.Name + " · " + fmtCount(fe.Requests) + " req · " + fmtCount(fe.ConnTotal) + " conns"
		if fe.Denied > 0 || fe.ConnDenied > 0 {
			head += " · " + t.warn.Render(fmtCount(fe.Denied+fe.ConnDenied)+" denied")
		}
		if fe.BadRequests > 0 {
			head += " · " + fmtCount(fe.BadRequests) + " bad"
		}
		if fe.NoBackend > 0 {
			head += " · " + t.errText.Render(fmtCount(fe.NoBackend)+" no backend")
		}
		lines = append(lines, t.bold.Render(cut(head, w)))
		for _, r := range fe.TCPRules {
			lines = append(lines, ruleLine(r.Hits, r.Text, w))
		}
		for _, r := range fe.HTTPRules {
			lines = append(lines, ruleLine(r.Hits, r.Text, w))
		}
		for _, r := range fe.UseBackends {
			lines = append(lines, ruleLine(r.Hits, r.Text, w))
		}
		lines = append(lines, ruleLine(fe.DefaultHits, "default_backend", w))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

func ruleLine(hits int64, text string, w int) string {
	return cut(padLeft(fmtCount(hits), 8)+"  "+text, w)
}

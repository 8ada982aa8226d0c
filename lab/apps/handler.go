package apps

import (
	"math/rand/v2"
	"net/http"
	"time"
)

// ServeHTTP answers one request: wait the delay (lab time), then answer
// from the profile's routes, or 500 when the error rate picks the request.
func (a *App) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := a.clk.Now()
	a.inFlight.Inc()
	defer a.inFlight.Dec()
	rs := a.replies.Load()
	if d := delay(rs.b); d > 0 && !a.clk.Sleep(req.Context(), d) {
		// Stopped, or the client left: nobody is there to answer.
		a.aborted.Add(1)
		return
	}
	status := a.answer(w, req, rs)
	end := a.clk.Now()
	a.latency.Record(end.Sub(start))
	a.status.Add(status)
	a.perSec.AddAt(end, 1)
}

func delay(b Behaviour) time.Duration {
	d := b.Delay
	if b.Jitter > 0 {
		d += rand.N(2*b.Jitter+1) - b.Jitter
	}
	return max(d, 0)
}

// fails reports whether this request is one the error rate picks: the
// k-th request fails when k*rate crosses an integer, which spreads
// round(n*rate) failures evenly over any n requests.
func (a *App) fails(rate float64) bool {
	if rate <= 0 {
		return false
	}
	k := float64(a.errSeq.Add(1))
	return int64(k*rate) > int64((k-1)*rate)
}

// answer writes the response and returns its status.
func (a *App) answer(w http.ResponseWriter, req *http.Request, rs *replies) int {
	h := w.Header()
	h[HeaderApp] = a.hdrName
	h["Content-Type"] = a.hdrType
	if a.fails(rs.b.ErrorRate) {
		return a.write(w, req, http.StatusInternalServerError, a.failed.body, a.failed.length)
	}
	rt := rs.match(req.URL.Path)
	switch {
	case rt == nil:
		return a.write(w, req, http.StatusNotFound, a.notFound.body, a.notFound.length)
	case req.Method == http.MethodOptions:
		h["Allow"] = rt.allow
		return a.write(w, req, http.StatusOK, nil, a.hdrZero)
	case !rt.allows(req.Method):
		h["Allow"] = rt.allow
		return a.write(w, req, http.StatusMethodNotAllowed, a.notAllowed.body, a.notAllowed.length)
	}
	return a.write(w, req, http.StatusOK, rt.body, rt.length)
}

func (a *App) write(w http.ResponseWriter, req *http.Request, status int, body []byte, length []string) int {
	w.Header()["Content-Length"] = length
	w.WriteHeader(status)
	if req.Method != http.MethodHead && len(body) > 0 {
		_, _ = w.Write(body) // a client gone is not the app's failure
	}
	return status
}

package balance

// The harness of the differential tests: the same backend runs in the real
// haproxy (proxying to haproxytest backends that say who answered) and in
// this package's Algorithm, the same requests go to both, and every
// request must reach the same server. The model is driven as a proxy
// drives it: Pick, then Take when the request holds its slot, Drop when it
// is done; runtime API commands are mirrored by setting the Server's
// fields and calling Changed.

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lblab/lblab/proxy/haproxytest"
)

// srvConf is one server line.
type srvConf struct {
	Weight   int // 0 writes "weight 0"; use -1 for the default (1)
	ID       int // 0: automatic
	Backup   bool
	MaxConn  int
	MaxQueue int
	Disabled bool
	Addr     string // instead of a haproxytest backend, e.g. refusedAddr
}

// refusedAddr is an address that refuses connections: port 1, where
// nothing listens (checked). A closed backend's port would not do: the OS
// may hand it to another test running in parallel.
func refusedAddr(t *testing.T) string {
	const addr = "127.0.0.1:1"
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Skipf("something listens on %s: no address to refuse connections", addr)
	}
	return addr
}

// lab is one backend running in haproxy and in the model.
type lab struct {
	t        *testing.T
	inst     *haproxytest.Instance
	front    string // frontend address
	front6   string // its IPv6 address, with startLab6
	backends []*haproxytest.Backend
	srv      []*Server
	algo     Algorithm
	spec     Spec
	byName   map[string]*Server
	arrived  chan arrival
	sync     bool   // wait for haproxy's per-server counts to match the model after each request
	dead     string // a server that refuses connections, see pick
	n        int    // requests sent
}

type arrival struct{ server, uri string }

// req is one request to send.
type req struct {
	Method  string // default GET
	URI     string // default "/"
	Headers [][2]string
	Body    string
	Src     string // source address to dial from (127.x.y.z or ::1); "" = 127.0.0.1
}

// headers are the request's headers as sent: Host first (unless the
// request sets its own), then the request's own.
func (r req) headers() [][2]string {
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], "Host") {
			return r.Headers
		}
	}
	return append([][2]string{{"Host", "lab"}}, r.Headers...)
}

func (r req) model() *Request {
	m := &Request{HTTP: true, Method: r.Method, URI: r.URI}
	if r.Body != "" {
		m.Body = []byte(r.Body)
	}
	if m.Method == "" {
		m.Method = "GET"
	}
	if m.URI == "" {
		m.URI = "/"
	}
	src := r.Src
	if src == "" {
		src = "127.0.0.1"
	}
	m.Src = netip.MustParseAddr(src)
	hs := r.headers()
	m.Header = func(name string) (string, bool) {
		for _, h := range hs {
			if strings.EqualFold(h[0], name) {
				return h[1], true
			}
		}
		return "", false
	}
	return m
}

// startLab runs haproxy with backend "be" = spec over the servers, and
// builds the model over the same servers.
func startLab(t *testing.T, spec Spec, confs []srvConf, extra ...string) *lab {
	t.Helper()
	return startLabWith(t, false, spec, confs, extra...)
}

// frontAddr is a free address for the lab's frontend, on a random
// loopback IP of 127.100.0.0/10. A port freed on 127.0.0.1 may be handed
// to a test running in parallel before haproxy binds it (and haproxy binds
// with SO_REUSEPORT, so two of them would share it quietly); on an address
// nobody else uses, that cannot happen.
func frontAddr(t *testing.T) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	ip := fmt.Sprintf("127.%d.%d.%d", 100+int(b[0])%64, b[1], 1+int(b[2])%254)
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("no free port on %s: %v", ip, err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startLab6 also binds the frontend on ::1.
func startLab6(t *testing.T, spec Spec, confs []srvConf, extra ...string) *lab {
	t.Helper()
	return startLabWith(t, true, spec, confs, extra...)
}

func startLabWith(t *testing.T, ipv6 bool, spec Spec, confs []srvConf, extra ...string) *lab {
	t.Helper()
	haproxytest.Path(t) // skip (or fail) before starting anything
	names := make([]string, len(confs))
	for k := range confs {
		names[k] = "s" + strconv.Itoa(k+1)
	}
	l := &lab{t: t, spec: spec, backends: haproxytest.StartBackends(t, names...),
		byName: map[string]*Server{}, arrived: make(chan arrival, 256)}
	var cfg strings.Builder
	l.front = frontAddr(t)
	bind := l.front
	fmt.Fprintf(&cfg, "global\n    nbthread 1\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 20s\n    timeout server 20s\n    timeout queue 20s\n")
	fmt.Fprintf(&cfg, "frontend fe\n    bind %s\n", bind)
	if ipv6 {
		ln, err := net.Listen("tcp", "[::1]:0")
		if err != nil {
			t.Skipf("no IPv6 loopback: %v", err)
		}
		l.front6 = ln.Addr().String()
		ln.Close()
		fmt.Fprintf(&cfg, "    bind %s\n", l.front6)
	}
	// a frontend that answers by itself: once it does, haproxy's startup,
	// which binds the runtime API socket too, is over
	probe := frontAddr(t)
	fmt.Fprintf(&cfg, "    default_backend be\nfrontend probe\n    bind %s\n    http-request return status 200\n", probe)
	fmt.Fprintf(&cfg, "backend be\n")
	for _, line := range spec.Lines() {
		fmt.Fprintf(&cfg, "    %s\n", line)
	}
	for _, line := range extra {
		fmt.Fprintf(&cfg, "    %s\n", line)
	}
	for k, c := range confs {
		s := &Server{Name: names[k], Index: k, ID: c.ID, Backup: c.Backup, Weight: 1, Up: true,
			Maint: c.Disabled, MaxConn: c.MaxConn, MaxQueue: c.MaxQueue}
		addr := l.backends[k].Addr
		if c.Addr != "" {
			addr = c.Addr
		}
		line := fmt.Sprintf("    server %s %s", names[k], addr)
		if c.Weight >= 0 {
			s.Weight = c.Weight
			line += " weight " + strconv.Itoa(c.Weight)
		}
		if c.ID != 0 {
			line += " id " + strconv.Itoa(c.ID)
		}
		if c.Backup {
			line += " backup"
		}
		if c.MaxConn > 0 {
			line += " maxconn " + strconv.Itoa(c.MaxConn)
		}
		if c.MaxQueue > 0 {
			line += " maxqueue " + strconv.Itoa(c.MaxQueue)
		}
		if c.Disabled {
			line += " disabled"
		}
		cfg.WriteString(line + "\n")
		l.srv = append(l.srv, s)
		l.byName[s.Name] = s
	}
	if err := AssignIDs(l.srv); err != nil {
		t.Fatal(err)
	}
	l.inst = haproxytest.Start(t, cfg.String())
	waitStarted(t, probe)
	a, err := New(spec, l.srv)
	if err != nil {
		t.Fatal(err)
	}
	l.algo = a
	for _, b := range l.backends {
		go func() {
			for uri := range b.Arrived {
				l.arrived <- arrival{b.Name, uri}
			}
		}()
	}
	return l
}

// waitStarted waits until haproxy answers on the probe frontend.
func waitStarted(t *testing.T, probe string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get("http://" + probe + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy did not answer on %s: %v", probe, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// roundTrip sends one request on a fresh connection and returns the name
// of the server that answered ("" with no server: 503).
func (l *lab) roundTrip(r req) (string, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	if r.Src != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(r.Src)}
	}
	front := l.front
	if strings.Contains(r.Src, ":") {
		front = l.front6
	}
	c, err := d.Dial("tcp", front)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	m := r.model()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nConnection: close\r\n", m.Method, m.URI)
	for _, h := range r.headers() {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	if r.Body != "" {
		fmt.Fprintf(&b, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n", len(r.Body))
	}
	b.WriteString("\r\n" + r.Body)
	if _, err := io.WriteString(c, b.String()); err != nil {
		return "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode == http.StatusServiceUnavailable {
		return "", nil
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %s", resp.Status)
	}
	return resp.Header.Get("X-Server"), nil
}

// pick asks the model, as a proxy would for a new request. When a server
// refuses connections (l.dead, with option redispatch and retries 1), the
// failed attempt takes and releases a slot on it and the request is
// balanced again away from it; failing twice gives no server (503).
func (l *lab) pick(r req) *Server {
	m := r.model()
	want := l.algo.Pick(m, nil)
	if l.dead == "" {
		return want
	}
	d := l.byName[l.dead]
	for attempt := 0; want == d && attempt < 2; attempt++ {
		d.Served++
		l.algo.Take(d)
		d.Served--
		l.algo.Drop(d)
		if attempt == 0 {
			want = l.algo.Pick(m, d)
		}
	}
	if want == d {
		return nil
	}
	return want
}

// send runs one sequential request through both and fails on a mismatch.
func (l *lab) send(r req) string {
	l.t.Helper()
	l.n++
	want := l.pick(r)
	got, err := l.roundTrip(r)
	if err != nil {
		l.t.Fatalf("request %d (%+v): %v", l.n, r, err)
	}
	if want != nil {
		want.Served++
		l.algo.Take(want)
		want.Served--
		l.algo.Drop(want)
	}
	if name(want) != got {
		l.t.Fatalf("request %d %+v: haproxy chose %q, the model %q", l.n, r, got, name(want))
	}
	if l.sync {
		l.waitServed()
	}
	return got
}

// sendAll sends requests in order and returns the answers.
func (l *lab) sendAll(rs []req) []string {
	l.t.Helper()
	out := make([]string, len(rs))
	for k, r := range rs {
		out[k] = l.send(r)
	}
	return out
}

// seq sends n plain requests and returns the answering servers.
func (l *lab) seq(n int) string {
	l.t.Helper()
	out := make([]string, n)
	for k := range n {
		out[k] = l.send(req{})
	}
	return strings.Join(out, " ")
}

func name(s *Server) string {
	if s == nil {
		return ""
	}
	return s.Name
}

// held is a request kept in flight by its backend (/hold).
type held struct {
	server string
	done   chan error
}

// hold sends a /hold request, waits until it reaches a backend, checks it
// is the model's pick, and counts it as served in the model.
func (l *lab) hold(r req) *held {
	l.t.Helper()
	l.n++
	r.URI = "/hold/" + strconv.Itoa(l.n) + r.URI
	want := l.pick(r)
	h := &held{done: make(chan error, 1)}
	go func() {
		_, err := l.roundTrip(r)
		h.done <- err
	}()
	select {
	case a := <-l.arrived:
		h.server = a.server
		if a.uri != r.URI {
			l.t.Fatalf("request %d arrived as %q, want %q", l.n, a.uri, r.URI)
		}
	case err := <-h.done:
		l.t.Fatalf("held request %d ended before reaching a server: %v", l.n, err)
	case <-time.After(10 * time.Second):
		l.t.Fatalf("held request %d did not reach any server (queued?)", l.n)
	}
	if name(want) != h.server || want == nil {
		l.t.Fatalf("held request %d: haproxy chose %q, the model %q", l.n, h.server, name(want))
	}
	want.Served++
	l.algo.Take(want)
	l.waitServed()
	return h
}

// release lets every held request of the named servers finish, server by
// server in the order given (the order of the last release decides how
// equal servers are ordered in leastconn's tree), in the model too, and
// waits until haproxy counts them as done.
func (l *lab) release(hs []*held, servers ...string) []*held {
	l.t.Helper()
	for _, n := range servers {
		l.backends[l.byName[n].Index].Release()
		var left []*held
		for _, h := range hs {
			if h.server != n {
				left = append(left, h)
				continue
			}
			if err := <-h.done; err != nil {
				l.t.Fatalf("held request on %s: %v", h.server, err)
			}
			s := l.byName[h.server]
			s.Served--
			l.algo.Drop(s)
		}
		hs = left
		l.waitServed()
	}
	return hs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// waitServed waits until haproxy's current sessions per server (scur)
// equal the model's Served, so that the next pick sees the same loads.
func (l *lab) waitServed() {
	l.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := l.scur()
		same := true
		for _, s := range l.srv {
			if got[s.Name] != s.Served {
				same = false
			}
		}
		if same {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("haproxy's sessions per server %v never matched the model's", got)
		}
		time.Sleep(time.Millisecond)
	}
}

func (l *lab) scur() map[string]int {
	out := map[string]int{}
	for _, line := range strings.Split(l.inst.Runtime(l.t, "show stat"), "\n") {
		f := strings.Split(line, ",")
		if len(f) > 5 && f[0] == "be" && f[1] != "BACKEND" {
			out[f[1]], _ = strconv.Atoi(f[4])
		}
	}
	return out
}

// runtime sends a runtime API command about server name and applies set to
// the model's server, then Changed. It returns the API's answer.
func (l *lab) runtime(cmd, srv string, set func(s *Server)) string {
	l.t.Helper()
	out := l.inst.Runtime(l.t, fmt.Sprintf(cmd, "be/"+srv))
	s := l.byName[srv]
	if set != nil {
		set(s)
		l.algo.Changed(s)
	}
	return strings.TrimSpace(out)
}

func (l *lab) maint(srv string) {
	l.t.Helper()
	if out := l.runtime("set server %s state maint", srv, func(s *Server) { s.Maint = true }); out != "" {
		l.t.Fatalf("set server state maint: %s", out)
	}
}

func (l *lab) ready(srv string) {
	l.t.Helper()
	if out := l.runtime("set server %s state ready", srv, func(s *Server) { s.Maint = false; s.Drain = false }); out != "" {
		l.t.Fatalf("set server state ready: %s", out)
	}
}

func (l *lab) drain(srv string) {
	l.t.Helper()
	if out := l.runtime("set server %s state drain", srv, func(s *Server) { s.Drain = true }); out != "" {
		l.t.Fatalf("set server state drain: %s", out)
	}
}

func (l *lab) weight(srv string, w int) {
	l.t.Helper()
	if out := l.runtime("set server %s weight "+strconv.Itoa(w), srv, func(s *Server) { s.Weight = w }); out != "" {
		l.t.Fatalf("set server weight: %s", out)
	}
}

// weights builds server lines from weights.
func weightsConf(ws ...int) []srvConf {
	out := make([]srvConf, len(ws))
	for k, w := range ws {
		out[k] = srvConf{Weight: w}
	}
	return out
}

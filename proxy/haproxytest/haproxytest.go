// Package haproxytest runs the real haproxy binary (Debian's 2.6 package) on
// loopback for differential tests: the same config and the same requests
// through lblab and through HAProxy must pick the same server. It also offers
// tiny named backends that say who answered. Tests only; it owns no lab logic.
//
// When haproxy is not installed the tests that need it are skipped with a
// clear message, unless LBLAB_REQUIRE_HAPROXY=1 (as CI sets), which turns the
// skip into a failure.
package haproxytest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Path returns the haproxy binary, or skips (fails under
// LBLAB_REQUIRE_HAPROXY=1) when it is not installed.
func Path(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("LBLAB_REQUIRE_HAPROXY") == "1" {
			t.Fatal("haproxy is not installed but LBLAB_REQUIRE_HAPROXY=1: install Debian's haproxy package")
		}
		t.Skip("haproxy is not installed: differential test skipped (apt-get install -y haproxy)")
	}
	return p
}

// FreeAddr returns a loopback address with a port the OS just handed out.
func FreeAddr(t testing.TB) string {
	t.Helper()
	return FreeAddrs(t, 1)[0]
}

// listenAnywhere listens on a random address of 127.200.0.0/13 with a port
// from the OS. HAProxy binds with SO_REUSEPORT, so two haproxy processes
// (from test packages running side by side) given the same free port would
// silently share it; a random loopback IP makes that practically
// impossible. The range avoids the ones tests use as client addresses.
func listenAnywhere() (net.Listener, error) {
	var b [3]byte
	rand.Read(b[:])
	ip := fmt.Sprintf("127.%d.%d.%d", 200+int(b[0])%8, b[1], 1+int(b[2])%254)
	l, err := net.Listen("tcp", ip+":0")
	if err != nil { // an OS without the whole of 127/8
		return net.Listen("tcp", "127.0.0.1:0")
	}
	return l, nil
}

// FreeAddrs returns n distinct loopback addresses with ports the OS just
// handed out; all are held until every one is chosen, so no two are equal.
func FreeAddrs(t testing.TB, n int) []string {
	t.Helper()
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	addrs := make([]string, n)
	for i := range addrs {
		l, err := listenAnywhere()
		if err != nil {
			t.Fatalf("no free loopback port: %v", err)
		}
		lns = append(lns, l)
		addrs[i] = l.Addr().String()
	}
	return addrs
}

// Instance is a running haproxy.
type Instance struct {
	cmd    *exec.Cmd
	socket string
	mu     sync.Mutex
	out    bytes.Buffer
}

func (i *Instance) Write(p []byte) (int, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.out.Write(p)
}

// Output returns what haproxy printed so far (warnings, and log lines when
// the config says "log stdout format raw local0").
func (i *Instance) Output() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.out.String()
}

// Start runs haproxy in the foreground on cfg and waits until it listens. A "stats socket" at admin level is added to
// the global section (which is created if missing), for Runtime. The
// process is stopped when the test ends.
func Start(t testing.TB, cfg string) *Instance {
	t.Helper()
	bin := Path(t)
	// not t.TempDir(): the test's name becomes the path, and a comma in it
	// breaks haproxy's "stats socket" line; unix socket paths are short too
	dir, err := os.MkdirTemp("", "hx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	inst := &Instance{socket: filepath.Join(dir, "admin.sock")}
	cfg = withStatsSocket(cfg, inst.socket)
	file := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-f", file).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c rejected the config: %v\n%s\n--- config ---\n%s", err, out, cfg)
	}
	inst.cmd = exec.Command(bin, "-db", "-f", file)
	inst.cmd.Stdout, inst.cmd.Stderr = inst, inst
	if err := inst.cmd.Start(); err != nil {
		t.Fatalf("starting haproxy: %v", err)
	}
	t.Cleanup(inst.stop)
	// HAProxy binds every listener, the stats socket included, in one step
	// before it serves any: once the socket answers, the frontends listen.
	// Probing a frontend instead would put a connection in its logs (and,
	// in TCP mode, through its balancer).
	waitListening(t, inst, "unix:"+inst.socket)
	return inst
}

func withStatsSocket(cfg, socket string) string {
	line := fmt.Sprintf("    stats socket %s level admin\n", socket)
	if loc := regexp.MustCompile(`(?m)^global[ \t]*\n`).FindStringIndex(cfg); loc != nil {
		return cfg[:loc[1]] + line + cfg[loc[1]:]
	}
	return "global\n" + line + cfg
}

func waitListening(t testing.TB, inst *Instance, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	network := "tcp"
	if a, ok := strings.CutPrefix(addr, "unix:"); ok {
		network, addr = "unix", a
	}
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout(network, addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("haproxy did not listen on %s within 10s; output:\n%s", addr, inst.Output())
}

func (i *Instance) stop() {
	if i.cmd.Process != nil {
		_ = i.cmd.Process.Kill()
		_ = i.cmd.Wait()
	}
}

// Runtime sends one command to the runtime API (the stats socket) and
// returns the answer, e.g. "set server be/s1 state maint".
func (i *Instance) Runtime(t testing.TB, command string) string {
	t.Helper()
	c, err := net.DialTimeout("unix", i.socket, 2*time.Second)
	if err != nil {
		t.Fatalf("runtime API: %v", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, command+"\n"); err != nil {
		t.Fatalf("runtime API: %v", err)
	}
	out, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("runtime API: %v", err)
	}
	return string(out)
}

// Backend is a tiny HTTP server that answers every request with its name,
// in the body and in an X-Server header. A request whose path starts with
// /hold waits until Release is called, for tests that need requests in
// flight (leastconn).
type Backend struct {
	Name string
	Addr string

	srv     *http.Server
	ln      net.Listener
	mu      sync.Mutex
	held    chan struct{}
	Arrived chan string // receives the request URI of each /hold request on arrival
}

// StartBackends starts one Backend per name on loopback, closed when the
// test ends.
func StartBackends(t testing.TB, names ...string) []*Backend {
	t.Helper()
	bs := make([]*Backend, len(names))
	for k, name := range names {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		b := &Backend{Name: name, Addr: ln.Addr().String(), ln: ln,
			held: make(chan struct{}), Arrived: make(chan string, 1024)}
		b.srv = &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = b.srv.Serve(ln) }()
		t.Cleanup(func() { b.Release(); _ = b.srv.Close() })
		bs[k] = b
	}
	return bs
}

// ServeHTTP answers with the backend's name.
func (b *Backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/hold") {
		b.mu.Lock()
		held := b.held
		b.mu.Unlock()
		b.Arrived <- r.RequestURI
		<-held
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("X-Server", b.Name)
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, b.Name)
}

// Release lets every held request answer, and makes later /hold requests
// wait again.
func (b *Backend) Release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.held)
	b.held = make(chan struct{})
}

// Close stops the backend: new connections are refused.
func (b *Backend) Close() { b.Release(); _ = b.srv.Close() }

package tui

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireDashboard turns the skip below into a failure once cmd/lblab
// starts the dashboard (the lead sets it when main calls tui.Run).
const requireDashboard = true

// TestE2ETmux drives the real binary in tmux, time-scaled with --speed 20
// so the 5-second apps answer in 250 ms: the dashboard starts with three
// servers and traffic; switching to leastconn raises server2's (app2's)
// share; stopping app2 shows server2 DOWN and its share stops growing;
// ? shows the help; q quits and the shell prompt comes back with a sane
// terminal.
func TestE2ETmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped with -short")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("LBLAB_REQUIRE_HAPROXY") == "1" {
			t.Fatal("tmux is not installed, and LBLAB_REQUIRE_HAPROXY=1 requires the end-to-end test")
		}
		t.Skip("tmux is not installed: skipping the end-to-end dashboard test")
	}
	bin := buildLblab(t)
	if help := runHelp(t, bin); !strings.Contains(strings.ToLower(help), "dashboard") {
		notWired(t, "`lblab --help` does not mention the dashboard:\n"+help)
	}
	s := newTmux(t, tmux, 160, 48)
	s.run(t, bin+" --speed 20 --listen 127.0.0.1:0")
	e2eDashboard(t, s, true)
}

// notWired skips while main does not start the dashboard yet.
func notWired(t *testing.T, why string) {
	t.Helper()
	if requireDashboard {
		t.Fatal(why)
	}
	t.Skip("cmd/lblab does not start the dashboard yet: " + why)
}

// e2eDashboard is the scenario on a started dashboard. lab says whether
// the real lab is behind it (with traffic and health checks), or only a
// stand-in that checks the terminal handling.
func e2eDashboard(t *testing.T, s *tmuxSession, lab bool) {
	screen, ok := s.poll(30*time.Second, func(sc string) bool {
		return strings.Contains(sc, "RUNNING") && row(sc, "server3") != ""
	})
	if !ok {
		notWired(t, "the dashboard never showed its header and three servers; last screen:\n"+screen)
	}
	for _, srv := range []string{"server1", "server2", "server3"} {
		if row(screen, srv) == "" {
			t.Fatalf("%s is not on screen:\n%s", srv, screen)
		}
	}
	if lab {
		// traffic flows: requests are sent and reach the servers
		screen = s.want(t, 30*time.Second, "traffic on screen", func(sc string) bool {
			return sentCount(sc) > 0 && total(sc, "server2") > 0
		})
		before := share(screen, "server2")
		s.keys(t, "3")
		s.want(t, 30*time.Second, "leastconn in the header", func(sc string) bool {
			return strings.Contains(lineWith(sc, "balance "), "leastconn")
		})
		// app1 and app3 take 5 (lab) seconds, app2 answers at once:
		// leastconn sends it most new requests, so its share climbs
		s.want(t, 90*time.Second, "server2's share rising above "+fmtPct(before), func(sc string) bool {
			return share(sc, "server2") >= before+0.05
		})
	}
	// select server2: up to the top, then one down
	s.keys(t, "k", "k", "k", "k", "j")
	s.want(t, 10*time.Second, "server2 selected", func(sc string) bool {
		return strings.HasPrefix(strings.TrimSpace(row(sc, "server2")), "›")
	})
	s.keys(t, "s")
	screen = s.want(t, 60*time.Second, "server2 DOWN", func(sc string) bool {
		return strings.Contains(row(sc, "server2"), "DOWN")
	})
	if lab {
		// lbtot counts the balancer's picks; total also counts the
		// connection retries of requests picked before the server went
		// DOWN, which go on for a while, as in HAProxy
		down, shareDown := column(screen, "server2", "lbtot"), share(screen, "server2")
		others := total(screen, "server1") + total(screen, "server3")
		screen = s.want(t, 60*time.Second, "traffic going on to the other servers", func(sc string) bool {
			return total(sc, "server1")+total(sc, "server3") >= others+20
		})
		if got := column(screen, "server2", "lbtot"); got != down {
			t.Errorf("the balancer picked server2 while DOWN: lbtot %d, then %d", down, got)
		}
		if got := share(screen, "server2"); got > shareDown {
			t.Errorf("server2's share grew while DOWN: %s, then %s", fmtPct(shareDown), fmtPct(got))
		}
	}
	s.keys(t, "?")
	s.want(t, 10*time.Second, "the help", func(sc string) bool {
		return strings.Contains(sc, "keys · esc or ? to close") && strings.Contains(sc, "stop/start server's app")
	})
	s.keys(t, "Escape")
	s.want(t, 10*time.Second, "the help closed", func(sc string) bool {
		return !strings.Contains(sc, "keys · esc or ? to close") && row(sc, "server1") != ""
	})
	s.keys(t, "q")
	s.want(t, 30*time.Second, "the shell prompt back", func(sc string) bool {
		return lastLine(sc) == tmuxPrompt
	})
	if alt := s.output(t, "display-message", "-p", "-t", s.name, "#{alternate_on}"); strings.TrimSpace(alt) != "0" {
		t.Errorf("the terminal is still on the alternate screen (alternate_on=%q)", alt)
	}
	// a sane terminal: canonical mode and echo are back, typing works
	s.run(t, "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo e2e-$((40+2))")
	screen = s.want(t, 10*time.Second, "stty's answer", func(sc string) bool {
		return strings.Contains(sc, "e2e-42")
	})
	line := lineWith(screen, "e2e-42")
	if !strings.Contains(line, "icanon") || strings.Contains(line, "-icanon") ||
		!strings.Contains(line, "echo ") || strings.Contains(line, "-echo") {
		t.Errorf("the terminal is not sane after quitting: %q\n%s", line, screen)
	}
}

// Reading the screen.

var pctRe = regexp.MustCompile(`(\d+\.\d)%`)

// row is the servers-table line of server srv.
func row(screen, srv string) string {
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.TrimLeft(l, " ›"))
		if len(f) > 2 && f[0] == srv && pctRe.MatchString(l) {
			return l
		}
	}
	return ""
}

// share is the first percentage of srv's row: its share since start.
func share(screen, srv string) float64 {
	m := pctRe.FindStringSubmatch(row(screen, srv))
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v / 100
}

// total reads srv's "total" column.
func total(screen, srv string) int64 { return column(screen, srv, "total") }

// column reads srv's value in a right-aligned numeric column of the
// table, found under the column's title; -1 when it is not on screen.
func column(screen, srv, title string) int64 {
	var header string
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, " "+title+" ") && strings.Contains(l, "share") {
			header = l
			break
		}
	}
	if header == "" {
		return -1
	}
	r := []rune(row(screen, srv))
	end := strings.Index(header, " "+title+" ") + len(" "+title)
	end = len([]rune(header[:end]))
	if end > len(r) {
		return -1
	}
	f := strings.Fields(string(r[:end]))
	if len(f) == 0 {
		return -1
	}
	return parseCount(f[len(f)-1])
}

// parseCount reads fmtCount's numbers: 1234, 123.4k, 1.2M.
func parseCount(s string) int64 {
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, strings.TrimSuffix(s, "M")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return int64(v * mult)
}

var sentRe = regexp.MustCompile(`sent (\d[\d.]*[kM]?)`)

func sentCount(screen string) int64 {
	m := sentRe.FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	return parseCount(m[1])
}

func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// The binary and tmux.

func buildLblab(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "lblab")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/lblab")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/lblab: %v\n%s", err, out)
	}
	return bin
}

func runHelp(t *testing.T, bin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--help")
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // --help may exit 0 or 2; what it says is what counts
	return out.String()
}

const tmuxPrompt = "e2e$"

// tmuxSession is a detached tmux server of its own (a private socket, no
// user configuration) running a plain sh at a fixed size.
type tmuxSession struct {
	tmux, sock, name string
}

func newTmux(t *testing.T, tmux string, w, h int) *tmuxSession {
	t.Helper()
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{tmux: tmux, sock: "lblab-e2e-" + hex.EncodeToString(rnd[:]), name: "e2e"}
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", s.sock, "kill-server").Run() })
	s.output(t, "-f", "/dev/null", "new-session", "-d", "-s", s.name,
		"-x", strconv.Itoa(w), "-y", strconv.Itoa(h),
		"env", "PS1="+tmuxPrompt+" ", "TERM=xterm-256color", "sh")
	s.output(t, "set-option", "-t", s.name, "status", "off")
	s.want(t, 10*time.Second, "the shell prompt", func(sc string) bool { return lastLine(sc) == tmuxPrompt })
	return s
}

func (s *tmuxSession) output(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, s.tmux, append([]string{"-L", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// run types a command line and Enter.
func (s *tmuxSession) run(t *testing.T, line string) {
	t.Helper()
	s.output(t, "send-keys", "-t", s.name, "-l", line)
	s.output(t, "send-keys", "-t", s.name, "Enter")
}

// keys sends keys by tmux's names ("q", "Escape"), one at a time.
func (s *tmuxSession) keys(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		s.output(t, "send-keys", "-t", s.name, k)
		time.Sleep(30 * time.Millisecond) // one key per frame, as a person types
	}
}

func (s *tmuxSession) capture() string {
	out, err := exec.Command(s.tmux, "-L", s.sock, "capture-pane", "-p", "-t", s.name).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// poll captures the screen until ok accepts it or the time is up.
func (s *tmuxSession) poll(limit time.Duration, ok func(string) bool) (string, bool) {
	deadline := time.Now().Add(limit)
	screen := ""
	for {
		screen = s.capture()
		if ok(screen) {
			return screen, true
		}
		if time.Now().After(deadline) {
			return screen, false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// want polls for what and fails the test with the last screen if it
// never comes.
func (s *tmuxSession) want(t *testing.T, limit time.Duration, what string, ok func(string) bool) string {
	t.Helper()
	screen, found := s.poll(limit, ok)
	if !found {
		t.Fatalf("waited %s for %s; last screen:\n%s", limit, what, screen)
	}
	return screen
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary builds lblab once per test binary run.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func lblab(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lblab-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "lblab")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// result is a finished lblab run.
type result struct {
	code           int
	stdout, stderr string
}

func runLblab(t *testing.T, args ...string) result {
	t.Helper()
	return runIn(t, "", args...)
}

// runIn runs lblab with dir as its working directory ("" for this one).
func runIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(lblab(t), args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func TestBadFlagsExitTwoAndSayWhatIsAccepted(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--algo", "fastest"}, []string{"--algo \"fastest\"", "accepted: roundrobin"}},
		{[]string{"serve", "--hash-type", "ring"}, []string{"--hash-type \"ring\"", "map-based|consistent"}},
		{[]string{"serve", "--weights", "2,x,3"}, []string{"--weights", "weight 2 \"x\""}},
		{[]string{"serve", "--weights", "1,2"}, []string{"--weights gives 2 weights but backend servers has 3 servers"}},
		{[]string{"serve", "--delay", "app1"}, []string{"--delay", "APP=DURATION"}},
		{[]string{"serve", "--speed", "0"}, []string{"--speed 0"}},
		{[]string{"serve", "--speed", "NaN"}, []string{"--speed NaN"}},
		{[]string{"serve", "--rate", "Inf"}, []string{"--rate +Inf"}},
		{[]string{"run", "--speed", "NaN", "ep09-weighted-rr"}, []string{"--speed NaN"}},
		{[]string{"export", "--rate", "5"}, []string{"--rate: lblab export"}},
		{[]string{"serve", "--config", "x.cfg", "--apps", "5"}, []string{"--apps sizes the default lab"}},
		{[]string{"version", "extra"}, []string{"version takes no arguments"}},
		{[]string{"serve", "--format", "xml"}, []string{"--format", "text, json or markdown"}},
		{[]string{"serve", "--bogus"}, []string{"flag provided but not defined: -bogus", "lblab serve --help"}},
		{[]string{"serve", "--config", "/nonexistent.cfg"}, []string{"--config: ", "/nonexistent.cfg"}},
		{[]string{"serve", "--listen", taken.Addr().String()}, []string{taken.Addr().String() + " is taken", "--listen"}},
		{[]string{"frobnicate"}, []string{"unknown command \"frobnicate\""}},
		{nil, []string{"the dashboard needs a terminal", "lblab serve", "lblab run"}},
	} {
		r := runLblab(t, c.args...)
		if r.code != 2 {
			t.Errorf("lblab %v: exit %d, want 2 (stderr %q)", c.args, r.code, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("lblab %v: stderr %q does not say %q", c.args, r.stderr, w)
			}
		}
		if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("lblab %v panicked: %s", c.args, r.stderr)
		}
	}
}

func TestBadConfigPointsAtTheLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bad.cfg")
	os.WriteFile(cfg, []byte("frontend fe\n    bind *:80\n    default_backend nowhere\n"), 0o600)
	r := runLblab(t, "serve", "--config", cfg)
	if r.code != 2 || !strings.Contains(r.stderr, cfg+":3:") {
		t.Fatalf("exit %d, stderr %q: want 2 and %s:3:…", r.code, r.stderr, cfg)
	}
	// an error only the lab finds (the parser cannot know app hosts) points
	// at its line too, in serve and in check, and check does not say valid
	lab := filepath.Join(dir, "lab.cfg")
	os.WriteFile(lab, []byte("defaults\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nfrontend fe\n    bind *:80\n    default_backend be\nbackend be\n    server s1 nosuchhost.invalid:5001\n"), 0o600)
	for _, args := range [][]string{{"serve", "--config", lab}, {"check", lab}} {
		r := runLblab(t, args...)
		if r.code != 2 || !strings.Contains(r.stderr, lab+":9:5:") || strings.Contains(r.stdout, "valid") {
			t.Errorf("lblab %v: exit %d, stdout %q, stderr %q; want 2 and %s:9:5", args, r.code, r.stdout, r.stderr, lab)
		}
	}
}

func TestServeRunsTrafficAndPrintsASummary(t *testing.T) {
	r := runLblab(t, "serve", "--listen", "127.0.0.1:0", "--speed", "20", "--rate", "20",
		"--duration", "20s", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var sum struct {
		Backends []struct {
			Total   int64
			Servers []struct {
				Name     string
				Requests int64
			}
		}
		Traffic struct {
			Sent, Answered, Failed, InFlight int64
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, r.stdout)
	}
	tr := sum.Traffic
	if tr.Sent == 0 || tr.Sent != tr.Answered+tr.Failed+tr.InFlight {
		t.Fatalf("accounting: sent %d, answered %d, failed %d, in flight %d", tr.Sent, tr.Answered, tr.Failed, tr.InFlight)
	}
	if len(sum.Backends) != 1 || len(sum.Backends[0].Servers) != 3 || sum.Backends[0].Total == 0 {
		t.Fatalf("summary backends: %+v", sum.Backends)
	}
	if !strings.Contains(r.stderr, "proxy on http://127.0.0.1:") {
		t.Errorf("serve did not say where to curl: %s", r.stderr)
	}
}

// serving starts "lblab serve" in the background and returns the proxy's
// address as it printed it.
func serving(t *testing.T, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(lblab(t), append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addrRe := regexp.MustCompile(`proxy on http://([0-9.:]+)/`)
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if m := addrRe.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return cmd, m[1], &stdout
		}
	}
	t.Fatal("serve never printed its address")
	return nil, "", nil
}

func curl(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
	raw, _ := io.ReadAll(c)
	_, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	return body
}

func TestServeWithWeightsAnswersInHAProxysOrder(t *testing.T) {
	_, addr, _ := serving(t, "--weights", "2,1,3", "--delay", "app1=0,app3=0")
	var got []string
	for range 6 {
		got = append(got, strings.TrimSuffix(strings.TrimPrefix(curl(t, addr), "Hello from Flask App "), "!"))
	}
	if g := strings.Join(got, " "); g != "3 1 3 2 3 1" {
		t.Fatalf("weights 2,1,3 through lblab serve: %s, want 3 1 3 2 3 1", g)
	}
}

func TestSIGTERMStopsCleanlyWithSlowRequestsInFlight(t *testing.T) {
	// app1 and app3 answer after ten minutes: serve can only exit if it
	// aborts them
	cmd, addr, stdout := serving(t, "--rate", "20", "--delay", "app1=10m,app3=10m")
	time.Sleep(time.Second) // requests pile up on the slow apps
	t0 := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var err error
	select {
	case err = <-exited:
		t.Logf("stopped %v after SIGTERM", time.Since(t0))
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop on SIGTERM: it waits for the requests in flight")
	}
	if err != nil {
		t.Fatalf("serve exited with %v", err)
	}
	if !strings.Contains(stdout.String(), "traffic:") || !strings.Contains(stdout.String(), "server1") {
		t.Errorf("no summary after SIGTERM:\n%s", stdout)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after serve stopped", addr)
	}
}

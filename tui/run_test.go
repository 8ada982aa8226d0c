package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// helperEnv makes the test binary the dashboard itself: TestRunInTmux
// starts it in a real terminal, where Run meets a real tty.
const helperEnv = "LBLAB_TUI_RUN_HELPER"

// TestRunInTmux runs Run on the fake trio lab in a real terminal (tmux):
// the dashboard draws, keys reach it, ? shows the help, q quits, and the
// shell gets its terminal back in a sane state. It checks Run's terminal
// handling while cmd/lblab is not wired yet; TestE2ETmux checks the binary.
func TestRunInTmux(t *testing.T) {
	if os.Getenv(helperEnv) == "1" {
		err := Run(context.Background(), trioLab(), Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("terminal test skipped with -short")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("LBLAB_REQUIRE_HAPROXY") == "1" {
			t.Fatal("tmux is not installed, and LBLAB_REQUIRE_HAPROXY=1 requires the terminal tests")
		}
		t.Skip("tmux is not installed: skipping the terminal test")
	}
	s := newTmux(t, tmux, 120, 40)
	s.run(t, helperEnv+"=1 "+os.Args[0]+" -test.run '^TestRunInTmux$'")
	e2eDashboard(t, s, false)
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a file is taken for a terminal")
	}
	if IsTerminal(nil) {
		t.Error("nil is taken for a terminal")
	}
}

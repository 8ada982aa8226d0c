package tui

import (
	"context"
	"errors"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Run shows the dashboard for l on the terminal until the user quits or
// ctx ends, and restores the terminal. It does not stop the lab; when it
// returns, no call into the lab (l, or one Options.Open returned) is
// under way and none will start, so the caller may stop the lab at once.
func Run(ctx context.Context, l Lab, opts Options) error {
	if noColorEnv() {
		opts.NoColor = true
	}
	ctx, cancel := context.WithCancel(ctx)
	m := newModel(ctx, l, opts)
	defer func() {
		cancel() // commands still queued give up
		m.ref.close()
	}()
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if m.opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // ctx ended: a normal way to stop
	}
	return err
}

// IsTerminal reports whether f is a terminal. The dashboard needs one on
// its output; main checks before calling Run.
func IsTerminal(f *os.File) bool {
	return f != nil && term.IsTerminal(f.Fd())
}

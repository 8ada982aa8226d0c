package tui

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The golden frames: the dashboard run as a program on a fake terminal,
// drawing a fixed lab. Update them with go test ./tui -run TestGolden -update.
func TestGolden(t *testing.T) {
	cases := []struct {
		name    string
		w, h    int
		noColor bool
		keys    []string
		want    string // on screen before the frame is taken
	}{
		{"plain_80x24", 80, 24, true, nil, ""},
		{"plain_160x48", 160, 48, true, nil, ""},
		{"color_80x24", 80, 24, false, nil, ""},
		{"color_160x48", 160, 48, false, nil, ""},
		{"log_160x48", 160, 48, true, []string{"l"}, "127.0.3.29"},
		{"log_80x24", 80, 24, true, []string{"l"}, "127.0.3.29"},
		{"help_80x24", 80, 24, true, []string{"?"}, "keys ·"},
		{"help_160x48", 160, 48, true, []string{"?"}, "keys ·"},
		{"select_server2_80x24", 80, 24, true, []string{"j"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := trioLab()
			tm := startProgram(t, f, Options{NoColor: c.noColor}, c.w, c.h)
			for _, k := range c.keys {
				tm.Send(keyMsg(k))
			}
			if c.want != "" {
				waitScreen(t, tm, c.want)
			}
			m := finalModel(t, tm)
			golden.RequireEqual(t, screen(m))
		})
	}
}

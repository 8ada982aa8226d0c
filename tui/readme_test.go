package tui

import (
	"os"
	"strings"
	"testing"
)

// The README lists every key of the dashboard: a key added to the keymap
// without documenting it fails here.
func TestREADMEListsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, k := range KeyHelp() {
		if !strings.Contains(readme, "| `"+k[0]+"` | "+k[1]) {
			t.Errorf("README.md does not list key %q (%s)", k[0], k[1])
		}
	}
}

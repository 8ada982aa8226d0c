// Package tui is lblab's live terminal dashboard, built with Bubble Tea v2,
// Lip Gloss v2, Bubbles v2 and asciigraph.
//
// It owns the screen: one small model per pane (header, servers table,
// distribution, connections graph, placement, log, frontend rules, notes,
// status line), the keymap and help, the scenario picker and the styles.
// It reads the lab only through the Lab interface: a snapshot pulled on a
// tick, off the UI goroutine, and commands issued one at a time in the
// order the user pressed them. It must not reach into the proxy, the apps
// or the traffic generator, and the lab never waits for it.
package tui

package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key of the dashboard. The help overlay, the footer and
// KeyHelp are all built from it, so what the user reads is what works.
type keyMap struct {
	Up, Down, NextBackend, PrevBackend key.Binding
	Help, Close, Quit                  key.Binding

	AlgoNext, AlgoChooser, AlgoPick, HashType key.Binding
	RateUp, RateDown, ClientsUp, ClientsDown  key.Binding
	Pause, Reset                              key.Binding

	StartStop, SlowFast, WeightUp, WeightDown key.Binding
	Drain, Maint, Ready, Add, Remove          key.Binding

	Log, Notes, Scenarios key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, label, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, desc))
	}
	return keyMap{
		Up:          b([]string{"up", "k"}, "↑/k", "select previous server"),
		Down:        b([]string{"down", "j"}, "↓/j", "select next server"),
		NextBackend: b([]string{"tab"}, "tab", "next backend"),
		PrevBackend: b([]string{"shift+tab"}, "shift+tab", "previous backend"),
		Help:        b([]string{"?"}, "?", "show/hide this help"),
		Close:       b([]string{"esc"}, "esc", "close help or picker"),
		Quit:        b([]string{"q", "ctrl+c"}, "q/ctrl+c", "quit"),

		AlgoNext:    b([]string{"a"}, "a", "next algorithm"),
		AlgoChooser: b([]string{"A"}, "A", "choose algorithm"),
		AlgoPick:    b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1-9", "algorithm by number"),
		HashType:    b([]string{"h"}, "h", "hash-type map-based/consistent"),
		RateUp:      b([]string{"+", "="}, "+/=", "traffic rate up"),
		RateDown:    b([]string{"-", "_"}, "-", "traffic rate down"),
		ClientsUp:   b([]string{">", "."}, ">/.", "more clients"),
		ClientsDown: b([]string{"<", ","}, "</,", "fewer clients"),
		Pause:       b([]string{"space"}, "space", "pause/resume traffic"),
		Reset:       b([]string{"R"}, "R", "reset counters"),

		StartStop:  b([]string{"s"}, "s", "stop/start server's app"),
		SlowFast:   b([]string{"f"}, "f", "app slow (5s)/fast"),
		WeightUp:   b([]string{"]"}, "]", "weight up"),
		WeightDown: b([]string{"["}, "[", "weight down"),
		Drain:      b([]string{"d"}, "d", "drain/ready"),
		Maint:      b([]string{"m"}, "m", "maint/ready"),
		Ready:      b([]string{"r"}, "r", "set ready"),
		Add:        b([]string{"n"}, "n", "add a server"),
		Remove:     b([]string{"x", "delete"}, "x/del", "remove server"),

		Log:       b([]string{"l"}, "l", "show/hide log"),
		Notes:     b([]string{"i"}, "i", "teaching notes"),
		Scenarios: b([]string{"p"}, "p", "pick a scenario"),
	}
}

// groups are the help overlay's columns, in reading order.
func (k keyMap) groups() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.NextBackend, k.PrevBackend, k.Help, k.Close, k.Quit, k.Log, k.Notes, k.Scenarios},
		{k.AlgoNext, k.AlgoChooser, k.AlgoPick, k.HashType, k.RateUp, k.RateDown, k.ClientsUp, k.ClientsDown, k.Pause, k.Reset},
		{k.StartStop, k.SlowFast, k.WeightUp, k.WeightDown, k.Drain, k.Maint, k.Ready, k.Add, k.Remove},
	}
}

// footer is the keys a newcomer needs first, in the fewest words, for
// the bottom line.
func (k keyMap) footer() []key.Binding {
	short := func(b key.Binding, label, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(label, desc))
	}
	return []key.Binding{
		short(k.Help, "?", "help"),
		short(k.Quit, "q", "quit"),
		short(k.Down, "↑↓", "select"),
		short(k.NextBackend, "tab", "backend"),
		short(k.AlgoNext, "a/1-9", "algorithm"),
		short(k.HashType, "h", "hash"),
		short(k.RateUp, "+/-", "rate"),
		short(k.Pause, "space", "pause"),
		short(k.StartStop, "s", "stop/start"),
		short(k.SlowFast, "f", "slow/fast"),
		short(k.WeightUp, "[/]", "weight"),
		short(k.Log, "l", "log"),
		short(k.Scenarios, "p", "scenarios"),
	}
}

// KeyHelp lists every key of the dashboard as {key, what it does}, in the
// order of the help overlay, for documentation and for tests that check
// the README lists them all.
func KeyHelp() [][2]string {
	var out [][2]string
	for _, g := range newKeyMap().groups() {
		for _, b := range g {
			out = append(out, [2]string{b.Help().Key, b.Help().Desc})
		}
	}
	return out
}

package tui

import (
	"reflect"
	"testing"

	"charm.land/bubbles/v2/list"
)

// builtins are the built-in scenarios as the picker lists them.
var builtins = []ScenarioInfo{
	{"compare", "Compare: the same traffic and the same slow apps through six algorithms, side by side"},
	{"ep02-tcp-proxy", "Ep 2: a TCP proxy forwards whole connections; adding a server balances connections, not requests"},
	{"ep04-acl", "Ep 4: ACLs route requests by path, method and User-Agent, and deny by source address"},
	{"ep06-leastconn", "Ep 6: leastconn sends new requests to the idle app while two apps sleep 5 s"},
	{"ep09-weighted-rr", "Ep 9: weights 2, 1, 3 give app3 three times app2's requests, in HAProxy's own order"},
	{"source-hash", "Source hashing: each client sticks to one server; consistent hashing moves few clients when a server goes"},
	{"uri-hash", "URI hashing: one URI, one server; whole and depth change what is hashed"},
}

// Typing the start of a name puts that scenario first, before those that
// only hold the letters somewhere ("sour" is in "uri-hash … source").
func TestPickerFilterNameFirst(t *testing.T) {
	targets := make([]string, len(builtins))
	for i, s := range builtins {
		targets[i] = scenarioItem{info: s}.FilterValue()
	}
	for _, c := range []struct {
		term  string
		first string
	}{{"s", "source-hash"}, {"so", "source-hash"}, {"sou", "source-hash"}, {"sour", "source-hash"},
		{"uri", "uri-hash"}, {"ep0", "ep02-tcp-proxy"}, {"EP06", "ep06-leastconn"}} {
		ranks := nameFirstFilter(c.term, targets)
		if len(ranks) == 0 || builtins[ranks[0].Index].Name != c.first {
			t.Errorf("%q: first match %v, want %s", c.term, names(ranks), c.first)
		}
		// nothing the default filter finds is lost, and nothing is listed twice
		seen := map[int]bool{}
		for _, r := range ranks {
			if seen[r.Index] {
				t.Errorf("%q: %s listed twice", c.term, builtins[r.Index].Name)
			}
			seen[r.Index] = true
		}
		for _, r := range list.DefaultFilter(c.term, targets) {
			if !seen[r.Index] {
				t.Errorf("%q: %s dropped", c.term, builtins[r.Index].Name)
			}
		}
	}
}

func names(ranks []list.Rank) []string {
	out := make([]string, len(ranks))
	for i, r := range ranks {
		out[i] = builtins[r.Index].Name
	}
	return out
}

// Through the dashboard: p, / and "sou" (the list's own fuzzy filter
// ranks uri-hash first there), enter to keep the filter, enter to open:
// source-hash opens.
func TestPickerFilterOpens(t *testing.T) {
	var opened []string
	next := labWith(2, 5, 0)
	opts := Options{NoColor: true, Scenarios: builtins, Open: func(name string) (Lab, error) {
		opened = append(opened, name)
		return next, nil
	}}
	m := newDirect(t, trioLab(), opts, 100, 30)
	press(m, "p", "/", "s", "o", "u", "enter", "enter")
	if want := []string{"source-hash"}; !reflect.DeepEqual(opened, want) {
		t.Fatalf("opened %q, want %q", opened, want)
	}
}

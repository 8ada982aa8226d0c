package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/proxy/balance"
)

// The algorithm controls: a cycles, 1-9 and the chooser pick, h flips the
// hash type.

// algoChoices are the algorithms behind keys 1-9 and the a cycle, as the
// words of a "balance" line, parsed by the same parser as haproxy.cfg.
var algoChoices = [...][]string{
	{"roundrobin"},
	{"static-rr"},
	{"leastconn"},
	{"first"},
	{"source"},
	{"uri"},
	{"random"},
	{"hdr(User-Agent)"},
	{"url_param", "id"},
}

// algoLabel is how the help and the chooser name choice i: as the
// --algo flag takes it, "url_param(id)".
func algoLabel(i int) string {
	if s, err := balance.ParseBalance(algoChoices[i]); err == nil {
		return s.Name()
	}
	return strings.Join(algoChoices[i], " ")
}

// digit is the algorithm number of keys 1-9, from 0.
func digit(msg tea.KeyPressMsg) int {
	s := msg.String()
	if len(s) != 1 || s[0] < '1' || s[0] > '9' {
		return -1
	}
	return int(s[0] - '1')
}

// currentSpec is the selected backend's algorithm, the one the user last
// asked for when a snapshot does not show it yet.
func (m *model) currentSpec() (string, balance.Spec, bool) {
	b := m.sel.backend(&m.snap)
	if b == nil {
		return "", balance.Spec{}, false
	}
	if c, ok := m.pending["algo/"+b.Name]; ok {
		return b.Name, c.val.(balance.Spec), true
	}
	return b.Name, b.Balance, true
}

// algoIndex is the position of spec's algorithm in algoChoices.
func algoIndex(spec balance.Spec) int {
	for i, words := range algoChoices {
		if s, err := balance.ParseBalance(words); err == nil && s.Algo == spec.Algo {
			return i
		}
	}
	return -1
}

func (m *model) cycleAlgo() tea.Cmd {
	_, spec, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	return m.pickAlgo((algoIndex(spec) + 1) % len(algoChoices))
}

// pickAlgo switches the selected backend to algoChoices[i], keeping its
// hash type.
func (m *model) pickAlgo(i int) tea.Cmd {
	be, cur, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	if i < 0 || i >= len(algoChoices) {
		return nil
	}
	spec, err := balance.ParseBalance(algoChoices[i])
	if err != nil {
		return m.fail("balance %s: %v", strings.Join(algoChoices[i], " "), err)
	}
	spec.Hash, spec.BalanceFactor = cur.Hash, cur.BalanceFactor
	return m.setAlgo(be, spec, spec.Hashing())
}

// setAlgo asks the lab for spec; withHash says the hash type is worth
// saying in the status line.
func (m *model) setAlgo(be string, spec balance.Spec, withHash bool) tea.Cmd {
	m.expect("algo/"+be, spec)
	return m.labCmd(func(l Lab) doneMsg {
		if err := l.SetAlgo(be, spec); err != nil {
			return doneMsg{err: fmt.Errorf("cannot switch %s to %s: %w", be, spec.Name(), err)}
		}
		text := be + ": " + spec.String()
		if withHash {
			text += ", " + spec.Hash.String()
			if !spec.Hashing() {
				text += " (used by source, uri, url_param and hdr)"
			}
		}
		return doneMsg{text: text}
	})
}

// toggleHash flips map-based and consistent, keeping the hash function;
// the words go through the hash-type parser so its defaults apply.
func (m *model) toggleHash() tea.Cmd {
	be, spec, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	words := []string{"consistent"}
	if spec.Hash.Consistent {
		words[0] = "map-based"
	}
	if spec.Hash.Func != balance.SDBM {
		words = append(words, spec.Hash.Func.String())
		if spec.Hash.Avalanche {
			words = append(words, "avalanche")
		}
	}
	h, err := balance.ParseHashType(words)
	if err != nil {
		return m.fail("hash-type %s: %v", strings.Join(words, " "), err)
	}
	spec.Hash = h
	return m.setAlgo(be, spec, true)
}

package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/lblab/lblab/proxy"
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
// asked for when a snapshot does not show it yet, and whether the
// backend is in TCP mode.
func (m *model) currentSpec() (name string, spec balance.Spec, tcp, ok bool) {
	b := m.sel.backend(&m.snap)
	if b == nil {
		return "", balance.Spec{}, false, false
	}
	spec = b.Balance
	if c, ok := m.pending["algo/"+b.Name]; ok {
		spec = c.val.(balance.Spec)
	}
	return b.Name, spec, b.Mode == proxy.TCP, true
}

// needsHTTP reports whether choice i reads the HTTP request (uri, hdr,
// url_param), which a TCP backend has not: the lab refuses those there.
func needsHTTP(i int) bool {
	s, err := balance.ParseBalance(algoChoices[i])
	return err == nil && s.L7()
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

// cycleAlgo moves to the next algorithm the backend can use.
func (m *model) cycleAlgo() tea.Cmd {
	_, spec, tcp, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	return m.pickAlgo(nextChoice(algoIndex(spec), 1, tcp))
}

// tcpChoices names the keys of the algorithms a TCP backend can use:
// "1, 2, 3, 4, 5 or 7".
func tcpChoices() string {
	var keys []string
	for i := range algoChoices {
		if !needsHTTP(i) {
			keys = append(keys, strconv.Itoa(i+1))
		}
	}
	if len(keys) < 2 {
		return strings.Join(keys, "")
	}
	return strings.Join(keys[:len(keys)-1], ", ") + " or " + keys[len(keys)-1]
}

// nextChoice is the algorithm after (dir 1) or before (dir -1) choice i,
// wrapping around, skipping those a TCP backend cannot use.
func nextChoice(i, dir int, tcp bool) int {
	n := len(algoChoices)
	for range n {
		i = ((i+dir)%n + n) % n
		if !tcp || !needsHTTP(i) {
			return i
		}
	}
	return i
}

// pickAlgo switches the selected backend to algoChoices[i], keeping its
// hash type.
func (m *model) pickAlgo(i int) tea.Cmd {
	be, cur, tcp, ok := m.currentSpec()
	if !ok {
		return m.fail("no backend to change")
	}
	if i < 0 || i >= len(algoChoices) {
		return nil
	}
	if tcp && needsHTTP(i) {
		return m.fail("%s needs HTTP, and %s is in TCP mode: choose %s", algoLabel(i), be, tcpChoices())
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
	be, spec, _, ok := m.currentSpec()
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

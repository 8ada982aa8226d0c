package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pickerModel is the scenario picker (p): a bubbles/list of the built-in
// scenarios, filterable with /; enter restarts the lab on the chosen one
// through Options.Open.
type pickerModel struct {
	list list.Model
	ok   bool // the list was built
}

// scenarioItem is one scenario as a list item.
type scenarioItem struct {
	info    ScenarioInfo
	running bool
}

func (i scenarioItem) Title() string {
	if i.running {
		return i.info.Name + "  ● running"
	}
	return i.info.Name
}
func (i scenarioItem) Description() string { return i.info.Title }
func (i scenarioItem) FilterValue() string { return i.info.Name + " " + i.info.Title }

func (m *model) openPicker() tea.Cmd {
	if m.opts.Open == nil || len(m.opts.Scenarios) == 0 {
		return m.fail("no scenarios to pick from in this lab")
	}
	items := make([]list.Item, len(m.opts.Scenarios))
	cursor := 0
	for i, s := range m.opts.Scenarios {
		items[i] = scenarioItem{info: s, running: s.Name == m.snap.Name}
		if s.Name == m.snap.Name {
			cursor = i
		}
	}
	l := list.New(items, list.NewDefaultDelegate(), m.width, max(m.bodyHeight(), 1))
	l.Title = "pick a scenario · enter open · / filter · esc close"
	l.Filter = nameFirstFilter
	// a steady cursor in the filter: a blinking one redraws the whole
	// screen twice a second for nothing
	st := l.FilterInput.Styles()
	st.Cursor.Blink = false
	l.FilterInput.SetStyles(st)
	l.SetShowHelp(false)
	l.Select(cursor)
	m.picker = pickerModel{list: l, ok: true}
	m.overlay = pickerOverlay
	return nil
}

func (m *model) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.picker
	filtering := p.list.FilterState() == list.Filtering
	switch msg.String() {
	case "esc", "q", "p":
		if !filtering && p.list.FilterState() != list.FilterApplied {
			m.overlay = noOverlay
			return nil
		}
	case "enter":
		if !filtering {
			item, ok := p.list.SelectedItem().(scenarioItem)
			m.overlay = noOverlay
			if !ok {
				return nil
			}
			return m.open(item.info.Name)
		}
	}
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(msg)
	return cmd
}

// pickerUpdate passes the list's own messages (filter results) on.
func (m *model) pickerUpdate(msg tea.Msg) tea.Cmd {
	if !m.picker.ok {
		return nil
	}
	var cmd tea.Cmd
	m.picker.list, cmd = m.picker.list.Update(msg)
	return cmd
}

// open restarts the lab on scenario name, in the command queue so no
// control runs against a lab that is going away.
func (m *model) open(name string) tea.Cmd {
	open, ref := m.opts.Open, m.ref
	m.status.set("opening "+name+"…", false, m.now())
	return m.labCmd(func(Lab) doneMsg {
		nl, err := open(name)
		if nl != nil {
			ref.set(nl) // with an error: the lab that took the old one's place
		}
		if err != nil {
			return doneMsg{err: fmt.Errorf("cannot open %s: %w", name, err)}
		}
		return doneMsg{text: "opened " + name, opened: name}
	})
}

// view renders the list (sized by openPicker and resize) in w×h lines;
// without colour its styling escapes are stripped, as everywhere else on
// the dashboard.
func (p *pickerModel) view(t *theme, w, h int) []string {
	out := p.list.View()
	if t.noColor {
		out = ansi.Strip(out)
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = cut(l, w)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

// nameFirstFilter is the picker's filter: scenarios whose name starts
// with the term come first, in the list's order, so that typing the start
// of a name and enter opens that one ("sou" is source-hash, though the
// fuzzy filter ranks "uri-hash … source" higher); the fuzzy matches of
// the list's default filter follow.
func nameFirstFilter(term string, targets []string) []list.Rank {
	lower := strings.ToLower(term)
	var out []list.Rank
	first := map[int]bool{}
	for i, t := range targets {
		name, _, _ := strings.Cut(t, " ")
		if lower != "" && strings.HasPrefix(strings.ToLower(name), lower) {
			idx := make([]int, utf8.RuneCountInString(term))
			for j := range idx {
				idx[j] = j
			}
			out = append(out, list.Rank{Index: i, MatchedIndexes: idx})
			first[i] = true
		}
	}
	for _, r := range list.DefaultFilter(term, targets) {
		if !first[r.Index] {
			out = append(out, r)
		}
	}
	return out
}

package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lblab/lblab/lab"
	"github.com/lblab/lblab/lab/apps"
	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/haproxycfg"
)

// Opener reads a file a scenario names (config_file), by its name as
// written; the caller resolves it relative to the scenario file.
type Opener func(name string) ([]byte, error)

// MaxSize is the largest scenario file Parse reads.
const MaxSize = 1 << 20

// DefaultVariant names the variant of a file that declares none.
const DefaultVariant = "default"

var topKeys = []string{"name", "title", "notes", "speed", "config", "config_file", "apps", "app_hosts",
	"variants", "phases", "timeline", "expect"}

var nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ParseFile reads the scenario at path; its config_file is read relative
// to the scenario's directory.
func ParseFile(path string) (*Scenario, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	return Parse(path, src, func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.ReadFile(name)
	})
}

// Parse reads a scenario file. filename is used in messages; open reads
// config_file (nil: a config_file is an error). On error it returns nil
// and an Errors value: every problem found (up to MaxErrors), each
// "file:line:col: what was found; what was expected". Nothing is started,
// resolved or dialled.
func Parse(filename string, src []byte, open Opener) (*Scenario, error) {
	d := &decoder{file: filename}
	if len(src) > MaxSize {
		d.errorf(Pos{}, "found a file of %d bytes; expected a scenario of at most %d bytes", len(src), MaxSize)
		return nil, d.errs
	}
	body, ok := d.parseYAML(src)
	if !ok {
		return nil, d.sorted()
	}
	if body == nil {
		d.errorf(Pos{1, 1}, "found an empty file; expected a scenario: name, title, phases and expect")
		return nil, d.sorted()
	}
	p := &parser{d: d, src: src, open: open, sc: &Scenario{File: filename}}
	p.top(body)
	if len(d.errs) > 0 {
		return nil, d.sorted()
	}
	return p.sc, nil
}

// parser holds the state of one Parse.
type parser struct {
	d    *decoder
	src  []byte
	open Opener
	sc   *Scenario
}

func (p *parser) top(body ast.Node) {
	f, ok := p.d.newFields(body, Pos{1, 1}, "a scenario", topKeys)
	if !ok {
		return
	}
	sc := p.sc
	if s, at, ok := f.str("name", "the scenario's name"); ok {
		if !nameRe.MatchString(s) {
			p.d.errorf(at, "found name %q; expected lower-case letters, digits, '.', '_' or '-' (at most 64), e.g. ep06-leastconn", s)
		}
		sc.Name = s
	} else if !f.has("name") {
		p.d.errorf(f.at, "found no name; expected a name: key, e.g. name: ep06-leastconn")
	}
	if s, at, ok := f.str("title", "a one-line title"); ok {
		if strings.ContainsAny(s, "\r\n") || strings.TrimSpace(s) == "" {
			p.d.errorf(at, "found a title of several lines (or none); expected one line")
		}
		sc.Title = strings.TrimSpace(s)
	} else if !f.has("title") {
		p.d.errorf(f.at, "found no title; expected a title: key, one line")
	}
	if s, _, ok := f.str("notes", "teaching notes (text)"); ok {
		sc.Notes = Reflow(s)
	}
	if v, _, ok := f.float("speed", "the lab time scale of a run", 0.01, 100000); ok {
		sc.Speed = v
	}
	base := &Variant{Name: DefaultVariant, Pos: f.at}
	p.labKeys(f, base)
	sc.Variants = p.variants(f, base)
	sc.Phases = p.phases(f)
	sc.Timeline = p.timeline(f)
	sc.Expect = p.expectations(f)
	if len(p.d.errs) == 0 {
		p.crossCheck()
	}
}

// labKeys reads config, config_file, apps and app_hosts into v (keys a
// variant may override).
func (p *parser) labKeys(f *fields, v *Variant) {
	if f.has("config") && f.has("config_file") {
		p.d.errorf(f.keyPos("config_file"), "found both config and config_file; expected one of them")
		return
	}
	if n, at, ok := f.get("config"); ok {
		text, ok := p.d.scalar(n, at, "an haproxy.cfg (a block of text after config: |)")
		if ok {
			v.Config = text
			v.ConfigFile = p.d.file
			v.configAt = p.literalStart(n)
			if strings.TrimSpace(text) == "" {
				p.d.errorf(at, "found an empty config; expected an haproxy.cfg, or no config key for the default lab")
			}
		}
	}
	if name, at, ok := f.str("config_file", "the path of an haproxy.cfg, relative to this file"); ok {
		if p.open == nil {
			p.d.errorf(at, "found config_file %q; expected an inline config: this scenario is not read from a directory", name)
		} else if b, err := p.open(name); err != nil {
			p.d.errorf(at, "found config_file %q, which cannot be read (%v); expected a readable haproxy.cfg", name, unwrapPath(err))
		} else {
			v.Config, v.ConfigFile, v.configAt = string(b), name, Pos{}
		}
	}
	if n, at, ok := f.get("apps"); ok {
		v.Apps = p.apps(n, at, v.Apps, v)
	}
	if hosts, _, ok := f.strings("app_hosts", "server host names to run as in-process apps"); ok {
		v.AppHosts = hosts
	}
}

// Reflow turns teaching notes as written in a file into paragraphs, as
// Markdown reads text: lines of a paragraph are joined by spaces, a blank
// line ends a paragraph, and a line starting with "- ", "* " or an indent
// starts a line of its own (a list item). The dashboard and reports then
// wrap each paragraph to their width.
func Reflow(s string) string {
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := strings.TrimRight(line, " \t")
		switch {
		case strings.TrimSpace(t) == "":
			flush()
		case len(cur) > 0 && !strings.HasPrefix(t, "- ") && !strings.HasPrefix(t, "* ") && !strings.HasPrefix(t, " "):
			cur[len(cur)-1] += " " + t
		default:
			cur = append(cur, t)
		}
	}
	flush()
	return strings.Join(paras, "\n\n")
}

// unwrapPath keeps an os error's reason without repeating the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// literalStart returns where the first line of an inline config's text
// is written, so that its errors point into this file; zero when the
// text is not a block literal (its lines cannot be placed).
func (p *parser) literalStart(n ast.Node) Pos {
	lit, ok := n.(*ast.LiteralNode)
	if !ok || lit.Start == nil || lit.Start.Position == nil {
		return Pos{}
	}
	lines := strings.Split(string(p.src), "\n")
	first := lit.Start.Position.Line // 1-based line of "|"; content starts on the next
	for i := first; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		return Pos{Line: first + 1, Col: len(l) - len(strings.TrimLeft(l, " ")) + 1}
	}
	return Pos{}
}

var appKeys = []string{"profile", "body", "delay", "jitter", "error_rate"}

// apps reads the apps: mapping, on top of inherited behaviours.
func (p *parser) apps(n ast.Node, at Pos, inherited map[string]apps.Behaviour, v *Variant) map[string]apps.Behaviour {
	es, ok := p.d.mappingEntries(n, at, "the apps' behaviour, by app name")
	if !ok {
		return inherited
	}
	pos := map[string]Pos{}
	for k, p := range v.appPos {
		pos[k] = p
	}
	for _, e := range es {
		pos[e.key] = e.keyPos
	}
	v.appPos = pos
	out := map[string]apps.Behaviour{}
	for k, b := range inherited {
		out[k] = b
	}
	for _, e := range es {
		f, ok := p.d.newFields(e.val, e.keyPos, "app "+e.key, appKeys)
		if !ok {
			continue
		}
		b := out[e.key]
		if s, at, ok := f.str("profile", "a reply profile"); ok {
			prof, err := apps.ParseProfile(s)
			if err != nil {
				p.d.errorf(at, "found profile %q; expected one of: %s", s, profileNames())
			}
			b.Profile = prof
		}
		if s, _, ok := f.str("body", "what GET / answers (profile custom)"); ok {
			b.Body = s
		}
		if v, _, ok := f.duration("delay", "how long the app waits before answering"); ok {
			b.Delay = v
		}
		if v, _, ok := f.duration("jitter", "how much the delay varies either way"); ok {
			b.Jitter = v
		}
		if v, _, ok := f.float("error_rate", "the fraction of requests answered 500", 0, 1); ok {
			b.ErrorRate = v
		}
		if b.Body != "" && b.Profile != apps.Custom {
			p.d.errorf(f.keyPos("body"), "found a body for app %s without profile: custom; expected profile: custom with it", e.key)
		}
		out[e.key] = b
	}
	return out
}

func profileNames() string {
	var s []string
	for _, p := range apps.Profiles() {
		s = append(s, string(p))
	}
	return strings.Join(s, ", ")
}

var variantKeys = []string{"name", "title", "algo", "hash_type", "config", "config_file", "apps", "app_hosts"}

// variants reads the variants: list; without one the scenario has a
// single default variant.
func (p *parser) variants(f *fields, base *Variant) []*Variant {
	n, at, ok := f.get("variants")
	if !ok {
		return []*Variant{base}
	}
	items, ok := p.d.seq(n, at, "the scenario's variants")
	if !ok {
		return []*Variant{base}
	}
	if len(items) == 0 {
		p.d.errorf(at, "found no variants; expected at least one, or no variants key")
	}
	var out []*Variant
	for _, it := range items {
		vf, ok := p.d.newFields(it, posOf(it), "a variant", variantKeys)
		if !ok {
			continue
		}
		v := *base
		v.Pos = vf.at
		v.Apps = base.Apps
		name, nat, ok := vf.str("name", "the variant's name")
		switch {
		case !ok && !vf.has("name"):
			p.d.errorf(vf.at, "found a variant without a name; expected name: e.g. leastconn")
		case ok && !nameRe.MatchString(name):
			p.d.errorf(nat, "found variant name %q; expected lower-case letters, digits, '.', '_' or '-'", name)
		}
		for _, o := range out {
			if o.Name == name {
				p.d.errorf(nat, "found variant %q a second time; expected each variant once", name)
			}
		}
		v.Name = name
		if s, _, ok := vf.str("title", "a one-line title"); ok {
			v.Title = s
		}
		if vf.has("config") || vf.has("config_file") {
			v.Config, v.ConfigFile, v.configAt = "", "", Pos{}
		}
		p.labKeys(vf, &v)
		if s, at, ok := vf.str("algo", "a balance algorithm"); ok {
			spec, err := lab.ParseAlgo(s)
			if err != nil {
				p.d.errorf(at, "found algo %q: %v", s, err)
			} else {
				v.Algo, v.AlgoText, v.algoPos = &spec, s, at
			}
		}
		if s, at, ok := vf.str("hash_type", "a hash type"); ok {
			ht, err := lab.ParseHashType(s)
			if err != nil {
				p.d.errorf(at, "found hash_type %q: %v", s, err)
			} else {
				v.HashType = &ht
			}
		}
		out = append(out, &v)
	}
	return out
}

// crossCheck reads every variant's config and checks the names the
// timeline and the expectations use against it.
func (p *parser) crossCheck() {
	for _, v := range p.sc.Variants {
		m := p.variantModel(v)
		if m == nil {
			continue
		}
		v.model = m
		mm := m.clone()
		p.checkTimeline(v, mm)
		p.checkExpectations(v, mm)
	}
	sort.SliceStable(p.sc.Warnings, func(i, j int) bool { return p.sc.Warnings[i].Line < p.sc.Warnings[j].Line })
}

// variantModel parses a variant's config (reporting its errors in this
// file when it is inline) and checks its apps and algorithm.
func (p *parser) variantModel(v *Variant) *model {
	var m *model
	if v.Config == "" {
		dm, err := defaultModel()
		if err != nil {
			p.d.errorf(v.Pos, "the default lab: %v", err)
			return nil
		}
		m = dm
	} else {
		file, err := v.ParseConfig()
		if err != nil {
			p.configErrors(v, err)
			return nil
		}
		for _, w := range file.Warnings {
			p.addWarning(v, w)
		}
		m = modelOf(file.Config, v.AppHosts)
		if len(file.Config.Frontends) == 0 {
			p.d.errorf(p.configPos(v, 0, 0), "found a config without a frontend; expected a frontend (or listen) section: nothing would listen")
		}
	}
	names := make([]string, 0, len(v.Apps))
	for n := range v.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !contains(m.apps, n) {
			p.d.errorf(posIn(v.appPos, n, v.Pos), "found apps: %s, which no server of variant %s's config runs; expected one of: %s", n, v.Name, strings.Join(m.apps, ", "))
		}
	}
	if v.Algo != nil && v.Algo.L7() {
		for _, b := range m.backends {
			if b.mode == proxy.TCP {
				p.d.errorf(v.algoPos, "found algo %q in variant %s, which needs HTTP; expected an algorithm for backend %s in TCP mode: roundrobin, static-rr, leastconn, first, source or random", v.AlgoText, v.Name, b.name)
				break
			}
		}
	}
	return m
}

// configPos places a config line and column in this file (or in the
// config's own file).
func (p *parser) configPos(v *Variant, line, col int) Pos {
	if v.configAt.Line == 0 || line == 0 {
		return Pos{Line: line, Col: col}
	}
	pos := Pos{Line: v.configAt.Line + line - 1}
	if col > 0 {
		pos.Col = v.configAt.Col + col - 1
	}
	return pos
}

// configErrors reports an haproxy.cfg's errors, placed in this file when
// the config is inline.
func (p *parser) configErrors(v *Variant, err error) {
	var es haproxycfg.Errors
	if !errors.As(err, &es) {
		p.d.errorf(v.Pos, "config: %v", err)
		return
	}
	for _, e := range es {
		if v.configAt.Line == 0 && v.ConfigFile != p.d.file {
			// the config's own file: keep its name and places
			p.d.errs = append(p.d.errs, Error{File: e.File, Pos: Pos{e.Line, e.Col}, Msg: "in the HAProxy config: " + e.Msg})
			continue
		}
		p.d.errorf(p.configPos(v, e.Line, e.Col), "in the HAProxy config: %s", e.Msg)
	}
}

func (p *parser) addWarning(v *Variant, w haproxycfg.Diag) {
	file := p.d.file
	pos := p.configPos(v, w.Line, w.Col)
	if v.configAt.Line == 0 && v.ConfigFile != p.d.file {
		file, pos = w.File, Pos{w.Line, w.Col}
	}
	msg := w.Msg
	if len(p.sc.Variants) > 1 {
		msg = fmt.Sprintf("(variant %s) %s", v.Name, msg)
	}
	for _, x := range p.sc.Warnings {
		if x.File == file && x.Pos == pos && strings.HasSuffix(x.Msg, w.Msg) {
			return // the same inline config, shared by several variants
		}
	}
	p.sc.Warnings = append(p.sc.Warnings, Error{File: file, Pos: pos, Msg: msg})
}

// Variant returns the variant with that name, nil if none.
func (s *Scenario) Variant(name string) *Variant {
	for _, v := range s.Variants {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// PhaseIndex returns a phase's index, -1 if none.
func (s *Scenario) PhaseIndex(name string) int {
	for i, ph := range s.Phases {
		if ph.Name == name {
			return i
		}
	}
	return -1
}

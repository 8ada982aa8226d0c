package scenario

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	yamlparser "github.com/goccy/go-yaml/parser"
)

// The scenario format is read from the YAML syntax tree rather than decoded
// into structs: every value keeps its line and column, so that a wrong
// server name in an expectation is reported where it is written, and an
// unknown key is an error at the key, with the keys that are accepted.

// Pos is a place in a scenario file (1-based line and byte column).
type Pos struct {
	Line, Col int
}

// Error is one problem with a scenario file. Its String (and Error) is
// "file:line:col: what was found; what was expected".
type Error struct {
	File string
	Pos
	Msg string
}

func (e Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is every problem found in one file, in file order. Parse returns
// it as its error; errors.As reaches the positions.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// MaxErrors is how many errors Parse collects before it stops.
const MaxErrors = 20

// decoder reads one file's syntax tree and collects its errors.
type decoder struct {
	file string
	errs Errors
}

// errorf records an error at p.
func (d *decoder) errorf(p Pos, format string, args ...any) {
	if len(d.errs) < MaxErrors {
		d.errs = append(d.errs, Error{File: d.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
	}
}

func (d *decoder) full() bool { return len(d.errs) >= MaxErrors }

// sorted returns the errors in file order (stable for equal places).
func (d *decoder) sorted() Errors {
	out := append(Errors(nil), d.errs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

// posOf is where node n is written.
func posOf(n ast.Node) Pos {
	if n == nil {
		return Pos{}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// parseYAML parses src into its one document's body, turning syntax errors
// into positioned errors. A nil body means an empty document.
func (d *decoder) parseYAML(src []byte) (ast.Node, bool) {
	f, err := yamlparser.ParseBytes(src, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			d.errorf(tokenNode{ye}.pos(), "%s; expected well-formed YAML", ye.GetMessage())
		} else {
			d.errorf(Pos{}, "%v; expected well-formed YAML", err)
		}
		return nil, false
	}
	var body ast.Node
	seen := 0
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		seen++
		if seen == 2 {
			d.errorf(posOf(doc.Body), "found a second YAML document; expected one scenario per file")
			return nil, false
		}
		body = doc.Body
	}
	return body, true
}

// tokenNode adapts an error's token to posOf.
type tokenNode struct{ e yaml.Error }

func (t tokenNode) pos() Pos {
	tk := t.e.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

// describe says what a node is, for "found …" messages.
func describe(n ast.Node) string {
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode:
		return strconv.Quote(v.Value)
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.TagNode:
		return "a tag " + v.Start.Value
	case *ast.AnchorNode:
		return "an anchor"
	case *ast.AliasNode:
		return "an alias"
	default:
		return strconv.Quote(n.GetToken().Value)
	}
}

// plain rejects the YAML features the format does not take (tags, anchors,
// aliases, merge keys): reports them and returns false.
func (d *decoder) plain(n ast.Node) bool {
	switch n.(type) {
	case *ast.TagNode:
		d.errorf(posOf(n), "found %s; expected a plain value (tags are not part of the scenario format)", describe(n))
		return false
	case *ast.AnchorNode, *ast.AliasNode:
		d.errorf(posOf(n), "found %s; expected the value written out (anchors and aliases are not part of the scenario format)", describe(n))
		return false
	case *ast.MergeKeyNode:
		d.errorf(posOf(n), "found a merge key <<; expected the keys written out")
		return false
	}
	return true
}

// entry is one key of a mapping.
type entry struct {
	key    string
	keyPos Pos
	val    ast.Node
}

// fields is a mapping being read: it knows which keys are allowed, which
// were read, and reports unknown keys where they are written.
type fields struct {
	d       *decoder
	what    string
	at      Pos
	entries []entry
}

// mappingEntries returns a mapping node's entries (nil and false when n is
// not a mapping, after reporting it).
func (d *decoder) mappingEntries(n ast.Node, at Pos, what string) ([]entry, bool) {
	if n == nil {
		d.errorf(at, "found nothing; expected %s (a mapping of keys)", what)
		return nil, false
	}
	if !d.plain(n) {
		return nil, false
	}
	var mvs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		mvs = v.Values
	case *ast.MappingValueNode:
		mvs = []*ast.MappingValueNode{v}
	default:
		d.errorf(posOf(n), "found %s; expected %s (a mapping of keys)", describe(n), what)
		return nil, false
	}
	out := make([]entry, 0, len(mvs))
	for _, mv := range mvs {
		if mv == nil || mv.Key == nil {
			continue
		}
		k := mv.Key
		if !d.plain(k) {
			continue
		}
		switch k.(type) {
		case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		default:
			d.errorf(posOf(k), "found %s as a key; expected a plain word", describe(k))
			continue
		}
		out = append(out, entry{key: k.GetToken().Value, keyPos: posOf(k), val: mv.Value})
	}
	return out, true
}

// newFields reads a mapping and reports every key not in allowed.
func (d *decoder) newFields(n ast.Node, at Pos, what string, allowed []string) (*fields, bool) {
	es, ok := d.mappingEntries(n, at, what)
	if !ok {
		return nil, false
	}
	// a mapping's own token is its first colon: place it at its first key
	f := &fields{d: d, what: what, at: at, entries: es}
	if len(es) > 0 {
		f.at = es[0].keyPos
	}
	for _, e := range es {
		if !contains(allowed, e.key) {
			d.errorf(e.keyPos, "unknown key %q in %s; expected one of: %s", e.key, what, strings.Join(allowed, ", "))
		}
	}
	return f, true
}

// get returns a key's value node and position.
func (f *fields) get(key string) (ast.Node, Pos, bool) {
	for _, e := range f.entries {
		if e.key == key {
			p := posOf(e.val)
			if p.Line == 0 {
				p = e.keyPos
			}
			return e.val, p, true
		}
	}
	return nil, Pos{}, false
}

// positions returns where each key's value is written, for errors found
// later (a server name checked against the config).
func (f *fields) positions() map[string]Pos {
	out := map[string]Pos{}
	for _, e := range f.entries {
		p := posOf(e.val)
		if p.Line == 0 {
			p = e.keyPos
		}
		out[e.key] = p
	}
	return out
}

// has reports whether a key is present.
func (f *fields) has(key string) bool {
	_, _, ok := f.get(key)
	return ok
}

// keyPos is where key is written (the mapping when absent).
func (f *fields) keyPos(key string) Pos {
	for _, e := range f.entries {
		if e.key == key {
			return e.keyPos
		}
	}
	return f.at
}

// present lists which of keys are given, in the order they are written.
func (f *fields) present(keys []string) []string {
	var out []string
	for _, e := range f.entries {
		if contains(keys, e.key) {
			out = append(out, e.key)
		}
	}
	return out
}

// scalar returns a scalar's text. Numbers and booleans are scalars too:
// a name may be written 200.
func (d *decoder) scalar(n ast.Node, at Pos, what string) (string, bool) {
	if n == nil {
		d.errorf(at, "found nothing; expected %s", what)
		return "", false
	}
	if !d.plain(n) {
		return "", false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return v.GetToken().Value, true
	case *ast.NullNode:
		d.errorf(posOf(n), "found nothing; expected %s", what)
		return "", false
	}
	d.errorf(posOf(n), "found %s; expected %s", describe(n), what)
	return "", false
}

// str reads an optional string key.
func (f *fields) str(key, what string) (string, Pos, bool) {
	n, p, ok := f.get(key)
	if !ok {
		return "", f.keyPos(key), false
	}
	s, ok := f.d.scalar(n, p, what)
	return s, p, ok
}

// int reads an optional integer key within [lo, hi].
func (f *fields) int(key, what string, lo, hi int64) (int64, Pos, bool) {
	s, p, ok := f.str(key, what)
	if !ok {
		return 0, p, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil || v < lo || v > hi {
		f.d.errorf(p, "found %q for %s; expected %s, a whole number from %d to %d", s, key, what, lo, hi)
		return 0, p, false
	}
	return v, p, true
}

// float reads an optional number key within [lo, hi].
func (f *fields) float(key, what string, lo, hi float64) (float64, Pos, bool) {
	s, p, ok := f.str(key, what)
	if !ok {
		return 0, p, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		f.d.errorf(p, "found %q for %s; expected %s, a number from %g to %g", s, key, what, lo, hi)
		return 0, p, false
	}
	return v, p, true
}

// maxDuration bounds every duration of a scenario: a day of lab time.
const maxDuration = 24 * time.Hour

// duration reads an optional duration key ("5s", "250ms", "1m30s").
func (f *fields) duration(key, what string) (time.Duration, Pos, bool) {
	s, p, ok := f.str(key, what)
	if !ok {
		return 0, p, false
	}
	v, err := parseDuration(s)
	if err != nil {
		f.d.errorf(p, "found %q for %s; expected %s, a duration such as 5s, 250ms or 1m30s", s, key, what)
		return 0, p, false
	}
	return v, p, true
}

// parseDuration reads a non-negative Go duration of at most a day; "0" is
// accepted without a unit.
func parseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > maxDuration {
		return 0, fmt.Errorf("out of range")
	}
	return v, nil
}

// bool reads an optional true/false key.
func (f *fields) bool(key, what string) (bool, Pos, bool) {
	n, p, ok := f.get(key)
	if !ok {
		return false, f.keyPos(key), false
	}
	if b, isBool := n.(*ast.BoolNode); isBool {
		return b.Value, p, true
	}
	f.d.errorf(p, "found %s for %s; expected true or false (%s)", describe(n), key, what)
	return false, p, false
}

// prefix reads an optional CIDR key inside 127.0.0.0/8.
func (f *fields) prefix(key, what string) (netip.Prefix, Pos, bool) {
	s, p, ok := f.str(key, what)
	if !ok {
		return netip.Prefix{}, p, false
	}
	pf, err := netip.ParsePrefix(s)
	loop := netip.MustParsePrefix("127.0.0.0/8")
	if err != nil || !pf.Addr().Is4() || !loop.Contains(pf.Addr()) || pf.Bits() < 8 {
		f.d.errorf(p, "found %q for %s; expected %s, an address range inside 127.0.0.0/8 such as 127.0.0.0/24 (clients send from loopback addresses)", s, key, what)
		return netip.Prefix{}, p, false
	}
	return pf.Masked(), p, true
}

// list returns a sequence's items, or a single scalar as a list of one
// (so "path: /a" and "path: [/a, /b]" both read).
func (d *decoder) list(n ast.Node, at Pos, what string) ([]ast.Node, bool) {
	if n == nil {
		d.errorf(at, "found nothing; expected %s", what)
		return nil, false
	}
	if !d.plain(n) {
		return nil, false
	}
	if s, ok := n.(*ast.SequenceNode); ok {
		return s.Values, true
	}
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.NullNode:
		d.errorf(posOf(n), "found %s; expected %s", describe(n), what)
		return nil, false
	}
	return []ast.Node{n}, true
}

// seq returns a sequence's items; a single value is an error.
func (d *decoder) seq(n ast.Node, at Pos, what string) ([]ast.Node, bool) {
	if n == nil {
		d.errorf(at, "found nothing; expected %s", what)
		return nil, false
	}
	if !d.plain(n) {
		return nil, false
	}
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errorf(posOf(n), "found %s; expected %s (a list)", describe(n), what)
		return nil, false
	}
	return s.Values, true
}

// strings reads an optional key holding one string or a list of them.
func (f *fields) strings(key, what string) ([]string, Pos, bool) {
	n, p, ok := f.get(key)
	if !ok {
		return nil, f.keyPos(key), false
	}
	items, ok := f.d.list(n, p, what)
	if !ok {
		return nil, p, false
	}
	var out []string
	good := true
	for _, it := range items {
		s, ok := f.d.scalar(it, posOf(it), what)
		if !ok {
			good = false
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 && good {
		f.d.errorf(p, "found an empty list for %s; expected %s", key, what)
		return nil, p, false
	}
	return out, p, good
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

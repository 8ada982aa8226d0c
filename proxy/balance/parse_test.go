package balance

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy/haproxytest"
)

// balanceLines are "balance" lines, with whether HAProxy 2.6 accepts them
// (checked against the real binary by TestParseAgainstHAProxy) and, when
// it does, the Spec lblab reads. Lines HAProxy accepts but lblab does not
// implement (hash, rdp-cookie) are marked lblabRejects.
var balanceLines = []struct {
	line         string
	ok           bool
	spec         Spec
	lblabRejects bool
}{
	{line: "balance", ok: true, spec: Spec{Algo: RoundRobin}},
	{line: "balance roundrobin", ok: true, spec: Spec{Algo: RoundRobin}},
	{line: "balance roundrobin foo", ok: true, spec: Spec{Algo: RoundRobin}},
	{line: "balance static-rr", ok: true, spec: Spec{Algo: StaticRR}},
	{line: "balance leastconn", ok: true, spec: Spec{Algo: LeastConn}},
	{line: "balance leastconn x y", ok: true, spec: Spec{Algo: LeastConn}},
	{line: "balance first", ok: true, spec: Spec{Algo: First}},
	{line: "balance source", ok: true, spec: Spec{Algo: Source}},
	{line: "balance random", ok: true, spec: Spec{Algo: Random}},
	{line: "balance random()", ok: true, spec: Spec{Algo: Random}},
	{line: "balance randomly", ok: true, spec: Spec{Algo: Random}},
	{line: "balance random(3)", ok: true, spec: Spec{Algo: Random, Draws: 3}},
	{line: "balance random(1)", ok: true, spec: Spec{Algo: Random, Draws: 1}},
	{line: "balance random(0x10)", ok: true, spec: Spec{Algo: Random, Draws: 16}},
	{line: "balance random(010)", ok: true, spec: Spec{Algo: Random, Draws: 8}},
	{line: "balance random(+5)", ok: true, spec: Spec{Algo: Random, Draws: 5}},
	{line: "balance random(4294967297)", ok: true, spec: Spec{Algo: Random, Draws: 1}},
	{line: "balance random(2)x", ok: true, spec: Spec{Algo: Random, Draws: 2}},
	{line: "balance random(", ok: false},
	{line: "balance random(0)", ok: false},
	{line: "balance random(-1)", ok: false},
	{line: "balance random(3x)", ok: false},
	{line: "balance random(08)", ok: false},
	{line: "balance random(0x)", ok: false},
	{line: "balance random(4294967296)", ok: false},
	{line: "balance random(abc)", ok: false},
	{line: "balance uri", ok: true, spec: Spec{Algo: URI}},
	{line: "balance uri whole", ok: true, spec: Spec{Algo: URI, URIWhole: true}},
	{line: "balance uri len 5", ok: true, spec: Spec{Algo: URI, URILen: 5}},
	{line: "balance uri len 5x", ok: true, spec: Spec{Algo: URI, URILen: 5}},
	{line: "balance uri depth 3 len 10 whole path-only", ok: true, spec: Spec{Algo: URI, URIDepth: 3, URILen: 10, URIWhole: true, URIPathOnly: true}},
	{line: "balance uri len 4 len 6", ok: true, spec: Spec{Algo: URI, URILen: 6}},
	{line: "balance uri len 99999999999", ok: true, spec: Spec{Algo: URI, URILen: 1215752191}},
	{line: "balance uri len", ok: false},
	{line: "balance uri len abc", ok: false},
	{line: "balance uri len 0", ok: false},
	{line: "balance uri depth -1", ok: false},
	{line: "balance uri depth 0", ok: false},
	{line: "balance uri whole foo", ok: false},
	{line: "balance uri Whole", ok: false},
	{line: "balance url_param", ok: false},
	{line: "balance url_param userid", ok: true, spec: Spec{Algo: URLParam, Param: "userid"}},
	{line: "balance url_param userid check_post", ok: true, spec: Spec{Algo: URLParam, Param: "userid", CheckPost: true}},
	{line: "balance url_param userid check_post junk", ok: true, spec: Spec{Algo: URLParam, Param: "userid", CheckPost: true}},
	{line: "balance url_param check_post", ok: true, spec: Spec{Algo: URLParam, Param: "check_post"}},
	{line: "balance url_param userid foo", ok: false},
	{line: "balance hdr(Host)", ok: true, spec: Spec{Algo: Hdr, Param: "Host"}},
	{line: "balance hdr(host) use_domain_only", ok: true, spec: Spec{Algo: Hdr, Param: "host", UseDomainOnly: true}},
	{line: "balance hdr(host)junk", ok: true, spec: Spec{Algo: Hdr, Param: "host"}},
	{line: "balance hdr(host) use_domain_only junk", ok: true, spec: Spec{Algo: Hdr, Param: "host", UseDomainOnly: true}},
	{line: "balance hdr(", ok: false},
	{line: "balance hdr()", ok: false},
	{line: "balance hdr(host", ok: false},
	{line: "balance hdr(host) foo", ok: false},
	{line: "balance hdr", ok: false},
	{line: "balance foo", ok: false},
	{line: "balance Roundrobin", ok: false},
	{line: "balance least_conn", ok: false},
	{line: "balance hash", ok: false},
	{line: "balance hash req.cookie(id)", ok: true, lblabRejects: true},
	{line: "balance rdp-cookie", ok: true, lblabRejects: true},
	{line: "balance rdp-cookie(mstshash)", ok: true, lblabRejects: true},
}

var hashTypeLines = []struct {
	line string
	ok   bool
	h    HashType
}{
	{"hash-type map-based", true, HashType{}},
	{"hash-type consistent", true, HashType{Consistent: true, Avalanche: true}},
	{"hash-type consistent sdbm", true, HashType{Consistent: true}},
	{"hash-type consistent sdbm avalanche", true, HashType{Consistent: true, Avalanche: true}},
	{"hash-type map-based sdbm avalanche", true, HashType{Avalanche: true}},
	{"hash-type map-based djb2", true, HashType{Func: DJB2}},
	{"hash-type consistent wt6 avalanche", true, HashType{Consistent: true, Func: WT6, Avalanche: true}},
	{"hash-type consistent crc32", true, HashType{Consistent: true, Func: CRC32}},
	{"hash-type consistent sdbm avalanche junk", true, HashType{Consistent: true, Avalanche: true}},
	{"hash-type", false, HashType{}},
	{"hash-type avalanche", false, HashType{}},
	{"hash-type foo", false, HashType{}},
	{"hash-type Consistent", false, HashType{}},
	{"hash-type consistent foo", false, HashType{}},
	{"hash-type consistent SDBM", false, HashType{}},
	{"hash-type consistent avalanche", false, HashType{}},
	{"hash-type consistent sdbm foo", false, HashType{}},
}

var factorLines = []struct {
	word string
	ok   bool
	f    int
}{
	{"0", true, 0},
	{"101", true, 101},
	{"150", true, 150},
	{"150x", true, 150},
	{"abc", true, 0}, // atol reads no digits: 0, which HAProxy takes
	{"4294967397", true, 101},
	{"", false, 0},
	{"1", false, 0},
	{"100", false, 0},
	{"-5", false, 0},
	{"4294967297", false, 0},
	{"4294967396", false, 0},
}

func TestParseBalance(t *testing.T) {
	for _, c := range balanceLines {
		words := strings.Fields(c.line)[1:]
		s, err := ParseBalance(words)
		if !c.ok || c.lblabRejects {
			var we *WordError
			if err == nil || !errors.As(err, &we) || we.Word < 0 || we.Word > len(words) || we.Msg == "" {
				t.Errorf("%q: got %+v, %v; want a *WordError", c.line, s, err)
			}
			continue
		}
		if err != nil || s != c.spec {
			t.Errorf("%q: got %+v, %v; want %+v", c.line, s, err, c.spec)
			continue
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%q: parsed spec does not validate: %v", c.line, err)
		}
		// the canonical line reads back to the same spec
		again, err := ParseBalance(strings.Fields(s.String())[1:])
		if err != nil || again != s {
			t.Errorf("%q: String() = %q reads back as %+v, %v", c.line, s.String(), again, err)
		}
	}
}

func TestParseErrorsNameTheWord(t *testing.T) {
	for _, c := range []struct {
		words []string
		word  int
		say   string
	}{
		{[]string{"uri", "len", "abc"}, 2, "'len' expects a positive integer (got 'abc')"},
		{[]string{"uri", "depth"}, 2, "'depth' expects a positive integer (got '')"},
		{[]string{"uri", "whole", "foo"}, 2, "only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got 'foo')"},
		{[]string{"url_param"}, 1, "requires an URL parameter name"},
		{[]string{"url_param", "id", "post"}, 2, "only accepts 'check_post' modifier (got 'post')"},
		{[]string{"hdr(host)", "domain"}, 1, "only accepts 'use_domain_only' modifier (got 'domain')"},
		{[]string{"random(0)"}, 0, "number of draws must be at least 1"},
		{[]string{"random(3x)"}, 0, "unexpected character 'x' after argument"},
		{[]string{"bogus"}, 0, "unknown algorithm 'bogus'; accepted: roundrobin, static-rr, leastconn, first, source, uri, url_param, hdr(name), random"},
		{[]string{"rdp-cookie"}, 0, "lblab does not implement"},
	} {
		_, err := ParseBalance(c.words)
		var we *WordError
		if !errors.As(err, &we) || we.Word != c.word || !strings.Contains(we.Msg, c.say) {
			t.Errorf("ParseBalance(%q) = %v (word %v), want word %d saying %q", c.words, err, we, c.word, c.say)
		}
	}
}

func TestParseHashType(t *testing.T) {
	for _, c := range hashTypeLines {
		h, err := ParseHashType(strings.Fields(c.line)[1:])
		if !c.ok {
			var we *WordError
			if !errors.As(err, &we) {
				t.Errorf("%q: got %+v, %v; want a *WordError", c.line, h, err)
			}
			continue
		}
		if err != nil || h != c.h {
			t.Errorf("%q: got %+v, %v; want %+v", c.line, h, err, c.h)
		}
	}
	// every hash type has a canonical line that reads back to it
	for _, cons := range []bool{false, true} {
		for f := SDBM; f <= CRC32; f++ {
			for _, av := range []bool{false, true} {
				h := HashType{Consistent: cons, Func: f, Avalanche: av}
				again, err := ParseHashType(strings.Fields(h.String())[1:])
				if err != nil || again != h {
					t.Errorf("%+v: String() = %q reads back as %+v, %v", h, h.String(), again, err)
				}
			}
		}
	}
	if got := (HashType{Consistent: true, Avalanche: true}).String(); got != "hash-type consistent" {
		t.Errorf("default consistent type prints as %q", got)
	}
}

func TestParseBalanceFactor(t *testing.T) {
	for _, c := range factorLines {
		f, err := ParseBalanceFactor(c.word)
		if c.ok != (err == nil) || f != c.f {
			t.Errorf("ParseBalanceFactor(%q) = %d, %v; want %d, ok %v", c.word, f, err, c.f, c.ok)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	for _, s := range []Spec{
		{Algo: Random + 1},
		{Algo: RoundRobin, URIWhole: true},
		{Algo: URI, URILen: -1},
		{Algo: URLParam},
		{Algo: Hdr, Param: "a)b"},
		{Algo: Hdr, Param: "a\nb"},
		{Algo: Source, Param: "x"},
		{Algo: Source, CheckPost: true},
		{Algo: URLParam, Param: "x", UseDomainOnly: true},
		{Algo: Random, Draws: -1},
		{Algo: RoundRobin, Draws: 2},
		{Algo: Source, Hash: HashType{Func: CRC32 + 1}},
		{Algo: Source, BalanceFactor: 100},
		{Algo: Source, BalanceFactor: 1},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v validates", s)
		}
	}
	for _, s := range []Spec{
		{}, {Algo: Random, Draws: 5}, {Algo: URI, URILen: 3, URIDepth: 2},
		{Algo: Hdr, Param: "X Odd Name"}, {Algo: Source, BalanceFactor: 101},
	} {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestSpecText(t *testing.T) {
	for _, c := range []struct {
		s     Spec
		line  string
		lines string
		name  string
	}{
		{Spec{}, "balance roundrobin", "balance roundrobin", "roundrobin"},
		{Spec{Algo: URI, URIWhole: true, URILen: 12, URIDepth: 3, URIPathOnly: true, Hash: HashType{Consistent: true, Avalanche: true}},
			"balance uri whole len 12 depth 3 path-only", "balance uri whole len 12 depth 3 path-only|hash-type consistent", "uri"},
		{Spec{Algo: Hdr, Param: "Host", UseDomainOnly: true}, "balance hdr(Host) use_domain_only", "balance hdr(Host) use_domain_only", "hdr(Host)"},
		{Spec{Algo: URLParam, Param: "user id", CheckPost: true, Hash: HashType{Func: DJB2}}, "balance url_param \"user id\" check_post",
			"balance url_param \"user id\" check_post|hash-type map-based djb2", "url_param(user id)"},
		{Spec{Algo: Random, Draws: 3, BalanceFactor: 150}, "balance random(3)", "balance random(3)|hash-balance-factor 150", "random(3)"},
		{Spec{Algo: Source, Hash: HashType{Consistent: true}}, "balance source", "balance source|hash-type consistent sdbm", "source"},
	} {
		if got := c.s.String(); got != c.line {
			t.Errorf("%+v: String() = %q, want %q", c.s, got, c.line)
		}
		if got := strings.Join(c.s.Lines(), "|"); got != c.lines {
			t.Errorf("%+v: Lines() = %q, want %q", c.s, got, c.lines)
		}
		if got := c.s.Name(); got != c.name {
			t.Errorf("%+v: Name() = %q, want %q", c.s, got, c.name)
		}
	}
}

func TestForTCP(t *testing.T) {
	for _, a := range []Algo{URI, URLParam, Hdr} {
		s := Spec{Algo: a, Param: "x", Hash: HashType{Consistent: true}}
		if a == URI {
			s.Param = ""
		}
		got, warn := s.ForTCP("backend", "be")
		if got.Algo != RoundRobin || got.Validate() != nil ||
			warn != "Layer 7 hash not possible for backend 'be' (needs 'mode http'). Falling back to round robin." {
			t.Errorf("%s in TCP: %+v, %q", a, got, warn)
		}
	}
	for _, a := range []Algo{RoundRobin, StaticRR, LeastConn, First, Source, Random} {
		s := Spec{Algo: a}
		if got, warn := s.ForTCP("proxy", "li"); got != s || warn != "" {
			t.Errorf("%s in TCP: %+v, %q", a, got, warn)
		}
	}
}

func TestCheckWeightChange(t *testing.T) {
	for _, c := range []struct {
		s       Spec
		initial int
		w       int
		ok      bool
	}{
		{Spec{}, 1, 5, true},
		{Spec{Algo: Source, Hash: HashType{Consistent: true}}, 1, 5, true},
		{Spec{Algo: StaticRR}, 2, 0, true},
		{Spec{Algo: StaticRR}, 2, 2, true},
		{Spec{Algo: StaticRR}, 2, 3, false},
		{Spec{Algo: Source}, 2, 3, false},
		{Spec{}, 1, 257, false},
		{Spec{}, 1, -1, false},
	} {
		if err := c.s.CheckWeightChange(c.initial, c.w); (err == nil) != c.ok {
			t.Errorf("%s: weight %d -> %d: %v", c.s.Name(), c.initial, c.w, err)
		}
	}
}

// TestParseAgainstHAProxy checks every line above with haproxy -c: what it
// accepts, lblab accepts (or names as not implemented), what it rejects,
// lblab rejects; the canonical lines of the accepted specs pass too; and
// the TCP fallback warning is HAProxy's, word for word.
func TestParseAgainstHAProxy(t *testing.T) {
	bin := haproxytest.Path(t)
	var lines []string
	lineOf := map[int]string{} // config line number -> the line under test
	add := func(ls ...string) {
		lines = append(lines, ls...)
	}
	add("defaults", "    mode http", "    timeout connect 1s", "    timeout client 1s", "    timeout server 1s")
	k := 0
	section := func(ls ...string) {
		k++
		add(fmt.Sprintf("backend b%d", k))
		for _, l := range ls {
			add("    " + l)
			lineOf[len(lines)] = l
		}
		add("    server s1 127.0.0.1:1")
	}
	for _, c := range balanceLines {
		section(c.line)
	}
	for _, c := range hashTypeLines {
		section("balance source", c.line)
	}
	for _, c := range factorLines {
		section("balance uri", "hash-type consistent", "hash-balance-factor "+c.word)
	}
	// the canonical lines of what parsed
	for _, c := range balanceLines {
		if s, err := ParseBalance(strings.Fields(c.line)[1:]); err == nil {
			s.Hash = HashType{Consistent: true, Func: WT6}
			section(s.Lines()...)
		}
	}
	cfg := strings.Join(lines, "\n") + "\n"
	file := filepath.Join(t.TempDir(), "parse.cfg")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, "-c", "-f", file).CombinedOutput()
	rejected := map[string]bool{}
	for _, m := range regexp.MustCompile(`parsing \[[^\]]*:(\d+)\]`).FindAllStringSubmatch(string(out), -1) {
		ln, _ := strconv.Atoi(m[1])
		rejected[lineOf[ln]] = true
	}
	for _, c := range balanceLines {
		if rejected[c.line] == c.ok {
			t.Errorf("%q: haproxy accepts it: %v, the table says %v", c.line, !rejected[c.line], c.ok)
		}
	}
	for _, c := range hashTypeLines {
		if rejected[c.line] == c.ok {
			t.Errorf("%q: haproxy accepts it: %v, the table says %v", c.line, !rejected[c.line], c.ok)
		}
	}
	for _, c := range factorLines {
		l := "hash-balance-factor " + c.word
		if rejected[l] == c.ok && c.word != "" {
			t.Errorf("%q: haproxy accepts it: %v, the table says %v", l, !rejected[l], c.ok)
		}
	}
	for _, c := range balanceLines {
		if s, err := ParseBalance(strings.Fields(c.line)[1:]); err == nil {
			s.Hash = HashType{Consistent: true, Func: WT6}
			for _, l := range s.Lines() {
				if rejected[l] {
					t.Errorf("canonical line %q of %q: haproxy rejects it", l, c.line)
				}
			}
		}
	}
	if t.Failed() {
		t.Logf("config:\n%s\noutput:\n%s", cfg, out)
	}
}

// The warning for an algorithm that needs HTTP in a TCP proxy is HAProxy's
// (which checks it only when the config has no error).
func TestTCPFallbackWarningAgainstHAProxy(t *testing.T) {
	bin := haproxytest.Path(t)
	cfg := `defaults
    mode tcp
    timeout connect 1s
    timeout client 1s
    timeout server 1s
backend tcpbe
    balance hdr(host)
    server s1 127.0.0.1:1
listen li
    bind 127.0.0.1:1
    balance url_param id
    server s1 127.0.0.1:1
`
	file := filepath.Join(t.TempDir(), "tcp.cfg")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, "-c", "-f", file).CombinedOutput()
	for _, w := range []string{TCPFallbackWarning("backend", "tcpbe"), TCPFallbackWarning("proxy", "li")} {
		if !strings.Contains(string(out), "[WARNING]  ") || !strings.Contains(string(out), w) {
			t.Errorf("haproxy did not warn %q; output:\n%s", w, out)
		}
	}
}

func FuzzParseBalance(f *testing.F) {
	for _, c := range balanceLines {
		f.Add(c.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		if len(words) > 0 && words[0] == "balance" {
			words = words[1:]
		}
		s, err := ParseBalance(words)
		if err != nil {
			var we *WordError
			if !errors.As(err, &we) || we.Word < 0 || we.Word > len(words) || we.Msg == "" {
				t.Fatalf("%q: error %v is not a WordError naming a word", line, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("%q parses to %+v, which does not validate: %v", line, s, err)
		}
		again, err := ParseBalance(splitQuoted(s.String())[1:])
		if err != nil || again != s {
			t.Fatalf("%q: String() = %q reads back as %+v, %v", line, s.String(), again, err)
		}
	})
}

func FuzzParseHashType(f *testing.F) {
	for _, c := range hashTypeLines {
		f.Add(c.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		if len(words) > 0 && words[0] == "hash-type" {
			words = words[1:]
		}
		h, err := ParseHashType(words)
		if err != nil {
			var we *WordError
			if !errors.As(err, &we) || we.Word < 0 || we.Word > len(words) {
				t.Fatalf("%q: error %v is not a WordError naming a word", line, err)
			}
			return
		}
		again, err := ParseHashType(strings.Fields(h.String())[1:])
		if err != nil || again != h {
			t.Fatalf("%q: String() = %q reads back as %+v, %v", line, h.String(), again, err)
		}
		if _, err := ParseBalanceFactor(line); err != nil {
			var we *WordError
			if !errors.As(err, &we) {
				t.Fatalf("ParseBalanceFactor(%q): %v", line, err)
			}
		}
	})
}

// splitQuoted splits a line into words as HAProxy's line parser does for
// what cfgword.Quote writes: single quotes, double quotes with \" \\ \$
// \t \n \r \xHH escapes, and \' outside quotes.
func splitQuoted(line string) []string {
	var words []string
	var cur strings.Builder
	started := false
	single, double := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case single:
			if c == '\'' {
				single = false
			} else {
				cur.WriteByte(c)
			}
		case double && c == '"':
			double = false
		case c == '\\' && i+1 < len(line):
			i++
			switch e := line[i]; e {
			case 't':
				cur.WriteByte('\t')
			case 'n':
				cur.WriteByte('\n')
			case 'r':
				cur.WriteByte('\r')
			case 'x':
				v, _ := strconv.ParseUint(line[i+1:i+3], 16, 8)
				cur.WriteByte(byte(v))
				i += 2
			default:
				cur.WriteByte(e)
			}
			started = true
		case double:
			cur.WriteByte(c)
		case c == '\'':
			single, started = true, true
		case c == '"':
			double, started = true, true
		case c == ' ' || c == '\t':
			if started {
				words = append(words, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}

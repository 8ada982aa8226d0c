package acl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Errors name the word at fault; the messages start like haproxy -c's
// (checked against the binary) and add what would be accepted.
var declareErrorTests = []struct {
	words []string
	word  int
	msg   string
}{
	{nil, 0, "missing ACL name"},
	{[]string{"a!b", "path", "/x"}, 0, "character '!' is not permitted in acl name 'a!b'"},
	{[]string{"or", "path", "/x"}, 0, "acl name 'or' will never match"},
	{[]string{"OR", "path", "/x"}, 0, "acl name 'OR' will never match"},
	{[]string{"a"}, 1, "missing fetch method in ACL expression ''"},
	{[]string{"a", "(x)"}, 1, "missing fetch method"},
	{[]string{"a", "foo", "/x"}, 1, "unknown fetch method 'foo' in ACL expression 'foo'"},
	{[]string{"a", "cook(x)", "y"}, 1, "ACL keyword 'cook' exists in HAProxy 2.6 but lblab does not support it"},
	{[]string{"a", "hdr(host", "/x"}, 1, "ACL keyword 'hdr' : expected ')'"},
	{[]string{"a", "path(x)", "/x"}, 1, "ACL keyword 'path' : expected ')' before 'x)'"},
	{[]string{"a", "src(x)", "1.2.3.4"}, 1, "fetch method 'src' : expected ')' before 'x)' in ACL expression 'src(x)'"},
	{[]string{"a", "hdr(x,y)", "z"}, 1, "failed to parse 'y' as type 'integer' at position 2"},
	{[]string{"a", "hdr(x,-11)", "z"}, 1, "in argument to 'hdr', header occurrence must be >= -10"},
	{[]string{"a", "req.hdr(x,-11)", "z"}, 1, "invalid args in fetch method 'req.hdr' : header occurrence must be >= -10"},
	{[]string{"a", "hdr(x,1,2)", "z"}, 1, "expected ')' before ',2)'"},
	{[]string{"a", "hdr(x\\", "z"}, 1, "failed to parse '\\' after 'x' as type 'string' at position 1"},
	{[]string{"a", "hdr(x)x", "z"}, 1, "missing comma after fetch keyword"},
	{[]string{"a", "path,lower", "/x"}, 1, "converter 'lower' is valid in HAProxy 2.6 but lblab does not support converters"},
	{[]string{"a", "path,nope", "/x"}, 1, "unknown converter 'nope'"},
	{[]string{"a", "req.hdr(x)", "lower"}, 2, "as the converter 'lower'"},
	{[]string{"a", "src", "ipmask(24)"}, 2, "as the converter 'ipmask'"},
	{[]string{"a", "hdr()", "x"}, 1, "empty header name"},
	{[]string{"a", "hdr(,2)", "x"}, 1, "empty header name"},
	{[]string{"a", "hdr_cnt", "1"}, 1, "without a header name"},
	{[]string{"a", "req.hdr_cnt()", "1"}, 1, "empty header name"},
	{[]string{"a", "path", "-m", "foo", "/x"}, 3, "unknown matching method 'foo' when parsing ACL expression"},
	{[]string{"a", "path", "-m"}, 3, "unknown matching method ''"},
	{[]string{"a", "method", "-m", "ip", "1.2.3.4"}, 3, "matching method 'ip' cannot be used with fetch keyword 'method'"},
	{[]string{"a", "method", "-m", "int", "1"}, 3, "matching method 'int' cannot be used with fetch keyword 'method'"},
	{[]string{"a", "method", "-m", "method", "GET"}, 3, "unknown matching method 'method'"},
	{[]string{"a", "src", "-m", "ip", "-m", "dom", "x"}, 5, ""}, // accepted: src converts to a string
	{[]string{"a", "path", "-x", "/a"}, 2, "'-x' is not a valid ACL option"},
	{[]string{"a", "path", "/a", "-x"}, -1, ""}, // after a pattern, '-x' is a pattern
	{[]string{"a", "path", "-f", "/file"}, 2, "lblab does not load ACL patterns from files"},
	{[]string{"a", "path", "-u", "x", "/a"}, 3, "the argument of -u must be an integer"},
	{[]string{"a", "src", "10.0.0.0/33"}, 2, "'10.0.0.0/33' is not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "1.2.3.4/"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "1.2.3.4.5"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "127.0.65536"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "09.0.0.1"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "4294967296"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "127.0.0.1."}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "[::1]"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "::1%lo"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "::1/129"}, 2, "not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "-n", "10.12/8"}, 3, "'10.12/8' is not a valid IPv4 or IPv6 address"},
	{[]string{"a", "src", "localhost"}, 2, "lblab does not resolve host names"},
	{[]string{"a", "path_reg", "(a"}, 2, "regex '(a' is invalid"},
	{[]string{"a", "path_reg", "^*$"}, 2, "quantifier does not follow a repeatable item"},
	{[]string{"a", "path_reg", "a(?=b)"}, 2, "lookarounds"},
	{[]string{"a", "hdr_cnt(x)", "x"}, 2, "'x' is not a number"},
	{[]string{"a", "hdr_cnt(x)", "1."}, 2, "'1.' is not a number"},
	{[]string{"a", "hdr_cnt(x)", "1:2:3"}, 2, "'1:2:3' is not a valid number range"},
	{[]string{"a", "hdr_cnt(x)", "3:1"}, 2, "'3:1' is not a valid number range"},
	{[]string{"a", "hdr_cnt(x)", "--", "-"}, 3, "'-' is not a valid number range"},
	{[]string{"a", "hdr_cnt(x)", "gt", "x"}, 3, "'x' is neither a number nor a supported operator"},
	{[]string{"a", "hdr_cnt(x)", "ne", "5.7"}, 3, "'5.7' is not a number"},
	{[]string{"a", "path_len", "x"}, 2, "'x' is not a number"},
	{[]string{"a", "path", "-m", "bin", "2f6"}, 4, "an even number of hex digit is expected"},
	{[]string{"a", "path", "-m", "bin", "zz"}, 4, "an hex digit is expected (found 'z')"},
}

func TestDeclareErrors(t *testing.T) {
	for _, tc := range declareErrorTests {
		err := NewSet().Declare(tc.words)
		checkWordError(t, "acl "+strings.Join(tc.words, " "), err, tc.word, tc.msg)
	}
}

func checkWordError(t *testing.T, what string, err error, word int, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		return
	}
	var we *WordError
	if !errors.As(err, &we) {
		t.Errorf("%s: got %v, want a *WordError about word %d: %s", what, err, word, msg)
		return
	}
	if we.Word != word || !strings.Contains(we.Msg, msg) {
		t.Errorf("%s: got word %d %q, want word %d containing %q", what, we.Word, we.Msg, word, msg)
	}
}

var condErrorTests = []struct {
	words []string
	word  int
	msg   string
}{
	{nil, 0, "conditions must start with either 'if' or 'unless'"},
	{[]string{"IF", "a"}, 0, "conditions must start with either 'if' or 'unless', not 'IF'"},
	{[]string{"if", "nope"}, 1, "no such ACL : 'nope'"},
	{[]string{"if", "a", "!nope"}, 2, "no such ACL : 'nope'"},
	{[]string{"if", "true"}, 1, "no such ACL : 'true'"}, // predefined names are case-sensitive
	{[]string{"if", "{path", "/x", "}"}, 1, "no such ACL : '{path'"},
	{[]string{"if", "{", "path", "/x}"}, 1, "missing closing '}' in condition"},
	{[]string{"if", "{", "path", "/x", "}", "}"}, 5, "no such ACL : '}'"},
	{[]string{"if", "}", "a"}, 1, "no such ACL : '}'"},
	{[]string{"if", "{", "}"}, 2, "missing fetch method in ACL expression ''"},
	{[]string{"if", "{", "-i", "/x", "}"}, 2, "unknown fetch method '-i'"},
	{[]string{"if", "{", "path_beg(x)", "}"}, 2, "ACL keyword 'path_beg' : expected ')' before 'x)'"},
	{[]string{"if", "a", "{", "path", "-m", "zz", "}"}, 5, "unknown matching method 'zz'"},
	{[]string{"if", "a", "or", "{", "src", "300.1.1.1", "}"}, 5, "'300.1.1.1' is not a valid IPv4 or IPv6 address"},
	{[]string{"if", "RDP_COOKIE"}, 1, "lblab does not support it"},
	{[]string{"if", "{", "path", "", "}"}, 1, "missing closing '}'"}, // an empty word ends the line
	{[]string{"if", "a", "||", "!", "{", "path", "/b", "}", "OR", "TRUE"}, 0, ""},
}

func TestParseCondErrors(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "a path /a")
	for _, tc := range condErrorTests {
		_, err := s.ParseCond(tc.words)
		checkWordError(t, strings.Join(tc.words, " "), err, tc.word, tc.msg)
	}
}

// -u ids are unique within the set, and a failed line records nothing.
func TestUniqueIDs(t *testing.T) {
	s := NewSet()
	mustDeclare(t, s, "a path -u 5 /a")
	checkWordError(t, "duplicate -u", s.Declare(fields("b path -u 5 /b")), 3, "the id is already used")
	checkWordError(t, "bad line", s.Declare(fields("c path -u 6 -x")), 4, "'-x' is not a valid ACL option")
	mustDeclare(t, s, "d path -u 6 /d")
	if got := s.Names(); !reflect.DeepEqual(got, []string{"a", "d"}) {
		t.Errorf("names after failed lines = %v", got)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		words []string
		word  int
		msg   string // "" means no warning
	}{
		{[]string{"a", "path_beg"}, 1, "no pattern to match against were provided, so this ACL will never match"},
		{[]string{"a", "hdr_cnt(x)", "eq"}, 0, ""}, // HAProxy only looks at the word after the fetch
		{[]string{"a", "path_beg", "--"}, 0, ""},
		{[]string{"a", "always_true"}, 0, ""},
		{[]string{"a", "path", "(x)"}, 2, "likely a mistake"},
		{[]string{"a", "path(", "(x)"}, 0, "expected ')'"}, // an error, checked below
		{[]string{"a", "path", "/x", "", "/y"}, 3, "an empty word ends the line"},
		{[]string{"a", "hdr", "x"}, 1, "without a header name never matches"},
	}
	for _, tc := range tests {
		warns, err := NewSet().DeclareWithWarnings(tc.words)
		what := "acl " + strings.Join(tc.words, " ")
		if err != nil {
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%s: error %v", what, err)
			}
			continue
		}
		if tc.msg == "" {
			if len(warns) != 0 {
				t.Errorf("%s: unexpected warnings %v", what, warns[0])
			}
			continue
		}
		if len(warns) != 1 || warns[0].Word != tc.word || !strings.Contains(warns[0].Msg, tc.msg) {
			t.Errorf("%s: warnings %+v, want one about word %d: %s", what, warns, tc.word, tc.msg)
		}
	}
	s := NewSet()
	c, err := s.ParseCond(fields("if { path_beg } or { url_beg / }"))
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 1 || w[0].Word != 2 || !strings.Contains(w[0].Msg, "no pattern") {
		t.Errorf("condition warnings = %+v", w)
	}
	// what follows an empty word is ignored: /y is no pattern
	_ = s.Declare([]string{"e", "path", "/x", "", "/y"})
	e, _ := s.ParseCond([]string{"if", "e"})
	if !e.Eval(get("/x")) || e.Eval(get("/y")) {
		t.Error("words after an empty word should be ignored")
	}
}

func TestLinesAndString(t *testing.T) {
	s := NewSet()
	decls := [][]string{
		{"is_static", "path_beg", "/static"},
		{"ua", "req.hdr(User-Agent)", "-i", "-m", "sub", "Mobile", "Mozilla 5.0"},
		{"odd", "path", `a"b`, `c\d`, "$HOME", "#x", "'q'", "tab\there", "é"},
		{"is_static", "path_end", ".css"},
	}
	for _, d := range decls {
		if err := s.Declare(d); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"acl is_static path_beg /static",
		`acl ua req.hdr(User-Agent) -i -m sub Mobile "Mozilla 5.0"`,
		`acl odd path "a\"b" "c\\d" "\$HOME" "#x" "'q'" "tab\there" "é"`,
		"acl is_static path_end .css",
	}
	if got := s.Lines(); !reflect.DeepEqual(got, want) {
		t.Errorf("Lines() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, l := range s.Lines() {
		if got := configWords(l)[1:]; !reflect.DeepEqual(got, decls[i]) {
			t.Errorf("HAProxy would read %q as %q, want %q", l, got, decls[i])
		}
	}
	if got := s.Names(); !reflect.DeepEqual(got, []string{"is_static", "ua", "odd"}) {
		t.Errorf("Names() = %v", got)
	}

	for in, want := range map[string]string{
		"if is_static":                     "if is_static",
		"if !!is_static":                   "if is_static",
		"if ! is_static ua":                "if !is_static ua",
		"if is_static OR ua || odd":        "if is_static or ua or odd",
		"if or is_static or or":            "if is_static",
		"unless":                           "unless",
		"if":                               "if",
		"unless ua !{ path_beg /a }":       "unless ua !{ path_beg /a }",
		`if { req.hdr(x) -m sub "a b" }`:   `if { req.hdr(x) -m sub "a b" }`,
		"if TRUE METH_GET or HTTP_URL_ABS": "if TRUE METH_GET or HTTP_URL_ABS",
	} {
		c, err := s.ParseCond(fields(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := c.String(); got != want {
			t.Errorf("String(%s) = %q, want %q", in, got, want)
		}
	}
}

// configWords splits a configuration line the way HAProxy's parse_line
// does for the cases quoteWord produces: quotes, backslash escapes, \xNN.
func configWords(line string) []string {
	var out []string
	var cur strings.Builder
	in, dq, sq := false, false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"' && !sq:
			dq, in = !dq, true
		case c == '\'' && !dq:
			sq, in = !sq, true
		case c == '\\' && !sq && i+1 < len(line):
			in = true
			n := line[i+1]
			switch {
			case n == 'x' && i+3 < len(line):
				v, _ := parseHex(line[i+2 : i+4])
				cur.WriteString(v)
				i += 3
			case n == 't':
				cur.WriteByte('\t')
				i++
			case n == '\\' || n == '"' || n == '\'' || n == ' ' || n == '#' || n == '$' && dq:
				cur.WriteByte(n)
				i++
			default:
				cur.WriteByte(c)
			}
		case c == ' ' && !dq && !sq:
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "12": 12, "-7": -7, "9223372036854775807": 9223372036854775807, "-": 0} {
		if got, ok := strl2llrc(in); !ok || got != want {
			t.Errorf("strl2llrc(%q) = %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "1/", "1.", "9223372036854775808", "x", "1 "} {
		if _, ok := strl2llrc(in); ok {
			t.Errorf("strl2llrc(%q) accepted", in)
		}
	}
	for in, want := range map[string]int64{"1.5": 85, "10.5": 985, "42abc": 42, "-7": -7, "": 0, "3 ": 14, "4294967297": 1} {
		if got := strl2ic(in); got != want {
			t.Errorf("strl2ic(%q) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[string]int64{"+42x": 42, "-": 0, "99999999999999999999": 1<<63 - 1, "-99999999999999999999": -1 << 63} {
		if got, _ := readInt64(in); got != want {
			t.Errorf("readInt64(%q) = %d, want %d", in, got, want)
		}
	}
	for in, ok := range map[string]bool{"": true, "5": true, " 5": true, "+5": true, "-5": true, "5x": false, " ": false, "+": false} {
		if _, got := strtol(in); got != ok {
			t.Errorf("strtol(%q) ok = %v, want %v", in, got, ok)
		}
	}
	aton := map[string]string{"10.12": "10.0.0.12", "127.1": "127.0.0.1", "127.0.1": "127.0.0.1", "127.258": "127.0.1.2",
		"0177.0.0.1": "127.0.0.1", "2130706433": "127.0.0.1", "127.65535": "127.0.255.255", "0": "0.0.0.0",
		"4294967295": "255.255.255.255"}
	for in, want := range aton {
		v, ok := inetAtonDigits(in)
		if !ok || addrFrom4(v).String() != want {
			t.Errorf("inet_aton(%q) = %s %v, want %s", in, addrFrom4(v), ok, want)
		}
	}
	for _, in := range []string{"", "1.", ".1", "1..2", "1.2.3.4.5", "08", "256.1", "1.256.1", "1.2.65536", "4294967296", "0x7f.1", "a"} {
		if _, ok := inetAtonDigits(in); ok {
			t.Errorf("inet_aton(%q) accepted", in)
		}
	}
	for in, ok := range map[string]bool{"1.2.3.4": true, "0.0.0.0": true, "01.2.3.4": false, "1.2.3": false, "256.1.1.1": false, "1.2.3.4.": false} {
		if _, got := inetPton4(in); got != ok {
			t.Errorf("inet_pton4(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]string{"1.2.3.4": "1.2.3.4", "01.02.3.4": "1.2.3.4", "1.2.3.4:80": "1.2.3.4", "10.0.0.1, 2.2.2.2": "10.0.0.1",
		"1.2.3": "", "1.2.3.4.": "", "256.1.1.1": "", ".1.2.3.4": "", "1..2.3.4": "", "x1.2.3.4": ""} {
		v, ok := buf2ip(in)
		if got := addrFrom4(v).String(); ok != (want != "") || ok && got != want {
			t.Errorf("buf2ip(%q) = %s %v, want %q", in, got, ok, want)
		}
	}
}

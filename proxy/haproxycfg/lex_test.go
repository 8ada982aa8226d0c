package haproxycfg

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy/cfgword"
)

func lexWords(t *testing.T, line string, env map[string]string) ([]word, *lexError) {
	t.Helper()
	e := &lexEnv{file: "f.cfg", line: 7, section: "fe", lookup: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}}
	return lexLine(line, e)
}

func showWords(ws []word) string {
	parts := make([]string, len(ws))
	for k, w := range ws {
		parts[k] = fmt.Sprintf("%q@%d", w.text, w.col)
	}
	return strings.Join(parts, " ")
}

func TestLexWords(t *testing.T) {
	env := map[string]string{"HOST": "127.0.0.1", "PORT": "80", "TWO": "a  b", "EMPTY": ""}
	for _, tc := range []struct{ line, want string }{
		{"", ""},
		{"   ", ""},
		{"# only a comment", ""},
		{"mode http", `"mode"@1 "http"@6`},
		{"    mode tcp  # Operating in TCP mode", `"mode"@5 "tcp"@10`},
		{"\tbind *:4000\t# tab", `"bind"@2 "*:4000"@7`},
		{"mode http#no space", `"mode"@1 "http"@6`},
		{"acl a hdr(x) -m str \"a b\"", `"acl"@1 "a"@5 "hdr(x)"@7 "-m"@14 "str"@17 "a b"@21`},
		{`mode "ht"'tp'`, `"mode"@1 "http"@6`},
		{`x 'a "b" $HOST \x41'`, `"x"@1 "a \"b\" $HOST \\x41"@3`},
		{`x "a 'b' # not a comment"`, `"x"@1 "a 'b' # not a comment"@3`},
		{`x a\ b a\#b a\\b a\"b a\'b`, `"x"@1 "a b"@3 "a#b"@8 "a\\b"@13 "a\"b"@18 "a'b"@23`},
		{`x \t\n\r \x41\x7a \q`, `"x"@1 "\t\n\r"@3 "Az"@10 "\\q"@19`},
		{`x \$HOST "\$HOST"`, `"x"@1 "\\$HOST"@3 "$HOST"@10`},
		{`x $HOST "$HOST:${PORT}"`, `"x"@1 "$HOST"@3 "127.0.0.1:80"@9`},
		{`x "${NOPE-def}" "${HOST-def}" "${NOPE}" "[$NOPE]"`, `"x"@1 "def"@3 "127.0.0.1"@17 ""@31 "[]"@41`},
		{`x "${TWO[*]}" y`, `"x"@1 "a"@3 "b"@3 "y"@15`},
		{`x "${TWO}"`, `"x"@1 "a  b"@3`},
		{`x "${EMPTY}"`, `"x"@1 ""@3`},
		{`x "${.LINE}" "${.FILE}" "${.SECTION}"`, `"x"@1 "7"@3 "f.cfg"@14 "fe"@25`},
		{"x ''", `"x"@1 ""@3`},
		{"mode http\rgarbage", `"mode"@1 "http"@6`},
		{"mode http \rtcp", `"mode"@1 "http"@6 "tcp"@12`},
		{`x trailing\`, `"x"@1 "trailing\\"@3`},
	} {
		ws, err := lexWords(t, tc.line, env)
		if err != nil {
			t.Errorf("lexLine(%q): unexpected error at %d: %s", tc.line, err.col, err.msg)
			continue
		}
		if got := showWords(ws); got != tc.want {
			t.Errorf("lexLine(%q)\n got %s\nwant %s", tc.line, got, tc.want)
		}
	}
}

func TestLexErrors(t *testing.T) {
	for _, tc := range []struct {
		line string
		col  int
		msg  string
	}{
		{`mode "http`, 6, "unmatched quote"},
		{`mode 'http`, 6, "unmatched quote"},
		{`mode "ht"tp'`, 12, "unmatched quote"},
		{"mode \"http\r\"", 6, "unmatched quote"}, // a CR ends the line, even in quotes
		{`bind 127.0.0.1:808\x3`, 19, "hexadecimal"},
		{`bind \xZZ`, 6, "hexadecimal"},
		{`bind "${NOPE:8080"`, 8, "unmatched brace"},
		{`bind "${NOPE-8080"`, 8, "unmatched brace"},
		{`mode "$1"`, 8, "forbidden first character"},
		{`mode "${}"`, 9, "forbidden first character"},
		{`mode "${.NOPE}"`, 9, "unknown pseudo-variable"},
		{`mode "${HOST[x]}"`, 13, "word expansion"},
		{strings.Repeat("w ", 64), 128, "too many words"},
	} {
		ws, err := lexWords(t, tc.line, map[string]string{"HOST": "h"})
		if err == nil {
			t.Errorf("lexLine(%q) = %s, want an error", tc.line, showWords(ws))
			continue
		}
		if err.col != tc.col || !strings.Contains(err.msg, tc.msg) {
			t.Errorf("lexLine(%q) error at %d %q, want at %d containing %q", tc.line, err.col, err.msg, tc.col, tc.msg)
		}
	}
	// 64 words without a trailing blank fit, as in HAProxy.
	if _, err := lexWords(t, strings.TrimSpace(strings.Repeat("w ", 64)), nil); err != nil {
		t.Errorf("64 words: %s", err.msg)
	}
}

func TestQuoteWordRoundTrip(t *testing.T) {
	for _, w := range []string{"", "plain", "a b", `a"b`, `a\b`, "a#b", "$HOME", "${X}", "a'b", "tab\there",
		"cr\rlf\n", "\x01\x7f", "é", "a  b"} {
		q := cfgword.Quote(w)
		ws, err := lexWords(t, "x "+q, nil)
		if err != nil || len(ws) != 2 || ws[1].text != w {
			t.Errorf("cfgword.Quote(%q) = %s, which reads back as %s (err %v)", w, q, showWords(ws), err)
		}
	}
}

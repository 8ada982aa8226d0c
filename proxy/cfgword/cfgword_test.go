package cfgword

import "testing"

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"path_beg":     "path_beg",
		"/static":      "/static",
		"":             `""`,
		"a b":          `"a b"`,
		"#x":           `"#x"`,
		`say "hi"`:     `"say \"hi\""`,
		"${HOME}":      `"\${HOME}"`,
		"tab\there":    `"tab\there"`,
		"it's":         `"it's"`,
		"\x01\x7f":     `"\x01\x7f"`,
		"Mobile Agent": `"Mobile Agent"`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Join([]string{"acl", "ua", "hdr(User-Agent)", "a b"}); got != `acl ua hdr(User-Agent) "a b"` {
		t.Errorf("Join: %s", got)
	}
}

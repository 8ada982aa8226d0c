// Package cfgword owns how one word of an haproxy.cfg line is written so
// that HAProxy's line parser reads it back unchanged. The config writer,
// the ACL and the balance packages all emit configuration text through it;
// it knows nothing of what the words mean.
package cfgword

import "strings"

// Quote returns w as one haproxy.cfg word: unchanged when it holds nothing
// the line parser treats specially, otherwise in double quotes with the
// escapes parse_line understands (\" \\ \$ \t \n \r \xHH).
func Quote(w string) string {
	plain := w != ""
	for i := 0; i < len(w) && plain; i++ {
		c := w[i]
		plain = c > ' ' && c < 0x7f && strings.IndexByte("\"'\\#$", c) < 0
	}
	if plain {
		return w
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '"' || c == '\\' || c == '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Join writes words as one line, quoting those that need it.
func Join(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

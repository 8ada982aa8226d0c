package acl

import (
	"math"
)

// word returns words[i], or "" past the end: HAProxy's argument array is
// padded with empty strings, and its parsers read past the last word freely.
func word(words []string, i int) string {
	if i < 0 || i >= len(words) {
		return ""
	}
	return words[i]
}

// untilEmpty cuts words at the first empty one. HAProxy stops reading a
// line's arguments at the first empty word (a "" in the file), so whatever
// follows it is ignored.
func untilEmpty(words []string) (kept []string, dropped bool) {
	for i, w := range words {
		if w == "" {
			return words[:i], i < len(words)-1
		}
	}
	return words, false
}

// isIDChar is HAProxy's is_idchar: the characters of a keyword name.
func isIDChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == ':'
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// idPrefix returns the keyword part of a fetch or converter word.
func idPrefix(s string) string {
	i := 0
	for i < len(s) && isIDChar(s[i]) {
		i++
	}
	return s[:i]
}

// invalidNameChar is HAProxy's invalid_char for ACL names: letters, digits
// and ".:_-" are allowed. It returns the offending byte and true.
func invalidNameChar(name string) (byte, bool) {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) && c != '.' && c != ':' && c != '_' && c != '-' {
			return c, true
		}
	}
	return 0, false
}

// strl2llrc mirrors HAProxy's strict decimal parser used for integer
// patterns: an optional leading '-' then digits only, no overflow. It
// reports false on error.
func strl2llrc(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var i int64
	if s[0] != '-' {
		for k := 0; k < len(s); k++ {
			j := int64(s[k]) - '0'
			if j < 0 || j > 9 || i > math.MaxInt64/10 {
				return 0, false
			}
			i *= 10
			if i+j < i {
				return 0, false
			}
			i += j
		}
		return i, true
	}
	for k := 1; k < len(s); k++ {
		j := int64(s[k]) - '0'
		if j < 0 || j > 9 || i < math.MinInt64/10 {
			return 0, false
		}
		i *= 10
		if i-j > i {
			return 0, false
		}
		i -= j
	}
	return i, true
}

// strl2ic mirrors HAProxy's lenient header-value integer parser (hdr_val):
// it stops at the first byte above '9' but, like the original, folds bytes
// below '0' in as negative "digits", in 32-bit wrapping arithmetic.
func strl2ic(s string) int64 {
	var i int32
	if s == "" {
		return 0
	}
	if s[0] != '-' {
		for k := 0; k < len(s); k++ {
			j := int32(s[k]) - '0'
			if j > 9 {
				break
			}
			i = i*10 + j
		}
		return int64(i)
	}
	for k := 1; k < len(s); k++ {
		j := int32(s[k]) - '0'
		if j > 9 {
			break
		}
		i = i*10 - j
	}
	return int64(i)
}

// readInt64 mirrors HAProxy's read_int64: an optional sign, then as many
// digits as there are, saturating. It returns the number of bytes used.
func readInt64(s string) (int64, int) {
	k, neg := 0, false
	if k < len(s) && (s[k] == '-' || s[k] == '+') {
		neg = s[k] == '-'
		k++
	}
	var u uint64
	over := false
	for ; k < len(s) && isDigit(s[k]); k++ {
		d := uint64(s[k] - '0')
		if u > (math.MaxUint64-d)/10 {
			over = true
		}
		u = u*10 + d
	}
	switch {
	case neg && (over || u > 1<<63):
		return math.MinInt64, k
	case neg:
		return -int64(u), k
	case over || u > math.MaxInt64:
		return math.MaxInt64, k
	}
	return int64(u), k
}

// strtol mirrors C's strtol in base 10 as HAProxy uses it for "-u": leading
// spaces, an optional sign, digits; ok is false when bytes remain after the
// number. An empty string is 0, as in C.
func strtol(s string) (int64, bool) {
	k := 0
	for k < len(s) && isCSpace(s[k]) {
		k++
	}
	neg := false
	if k < len(s) && (s[k] == '-' || s[k] == '+') {
		neg = s[k] == '-'
		k++
	}
	digits := k
	var v int64
	for ; k < len(s) && isDigit(s[k]); k++ {
		d := int64(s[k] - '0')
		switch {
		case !neg && v > (math.MaxInt64-d)/10:
			v = math.MaxInt64
		case neg && v < (math.MinInt64+d)/10:
			v = math.MinInt64
		case neg:
			v = v*10 - d
		default:
			v = v*10 + d
		}
	}
	if k == digits { // no digits: strtol consumes nothing at all
		return 0, len(s) == 0
	}
	return v, k == len(s)
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// asciiLower folds one byte the way C's tolower does in the "C" locale.
func asciiLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && asciiLower(a[i]) != asciiLower(b[i]) {
			return false
		}
	}
	return true
}

func asciiToLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for k := i; k < len(b); k++ {
				b[k] = asciiLower(b[k])
			}
			return string(b)
		}
	}
	return s
}

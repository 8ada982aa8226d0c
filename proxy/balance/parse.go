package balance

import (
	"fmt"
	"strings"
)

// WordError is a parse error about one word of a configuration line.
type WordError struct {
	Word int    // index into the words given to the parser; len(words) when a word is missing
	Msg  string // what was wrong and what would be accepted
}

func (e *WordError) Error() string { return e.Msg }

func wordErr(i int, format string, args ...any) error {
	return &WordError{Word: i, Msg: fmt.Sprintf(format, args...)}
}

// What the lab accepts after "balance", for error messages.
const acceptedAlgos = "roundrobin, static-rr, leastconn, first, source, uri, url_param, hdr(name), random or random(N)"

// ParseBalance parses the words after "balance" (e.g. "uri", "depth", "2")
// as HAProxy 2.6's backend_parse_balance does, accepting and rejecting the
// same lines. Like HAProxy, it stops at the first empty word, ignores words
// an algorithm takes no interest in ("roundrobin foo"), reads numbers the
// way C's atoi and strtol do ("len 5x" is 5), and takes an empty line for
// roundrobin. It refuses HAProxy's "hash" and "rdp-cookie", which the lab
// does not implement, and parameter names holding control characters.
func ParseBalance(words []string) (Spec, error) {
	arg := func(i int) string {
		if i < len(words) {
			return words[i]
		}
		return ""
	}
	w := arg(0)
	switch {
	case w == "" || w == "roundrobin":
		return Spec{Algo: RoundRobin}, nil
	case w == "static-rr":
		return Spec{Algo: StaticRR}, nil
	case w == "first":
		return Spec{Algo: First}, nil
	case w == "leastconn":
		return Spec{Algo: LeastConn}, nil
	case strings.HasPrefix(w, "random"):
		return parseRandom(w)
	case w == "source":
		return Spec{Algo: Source}, nil
	case w == "uri":
		return parseURI(arg)
	case w == "url_param":
		return parseURLParam(arg)
	case w == "hash":
		return Spec{}, wordErr(0, "balance hash: sample expression hashing is an HAProxy algorithm lblab does not implement; accepted: %s", acceptedAlgos)
	case strings.HasPrefix(w, "hdr("):
		return parseHdr(arg)
	case strings.HasPrefix(w, "rdp-cookie"):
		return Spec{}, wordErr(0, "balance %s: RDP cookie hashing is an HAProxy algorithm lblab does not implement; accepted: %s", w, acceptedAlgos)
	}
	return Spec{}, wordErr(0, "balance: unknown algorithm '%s'; accepted: %s", w, acceptedAlgos)
}

// parseRandom reads "random", "random()" and "random(N)". HAProxy only
// compares the first six letters, so "randomly" is random too; N is read
// by strtol in base 0 (0x10 is 16, 010 is 8) and truncated to an int.
func parseRandom(w string) (Spec, error) {
	s := Spec{Algo: Random}
	if len(w) <= 6 || w[6] != '(' || (len(w) > 7 && w[7] == ')') {
		return s, nil
	}
	n, rest := cStrtol(w[7:], 0)
	switch {
	case rest == "":
		return Spec{}, wordErr(0, "balance random: missing closing parenthesis in '%s'; write random or random(N) with N at least 1", w)
	case rest[0] != ')':
		return Spec{}, wordErr(0, "balance random: unexpected character '%c' after argument in '%s'; write random(N) with N at least 1", rest[0], w)
	}
	draws := int(int32(n)) // HAProxy stores strtol's long in an int
	if draws < 1 {
		return Spec{}, wordErr(0, "balance random: number of draws must be at least 1 (got '%s')", w)
	}
	s.Draws = draws
	return s, nil
}

func parseURI(arg func(int) string) (Spec, error) {
	s := Spec{Algo: URI}
	for i := 1; arg(i) != ""; {
		switch w := arg(i); w {
		case "len", "depth":
			n := cAtoi(arg(i + 1))
			if arg(i+1) == "" || n <= 0 {
				return Spec{}, wordErr(i+1, "balance uri: '%s' expects a positive integer (got '%s')", w, arg(i+1))
			}
			if w == "len" {
				s.URILen = n
			} else {
				s.URIDepth = n
			}
			i += 2
		case "whole":
			s.URIWhole = true
			i++
		case "path-only":
			s.URIPathOnly = true
			i++
		default:
			return Spec{}, wordErr(i, "balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '%s')", w)
		}
	}
	return s, nil
}

func parseURLParam(arg func(int) string) (Spec, error) {
	if arg(1) == "" {
		return Spec{}, wordErr(1, "balance url_param requires an URL parameter name, e.g. balance url_param userid")
	}
	s := Spec{Algo: URLParam, Param: arg(1)}
	if err := checkParam(URLParam, s.Param); err != nil {
		return Spec{}, wordErr(1, "%s", err)
	}
	switch arg(2) {
	case "":
	case "check_post":
		s.CheckPost = true
	default:
		return Spec{}, wordErr(2, "balance url_param only accepts 'check_post' modifier (got '%s')", arg(2))
	}
	return s, nil
}

// parseHdr reads "hdr(NAME) [use_domain_only]". As in HAProxy, the name
// ends at the first ')' and whatever follows it in the word is ignored.
func parseHdr(arg func(int) string) (Spec, error) {
	w := arg(0)
	end := strings.IndexByte(w[4:], ')')
	if end <= 0 {
		return Spec{}, wordErr(0, "balance hdr requires an http header field name, e.g. hdr(Host) (got '%s')", w)
	}
	s := Spec{Algo: Hdr, Param: w[4 : 4+end]}
	if err := checkParam(Hdr, s.Param); err != nil {
		return Spec{}, wordErr(0, "%s", err)
	}
	switch arg(1) {
	case "":
	case "use_domain_only":
		s.UseDomainOnly = true
	default:
		return Spec{}, wordErr(1, "balance %s only accepts 'use_domain_only' modifier (got '%s')", w, arg(1))
	}
	return s, nil
}

// ParseHashType parses the words after "hash-type" as HAProxy 2.6 does:
// "map-based" or "consistent", then optionally a function and
// "avalanche". "consistent" alone means sdbm with avalanche; a function
// named explicitly means no avalanche unless the third word asks for it.
// Words after the third are ignored, as HAProxy does.
func ParseHashType(words []string) (HashType, error) {
	arg := func(i int) string {
		if i < len(words) {
			return words[i]
		}
		return ""
	}
	var h HashType
	switch arg(0) {
	case "consistent":
		h.Consistent = true
	case "map-based":
	case "avalanche":
		return HashType{}, wordErr(0, "experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead")
	default:
		return HashType{}, wordErr(0, "'hash-type' only supports 'consistent' and 'map-based' (got '%s')", arg(0))
	}
	if arg(1) == "" {
		h.Avalanche = h.Consistent
		return h, nil
	}
	switch arg(1) {
	case "sdbm":
		h.Func = SDBM
	case "djb2":
		h.Func = DJB2
	case "wt6":
		h.Func = WT6
	case "crc32":
		h.Func = CRC32
	default:
		return HashType{}, wordErr(1, "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions (got '%s')", arg(1))
	}
	switch arg(2) {
	case "":
	case "avalanche":
		h.Avalanche = true
	default:
		return HashType{}, wordErr(2, "'hash-type' only supports 'avalanche' as a modifier for hash functions (got '%s')", arg(2))
	}
	return h, nil
}

// ParseBalanceFactor parses the word after "hash-balance-factor": 0
// (disabled) or more than 100. It is read as C's atol into an int, as
// HAProxy does, so "150x" is 150 and a word with no digits is 0.
func ParseBalanceFactor(word string) (int, error) {
	if word == "" {
		return 0, wordErr(0, "'hash-balance-factor' expects an integer argument: 0, or more than 100")
	}
	n, _ := cStrtol(word, 10)
	f := int(int32(n))
	if f != 0 && f <= 100 {
		return 0, wordErr(0, "'hash-balance-factor' must be 0 or greater than 100 (got '%s')", word)
	}
	return f, nil
}

const maxInt32 = 1<<31 - 1

// cAtoi is glibc's atoi: strtol in base 10, truncated to a 32-bit int.
func cAtoi(s string) int {
	n, _ := cStrtol(s, 10)
	return int(int32(n))
}

// cStrtol is C's strtol on a 64-bit long: leading white space, a sign,
// then digits in base 10, or for base 0 a 0x prefix for hexadecimal and a
// leading 0 for octal. It saturates on overflow and returns the text after
// the number; with no digits it returns 0 and s unchanged.
func cStrtol(s string, base int) (int64, string) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 0 {
		switch {
		case i+1 < len(s) && s[i] == '0' && (s[i+1]|0x20) == 'x' && i+2 < len(s) && digitVal(s[i+2]) < 16:
			base, i = 16, i+2
		case i < len(s) && s[i] == '0':
			base = 8
		default:
			base = 10
		}
	}
	start := i
	var u uint64
	over := false
	for i < len(s) {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if u > (1<<63)/uint64(base) {
			over = true
		} else {
			u = u*uint64(base) + uint64(d)
			if u > 1<<63 {
				over = true
			}
		}
		i++
	}
	if i == start {
		return 0, s
	}
	switch {
	case over || (!neg && u > 1<<63-1):
		if neg {
			return -1 << 63, s[i:]
		}
		return 1<<63 - 1, s[i:]
	case neg:
		return -int64(u), s[i:]
	}
	return int64(u), s[i:]
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

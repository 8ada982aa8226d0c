package haproxycfg

import (
	"fmt"
	"time"
)

// maxTimeMS is the largest time HAProxy accepts: 2147483647 ms (~24.8 days).
const maxTimeMS = 1<<31 - 1

// timeError says why a time value was rejected.
type timeError struct {
	overflow bool
	bad      byte // the unexpected character, when not an overflow
	end      bool // the value is empty or does not start with a digit
}

// parseTime reads an HAProxy time value the way parse_time_err does: digits
// and an optional unit (us, ms, s, m, h, d; no unit means milliseconds),
// rounded up to whole milliseconds. trailing is set when characters follow a
// valid unit ("5000msx"): HAProxy 2.6 only warns about those.
func parseTime(s string) (d time.Duration, trailing byte, err *timeError) {
	if s == "" || !isDigit(s[0]) {
		if s == "" {
			return 0, 0, &timeError{end: true}
		}
		return 0, 0, &timeError{bad: s[0]}
	}
	var value uint64
	k := 0
	for ; k < len(s) && isDigit(s[k]); k++ {
		value = value*10 + uint64(s[k]-'0')
		if value > maxTimeMS*1000 { // beyond any unit's reach: overflow
			return 0, 0, &timeError{overflow: true}
		}
	}
	mult, div := uint64(1), uint64(1) // milliseconds = ceil(value*mult/div)
	rest := s[k:]
	switch {
	case rest == "":
	case rest[0] == 's':
		mult, rest = 1000, rest[1:]
	case len(rest) >= 2 && rest[:2] == "us":
		div, rest = 1000, rest[2:]
	case len(rest) >= 2 && rest[:2] == "ms":
		rest = rest[2:]
	case rest[0] == 'm':
		mult, rest = 60*1000, rest[1:]
	case rest[0] == 'h':
		mult, rest = 3600*1000, rest[1:]
	case rest[0] == 'd':
		mult, rest = 86400*1000, rest[1:]
	default:
		return 0, 0, &timeError{bad: rest[0]}
	}
	if rest != "" {
		trailing = rest[0]
	}
	ms := (value*mult + div - 1) / div
	if ms > maxTimeMS {
		return 0, 0, &timeError{overflow: true}
	}
	return time.Duration(ms) * time.Millisecond, trailing, nil
}

// describe turns a time error into "what was found; what was expected".
func (e *timeError) describe(value, what string) string {
	switch {
	case e.overflow:
		return fmt.Sprintf("timer overflow in argument '%s' to %s; the maximum value is 2147483647 ms (~24.8 days)", value, what)
	case e.end:
		return fmt.Sprintf("%s expects a time value; expected a number with an optional unit (us, ms, s, m, h, d)", what)
	default:
		return fmt.Sprintf("unexpected character '%c' in %s value '%s'; expected a number with an optional unit (us, ms, s, m, h, d)", e.bad, what, value)
	}
}

// trailingWarning is HAProxy's warning for characters after a time unit.
func trailingWarning(c byte, value string) string {
	return fmt.Sprintf("unexpected character '%c' after the timer value '%s', only "+
		"(us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported. "+
		"This will be reported as an error in next versions.", c, value)
}

// formatTime writes a duration the way Format emits it: the largest unit
// that divides it exactly, rounding a sub-millisecond rest up as HAProxy
// would when reading it back.
func formatTime(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	for _, u := range []struct {
		ms   time.Duration
		unit string
	}{{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}} {
		if ms%u.ms == 0 {
			return fmt.Sprintf("%d%s", ms/u.ms, u.unit)
		}
	}
	return fmt.Sprintf("%dms", ms)
}

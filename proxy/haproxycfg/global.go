package haproxycfg

import (
	"fmt"
	"strings"
)

// globalLine handles one line of the global section: maxconn, log and daemon
// are read; HAProxy's other global keywords are ignored with a warning.
func (p *parser) globalLine(num int, words []word, mod string) {
	c := &lineCtx{p: p, num: num, words: words, mod: mod}
	kw := words[0].text
	switch kw {
	case "maxconn":
		if c.tooMany(1) {
			return
		}
		if c.arg(1) == "" {
			c.errMissing("'maxconn' expects an integer argument")
			return
		}
		p.global.maxconn = c.atoi(1)
	case "daemon":
		// Daemon mode concerns how HAProxy runs, not what the lab does.
		c.tooMany(0)
	case "log":
		if mod == "no" {
			if len(words) > 1 {
				c.errAt(1, "'no log' does not expect arguments")
				return
			}
			p.global.logs = 0
			return
		}
		if c.arg(1) == "global" && len(words) == 2 {
			c.errAt(1, "log: 'global' is not supported for a global syslog server; name an address such as 'stdout' or '127.0.0.1:514'")
			return
		}
		if c.logTarget(true) {
			p.global.logs++
		}
	default:
		if mod == "no" && kw != "log" {
			c.p.d.labf(num, "'no %s' is not supported by lblab and is ignored", kw)
			return
		}
		for _, g := range globalKeywords {
			if g == kw {
				c.p.d.labf(num, "'%s' is not supported by lblab and is ignored", kw)
				return
			}
		}
		msg := fmt.Sprintf("unknown keyword '%s' in 'global' section", kw)
		if s := suggest(kw, globalKeywords[:]); s != "" {
			msg += fmt.Sprintf("; did you mean '%s'?", s)
		}
		c.errAt(0, "%s", msg)
	}
}

// Syslog facilities, levels and formats HAProxy 2.6 knows (log.c).
var (
	logFacilities = [...]string{"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
		"uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
		"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}
	logLevels  = [...]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}
	logFormats = [...]string{"local", "rfc3164", "rfc5424", "priority", "short", "timed", "iso", "raw"}
)

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// logTarget validates "log <target> [len N] [format F] [sample R:S] <facility>
// [<level> [<minlevel>]]" (HAProxy's parse_logsrv). The lab writes its own
// log stream, so only the syntax matters; the target is not resolved.
func (c *lineCtx) logTarget(global bool) bool {
	if c.arg(1) == "" || c.arg(2) == "" {
		alt := " or 'global'"
		if global {
			alt = ""
		}
		c.errMissing("log expects <address> and <facility>%s as arguments", alt)
		return false
	}
	k := 2
	if c.arg(k) == "len" {
		n, _ := atol(c.arg(k + 1))
		if n < 80 || n > 65535 {
			c.errAt(k+1, "invalid log length '%s'; expected a number from 80 to 65535", c.arg(k+1))
			return false
		}
		k += 2
	}
	if c.arg(k) == "format" {
		if !oneOf(c.arg(k+1), logFormats[:]) {
			c.errAt(k+1, "unknown log format '%s'; expected one of %s", c.arg(k+1), strings.Join(logFormats[:], ", "))
			return false
		}
		k += 2
	}
	if c.arg(k) == "sample" {
		if !strings.Contains(c.arg(k+1), ":") {
			c.errAt(k+1, "missing sample size in '%s'; expected <ranges>:<size>", c.arg(k+1))
			return false
		}
		k += 2
	}
	if !oneOf(c.arg(k), logFacilities[:]) {
		c.errAt(k, "unknown log facility '%s'; expected one of %s", c.arg(k), strings.Join(logFacilities[:], ", "))
		return false
	}
	for _, what := range []string{"log level", "minimum log level"} {
		k++
		if k >= len(c.words) {
			return true
		}
		if !oneOf(c.arg(k), logLevels[:]) {
			c.errAt(k, "unknown optional %s '%s'; expected one of %s", what, c.arg(k), strings.Join(logLevels[:], ", "))
			return false
		}
	}
	if k+1 < len(c.words) {
		c.errAt(k+1, "log cannot handle unexpected argument '%s'", c.arg(k+1))
		return false
	}
	return true
}

// atol reads a number the way C's atol does: optional blanks and sign,
// then digits up to the first other character; clean is false when the
// text was not just an integer (HAProxy then silently uses the prefix).
func atol(s string) (n int, clean bool) {
	k := 0
	for k < len(s) && isSpace(s[k]) {
		k++
	}
	neg := false
	if k < len(s) && (s[k] == '+' || s[k] == '-') {
		neg = s[k] == '-'
		k++
	}
	start := k
	var v int64
	for ; k < len(s) && isDigit(s[k]); k++ {
		if v < 1<<40 {
			v = v*10 + int64(s[k]-'0')
		}
	}
	clean = k == len(s) && k > start
	if v > 1<<31-1 {
		v = 1<<31 - 1
		clean = false
	}
	if neg {
		v = -v
	}
	return int(v), clean
}

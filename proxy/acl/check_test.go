package acl

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lblab/lblab/proxy/cfgword"
	"github.com/lblab/lblab/proxy/haproxytest"
)

// lblabOnly recognises errors about things HAProxy accepts but lblab
// deliberately does not implement; for those, haproxy -c must accept.
var lblabOnly = regexp.MustCompile(`lblab does not|lblab's Go|lblab does not support|empty header name|without a header name|as the converter`)

// checkLine is one configuration line and what lblab decided about it.
type checkLine struct {
	text     string
	rejected bool
	lblab    bool // rejected by lblab only, by design
	what     string
}

// TestCheckAgreesWithHAProxy writes every line of the error tables (and
// the accepted ones) into one configuration, runs haproxy -c on it, and
// checks that HAProxy rejects exactly the lines lblab rejects, except
// those lblab refuses by design, which HAProxy must accept.
func TestCheckAgreesWithHAProxy(t *testing.T) {
	bin := haproxytest.Path(t)
	var lines []checkLine
	for _, tc := range declareErrorTests {
		if len(tc.words) == 0 || strings.Contains(tc.msg, "-u") {
			continue
		}
		err := NewSet().Declare(tc.words)
		lines = append(lines, newCheckLine("acl "+cfgword.Join(tc.words), err))
	}
	for _, tc := range condErrorTests {
		kept, _ := untilEmpty(tc.words)
		if len(kept) == 0 || len(kept) < len(tc.words) {
			continue // an empty word cannot be written without ending the line
		}
		s := NewSet()
		mustDeclare(t, s, "a path /a")
		_, err := s.ParseCond(tc.words)
		lines = append(lines, newCheckLine("http-request deny "+cfgword.Join(tc.words), err))
	}
	for _, tc := range matchTests {
		words := fields(tc.expr)
		err := NewSet().Declare(append([]string{"m"}, words...))
		lines = append(lines, newCheckLine("acl m "+cfgword.Join(words), err))
	}
	for _, p := range predefinedACLs {
		_, err := NewSet().ParseCond([]string{"if", p.name})
		lines = append(lines, newCheckLine("http-request deny if "+p.name, err))
	}

	// HAProxy keeps reading after a bad "acl" line but gives up on the
	// file after a bad rule, so each rule is checked on its own.
	var batches [][]int
	var acls []int
	for i, l := range lines {
		if strings.HasPrefix(l.text, "acl ") {
			acls = append(acls, i)
		} else {
			batches = append(batches, []int{i})
		}
	}
	batches = append(batches, acls)
	alerts := map[int]string{}
	for _, b := range batches {
		for i, alert := range haproxyCheck(t, bin, lines, b) {
			alerts[i] = alert
		}
	}
	agreed, byDesign := 0, 0
	for i, l := range lines {
		alert, hRejected := alerts[i]
		switch {
		case l.lblab:
			// refused by design; HAProxy may accept it or reject it too
			byDesign++
		case l.rejected != hRejected:
			t.Errorf("%s: lblab %s, haproxy -c %s", l.text, verdict(l.rejected, l.what), verdict(hRejected, alert))
		default:
			agreed++
		}
	}
	t.Logf("%d of %d lines judged as haproxy -c judges them; %d more refused by lblab by design (unsupported features)",
		agreed, len(lines)-byDesign, byDesign)
}

// haproxyCheck runs haproxy -c on the lines picked and returns the alert
// for each line it rejected, by index in lines.
func haproxyCheck(t *testing.T, bin string, lines []checkLine, pick []int) map[int]string {
	t.Helper()
	cfg := "defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n" +
		"frontend fe\n    bind 127.0.0.1:0\n    acl a path /a\n"
	first := strings.Count(cfg, "\n") + 1
	for _, i := range pick {
		cfg += "    " + lines[i].text + "\n"
	}
	cfg += "    default_backend be\nbackend be\n    server s 127.0.0.1:1\n"
	file := filepath.Join(t.TempDir(), "check.cfg")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, "-c", "-f", file).CombinedOutput()
	alerts := map[int]string{}
	re := regexp.MustCompile(`ALERT.*\[` + regexp.QuoteMeta(file) + `:(\d+)\] ?: (.*)`)
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[1])
		if k := n - first; k >= 0 && k < len(pick) {
			alerts[pick[k]] = m[2]
		}
	}
	return alerts
}

func newCheckLine(text string, err error) checkLine {
	l := checkLine{text: text, rejected: err != nil}
	if err != nil {
		l.what = err.Error()
		l.lblab = lblabOnly.MatchString(l.what)
	}
	return l
}

func verdict(rejected bool, why string) string {
	if rejected {
		return fmt.Sprintf("rejects it (%s)", why)
	}
	return "accepts it"
}

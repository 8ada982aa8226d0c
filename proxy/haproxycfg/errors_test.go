package haproxycfg

import (
	"errors"
	"strings"
	"testing"
)

// Every error Parse reports, with where it points (line:col) and what it
// says. Lines are numbered in the snippet as written.
func TestParseErrors(t *testing.T) {
	const fe = "frontend fe\n bind 127.0.0.1:80\n"
	for _, tc := range []struct {
		src  string
		at   string // "line:col"
		want string
	}{
		// lexing and file-level
		{"frontend fe\n bind \"x\n", "2:7", "unmatched quote"},
		{"frontend fe\n bind \\xZ1\n", "2:7", "hexadecimal"},
		{"frontend fe\n bind \"${X\"\n", "2:9", "unmatched brace"},
		{"frontend fe\n bind \"$9\"\n", "2:9", "forbidden first character"},
		{"frontend fe\n bind 1\x00\n", "2:8", "NUL character"},
		{"frontend fe\n bind 127.0.0.1:80", "2:19", "missing line feed"},
		{"mode http\n", "1:1", "unknown keyword 'mode' out of section"},
		{".if 1\n.endif\n", "1:1", "conditional blocks ('.if') are not supported by lblab"},
		{".warning a b\n", "1:12", "unexpected argument 'b' for '.warning'"},
		{".alert \"stop here\"\n", "1:1", "'stop here'."},
		{".frob\n", "1:1", "unknown directive '.frob'"},
		{"global extra\n", "1:8", "'global' cannot handle unexpected argument 'extra'"},
		{"frontend fe\n no bind 127.0.0.1:80\n", "2:2", "'no' prefix on 'bind'"},
		{"frontend fe\n default option httplog\n", "2:2", "'default option' is not supported by lblab"},
		// sections
		{"frontend\n", "1:9", "'frontend' expects a name"},
		{"backend b/x\n", "1:9", "character '/' is not permitted in 'backend' name 'b/x'"},
		{"frontend a\n bind :1\nfrontend a\n bind :2\n", "3:10", "frontend 'a' has the same name as frontend 'a' declared at t.cfg:1"},
		{"backend a\nlisten a\n bind :1\n", "2:8", "lblab needs distinct backend names"},
		{"frontend fe 127.0.0.1:80\n", "1:13", "unexpected '127.0.0.1:80' after the frontend name; expected nothing or 'from <defaults name>' (listening addresses go on 'bind' lines)"},
		{"frontend fe from\n", "1:13", "unexpected 'from' after the frontend name"},
		{"defaults a\ndefaults b\nfrontend fe from c\n", "3:18", "defaults section 'c' not found for frontend 'fe'"},
		{"defaults a\ndefaults a\nfrontend fe from a\n bind :1\n", "3:18", "ambiguous defaults section name 'a'"},
		{"defaults d\n http-request deny\ndefaults e from d\n", "3:1", "a defaults section cannot inherit from a defaults section defining TCP/HTTP rules"},
		{"defaults d\n http-request deny\nlisten l from d\n bind :1\n", "3:1", "a listen section cannot inherit"},
		{"defaults d\n http-request deny\nfrontend f from d\n bind :1\nbackend b from d\n", "5:1", "frontends and backends cannot inherit from the same defaults section"},
		{"defaults d\n tcp-request connection reject\nbackend b from d\n", "3:1", "a backend section cannot inherit from a defaults section defining 'tcp-request connection'"},
		// keywords
		{fe + " defualt_backend be\n", "3:2", "unknown keyword 'defualt_backend' in 'frontend' section; did you mean 'default_backend'?"},
		{fe + " stats frob\n", "3:8", "unknown 'stats' keyword 'frob'; expected"},
		{fe + " redispatch\n", "3:2", "keyword 'redispatch' is not supported anymore; use 'option redispatch'"},
		{"defaults\n bind :80\n", "2:2", "'bind' not allowed in 'defaults' section"},
		{"defaults\n description x\n", "2:2", "'description' not allowed in 'defaults' section"},
		{"defaults\n http-response del-header x\n", "2:2", "'http-response' not allowed in anonymous 'defaults' section"},
		{fe + " mode udp\n", "3:7", "unknown proxy mode 'udp'; expected 'http' or 'tcp'"},
		{fe + " mode health\n", "3:7", "'mode health' doesn't exist anymore"},
		{fe + " mode http tcp\n", "3:12", "'mode' cannot handle unexpected argument 'tcp'; it takes one argument"},
		{"frontend fe\n bind\n", "2:6", "'bind' expects {<path>|[addr1]:port1[-end1]}"},
		{"frontend fe\n bind 127.0.0.1\n", "2:7", "missing port specification in '127.0.0.1'"},
		{"frontend fe\n bind :0\n", "2:7", "invalid port '0' in ':0'"},
		{"frontend fe\n bind :90-80\n", "2:7", "invalid port '90-80'"},
		{"frontend fe\n bind :1-2000\n", "2:7", "port range '1-2000' is too large for lblab"},
		{"frontend fe\n bind a$b:80\n", "2:7", "invalid address 'a$b'"},
		{"frontend fe\n bind unix@/x.sock\n", "2:7", "'unix@' addresses are not supported by lblab"},
		{"frontend fe\n bind foo@1.2.3.4:80\n", "2:7", "unknown address family 'foo@'"},
		{"frontend fe\n bind :80 ssl bogus\n", "2:15", "unknown bind option 'bogus'"},
		{"frontend fe\n bind :80 name\n", "2:15", "bind option 'name' expects a value"},
		{fe + " default_backend\n", "3:17", "'default_backend' expects a backend name"},
		{fe + " default_backend a b\n", "3:20", "'default_backend' cannot handle unexpected argument 'b'"},
		{fe + " default_backend %[req.hdr(host)]\n", "3:18", "dynamic backend names"},
		{"defaults\n use_backend x\n", "2:2", "'use_backend' not allowed in 'defaults' section"},
		{fe + " use_backend\n", "3:13", "'use_backend' expects a backend name"},
		{fe + " use_backend be when\n", "3:17", "unexpected keyword 'when' after switching rule"},
		{fe + " use_backend be if nope\n", "3:20", "no such ACL : 'nope'"},
		{"backend be\n balance fastest\n", "2:10", "unknown algorithm 'fastest'"},
		{"backend be\n balance uri len x\n", "2:18", "'len' expects a positive integer"},
		{"backend be\n hash-type consistent md5\n", "2:23", "only supports 'sdbm', 'djb2', 'crc32', or 'wt6'"},
		{"backend be\n hash-balance-factor\n", "2:21", "'hash-balance-factor' expects an integer argument"},
		{"backend be\n hash-balance-factor 50\n", "2:22", "'hash-balance-factor' must be 0 or greater than 100"},
		{"backend be\n timeout contimeout 5s\n", "2:10", "the 'contimeout' directive is not supported anymore since HAProxy 2.1; use 'timeout connect'"},
		{"backend be\n timeout bogus 5s\n", "2:10", "'timeout' supports 'client', 'server'"},
		{"backend be\n timeout server\n", "2:16", "'timeout server' expects an integer value"},
		{"backend be\n timeout server 5x\n", "2:17", "unexpected character 'x' in 'timeout server' value '5x'"},
		{"backend be\n timeout server x5\n", "2:17", "unexpected character 'x' in 'timeout server' value 'x5'"},
		{"backend be\n timeout server 25d\n", "2:17", "timer overflow in argument '25d' to 'timeout server'"},
		{"backend be\n timeout server 5s 6s\n", "2:20", "'timeout server' : unexpected extra argument '6s' after value '5s'"},
		{"backend be\n retries\n", "2:9", "'retries' expects an integer argument"},
		{"backend be\n retries 1 2\n", "2:12", "'retries' cannot handle unexpected argument '2'"},
		{fe + " maxconn\n", "3:9", "'maxconn' expects an integer argument"},
		{fe + " maxconn 1 2\n", "3:12", "'maxconn' cannot handle unexpected argument '2'"},
		{"global\n maxconn\n", "2:9", "'maxconn' expects an integer argument"},
		{"global\n daemon now\n", "2:9", "'daemon' cannot handle unexpected argument 'now'"},
		{"global\n nbproc 2\n", "2:2", "unknown keyword 'nbproc' in 'global' section"},
		{"global\n nbthreads 2\n", "2:2", "did you mean 'nbthread'?"},
		// log
		{"global\n log global\n", "2:6", "'global' is not supported for a global syslog server"},
		{"global\n log stdout\n", "2:12", "log expects <address> and <facility> as arguments"},
		{fe + " log stdout\n", "3:12", "log expects <address> and <facility> or 'global' as arguments"},
		{"global\n log stdout len 10 local0\n", "2:17", "invalid log length '10'"},
		{"global\n log stdout format json local0\n", "2:20", "unknown log format 'json'"},
		{"global\n log stdout sample 1 local0\n", "2:20", "missing sample size in '1'"},
		{"global\n log stdout local9\n", "2:13", "unknown log facility 'local9'"},
		{"global\n log stdout local0 loud\n", "2:20", "unknown optional log level 'loud'"},
		{"global\n log stdout local0 info loud\n", "2:25", "unknown optional minimum log level 'loud'"},
		{"global\n log stdout local0 info err x\n", "2:29", "log cannot handle unexpected argument 'x'"},
		{"global\n no log stdout\n", "2:9", "'no log' does not expect arguments"},
		{fe + " no log x\n", "3:9", "'no log' does not expect arguments"},
		// options
		{fe + " option\n", "3:8", "'option' expects an option name"},
		{fe + " option forceclose\n", "3:9", "option 'forceclose' is not supported"},
		{fe + " option redispach\n", "3:9", "unknown option 'redispach'; did you mean 'redispatch'?"},
		{fe + " no option httplog\n", "3:5", "negation/default is not supported for option 'httplog'"},
		{fe + " no option forwardfor\n", "3:5", "negation/default is not supported for option 'forwardfor'"},
		{fe + " option httplog json\n", "3:17", "keyword 'httplog' only supports option 'clf'"},
		{fe + " option httplog clf x\n", "3:21", "'option httplog' cannot handle unexpected argument 'x'"},
		{fe + " option tcplog x\n", "3:16", "'option tcplog' cannot handle unexpected argument 'x'"},
		{fe + " option dontlognull x\n", "3:21", "'option dontlognull' cannot handle unexpected argument 'x'"},
		{fe + " option forwardfor except nonet\n", "3:27", "'option forwardfor except' expects <address>[/mask]"},
		{fe + " option forwardfor header\n", "3:26", "'option forwardfor header' expects <header_name>"},
		{fe + " option forwardfor always\n", "3:20", "only supports optional values: 'except', 'header' and 'if-none'"},
		{"backend be\n option httpchk GET / HTTP/1.1 x\n", "2:32", "'option httpchk' cannot handle unexpected argument 'x'"},
		{fe + " option tcpka x\n", "3:15", "'option tcpka' cannot handle unexpected argument 'x'"},
		// acl and rules
		{"defaults\n acl a src 1.2.3.4\n", "2:2", "'acl' not allowed in anonymous 'defaults' section"},
		{fe + " acl\n", "3:5", "'acl' expects a name"},
		{fe + " acl a/b src 1.2.3.4\n", "3:6", "character '/' is not permitted in acl name 'a/b'"},
		{fe + " acl OR src 1.2.3.4\n", "3:6", "acl name 'OR' will never match"},
		{fe + " acl a nofetch x\n", "3:8", "error detected while parsing ACL 'a'"},
		{"defaults\n http-request deny\n", "2:2", "'http-request' not allowed in anonymous 'defaults' section"},
		{fe + " http-request\n", "3:14", "'http-request' expects an action"},
		{fe + " http-request frobnicate\n", "3:15", "unknown 'http-request' action 'frobnicate'"},
		{fe + " http-request deny string x\n", "3:20", "'http-request deny' option 'string' is not supported by lblab"},
		{fe + " http-request allow x\n", "3:21", "'http-request allow' expects 'if' or 'unless' followed by a condition but found 'x'"},
		{fe + " http-request deny deny_status\n", "3:31", "'deny_status' expects <status_code> as argument"},
		{fe + " http-request deny deny_status 99\n", "3:32", "unexpected status code '99'"},
		{fe + " http-request deny deny_status 418\n", "3:32", "status code '418' not handled by default"},
		{fe + " http-request deny if nope\n", "3:23", "no such ACL : 'nope'"},
		{fe + " http-request set-header X if nope\n", "3:31", "no such ACL : 'nope'"},
		{"defaults\n tcp-request connection reject\n", "2:2", "tcp-request connection is not allowed in anonymous 'defaults' sections"},
		{"defaults\n tcp-request content reject\n", "2:2", "tcp-request content is not allowed in anonymous 'defaults' sections"},
		{"backend be\n tcp-request connection reject\n", "2:14", "tcp-request connection is not allowed because backend be is not a frontend"},
		{fe + " tcp-request frob\n", "3:14", "'tcp-request' expects 'inspect-delay', 'connection', 'session' or 'content' (got 'frob')"},
		{fe + " tcp-request connection drop\n", "3:25", "'tcp-request connection' expects 'accept', 'reject'"},
		{fe + " tcp-request connection reject now\n", "3:32", "'tcp-request connection reject' only accepts 'if' or 'unless', in frontend 'fe' (got 'now')"},
		{fe + " tcp-request connection accept if nope\n", "3:35", "no such ACL : 'nope'"},
		// servers
		{"defaults\n server s 1.2.3.4:80\n", "2:2", "'server' not allowed in 'defaults' section"},
		{fe + " server s 1.2.3.4:80\n", "3:2", "'server' not allowed because frontend 'fe' has no backend capability"},
		{"backend be\n server s\n", "2:10", "'server' expects <name> and <addr>[:<port>] as arguments"},
		{"backend be\n server s/1 1.2.3.4:80\n", "2:9", "character '/' is not permitted in server name 's/1'"},
		{"backend be\n server s 1.2.3.4\n", "2:11", "server address '1.2.3.4' has no fixed port"},
		{"backend be\n server s 1.2.3.4:+1\n", "2:11", "has no fixed port"},
		{"backend be\n server s *:80\n", "2:11", "server address '*:80' has no host"},
		{"backend be\n server s 1.2.3.4:99999\n", "2:11", "invalid port '99999'"},
		{"backend be\n server s a!b:80\n", "2:11", "invalid server address 'a!b:80'"},
		{"backend be\n server s /tmp/s.sock\n", "2:11", "UNIX socket '/tmp/s.sock' is not supported by lblab"},
		{"backend be\n server s 1.2.3.4:80 weight 257\n", "2:29", "weight of server s is not within 0 and 256 (257)"},
		{"backend be\n server s 1.2.3.4:80 weight -1\n", "2:29", "weight of server s is not within 0 and 256 (-1)"},
		{"backend be\n server s 1.2.3.4:80 rise\n", "2:26", "'rise' expects an integer argument"},
		{"backend be\n server s 1.2.3.4:80 fall 0\n", "2:27", "'fall' has to be > 0"},
		{"backend be\n server s 1.2.3.4:80 inter\n", "2:27", "'inter' expects a delay as argument"},
		{"backend be\n server s 1.2.3.4:80 inter 0\n", "2:28", "invalid value 0 for argument 'inter' of server s"},
		{"backend be\n server s 1.2.3.4:80 fastinter 1x\n", "2:32", "unexpected character 'x' in 'fastinter' of server s value '1x'"},
		{"backend be\n server s 1.2.3.4:80 downinter 25d\n", "2:32", "timer overflow in argument '25d' to 'downinter' of server s"},
		{"backend be\n server s 1.2.3.4:80 id\n", "2:24", "'id' expects an integer argument"},
		{"backend be\n server s 1.2.3.4:80 id 0\n", "2:25", "custom id has to be > 0"},
		{"backend be\n server s 1.2.3.4:80 id 4\n server t 1.2.3.4:81 id 4\n", "3:25", "custom id 4 already used at t.cfg:2 ('server s')"},
		{"backend be\n server s 1.2.3.4:80 source\n", "2:28", "'source' expects <addr>"},
		{"backend be\n server s 1.2.3.4:80 weigth 2\n", "2:22", "unknown server option 'weigth'; did you mean 'weight'?"},
		{"backend be\n server s 1.2.3.4:80 slowstart\n", "2:31", "server option 'slowstart' expects a value"},
		// checks after parsing
		{fe + " default_backend nada\n", "3:18", "proxy 'fe': unable to find required default_backend: 'nada'"},
		{fe + " use_backend nope\n", "3:2", "proxy 'fe': unable to find required use_backend: 'nope'"},
		{"listen l\n bind :1\n default_backend l\n", "3:18", "proxy 'l': loop detected for default_backend: 'l'"},
		{"frontend fe\n mode http\n bind :1\n default_backend be\nbackend be\n mode tcp\n", "4:18",
			"http frontend 'fe' (t.cfg:1) tries to use incompatible tcp backend 'be' (t.cfg:5) as its default backend (see 'mode')"},
		{"frontend fe\n mode http\n bind :1\n use_backend be\nbackend be\n mode tcp\n", "4:2",
			"in a 'use_backend' rule (see 'mode')"},
		{"backend be\n server s 1.2.3.4:80\n server s 1.2.3.4:81\n", "3:2", "backend 'be', another server named 's' was already defined at line 2, please use distinct names"},
	} {
		_, err := Parse("t.cfg", []byte(tc.src))
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Errorf("%q: got %v, want an error at %s", tc.src, err, tc.at)
			continue
		}
		d := errs[0]
		at := strings.Join([]string{itoa(d.Line), itoa(d.Col)}, ":")
		if at != tc.at || !strings.Contains(d.Msg, tc.want) || d.File != "t.cfg" {
			t.Errorf("%q:\n got %s\nwant t.cfg:%s: ...%s...", tc.src, d, tc.at, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "t.cfg:"+tc.at+": ") {
			t.Errorf("%q: Error() = %q, want it to start with t.cfg:%s: ", tc.src, err.Error(), tc.at)
		}
	}
}

// Parse reports every error of a file, not only the first, up to MaxErrors.
func TestParseCollectsErrors(t *testing.T) {
	src := "frontend fe\n mode udp\n bind 127.0.0.1\n maxconn\nbackend be\n server s 1.2.3.4:80 weight 300\n"
	_, err := Parse("t.cfg", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v", err)
	}
	var lines []int
	for _, d := range errs {
		lines = append(lines, d.Line)
	}
	if len(errs) != 4 || lines[0] != 2 || lines[1] != 3 || lines[2] != 4 || lines[3] != 6 {
		t.Fatalf("errors on lines %v, want 2 3 4 6:\n%v", lines, err)
	}

	var many strings.Builder
	many.WriteString("frontend fe\n")
	for range MaxErrors + 20 {
		many.WriteString(" mode udp\n")
	}
	_, err = Parse("t.cfg", []byte(many.String()))
	if !errors.As(err, &errs) || len(errs) != MaxErrors+1 || !strings.Contains(errs[MaxErrors].Msg, "too many errors") {
		t.Fatalf("got %d errors, want %d and a final 'too many errors'", len(errs), MaxErrors+1)
	}
}

// Nothing partial comes back with an error.
func TestParseErrorReturnsNil(t *testing.T) {
	f, err := Parse("t.cfg", []byte("frontend fe\n bind :80\n default_backend nope\n"))
	if err == nil || f != nil {
		t.Fatalf("Parse = %v, %v; want nil and an error", f, err)
	}
}

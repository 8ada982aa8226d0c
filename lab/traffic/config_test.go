package traffic

import (
	"errors"
	"net/netip"
	"strings"
	"syscall"
	"testing"
)

func TestClientAddresses(t *testing.T) {
	for _, c := range []struct {
		prefix string
		n      int
		at     map[int]string
	}{
		{"127.1.0.0/16", 254 * 256, map[int]string{0: "127.1.0.1", 253: "127.1.0.254", 254: "127.1.1.1", 254*256 - 1: "127.1.255.254"}},
		{"127.0.0.0/24", 254, map[int]string{0: "127.0.0.1", 253: "127.0.0.254"}},
		{"127.66.0.0/16", 65024, map[int]string{9: "127.66.0.10"}},
		{"127.0.0.128/25", 127, map[int]string{0: "127.0.0.128", 126: "127.0.0.254"}},
		{"127.0.0.0/30", 3, map[int]string{0: "127.0.0.1", 2: "127.0.0.3"}},
		{"127.9.9.9/32", 1, map[int]string{0: "127.9.9.9"}},
		{"127.0.0.0/31", 2, map[int]string{0: "127.0.0.0", 1: "127.0.0.1"}},
	} {
		p := netip.MustParsePrefix(c.prefix)
		if got := usableAddrs(p); got != c.n {
			t.Errorf("usableAddrs(%s) = %d, want %d", p, got, c.n)
		}
		for i, want := range c.at {
			if got := addrAt(p, i).String(); got != want {
				t.Errorf("addrAt(%s, %d) = %s, want %s", p, i, got, want)
			}
		}
	}
}

func TestBadConfig(t *testing.T) {
	ok := Config{Target: "127.0.0.1:8080"}
	for _, c := range []struct {
		mut  func(*Config)
		want string
	}{
		{func(c *Config) { c.Target = "8080" }, "want host:port"},
		{func(c *Config) { c.Rate = -1 }, "want 0 (closed loop) or a positive number"},
		{func(c *Config) { c.Duration = -1 }, "duration -1ns is negative"},
		{func(c *Config) { c.Requests = -5 }, "request count -5 is negative"},
		{func(c *Config) { c.Groups = []Group{{Name: "lan", Prefix: netip.MustParsePrefix("10.0.0.0/8")}} }, `group "lan": address range 10.0.0.0/8 is not inside 127.0.0.0/8`},
		{func(c *Config) { c.Groups = []Group{{Prefix: netip.MustParsePrefix("127.0.0.0/30"), Clients: 4}} }, "4 clients, but 127.0.0.0/30 has only 3 usable addresses"},
		{func(c *Config) { c.Groups = []Group{{Name: "a"}, {Name: "a"}} }, `group "a" is declared twice`},
		{func(c *Config) { c.Mix = []Entry{{Path: "/a b"}} }, `mix entry 1: path "/a b": byte ' ' at 3`},
		{func(c *Config) { c.Mix = []Entry{{}, {Method: "GE T"}} }, `mix entry 2: method "GE T"`},
		{func(c *Config) { c.Mix = []Entry{{Weight: -1}} }, "weight -1 is negative"},
		{func(c *Config) { c.Mix = []Entry{{Headers: []Header{{"User Agent", "x"}}}} }, `header name "User Agent"`},
		{func(c *Config) { c.Mix = []Entry{{Headers: []Header{{"X", "a\r\nb"}}}} }, "contains CR, LF or NUL"},
	} {
		cfg := ok
		c.mut(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New: %v, want an error containing %q", err, c.want)
		}
	}
}

func TestBuildRequestSendsTheEntryAsWritten(t *testing.T) {
	rq := buildRequest(Entry{
		Method:  "post",
		Path:    "//admin/%73tatic?x=1",
		Headers: []Header{{"User-Agent", "Mozilla/5.0 (iPhone) Mobile"}},
		Body:    "name=lab",
	}, "127.0.0.1:8080")
	want := "post //admin/%73tatic?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Mozilla/5.0 (iPhone) Mobile\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\nname=lab"
	if string(rq.wire) != want {
		t.Fatalf("request bytes:\n%q\nwant\n%q", rq.wire, want)
	}
	if rq := buildRequest(Entry{}, "h:1"); string(rq.wire) != "GET / HTTP/1.1\r\nHost: h:1\r\nUser-Agent: lblab\r\n\r\n" || rq.weight != 1 {
		t.Fatalf("default request %q weight %d", rq.wire, rq.weight)
	}
	if rq := buildRequest(Entry{Method: "POST", Path: "/submit", Headers: []Header{{"Connection", "close"}}}, "h:1"); !strings.Contains(string(rq.wire), "Content-Length: 0\r\n") || !rq.close {
		t.Fatalf("empty POST %q close %v", rq.wire, rq.close)
	}
}

func TestBindFallbackWarning(t *testing.T) {
	groups := Config{Target: "x:1", Groups: []Group{
		{Name: "inside", Prefix: netip.MustParsePrefix("127.0.0.0/24")},
		{Name: "outside", Prefix: netip.MustParsePrefix("127.66.0.0/16")},
	}}.withDefaults().Groups
	refuse := func(a netip.Addr) error {
		if a == netip.MustParseAddr("127.0.0.1") {
			return nil
		}
		return syscall.EADDRNOTAVAIL
	}
	fallback, warning := bindWarning(groups, refuse)
	if fallback["inside"] || !fallback["outside"] {
		t.Fatalf("fallback %v: only outside cannot bind", fallback)
	}
	for _, want := range []string{"address not available", "outside (127.66.0.0/16)", "127.0.0.1"} {
		if !strings.Contains(warning, want) {
			t.Errorf("warning %q lacks %q", warning, want)
		}
	}
	if _, w := bindWarning(groups, func(netip.Addr) error { return nil }); w != "" {
		t.Fatalf("a warning when every address binds: %q", w)
	}
	if !errors.Is(probeBind(netip.MustParseAddr("127.0.0.1")), nil) {
		t.Fatal("127.0.0.1 must bind everywhere")
	}
}

func TestReasons(t *testing.T) {
	for err, want := range map[error]string{
		syscall.ECONNREFUSED:  ReasonRefused,
		syscall.ECONNRESET:    ReasonReset,
		syscall.EPIPE:         ReasonReset,
		syscall.EADDRNOTAVAIL: ReasonBind,
		errors.New("strange"): ReasonNetwork,
	} {
		if got := reasonOf(err); got != want {
			t.Errorf("reasonOf(%v) = %q, want %q", err, got, want)
		}
	}
}

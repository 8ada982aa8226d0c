package haproxycfg

import (
	"fmt"
	"strings"

	"github.com/lblab/lblab/proxy"
	"github.com/lblab/lblab/proxy/acl"
)

// dumpConfig writes every field of a Config as text, ACLs and conditions
// in their canonical form, so two Configs can be compared (acl.Set holds
// compiled patterns that reflect.DeepEqual cannot compare meaningfully).
func dumpConfig(c *proxy.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "maxconn %d\n", c.MaxConn)
	for _, fe := range c.Frontends {
		fmt.Fprintf(&b, "frontend %q mode=%s binds=%q maxconn=%d timeouts=%+v httplog=%v tcplog=%v dontlognull=%v forwardfor=%v default=%q\n",
			fe.Name, fe.Mode, fe.Binds, fe.MaxConn, fe.Timeouts, fe.HTTPLog, fe.TCPLog, fe.DontLogNull, fe.ForwardFor, fe.DefaultBackend)
		if fe.ACLs != nil {
			for _, l := range fe.ACLs.Lines() {
				fmt.Fprintf(&b, "  %s\n", l)
			}
		}
		for _, r := range fe.TCPConnRules {
			fmt.Fprintf(&b, "  tcp action=%d cond=%s text=%q\n", r.Action, condText(r.Cond), r.Text)
		}
		for _, r := range fe.HTTPRules {
			fmt.Fprintf(&b, "  http action=%d status=%d cond=%s text=%q\n", r.Action, r.DenyStatus, condText(r.Cond), r.Text)
		}
		for _, u := range fe.UseBackends {
			fmt.Fprintf(&b, "  use %q cond=%s text=%q\n", u.Backend, condText(u.Cond), u.Text)
		}
	}
	for _, be := range c.Backends {
		fmt.Fprintf(&b, "backend %q mode=%s balance=%+v timeouts=%+v retries=%d redispatch=%d forwardfor=%v\n",
			be.Name, be.Mode, be.Balance, be.Timeouts, be.Retries, be.Redispatch, be.ForwardFor)
		if be.HTTPCheck != nil {
			fmt.Fprintf(&b, "  httpchk %+v\n", *be.HTTPCheck)
		}
		for _, s := range be.Servers {
			fmt.Fprintf(&b, "  server %+v\n", *s)
		}
	}
	return b.String()
}

func condText(c *acl.Cond) string {
	if c == nil {
		return "<always>"
	}
	return c.String()
}

// mustParse parses src or fails the test with every error.
func mustParse(t interface {
	Helper()
	Fatalf(string, ...any)
}, name string, src []byte) *File {
	t.Helper()
	f, err := Parse(name, src)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

package proxy

import (
	"net/netip"

	"github.com/lblab/lblab/proxy/h1"
)

// l4Request is a connection as ACLs see it before any HTTP: the source
// address only.
type l4Request struct{ src netip.Addr }

func (r *l4Request) Src() netip.Addr                    { return r.src }
func (r *l4Request) HTTP() bool                         { return false }
func (r *l4Request) Method() string                     { return "" }
func (r *l4Request) URI() string                        { return "" }
func (r *l4Request) Header(string, func(v string) bool) {}

// httpView is a parsed request as ACLs and hash algorithms see it.
type httpView struct {
	src netip.Addr
	req *h1.Request
}

func (r *httpView) Src() netip.Addr { return r.src }
func (r *httpView) HTTP() bool      { return true }
func (r *httpView) Method() string  { return r.req.Method }
func (r *httpView) URI() string     { return r.req.URI }
func (r *httpView) Header(name string, fn func(v string) bool) {
	r.req.Header.Each(name, fn)
}

// header is the balance.Request header lookup.
func (r *httpView) header(name string) (string, bool) { return r.req.Header.Get(name) }

// Proto is the request's HTTP version, for req.ver and the HTTP_1.x ACLs.
func (r *httpView) Proto() string { return r.req.Proto }

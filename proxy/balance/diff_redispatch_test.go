package balance

import (
	"strings"
	"testing"
)

// Pick's avoid argument, against haproxy: s2 points to a refused port, and
// with "option redispatch" a request that fails there is balanced again
// away from it (srvtoavoid). The model mirrors the proxy: the failed
// attempt takes and releases a slot on s2, then Pick avoids s2.
func TestDiffRedispatch(t *testing.T) {
	t.Parallel()
	specs := []Spec{
		{Algo: RoundRobin},
		{Algo: StaticRR},
		{Algo: LeastConn},
		{Algo: First},
		{Algo: Hdr, Param: "X-Key"}, // map: the key's slot, avoid or not
		{Algo: Hdr, Param: "X-Key", Hash: HashType{Consistent: true, Avalanche: true}}, // ring: walks past s2
	}
	for _, spec := range specs {
		t.Run(strings.ReplaceAll(spec.String(), " ", "_")+"_"+hashName(spec.Hash), func(t *testing.T) {
			t.Parallel()
			confs := []srvConf{{Weight: 1, ID: 3}, {Weight: 5, ID: 1, Addr: refusedAddr(t)}, {Weight: 1, ID: 2}}
			l := startLab(t, spec, confs, "option redispatch", "retries 1", "timeout connect 300ms")
			l.dead = "s2"
			l.sync = true
			// busy s1 and s3 so that leastconn prefers the idle s2
			hs := []*held{l.hold(req{}), l.hold(req{})}
			for k := range 15 {
				r := req{}
				if k%3 != 2 {
					r.Headers = [][2]string{{"X-Key", "key" + strings.Repeat("x", k)}}
				}
				l.send(r)
			}
			l.release(hs, "s1", "s3")
			l.seq(6)
		})
	}
}

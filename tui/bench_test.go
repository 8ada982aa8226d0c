package tui

import (
	"testing"

	"github.com/lblab/lblab/proxy/balance"
)

// BenchmarkFrame measures one full frame (View) of a lab at 1,000
// requests/s: ten servers with full 60-second series, 200 log lines
// shown, a consistent-hash ring of 400 nodes with 30 sample clients.
// At 10 frames a second, 10 % of a core is 10 ms a frame.
func BenchmarkFrame(b *testing.B) {
	for _, c := range []struct {
		name    string
		w, h    int
		noColor bool
		servers int
	}{
		{"160x48/10servers", 160, 48, false, 10},
		{"80x24/10servers", 80, 24, false, 10},
		{"160x48/3servers", 160, 48, false, 3},
		{"250x70/10servers", 250, 70, false, 10},
		{"160x48/10servers/nocolor", 160, 48, true, 10},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := labWith(c.servers, 1000, 200)
			pl := ringPlacement(c.servers, 40)
			for i := range pl.Servers {
				pl.Servers[i] = f.snap.Backends[0].Servers[i].Name
			}
			f.place["servers"] = pl
			f.snap.Backends[0].Balance = balance.Spec{Algo: balance.Source, Hash: balance.HashType{Consistent: true}}
			m := newDirect(b, f, Options{NoColor: c.noColor}, c.w, c.h)
			press(m, "l")
			refresh(m)
			if len(m.logs) != 200 {
				b.Fatalf("%d log lines", len(m.logs))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

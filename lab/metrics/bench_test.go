package metrics

import (
	"testing"
	"time"
)

func BenchmarkHistogramRecord(b *testing.B) {
	h := NewHistogram()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.Record(time.Duration(i%100000) * time.Microsecond)
	}
}

func BenchmarkHistogramRecordParallel(b *testing.B) {
	h := NewHistogram()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			h.Record(time.Duration(i%100000) * time.Microsecond)
			i++
		}
	})
}

func BenchmarkHistogramSnapshot(b *testing.B) {
	h := NewHistogram()
	for i := range 100000 {
		h.Record(time.Duration(i) * 37 * time.Microsecond)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Snapshot()
	}
}

func BenchmarkCountSeriesAdd(b *testing.B) {
	s := NewCountSeries(nil, 0)
	b.ReportAllocs()
	for b.Loop() {
		s.Add(1)
	}
}

func BenchmarkCountSeriesAddParallel(b *testing.B) {
	s := NewCountSeries(nil, 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.Add(1)
		}
	})
}

func BenchmarkCountSeriesValues600(b *testing.B) {
	s := NewCountSeries(nil, 0)
	buf := make([]int64, 0, DefaultSeconds)
	b.ReportAllocs()
	for b.Loop() {
		buf = s.AppendValues(buf[:0], DefaultSeconds)
	}
}

func BenchmarkGaugeAdd(b *testing.B) {
	g := NewGaugeSeries(nil, 0)
	b.ReportAllocs()
	for b.Loop() {
		g.Add(1)
		g.Add(-1)
	}
}

func BenchmarkStatusCountsAdd(b *testing.B) {
	var c StatusCounts
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Add(200)
		}
	})
}

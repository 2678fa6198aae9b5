package redact

import "testing"

func BenchmarkScanJSON(b *testing.B) {
	body := benchExchange(64 << 20).Response().Body.Data
	ns := newNameSet(nil)
	b.SetBytes(int64(len(body)))
	start := cpuTime()
	for b.Loop() {
		scanJSON(body, ns, "", func(jsonHit) {}, func([]byte) {})
	}
	reportCPU(b, start, int64(len(body)))
}

func BenchmarkStringEnds(b *testing.B) {
	body := benchExchange(64 << 20).Response().Body.Data
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		n := 0
		for i := 0; i < len(body); {
			j, _ := stringEnd(body, i)
			n++
			i = j + 1
		}
		_ = n
	}
}

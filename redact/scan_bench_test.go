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

package harfile

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// harStream writes a HAR of n entries, each with a body of size bytes, as
// it is read, so that the file itself is never held in memory.
func harStream(n, size int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		body := strings.Repeat("x", size)
		fmt.Fprint(pw, `{"log":{"version":"1.2","creator":{"name":"bench","version":"1"},"entries":[`)
		for i := 0; i < n; i++ {
			if i > 0 {
				fmt.Fprint(pw, ",")
			}
			fmt.Fprintf(pw, `{"startedDateTime":"2026-11-29T10:00:00Z","time":12.5,"request":{"method":"GET","url":"https://api.alteg.io/api/v1/records/%d","httpVersion":"http/2.0","headers":[{"name":"accept","value":"*/*"}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},"response":{"status":%d,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"content-type","value":"application/json"}],"cookies":[],"content":{"size":%d,"mimeType":"application/json","text":"%s"},"redirectURL":"","headersSize":-1,"bodySize":-1},"cache":{},"timings":{"send":0,"wait":10,"receive":2.5}}`, i, 200+i%3*100, size, body)
		}
		fmt.Fprint(pw, `]}}`)
		pw.Close()
	}()
	return pr
}

// BenchmarkListLarge lists a 50 MB HAR (500 entries of 100 KB) read as a
// stream, and reports the most live heap seen while doing it: it follows
// one entry, not the file.
func BenchmarkListLarge(b *testing.B) {
	const n, size = 500, 100 << 10
	var peak uint64
	var ms runtime.MemStats
	b.SetBytes(n * size)
	for b.Loop() {
		err := scan(harStream(n, size), func(i int, e *entry) (bool, error) {
			if i%50 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			return true, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
}

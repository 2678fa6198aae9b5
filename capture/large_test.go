package capture

import (
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// patterned returns a chunk whose byte at i is a function of i, so that a
// kept prefix can be checked byte for byte without keeping a copy.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// bigServer streams size bytes of the pattern, repeating one 1 MiB
// buffer, so that the server costs no memory either.
func bigServer(t testing.TB, size int64) string {
	chunk := patterned(1 << 20)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		for n := int64(0); n < size; n += int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(int64(len(chunk)), size-n)]); err != nil {
				return
			}
		}
	})
	return srv.URL
}

// TestReplayLargeBodyStaysBounded streams 512 MiB and checks that the
// default 5 MiB prefix is kept exactly, that every byte is counted, and
// that the whole exchange allocated a small fraction of the body: memory
// does not grow with the response. It is not a timing test; it takes
// about a second, a few under -race.
func TestReplayLargeBodyStaysBounded(t *testing.T) {
	const size = 512 << 20
	url := bigServer(t, size)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ex := get(url, Options{})
	runtime.ReadMemStats(&after)

	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	b := ex.Response().Body
	if len(b.Data) != DefaultMaxBody || b.Size != size || b.WireSize != size || !b.Truncated {
		t.Fatalf("kept %d of %d (wire %d, truncated %v), want %d of %d", len(b.Data), b.Size, b.WireSize, b.Truncated, DefaultMaxBody, size)
	}
	for i, c := range b.Data {
		if want := byte(i % (1 << 20) % 251); c != want {
			t.Fatalf("kept byte %d = %d, want %d", i, c, want)
		}
	}
	// Everything allocated during the replay, client and server, freed
	// or not: the kept prefix (grown by doubling), buffers, the test
	// server's. 64 MiB is an eighth of the body.
	got := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %s while replaying %s", ByteCount(int64(got)), ByteCount(size))
	if got > 64<<20 {
		t.Errorf("the replay allocated %s for a %s body; memory is not bounded", ByteCount(int64(got)), ByteCount(size))
	}
}

// BenchmarkReplayLargeBody replays a 64 MiB response over loopback with
// the default 5 MiB kept; MB/s is the download rate, B/op what a whole
// replay allocates.
func BenchmarkReplayLargeBody(b *testing.B) {
	const size = 64 << 20
	url := bigServer(b, size)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		ex := get(url, Options{})
		if ex.Fault != nil || ex.Response().Body.Size != size {
			b.Fatalf("fault %+v", ex.Fault)
		}
	}
}

// BenchmarkReplayLargeBodyProgress is BenchmarkReplayLargeBody with a
// progress hook that takes a lock per report, as the terminal's progress
// line does: what the hook costs a large download.
func BenchmarkReplayLargeBodyProgress(b *testing.B) {
	const size = 64 << 20
	url := bigServer(b, size)
	var mu sync.Mutex
	var last Progress
	reports := 0
	hook := func(p Progress) {
		mu.Lock()
		last = p
		reports++
		mu.Unlock()
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		ex := get(url, Options{Progress: hook})
		if ex.Fault != nil || ex.Response().Body.Size != size {
			b.Fatalf("fault %+v", ex.Fault)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if last.Received != size {
		b.Fatalf("the last report counts %d bytes", last.Received)
	}
	b.ReportMetric(float64(reports)/float64(b.N), "reports/op")
}

// BenchmarkReadBounded measures the body reader alone, without a network:
// 64 MiB read, 5 MiB kept.
func BenchmarkReadBounded(b *testing.B) {
	const size = 64 << 20
	chunk := patterned(1 << 20)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		r := &repeatReader{chunk: chunk, left: size}
		body, err := readBounded(r, "", "application/octet-stream", DefaultMaxBody, size)
		if err != nil || body.Size != size {
			b.Fatal(err)
		}
	}
}

// repeatReader yields chunk over and over, left bytes in all.
type repeatReader struct {
	chunk []byte
	off   int
	left  int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(int64(len(p)), r.left)], r.chunk[r.off:])
	r.off = (r.off + n) % len(r.chunk)
	r.left -= int64(n)
	return n, nil
}

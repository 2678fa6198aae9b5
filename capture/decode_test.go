package capture

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
)

// zstdFrame encodes s as one Zstandard frame, as a server would send it.
func zstdFrame(s string) []byte {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	defer enc.Close()
	return enc.EncodeAll([]byte(s), nil)
}

// zstdStream encodes s as a stream with the given window, so that the
// frame header declares it.
func zstdStream(s string, window int) []byte {
	var b bytes.Buffer
	enc, err := zstd.NewWriter(&b, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(window))
	if err != nil {
		panic(err)
	}
	io.WriteString(enc, s)
	enc.Close()
	return b.Bytes()
}

// brotlied encodes s with Brotli at its default quality.
func brotlied(s string) []byte {
	var b bytes.Buffer
	w := brotli.NewWriter(&b)
	io.WriteString(w, s)
	w.Close()
	return b.Bytes()
}

// encode applies the codings of a Content-Encoding value to s, in the
// order listed (the first applied first), as a server does.
func encode(s, encoding string) []byte {
	b := []byte(s)
	for _, c := range codings(encoding) {
		switch c {
		case "gzip", "x-gzip":
			b = gzipped(string(b))
		case "deflate":
			b = deflated(string(b))
		case "br":
			b = brotlied(string(b))
		case "zstd":
			b = zstdFrame(string(b))
		default:
			panic("no encoder for " + c)
		}
	}
	return b
}

// TestReplayDecodesEveryCodingCurlOffers: what curl --compressed asks for
// (deflate, gzip, br, zstd) comes back decoded, alone and chained, and
// the ticket says which codings were removed.
func TestReplayDecodesEveryCodingCurlOffers(t *testing.T) {
	const msg = `{"success":false,"meta":{"message":"Необходима авторизация"}}`
	tests := map[string]struct {
		encoding string
		body     []byte
		want     string
	}{
		"br":                 {"br", brotlied(msg), "br"},
		"zstd":               {"zstd", zstdFrame(msg), "zstd"},
		"br, then gzip":      {"br, gzip", encode(msg, "br, gzip"), "br, gzip"},
		"gzip, then zstd":    {"gzip, zstd", encode(msg, "gzip, zstd"), "gzip, zstd"},
		"zstd, then br":      {"zstd, br", encode(msg, "zstd, br"), "zstd, br"},
		"upper-case BR":      {"BR", brotlied(msg), "br"},
		"two zstd frames":    {"zstd", append(zstdFrame(msg[:20]), zstdFrame(msg[20:])...), "zstd"},
		"skippable first":    {"zstd", append([]byte{0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'}, zstdFrame(msg)...), "zstd"},
		"stream with window": {"zstd", zstdStream(msg, 1<<20), "zstd"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", tc.encoding)
				w.Write(tc.body)
			})
			ex := get(srv.URL, Options{})
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			want := bodyView{Data: msg, Size: int64(len(msg)), WireSize: int64(len(tc.body)), Encoding: tc.want}
			if d := cmp.Diff(want, viewOf(ex.Response().Body)); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
		})
	}
}

// TestDecodeProblems: a body that is not what its Content-Encoding says,
// or that breaks off, keeps what could be decoded and says why.
func TestDecodeProblems(t *testing.T) {
	const msg = `{"success":false,"meta":{"message":"Not found"}}`
	long := strings.Repeat(msg, 200)
	tests := map[string]struct {
		encoding string
		body     []byte
		want     bodyView
	}{
		"zstd header but text": {"zstd", []byte(msg), bodyView{Data: msg, Size: int64(len(msg)), WireSize: int64(len(msg)),
			Broken: "Content-Encoding says zstd but the body is not zstd; shown as received"}},
		"empty zstd": {"zstd", nil, bodyView{WireSize: 0}},
		"empty br":   {"br", nil, bodyView{WireSize: 0}},
		"br that is not br": {"br", []byte("\xff\xff\xff\xff" + msg), bodyView{WireSize: int64(4 + len(msg)),
			Broken: "the br content could not be decoded after 0 B: brotli: PADDING_2; the rest was not shown", Binary: false}},
		// One block: nothing of it is shown before its end arrives.
		"zstd cut short": {"zstd", zstdFrame(long)[:len(zstdFrame(long))-4], bodyView{WireSize: int64(len(zstdFrame(long)) - 4),
			Broken: "the zstd content could not be decoded after 0 B: unexpected EOF; the rest was not shown"}},
		// Brotli hands out what it has decoded before the break.
		"br cut short": {"br", brotlied(long)[:len(brotlied(long))-2], bodyView{Data: msg[:47], Size: 47, WireSize: int64(len(brotlied(long)) - 2),
			Broken: "the br content could not be decoded after 47 B: unexpected EOF; the rest was not shown"}},
		"zstd window over 8 MiB": {"zstd", zstdStream(strings.Repeat("a", 9<<20), 16<<20), bodyView{WireSize: int64(len(zstdStream(strings.Repeat("a", 9<<20), 16<<20))),
			Broken: "the zstd content could not be decoded after 0 B: window size exceeded; the rest was not shown"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := readBounded(bytes.NewReader(tc.body), tc.encoding, "application/json", 1<<20, -1)
			if err != nil {
				t.Fatalf("a connection error from a body in memory: %v", err)
			}
			got := viewOf(b)
			got.Encoding, got.UTF8 = "", ""
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
		})
	}
}

// TestDecodePropertyRoundTrip tries to break the decoders with random
// bodies under random chains of codings and random caps: whatever the
// chain, the kept bytes are the prefix of the original, the size is its
// length, and nothing is reported broken. The oracle is the payload
// itself, encoded by the reference encoders.
func TestDecodePropertyRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	all := []string{"gzip", "deflate", "br", "zstd"}
	for i := 0; i < 120; i++ {
		payload := randomPayload(rng, rng.Intn(200<<10))
		var chain []string
		for n := rng.Intn(maxCodings) + 1; len(chain) < n; {
			chain = append(chain, all[rng.Intn(len(all))])
		}
		enc := strings.Join(chain, ", ")
		wire := encode(string(payload), enc)
		max := int64(rng.Intn(len(payload)+2) + 1)
		// Now and then the server splits the writes oddly.
		var r io.Reader = bytes.NewReader(wire)
		if rng.Intn(2) == 0 {
			r = &chunkReader{b: wire, rng: rng}
		}
		b, err := readBounded(r, enc, "application/octet-stream", max, -1)
		keep := min(int64(len(payload)), max)
		switch {
		case err != nil || b.Broken != "":
			t.Fatalf("case %d (%s, %d bytes): err %v, broken %q", i, enc, len(payload), err, b.Broken)
		case !bytes.Equal(b.Data, payload[:keep]):
			t.Fatalf("case %d (%s): kept bytes differ from the payload's first %d", i, enc, keep)
		case b.Size != int64(len(payload)) || b.WireSize != int64(len(wire)) || b.Truncated != (keep < int64(len(payload))):
			t.Fatalf("case %d (%s): size %d wire %d truncated %v; want %d %d", i, enc, b.Size, b.WireSize, b.Truncated, len(payload), len(wire))
		case b.Encoding != enc:
			t.Fatalf("case %d: Encoding %q, want %q", i, b.Encoding, enc)
		}
	}
}

// randomPayload is text, repeats and noise, so that every coding has
// something to compress and something it cannot.
func randomPayload(rng *rand.Rand, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		switch rng.Intn(3) {
		case 0:
			out = append(out, `{"id":12345,"name":"Мария","phone":"+79001234567"},`...)
		case 1:
			out = append(out, bytes.Repeat([]byte{byte(rng.Intn(256))}, rng.Intn(4096))...)
		default:
			noise := make([]byte, rng.Intn(512))
			rng.Read(noise)
			out = append(out, noise...)
		}
	}
	return out[:n]
}

// chunkReader hands out b in reads of random sizes, as a network does.
type chunkReader struct {
	b   []byte
	rng *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.b), c.rng.Intn(3000)+1)
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

// TestDecodeBombsStayBounded: a few kilobytes that unfold into a
// gigabyte must not cost memory in proportion: what is kept follows the
// cap, the decoder's window is bounded, and past maxDecoded the rest is
// only counted.
func TestDecodeBombsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 256 MiB")
	}
	const unfolded = 256 << 20
	zeros := strings.Repeat("\x00", 1<<20)
	bomb := func(enc string) []byte {
		var b bytes.Buffer
		var w io.WriteCloser
		switch enc {
		case "br":
			w = brotli.NewWriterLevel(&b, 5)
		case "zstd":
			w, _ = zstd.NewWriter(&b, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(8<<20))
		}
		for i := 0; i < unfolded/len(zeros); i++ {
			io.WriteString(w, zeros)
		}
		w.Close()
		return b.Bytes()
	}
	for _, enc := range []string{"br", "zstd"} {
		t.Run(enc, func(t *testing.T) {
			wire := bomb(enc)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b, err := readDecoded(bytes.NewReader(wire), enc, "application/octet-stream", 1<<20, -1, 64<<20)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("the %s content decodes to more than 64.0 MiB; decoding stopped there and the rest was counted on the wire only", enc)
			if b.Broken != want || len(b.Data) != 1<<20 || b.WireSize != int64(len(wire)) {
				t.Errorf("broken %q, kept %d, wire %d of %d", b.Broken, len(b.Data), b.WireSize, len(wire))
			}
			// The 1 MiB kept, a 16 MiB window at most (Brotli's
			// format limit), the decoders' tables and buffers.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 40<<20 {
				t.Errorf("decoding a %d-byte %s bomb allocated %d MiB", len(wire), enc, alloc>>20)
			}
			t.Logf("%s: %d bytes on the wire, %d MiB allocated", enc, len(wire), (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

// BenchmarkDecode measures the body reader on a 32 MiB JSON list of
// records (an Alteg.io-like response) in each coding curl --compressed
// offers, with the default 5 MiB kept: MB/s is decoded bytes per second,
// B/op what reading one body allocates (the kept prefix, the decoder's
// window and tables), wire-MiB the encoded size.
func BenchmarkDecode(b *testing.B) {
	const size = 32 << 20
	var json bytes.Buffer
	rng := rand.New(rand.NewSource(1))
	json.WriteString(`{"success":true,"data":[`)
	for i := 0; json.Len() < size; i++ {
		fmt.Fprintf(&json, `{"id":%d,"client":{"name":"Клиент %d","phone":"+7900%07d","email":"c%d@example.com"},"services":[{"id":%d,"cost":%d}],"comment":"%x"},`,
			i, i, rng.Intn(1e7), i, rng.Intn(500), rng.Intn(10000), rng.Int63())
	}
	payload := json.Bytes()[:size]
	for _, enc := range []string{"identity", "gzip", "deflate", "br", "zstd"} {
		var wire []byte
		if enc == "identity" {
			wire = payload
		} else {
			wire = encode(string(payload), enc)
		}
		b.Run(enc, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				body, err := readBounded(bytes.NewReader(wire), enc, "application/json", DefaultMaxBody, -1)
				if err != nil || body.Size != size || body.Broken != "" {
					b.Fatalf("size %d, broken %q, err %v", body.Size, body.Broken, err)
				}
			}
			if d := cpuTime() - cpu; d > 0 {
				b.ReportMetric(float64(size)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
			}
			b.ReportMetric(float64(len(wire))/(1<<20), "wire-MiB")
		})
	}
}

// cpuTime is the CPU time this process has used. The machine the
// benchmarks run on is shared, so wall-clock MB/s move with the load;
// bytes per CPU-second move much less, and are reported next to them.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// FuzzDecode feeds arbitrary bytes under every coding and short chains:
// decoding never panics, keeps at most the cap, never counts fewer bytes
// than it kept, and keeps nothing of a withheld body. A body that is the
// encoding of a payload decodes to that payload (the seeds are such).
func FuzzDecode(f *testing.F) {
	msg := `{"success":false,"meta":{"message":"Not found"}}`
	for _, enc := range []string{"gzip", "deflate", "br", "zstd", "br, gzip", "zstd, br"} {
		f.Add(encode(msg, enc), enc, uint16(20))
	}
	f.Add([]byte("\x28\xb5\x2f\xfd\x00\x00"), "zstd", uint16(8))
	f.Add([]byte("\xce\xb2\xcf\x81\x0a"), "br", uint16(8))
	f.Add([]byte("\x1f\x9d\x90abc"), "compress", uint16(8))
	f.Fuzz(func(t *testing.T, wire []byte, enc string, max uint16) {
		if len(enc) > 40 {
			return
		}
		m := int64(max) + 1
		b, err := readDecoded(bytes.NewReader(wire), enc, "application/octet-stream", m, -1, 16<<20)
		if err != nil {
			t.Fatalf("a body in memory gave a connection error: %v", err)
		}
		if int64(len(b.Data)) > m || b.Size < int64(len(b.Data)) || b.WireSize != int64(len(wire)) {
			t.Fatalf("kept %d of cap %d, size %d, wire %d of %d", len(b.Data), m, b.Size, b.WireSize, len(wire))
		}
		if b.Withheld != "" && (b.Data != nil || b.Encoding != "") {
			t.Fatalf("withheld but kept %d bytes as %q", len(b.Data), b.Encoding)
		}
		if b.Broken == "" && b.Withheld == "" && b.Encoding != "" {
			// Decoded cleanly: encoding the kept bytes again must
			// decode to them, an oracle independent of this reader.
			again, _ := readDecoded(bytes.NewReader(encode(string(b.Data), b.Encoding)), b.Encoding, "application/octet-stream", m, -1, 16<<20)
			if !bytes.Equal(again.Data, b.Data) {
				t.Fatalf("round trip of %q differs", b.Encoding)
			}
		}
	})
}

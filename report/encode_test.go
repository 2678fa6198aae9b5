package report

import (
	"bytes"
	"encoding/base64"
	"io"
	"math/rand"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// randomData makes n bytes of one of a few kinds a body can be: ASCII
// text, text with many blanks and line breaks (the hard cases of
// quoted-printable), Cyrillic UTF-8, and arbitrary bytes.
func randomData(rng *rand.Rand, kind, n int) []byte {
	var alphabet []string
	switch kind {
	case 0:
		alphabet = strings.Split(`abcdefghijklmnopqrstuvwxyz{}[]":,0123456789=`, "")
	case 1:
		alphabet = []string{" ", " ", "\t", "\n", "\r\n", "\r", "a", "=", ".", "-"}
	case 2:
		alphabet = []string{"Анна", "Мария", " ", "\n", `"`, "{", "a"}
	default:
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	var b []byte
	for len(b) < n {
		b = append(b, alphabet[rng.Intn(len(alphabet))]...)
	}
	return b[:n]
}

// TestEncodingsRoundTrip checks, over random data of every kind and
// length, that each encoding's size is exact, that decoders give the bytes
// back (attachments exactly; the body parts with CRLF line breaks), and
// that no line is longer than the encoding allows.
func TestEncodingsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	for i := range 3000 {
		n := rng.Intn(400)
		if i%100 == 0 {
			n = rng.Intn(200 << 10)
		}
		data := randomData(rng, i%4, n)
		for _, e := range []encoding{
			{transfer: transferQP}, {transfer: transferQP, crlf: true},
			{transfer: transferBase64}, {transfer: transfer8bit}, {transfer: transfer8bit, crlf: true},
		} {
			if e.transfer == transfer8bit && !eightBitSafe(data) {
				continue
			}
			var out bytes.Buffer
			if err := e.write(&out, data); err != nil {
				t.Fatal(err)
			}
			if got := e.size(data); got != int64(out.Len()) {
				t.Fatalf("%v crlf=%v: size %d, wrote %d bytes", e.transfer, e.crlf, got, out.Len())
			}
			want := data
			if e.crlf {
				want = crlfLines(data)
			}
			var got []byte
			var err error
			switch e.transfer {
			case transferQP:
				got, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(out.Bytes())))
			case transferBase64:
				got, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(out.String(), "\r\n", ""))
			default:
				got = out.Bytes()
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%v crlf=%v of %q: decoded %q (%v)", e.transfer, e.crlf, data, got, err)
			}
			if e.transfer == transfer8bit {
				continue
			}
			for _, line := range strings.Split(out.String(), "\r\n") {
				if len(line) > 76 || strings.ContainsAny(line, "\r\n") || strings.HasSuffix(line, " ") || strings.HasSuffix(line, "\t") {
					t.Fatalf("%v crlf=%v: bad line %q", e.transfer, e.crlf, line)
				}
			}
		}
	}
}

// crlfLines writes every line break of text (LF or CRLF) as CRLF.
func crlfLines(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

func TestPickEncoding(t *testing.T) {
	tests := map[string]struct {
		data   string
		binary bool
		want   transfer
	}{
		"pretty json":   {"{\n  \"a\": 1\n}\n", false, transfer8bit},
		"long line":     {strings.Repeat("a", 999), false, transferQP},
		"line of 998":   {strings.Repeat("a", 998) + "\n" + strings.Repeat("b", 998), false, transfer8bit},
		"a CR":          {"a\r\nb", false, transferQP},
		"a NUL":         {"a\x00b", false, transferQP},
		"cyrillic":      {strings.Repeat("Анна", 300), false, transferBase64},
		"cyrillic line": {strings.Repeat("Анна ", 40) + "\n", false, transfer8bit},
		"binary":        {"{\n}\n", true, transferBase64},
		"not utf-8":     {"a\xffb", false, transferQP},
		"empty":         {"", false, transfer8bit},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e, size := pickEncoding([]byte(tc.data), tc.binary, false)
			if e.transfer != tc.want {
				t.Errorf("transfer %v, want %v", e.transfer, tc.want)
			}
			if size != e.size([]byte(tc.data)) {
				t.Errorf("size %d, want %d", size, e.size([]byte(tc.data)))
			}
		})
	}
}

// TestPrefixSizer checks the checkpointed sizes of prefixes against a
// full encoding of each prefix, on data whose chunks end in blanks and
// CRs, where the encoder looks ahead.
func TestPrefixSizer(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, kind := range []int{0, 1, 3} {
		data := randomData(rng, kind, 5*checkpointEvery+777)
		// Plant blanks and CRs right before the natural checkpoints.
		for k := 1; k <= 5; k++ {
			copy(data[k*checkpointEvery-3:], " \t\r")
		}
		for _, e := range []encoding{{transfer: transferQP}, {transfer: transferQP, crlf: true}, {transfer: transferBase64}} {
			p := newPrefixSizer(e, data)
			if e.transfer == transferQP && len(p.checks) == 0 {
				t.Fatal("no checkpoints")
			}
			cuts := []int{0, 1, len(data)}
			for _, c := range p.checks {
				cuts = append(cuts, c.off-1, c.off, c.off+1)
			}
			for range 30 {
				cuts = append(cuts, rng.Intn(len(data)+1))
			}
			for _, n := range cuts {
				if got, want := p.size(n), e.size(data[:n]); got != want {
					t.Fatalf("kind %d %v crlf=%v: prefix %d: size %d, want %d", kind, e.transfer, e.crlf, n, got, want)
				}
			}
		}
	}
}

// BenchmarkQPSize measures counting quoted-printable over a 4.5 MiB
// minified JSON-like text.
func BenchmarkQPSize(b *testing.B) {
	data := randomData(rand.New(rand.NewSource(1)), 0, 4608<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		e := encoding{transfer: transferQP}
		_ = e.size(data)
	}
}

package capture

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReplayUndecodableEncodingKeepsNoBytes: a body in a content coding
// that capture cannot decode is withheld whole, since the redactor could
// not see the secrets in it; its size is still counted.
func TestReplayUndecodableEncodingKeepsNoBytes(t *testing.T) {
	const secret = `{"user_token":"0123456789abcdef0123456789abcdef"}`
	tests := map[string]struct {
		encoding string
		body     []byte
		withheld string
	}{
		"compress": {"compress", []byte("\x1f\x9d\x90" + secret),
			"the body is compress-encoded, which altegio-ticket cannot decode; it is left out because secrets in it could not be removed"},
		"gzip over compress": {"compress, gzip", gzipped("\x1f\x9d\x90" + secret),
			"the body is compress-encoded, which altegio-ticket cannot decode; it is left out because secrets in it could not be removed"},
		"two fields, compress second": {"gzip\ncompress", []byte("\x1f\x9d\x90" + secret),
			"the body is compress-encoded, which altegio-ticket cannot decode; it is left out because secrets in it could not be removed"},
		"unknown coding": {"x-custom-" + secret[:5], []byte(secret),
			"the body is encoded with a content coding altegio-ticket does not know, so it cannot be decoded; it is left out because secrets in it could not be removed"},
		"too many layers": {"gzip, gzip, gzip, gzip, gzip", gzipped(gzipstr(gzipstr(gzipstr(gzipstr(secret))))),
			"the body is encoded 5 times over, more than altegio-ticket decodes; it is left out because secrets in it could not be removed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header()["Content-Encoding"] = strings.Split(tc.encoding, "\n")
				w.Write(tc.body)
			})
			ex := get(srv.URL, Options{})
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			b := ex.Response().Body
			want := bodyView{Size: int64(len(tc.body)), WireSize: int64(len(tc.body))}
			if d := cmp.Diff(want, viewOf(b)); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
			if b.Data != nil || b.UTF8 != nil {
				t.Errorf("bytes were kept: %q", b.Data)
			}
			if b.Withheld != tc.withheld {
				t.Errorf("Withheld = %q\n      want %q", b.Withheld, tc.withheld)
			}
			if strings.Contains(b.Withheld, secret[:5]) {
				t.Error("the sentence quotes the header value")
			}
		})
	}
}

func gzipstr(s string) string { return string(gzipped(s)) }

// TestReplayDecodesEncodingChains: a chain of codings the standard
// library has is undone in reverse order, the last applied first.
func TestReplayDecodesEncodingChains(t *testing.T) {
	const msg = `{"success":false,"meta":{"message":"Необходима авторизация"}}`
	tests := map[string]struct {
		encoding string
		body     []byte
		want     string
	}{
		"gzip, gzip":         {"gzip, gzip", gzipped(gzipstr(msg)), "gzip, gzip"},
		"deflate, gzip":      {"deflate, gzip", gzipped(string(deflated(msg))), "deflate, gzip"},
		"identity and case":  {"identity, GZIP", gzipped(msg), "gzip"},
		"x-gzip":             {"x-gzip", gzipped(msg), "gzip"},
		"trailing comma gap": {"gzip,", gzipped(msg), "gzip"},
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

// TestRecordedUndecodableEncoding: a saved response (curl -i) still in a
// coding capture cannot decode is withheld like a replayed one; one that
// was decoded before it was saved (curl --compressed, a browser's HAR)
// is kept.
func TestRecordedUndecodableEncoding(t *testing.T) {
	const secret = `{"user_token":"0123456789abcdef0123456789abcdef"}`
	tests := map[string]struct {
		encoding string
		body     []byte
		decoded  bool
		want     bodyView
		withheld bool
	}{
		"zstd as sent":              {"zstd", zstdFrame(secret), false, bodyView{Data: secret, Size: int64(len(secret)), WireSize: int64(len(zstdFrame(secret))), Encoding: "zstd"}, false},
		"br as sent":                {"br", brotlied(secret), false, bodyView{Data: secret, Size: int64(len(secret)), WireSize: int64(len(brotlied(secret))), Encoding: "br"}, false},
		"gzip over zstd as sent":    {"zstd, gzip", gzipped(string(zstdFrame(secret))), false, bodyView{Data: secret, Size: int64(len(secret)), WireSize: int64(len(gzipped(string(zstdFrame(secret))))), Encoding: "zstd, gzip"}, false},
		"compress as sent":          {"compress", []byte("\x1f\x9d\x90" + secret), false, bodyView{Size: 52, WireSize: 52}, true},
		"br decoded by curl":        {"br", []byte(secret), false, bodyView{Data: secret, Size: int64(len(secret)), WireSize: -1, Encoding: "br"}, false},
		"zstd decoded by a browser": {"zstd", []byte(secret), true, bodyView{Data: secret, Size: int64(len(secret)), WireSize: -1, Encoding: "zstd"}, false},
		"gzip chain as sent":        {"gzip, gzip", gzipped(gzipstr(secret)), false, bodyView{Data: secret, Size: int64(len(secret)), WireSize: int64(len(gzipped(gzipstr(secret)))), Encoding: "gzip, gzip"}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := Recorded(Recording{
				Request: Request{Method: "GET", URL: "https://api.alteg.io/api/v1/x"},
				Response: &RecordedResponse{Status: 200, Header: Headers{{Name: "Content-Encoding", Value: tc.encoding}, {Name: "Content-Type", Value: "application/json"}},
					Body: strings.NewReader(string(tc.body)), Decoded: tc.decoded, WireSize: -1},
			}, Options{})
			b := ex.Response().Body
			tc.want.WireSize = max(tc.want.WireSize, -1)
			if d := cmp.Diff(tc.want, viewOf(b)); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
			if (b.Withheld != "") != tc.withheld {
				t.Errorf("Withheld = %q, want withheld %v", b.Withheld, tc.withheld)
			}
		})
	}
}

// TestDecodingIsBounded: gzip over gzip unfolds a few kilobytes into
// gigabytes; past the bound the rest is counted on the wire, not
// decoded.
func TestDecodingIsBounded(t *testing.T) {
	inner := gzipped(strings.Repeat("\x00", 4<<20)) // 4 MiB in about 4 KiB
	outer := gzipped(string(inner))
	b, err := readDecoded(strings.NewReader(string(outer)), "gzip, gzip", "application/octet-stream", 1<<10, -1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := "the gzip, gzip content decodes to more than 1.0 MiB; decoding stopped there and the rest was counted on the wire only"
	if b.Broken != want || b.WireSize != int64(len(outer)) || len(b.Data) != 1<<10 || !b.Truncated || b.Size != 1<<20+1 {
		t.Errorf("Broken %q, wire %d of %d, kept %d, size %d", b.Broken, b.WireSize, len(outer), len(b.Data), b.Size)
	}
	// Under the bound, every byte is counted.
	b, _ = readDecoded(strings.NewReader(string(outer)), "gzip, gzip", "application/octet-stream", 1<<10, -1, 8<<20)
	if b.Broken != "" || b.Size != 4<<20 {
		t.Errorf("under the bound: Broken %q, size %d", b.Broken, b.Size)
	}
}

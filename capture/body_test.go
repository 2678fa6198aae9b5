package capture

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/encoding/charmap"
)

// bodyView is what a test checks of a recorded body.
type bodyView struct {
	Data, UTF8        string
	Size, WireSize    int64
	Encoding, Charset string
	Binary, Truncated bool
	Broken            string
}

func viewOf(b Body) bodyView {
	return bodyView{Data: string(b.Data), UTF8: string(b.UTF8), Size: b.Size, WireSize: b.WireSize, Encoding: b.Encoding,
		Charset: b.Charset, Binary: b.Binary, Truncated: b.Truncated, Broken: b.Broken}
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}

// corrupt flips the bytes in the middle of b.
func corrupt(b []byte) []byte {
	b = append([]byte(nil), b...)
	for i := len(b) / 2; i < len(b)/2+4; i++ {
		b[i] ^= 0xff
	}
	return b
}

func deflated(s string) []byte {
	var b bytes.Buffer
	zw, _ := flate.NewWriter(&b, flate.BestCompression)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}

func TestReplayResponseBodies(t *testing.T) {
	const msg = `{"success":false,"meta":{"message":"Необходима авторизация"}}`
	cp1251, err := charmap.Windows1251.NewEncoder().String("Ошибка: запись не найдена")
	if err != nil {
		t.Fatal(err)
	}
	// What gzip itself makes of a corrupt stream: the part it decodes
	// and its error.
	bad := corrupt(gzipped(strings.Repeat("abc", 1000)))
	zr, _ := gzip.NewReader(bytes.NewReader(bad))
	badBytes, badErr := io.ReadAll(zr)
	badData := string(badBytes)
	if badErr == nil {
		t.Fatal("the corrupt stream decodes")
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	tests := map[string]struct {
		ctype, encoding string
		body            []byte
		max             int64
		want            bodyView
	}{
		"json": {
			ctype: "application/json", body: []byte(msg),
			want: bodyView{Data: msg, Size: int64(len(msg)), WireSize: int64(len(msg))},
		},
		"gzip": {
			ctype: "application/json; charset=utf-8", encoding: "gzip", body: gzipped(msg),
			want: bodyView{Data: msg, Size: int64(len(msg)), WireSize: int64(len(gzipped(msg))), Encoding: "gzip", Charset: "utf-8"},
		},
		"raw deflate": {
			ctype: "text/plain", encoding: "deflate", body: deflated(msg),
			want: bodyView{Data: msg, Size: int64(len(msg)), WireSize: int64(len(deflated(msg))), Encoding: "deflate"},
		},
		"gzip declared, not gzip": {
			ctype: "text/plain", encoding: "gzip", body: []byte("plain"),
			want: bodyView{Data: "plain", Size: 5, WireSize: 5, Broken: "Content-Encoding says gzip but the body is not gzip; shown as received"},
		},
		"gzip declared, empty": {
			ctype: "text/plain", encoding: "gzip", body: nil,
			want: bodyView{},
		},
		"gzip corrupt mid-stream": {
			ctype: "text/plain", encoding: "gzip", body: bad,
			want: bodyView{Data: badData, Size: int64(len(badData)), WireSize: int64(len(bad)), Encoding: "gzip",
				Broken: "the gzip content could not be decoded after " + ByteCount(int64(len(badData))) + ": " + badErr.Error() + "; the rest was not shown"},
		},
		"windows-1251": {
			ctype: "text/plain; charset=windows-1251", body: []byte(cp1251),
			want: bodyView{Data: cp1251, UTF8: "Ошибка: запись не найдена", Size: int64(len(cp1251)), WireSize: int64(len(cp1251)), Charset: "windows-1251"},
		},
		"png": {
			ctype: "image/png", body: png,
			want: bodyView{Data: string(png), Size: int64(len(png)), WireSize: int64(len(png)), Binary: true},
		},
		"undeclared binary": {
			ctype: "", body: []byte("ab\x00\xffcd"),
			want: bodyView{Data: "ab\x00\xffcd", Size: 6, WireSize: 6, Binary: true},
		},
		"truncated gzip": {
			ctype: "text/plain", encoding: "gzip", body: gzipped(strings.Repeat("x", 1000)), max: 100,
			want: bodyView{Data: strings.Repeat("x", 100), Size: 1000, WireSize: int64(len(gzipped(strings.Repeat("x", 1000)))), Encoding: "gzip", Truncated: true},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				} else {
					w.Header()["Content-Type"] = nil // no sniffing
				}
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				w.Write(tc.body)
			})
			req := Request{Method: "GET", URL: srv.URL, Header: Headers{{Name: "Accept-Encoding", Value: "gzip, deflate", Origin: FromUser}}}
			ex := Replay(context.Background(), req, Options{MaxBody: tc.max})
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			if d := cmp.Diff(tc.want, viewOf(ex.Response().Body)); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
			if tc.encoding != "" && ex.Response().Header.Get("Content-Encoding") != tc.encoding {
				t.Error("Content-Encoding is not kept in the recorded headers")
			}
		})
	}
}

func TestSentBody(t *testing.T) {
	cp1251, _ := charmap.Windows1251.NewEncoder().String("Привет")
	tests := map[string]struct {
		body  []byte
		ctype string
		max   int64
		want  bodyView
	}{
		"none":      {nil, "", 10, bodyView{}},
		"empty":     {[]byte{}, "application/json", 10, bodyView{}},
		"json":      {[]byte(`{"a":1}`), "application/json", 10, bodyView{Data: `{"a":1}`, Size: 7, WireSize: 7}},
		"truncated": {[]byte("0123456789abc"), "text/plain", 10, bodyView{Data: "0123456789", Size: 13, WireSize: 13, Truncated: true}},
		"cp1251":    {[]byte(cp1251), "text/plain; charset=Windows-1251", 100, bodyView{Data: cp1251, UTF8: "Привет", Size: 6, WireSize: 6, Charset: "windows-1251"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := viewOf(sentBody(tc.body, tc.ctype, tc.max))
			if d := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestReadPrefixGrowsToMaxOnly(t *testing.T) {
	for _, n := range []int{0, 1, 32 << 10, 100 << 10} {
		data := bytes.Repeat([]byte("z"), n)
		got, err := readPrefix(bytes.NewReader(data), 64<<10, 512)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(n, 64<<10); len(got) != want || cap(got) > 64<<10 {
			t.Errorf("n=%d: kept %d (cap %d), want %d within 64 KiB", n, len(got), cap(got), want)
		}
	}
}

func TestByteCount(t *testing.T) {
	tests := map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 20: "5.0 MiB", 851758694: "812.3 MiB", 1 << 30: "1.0 GiB"}
	for n, want := range tests {
		if got := ByteCount(n); got != want {
			t.Errorf("ByteCount(%d) = %q, want %q", n, got, want)
		}
	}
}

package capture

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16le(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16be(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func utf32le(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	return out
}

// TestReplayUTF16Text: UTF-16 and UTF-32 are full of NUL bytes, yet a body
// that declares them is text, converted to UTF-8 for the redactor and the
// ticket.
func TestReplayUTF16Text(t *testing.T) {
	const msg = `{"user_token":"abc","message":"Ошибка"}`
	tests := map[string]struct {
		ctype string
		body  []byte
	}{
		"utf-16le":             {"text/plain; charset=utf-16le", utf16le(msg)},
		"utf-16be":             {"text/plain; charset=UTF-16BE", utf16be(msg)},
		"utf-16 with LE BOM":   {"application/json; charset=utf-16", append([]byte{0xff, 0xfe}, utf16le(msg)...)},
		"utf-16 with BE BOM":   {"application/json; charset=utf-16", append([]byte{0xfe, 0xff}, utf16be(msg)...)},
		"utf-16, no BOM, LE":   {"application/json; charset=utf-16", utf16le(msg)},
		"utf-16, no BOM, BE":   {"application/json; charset=\"utf-16\"", utf16be(msg)},
		"utf-32le":             {"text/plain; charset=utf-32le", utf32le(msg)},
		"utf-32 with LE BOM":   {"text/plain; charset=utf-32", append([]byte{0xff, 0xfe, 0, 0}, utf32le(msg)...)},
		"utf-16le, odd length": {"text/plain; charset=utf-16le", append(utf16le(msg), 'x')},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.Write(tc.body)
			})
			ex := get(srv.URL, Options{})
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			b := ex.Response().Body
			if b.Binary {
				t.Fatalf("a %s body is taken for binary", b.Charset)
			}
			got := strings.TrimSuffix(strings.TrimPrefix(string(b.UTF8), "\ufeff"), "\ufffd")
			if got != msg {
				t.Errorf("UTF8 = %q, want %q", b.UTF8, msg)
			}
			if string(b.Data) != string(tc.body) {
				t.Error("Data is not the body as received")
			}
		})
	}
	// Without a declared charset, NUL bytes still mean binary.
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil
		w.Write(utf16le(msg))
	})
	if b := get(srv.URL, Options{}).Response().Body; !b.Binary || b.UTF8 != nil {
		t.Errorf("undeclared UTF-16: binary %v, UTF8 %q; want binary", b.Binary, b.UTF8)
	}
	// A request body too.
	if b := sentBody(utf16le(msg), "application/json; charset=utf-16le", 1<<20); b.Binary || string(b.UTF8) != msg {
		t.Errorf("sent UTF-16 body: binary %v, UTF8 %q", b.Binary, b.UTF8)
	}
}

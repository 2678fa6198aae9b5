package report

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/report/internal/jsontext"
)

// FuzzIndentJSONPrefix checks the bounded pretty-printer against
// json.Indent: on valid JSON objects and arrays it writes the same text,
// and cut short by a limit it writes a prefix of it; anything else it
// refuses, so that the ticket shows the text as it is.
func FuzzIndentJSONPrefix(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, ` {"a":1,"b":[1,2,{}],"c":{"d":null}} `, `[true,false,-0.5e+3,"x\"y\u00e9"]`,
		`{"a" "b"}`, `{"a":}`, `[1,]`, `{,}`, `[01]`, `[1.]`, `{"a":1}}`, `[tru]`, `"x"`, `12`,
		`{"a":[{"b":"Анна"}]}`, "[\"a\nb\"]", `{"a":1`, `[1,2`, `[{"a":[[[]]]}]`, `{"a":"\q"}`,
	} {
		f.Add([]byte(s), 8)
	}
	f.Fuzz(func(t *testing.T, data []byte, limit int) {
		limit = max(1, limit%4096)
		start := jsontext.SkipSpace(data, 0)
		valid := json.Valid(data) && start < len(data) && (data[start] == '{' || data[start] == '[')
		got, consumed, ok := indentJSONPrefix(data, 1<<30)
		if ok != valid {
			t.Fatalf("indentJSONPrefix(%q) ok = %v, json.Valid says %v", data, ok, valid)
		}
		if !valid {
			return
		}
		var want bytes.Buffer
		json.Indent(&want, data, "", "  ")
		wantText := strings.TrimRight(want.String(), " \t\r\n")
		if string(got) != wantText || consumed != len(data) {
			t.Fatalf("indentJSONPrefix(%q) = %q (%d consumed), json.Indent gives %q", data, got, consumed, wantText)
		}
		part, _, ok := indentJSONPrefix(data, limit)
		if !ok || !strings.HasPrefix(wantText, string(part)) || len(part) < min(limit, len(wantText)) {
			t.Fatalf("with limit %d: %q (ok %v) is not a long enough prefix of %q", limit, part, ok, wantText)
		}
	})
}

// TestIndentJSONPrefixReadsLittle checks that a preview of a large body
// reads about as much of it as it shows.
func TestIndentJSONPrefixReadsLittle(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"success":true,"data":[`)
	rng := rand.New(rand.NewSource(1))
	for i := 0; b.Len() < 4<<20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + strings.Repeat("7", 1+rng.Intn(6)) + `,"client":{"name":"Анна","phone":"+7 *** *** ** 67"}}`)
	}
	b.WriteString(`],"meta":[]}`)
	out, consumed, ok := indentJSONPrefix(b.Bytes(), 32<<10)
	if !ok || len(out) < 32<<10 || consumed > 32<<10 {
		t.Fatalf("ok %v, %d bytes out, %d read", ok, len(out), consumed)
	}
}

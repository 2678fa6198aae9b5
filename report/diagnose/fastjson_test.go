package diagnose

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzTopFields holds topFields to json.Unmarshal into a struct of raw
// fields: the same verdict on every text, and the same raw values.
func FuzzTopFields(f *testing.F) {
	for _, s := range []string{
		`{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`,
		`{"success":true,"data":[{"id":1,"a":[1,2.5e-3,true,null,"x\"\u00e9"]}],"meta":[]}`,
		`null`, ` null `, `[]`, `"x"`, `1`, `{}`, `{"a":1,}`, `{"a" 1}`, `{"a":1}}`, `{"a":01}`, `{"a":[1,]}`,
		`{"Success":1,"success":2}`, `{"SUCCESS":true}`, `{"\u0073uccess":true}`, `{"ſuccess":1}`, `{"errors":{"code":401}}`,
		`{"data":"unterminated`, `{"a":tru}`, `{"a":"\q"}`, "{\"a\":\"\x01\"}", `{"a":-}`, `{"a":1.}`, `{"a":1e}`, "{\"a\":\"\xff\"}",
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	} {
		f.Add([]byte(s))
	}
	names := []string{"success", "meta", "errors"}
	f.Fuzz(func(t *testing.T, text []byte) {
		var want struct {
			Success json.RawMessage `json:"success"`
			Meta    json.RawMessage `json:"meta"`
			Errors  json.RawMessage `json:"errors"`
		}
		err := json.Unmarshal(text, &want)
		got, ok := topFields(text, names...)
		if ok != (err == nil) {
			t.Fatalf("topFields(%q) ok = %v, json.Unmarshal says %v", text, ok, err)
		}
		if !ok {
			return
		}
		for i, w := range []json.RawMessage{want.Success, want.Meta, want.Errors} {
			if !bytes.Equal(w, got[i]) {
				t.Fatalf("topFields(%q) %s = %q, json.Unmarshal gives %q", text, names[i], got[i], w)
			}
		}
	})
}

// BenchmarkTopFields reads the envelope of a 4.5 MiB answer.
func BenchmarkTopFields(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"success":true,"data":[`)
	for i := 0; sb.Len() < 4608<<10; i++ {
		sb.WriteString(`{"id":1000000,"client":{"name":"Anna \u0410","phone":"+7 *** *** ** 67"},"services":[{"id":7,"cost":1500.5}],"deleted":false},`)
	}
	sb.WriteString(`{}],"meta":{"count":1}}`)
	text := []byte(sb.String())
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, ok := topFields(text, "success", "meta", "errors"); !ok {
			b.Fatal("not read")
		}
	}
}

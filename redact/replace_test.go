package redact

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

// TestReplaceBuilders holds the two ways replace builds its output
// (bytes.Join for a few matches, appends for many) to each other and to
// strings.ReplaceAll, with every kind of replacement: a placeholder, one
// in quotes for a bare JSON number, and one in a body's charset.
func TestReplaceBuilders(t *testing.T) {
	num, word, cyr := "8274619038475612", "s3cr3t-Value-x9", "пароль-Зx9q"
	e := func(role, v string) *entry {
		return &entry{Secret: Secret{Role: role, Placeholder: "{{" + role + "}}", Value: v}}
	}
	r := newReplacer([]*entry{e("pin", num), e("password", word), e("secret_1", cyr)}, map[string]bool{"windows-1251": true})
	cp, err := charmap.Windows1251.NewEncoder().String(cyr)
	if err != nil {
		t.Fatal(err)
	}
	phCP, _ := charmap.Windows1251.NewEncoder().String("{{secret_1}}")
	item := `{"n":` + num + `,"s":"a ` + word + ` b","c":"` + cp + `"}`
	want := `{"n":"{{pin}}","s":"a {{password}} b","c":"` + phCP + `"}`
	for _, n := range []int{1, 3, maxJoined/3 + 1} { // 3 matches an item: the last is past maxJoined
		text := []byte("[" + strings.Repeat(item+",", n-1) + item + "]")
		ms := r.mt.find(text, false)
		if len(ms) != 3*n {
			t.Fatalf("%d items: %d matches, want %d", n, len(ms), 3*n)
		}
		joined, appended := r.joined(r.mt, text, ms), r.appended(r.mt, text, ms)
		if d := cmp.Diff(string(joined), string(appended)); d != "" {
			t.Fatalf("%d items: joined and appended differ:\n%s", n, d)
		}
		if d := cmp.Diff("["+strings.Repeat(want+",", n-1)+want+"]", string(r.replace(r.mt, text, "body", false))); d != "" {
			t.Fatalf("%d items (-want +got):\n%s", n, d)
		}
		if cap(appended) != len(appended) || bytes.Equal(joined, text) {
			t.Fatalf("%d items: appended has capacity %d for %d bytes", n, cap(appended), len(appended))
		}
	}
}

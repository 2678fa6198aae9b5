package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/redact/redacttest"
	"github.com/google/go-cmp/cmp"
)

// naiveLong is the matcher without any of its shortcuts: every pattern
// searched everywhere is tried at every offset of t with matchFrom (which
// decodes escapes as it goes), with no work budget. It is what findRaw,
// findEscaped and findPartial (Wu-Manber, the escape bytes found with
// IndexByte, the filters on the bytes around them) must find, match for
// match.
func naiveLong(mt *matcher, t []byte, partial bool) []match {
	var ms []match
	for s := range t {
		for _, pi := range mt.long {
			pt := mt.pats[pi].text
			budget := 1 << 40
			if end, esc, ok := mt.matchFrom(t, s, pt, 0, false, &budget); ok {
				ms = append(ms, match{start: s, end: end, pat: pi, esc: esc})
			}
			if !partial {
				continue
			}
			if end, esc, ok := mt.matchFrom(t, s, pt, 0, true, &budget); ok && end == len(t) {
				ms = append(ms, match{start: s, end: end, pat: pi, esc: esc})
			}
		}
	}
	return ms
}

// findCase is a generated matcher and a text to search.
type findCase struct {
	mt      *matcher
	text    []byte
	partial bool
	values  []string
}

// secretRunes are what generated secrets are made of: letters and digits,
// and every byte that starts an escape or is escaped by some encoder.
var secretRunes = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 %&+\\/\"'<>=;#é€")

// noisePieces are stretches of text around the planted forms: escapes
// that decode to nothing planted, cut escapes, and ordinary JSON.
var noisePieces = []string{
	"%", "%2", "%25", "%252", "%41", "%2541", "&", "&amp;", "&amp;amp;", "&#", "&#x41;", "&lt;", "\\", "\\\\", `\u00`,
	`\u0041`, `\\u0041`, "+", " ", `{"id":1,"name":"x"}`, "0123456789", "abcdef", "ABCDEF", "\x00", "é",
}

// genFind builds a matcher for 1 to 4 random secrets (with every form
// patterns gives them: base64 cores, hex, UTF-16) and a text that holds
// some of their forms, whole or cut, escaped in every way the oracle in
// redacttest knows, between noise.
func genFind(r *rand.Rand) findCase {
	var list []*entry
	var values []string
	for i := range 1 + r.IntN(4) {
		var b strings.Builder
		for range 6 + r.IntN(14) {
			b.WriteRune(secretRunes[r.IntN(len(secretRunes))])
		}
		v := b.String()
		role := fmt.Sprintf("secret_%d", i+1)
		e := &entry{Secret: Secret{Role: role, Placeholder: "{{" + role + "}}", Value: v}, literal: r.IntN(2) == 0}
		if r.IntN(3) == 0 {
			e.Role, e.Placeholder = RolePartnerToken, "{{"+RolePartnerToken+"}}"
		}
		list = append(list, e)
		values = append(values, v)
	}
	pats := patterns(list, nil)
	var names []string
	for _, e := range list {
		names = append(names, e.Role)
	}
	mt := newMatcher(pats, names, scopeKeyed)

	var t strings.Builder
	for range 1 + r.IntN(8) {
		if r.IntN(3) == 0 {
			t.WriteString(noisePieces[r.IntN(len(noisePieces))])
			continue
		}
		v := values[r.IntN(len(values))]
		var forms []string
		switch r.IntN(6) {
		case 0:
			forms = redacttest.Forms(v)
		case 1:
			forms = redacttest.NestedForms(v)
		case 2:
			forms = []string{hex.EncodeToString([]byte(v)), strings.ToUpper(hex.EncodeToString([]byte(v))),
				redacttest.UTF16(v, false), redacttest.UTF16(v, true)}
		case 3:
			pre := string([]byte{byte(r.IntN(256)), byte(r.IntN(256))}[:r.IntN(3)])
			forms = []string{base64.StdEncoding.EncodeToString([]byte(pre + v)), base64.RawURLEncoding.EncodeToString([]byte(pre + v))}
		case 4:
			forms = []string{mixedEscape(r, v)}
		default:
			forms = []string{v}
		}
		f := forms[r.IntN(len(forms))]
		if r.IntN(5) == 0 {
			f = f[:r.IntN(len(f)+1)] // a form cut short, or a prefix of one
		}
		t.WriteString(f)
	}
	text := []byte(t.String())
	return findCase{mt: mt, text: text, partial: r.IntN(3) == 0, values: values}
}

// mixedEscape writes each byte of v plain or escaped in a style of its
// own: %XX in either case, \u00XX, &#NN;, &#xXX;, or %25XX.
func mixedEscape(r *rand.Rand, v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch r.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "%%%02X", c)
		case 1:
			fmt.Fprintf(&b, "%%%02x", c)
		case 2:
			if c < 0x80 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		case 3:
			if c < 0x80 {
				fmt.Fprintf(&b, "&#%d;", c)
			} else {
				b.WriteByte(c)
			}
		case 4:
			fmt.Fprintf(&b, "%%25%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// chosen is a chosen match as the replacement uses it. The escapes that
// were decoded to find it (match.esc) are left out: they only name the
// forms in the report, and where two readings of the same bytes end at the
// same place (a secret ending in \ followed by another \: the escape
// "\\", or the byte and half an escape that unitEnd completes) either
// is true.
type chosen struct {
	Start, End int
	Pat        int32
	Quote      bool
}

func chosenOf(ms []match) []chosen {
	var out []chosen
	for _, m := range ms {
		out = append(out, chosen{m.start, m.end, m.pat, m.quote})
	}
	return out
}

func checkFind(t *testing.T, c findCase) {
	t.Helper()
	want := chosenOf(c.mt.finish(c.text, naiveLong(c.mt, c.text, c.partial)))
	got := chosenOf(c.mt.find(c.text, c.partial))
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("secrets %q, partial %v, text %q: find differs from the naive search (-want +got):\n%s", c.values, c.partial, c.text, d)
	}
}

// TestFindMatchesNaive holds the matcher's fast search to naiveLong on
// 3,000 generated secrets and texts (fixed seed).
func TestFindMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 11))
	for range 3000 {
		checkFind(t, genFind(r))
	}
}

// FuzzFind is TestFindMatchesNaive driven by the fuzzer's seed.
func FuzzFind(f *testing.F) {
	for s := range uint64(8) {
		f.Add(s, s*7+1)
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkFind(t, genFind(rand.New(rand.NewPCG(a, b))))
	})
}

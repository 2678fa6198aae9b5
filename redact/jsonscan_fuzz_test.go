package redact

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scanEvent is one callback of scanJSON: a hit, or a long string.
type scanEvent struct {
	Hit  jsonHit
	Long string
}

func scanEvents(scan func([]byte, *nameSet, string, func(jsonHit), func([]byte)), b []byte, ns *nameSet) []scanEvent {
	var out []scanEvent
	scan(b, ns, "", func(h jsonHit) {
		out = append(out, scanEvent{Hit: h})
	}, func(s []byte) {
		out = append(out, scanEvent{Long: string(s)})
	})
	return out
}

// jsonPieces are what jsonText builds texts from: structure, keys that
// are credential names or only end like one (the fast key filter's edge
// cases: paths, indexes, trailing dots and spaces, escapes, a non-ASCII
// space), values, strings that hold JSON, and long strings with dots
// (where a JWT could be).
var jsonPieces = []string{
	`{`, `}`, `[`, `]`, `,`, `:`, ` `, "\n", `"`, `\`, `\"`, `null`, `true`, `12.5e3`,
	`"password"`, `"Pass_Word"`, `"user[password]"`, `"user.password"`, `"password.0"`, `"password."`,
	`"password. "`, "\"password.\u00a0\"", `"password.x"`, `"x.password"`, `"data[0][api_key]"`, `"api-key"`,
	`"\u0070assword"`, `"token"`, `"Token "`, `"token2"`, `"tok.en"`, `"secret"`, `"2fa"`, `"sign"`,
	`"id"`, `"name"`, `"specialization"`, `"company_id"`, `"a.b"`, `"a.s"`, `"[x]"`, `"x]"`, `"x_"`, `"x-"`,
	`"value"`, `"s3cr\"et"`, `"a\\b"`, `"\u00e9t\u00e9"`, `"0123456789abcdef"`,
	`"{\"password\":\"inner-secret\"}"`, `"[{\"token\":1}]"`,
	`"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"`, `"2026-11-08T16:07:00+03:00"`, `"client12345@example.com"`,
	`abcdefghijklmnopqrstuvwx.yz`,
}

// jsonText builds a JSON-like text from r: mostly well formed, sometimes
// not, sometimes cut short.
func jsonText(r *rand.Rand) []byte {
	var b strings.Builder
	n := 1 + r.IntN(60)
	for range n {
		switch k := r.IntN(10); {
		case k < 7:
			b.WriteString(jsonPieces[r.IntN(len(jsonPieces))])
		case k < 8:
			b.WriteString(`"`)
			for range r.IntN(30) {
				b.WriteByte("ab.\\\"x_-] 09"[r.IntN(12)])
			}
			b.WriteString(`"`)
		default:
			b.WriteString(`{"` + []string{"password", "token", "id", "user.password"}[r.IntN(4)] + `":`)
		}
	}
	t := []byte(b.String())
	if r.IntN(4) == 0 {
		t = t[:r.IntN(len(t)+1)]
	}
	return t
}

// FuzzScanJSON holds the fast scanJSON to the plain scanner it replaced
// (scanJSONRef): the same hits, paths and long strings, in the same order,
// on generated JSON-like texts and on the raw fuzz input. Part of every go
// test through its seeds and TestScanJSONMatchesRef; -fuzz drives it longer.
func FuzzScanJSON(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":1,"password":"x"},{"user.password":"y","a.b":{"token":"z"}}]}`), uint64(1))
	f.Add([]byte(`{"password.0":1,"password. ":2,"tok.en":3}`), uint64(2))
	f.Add([]byte("{\"password.\u00a0\":\"v\",\"x.password\":\"w\"}"), uint64(3))
	f.Add([]byte(`{"s":"{\"password\":\"inner\"}","k":"abcdefghijklmnopqrstuvwxyz.0123"}`), uint64(4))
	f.Add([]byte(`{"abcdefgh\"":1,"abcdefg\\":2,"abcdefghijklmnop":"q`), uint64(5))
	ns := newNameSet([]string{"2fa.secret", "s"})
	f.Fuzz(func(t *testing.T, raw []byte, seed uint64) {
		r := rand.New(rand.NewPCG(seed, uint64(len(raw))))
		for _, text := range [][]byte{raw, jsonText(r)} {
			want := scanEvents(scanJSONRef, text, ns)
			got := scanEvents(scanJSON, text, ns)
			if d := cmp.Diff(want, got, cmp.AllowUnexported(jsonHit{}, scanEvent{})); d != "" {
				t.Fatalf("scanJSON(%q) differs from scanJSONRef (-want +got):\n%s", text, d)
			}
		}
	})
}

// TestScanJSONMatchesRef runs FuzzScanJSON's check on 20,000 generated
// texts with a fixed seed.
func TestScanJSONMatchesRef(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	for _, extra := range [][]string{nil, {"2fa.secret", "s"}} {
		ns := newNameSet(extra)
		for range 10000 {
			text := jsonText(r)
			want := scanEvents(scanJSONRef, text, ns)
			got := scanEvents(scanJSON, text, ns)
			if d := cmp.Diff(want, got, cmp.AllowUnexported(jsonHit{}, scanEvent{})); d != "" {
				t.Fatalf("scanJSON(%q) differs from scanJSONRef (-want +got):\n%s", text, d)
			}
		}
	}
}

// TestMaybeMatchesRef holds nameSet.maybe, the key filter, to the one it
// replaced on keys built from pieces of names, separators, cases, path
// characters and escapes, with a name too long to fold as well.
func TestMaybeMatchesRef(t *testing.T) {
	long := strings.Repeat("very_long_field_name_", 4)
	ns := newNameSet([]string{"2fa.secret", "s", long})
	pieces := []string{"pass", "word", "PASS", "Word", "-", "_", "token", "to", "ken", "s", "api", "key", ".", "[", "]", `\u0070`, "x", "é", long, "specialization"}
	r := rand.New(rand.NewPCG(5, 7))
	for range 50000 {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		key := []byte(b.String())
		if got, want := ns.maybe(key), ns.maybeRef(key); got != want {
			t.Fatalf("maybe(%q) = %v, want %v", key, got, want)
		}
	}
}

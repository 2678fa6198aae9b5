package curlcmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGlob: the URLs curl 7.88.1 makes of a pattern, in its order, and
// the patterns it refuses (checked with curl -v against a recorder).
func TestGlob(t *testing.T) {
	tests := map[string]struct {
		url  string
		want []string
		err  string
	}{
		"plain":               {"http://h/p?a=1", []string{"http://h/p?a=1"}, ""},
		"set":                 {"http://h/{one,two}/x", []string{"http://h/one/x", "http://h/two/x"}, ""},
		"json in braces":      {`http://h/p?filter={"a":1}`, []string{`http://h/p?filter="a":1`}, ""},
		"range":               {"http://h/item[1-3]", []string{"http://h/item1", "http://h/item2", "http://h/item3"}, ""},
		"padded, step":        {"http://h/[08-12:2]", []string{"http://h/08", "http://h/10", "http://h/12"}, ""},
		"letters":             {"http://h/[b-d:2]", []string{"http://h/b", "http://h/d"}, ""},
		"last counts fastest": {"http://h/{a,b}[1-2]", []string{"http://h/a1", "http://h/a2", "http://h/b1", "http://h/b2"}, ""},
		"escapes":             {`http://h/p?q=\{x\}&r=\[1\]`, []string{"http://h/p?q={x}&r=[1]"}, ""},
		"escape in set":       {`http://h/{a\,b,c}`, []string{"http://h/a,b", "http://h/c"}, ""},
		"ipv6":                {"http://[::1]:8080/{a,b}", []string{"http://[::1]:8080/a", "http://[::1]:8080/b"}, ""},
		"empty brackets":      {"http://h/p?a[]=1", []string{"http://h/p?a[]=1"}, ""},
		"empty element":       {"http://h/{a,}x", []string{"http://h/ax", "http://h/x"}, ""},
		"unmatched":           {"http://h/{a,b", nil, "unmatched brace"},
		"nested":              {"http://h/{a,{b}}", nil, "nested brace"},
		"empty braces":        {"http://h/{}", nil, "empty string within braces"},
		"close only":          {"http://h/a}", nil, "unmatched close brace/bracket"},
		"bad range":           {"http://h/[3-1]", nil, "bad range"},
		"not a range":         {"http://h/p?a[x]=1", nil, "bad range"},
		"range spec":          {"http://h/[-1]", nil, "bad range specification"},
		"overflow":            {"http://h/[1-4294967295][1-4294967295][1-4294967295]", nil, "range overflow"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g, err := parseGlob(tc.url)
			if tc.err != "" {
				var ge *GlobError
				if !errors.As(err, &ge) || ge.Reason != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := uint64(0); i < g.count; i++ {
				got = append(got, g.at(i))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// expandSlow is the oracle for FuzzGlob: it expands a pattern of sets
// {a,b} and numeric ranges [m-n] by brute recursion, the first glob
// outermost, for the patterns genGlob writes (no escapes, steps or
// letters).
func expandSlow(p string) []string {
	i := strings.IndexAny(p, "{[")
	if i < 0 {
		return []string{p}
	}
	var alts []string
	if p[i] == '{' {
		end := strings.IndexByte(p[i:], '}') + i
		alts = strings.Split(p[i+1:end], ",")
		p = p[:i] + "\x00" + p[end+1:]
	} else {
		end := strings.IndexByte(p[i:], ']') + i
		lo, hi, _ := strings.Cut(p[i+1:end], "-")
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		for n := a; n <= b; n++ {
			alts = append(alts, strconv.Itoa(n))
		}
		p = p[:i] + "\x00" + p[end+1:]
	}
	head, tail, _ := strings.Cut(p, "\x00")
	var out []string
	for _, a := range alts {
		for _, rest := range expandSlow(tail) {
			out = append(out, head+a+rest)
		}
	}
	return out
}

// FuzzGlob checks parseGlob and at against expandSlow on patterns built
// from the fuzzer's bytes: every URL, in the same order.
func FuzzGlob(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{7, 0, 200, 13, 4, 9, 9})
	f.Fuzz(func(t *testing.T, seed []byte) {
		var b strings.Builder
		b.WriteString("http://h/")
		for i := 0; i+1 < len(seed) && i < 12; i += 2 {
			switch seed[i] % 3 {
			case 0:
				fmt.Fprintf(&b, "x%d", seed[i+1]%10)
			case 1:
				n := int(seed[i+1]%3) + 1
				var el []string
				for k := 0; k < n; k++ {
					el = append(el, fmt.Sprintf("s%d", k))
				}
				b.WriteString("{" + strings.Join(el, ",") + "}")
			case 2:
				lo := int(seed[i+1] % 5)
				fmt.Fprintf(&b, "[%d-%d]", lo, lo+int(seed[i+1]/5%3))
			}
		}
		pattern := b.String()
		g, err := parseGlob(pattern)
		if err != nil {
			t.Fatalf("parseGlob(%q): %v", pattern, err)
		}
		want := expandSlow(pattern)
		if g.count != uint64(len(want)) {
			t.Fatalf("%q: count %d, want %d", pattern, g.count, len(want))
		}
		for i, w := range want {
			if got := g.at(uint64(i)); got != w {
				t.Fatalf("%q: URL %d = %q, want %q", pattern, i, got, w)
			}
		}
	})
}

// FuzzGlobParse: any URL is globbed or refused with a one-line error,
// never a panic, and at never panics for an index below count.
func FuzzGlobParse(f *testing.F) {
	for _, s := range []string{"http://h/{a,b}[1-2]", `x\{[a-z:3]`, "[::1]", "{", "[0-", "[1-2:0]", "[a-a:2]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, url string) {
		g, err := parseGlob(url)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error not one line: %q", err)
			}
			return
		}
		if g.count > 0 {
			g.at(0)
			g.at(g.count - 1)
		}
	})
}

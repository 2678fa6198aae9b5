package diagnose

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQuoted is how many characters of server text a finding quotes.
const maxQuoted = 300

// printable writes control and invisible characters as Go escapes (\n,
// \t, \u200b), so that evidence shows them and text from the server cannot
// break a line or steer a terminal. A server can echo a whole body as its
// message; the ticket shows the body itself, so a finding quotes only the
// start.
func printable(s string) string {
	var b strings.Builder
	n := 0
	for i, r := range s {
		if n == maxQuoted {
			fmt.Fprintf(&b, "… (%d more bytes; the whole text is in the response body)", len(s)-i)
			break
		}
		n++
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoted is printable(s) in double quotes, with the quotes inside escaped.
func quoted(s string) string {
	return `"` + strings.ReplaceAll(printable(s), `"`, `\"`) + `"`
}

func ifs(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// concat returns a new slice holding a then b, so that findings that
// share evidence never share a backing array.
func concat(a, b []string) []string {
	return append(append(make([]string, 0, len(a)+len(b)), a...), b...)
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// bodyScalars returns the top-level string and number fields of a JSON
// object body, as text.
func bodyScalars(b []byte) map[string]string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		return nil
	}
	out := map[string]string{}
	for k, raw := range obj {
		var s string
		var n json.Number
		switch {
		case json.Unmarshal(raw, &s) == nil:
			out[k] = s
		case json.Unmarshal(raw, &n) == nil:
			out[k] = n.String()
		}
	}
	return out
}

package redact

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"strings"
)

// jframe is one level of the JSON nesting being scanned.
type jframe struct {
	array bool
	key   []byte // object: the current member's key, still escaped
	index int    // array: the current element
}

// jsonHit is a member whose key names a credential.
type jsonHit struct {
	path   string // "$.data.user_token"
	key    string
	parent string // the enclosing member's key, "" at the top
	value  string // the decoded string, or the scalar as written
}

// scanJSON finds the members of a JSON text whose key is a credential
// name (at any depth, ns.field) and calls visit for each scalar value.
//
// It is a tolerant single pass, not a parser: it never fails, reads what
// it can of a truncated or malformed body, and looks into strings that
// hold JSON themselves ("{\"password\":\"...\"}"). Most of the text is
// skipped quickly: string contents are jumped over, and a key is only
// decoded when its last two bytes could end a credential name.
//
// long is called with the content of every string value of 24 bytes or
// more that holds a dot, where a JWT could be.
func scanJSON(b []byte, ns *nameSet, prefix string, visit func(jsonHit), long func([]byte)) {
	var st []jframe
	expectKey, hit := false, false
	n := len(b)
	for i := 0; i < n; {
		switch c := b[i]; c {
		case '"':
			end, escaped := stringEnd(b, i+1)
			s := b[i+1 : end]
			i = end + 1
			if len(s) >= 24 && long != nil && bytes.IndexByte(s, '.') >= 0 {
				long(s) // a JWT can be a key as well as a value
			}
			if expectKey {
				expectKey = false
				top := &st[len(st)-1]
				top.key = s
				hit = false
				if l := len(s); l > 1 && !escaped && !sep[s[l-1]] && !sep[s[l-2]] && bytes.IndexByte(s, '.') < 0 {
					// The last two bytes rule out most keys inline.
					k := int(s[l-2])<<8 | int(s[l-1])
					if ns.last2[k>>3]&(1<<(k&7)) == 0 {
						continue
					}
				}
				hit = ns.maybe(s) && ns.field(unescapeJSON(s), keyPath(st[:len(st)-1]))
				continue
			}
			if hit {
				visit(newHit(prefix, st, unescapeJSON(s)))
				hit = false
			} else if len(s) > 4 && (s[0] == '{' || s[0] == '[') && bytes.Contains(s, []byte(`\"`)) {
				// A string that holds JSON: scan it as well.
				scanJSON([]byte(unescapeJSON(s)), ns, pathOf(prefix, st)+">", visit, long)
				continue
			}
		case '{':
			st = append(st, jframe{})
			expectKey, hit = true, false
			i++
		case '[':
			st = append(st, jframe{array: true})
			hit = false
			i++
		case '}', ']':
			if len(st) > 0 {
				st = st[:len(st)-1]
			}
			expectKey, hit = false, false
			i++
		case ',':
			if len(st) > 0 {
				if top := &st[len(st)-1]; top.array {
					top.index++
				} else {
					expectKey = true
				}
			}
			hit = false
			i++
		case ' ', '\t', '\r', '\n', ':':
			i++
		default:
			j := i + 1
			for j < n && !jsonDelim[b[j]] {
				j++
			}
			if w := b[i:j]; len(w) >= 24 && long != nil && bytes.IndexByte(w, '.') >= 0 {
				// A bare word: a body labelled JSON may be plain text.
				long(w)
			}
			if hit {
				if v := string(b[i:j]); v != "null" && v != "true" && v != "false" {
					visit(newHit(prefix, st, v))
				}
				hit = false
			}
			expectKey = false
			i = j
		}
	}
}

var sep = [256]bool{'-': true, '_': true, ']': true}

var jsonDelim = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n,:[]{}\"") {
		t[c] = true
	}
	return t
}()

// stringEnd returns the index of the quote that closes the string whose
// content starts at i, or len(b) when the text ends first. It looks at 8
// bytes at a time for a quote or a backslash (SWAR: the classic
// has-zero-byte trick on the word XORed with the byte repeated; the lowest
// flagged byte is always exact).
func stringEnd(b []byte, i int) (end int, escaped bool) {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q, bs := x^(lo*'"'), x^(lo*'\\')
			if m := ((q - lo) &^ q & hi) | ((bs - lo) &^ bs & hi); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for ; i < len(b); i++ {
			if b[i] == '"' || b[i] == '\\' {
				break
			}
		}
		if i >= len(b) {
			return len(b), escaped
		}
		if b[i] == '"' {
			return i, escaped
		}
		escaped = true
		i += 2 // an escape: skip the backslash and the byte it escapes
	}
}

func newHit(prefix string, st []jframe, value string) jsonHit {
	h := jsonHit{path: pathOf(prefix, st), value: value}
	if len(st) > 0 {
		h.key = unescapeJSON(st[len(st)-1].key)
	}
	for k := len(st) - 2; k >= 0; k-- {
		if !st[k].array {
			h.parent = unescapeJSON(st[k].key)
			break
		}
	}
	return h
}

// pathOf renders the nesting as a JSONPath: $.data[0].user_token.
func pathOf(prefix string, st []jframe) string {
	var b strings.Builder
	if prefix == "" {
		b.WriteString("$")
	} else {
		b.WriteString(prefix)
	}
	for _, f := range st {
		if f.array {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		} else {
			b.WriteString("." + unescapeJSON(f.key))
		}
	}
	return b.String()
}

// keyPath lists the keys of the enclosing objects, outermost first.
func keyPath(st []jframe) []string {
	var out []string
	for _, f := range st {
		if !f.array {
			out = append(out, unescapeJSON(f.key))
		}
	}
	return out
}

// unescapeJSON decodes the content of a JSON string; malformed escapes
// are kept as written.
func unescapeJSON(s []byte) string {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var out string
	q := make([]byte, 0, len(s)+2)
	q = append(append(append(q, '"'), s...), '"')
	if json.Unmarshal(q, &out) != nil {
		return string(s)
	}
	return out
}

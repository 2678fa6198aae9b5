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
// skipped quickly: string contents are jumped over 8 bytes at a time, and
// a key is only decoded when its last two bytes could end a credential
// name.
//
// long is called with the content of every string value of 24 bytes or
// more that holds a dot, where a JWT could be.
//
// This loop runs over every byte of every JSON body, so it is written for
// speed (BenchmarkScanJSON); FuzzScanJSON holds it to the plain version it
// replaced (scanJSONRef in jsonscan_ref_test.go), hit for hit.
func scanJSON(b []byte, ns *nameSet, prefix string, visit func(jsonHit), long func([]byte)) {
	sc := jsonScanner{ns: ns, prefix: prefix, visit: visit, long: long}
	sc.run(b)
}

// jsonScanner is the state of scanJSON that the rare paths need; the hot
// loop (run) keeps its own in locals.
type jsonScanner struct {
	ns     *nameSet
	prefix string
	visit  func(jsonHit)
	long   func([]byte)
	st     []jframe
}

func (sc *jsonScanner) run(b []byte) {
	ns := sc.ns
	expectKey, hit := false, false
	n := len(b)
	for i := 0; i < n; {
		c := b[i]
		if c == '"' {
			// stringEnd, with the common case (the string ends in its
			// first 8 bytes) written out here to save a call per string.
			j := i + 1
			end, escaped := j, false
			if j+8 <= n {
				const lo, hi = 0x0101010101010101, 0x8080808080808080
				x := binary.LittleEndian.Uint64(b[j:])
				q, bs := x^(lo*'"'), x^(lo*'\\')
				switch m := ((q - lo) &^ q & hi) | ((bs - lo) &^ bs & hi); {
				case m == 0:
					end, escaped = stringEnd(b, j+8)
				case b[j+bits.TrailingZeros64(m)>>3] == '"':
					end = j + bits.TrailingZeros64(m)>>3
				default:
					end, escaped = stringEnd(b, j)
				}
			} else {
				end, escaped = stringEnd(b, j)
			}
			s := b[j:end]
			i = end + 1
			if len(s) >= 24 && sc.long != nil {
				sc.longString(s) // a JWT can be a key as well as a value
			}
			if expectKey {
				expectKey = false
				sc.st[len(sc.st)-1].key = s
				// The last two bytes rule out most keys, inline.
				ruledOut := false
				if l := len(s); l > 1 && !escaped && !sep[s[l-1]] && !sep[s[l-2]] {
					k := int(s[l-2])<<8 | int(s[l-1])
					ruledOut = ns.last2[k>>3]&(1<<(k&7)) == 0 && (nameEnd[s[l-1]] || bytes.IndexByte(s, '.') < 0)
				}
				hit = !ruledOut && sc.isCredential(s)
				if i < n && b[i] == ':' {
					i++ // what the loop would do, without a turn of it
				}
				continue
			}
			if hit {
				sc.hit(unescapeJSON(s))
				hit = false
			} else if len(s) > 4 && (s[0] == '{' || s[0] == '[') && sc.nested(s) {
				continue
			}
			if i < n && b[i] == ',' && len(sc.st) > 0 && !sc.st[len(sc.st)-1].array {
				expectKey = true // the ',' case below, without a turn of the loop
				i++
			}
			continue
		}
		switch c {
		case '{':
			sc.st = append(sc.st, jframe{})
			expectKey, hit = true, false
			i++
		case '[':
			sc.st = append(sc.st, jframe{array: true})
			hit = false
			i++
		case '}', ']':
			if len(sc.st) > 0 {
				sc.st = sc.st[:len(sc.st)-1]
			}
			expectKey, hit = false, false
			i++
		case ',':
			if len(sc.st) > 0 {
				if top := &sc.st[len(sc.st)-1]; top.array {
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
			if j-i >= 24 && sc.long != nil {
				// A bare word: a body labelled JSON may be plain text.
				sc.longString(b[i:j])
			}
			if hit {
				if v := string(b[i:j]); v != "null" && v != "true" && v != "false" {
					sc.hit(v)
				}
				hit = false
			}
			expectKey = false
			i = j
			if i < n && b[i] == ',' && len(sc.st) > 0 && !sc.st[len(sc.st)-1].array {
				expectKey = true // the ',' case, without a turn of the loop
				i++
			}
		}
	}
}

// longString passes a string or word of 24 bytes or more to long when it
// holds a dot.
func (sc *jsonScanner) longString(s []byte) {
	if bytes.IndexByte(s, '.') >= 0 {
		sc.long(s)
	}
}

// isCredential decides on a key that the inline filter let through.
func (sc *jsonScanner) isCredential(key []byte) bool {
	return sc.ns.maybe(key) && sc.ns.field(unescapeJSON(key), keyPath(sc.st[:len(sc.st)-1]))
}

func (sc *jsonScanner) hit(value string) {
	sc.visit(newHit(sc.prefix, sc.st, value))
}

// nested scans a string that holds JSON ("{\"password\":...}") and
// reports whether it did.
func (sc *jsonScanner) nested(s []byte) bool {
	if !bytes.Contains(s, []byte(`\"`)) {
		return false
	}
	scanJSON([]byte(unescapeJSON(s)), sc.ns, pathOf(sc.prefix, sc.st)+">", sc.visit, sc.long)
	return true
}

// nameEnd marks the bytes that, ending a key, make its last two bytes the
// last two of the name it ends in even when the key is a dotted path: a
// key that ends in one of them and whose last two bytes end no credential
// name cannot be one, "a.b" or not. The others may end a path whose last
// name is elsewhere: "password.0" (an index is not a name), "password."
// and "password. " (empty names are dropped, names are trimmed), and
// "password\u00a0" (a non-ASCII space); such keys are checked for a dot.
var nameEnd = func() (t [256]bool) {
	for c := 0; c < 0x80; c++ {
		t[c] = true
	}
	for _, c := range []byte(".[]-_0123456789 \t\n\v\f\r") {
		t[c] = false
	}
	return t
}()

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

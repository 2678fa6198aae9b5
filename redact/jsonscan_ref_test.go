package redact

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// scanJSONRef, stringEndRef and maybeRef are scanJSON, stringEnd and
// nameSet.maybe as they were before the fast paths (commit 33e30f0): the
// plain scanner that FuzzScanJSON holds the fast one to. Keep them as they
// are; only their names were changed.

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
func scanJSONRef(b []byte, ns *nameSet, prefix string, visit func(jsonHit), long func([]byte)) {
	var st []jframe
	expectKey, hit := false, false
	n := len(b)
	for i := 0; i < n; {
		switch c := b[i]; c {
		case '"':
			end, escaped := stringEndRef(b, i+1)
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
				hit = ns.maybeRef(s) && ns.field(unescapeJSON(s), keyPath(st[:len(st)-1]))
				continue
			}
			if hit {
				visit(newHit(prefix, st, unescapeJSON(s)))
				hit = false
			} else if len(s) > 4 && (s[0] == '{' || s[0] == '[') && bytes.Contains(s, []byte(`\"`)) {
				// A string that holds JSON: scan it as well.
				scanJSONRef([]byte(unescapeJSON(s)), ns, pathOf(prefix, st)+">", visit, long)
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

// stringEnd returns the index of the quote that closes the string whose
// content starts at i, or len(b) when the text ends first. It looks at 8
// bytes at a time for a quote or a backslash (SWAR: the classic
// has-zero-byte trick on the word XORed with the byte repeated; the lowest
// flagged byte is always exact).
func stringEndRef(b []byte, i int) (end int, escaped bool) {
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

// maybe is a fast filter for a raw (still JSON-escaped) key: false means
// it cannot be a credential name. It checks the last two bytes first,
// then the whole name folded in a stack buffer, so that the common case
// costs no allocation.
func (ns *nameSet) maybeRef(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	if bytes.IndexByte(raw, '\\') >= 0 || bytes.ContainsAny(raw, "[].") {
		return true // an escaped key or a path: decide on the decoded name
	}
	if len(raw) > ns.maxLen {
		return false
	}
	// The last two bytes that are not separators.
	var last [2]byte
	n := 0
	for i := len(raw) - 1; i >= 0 && n < 2; i-- {
		if c := raw[i]; c != '-' && c != '_' {
			last[1-n] = c
			n++
		}
	}
	if n == 2 {
		k := int(last[0])<<8 | int(last[1])
		if ns.last2[k>>3]&(1<<(k&7)) == 0 {
			return false
		}
	}
	var buf [128]byte
	n = 0
	for _, c := range raw {
		switch {
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return true
		}
		buf[n] = c
		n++
	}
	return ns.plain[string(buf[:n])] || ns.lasts[string(buf[:n])] || suffixCredential(buf[:n])
}

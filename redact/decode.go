package redact

import (
	"html"
	"unicode/utf16"
	"unicode/utf8"
)

// How a match was written in the text, as a bit set: the escapes that the
// matcher decoded to find it.
const (
	escURL  uint8 = 1 << iota // %XX or + for a space
	escJSON                   // \/, \", \n, \uXXXX ...
	escHTML                   // &amp;, &#47;, &#x2F; ...
)

// decodeUnit decodes one escape at t[i], which is an escape-start byte.
// It returns the bytes the escape stands for (in buf), how many input
// bytes it takes, and its kind; n == 0 when t[i] begins no valid escape.
// Both hex cases are accepted everywhere, and escapes of different kinds
// may follow each other: each unit is decoded on its own, so mixed
// escaping ("a\/b\u0026c", "%2fx%2F") matches as well as uniform escaping.
func decodeUnit(t []byte, i int, buf *[8]byte) (dec []byte, n int, kind uint8) {
	switch t[i] {
	case '+':
		buf[0] = ' '
		return buf[:1], 1, escURL
	case '%':
		if i+2 < len(t) {
			h, ok1 := unhex(t[i+1])
			l, ok2 := unhex(t[i+2])
			if ok1 && ok2 {
				buf[0] = h<<4 | l
				return buf[:1], 3, escURL
			}
		}
	case '\\':
		if i+1 >= len(t) {
			return nil, 0, 0
		}
		switch c := t[i+1]; c {
		case '"', '\\', '/':
			buf[0] = c
			return buf[:1], 2, escJSON
		case 'b', 'f', 'n', 'r', 't':
			buf[0] = jsonControl[c]
			return buf[:1], 2, escJSON
		case 'u':
			r, ok := hex4(t, i+2)
			if !ok {
				return nil, 0, 0
			}
			n := 6
			if utf16.IsSurrogate(r) {
				// A pair written as two escapes: \ud83d\ude00.
				if i+7 >= len(t) || t[i+6] != '\\' || t[i+7] != 'u' {
					return nil, 0, 0
				}
				r2, ok := hex4(t, i+8)
				if !ok {
					return nil, 0, 0
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return nil, 0, 0
				}
				n = 12
			}
			return buf[:utf8.EncodeRune(buf[:], r)], n, escJSON
		}
	case '&':
		return decodeEntity(t, i, buf)
	}
	return nil, 0, 0
}

// decodeEntity decodes an HTML character reference at t[i] == '&':
// decimal (&#47;), hexadecimal (&#x2f; &#X2F;) with any leading zeros,
// or named (&amp; &sol; ...; the full HTML5 list, via package html).
func decodeEntity(t []byte, i int, buf *[8]byte) ([]byte, int, uint8) {
	const maxEntity = 40
	end := -1
	for j := i + 1; j < len(t) && j < i+maxEntity; j++ {
		if t[j] == ';' {
			end = j
			break
		}
		if t[j] == '&' {
			break
		}
	}
	if end < i+2 {
		return nil, 0, 0
	}
	ref := t[i+1 : end]
	if ref[0] == '#' {
		var r rune
		digits := ref[1:]
		base := rune(10)
		if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
			base, digits = 16, digits[1:]
		}
		if len(digits) == 0 {
			return nil, 0, 0
		}
		for _, c := range digits {
			d, ok := unhex(c)
			if !ok || rune(d) >= base {
				return nil, 0, 0
			}
			r = r*base + rune(d)
			if r > utf8.MaxRune {
				return nil, 0, 0
			}
		}
		if !utf8.ValidRune(r) {
			return nil, 0, 0
		}
		return buf[:utf8.EncodeRune(buf[:], r)], end + 1 - i, escHTML
	}
	for _, c := range ref {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return nil, 0, 0
		}
	}
	ent := string(t[i : end+1])
	dec := html.UnescapeString(ent)
	if dec == ent || len(dec) > len(buf) {
		return nil, 0, 0
	}
	return buf[:copy(buf[:], dec)], end + 1 - i, escHTML
}

var jsonControl = [256]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func hex4(t []byte, i int) (rune, bool) {
	if i+4 > len(t) {
		return 0, false
	}
	var r rune
	for _, c := range t[i : i+4] {
		d, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isEscStart marks the bytes that can begin an escape of some layer.
var isEscStart = [256]bool{'%': true, '\\': true, '&': true, '+': true}

// decodeNested decodes, at t[i], one escape written inside another layer
// of escapes, which is how an echo writes a value escaped twice: the outer
// layer, decoded one unit at a time, spells the inner escape. "%2520" is
// "%20" (a space), "%252f" and "%252F" are "%2f", "\\u00e9" is "\u00e9",
// "\u0026amp;" is "&amp;", "&amp;#39;" is "&#39;", and "\&quot;" (JSON
// then HTML) is "\"". The inner escape may be of any kind and either hex
// case, like the outer one. It returns what the inner escape stands for,
// how many bytes of t it takes and both layers' kinds; n == 0 when t[i]
// starts no such escape.
func decodeNested(t []byte, i int, buf *[8]byte) (dec []byte, n int, kind uint8) {
	const maxInner = 16
	var inner [maxInner]byte
	var pos [maxInner + 1]int // pos[k]: the text offset after inner byte k-1
	var ob [8]byte
	d, m, k0 := decodeUnit(t, i, &ob)
	var first byte
	switch {
	case m > 0 && len(d) == 1 && isEscStart[d[0]]:
		first = d[0] // the first inner byte is itself escaped: "%25", "\u0026"
	case m == 0 && t[i] != '+':
		first, m, k0 = t[i], 1, 0 // the first inner byte is raw: "\&quot;"
	default:
		return nil, 0, 0
	}
	inner[0], pos[1] = first, i+m
	outer := k0
	k, j := 1, i+m
	for k < maxInner && j < len(t) && first != '+' {
		c := t[j]
		if isEscStart[c] && c != '+' {
			if d, m, kd := decodeUnit(t, j, &ob); m > 0 && len(d) == 1 {
				inner[k], j, outer = d[0], j+m, outer|kd
				k++
				pos[k] = j
				if k == 3 && inner[0] == '%' || k == 2 && inner[0] == '\\' && d[0] != 'u' {
					break
				}
				continue
			}
		}
		inner[k] = c
		j++
		k++
		pos[k] = j
		if c == ';' || k >= 12 && inner[0] != '&' || k == 3 && inner[0] == '%' || k == 2 && inner[0] == '\\' && c != 'u' {
			break // the inner escape is complete, or cannot be
		}
	}
	dec, n2, kind2 := decodeUnit(inner[:k], 0, buf)
	if n2 == 0 || outer == 0 {
		return nil, 0, 0
	}
	return dec, pos[n2] - i, outer | kind2
}

package redact

import (
	"bytes"
	"cmp"
	"slices"
)

// MinLiteral is the shortest secret that is searched for everywhere. A
// shorter value (a 3-character password found in a "password" field) is
// replaced only where it stands as a whole value: between quotes, after =
// or :, or as a whole header value. Otherwise a value like "abc" would turn
// every "abc" in the ticket into a placeholder. --redact and --redact-env
// values must be at least this long (Policy.Check).
const MinLiteral = 6

// minBase64 is the shortest secret whose base64 forms are searched for;
// below it the encoded core is too short to be told apart from chance.
const minBase64 = 8

// formKind says which form of a secret a pattern is.
type formKind uint8

const (
	formPlain   formKind = iota // the value itself (and its escaped forms)
	formBase64                  // the fully determined middle of its base64
	formAlias                   // another string that reveals it, e.g. a Basic credential
	formCharset                 // the value in a body's declared charset
	formEncoded                 // the value escaped once already (JSON in JSON, HTML in JSON, ...)
)

// pattern is one form of one secret.
type pattern struct {
	text    []byte
	secret  int
	kind    formKind
	inner   uint8 // formEncoded: the escaping the text already has
	bounded bool  // short: match only as a whole value
	// ph replaces the match when set: the placeholder in the charset of
	// the text (UTF-16 must stay UTF-16). Nil means the secret's own.
	ph []byte
}

// match is one occurrence of a pattern in a text.
type match struct {
	start, end int
	pat        int32
	esc        uint8 // the escapes decoded to find it
}

type occurrence struct{ pat, at int32 }

// matcher finds every form of every secret in one pass over a text, and
// the escaped forms in a second, sparse pass:
//
//   - Raw occurrences are found by Wu-Manber: a window of the shortest
//     pattern's length slides over the text, and a table of the 2-byte
//     blocks that occur in the patterns says how far it may jump. On text
//     that holds no secret most windows jump by nearly their own length,
//     so most bytes are never looked at.
//   - Any escaped occurrence (URL, JSON or HTML escapes, mixed or not)
//     contains an escape-start byte (% \ & +). Those bytes are found with
//     bytes.IndexByte, and each is tried as the first escape of a match:
//     the raw bytes before it must be a prefix of a pattern, and the rest
//     is matched while decoding escapes one at a time.
//
// Matches are then chosen leftmost-longest and never across a placeholder,
// so a placeholder is never redacted again and no occurrence of a secret
// survives outside the chosen matches.
type matcher struct {
	pats  []pattern
	long  []int32 // unbounded patterns
	short []int32 // bounded patterns

	m     int             // Wu-Manber window: the shortest long pattern
	shift *[1 << 16]uint8 // jump per 2-byte block
	hash  map[uint16][]int32
	occ   [256][]occurrence // where each byte occurs in the long patterns

	escBytes []byte
	isEsc    [256]bool
	maxLen   int

	protect map[string]bool // placeholder names ("partner_token"), never redacted
}

func newMatcher(pats []pattern, placeholders []string) *matcher {
	mt := &matcher{pats: pats, protect: map[string]bool{}}
	for _, ph := range placeholders {
		mt.protect[ph] = true
	}
	space := false
	for i, p := range pats {
		if p.bounded {
			mt.short = append(mt.short, int32(i))
			continue
		}
		mt.long = append(mt.long, int32(i))
		if mt.m == 0 || len(p.text) < mt.m {
			mt.m = len(p.text)
		}
		mt.maxLen = max(mt.maxLen, len(p.text))
		for k, c := range p.text {
			mt.occ[c] = append(mt.occ[c], occurrence{int32(i), int32(k)})
			space = space || c == ' '
		}
	}
	mt.escBytes = []byte{'%', '\\', '&'}
	if space {
		// '+' only ever stands for a space; without a space in any
		// secret it needs no second look.
		mt.escBytes = append(mt.escBytes, '+')
	}
	for _, c := range mt.escBytes {
		mt.isEsc[c] = true
	}
	if len(mt.long) == 0 {
		return mt
	}
	mt.m = min(mt.m, 32)
	mt.shift = new([1 << 16]uint8)
	for i := range mt.shift {
		mt.shift[i] = uint8(mt.m - 1)
	}
	mt.hash = map[uint16][]int32{}
	for _, pi := range mt.long {
		p := mt.pats[pi].text[:mt.m]
		for q := 2; q <= mt.m; q++ {
			h := uint16(p[q-2])<<8 | uint16(p[q-1])
			if s := uint8(mt.m - q); s < mt.shift[h] {
				mt.shift[h] = s
			}
		}
		h := uint16(p[mt.m-2])<<8 | uint16(p[mt.m-1])
		mt.hash[h] = append(mt.hash[h], pi)
	}
	return mt
}

// find returns the chosen, non-overlapping matches in t, in order. With
// partial, a text that ends inside a secret (a body cut at the size limit)
// also matches at its end, so that no prefix of a secret is left behind.
func (mt *matcher) find(t []byte, partial bool) []match {
	var ms []match
	if len(mt.long) > 0 {
		ms = mt.findRaw(t, ms)
		ms = mt.findEscaped(t, ms)
		if partial {
			ms = mt.findPartial(t, ms)
		}
	}
	ms = mt.findShort(t, ms)
	if len(ms) == 0 {
		return nil
	}
	return mt.choose(t, ms)
}

// findRaw is Wu-Manber over the long patterns.
func (mt *matcher) findRaw(t []byte, ms []match) []match {
	m, shift := mt.m, mt.shift
	for pos := m - 1; pos < len(t); {
		h := uint16(t[pos-1])<<8 | uint16(t[pos])
		if s := shift[h]; s != 0 {
			pos += int(s)
			continue
		}
		start := pos - m + 1
		for _, pi := range mt.hash[h] {
			p := mt.pats[pi].text
			if len(t)-start >= len(p) && bytes.Equal(t[start:start+len(p)], p) {
				ms = append(ms, match{start: start, end: start + len(p), pat: pi})
			}
		}
		pos++
	}
	return ms
}

// findEscaped finds every occurrence that contains an escape-start byte,
// from the first such byte p in it: for every pattern byte p could stand
// for (itself, or what the escape decodes to), the text before p must
// equal the pattern up to that byte, with no escape byte in it, and the
// rest is matched while decoding.
func (mt *matcher) findEscaped(t []byte, ms []match) []match {
	var buf [8]byte
	budget := 64*len(t) + 1<<20
	for _, c := range mt.escBytes {
		for i := 0; ; {
			j := bytes.IndexByte(t[i:], c)
			if j < 0 {
				break
			}
			p := i + j
			i = p + 1
			alts, nalt := [2]byte{c, 0}, 1
			if dec, n, _ := decodeUnit(t, p, &buf); n > 0 && dec[0] != c {
				alts[1], nalt = dec[0], 2
			}
			for _, a := range alts[:nalt] {
				for _, o := range mt.occ[a] {
					s := p - int(o.at)
					pt := mt.pats[o.pat].text
					if s < 0 || o.at > 0 && (t[s] != pt[0] || t[p-1] != pt[o.at-1]) {
						continue
					}
					if !bytes.Equal(t[s:p], pt[:o.at]) || mt.hasEscape(t[s:p]) {
						// An escape byte before p: the match, if any,
						// is found from that one.
						continue
					}
					if end, esc, ok := mt.matchFrom(t, p, pt, int(o.at), false, &budget); ok {
						ms = append(ms, match{start: s, end: end, pat: o.pat, esc: esc})
					}
				}
			}
		}
	}
	return ms
}

func (mt *matcher) hasEscape(b []byte) bool {
	for _, c := range b {
		if mt.isEsc[c] {
			return true
		}
	}
	return false
}

// findPartial matches a secret cut off by the end of t.
func (mt *matcher) findPartial(t []byte, ms []match) []match {
	budget := 1 << 20
	from := max(0, len(t)-12*mt.maxLen)
	for s := from; s < len(t); s++ {
		for _, pi := range mt.long {
			pt := mt.pats[pi].text
			if t[s] != pt[0] && !mt.isEsc[t[s]] {
				continue
			}
			if end, esc, ok := mt.matchFrom(t, s, pt, 0, true, &budget); ok && end == len(t) {
				ms = append(ms, match{start: s, end: end, pat: pi, esc: esc})
			}
		}
	}
	return ms
}

// matchFrom matches p[j:] against t[i:], decoding escapes one unit at a
// time. At an escape-start byte both readings are tried (the escape, and
// the byte itself), and the longer match wins. With partial, running out
// of text after at least 4 bytes of the pattern is a match.
//
// Both readings of "%25", "&amp;" or "\\" can go on matching only against
// a secret that holds such escapes itself; the results at escape bytes are
// remembered so that such a secret against a text full of them costs
// time linear in the secret's length per start. budget bounds the total
// work of one search: once it is spent, each escape is read one way only
// (decoded if that fits, else as itself), so that no text can make the
// search run for long.
func (mt *matcher) matchFrom(t []byte, i int, p []byte, j int, partial bool, budget *int) (int, uint8, bool) {
	var memo map[[2]int]memoResult
	return mt.matchMemo(t, i, p, j, partial, &memo, budget)
}

type memoResult struct {
	end int
	esc uint8
	ok  bool
}

func (mt *matcher) matchMemo(t []byte, i int, p []byte, j int, partial bool, memo *map[[2]int]memoResult, budget *int) (int, uint8, bool) {
	for j < len(p) {
		if i >= len(t) {
			return i, 0, partial && j >= 4
		}
		c := t[i]
		if !mt.isEsc[c] {
			if c != p[j] {
				return 0, 0, false
			}
			i++
			j++
			continue
		}
		key := [2]int{i, j}
		if r, ok := (*memo)[key]; ok {
			return r.end, r.esc, r.ok
		}
		*budget--
		var buf [8]byte
		dec, n, kind := decodeUnit(t, i, &buf)
		if n == 0 && partial && j >= 4 && len(t)-i < 12 {
			// The text ends inside an escape that would have continued
			// the secret ("...secre%7").
			return len(t), 0, true
		}
		best := memoResult{end: -1}
		decoded := n > 0 && bytes.HasPrefix(p[j:], dec)
		if decoded {
			if e, esc, ok := mt.matchMemo(t, i+n, p, j+len(dec), partial, memo, budget); ok {
				best = memoResult{e, esc | kind, true}
			}
		}
		if c == p[j] && (*budget > 0 || !decoded) {
			if e, esc, ok := mt.matchMemo(t, i+1, p, j+1, partial, memo, budget); ok && e > best.end {
				best = memoResult{e, esc, true}
			}
		}
		if *memo == nil {
			*memo = map[[2]int]memoResult{}
		}
		(*memo)[key] = best
		return best.end, best.esc, best.ok
	}
	return i, 0, true
}

// findShort finds the bounded patterns where they stand as a whole value.
func (mt *matcher) findShort(t []byte, ms []match) []match {
	for _, pi := range mt.short {
		p := mt.pats[pi].text
		for i := 0; ; {
			j := bytes.Index(t[i:], p)
			if j < 0 {
				break
			}
			s, e := i+j, i+j+len(p)
			if opensValue(t, s) && (closesValue(t, e) || closesUserinfo(t, s, e)) {
				ms = append(ms, match{start: s, end: e, pat: pi})
			}
			i = s + 1
		}
	}
	return ms
}

// opensValue and closesValue say whether t[s:e] stands as a whole value:
// the same separators end one value and start the next.
func opensValue(t []byte, s int) bool {
	if s == 0 {
		return true
	}
	switch t[s-1] {
	case '"', '\'', '=', ':', ',', ' ', '\t', '\n':
		return true
	}
	return false
}

func closesValue(t []byte, e int) bool {
	if e == len(t) {
		return true
	}
	switch t[e] {
	case '"', '\'', '&', ';', ',', '\\', ' ', '\r', '\n':
		return true
	}
	return false
}

// closesUserinfo reports whether t[s:e] is the password of a URL's
// user:password@, which ends at the @ after it.
func closesUserinfo(t []byte, s, e int) bool {
	return s > 0 && t[s-1] == ':' && e < len(t) && t[e] == '@'
}

// choose picks matches leftmost-longest, without overlaps and never
// across a placeholder that is already in t.
func (mt *matcher) choose(t []byte, ms []match) []match {
	slices.SortFunc(ms, func(a, b match) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(b.end, a.end)
	})
	out := ms[:0]
	cur := 0
	for _, m := range ms {
		if m.start < cur || mt.onPlaceholder(t, m.start, m.end) {
			continue
		}
		out = append(out, m)
		cur = m.end
	}
	return out
}

// maxPlaceholder bounds the length of a placeholder: "{{" + a role of at
// most 60 bytes + "}}".
const maxPlaceholder = 64

// onPlaceholder reports whether t[s:e] overlaps a known placeholder. Only
// the bytes around the match are looked at.
func (mt *matcher) onPlaceholder(t []byte, s, e int) bool {
	from := max(0, s-maxPlaceholder)
	for i := from; i < e; {
		j := bytes.Index(t[i:min(len(t), e+1)], []byte("{{"))
		if j < 0 {
			return false
		}
		g := i + j
		k := g + 2
		for k < len(t) && k-g < maxPlaceholder && (t[k] == '_' || 'a' <= t[k] && t[k] <= 'z' || '0' <= t[k] && t[k] <= '9') {
			k++
		}
		if k+1 < len(t) && t[k] == '}' && t[k+1] == '}' && mt.protect[string(t[g+2:k])] && k+2 > s {
			return true
		}
		i = g + 1
	}
	return false
}

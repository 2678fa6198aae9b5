package redact

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// MinLiteral is the shortest secret that can be searched for everywhere.
// --redact and --redact-env values must be at least this long
// (Policy.Check).
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
	formHex                     // its bytes in hexadecimal, either case
	formUTF16                   // the value in UTF-16, either byte order, with no charset declared
)

// scope says where a pattern is looked for.
type scope uint8

const (
	// scopeAll: everywhere, in the exchange and in every byte the report
	// writes (the safety net, Result.Bytes). Only values that cannot be
	// mistaken for ordinary text (Searchable).
	scopeAll scope = iota
	// scopeData: anywhere in the exchange, never in the report's own
	// text: a --redact value too common to search the ticket for.
	scopeData
	// scopeKeyed: only where the value stands under a name it was found
	// under (password=..., "password": "...", Bearer ..., user:...@), in
	// the exchange: a value too short or too common to search for.
	scopeKeyed
)

// pattern is one form of one secret.
type pattern struct {
	text   []byte
	secret int
	kind   formKind
	scope  scope
	token  bool // the secret is a token the ticket shows: nothing masks it
	// ph replaces the match when set: the placeholder in the charset of
	// the text (UTF-16 must stay UTF-16). Nil means the secret's own.
	ph []byte
}

// match is one occurrence of a pattern in a text.
type match struct {
	start, end int
	pat        int32
	esc        uint8 // the escapes decoded to find it
	quote      bool  // a bare JSON scalar: the placeholder goes in quotes
}

type occurrence struct{ pat, at int32 }

// keyed is a name under which keyed patterns stand, lower-cased, and how
// its value follows it.
type keyed struct {
	name []byte
	sep  sepKind
	pats []int32
}

// sepKind is what stands between a name and its value.
type sepKind uint8

const (
	sepAssign sepKind = iota // = or :, as in a query, a form, JSON or a header
	sepSpace                 // a space: an Authorization scheme, "Bearer <token>"
	sepSlash                 // a slash: the path segment after another
	sepComma                 // a comma: a bare credential after another in Authorization
)

// matcher finds every form of every secret in one pass over a text, and
// the escaped forms in a second, sparse pass:
//
//   - Raw occurrences are found by Wu-Manber: a window of the shortest
//     pattern's length slides over the text, and a table of the 2-byte
//     blocks that occur in the patterns says how far it may jump. On text
//     that holds no secret most windows jump by nearly their own length,
//     so most bytes are never looked at.
//   - Any escaped occurrence (URL, JSON or HTML escapes, mixed or not, one
//     layer or two) contains an escape-start byte (% \ & +). Those bytes
//     are found with bytes.IndexByte, and each is tried as the first
//     escape of a match: the raw bytes before it must be a prefix of a
//     pattern, and the rest is matched while decoding escapes one unit at
//     a time (decodeUnit, decodeNested). Two tables of the patterns' bytes
//     (which start one, which precede which) rule out most escape bytes
//     before any pattern is compared.
//   - Keyed patterns are looked for only after a name they were found
//     under (findKeyed).
//
// Matches are then chosen leftmost-longest, never across a placeholder
// and never inside a token the ticket shows, so a placeholder is never
// redacted again and no occurrence of a secret survives outside the
// chosen matches.
type matcher struct {
	pats     []pattern
	long     []int32 // patterns searched everywhere
	keys     []keyed
	userinfo []int32 // keyed patterns found as the password of user:pass@

	m     int             // Wu-Manber window: the shortest long pattern
	shift *[1 << 16]uint8 // jump per 2-byte block
	hash  map[uint16][]int32
	occ   [256][]occurrence // where each byte occurs in the long patterns
	first byteSet           // the first bytes of the long patterns
	pred  [256]byteSet      // pred[c]: the bytes before a c in a long pattern

	escBytes []byte
	isEsc    [256]bool
	maxLen   int

	protect map[string]bool // placeholder names ("partner_token"), never redacted
}

// newMatcher builds a matcher for the patterns whose scope is at most
// widest: scopeKeyed for the exchange, scopeAll for the safety net.
func newMatcher(all []pattern, placeholders []string, widest scope) *matcher {
	mt := &matcher{pats: all, protect: map[string]bool{}}
	for _, ph := range placeholders {
		mt.protect[ph] = true
	}
	space := false
	for i, p := range all {
		if p.scope > widest {
			continue
		}
		space = space || bytes.IndexByte(p.text, ' ') >= 0
		if p.scope == scopeKeyed {
			continue // see addKey
		}
		mt.long = append(mt.long, int32(i))
		if mt.m == 0 || len(p.text) < mt.m {
			mt.m = len(p.text)
		}
		mt.maxLen = max(mt.maxLen, len(p.text))
		for k, c := range p.text {
			mt.occ[c] = append(mt.occ[c], occurrence{int32(i), int32(k)})
			if k == 0 {
				mt.first.add(c)
			} else {
				mt.pred[c].add(p.text[k-1])
			}
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
	mt.m = max(2, min(mt.m, 32))
	mt.shift = new([1 << 16]uint8)
	for i := range mt.shift {
		mt.shift[i] = uint8(mt.m - 1)
	}
	mt.hash = map[uint16][]int32{}
	for _, pi := range mt.long {
		p := mt.pats[pi].text
		if len(p) < mt.m {
			continue // one byte: found from the escape pass only; see below
		}
		p = p[:mt.m]
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

// byteSet is a set of bytes.
type byteSet [4]uint64

func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

// addKey makes pattern pi a keyed pattern found after name.
func (mt *matcher) addKey(pi int32, name string, sep sepKind) {
	n := []byte(strings.ToLower(name))
	if len(n) == 0 {
		return
	}
	for i := range mt.keys {
		if k := &mt.keys[i]; k.sep == sep && bytes.Equal(k.name, n) {
			if !slices.Contains(k.pats, pi) {
				k.pats = append(k.pats, pi)
			}
			return
		}
	}
	mt.keys = append(mt.keys, keyed{name: n, sep: sep, pats: []int32{pi}})
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
	return mt.finish(t, ms)
}

// finish adds the keyed matches to ms, the matches of the long patterns,
// and chooses among them.
func (mt *matcher) finish(t []byte, ms []match) []match {
	if len(mt.keys) > 0 || len(mt.userinfo) > 0 {
		ms = mt.findKeyed(t, ms)
	}
	if len(ms) == 0 {
		return nil
	}
	for i := range ms {
		ms[i].start, ms[i].end = unitStart(t, ms[i].start), unitEnd(t, ms[i].end)
	}
	ms = mt.choose(t, ms)
	if looksJSON(t) {
		for i := range ms {
			ms[i].quote = ms[i].quote || bareScalar(t, ms[i].start, ms[i].end)
		}
	}
	return ms
}

// findRaw is Wu-Manber over the long patterns. Each step depends on the
// one before (the jump is read from the bytes the last jump landed on),
// so one walk leaves the processor waiting on its loads; four walks, over
// the four quarters of t, interleave and take about half the time.
func (mt *matcher) findRaw(t []byte, ms []match) []match {
	m, shift := mt.m, mt.shift
	// Walk k takes the windows that end in [e[k], e[k+1]).
	q := len(t) / 4
	e := [5]int{m - 1, max(q, m-1), max(2*q, m-1), max(3*q, m-1), len(t)}
	p0, p1, p2, p3 := e[0], e[1], e[2], e[3]
	for p0 < e[1] && p1 < e[2] && p2 < e[3] && p3 < e[4] {
		s0 := shift[uint16(t[p0-1])<<8|uint16(t[p0])]
		s1 := shift[uint16(t[p1-1])<<8|uint16(t[p1])]
		s2 := shift[uint16(t[p2-1])<<8|uint16(t[p2])]
		s3 := shift[uint16(t[p3-1])<<8|uint16(t[p3])]
		// A window whose last two bytes end a pattern: verify it, and go
		// on by one.
		if s0 == 0 {
			ms, s0 = mt.verify(t, p0, ms), 1
		}
		if s1 == 0 {
			ms, s1 = mt.verify(t, p1, ms), 1
		}
		if s2 == 0 {
			ms, s2 = mt.verify(t, p2, ms), 1
		}
		if s3 == 0 {
			ms, s3 = mt.verify(t, p3, ms), 1
		}
		p0 += int(s0)
		p1 += int(s1)
		p2 += int(s2)
		p3 += int(s3)
	}
	for k, p := range [4]int{p0, p1, p2, p3} {
		ms = mt.walk(t, p, e[k+1], ms)
	}
	return ms
}

// walk is one Wu-Manber walk over the windows that end in [pos, end).
func (mt *matcher) walk(t []byte, pos, end int, ms []match) []match {
	for pos < end {
		if s := mt.shift[uint16(t[pos-1])<<8|uint16(t[pos])]; s != 0 {
			pos += int(s)
			continue
		}
		ms = mt.verify(t, pos, ms)
		pos++
	}
	return ms
}

// verify adds the long patterns that occur in the window that ends at
// t[pos].
func (mt *matcher) verify(t []byte, pos int, ms []match) []match {
	h := uint16(t[pos-1])<<8 | uint16(t[pos])
	start := pos - mt.m + 1
	for _, pi := range mt.hash[h] {
		p := mt.pats[pi].text
		if len(t)-start >= len(p) && bytes.Equal(t[start:start+len(p)], p) {
			ms = append(ms, match{start: start, end: start + len(p), pat: pi})
		}
	}
	return ms
}

// findEscaped finds every occurrence that contains an escape-start byte,
// from the first such byte p in it: for every pattern byte p could stand
// for (itself, what the escape decodes to, or what an escape inside an
// escape decodes to), the text before p must equal the pattern up to that
// byte, with no escape byte in it, and the rest is matched while
// decoding.
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
			alts, nalt := [3]byte{c}, 1
			dec, n, _ := decodeUnit(t, p, &buf)
			if n > 0 && dec[0] != c {
				alts[nalt] = dec[0]
				nalt++
			}
			// decodeNested reads an escape inside an escape only when this
			// one decodes to an escape byte, or is none and not a '+'.
			if n > 0 && len(dec) == 1 && isEscStart[dec[0]] || n == 0 && c != '+' {
				if dec, n, _ := decodeNested(t, p, &buf); n > 0 && !slices.Contains(alts[:nalt], dec[0]) {
					alts[nalt] = dec[0]
					nalt++
				}
			}
			for _, a := range alts[:nalt] {
				if !mt.viable(a, t, p) {
					continue
				}
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

// viable reports whether a long pattern could hold the byte a at t[p]:
// one starts with a, or has a after the byte before p. Most escape bytes
// (the + of every phone number) stand where none could.
func (mt *matcher) viable(a byte, t []byte, p int) bool {
	return mt.first.has(a) || p > 0 && mt.pred[a].has(t[p-1])
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
	from := max(0, len(t)-24*mt.maxLen)
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
// time. At an escape-start byte every reading is tried (the escape, an
// escape inside it, and the byte itself), and the longest match wins.
// With partial, running out of text after at least 4 bytes of the pattern
// is a match.
//
// Several readings of "%25", "&amp;" or "\\" can go on matching only
// against a secret that holds such escapes itself; the results at escape
// bytes are remembered so that such a secret against a text full of them
// costs time linear in the secret's length per start. budget bounds the
// total work of one search: once it is spent, each escape is read one way
// only (decoded if that fits, else as itself), so that no text can make
// the search run for long.
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
		if !isEscStart[c] || c == '+' && !mt.isEsc['+'] {
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
		decoded := false
		if n > 0 && bytes.HasPrefix(p[j:], dec) {
			decoded = true
			if e, esc, ok := mt.matchMemo(t, i+n, p, j+len(dec), partial, memo, budget); ok {
				best = memoResult{e, esc | kind, true}
			}
		}
		if *budget > 0 || !decoded {
			if dec, n, kind := decodeNested(t, i, &buf); n > 0 && bytes.HasPrefix(p[j:], dec) {
				decoded = true
				if e, esc, ok := mt.matchMemo(t, i+n, p, j+len(dec), partial, memo, budget); ok && e > best.end {
					best = memoResult{e, esc | kind, true}
				}
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

// findKeyed finds the keyed patterns where they stand under one of their
// names: name=value, name: value, "name":"value" (JSON, JSON in a JSON
// string, HTML-escaped), name%3Dvalue (a query inside a query), with the
// name alone or at the end of a path (user[password], user.password,
// user%5Bpassword%5D), and the value in any of its escaped forms; or a
// token after its Authorization scheme; or a password between the : and
// the @ of a URL's user:password@.
func (mt *matcher) findKeyed(t []byte, ms []match) []match {
	budget := 16*len(t) + 1<<16
	var lower []byte
	for _, k := range mt.keys {
		if len(t) < len(k.name) {
			continue
		}
		if lower == nil {
			lower = lowerASCII(t)
		}
		for i := 0; ; {
			j := bytes.Index(lower[i:], k.name)
			if j < 0 {
				break
			}
			ks := i + j
			ke := ks + len(k.name)
			i = ks + 1
			if !nameStarts(t, ks) {
				continue
			}
			v, jsonKey := valueAfter(t, ke, k.sep)
			if v < 0 {
				continue
			}
			for _, pi := range k.pats {
				pt := mt.pats[pi].text
				end, esc, ok := mt.matchFrom(t, v, pt, 0, false, &budget)
				if ok && closesValue(t, end) {
					quote := jsonKey && v > 0 && t[v-1] != '"' && t[v-1] != '\''
					ms = append(ms, match{start: v, end: end, pat: pi, esc: esc, quote: quote})
				}
			}
		}
	}
	if len(mt.userinfo) > 0 {
		ms = mt.findUserinfo(t, ms, &budget)
	}
	return ms
}

// findUserinfo finds the keyed passwords of user:password@ in the URLs of
// t.
func (mt *matcher) findUserinfo(t []byte, ms []match, budget *int) []match {
	for i := 0; ; {
		j := bytes.Index(t[i:], []byte("://"))
		if j < 0 {
			return ms
		}
		a := i + j + 3
		i = a
		e := a
		for e < len(t) && !bytes.ContainsRune([]byte("/?#\"'<> \t\r\n\\"), rune(t[e])) {
			e++
		}
		at := bytes.LastIndexByte(t[a:e], '@')
		if at < 0 {
			continue
		}
		c := bytes.IndexByte(t[a:a+at], ':')
		if c < 0 {
			continue
		}
		for _, pi := range mt.userinfo {
			pt := mt.pats[pi].text
			if end, esc, ok := mt.matchFrom(t, a+c+1, pt, 0, false, budget); ok && end == a+at {
				ms = append(ms, match{start: a + c + 1, end: end, pat: pi, esc: esc})
			}
		}
	}
}

// lowerASCII returns t with ASCII letters in lower case.
func lowerASCII(t []byte) []byte {
	out := make([]byte, len(t))
	for i, c := range t {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// nameStarts reports whether a name starts at t[s]: at the start of the
// text, after a byte that is no part of a name, or after the [ or . of a
// path, written plain or URL-encoded ("user%5Bpassword%5D").
func nameStarts(t []byte, s int) bool {
	if s == 0 || !nameByte(t[s-1]) {
		return true
	}
	if s >= 3 && t[s-3] == '%' {
		h, ok1 := unhex(t[s-2])
		l, ok2 := unhex(t[s-1])
		return ok1 && ok2 && !nameByte(h<<4|l)
	}
	return false
}

// quoteForms are the ways a quote around a name or a value is written:
// plain, JSON-escaped once or twice, HTML-escaped, URL-encoded.
var quoteForms = [][]byte{
	[]byte(`\\\"`), []byte(`\"`), []byte(`"`), []byte(`'`), []byte("&quot;"), []byte("&#34;"),
	[]byte("&#x22;"), []byte("&#39;"), []byte("&#039;"), []byte("&#x27;"), []byte("%22"), []byte("%27"),
	[]byte("%2522"), []byte(`\u0022`), []byte("&amp;quot;"), []byte(`\u0026quot;`),
}

// skipQuote returns the offset after one quote at t[i], or i.
func skipQuote(t []byte, i int) (int, bool) {
	for _, q := range quoteForms {
		if len(t)-i >= len(q) && bytes.EqualFold(t[i:i+len(q)], q) {
			return i + len(q), true
		}
	}
	return i, false
}

func skipSpace(t []byte, i int) int {
	for i < len(t) && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
		i++
	}
	return i
}

// assignForms are the ways = and : are written: plain, URL-encoded once
// or twice, JSON- or HTML-escaped.
var assignForms = [][]byte{
	[]byte("="), []byte(":"), []byte("%3d"), []byte("%3a"), []byte("%253d"), []byte("%253a"),
	[]byte(`\u003d`), []byte("&#61;"), []byte("&equals;"), []byte("&colon;"), []byte("&#58;"),
}

// valueAfter returns where the value of the name that ends at t[i]
// starts, -1 when no value follows it in the way sep says, and whether
// the name was written as a JSON key ("name": value).
func valueAfter(t []byte, i int, sep sepKind) (int, bool) {
	switch sep {
	case sepSpace:
		for _, s := range [][]byte{[]byte(" "), []byte("+"), []byte("%20"), []byte("%2520")} {
			if len(t)-i >= len(s) && bytes.Equal(t[i:i+len(s)], s) {
				return i + len(s), false
			}
		}
		return -1, false
	case sepComma:
		i = skipSpace(t, i)
		if i < len(t) && t[i] == ',' {
			return skipSpace(t, i+1), false
		}
		return -1, false
	case sepSlash:
		for _, s := range [][]byte{[]byte("/"), []byte("%2f"), []byte("%252f"), []byte(`\/`)} {
			if len(t)-i >= len(s) && bytes.EqualFold(t[i:i+len(s)], s) {
				return i + len(s), false
			}
		}
		return -1, false
	}
	// The end of a path: user[password]=
	for _, s := range [][]byte{[]byte("]"), []byte("%5d"), []byte("%255d")} {
		if len(t)-i >= len(s) && bytes.EqualFold(t[i:i+len(s)], s) {
			i += len(s)
			break
		}
	}
	i, quoted := skipQuote(t, i)
	i = skipSpace(t, i)
	ok := false
	colon := false
	for _, s := range assignForms {
		if len(t)-i >= len(s) && bytes.EqualFold(t[i:i+len(s)], s) {
			colon = s[0] == ':'
			i += len(s)
			ok = true
			break
		}
	}
	if !ok {
		return -1, false
	}
	i = skipSpace(t, i)
	if colon && i < len(t) && t[i] == '[' {
		// "password": ["a"], as httpbin echoes a query.
		i = skipSpace(t, i+1)
	}
	i, _ = skipQuote(t, i)
	return i, quoted && colon
}

// closesValue says whether a value ending at t[e] ends there: at the end
// of the text or before a byte (plain or escaped) that ends a value.
func closesValue(t []byte, e int) bool {
	if e >= len(t) {
		return true
	}
	c := t[e]
	switch c {
	case '%', '&':
		var buf [8]byte
		dec, n, _ := decodeUnit(t, e, &buf)
		if n == 0 {
			dec, n, _ = decodeNested(t, e, &buf)
		}
		if n > 0 {
			c = dec[0]
		}
	}
	switch c {
	case '"', '\'', '&', ';', ',', '\\', ' ', '\t', '\r', '\n', '}', ']', ')', '<', '>', '|', '+', '#', '/', '@':
		return true
	}
	return false
}

// unitStart moves a match's start back to the start of the escape it
// falls inside ("\n", "\u00e9", "%2F", "&amp;"), so that a replacement
// never leaves half an escape: "\{{x}}" would break a JSON string.
func unitStart(t []byte, s int) int {
	for b := max(0, s-12); b < s; b++ {
		if !isEscStart[t[b]] || t[b] == '+' {
			continue
		}
		if t[b] == '\\' && !oddBackslashes(t, b) {
			continue
		}
		var buf [8]byte
		if _, n, _ := decodeUnit(t, b, &buf); n > 0 && b+n > s {
			return b
		}
	}
	return s
}

// oddBackslashes reports whether the backslash at t[b] starts an escape:
// the run of backslashes before it, if any, is of even length.
func oddBackslashes(t []byte, b int) bool {
	n := 0
	for k := b - 1; k >= 0 && t[k] == '\\'; k-- {
		n++
	}
	return n%2 == 0
}

// unitEnd moves a match's end forward to the end of the escape its last
// byte falls inside.
func unitEnd(t []byte, e int) int {
	for b := max(0, e-12); b < e; b++ {
		if !isEscStart[t[b]] || t[b] == '+' {
			continue
		}
		if t[b] == '\\' && !oddBackslashes(t, b) {
			continue
		}
		var buf [8]byte
		if _, n, _ := decodeUnit(t, b, &buf); n > 0 && b+n > e {
			e = b + n
		}
	}
	return e
}

// bareScalar reports whether t[s:e], in a JSON text, is a whole value
// outside a string (a number, true, false, null): its placeholder goes in
// quotes so that the text stays JSON.
func bareScalar(t []byte, s, e int) bool {
	b := s - 1
	for b >= 0 && (t[b] == ' ' || t[b] == '\t' || t[b] == '\n' || t[b] == '\r') {
		b--
	}
	if b < 0 || t[b] != ':' && t[b] != ',' && t[b] != '[' {
		return false
	}
	a := e
	for a < len(t) && (t[a] == ' ' || t[a] == '\t' || t[a] == '\n' || t[a] == '\r') {
		a++
	}
	if a < len(t) && t[a] != ',' && t[a] != '}' && t[a] != ']' {
		return false
	}
	switch v := string(t[s:e]); v {
	case "true", "false", "null":
		return true
	default:
		return strings.Trim(v, "0123456789+-.eE") == "" && v != ""
	}
}

// choose picks matches leftmost-longest, without overlaps, never across a
// placeholder that is already in t, and never inside a token the ticket
// shows: a secret that happens to occur inside a token does not mask it.
func (mt *matcher) choose(t []byte, ms []match) []match {
	slices.SortFunc(ms, func(a, b match) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		if c := cmp.Compare(b.end, a.end); c != 0 {
			return c
		}
		// Ties are broken the same way whatever order the matches were
		// found in, so that a faster search cannot change the result.
		if c := cmp.Compare(a.pat, b.pat); c != 0 {
			return c
		}
		return cmp.Compare(a.esc, b.esc)
	})
	var tokens []match
	cur := 0
	for _, m := range ms {
		if mt.pats[m.pat].token && m.start >= cur {
			tokens = append(tokens, m)
			cur = m.end
		}
	}
	out := ms[:0]
	cur = 0
	k := 0
	for _, m := range ms {
		if m.start < cur || mt.onPlaceholder(t, m.start, m.end) {
			continue
		}
		if !mt.pats[m.pat].token {
			for k < len(tokens) && tokens[k].end <= m.start {
				k++
			}
			// A match that cuts into a token without covering it all.
			if k < len(tokens) && tokens[k].start < m.end && (m.start > tokens[k].start || m.end < tokens[k].end) {
				continue
			}
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

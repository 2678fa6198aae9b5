package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// patterns lists the forms to search for, for every secret. A
// searchable secret (Searchable) is looked for everywhere: the value
// (whose escaped forms the matcher decodes on its own, up to two layers),
// the base64 cores, its hex in both cases, UTF-16 in both byte orders,
// the aliases, and the value in each non-UTF-8 charset the bodies use. A
// --redact value too common for that is looked for plain (and escaped) in
// the exchange only; any other secret that is not searchable only where it
// was found (scopeKeyed).
func patterns(list []*entry, charsets map[string]bool) []pattern {
	var out []pattern
	seen := map[string]bool{}
	add := func(text string, secret int, kind formKind, sc scope) {
		if text == "" || seen[text] {
			return
		}
		seen[text] = true
		out = append(out, pattern{text: []byte(text), secret: secret, kind: kind, scope: sc, token: list[secret].Shareable()})
	}
	var encs []encoding.Encoding
	for _, cs := range slices.Sorted(maps.Keys(charsets)) {
		encs = append(encs, charsetEncodings(cs)...)
	}
	encoded := func(i int, e *entry, enc encoding.Encoding, kind formKind) {
		b, err := enc.NewEncoder().String(e.Value)
		if err != nil || b == e.Value || seen[b] {
			return
		}
		add(b, i, kind, scopeAll)
		if ph, err := enc.NewEncoder().String(e.Placeholder); err == nil && ph != e.Placeholder {
			out[len(out)-1].ph = []byte(ph)
		}
	}
	for i, e := range list {
		sc := e.scope()
		add(e.Value, i, formPlain, sc)
		for _, a := range e.aliases {
			if Searchable(a) {
				add(a, i, formAlias, scopeAll)
			} else {
				add(a, i, formAlias, scopeKeyed)
			}
		}
		if sc != scopeAll {
			continue
		}
		for _, c := range base64Cores(e.Value) {
			add(c, i, formBase64, scopeAll)
		}
		add(hex.EncodeToString([]byte(e.Value)), i, formHex, scopeAll)
		add(strings.ToUpper(hex.EncodeToString([]byte(e.Value))), i, formHex, scopeAll)
		if utf8.ValidString(e.Value) {
			for _, enc := range utf16Encodings {
				encoded(i, e, enc, formUTF16)
			}
		}
		for _, enc := range encs {
			encoded(i, e, enc, formCharset)
		}
	}
	return out
}

// utf16Encodings are searched in every text, with or without a declared
// charset: a UTF-16 body sent as application/octet-stream still reaches
// the ticket.
var utf16Encodings = []encoding.Encoding{
	unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
}

// base64Cores returns, for a value of at least minBase64 bytes, the part
// of its base64 encoding that does not depend on the bytes around it, at
// each of the three alignments the value can have in a longer encoded
// text, in the standard and the URL alphabet. Padding lies outside the
// core, so padded and unpadded encodings both contain it. The characters
// left out at each end carry at most 4 bits of the value each.
func base64Cores(v string) []string {
	if len(v) < minBase64 {
		return nil
	}
	var out []string
	for align := 0; align < 3; align++ {
		buf := make([]byte, align+len(v))
		copy(buf[align:], v)
		enc := base64.StdEncoding.EncodeToString(buf)
		// Character k holds bits [6k, 6k+6); v holds bits
		// [8*align, 8*(align+len(v))).
		lo := (8*align + 5) / 6
		hi := 8 * (align + len(v)) / 6
		core := enc[lo:hi]
		out = append(out, core)
		if u := strings.NewReplacer("+", "-", "/", "_").Replace(core); u != core {
			out = append(out, u)
		}
	}
	return out
}

// charsetEncodings returns the encodings to search a charset's text for.
// UTF-16 and UTF-32 are searched in both byte orders and without a byte
// order mark, since a secret sits in the middle of a text.
func charsetEncodings(cs string) []encoding.Encoding {
	switch c := strings.ToLower(strings.ReplaceAll(cs, "_", "-")); {
	case strings.HasPrefix(c, "utf-16"), c == "ucs-2":
		return []encoding.Encoding{
			unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
			unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
		}
	case strings.HasPrefix(c, "utf-32"), c == "ucs-4":
		return []encoding.Encoding{
			utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM),
			utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM),
		}
	}
	if e := charsetEncoding(cs); e != nil {
		return []encoding.Encoding{e}
	}
	return nil
}

func charsetEncoding(cs string) encoding.Encoding {
	if e, err := ianaindex.MIME.Encoding(cs); err == nil && e != nil {
		return e
	}
	if e, err := htmlindex.Get(cs); err == nil {
		return e
	}
	return nil
}

// replacer replaces every form of every secret with its placeholder and,
// while Scrub runs, counts where.
type replacer struct {
	mt     *matcher // the exchange: every pattern
	net    *matcher // the safety net: the patterns searched everywhere
	ph     [][]byte // placeholder per secret
	places []map[string]int
	order  [][]string
	forms  []map[string]bool
}

func newReplacer(list []*entry, charsets map[string]bool) *replacer {
	r := &replacer{}
	var names []string
	for _, e := range list {
		r.ph = append(r.ph, []byte(e.Placeholder))
		names = append(names, e.Role)
		r.places = append(r.places, map[string]int{})
		r.order = append(r.order, nil)
		r.forms = append(r.forms, map[string]bool{})
	}
	pats := patterns(list, charsets)
	r.mt = newMatcher(pats, names, scopeKeyed)
	r.net = newMatcher(pats, names, scopeAll)
	for i, p := range pats {
		if p.scope != scopeKeyed {
			continue
		}
		e := list[p.secret]
		for _, k := range e.keys {
			r.mt.addKey(int32(i), k.name, k.sep)
		}
		if e.userinfo {
			r.mt.userinfo = append(r.mt.userinfo, int32(i))
		}
	}
	return r
}

// tally returns what was counted for secret i.
func (r *replacer) tally(i int) (int, []Place, []string) {
	total := 0
	var places []Place
	for _, w := range r.order[i] {
		places = append(places, Place{Where: w, Count: r.places[i][w]})
		total += r.places[i][w]
	}
	var forms []string
	for _, f := range formNames {
		if r.forms[i][f] {
			forms = append(forms, f)
		}
	}
	return total, places, forms
}

// formNames are the names of the forms, in the order the report lists them.
var formNames = []string{"plain", "URL-encoded", "JSON-escaped", "HTML-escaped", "base64", "hex", "UTF-16", "Basic credential", "charset"}

func formsOf(kind formKind, esc uint8) []string {
	var out []string
	switch kind {
	case formHex:
		out = append(out, "hex")
	case formUTF16:
		out = append(out, "UTF-16")
	case formBase64:
		out = append(out, "base64")
	case formAlias:
		out = append(out, "Basic credential")
	case formCharset:
		out = append(out, "charset")
	default:
		if esc == 0 {
			out = append(out, "plain")
		}
	}
	if esc&escURL != 0 {
		out = append(out, "URL-encoded")
	}
	if esc&escJSON != 0 {
		out = append(out, "JSON-escaped")
	}
	if esc&escHTML != 0 {
		out = append(out, "HTML-escaped")
	}
	return out
}

// bytes returns b with every match replaced; b itself when nothing
// matched. where names the place for the counts; partial is set for a
// body cut short, whose end may hold the start of a secret.
func (r *replacer) bytes(b []byte, where string, partial bool) []byte {
	if len(b) == 0 {
		return b
	}
	return r.replace(r.mt, b, where, partial)
}

// safe is the safety net over text the report derives from the redacted
// exchange: only the secrets that are safe to search for anywhere, so
// that the ticket's own words, numbers and JSON are never hit.
func (r *replacer) safe(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	return r.replace(r.net, b, "", false)
}

// replace is bytes with the given matcher.
func (r *replacer) replace(mt *matcher, b []byte, where string, partial bool) []byte {
	ms := mt.find(b, partial)
	if len(ms) == 0 {
		return b
	}
	// The output is the one copy of a body that redaction makes: it is
	// allocated once, at its exact size (a placeholder may be longer than
	// what it replaces), and with few matches by bytes.Join, which does
	// not clear memory it is about to fill.
	var out []byte
	if len(ms) <= maxJoined {
		out = r.joined(mt, b, ms)
	} else {
		out = r.appended(mt, b, ms)
	}
	if where != "" { // "" is the safety net, which counts nothing
		for _, m := range ms {
			p := &mt.pats[m.pat]
			if r.places[p.secret][where] == 0 {
				r.order[p.secret] = append(r.order[p.secret], where)
			}
			r.places[p.secret][where]++
			for _, f := range formsOf(p.kind, m.esc) {
				r.forms[p.secret][f] = true
			}
		}
	}
	return out
}

// joined is b with the matches ms replaced, built by bytes.Join.
func (r *replacer) joined(mt *matcher, b []byte, ms []match) []byte {
	pieces := make([][]byte, 0, 4*len(ms)+1)
	last := 0
	for _, m := range ms {
		pieces = append(pieces, b[last:m.start])
		pieces = r.placeholder(pieces, &mt.pats[m.pat], m.quote)
		last = m.end
	}
	return bytes.Join(append(pieces, b[last:]), nil)
}

// appended is joined for many matches, with no list of pieces.
func (r *replacer) appended(mt *matcher, b []byte, ms []match) []byte {
	size := len(b)
	var ph [][]byte
	for _, m := range ms {
		for _, x := range r.placeholder(ph[:0], &mt.pats[m.pat], m.quote) {
			size += len(x)
		}
		size -= m.end - m.start
	}
	out := make([]byte, 0, size)
	last := 0
	for _, m := range ms {
		out = append(out, b[last:m.start]...)
		for _, x := range r.placeholder(ph[:0], &mt.pats[m.pat], m.quote) {
			out = append(out, x...)
		}
		last = m.end
	}
	return append(out, b[last:]...)
}

// maxJoined bounds the matches whose output replace builds with
// bytes.Join: the list of pieces costs 96 bytes a match.
const maxJoined = 1 << 12

// placeholder appends to pieces what replaces a match of p: the
// placeholder in the text's charset, or the secret's, in quotes where the
// match was a bare JSON scalar.
func (r *replacer) placeholder(pieces [][]byte, p *pattern, quote bool) [][]byte {
	switch {
	case p.ph != nil:
		return append(pieces, p.ph)
	case quote:
		return append(pieces, quoteMark, r.ph[p.secret], quoteMark)
	}
	return append(pieces, r.ph[p.secret])
}

var quoteMark = []byte{'"'}

func (r *replacer) str(s, where string) string { return r.cutStr(s, where, false) }

func (r *replacer) headers(h capture.Headers, hop int, side string) capture.Headers {
	out := h.Clone()
	for i := range out {
		at := where(hop, side+out[i].Name)
		name := out[i].Name
		out[i].Name = r.str(name, at)
		// The value is matched after its name, so that a keyed secret
		// (X-Api-Key: ab) is found where it stands; the name, redacted
		// above, is taken off again.
		prefix := name + ": "
		v := r.bytes([]byte(prefix+out[i].Value), at, out[i].Truncated)
		if rest, ok := bytes.CutPrefix(v, []byte(prefix)); ok {
			out[i].Value = string(rest)
		} else {
			out[i].Value = r.cutStr(out[i].Value, at, out[i].Truncated)
		}
	}
	return out
}

// cutStr is str for a text that may have been cut (a long Location or
// URL): a secret cut at its end is matched too.
func (r *replacer) cutStr(s, where string, cut bool) string {
	if s == "" {
		return s
	}
	return string(r.bytes([]byte(s), where, cut))
}

// body redacts a body. The UTF-8 copy is redacted too but not counted: it
// holds the same occurrences as Data.
func (r *replacer) body(b capture.Body, at string) capture.Body {
	cut := b.Truncated || b.Broken != ""
	b.Data = r.bytes(b.Data, at, cut)
	b.UTF8 = r.bytes(b.UTF8, "", cut) // not counted: the same occurrences as Data
	b.Broken = r.str(b.Broken, at)
	b.ContentType = r.str(b.ContentType, at)
	return b
}

// exchange returns a redacted deep copy of ex. Every string the report can
// show passes through here.
func (r *replacer) exchange(ex *capture.Exchange) capture.Exchange {
	out := *ex
	out.Source.From = r.str(ex.Source.From, "source")
	out.Proxy = r.str(ex.Proxy, "proxy URL")
	if ex.Fault != nil {
		f := *ex.Fault
		f.Message, f.Detail = r.str(f.Message, "error message"), r.str(f.Detail, "error message")
		// The received bytes are cut at 256: a secret at the end may be cut
		// too, so they are matched as a cut text.
		f.Received = r.bytes(f.Received, "received bytes", true)
		out.Fault = &f
	}
	out.Hops = make([]capture.Hop, len(ex.Hops))
	for i, h := range ex.Hops {
		h.Request.URL = r.cutStr(h.Request.URL, where(i, "URL"), h.Request.URLTruncated)
		h.Stopped = r.str(h.Stopped, where(i, "redirect"))
		h.Request.Header = r.headers(h.Request.Header, i, "header ")
		h.Request.Body = r.body(h.Request.Body, where(i, "request body"))
		h.Dropped = append([]string(nil), h.Dropped...)
		for j := range h.Dropped {
			h.Dropped[j] = r.str(h.Dropped[j], where(i, "dropped headers"))
		}
		if h.Response != nil {
			resp := *h.Response
			resp.StatusText = r.str(resp.StatusText, where(i, "response status"))
			resp.Header = r.headers(resp.Header, i, "response header ")
			resp.Body = r.body(resp.Body, where(i, "response body"))
			h.Response = &resp
		}
		if h.TLS != nil {
			t := *h.TLS
			at := where(i, "TLS")
			t.VerifyError = r.str(t.VerifyError, at)
			t.ServerName = r.str(t.ServerName, at)
			t.Chain = append([]capture.Cert(nil), t.Chain...)
			for j := range t.Chain {
				c := &t.Chain[j]
				c.Subject, c.Issuer = r.str(c.Subject, at), r.str(c.Issuer, at)
				c.Names = append([]string(nil), c.Names...)
				for k := range c.Names {
					c.Names[k] = r.str(c.Names[k], at)
				}
			}
			h.TLS = &t
		}
		out.Hops[i] = h
	}
	return out
}

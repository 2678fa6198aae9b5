// Package redacttest is the slow, obviously correct oracle the redaction
// tests are checked against, for the tests of every package: it lists, by
// brute force and with the standard library's own encoders, the forms a
// secret can take (Forms, NestedForms), and looks for each one with
// strings.Contains (Leaks). It shares no code with the redactor.
package redacttest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The oracle the redaction tests are checked against: it lists, by brute force and with the standard
// library's own encoders, the forms a secret can take, and looks for each
// one with strings.Contains. It shares no code with the redactor.

// Forms lists the forms of v the issue names: plain; URL-encoded
// (%XX in both hex cases, + for a space); JSON-escaped (Go's encoder with
// and without HTML escaping, PHP's \/, every character as \uXXXX in both
// cases); HTML-escaped (package html, html/template, every character as a
// decimal or hexadecimal reference); and, from 8 bytes, the base64 cores.
func Forms(v string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !Contains(out, s) {
			out = append(out, s)
		}
	}
	add(v)
	for _, u := range []string{url.QueryEscape(v), url.PathEscape(v), PercentAll(v, "%%%02X"), PercentAll(v, "%%%02x")} {
		add(u)
		add(LowerHex(u))
	}
	if utf8.ValidString(v) {
		for _, j := range []string{JSONGo(v, true), JSONGo(v, false)} {
			add(j)
			add(strings.ReplaceAll(j, "/", `\/`))
		}
		add(jsonAllU(v, "\\u%04X"))
		add(jsonAllU(v, "\\u%04x"))
		add(html.EscapeString(v))
		add(template.HTMLEscapeString(v))
		add(EntityAll(v, "&#%d;"))
		add(EntityAll(v, "&#x%X;"))
		add(EntityAll(v, "&#x%x;"))
	}
	for _, c := range oracleBase64Cores(v) {
		add(c)
	}
	// Twice URL-encoded, as a query inside a query, in both hex cases.
	for _, u := range []string{url.QueryEscape(url.QueryEscape(v)), url.PathEscape(url.QueryEscape(v))} {
		add(u)
		add(LowerHex(u))
	}
	// Hex, either case, and UTF-16 in either byte order (no charset said).
	add(fmt.Sprintf("%x", v))
	add(fmt.Sprintf("%X", v))
	if utf8.ValidString(v) {
		add(UTF16(v, false))
		add(UTF16(v, true))
	}
	return out
}

// UTF16 is v in UTF-16, little- or big-endian, written out by hand.
func UTF16(v string, big bool) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(v)) {
		if big {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

var hexEscape = regexp.MustCompile(`%[0-9A-F]{2}`)

func LowerHex(s string) string { return hexEscape.ReplaceAllStringFunc(s, strings.ToLower) }

func PercentAll(v, format string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		fmt.Fprintf(&b, format, v[i])
	}
	return b.String()
}

func JSONGo(v string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(v)
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

func jsonAllU(v, format string) string {
	var b strings.Builder
	for _, r := range v {
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(&b, format, u)
		}
	}
	return b.String()
}

func EntityAll(v, format string) string {
	var b strings.Builder
	for _, r := range v {
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

// oracleBase64Cores encodes v after 0, 1 and 2 filler bytes and keeps the
// characters whose six bits all come from v: character k holds bits
// 6k..6k+5 of the encoded bytes, and v holds bits 8a..8(a+len)-1.
func oracleBase64Cores(v string) []string {
	if len(v) < 8 {
		return nil
	}
	var out []string
	for a := 0; a < 3; a++ {
		buf := append(bytes.Repeat([]byte{0xA5}, a), v...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			s := enc.EncodeToString(buf)
			var core []byte
			for k := 0; k < len(s); k++ {
				if 6*k >= 8*a && 6*k+6 <= 8*(a+len(v)) {
					core = append(core, s[k])
				}
			}
			out = append(out, string(core))
		}
	}
	return out
}

// leaks returns a description of every form of every secret found in
// text outside the placeholders.
func Leaks(text string, secrets map[string][]string, placeholders []string) []string {
	frags := []string{text}
	for _, ph := range placeholders {
		var next []string
		for _, f := range frags {
			next = append(next, strings.Split(f, ph)...)
		}
		frags = next
	}
	var out []string
	for name, forms := range secrets {
		for _, f := range forms {
			for _, fr := range frags {
				if strings.Contains(fr, f) {
					i := strings.Index(fr, f)
					out = append(out, fmt.Sprintf("%s as %q in ...%q...", name, f, fr[max(0, i-40):min(len(fr), i+len(f)+40)]))
					break
				}
			}
		}
	}
	return out
}

func Contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// OneLayer are the escapers a value meets on its way through a server and
// back, each as a real encoder writes it: URL (query, path, every byte,
// either hex case), JSON (Go with and without HTML escapes, Python's
// json.dumps with \u00e9 and / raw, Jackson's upper-case \u00E9, PHP's \/
// and \u00e9), HTML (Go's html and html/template, Python's html.escape
// with &quot; and &#x27;, PHP's htmlspecialchars with &#039;).
var OneLayer = map[string]func(string) string{
	"query":      url.QueryEscape,
	"path":       url.PathEscape,
	"query-low":  func(s string) string { return LowerHex(url.QueryEscape(s)) },
	"every-byte": func(s string) string { return PercentAll(s, "%%%02x") },
	"uri-component": func(s string) string {
		// JavaScript's encodeURIComponent: %20 for a space, = and & escaped.
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if c := s[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
		return b.String()
	},
	"json-go":    func(s string) string { return JSONGo(s, true) },
	"json-plain": func(s string) string { return JSONGo(s, false) },
	"json-python": func(s string) string {
		return asciiJSON(s, "\\u%04x", false)
	},
	"json-jackson":  func(s string) string { return asciiJSON(s, "\\u%04X", false) },
	"json-php":      func(s string) string { return asciiJSON(s, "\\u%04x", true) },
	"html-go":       html.EscapeString,
	"html-template": template.HTMLEscapeString,
	"html-python": func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;").Replace(s)
	},
	"html-php": func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#039;").Replace(s)
	},
}

// asciiJSON escapes like an encoder that writes only ASCII: non-ASCII
// and control characters as \uXXXX in the given case, " and \ escaped,
// and / as \/ when slash is set.
func asciiJSON(s, format string, slash bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/' && slash:
			b.WriteString(`\/`)
		case r < 0x20 || r >= utf8.RuneSelf:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, format, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NestedForms is Forms and every pair of escapers in OneLayer
// applied one inside the other (JSON in JSON, HTML in JSON, URL in URL,
// ...), which is how an echo writes a value it received escaped.
func NestedForms(v string) []string {
	out := Forms(v)
	for _, inner := range OneLayer {
		a := inner(v)
		if !Contains(out, a) {
			out = append(out, a)
		}
		for _, outer := range OneLayer {
			if b := outer(a); b != "" && !Contains(out, b) {
				out = append(out, b)
			}
		}
	}
	return out
}

// Finder looks for many forms at once: one pass of a strings.Replacer per
// text instead of a strings.Contains per form. It is a fast first look;
// Leaks says what it found.
type Finder struct {
	r     *strings.Replacer
	forms map[string][]string
}

// NewFinder returns a Finder for the forms of every named secret.
func NewFinder(forms map[string][]string) *Finder {
	var pairs []string
	for _, fs := range forms {
		for _, f := range fs {
			if f != "" {
				pairs = append(pairs, f, "")
			}
		}
	}
	if len(pairs) == 0 {
		return &Finder{forms: forms}
	}
	return &Finder{r: strings.NewReplacer(pairs...), forms: forms}
}

// Any reports whether text holds any form.
func (f *Finder) Any(text string) bool {
	if f.r == nil || text == "" {
		return false
	}
	// Every form is replaced by "": the text changes if and only if it
	// holds one.
	return f.r.Replace(text) != text
}

// Leaks is the package's Leaks, looked for only when Any finds
// something outside the placeholders.
func (f *Finder) Leaks(text string, placeholders []string) []string {
	if !f.Any(text) {
		return nil
	}
	return Leaks(text, f.forms, placeholders)
}

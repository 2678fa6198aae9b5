package redact_test

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

// This file is the slow, obviously correct oracle the redaction tests are
// checked against: it lists, by brute force and with the standard
// library's own encoders, the forms a secret can take, and looks for each
// one with strings.Contains. It shares no code with the redactor.

// canonForms lists the forms of v the issue names: plain; URL-encoded
// (%XX in both hex cases, + for a space); JSON-escaped (Go's encoder with
// and without HTML escaping, PHP's \/, every character as \uXXXX in both
// cases); HTML-escaped (package html, html/template, every character as a
// decimal or hexadecimal reference); and, from 8 bytes, the base64 cores.
func canonForms(v string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	add(v)
	for _, u := range []string{url.QueryEscape(v), url.PathEscape(v), percentAll(v, "%%%02X"), percentAll(v, "%%%02x")} {
		add(u)
		add(lowerHex(u))
	}
	if utf8.ValidString(v) {
		for _, j := range []string{jsonGo(v, true), jsonGo(v, false)} {
			add(j)
			add(strings.ReplaceAll(j, "/", `\/`))
		}
		add(jsonAllU(v, "\\u%04X"))
		add(jsonAllU(v, "\\u%04x"))
		add(html.EscapeString(v))
		add(template.HTMLEscapeString(v))
		add(entityAll(v, "&#%d;"))
		add(entityAll(v, "&#x%X;"))
		add(entityAll(v, "&#x%x;"))
	}
	for _, c := range oracleBase64Cores(v) {
		add(c)
	}
	return out
}

var hexEscape = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerHex(s string) string { return hexEscape.ReplaceAllStringFunc(s, strings.ToLower) }

func percentAll(v, format string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		fmt.Fprintf(&b, format, v[i])
	}
	return b.String()
}

func jsonGo(v string, escapeHTML bool) string {
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

func entityAll(v, format string) string {
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
func leaks(text string, secrets map[string][]string, placeholders []string) []string {
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

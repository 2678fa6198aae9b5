package diagnose

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// authShape is the Authorization header as the checks see it: its
// redacted text, and its parts read as keywords and tokens. A token whose
// value holds whitespace (redact may have read "Bearer a User b" as one
// token "a User b") is opened up into the words of its value, so that the
// shape is the same however redact split the header.
type authShape struct {
	headers []string // the redacted values, verbatim
	parts   [][]elem // comma-separated parts, in order
}

type elemKind int

const (
	elemKeyword elemKind = iota // Bearer, User, Partner, or another scheme word
	elemToken                   // a token: a placeholder, or text inside a secret's value
)

type elem struct {
	kind elemKind
	kw   string // lower-case keyword ("bearer", "user", "partner") or "" for another word
	word string // the scheme word as written; only set for keywords
	// secret is the secret the token (or the keyword found inside a
	// value) belongs to; nil for a word of the redacted text itself.
	secret  *redact.Secret
	inValue bool // the element came from inside a secret's value
	quoted  bool // quotes around the placeholder in the redacted text
}

var placeholderRE = regexp.MustCompile(`\{\{[A-Za-z0-9_]+\}\}`)

func parseAuth(values []string, secrets []redact.Secret) *authShape {
	byPH := map[string]*redact.Secret{}
	for i := range secrets {
		byPH[secrets[i].Placeholder] = &secrets[i]
	}
	a := &authShape{headers: values}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			var elems []elem
			for _, w := range strings.Fields(part) {
				elems = append(elems, wordElems(w, byPH)...)
			}
			if len(elems) > 0 {
				a.parts = append(a.parts, elems)
			}
		}
	}
	return a
}

// authKeyword returns the Authorization keyword w is, lower case
// ("bearer", "user", "partner"), or "" for any other word.
func authKeyword(w string) string {
	switch kw := strings.ToLower(w); kw {
	case "bearer", "user", "partner":
		return kw
	}
	return ""
}

// wordElems reads one whitespace-separated word of the redacted header.
func wordElems(w string, byPH map[string]*redact.Secret) []elem {
	loc := placeholderRE.FindStringIndex(w)
	if loc == nil {
		if kw := authKeyword(strings.Trim(w, `"'`)); kw != "" {
			return []elem{{kind: elemKeyword, kw: kw, word: w}}
		}
		if isSchemeWord(w) {
			return []elem{{kind: elemKeyword, word: w}}
		}
		// Text redact did not take for a secret; treat it as a token
		// and never show it.
		return []elem{{kind: elemToken}}
	}
	s := byPH[w[loc[0]:loc[1]]]
	quoted := strings.ContainsFunc(w[:loc[0]]+w[loc[1]:], isQuote)
	if s == nil || !strings.ContainsFunc(strings.TrimSpace(s.Value), unicode.IsSpace) {
		return []elem{{kind: elemToken, secret: s, quoted: quoted}}
	}
	// The value holds whitespace: open it up.
	var out []elem
	for _, f := range strings.Fields(s.Value) {
		if kw := authKeyword(f); kw != "" {
			out = append(out, elem{kind: elemKeyword, kw: kw, word: f, secret: s, inValue: true})
		} else {
			out = append(out, elem{kind: elemToken, secret: s, inValue: true, quoted: quoted})
		}
	}
	return out
}

// isSchemeWord says whether w reads as an auth scheme (Basic, Token, JWT,
// a misspelled Bearer) rather than a token, so that it may be named.
func isSchemeWord(w string) bool {
	if len(w) < 2 || len(w) > 12 {
		return false
	}
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// misspelledBearer says whether a scheme word is a typo of Bearer.
func misspelledBearer(w string) bool {
	l := strings.ToLower(w)
	return l != "bearer" && len(l) >= 4 && apispec.EditDistance(l, "bearer") <= 2
}

func (a *authShape) count(kw string) int {
	n := 0
	for _, p := range a.parts {
		for _, e := range p {
			if e.kind == elemKeyword && e.kw == kw {
				n++
			}
		}
	}
	return n
}

// tokensAfter lists the placeholder of the token that follows each
// keyword kw ("" for text redact did not take for a secret), in order.
func (a *authShape) tokensAfter(kw string) []string {
	var out []string
	for _, p := range a.parts {
		for i, e := range p {
			if e.kind != elemKeyword || e.kw != kw || i+1 >= len(p) || p[i+1].kind != elemToken {
				continue
			}
			ph := ""
			if s := p[i+1].secret; s != nil && !p[i+1].inValue {
				ph = s.Placeholder
			}
			out = append(out, ph)
		}
	}
	return out
}

// hasUser says whether a User part is present anywhere.
func (a *authShape) hasUser() bool { return a.count("user") > 0 }

// evidence quotes every Authorization header as redacted.
func (a *authShape) evidence() []string {
	var out []string
	for _, h := range a.headers {
		out = append(out, "Authorization: "+printable(h))
	}
	if len(a.headers) > 1 {
		out = append(out, fmt.Sprintf("(%d Authorization headers were sent)", len(a.headers)))
	}
	// What redaction hid inside a placeholder: scheme words and quotes.
	for _, s := range authSecrets(a) {
		if valueHasKeyword(s.Value) {
			var words []string
			for _, f := range strings.Fields(s.Value) {
				if authKeyword(f) != "" {
					words = append(words, f)
				} else {
					words = append(words, "<token>")
				}
			}
			out = append(out, fmt.Sprintf("%s reads as %q", s.Placeholder, strings.Join(words, " ")))
		}
		var quotes []string
		for _, r := range s.Value {
			if isQuote(r) && !contains(quotes, string(r)) {
				quotes = append(quotes, string(r))
			}
		}
		if len(quotes) > 0 {
			out = append(out, fmt.Sprintf("%s holds the quote characters %s", s.Placeholder, strings.Join(quotes, " ")))
		}
	}
	return out
}

// wantFix is the Authorization header to show as the fix: with the User
// part when the call seems to need one.
func (c *call) wantAuth() string {
	if op := c.specOp(); op != nil {
		// The description says what the operation needs.
		if needs, known := op.NeedsUser(); known && len(op.Security) > 0 {
			if needs || (c.auth != nil && c.auth.hasUser()) {
				return authBoth
			}
			return authPartner
		}
	}
	if (c.auth != nil && c.auth.hasUser()) || isBusinessPath(c.host.path) || hasRole(c.secrets, redact.RoleUserToken) {
		return authBoth
	}
	return authPartner
}

func hasRole(ss []redact.Secret, role string) bool {
	for _, s := range ss {
		if s.Role == role {
			return true
		}
	}
	return false
}

// oddRune describes the first character of a token value that does not
// belong in a token: whitespace, a control or an invisible character. It
// returns "" when there is none. Plain spaces are let through when
// spaces is false, for a value that holds several words of the header.
// Position and length are safe to show; the value is not.
func oddRune(v string, spaces bool) string {
	n := utf8.RuneCountInString(v)
	i := 0
	for _, r := range v {
		i++
		var what string
		switch {
		case r == '\n':
			what = "a newline"
		case r == '\r':
			what = "a carriage return"
		case r == '\t':
			what = "a tab"
		case r == ' ' && !spaces:
			continue
		case r == ' ':
			what = "a space"
		case r == '\u00a0':
			what = "a non-breaking space (U+00A0)"
		case unicode.IsSpace(r):
			what = fmt.Sprintf("a Unicode space (U+%04X)", r)
		case unicode.Is(unicode.Cf, r):
			what = fmt.Sprintf("an invisible character (U+%04X)", r)
		case unicode.IsControl(r):
			what = fmt.Sprintf("a control character (U+%04X)", r)
		case r == utf8.RuneError:
			what = "a byte that is not valid UTF-8"
		case r > unicode.MaxASCII && !isQuote(r):
			what = fmt.Sprintf("a non-ASCII character (U+%04X), e.g. a look-alike letter", r)
		default:
			continue
		}
		return fmt.Sprintf("%s at character %d of %d", what, i, n)
	}
	return ""
}

func isQuote(r rune) bool {
	return strings.ContainsRune("\"'`“”„‘’‚«»", r)
}

// allDigits says whether v is a short run of ASCII digits, the shape of an
// application id or a location id.
func allDigits(v string) bool {
	if v == "" || len(v) > 12 {
		return false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func valueHasKeyword(v string) bool {
	for _, f := range strings.Fields(v) {
		if authKeyword(f) != "" {
			return true
		}
	}
	return false
}

// authSecrets lists the secrets whose placeholders are in the header, once
// each, in order.
func authSecrets(a *authShape) []*redact.Secret {
	var out []*redact.Secret
	seen := map[*redact.Secret]bool{}
	for _, p := range a.parts {
		for _, e := range p {
			if e.secret != nil && !seen[e.secret] {
				seen[e.secret] = true
				out = append(out, e.secret)
			}
		}
	}
	return out
}

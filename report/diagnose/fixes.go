package diagnose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
)

// Fix is a mechanical change to the request that a check proposes, so
// that a caller can replay the call with it and prove the cause: add the
// Accept header, rejoin the Authorization parts, send a form body as JSON,
// move the fields from the query into the body, use https://. A Fix is
// data; Apply rebuilds a request from the caller's own (unredacted)
// request, and the caller sends it.
type Fix struct {
	// IDs are the checks whose findings the fix answers, e.g. ["AT101"].
	IDs []string
	// Label says what the fix changes, with placeholders in place of
	// tokens, as a phrase: "with `Accept: application/vnd.api.v2+json`".
	Label string
	edits []edit
}

type editKind int

const (
	editHeader        editKind = iota + 1 // set a header, replacing every one of that name
	editAuthorization                     // rebuild Authorization from its parts
	editFormToJSON                        // a form body as a JSON object
	editQueryToBody                       // query parameters into a JSON body
	editHTTPS                             // the URL with https://
)

type edit struct {
	kind        editKind
	name, value string   // editHeader
	keys        []string // editQueryToBody
}

// ErrNotApplicable is returned by Fix.Apply when the request lacks what
// the fix changes (no Authorization header to rejoin, no form body).
var ErrNotApplicable = errors.New("the fix does not apply to this request")

// Apply returns req with the fix applied. req is the request as the user
// gave it, secrets and all; Apply never changes it in place.
func (f Fix) Apply(req capture.Request) (capture.Request, error) {
	out := capture.Request{Method: req.Method, URL: req.URL, Header: req.Header.Clone(), Body: slices.Clone(req.Body)}
	if len(f.edits) == 0 {
		return out, ErrNotApplicable
	}
	for _, e := range f.edits {
		var err error
		switch e.kind {
		case editHeader:
			out.Header = setHeader(out.Header, e.name, e.value)
		case editAuthorization:
			err = rejoinAuthorization(&out)
		case editFormToJSON:
			err = formBodyToJSON(&out)
		case editQueryToBody:
			err = queryToBody(&out, e.keys)
		case editHTTPS:
			err = useHTTPS(&out)
		}
		if err != nil {
			return req, err
		}
	}
	return out, nil
}

// Verified is a fix a replay proved: with it, the call answered Status.
type Verified struct {
	Fix        Fix
	Status     int
	StatusText string
}

// proofs maps a check ID to the sentence that proves it.
type proofs map[string]string

func (c *call) verifiedIDs() proofs {
	p := proofs{}
	for _, v := range c.opts.Verified {
		line := strings.TrimSpace(fmt.Sprintf("Fix verified: %s the call returned %d %s", v.Fix.Label, v.Status, v.StatusText))
		for _, id := range v.Fix.IDs {
			if _, ok := p[id]; !ok {
				p[id] = line
			}
		}
	}
	return p
}

func (p proofs) proof(id string) string { return p[id] }

// maxFixes is how many fixes a diagnosis proposes: each costs a call
// against the rate limit.
const maxFixes = 3

// proposeFixes returns the fixes of the likely causes, in rank order,
// then of the mistakes the API has not read yet: it checks a call in
// stages and answers the first thing wrong, so a missing Accept header
// (400) hides a broken Authorization, which only the next call would
// show. One fix per kind of change; with two or more, the last of at most
// maxFixes applies them all together, for mistakes that fail together.
// A mistake in a part the API got past (a 422 naming fields shows the
// headers were read) gets no fix: it cannot change this answer.
func proposeFixes(c *call, hits []*hit) []Fix {
	if !c.failed() {
		return nil
	}
	var picked []*hit
	for _, h := range hits {
		if h.Severity == Likely && h.rule.fix != nil {
			picked = append(picked, h)
		}
	}
	for _, h := range hits {
		if h.Severity == Warning && h.rule.fix != nil && h.rule.isRequest() && c.notReadYet(h.rule.blames) {
			picked = append(picked, h)
		}
	}
	var fixes []Fix
	for _, h := range picked {
		f := h.rule.fix(c)
		if f == nil {
			continue
		}
		merged := false
		for i := range fixes {
			if slices.EqualFunc(fixes[i].edits, f.edits, editEqual) {
				fixes[i].IDs = append(fixes[i].IDs, h.ID)
				merged = true
			}
		}
		if !merged {
			f.IDs = []string{h.ID}
			fixes = append(fixes, *f)
		}
	}
	if len(fixes) < 2 {
		return fixes
	}
	all := Fix{}
	var labels []string
	for _, f := range fixes {
		all.IDs = append(all.IDs, f.IDs...)
		all.edits = append(all.edits, f.edits...)
		labels = append(labels, strings.TrimPrefix(f.Label, "with "))
	}
	all.Label = "with " + strings.Join(labels, " and ")
	return append(fixes[:min(len(fixes), maxFixes-1)], all)
}

// stage is when the API reads a part of a call: the Accept header first,
// then the credentials, then the route and the rights, then the query
// and the body.
func stage(p part) int {
	switch p {
	case partAccept:
		return 1
	case partAuth, partPartner, partUser, partHost:
		return 2
	case partPath, partID, partMethod, partRights, partAccount:
		return 3
	case partQuery, partBody, partFields, partBooking:
		return 4
	}
	return 0
}

// notReadYet says whether the API stopped before it read part p: the
// answer is about an earlier stage.
func (c *call) notReadYet(p part) bool {
	a := stage(c.answer.blames)
	if a == 0 && c.resp != nil && c.resp.Status == 400 {
		a = 1 // a bare 400: most often the first stage
	}
	return c.outcome == outClient && a > 0 && stage(p) > a
}

func editEqual(a, b edit) bool {
	return a.kind == b.kind && a.name == b.name && a.value == b.value && slices.Equal(a.keys, b.keys)
}

// fixAccept: AT101, AT102, AT103.
func fixAccept(c *call) *Fix {
	want := c.wantMedia()
	return &Fix{Label: "with `Accept: " + want + "`", edits: []edit{{kind: editHeader, name: "Accept", value: want}}}
}

// fixAuthorization: AT111 to AT117, AT121. The parts are rejoined from
// the request itself; one token in both roles cannot be rejoined.
func fixAuthorization(c *call) *Fix {
	if !c.hasAuth() || len(authSecrets(c.auth)) == 0 {
		return nil
	}
	want := authPartner
	if c.auth.hasUser() {
		want = authBoth
	}
	return &Fix{Label: "with `Authorization: " + want + "` (the parts rejoined)", edits: []edit{{kind: editAuthorization}}}
}

// fixContentType: AT140.
func fixContentType(c *call) *Fix {
	if text, ok := c.bodyText(); !ok || bodyKind(text) != "json" {
		return nil
	}
	return &Fix{Label: "with `Content-Type: application/json`", edits: []edit{{kind: editHeader, name: "Content-Type", value: "application/json"}}}
}

// fixFormAsJSON: AT141.
func fixFormAsJSON(c *call) *Fix {
	return &Fix{Label: "with the form body sent as JSON", edits: []edit{{kind: editFormToJSON}}}
}

// fixQueryToBody: AT145.
func fixQueryToBody(c *call) *Fix {
	keys := c.queryFieldsForBody()
	if len(keys) == 0 {
		return nil
	}
	return &Fix{Label: "with " + strings.Join(quoteAll(keys), ", ") + " moved from the query into a JSON body", edits: []edit{{kind: editQueryToBody, keys: keys}}}
}

// fixHTTPS: AT130.
func fixHTTPS(c *call) *Fix {
	return &Fix{Label: "with https://", edits: []edit{{kind: editHTTPS}}}
}

// setHeader replaces every header called name with one, where the first
// one stood (at the end when there was none).
func setHeader(h capture.Headers, name, value string) capture.Headers {
	var out capture.Headers
	placed := false
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			if !placed {
				out = append(out, capture.Header{Name: name, Value: value, Origin: capture.FromUser})
				placed = true
			}
			continue
		}
		out = append(out, f)
	}
	if !placed {
		out = append(out, capture.Header{Name: name, Value: value, Origin: capture.FromUser})
	}
	return out
}

// rejoinAuthorization rebuilds Authorization as "Bearer <partner>, User
// <user>" from the tokens the header holds, whatever their order, quotes,
// commas or stray characters: the first token after Bearer (or the first
// bare token) is the partner token, the last token after User the user
// token.
func rejoinAuthorization(req *capture.Request) error {
	vs := req.Header.Values("Authorization")
	if len(vs) == 0 {
		return ErrNotApplicable
	}
	var words []string
	for _, v := range vs {
		v = joinBreaks(v)
		v = strings.Map(func(r rune) rune {
			switch {
			case authSep(r) && r != '\r' && r != '\n':
				return ' ' // a zero-width space is still a space
			case r == '\r' || r == '\n' || unicode.Is(unicode.Cf, r):
				return -1 // a line break or a joiner inside a token
			}
			return r
		}, v)
		words = append(words, strings.Fields(v)...)
	}
	var partner, user string
	scheme := ""
	for _, w := range words {
		kw := authKeyword(w)
		switch {
		case kw != "":
			scheme = kw
			continue
		case scheme == "" && isSchemeWord(w) && (misspelledBearer(w) || len(words) > 1):
			scheme = "bearer" // a misspelled Bearer, or another scheme in its place
			continue
		}
		switch scheme {
		case "bearer", "":
			if partner == "" {
				partner = w
			}
		case "user":
			user = w
		}
		scheme = "-"
	}
	if partner == "" || partner == user {
		return ErrNotApplicable
	}
	v := "Bearer " + partner
	if user != "" {
		v += ", User " + user
	}
	req.Header = setHeader(req.Header, "Authorization", v)
	return nil
}

// joinBreaks removes a line break that splits a token ("abc\ndef", a
// wrapped paste) and turns one next to a scheme word, a comma or a space
// into a space ("User\n<token>").
func joinBreaks(v string) string {
	isBreak := func(r byte) bool { return r == '\r' || r == '\n' }
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if !isBreak(v[i]) {
			b.WriteByte(v[i])
			continue
		}
		j := i
		for j < len(v) && isBreak(v[j]) {
			j++
		}
		before := lastWord(v[:i])
		after := firstWord(v[j:])
		if before == "" || after == "" || authKeyword(before) != "" || authKeyword(after) != "" {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}

// lastWord and firstWord return the word that touches the end or the
// start of s ("" when a space or a comma does).
func lastWord(s string) string {
	if i := strings.LastIndexFunc(s, authSep); i >= 0 {
		_, n := utf8.DecodeRuneInString(s[i:])
		return s[i+n:]
	}
	return s
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, authSep); i >= 0 {
		return s[:i]
	}
	return s
}

// authSep says whether r separates the words of an Authorization header:
// a comma, a quote, or a space (a zero-width space too).
func authSep(r rune) bool {
	return r == ',' || r == '\u200b' || isQuote(r) || unicode.IsSpace(r)
}

// formBodyToJSON sends a form body as a JSON object of strings (a key
// given more than once becomes an array), in the order given.
func formBodyToJSON(req *capture.Request) error {
	text := strings.TrimSpace(string(req.Body))
	if text == "" || !formRE.MatchString(text) {
		return ErrNotApplicable
	}
	var keys []string
	values := map[string][]string{}
	for _, kv := range strings.Split(text, "&") {
		k, v, _ := strings.Cut(kv, "=")
		uk, err1 := url.QueryUnescape(k)
		uv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return ErrNotApplicable
		}
		uk = strings.TrimSuffix(uk, "[]")
		if _, ok := values[uk]; !ok {
			keys = append(keys, uk)
		}
		values[uk] = append(values[uk], uv)
	}
	body, err := orderedJSON(keys, values, nil)
	if err != nil {
		return err
	}
	req.Body = body
	req.Header = setHeader(req.Header, "Content-Type", "application/json")
	return nil
}

// queryToBody moves the named query parameters into a JSON object body,
// added to the object the body already holds.
func queryToBody(req *capture.Request, keys []string) error {
	u, err := url.Parse(req.URL)
	if err != nil {
		return ErrNotApplicable
	}
	var base map[string]json.RawMessage
	if b := bytes.TrimSpace(req.Body); len(b) > 0 && json.Unmarshal(b, &base) != nil {
		return ErrNotApplicable
	}
	q := u.Query()
	values := map[string][]string{}
	var moved []string
	for _, k := range keys {
		if vs, ok := q[k]; ok {
			values[k] = vs
			moved = append(moved, k)
			q.Del(k)
		}
	}
	if len(moved) == 0 {
		return ErrNotApplicable
	}
	body, err := orderedJSON(moved, values, base)
	if err != nil {
		return err
	}
	u.RawQuery = q.Encode()
	req.URL = u.String()
	req.Body = body
	req.Header = setHeader(req.Header, "Content-Type", "application/json")
	return nil
}

// orderedJSON writes a JSON object: base's keys first (sorted), then keys
// in order, each a string or, given more than once, an array of strings.
func orderedJSON(keys []string, values map[string][]string, base map[string]json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	field := func(k string, v []byte) {
		if n > 0 {
			b.WriteByte(',')
		}
		kb, _ := marshalPlain(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
		n++
	}
	for _, k := range sortedKeys(base) {
		if _, dup := values[k]; !dup {
			field(k, base[k])
		}
	}
	for _, k := range keys {
		vs := values[k]
		var v []byte
		var err error
		if len(vs) == 1 {
			v, err = marshalPlain(vs[0])
		} else {
			v, err = marshalPlain(vs)
		}
		if err != nil {
			return nil, err
		}
		field(k, v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// useHTTPS switches the URL to https://, dropping an explicit port 80.
func useHTTPS(req *capture.Request) error {
	u, err := url.Parse(req.URL)
	if err != nil || u.Scheme != "http" {
		return ErrNotApplicable
	}
	u.Scheme = "https"
	if u.Port() == "80" {
		u.Host = u.Hostname()
	}
	req.URL = u.String()
	return nil
}

// marshalPlain is json.Marshal without the HTML escaping of <, > and &:
// the API reads the values as sent, and a password with & must stay one.
func marshalPlain(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

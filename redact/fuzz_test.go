package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report"
	"github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
)

// FuzzScrub checks the redactor's promise on random exchanges: secrets of
// every kind the detector knows are planted in their channel (a token in
// Authorization, a password in a JSON body, a cookie, a --redact value,
// ...), and copies of them are planted at random places (URL, headers,
// bodies, redirect hops, the error message, TLS fields, the proxy) in
// random encodings (plain, URL, JSON and HTML escapes, uniform or mixed,
// base64 at any alignment). Then:
//
//   - no form of any planted secret (oracle_test.go) is left anywhere in
//     the redacted exchange, outside the placeholders;
//   - in the written ticket, decoded part by part, the partner and user
//     tokens appear exactly once in each body part, in the Tokens section,
//     and nowhere else; every other secret appears nowhere.
//
// The seed corpus in testdata/fuzz/FuzzScrub runs with every go test.
func FuzzScrub(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, ok := generate(data)
		if !ok {
			return
		}
		checkScenario(t, sc)
	})
}

// fuzzSeeds are a few inputs that between them select every channel,
// place and encoding; the files in testdata/fuzz/FuzzScrub add more.
func fuzzSeeds() [][]byte {
	var out [][]byte
	for c := 0; c < int(numChannels); c++ {
		for e := 0; e < numEncodings; e += 3 {
			out = append(out, []byte{byte(c*7 + e), 4, byte(c), 20, byte(e), byte(c + e), 3, byte(e + 1), byte(c)})
		}
	}
	return out
}

type channel int

const (
	chPartner   channel = iota // Authorization: Bearer
	chUser                     // Authorization: ..., User
	chBasic                    // Authorization or Proxy-Authorization: Basic
	chJSONField                // request JSON field, any depth
	chRespJSON                 // response JSON field
	chQuery                    // URL query parameter
	chForm                     // form body field
	chCookie                   // Cookie
	chSetCookie                // Set-Cookie
	chHeader                   // X-Api-Key and the like
	chUserinfo                 // user:pass@ in the URL
	chProxy                    // the proxy URL
	chLiteral                  // --redact
	chEnv                      // --redact-env
	chField                    // --redact-field
	chJWT                      // a JWT in a response body
	numChannels
)

// planted is one secret of a scenario.
type planted struct {
	name    string
	value   string
	ch      channel
	literal []string // extra forms planted, as they appear
}

type scenario struct {
	ex      *capture.Exchange
	policy  redact.Policy
	secrets []*planted
	mask    bool
	cp1251  bool
}

// rnd reads choices from the fuzz input, then from a PRNG seeded by it.
type rnd struct {
	data []byte
	i    int
	prng *rand.Rand
}

func (r *rnd) byte() byte {
	if r.i < len(r.data) {
		r.i++
		return r.data[r.i-1]
	}
	if r.prng == nil {
		var seed uint64 = 1469598103934665603
		for _, c := range r.data {
			seed = (seed ^ uint64(c)) * 1099511628211
		}
		r.prng = rand.New(rand.NewPCG(seed, uint64(len(r.data))))
	}
	return byte(r.prng.Uint32())
}

func (r *rnd) intn(n int) int { return int(r.byte()) % n }

const (
	tokenAlpha  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/="
	b64urlAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	cookieAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!#$%&'*+^`|"
)

// freeRunes are what a password or a --redact value may hold: letters,
// digits, every character some encoding escapes, and non-ASCII.
var freeRunes = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /+%&<>\"'\\=?#@:;,.-_!$*()[]|^~`éжß€😀\t")

func (r *rnd) value(alpha string, runes []rune, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if runes != nil {
			b.WriteRune(runes[r.intn(len(runes))])
		} else {
			b.WriteByte(alpha[r.intn(len(alpha))])
		}
	}
	return b.String()
}

var credentialNames = []string{"password", "new_password", "api_key", "access_token", "refresh_token", "secret", "sign", "user_data_sign", "Api-Key", "PASSWORD", "signature"}

// generate builds a scenario from data; false when the secrets it drew
// overlap (one inside another's form) or collide with the ticket's own
// text, where the property is not defined.
func generate(data []byte) (*scenario, bool) {
	r := &rnd{data: data}
	sc := &scenario{mask: r.intn(4) == 0, cp1251: r.intn(5) == 0}
	sc.policy.PII = r.intn(4) == 0
	n := 1 + r.intn(5)
	have := map[channel]bool{}
	for i := 0; i < n; i++ {
		ch := channel(r.intn(int(numChannels)))
		if (ch == chPartner || ch == chUser || ch == chBasic || ch == chProxy || ch == chUserinfo) && have[ch] {
			continue
		}
		have[ch] = true
		length := 6 + r.intn(30)
		var v string
		switch ch {
		case chPartner, chUser, chHeader:
			v = r.value(tokenAlpha, nil, length)
		case chCookie, chSetCookie:
			v = r.value(cookieAlpha, nil, length)
		case chJWT:
			head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
			v = head + "." + r.value(b64urlAlpha, nil, 10+r.intn(30)) + "." + r.value(b64urlAlpha, nil, 10+r.intn(30))
		case chBasic:
			v = r.value("", []rune(strings.ReplaceAll(string(freeRunes), ":", "")), length)
		default:
			v = r.value("", freeRunes, length)
		}
		if strings.TrimSpace(v) != v && (ch == chLiteral || ch == chEnv || ch == chHeader) {
			v = "x" + strings.TrimSpace(v) + "x"
		}
		sc.secrets = append(sc.secrets, &planted{name: fmt.Sprintf("secret %d (channel %d)", i, ch), value: v, ch: ch})
	}
	if len(sc.secrets) == 0 || !separate(sc.secrets) {
		return nil, false
	}
	for _, s := range sc.secrets {
		// A value too short or too common to search for is replaced only
		// where it stands under its name (redact.Searchable); copies of
		// it planted anywhere else stay by design. TestKeyed and the
		// whole-run property test (cli) check those.
		if !redact.Searchable(s.value) {
			return nil, false
		}
	}
	build(r, sc)
	return sc, true
}

// separate rejects secrets that hold each other, or the placeholder
// braces, or text the ticket itself contains: there the property
// "appears nowhere" is not defined (the redactor removes them, but the
// oracle cannot tell a leak from the ticket's own words).
func separate(ss []*planted) bool {
	corpus := ticketCorpus()
	for i, a := range ss {
		if strings.Contains(a.value, "{{") || strings.Contains(a.value, "}}") || strings.Contains(a.value, "{") && strings.Contains(a.value, "}") {
			return false
		}
		for _, f := range canonForms(a.value) {
			if strings.Contains(corpus, f) {
				return false
			}
		}
		for j, b := range ss {
			if i == j {
				continue
			}
			for _, fa := range canonForms(a.value) {
				for _, fb := range canonForms(b.value) {
					if strings.Contains(fb, fa) {
						return false
					}
				}
			}
		}
	}
	return true
}

var corpusOnce = sync.OnceValue(func() string {
	ex := &capture.Exchange{Hops: []capture.Hop{{
		Request:  capture.Sent{Method: "GET", URL: "https://api.alteg.io/api/v1/x", Header: capture.Headers{{Name: "Accept", Value: "*/*"}}},
		Response: &capture.Response{Status: 200, StatusText: "OK", Body: capture.Body{Data: []byte(`{}`), Size: 2, ContentType: "application/json"}},
	}}}
	res := redact.Scrub(ex, redact.Policy{Values: []string{"zzzzzzzz"}, PII: true})
	var buf bytes.Buffer
	report.Write(&buf, report.Ticket{Exchange: res.Exchange, Secrets: res.Secrets, Redact: res.Bytes, Redaction: res.Report, MaskTokens: true})
	_, parts := decodeTicket(nil, buf.Bytes())
	var all strings.Builder
	for _, p := range parts {
		all.WriteString(p.body)
	}
	// The words the secrets list and the Tokens section add.
	all.WriteString(" partner token user token header Authorization Proxy-Authorization response body request body Set-Cookie cookie URL query field hop JWT Basic sha256 replacement replacements found in: value in the Tokens section not sent with this request")
	return all.String()
})

func ticketCorpus() string { return corpusOnce() }

// build makes the exchange: each secret in its channel, then copies of
// it at random places in random encodings.
func build(r *rnd, sc *scenario) {
	hops := 1 + r.intn(3)
	ex := &capture.Exchange{
		Source:  capture.Source{Replayed: true, From: "command line"},
		Started: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC),
	}
	req := capture.Sent{Method: "POST", Proto: "HTTP/1.1"}
	var auth []string
	query := url.Values{"start_date": {"2026-11-01"}}
	reqJSON := map[string]any{"staff_id": 7}
	respJSON := map[string]any{"success": false}
	var form url.Values
	var flat [][2]string // the JSON fields, for a form body instead
	var cookies, setCookies []string
	userinfo, proxyInfo := "", ""
	var reqHeaders, respHeaders capture.Headers
	var respText []string
	for i, s := range sc.secrets {
		switch s.ch {
		case chPartner:
			auth = append([]string{"Bearer " + s.value}, auth...)
		case chUser:
			auth = append(auth, "User "+s.value)
		case chBasic:
			cred := base64.StdEncoding.EncodeToString([]byte("client" + fmt.Sprint(i) + ":" + s.value))
			name := "Proxy-Authorization"
			if !have(sc, chPartner) && !have(sc, chUser) {
				name = "Authorization"
			}
			reqHeaders = append(reqHeaders, capture.Header{Name: name, Value: "Basic " + cred})
		case chJSONField:
			name := credentialNames[r.intn(len(credentialNames))]
			flat = append(flat, [2]string{name, s.value})
			switch r.intn(3) {
			case 0:
				reqJSON[fmt.Sprintf("obj%d", i)] = map[string]any{name: s.value}
			case 1:
				reqJSON[fmt.Sprintf("2fa%d", i)] = map[string]any{"uuid": "u-1", "secret": s.value}
			default:
				reqJSON[fmt.Sprintf("items%d", i)] = []any{map[string]any{"id": 1}, map[string]any{name: s.value}}
			}
		case chRespJSON:
			respJSON[fmt.Sprintf("data%d", i)] = map[string]any{"id": 5, "user_token": s.value, "name": "Ann"}
		case chQuery:
			query.Add(credentialNames[r.intn(len(credentialNames))], s.value)
		case chForm:
			if form == nil {
				form = url.Values{}
			}
			form.Add(credentialNames[r.intn(len(credentialNames))], s.value)
		case chCookie:
			cookies = append(cookies, fmt.Sprintf("c%d=%s", i, s.value))
		case chSetCookie:
			setCookies = append(setCookies, fmt.Sprintf("sid%d=%s; Path=/; HttpOnly", i, s.value))
		case chHeader:
			name := []string{"X-Api-Key", "X-Auth-Token", "X-Session-Id", "X-Signature"}[r.intn(4)]
			if r.intn(2) == 0 {
				reqHeaders = append(reqHeaders, capture.Header{Name: name, Value: s.value})
			} else {
				respHeaders = append(respHeaders, capture.Header{Name: name, Value: s.value})
			}
		case chUserinfo:
			userinfo = url.UserPassword("ann", s.value).String() + "@"
		case chProxy:
			proxyInfo = url.UserPassword("proxyuser", s.value).String() + "@"
		case chLiteral:
			sc.policy.Values = append(sc.policy.Values, s.value)
			respText = append(respText, "echo "+s.value)
		case chEnv:
			sc.policy.Env = append(sc.policy.Env, redact.EnvSecret{Name: fmt.Sprintf("SECRET_%d", i), Value: s.value})
			respText = append(respText, "env "+s.value)
		case chField:
			name := fmt.Sprintf("sms_code_%d", i)
			sc.policy.Fields = append(sc.policy.Fields, name)
			reqJSON[name] = s.value
			flat = append(flat, [2]string{name, s.value})
		case chJWT:
			respText = append(respText, "token="+s.value+" ")
		}
	}
	if len(auth) > 0 {
		reqHeaders = append(capture.Headers{{Name: "Authorization", Value: strings.Join(auth, ", ")}}, reqHeaders...)
	}
	if len(cookies) > 0 {
		reqHeaders = append(reqHeaders, capture.Header{Name: "Cookie", Value: strings.Join(cookies, "; ")})
	}
	for _, c := range setCookies {
		respHeaders = append(respHeaders, capture.Header{Name: "Set-Cookie", Value: c})
	}
	if proxyInfo != "" {
		ex.Proxy = "http://" + proxyInfo + "proxy.local:3128"
	}

	// Copies at random places, in random encodings.
	type copyAt struct {
		place int
		text  string
	}
	var copies []copyAt
	for _, s := range sc.secrets {
		for k := 1 + r.intn(4); k > 0; k-- {
			place := r.intn(numPlaces)
			enc := r.intn(numEncodings)
			text, literal := encode(r, s.value, enc, placeRule(place))
			if literal != "" {
				s.literal = append(s.literal, literal)
			}
			copies = append(copies, copyAt{place, text})
		}
	}
	var path []string
	var echoHeaders, echoRespHeaders capture.Headers
	var respBodyExtra, reqBodyExtra []string
	var hopURLs []string
	var fault, tlsText, from []string
	for i, c := range copies {
		switch c.place {
		case plPath:
			path = append(path, c.text)
		case plQuery:
			query.Add(fmt.Sprintf("echo%d", i), c.text) // encoded again by Encode: one more form
		case plReqHeader:
			echoHeaders = append(echoHeaders, capture.Header{Name: fmt.Sprintf("X-Echo-%d", i), Value: c.text})
		case plRespHeader:
			echoRespHeaders = append(echoRespHeaders, capture.Header{Name: fmt.Sprintf("X-Trace-%d", i), Value: c.text})
		case plReqBody:
			reqBodyExtra = append(reqBodyExtra, c.text)
		case plRespBody:
			respBodyExtra = append(respBodyExtra, c.text)
		case plHop:
			hopURLs = append(hopURLs, c.text)
		case plFault:
			fault = append(fault, c.text)
		case plTLS:
			tlsText = append(tlsText, c.text)
		case plSource:
			from = append(from, c.text)
		}
	}

	req.URL = "https://" + userinfo + "api.alteg.io/api/v1/records/" + strings.Join(append(path, "1"), "/") + "?" + query.Encode()
	req.Header = append(append(capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json"}}, reqHeaders...), echoHeaders...)
	switch {
	case form != nil:
		for _, kv := range flat {
			form.Add(kv[0], kv[1])
		}
		for i, x := range reqBodyExtra {
			form.Set(fmt.Sprintf("note%d", i), x)
		}
		b := []byte(form.Encode())
		req.Body = capture.Body{Data: b, Size: int64(len(b)), ContentType: "application/x-www-form-urlencoded"}
	default:
		for i, x := range reqBodyExtra {
			reqJSON[fmt.Sprintf("note%d", i)] = x
		}
		b := marshal(reqJSON, r.intn(2) == 0)
		req.Body = capture.Body{Data: b, Size: int64(len(b)), ContentType: "application/json"}
	}
	req.Header = append(req.Header, capture.Header{Name: "Content-Type", Value: req.Body.ContentType})

	resp := &capture.Response{Proto: "HTTP/1.1", Status: 401, StatusText: "Unauthorized"}
	resp.Header = append(append(capture.Headers{}, respHeaders...), echoRespHeaders...)
	switch kind := r.intn(4); {
	case kind == 0 || have(sc, chRespJSON):
		for i, x := range append(respText, respBodyExtra...) {
			respJSON[fmt.Sprintf("echo%d", i)] = x
		}
		b := marshal(respJSON, r.intn(2) == 0)
		resp.Body = capture.Body{Data: b, Size: int64(len(b)), ContentType: "application/json"}
	case kind == 1:
		b := []byte("<html><body><p>" + strings.Join(append(respText, respBodyExtra...), "</p>\n<p>") + "</p></body></html>")
		resp.Body = capture.Body{Data: b, Size: int64(len(b)), ContentType: "text/html; charset=utf-8"}
	case kind == 2:
		// Binary: random bytes, newlines and NULs around the copies.
		var b []byte
		for _, x := range append(respText, respBodyExtra...) {
			for j := r.intn(6); j > 0; j-- {
				b = append(b, "\x00\n\r\xff\x89PNG"[r.intn(8)])
			}
			b = append(b, x...)
		}
		b = append(b, 0, '\n')
		resp.Body = capture.Body{Data: b, Size: int64(len(b)), ContentType: "application/octet-stream", Binary: true}
	default:
		text := strings.Join(append(respText, respBodyExtra...), "\n")
		resp.Body = capture.Body{Data: []byte(text), Size: int64(len(text)), ContentType: "text/plain"}
		if sc.cp1251 {
			if enc, err := charmap.Windows1251.NewEncoder().String(text); err == nil {
				resp.Body = capture.Body{Data: []byte(enc), Size: int64(len(enc)), ContentType: "text/plain; charset=windows-1251", Charset: "windows-1251", UTF8: []byte(text)}
			} else {
				sc.cp1251 = false
			}
		} else {
			sc.cp1251 = false
		}
	}
	if !have(sc, chSetCookie) && len(resp.Header) == 0 {
		resp.Header = capture.Headers{{Name: "Content-Type", Value: resp.Body.ContentType}}
	}
	ex.Hops = []capture.Hop{{Request: req, Response: resp, Timings: capture.NoTimings()}}
	// Redirect hops carry their copies in the URL and the Location.
	for h := 1; h < hops; h++ {
		u := "https://api.alteg.io/api/v1/next/" + fmt.Sprint(h)
		if len(hopURLs) > 0 {
			u += "?echo=" + strings.Join(hopURLs, "&e=")
		}
		prev := &ex.Hops[len(ex.Hops)-1]
		prevResp := *prev.Response
		prevResp.Status, prevResp.StatusText = 302, "Found"
		prevResp.Header = append(prevResp.Header.Clone(), capture.Header{Name: "Location", Value: u})
		prev.Response = &prevResp
		ex.Hops = append(ex.Hops, capture.Hop{
			Request:  capture.Sent{Method: "GET", URL: u, Proto: "HTTP/1.1", Header: capture.Headers{{Name: "Accept", Value: "*/*"}}},
			Response: &capture.Response{Proto: "HTTP/1.1", Status: 401, StatusText: "Unauthorized", Body: resp.Body},
			Timings:  capture.NoTimings(),
			Dropped:  []string{"Authorization"},
		})
	}
	if len(fault) > 0 {
		ex.Fault = &capture.Fault{Kind: capture.FaultReset, Message: "the server reset the connection after " + strings.Join(fault, " "), Detail: "read: " + strings.Join(fault, ",")}
	}
	if len(tlsText) > 0 {
		ex.Hops[0].TLS = &capture.TLS{Version: "TLS 1.3", ServerName: "api.alteg.io", VerifyError: "x509: " + strings.Join(tlsText, " "),
			Chain: []capture.Cert{{Subject: "CN=" + tlsText[0], Issuer: "CN=test", Names: tlsText}}}
	}
	if len(from) > 0 {
		ex.Source.From = "HAR file " + strings.Join(from, " ")
	}
	sc.ex = ex
}

func have(sc *scenario, ch channel) bool {
	for _, s := range sc.secrets {
		if s.ch == ch {
			return true
		}
	}
	return false
}

// marshal writes JSON with Go's encoder, HTML escaping on or off.
func marshal(v any, escapeHTML bool) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Places a copy can go.
const (
	plPath = iota
	plQuery
	plReqHeader
	plRespHeader
	plReqBody
	plRespBody
	plHop
	plFault
	plTLS
	plSource
	numPlaces
)

// rule says which bytes a place accepts as they are.
type rule int

const (
	anyText rule = iota
	noNewline
	urlSafe
)

func placeRule(p int) rule {
	switch p {
	case plPath, plHop:
		return urlSafe
	case plReqHeader, plRespHeader, plTLS, plFault, plSource:
		return noNewline
	}
	return anyText
}

const numEncodings = 23

// encode writes v in encoding e. It returns the text to plant and, for the
// mixed encodings the oracle cannot list, the literal to check for.
func encode(r *rnd, v string, e int, ru rule) (string, string) {
	var s, literal string
	switch e {
	case 0:
		s = v
	case 1:
		s = url.QueryEscape(v)
	case 2:
		s = url.PathEscape(v)
	case 3:
		s = lowerHex(url.QueryEscape(v))
	case 4:
		s = percentAll(v, []string{"%%%02X", "%%%02x"}[r.intn(2)])
	case 5:
		s = jsonGo(v, true)
	case 6:
		s = jsonGo(v, false)
	case 7:
		s = strings.ReplaceAll(jsonGo(v, false), "/", `\/`)
	case 8:
		s = jsonMixed(r, v)
		literal = s
	case 9:
		s = html.EscapeString(v)
	case 10:
		s = template.HTMLEscapeString(v)
	case 11:
		s = entityAll(v, "&#%d;")
	case 12:
		s = entityAll(v, []string{"&#x%X;", "&#x%x;", "&#X%04x;"}[r.intn(3)])
	case 13:
		s = htmlMixed(r, v)
		literal = s
	case 14, 15, 16, 17:
		if len(v) < 8 {
			s = url.QueryEscape(v)
			break
		}
		buf := append([]byte("\x00\xff\x10"[:r.intn(3)]), v...)
		buf = append(buf, "\x7f\x01\x02"[:r.intn(3)]...)
		s = []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}[e-14].EncodeToString(buf)
	case 18:
		s = urlMixed(r, v)
		literal = s
	// Escaped twice, as an echo does: a body inside a JSON string, HTML
	// carried in JSON, JSON in a query string or in HTML.
	case 19:
		s = jsonGo(jsonGo(v, r.intn(2) == 0), r.intn(2) == 0)
		literal = s
	case 20:
		s = jsonGo(html.EscapeString(v), true)
		literal = s
	case 21:
		s = url.QueryEscape(jsonGo(v, false))
		literal = s
	case 22:
		s = template.HTMLEscapeString(jsonGo(v, true))
		literal = s
	}
	if !utf8.ValidString(v) && e >= 5 && e <= 22 && e != 14 && e != 15 && e != 16 && e != 17 && e != 18 {
		s, literal = url.QueryEscape(v), ""
	}
	switch ru {
	case urlSafe:
		if strings.ContainsAny(s, " #?&\"<>\\\t\n\r%{}|^`") || !isASCII(s) {
			s, literal = url.PathEscape(v), ""
			if strings.ContainsAny(s, "?#&") {
				s = url.QueryEscape(v)
			}
		}
	case noNewline:
		if strings.ContainsAny(s, "\r\n\t\x00") || !utf8.ValidString(s) {
			s, literal = url.QueryEscape(v), ""
		}
	}
	return s, literal
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// jsonMixed escapes each character its own way: as it is, as \uXXXX in
// either case, or with a short escape.
func jsonMixed(r *rnd, v string) string {
	var b strings.Builder
	for _, c := range v {
		short := map[rune]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\t': `\t`, '\n': `\n`}[c]
		switch k := r.intn(3); {
		case k == 0 && c != '"' && c != '\\' && c >= 0x20:
			b.WriteRune(c)
		case k == 1 && short != "":
			b.WriteString(short)
		default:
			for _, u := range utf16.Encode([]rune{c}) {
				fmt.Fprintf(&b, []string{"\\u%04x", "\\u%04X"}[r.intn(2)], u)
			}
		}
	}
	return b.String()
}

// htmlMixed writes each character as it is, as a named reference, or as a
// decimal or hexadecimal one.
func htmlMixed(r *rnd, v string) string {
	named := map[rune]string{'&': "&amp;", '<': "&lt;", '>': "&gt;", '"': "&quot;", '\'': "&apos;", '/': "&sol;", '=': "&equals;", '+': "&plus;", ' ': "&nbsp;"}
	var b strings.Builder
	for _, c := range v {
		switch k := r.intn(4); {
		case k == 0 && !strings.ContainsRune(`&<>"'`, c):
			b.WriteRune(c)
		case k == 1 && named[c] != "" && c != ' ':
			b.WriteString(named[c])
		case k == 2:
			fmt.Fprintf(&b, "&#%d;", c)
		default:
			fmt.Fprintf(&b, "&#x%x;", c)
		}
	}
	return b.String()
}

// urlMixed percent-encodes some bytes and not others, in either hex case,
// and writes a space as + or %20.
func urlMixed(r *rnd, v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		safe := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0
		switch {
		case c == ' ' && r.intn(2) == 0:
			b.WriteByte('+')
		case safe && r.intn(2) == 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, []string{"%%%02X", "%%%02x"}[r.intn(2)], c)
		}
	}
	return b.String()
}

// checkScenario runs Scrub and Write and checks the property.
func checkScenario(t *testing.T, sc *scenario) {
	t.Helper()
	res := redact.Scrub(sc.ex, sc.policy)
	var placeholders []string
	for _, s := range res.Secrets {
		placeholders = append(placeholders, s.Placeholder)
		if s.Shareable() != (s.Role == redact.RolePartnerToken || s.Role == redact.RoleUserToken) {
			t.Fatalf("role %s: Shareable = %v", s.Role, s.Shareable())
		}
	}
	forms := map[string][]string{}
	var tokens []*planted
	for _, s := range sc.secrets {
		f := append(canonForms(s.value), s.literal...)
		if sc.cp1251 {
			if enc, err := charmap.Windows1251.NewEncoder().String(s.value); err == nil {
				f = append(f, enc)
			}
		}
		forms[s.name] = f
		if s.ch == chPartner || s.ch == chUser {
			tokens = append(tokens, s)
		}
	}
	for where, text := range exchangeTexts(&res.Exchange) {
		for _, l := range leaks(text, forms, placeholders) {
			t.Errorf("redacted exchange, %s: %s", where, l)
		}
	}

	var buf bytes.Buffer
	err := report.Write(&buf, report.Ticket{
		Exchange: res.Exchange, Secrets: res.Secrets, Redact: res.Bytes, Redaction: res.Report, MaskTokens: sc.mask,
		Date: time.Date(2026, 11, 29, 10, 0, 1, 0, time.UTC), MessageID: "fuzz@altegio-ticket", Boundary: "fz-7Qm3xK9vT2",
	})
	if err != nil {
		t.Fatal(err)
	}
	subject, parts := decodeTicket(t, buf.Bytes())
	for _, l := range leaks(subject, forms, placeholders) {
		t.Errorf("subject: %s", l)
	}
	for _, p := range parts {
		text := p.body
		if p.inline {
			for _, tok := range tokens {
				shown := tok.value
				if p.html {
					shown = template.HTMLEscapeString(tok.value)
				}
				want := 1
				if sc.mask {
					want = 0
				}
				if n := strings.Count(text, shown); n != want {
					t.Errorf("%s: %s shown %d times, want %d", p.ctype, tok.name, n, want)
					continue
				}
				if want == 1 {
					i := strings.Index(text, shown)
					if i < strings.LastIndex(text, "Tokens") {
						t.Errorf("%s: %s shown before the Tokens section", p.ctype, tok.name)
					}
					text = text[:i] + text[i+len(shown):]
				}
			}
		}
		all := forms
		if p.html {
			// html/template escapes what is left of a form once more.
			all = map[string][]string{}
			for k, fs := range forms {
				for _, f := range fs {
					all[k] = append(all[k], f, template.HTMLEscapeString(f))
				}
			}
		}
		for _, l := range leaks(text, all, placeholders) {
			t.Errorf("ticket part %s %s: %s", p.ctype, p.name, l)
		}
	}
}

// exchangeTexts lists every string of an exchange by where it is.
func exchangeTexts(ex *capture.Exchange) map[string]string {
	out := map[string]string{"source": ex.Source.From, "proxy": ex.Proxy}
	if ex.Fault != nil {
		out["fault"] = ex.Fault.Message + "\n" + ex.Fault.Detail
	}
	for i, h := range ex.Hops {
		p := fmt.Sprintf("hop %d ", i)
		out[p+"URL"] = h.Request.URL
		out[p+"request body"] = string(h.Request.Body.Data)
		out[p+"request UTF8"] = string(h.Request.Body.UTF8)
		for j, f := range h.Request.Header {
			out[fmt.Sprintf("%srequest header %d", p, j)] = f.Name + ": " + f.Value
		}
		out[p+"dropped"] = strings.Join(h.Dropped, ",")
		if r := h.Response; r != nil {
			out[p+"status"] = r.StatusText
			out[p+"response body"] = string(r.Body.Data)
			out[p+"response UTF8"] = string(r.Body.UTF8)
			for j, f := range r.Header {
				out[fmt.Sprintf("%sresponse header %d", p, j)] = f.Name + ": " + f.Value
			}
		}
		if h.TLS != nil {
			tl := h.TLS.ServerName + "\n" + h.TLS.VerifyError
			for _, c := range h.TLS.Chain {
				tl += "\n" + c.Subject + "\n" + c.Issuer + "\n" + strings.Join(c.Names, "\n")
			}
			out[p+"TLS"] = tl
		}
	}
	return out
}

type ticketPart struct {
	ctype, name  string
	inline, html bool
	body         string
}

// decodeTicket parses a written ticket and decodes every part.
func decodeTicket(t *testing.T, eml []byte) (string, []ticketPart) {
	fail := func(err error) {
		if t != nil {
			t.Helper()
			t.Fatal(err)
		}
		panic(err)
	}
	mr, err := mail.CreateReader(bytes.NewReader(eml))
	if err != nil {
		fail(err)
	}
	subject, _ := mr.Header.Subject()
	var parts []ticketPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		b, err := io.ReadAll(p.Body)
		if err != nil {
			fail(err)
		}
		tp := ticketPart{body: string(b)}
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			tp.ctype, _, _ = h.ContentType()
			tp.inline = true
		case *mail.AttachmentHeader:
			tp.ctype, _, _ = h.ContentType()
			tp.name, _ = h.Filename()
		}
		tp.html = tp.ctype == "text/html"
		parts = append(parts, tp)
	}
	return subject, parts
}

package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

// rich is a secret with a character for every escape rule: a space, / + %
// & < > ' " \, a Latin-1 letter, a Cyrillic one and an emoji (a UTF-16
// surrogate pair in JSON).
const rich = `p@ss /w+0%&<d>'"\ü-ж😀`

func jsonEsc(v string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(v)
	s := strings.TrimSpace(b.String())
	return s[1 : len(s)-1]
}

func eachRune(v string, f func(r rune) string) string {
	var b strings.Builder
	for _, r := range v {
		b.WriteString(f(r))
	}
	return b.String()
}

func eachByte(v string, f func(c byte) string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		b.WriteString(f(v[i]))
	}
	return b.String()
}

func uEscape(format string) func(rune) string {
	return func(r rune) string {
		var s string
		for _, u := range utf16.Encode([]rune{r}) {
			s += fmt.Sprintf(format, u)
		}
		return s
	}
}

// TestEncodings plants one secret in every form the issue lists and
// checks that each is replaced, whole, by the placeholder.
func TestEncodings(t *testing.T) {
	i := 0
	mixed := func(alts ...func(rune) string) func(rune) string {
		return func(r rune) string { i++; return alts[i%len(alts)](r) }
	}
	raw := func(r rune) string { return string(r) }
	tests := map[string]string{
		"plain":                 rich,
		"query escape":          url.QueryEscape(rich),
		"path escape":           url.PathEscape(rich),
		"lower-case hex":        strings.ToLower(url.QueryEscape(rich)),
		"every byte, upper":     eachByte(rich, func(c byte) string { return fmt.Sprintf("%%%02X", c) }),
		"every byte, lower":     eachByte(rich, func(c byte) string { return fmt.Sprintf("%%%02x", c) }),
		"space as %20 and +":    strings.Replace(url.QueryEscape(rich), "+", "%20", 1),
		"JSON, Go":              jsonEsc(rich, true),
		"JSON, no HTML escapes": jsonEsc(rich, false),
		"JSON, PHP slashes":     strings.ReplaceAll(jsonEsc(rich, false), "/", `\/`),
		`JSON, all \u upper`:    eachRune(rich, uEscape(`\u%04X`)),
		`JSON, all \u lower`:    eachRune(rich, uEscape(`\u%04x`)),
		"JSON, mixed":           eachRune(strings.NewReplacer(`"`, "", `\`, "").Replace(rich), mixed(raw, uEscape(`\u%04x`), uEscape(`\u%04X`))),
		"HTML, package html":    html.EscapeString(rich),
		"HTML, html/template":   template.HTMLEscapeString(rich),
		"HTML, decimal":         eachRune(rich, func(r rune) string { return fmt.Sprintf("&#%d;", r) }),
		"HTML, hex":             eachRune(rich, func(r rune) string { return fmt.Sprintf("&#x%X;", r) }),
		"HTML, hex, zeros":      eachRune(rich, func(r rune) string { return fmt.Sprintf("&#X%06x;", r) }),
		"HTML, named and mixed": strings.NewReplacer("/", "&sol;", "+", "&plus;", "&", "&amp;", "<", "&#60;", ">", "&#x3e;", "'", "&apos;", `"`, "&quot;").Replace(rich),
	}
	for name, form := range tests {
		t.Run(name, func(t *testing.T) {
			for _, frame := range []string{"[%s]", `{"a":"%s"}`, "%s"} {
				want := strings.Replace(frame, "%s", "{{secret_1}}", 1)
				if name == "JSON, mixed" {
					// The mixed form drops " and \ from the secret: look
					// for that secret instead.
					continue
				}
				got := scrubText(t, fmt.Sprintf(frame, form), rich)
				if got != want {
					t.Errorf("frame %q: got %q, want %q", frame, got, want)
				}
			}
		})
	}
	t.Run("JSON, mixed", func(t *testing.T) {
		v := strings.NewReplacer(`"`, "", `\`, "").Replace(rich)
		if got := scrubText(t, "["+tests["JSON, mixed"]+"]", v); got != "[{{secret_1}}]" {
			t.Errorf("got %q", got)
		}
	})
}

// scrubText redacts text as a response body, with secret given as a
// --redact value.
func scrubText(t *testing.T, text, secret string) string {
	t.Helper()
	ex := exWith("", nil, "", "", nil, text, "text/plain")
	res := Scrub(ex, Policy{Values: []string{secret}})
	return string(res.Exchange.Response().Body.Data)
}

// TestBase64 checks base64 forms in both alphabets, padded or not, at
// every alignment: the middle that depends only on the secret is gone.
func TestBase64(t *testing.T) {
	const secret = "s3cr3t?>>~~pass" // has + and / in std, - and _ in URL base64
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		for _, before := range []string{"", "a", "ab", "abc"} {
			for _, after := range []string{"", "z", "zy"} {
				text := enc.EncodeToString([]byte(before + secret + after))
				got := scrubText(t, text, secret)
				if !strings.Contains(got, "{{secret_1}}") {
					t.Errorf("%q+secret+%q: %q not redacted", before, after, text)
				}
				for _, core := range base64Cores(secret) {
					if strings.Contains(got, core) {
						t.Errorf("%q+secret+%q: core %q survives in %q", before, after, core, got)
					}
				}
			}
		}
	}
	if got := base64Cores("short"); got != nil {
		t.Errorf("cores of a 5-byte value: %q, want none", got)
	}
}

func TestCharsetForms(t *testing.T) {
	const pass = "пароль-123"
	body := `{"password":"` + pass + `"}`
	cp, err := charmap.Windows1251.NewEncoder().String(body)
	if err != nil {
		t.Fatal(err)
	}
	ex := exWith("", nil, "", "", nil, cp, "application/json; charset=windows-1251")
	ex.Hops[0].Response.Body.Charset = "windows-1251"
	ex.Hops[0].Response.Body.UTF8 = []byte(body)
	res := Scrub(ex, Policy{})
	b := res.Exchange.Response().Body
	want := `{"password":"{{password}}"}`
	if d := cmp.Diff([]string{want, want}, []string{string(b.Data), string(b.UTF8)}); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestPlaceholdersAreNotRedactedAgain(t *testing.T) {
	// "user_token" is a secret too, and it is inside "{{user_token}}".
	ex := exWith("", hdr("Authorization", "Bearer partner-123456, User abcd3fgh"), "", "", nil,
		"a user_token b abcd3fgh c {{user_token}}", "text/plain")
	res := Scrub(ex, Policy{Values: []string{"user_token", "token}}"}})
	got := string(res.Exchange.Response().Body.Data)
	want := "a {{secret_1}} b {{user_token}} c {{user_token}}"
	if got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if s := res.String("x {{user_token}} {{secret_1}} user_token"); s != "x {{user_token}} {{secret_1}} {{secret_1}}" {
		t.Errorf("String = %q", s)
	}
}

func TestLeftmostLongest(t *testing.T) {
	ex := exWith("", nil, "", "", nil, "abcdef-ghij abcdef defghijk", "text/plain")
	res := Scrub(ex, Policy{Values: []string{"abcdef", "abcdef-ghij", "defghijk"}})
	if got, want := string(res.Exchange.Response().Body.Data), "{{secret_2}} {{secret_1}} {{secret_3}}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestBinaryBody checks that a binary body changes only where a secret
// was: no byte, newline or NUL is added or removed elsewhere.
func TestBinaryBody(t *testing.T) {
	const secret = "bin-secret-42"
	var body []byte
	for i := 0; i < 300; i++ {
		body = append(body, byte(i), '\n', '\r', 0, 0xff)
		if i%97 == 0 {
			body = append(body, secret...)
		}
	}
	ex := exWith("", nil, "", "", nil, string(body), "application/octet-stream")
	ex.Hops[0].Response.Body.Binary = true
	res := Scrub(ex, Policy{Values: []string{secret}})
	want := bytes.ReplaceAll(body, []byte(secret), []byte("{{secret_1}}"))
	if got := res.Exchange.Response().Body.Data; !bytes.Equal(got, want) {
		t.Errorf("binary body changed beyond the secret: %d bytes, want %d", len(got), len(want))
	}
	if ex.Response().Body.Data[0] != 0 || !bytes.Contains(ex.Response().Body.Data, []byte(secret)) {
		t.Error("Scrub modified its input")
	}
}

// TestTruncatedBody: a body cut at the size limit may end inside a
// secret; that prefix is removed too.
func TestTruncatedBody(t *testing.T) {
	const secret = "cut-secret-0123456789"
	for _, cut := range []string{secret[:4], secret[:12], url.QueryEscape("/" + secret)[:9]} {
		ex := exWith("", nil, "", "", nil, "head "+cut, "text/plain")
		ex.Hops[0].Response.Body.Truncated = true
		res := Scrub(ex, Policy{Values: []string{secret, "/" + secret}})
		if got := string(res.Exchange.Response().Body.Data); strings.Contains(got, cut) {
			t.Errorf("cut %q survives: %q", cut, got)
		}
	}
	// A body read to its end keeps a word that merely starts like a secret.
	ex := exWith("", nil, "", "", nil, "head cut-s", "text/plain")
	if got := string(Scrub(ex, Policy{Values: []string{secret}}).Exchange.Response().Body.Data); got != "head cut-s" {
		t.Errorf("complete body changed: %q", got)
	}
}

// TestShortSecret: a value shorter than MinLiteral is replaced only where
// it stands as a whole value.
func TestShortSecret(t *testing.T) {
	ex := exWith("https://h/x?sign=ab1", nil, `{"password":"ab1","note":"xab1x ab1-9"}`, "application/json", nil, "", "")
	res := Scrub(ex, Policy{})
	got := []string{res.Exchange.First().Request.URL, string(res.Exchange.First().Request.Body.Data)}
	want := []string{"https://h/x?sign={{sign}}", `{"password":"{{sign}}","note":"xab1x ab1-9"}`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"{{sign}}"}, res.Report.Short); d != "" {
		t.Errorf("Report.Short (-want +got):\n%s", d)
	}
}

// TestShortURLPassword: a short password in a URL's user:password@ is
// replaced there, where it ends at the @.
func TestShortURLPassword(t *testing.T) {
	ex := exWith("http://u:ab1@h/x", nil, `{"note":"ab1@example.com"}`, "application/json", nil, "", "")
	res := Scrub(ex, Policy{})
	got := []string{res.Exchange.First().Request.URL, string(res.Exchange.First().Request.Body.Data)}
	want := []string{"http://u:{{password}}@h/x", `{"note":"ab1@example.com"}`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestEverywhere: a secret is replaced in every string of the exchange.
func TestEverywhere(t *testing.T) {
	const s = "everywhere/secret-1"
	esc := url.QueryEscape(s)
	ex := &capture.Exchange{
		Source: capture.Source{From: "HAR file " + s + ".har"},
		Proxy:  "http://u:" + s + "@proxy:3128",
		Fault:  &capture.Fault{Message: "reset after " + s, Detail: "read " + esc},
		Hops: []capture.Hop{
			{
				Request:  capture.Sent{URL: "https://h/" + esc + "?q=" + esc, Header: hdr("X-Echo", s)},
				Response: &capture.Response{StatusText: "Bad " + s, Header: hdr("Location", "https://h/next?e="+esc)},
				TLS:      &capture.TLS{ServerName: s, VerifyError: "bad " + s, Chain: []capture.Cert{{Subject: "CN=" + s, Issuer: "CN=" + s, Names: []string{s}}}},
			},
			{
				Request:  capture.Sent{URL: "https://h/next?e=" + esc},
				Response: &capture.Response{Body: capture.Body{Data: []byte(s), UTF8: []byte(s), Broken: "cut at " + s}},
				Dropped:  []string{s},
			},
		},
	}
	res := Scrub(ex, Policy{Values: []string{s}})
	var all strings.Builder
	fmt.Fprintf(&all, "%+v", res.Exchange)
	for _, h := range res.Exchange.Hops {
		fmt.Fprintf(&all, "%+v %+v %s %s", *h.Response, h.TLS, h.Response.Body.Data, h.Response.Body.UTF8)
	}
	fmt.Fprintf(&all, "%+v", *res.Exchange.Fault)
	if strings.Contains(all.String(), s) || strings.Contains(all.String(), esc) {
		t.Errorf("the secret survives somewhere: %s", all.String())
	}
	want := []Place{
		{"source", 1}, {"proxy URL", 1}, {"error message", 2}, {"URL", 2}, {"header X-Echo", 1},
		{"response status", 1}, {"response header Location", 1}, {"TLS", 5},
		{"URL (hop 2)", 1}, {"dropped headers (hop 2)", 1}, {"response body (hop 2)", 2},
	}
	if d := cmp.Diff(want, res.Secrets[0].Places); d != "" {
		t.Errorf("places (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"plain", "URL-encoded"}, res.Secrets[0].Forms); d != "" {
		t.Errorf("forms (-want +got):\n%s", d)
	}
}

func TestPolicyCheck(t *testing.T) {
	tests := map[string]struct {
		p    Policy
		want string // substring of the error; "" for none
	}{
		"ok":              {Policy{Values: []string{"long-enough"}, Env: []EnvSecret{{"A", "also-long"}}, Fields: []string{"pin"}}, ""},
		"short literal":   {Policy{Values: []string{"ok-value", "abc"}}, "literal value 2 is 3 bytes long"},
		"spaces only":     {Policy{Values: []string{"        "}}, "empty or only spaces"},
		"short env value": {Policy{Env: []EnvSecret{{"PIN", "1234"}}}, "variable PIN is 4 bytes long"},
		"empty field":     {Policy{Fields: []string{"._"}}, "not a field name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.p.Check()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Check() = %v, want it to contain %q", err, tc.want)
			}
			for _, v := range tc.p.Values {
				if err != nil && strings.TrimSpace(v) != "" && strings.Contains(err.Error(), v) {
					t.Errorf("the error shows the value: %v", err)
				}
			}
		})
	}
}

// TestEscapesThatReadBothWays: "%25" reads as "%" or as itself, and so
// does every "&amp;". A secret made of them, in a text made of them, must
// not make the matcher try every combination.
func TestEscapesThatReadBothWays(t *testing.T) {
	for _, unit := range []string{"%25", "&amp;", `\\`} {
		secret := strings.Repeat(unit, 30)
		text := strings.Repeat(unit, 3000)
		done := make(chan string, 1)
		go func() { done <- scrubText(t, text, secret) }()
		select {
		case got := <-done:
			if !strings.Contains(got, "{{secret_1}}") {
				t.Errorf("%s: no match in %.60q", unit, got)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: matching did not finish", unit)
		}
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRunEchoRedactsEverything replays a login-like call carrying both
// tokens, a password in a JSON body, cookies, an API key, a signed query,
// a --redact value and a --redact-env value, to a server that echoes all
// of it back: in a JSON body (JSON-escaped), as HTML, URL-encoded and
// base64 in headers, and as a cookie. Every part of the written .eml is
// decoded and searched for every form of every secret: the two tokens
// may appear only once per body part, in the Tokens section; nothing else
// may appear at all.
func TestRunEchoRedactsEverything(t *testing.T) {
	const (
		partner  = "PARTNER-abc123def456"
		user     = "USER-987zyx654wvu"
		password = `p@ss/w0rd <&> "quoted" ü`
		session  = "sess-2b7e151628aed2a6"
		apiKey   = "ak_live_51HhT2bLkq9Zx"
		sign     = "9f86d081884c7d65+9a2f"
		literal  = "internal-account-42"
		envValue = "from-the-environment-7"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		auth := r.Header.Get("Authorization")
		w.Header().Set("Set-Cookie", "session="+session+"; Path=/; HttpOnly")
		w.Header().Set("X-Echo-Auth-B64", base64.StdEncoding.EncodeToString([]byte(auth)))
		w.Header().Set("X-Echo-Query", url.QueryEscape(string(body)))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{
			"uri": r.URL.RequestURI(), "headers": r.Header, "body": string(body),
			"html":    "<p>" + html.EscapeString(string(body)) + "</p>",
			"literal": base64.URLEncoding.EncodeToString([]byte("x" + literal)),
			"env":     envValue,
			"meta":    map[string]any{"message": "Authentication needed."},
		})
	}))
	t.Cleanup(srv.Close)

	out := filepath.Join(t.TempDir(), "echo.eml")
	var stdout, stderr bytes.Buffer
	env := map[string]string{"MY_SECRET": envValue}
	code := runIO(context.Background(), []string{
		"-y", "-o", out,
		"-H", "Accept: application/vnd.api.v2+json",
		"-H", "Content-Type: application/json",
		"-H", "Authorization: Bearer " + partner + ", User " + user,
		"-H", "Cookie: session=" + session + "; theme=dark",
		"-H", "X-Api-Key: " + apiKey,
		"--redact", literal, "--redact-env", "MY_SECRET", "--redact-pii",
		"-d", `{"login":"ann@example.com","password":` + strconv.Quote(password) + `}`,
		srv.URL + "/api/v1/auth?sign=" + url.QueryEscape(sign),
	}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}

	secrets := map[string]string{"password": password, "session": session, "api key": apiKey, "sign": sign, "literal": literal, "env": envValue}
	tokens := map[string]string{"partner": partner, "user": user}
	for name, v := range mergeMaps(secrets, tokens) {
		for _, f := range echoForms(v) {
			if strings.Contains(stdout.String()+stderr.String(), f) {
				t.Errorf("%s reached the terminal as %q", name, f)
			}
		}
	}
	if !strings.Contains(stderr.String(), "password ×") || !strings.Contains(stderr.String(), "cookie session ×") {
		t.Errorf("the summary does not count the secrets by role:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "masked:   4 email addresses") { // request body, JSON echo, HTML echo, query echo
		t.Errorf("the summary does not say PII was masked:\n%s", stderr.String())
	}

	tk := readTicket(t, out)
	parts := []string{tk.Subject}
	inline := []bool{false}
	for _, p := range tk.Parts {
		parts = append(parts, p.Body)
		inline = append(inline, p.Inline)
	}
	// subject, text, html, request.har (with the request body),
	// postman_collection.json, replay.sh and the response body: every
	// one is searched below.
	if len(parts) != 7 {
		t.Fatalf("%d parts, want subject + text + html + 4 attachments", len(parts))
	}
	for i, body := range parts {
		if inline[i] {
			for name, tok := range tokens {
				if n := strings.Count(body, tok); n != 1 || strings.Index(body, tok) < strings.LastIndex(body, "Tokens") {
					t.Errorf("part %d: %s token appears %d times or outside the Tokens section", i, name, n)
				}
				body = strings.Replace(body, tok, "", 1)
			}
			for _, want := range []string{"{{password}}", "{{cookie_session}}", "{{x_api_key}}", "{{sign}}", "{{secret_1}}", "{{my_secret}}", "Each secret is replaced by its placeholder", "a***@example.com"} {
				if !strings.Contains(body, want) {
					t.Errorf("part %d: %q missing", i, want)
				}
			}
		}
		for name, v := range mergeMaps(secrets, tokens) {
			for _, f := range echoForms(v) {
				if strings.Contains(body, f) {
					t.Errorf("part %d: %s appears as %q", i, name, f)
				}
			}
		}
	}
}

func mergeMaps(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// echoForms lists the forms of v to look for: plain, URL, JSON and HTML
// escaped, escaped twice as an echo does (JSON in JSON, HTML in JSON, JSON
// in a query), and the middle of its base64 at each alignment.
func echoForms(v string) []string {
	js := func(s string) string { j, _ := json.Marshal(s); return string(j[1 : len(j)-1]) }
	// As most encoders other than Go's write JSON: no \u003c for <.
	jsPlain := func(s string) string { return strings.NewReplacer("\\", `\\`, `"`, `\"`).Replace(s) }
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), js(v), jsPlain(v), html.EscapeString(v), template.HTMLEscapeString(v),
		js(js(v)), js(jsPlain(v)), js(html.EscapeString(v)), url.QueryEscape(js(v)), url.QueryEscape(jsPlain(v))}
	for a := 0; a < 3; a++ {
		buf := append(bytes.Repeat([]byte{'x'}, a), v...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			s := enc.EncodeToString(buf)
			forms = append(forms, s[(8*a+5)/6:8*(a+len(v))/6])
		}
	}
	return forms
}

// TestRunRedactFlags checks the redaction flags' usage errors: one line,
// exit 2, and never the secret itself.
func TestRunRedactFlags(t *testing.T) {
	srv := echoServer(t)
	dir := t.TempDir()
	env := map[string]string{"SHORT": "1234", "GOOD": "good-secret-value"}
	tests := map[string]struct {
		args     []string
		wantCode int
		wantErr  string
		secret   string // must not be echoed
	}{
		"short --redact":       {[]string{"--redact", "abc"}, 2, "--redact value 1 is 3 bytes long", "abc"},
		"unset --redact-env":   {[]string{"--redact-env", "NOPE"}, 2, "--redact-env (the 1st) names a variable that is not set", "NOPE"},
		"short --redact-env":   {[]string{"--redact-env", "SHORT"}, 2, "--redact-env SHORT: the value is 4 bytes long", "1234"},
		"bad --redact-env":     {[]string{"--redact-env", "A=B"}, 2, "is not a variable name", ""},
		"NAME=value not shown": {[]string{"--redact-env", "PASSWORD=hunter2-secret"}, 2, "export PASSWORD first", "hunter2-secret"},
		"bad --redact-field":   {[]string{"--redact-field", "--"}, 2, "is not a field name", ""},
		"all flags work":       {[]string{"--redact", "long-enough-1", "--redact-env", "GOOD", "--redact-field", "sms_code", "--mask-tokens", "--redact-pii"}, 0, "note:     --redact value 1 matched nothing", "long-enough-1"},
		"env value not shown":  {[]string{"--redact-env", "GOOD"}, 0, "note:     --redact-env GOOD matched nothing", "good-secret-value"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(tc.args, "-o", filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".eml"), srv.URL)
			code := runIO(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d: %s", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tc.wantErr)
			}
			if tc.wantCode == 2 && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("usage error is not one line: %q", stderr.String())
			}
			if tc.secret != "" && strings.Contains(stdout.String()+stderr.String(), tc.secret) {
				t.Errorf("the secret reached the terminal: %q", stderr.String())
			}
		})
	}
}

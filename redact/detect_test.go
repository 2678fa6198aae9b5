package redact

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

// found is what a detection test compares: the secret and where it was
// detected.
type found struct {
	Role, Value string
	Found       []string
}

func foundOf(res *Result) []found {
	var out []found
	for _, s := range res.Secrets {
		out = append(out, found{s.Role, s.Value, s.Found})
	}
	return out
}

// exWith is a GET with the given request headers and URL, and a response
// with the given headers and body.
func exWith(u string, reqH capture.Headers, reqBody, reqType string, respH capture.Headers, respBody, respType string) *capture.Exchange {
	if u == "" {
		u = "https://api.alteg.io/api/v1/records/1"
	}
	return &capture.Exchange{Hops: []capture.Hop{{
		Request: capture.Sent{Method: "POST", URL: u, Header: reqH,
			Body: capture.Body{Data: []byte(reqBody), Size: int64(len(reqBody)), ContentType: reqType}},
		Response: &capture.Response{Status: 401, Header: respH,
			Body: capture.Body{Data: []byte(respBody), Size: int64(len(respBody)), ContentType: respType}},
	}}}
}

func hdr(kv ...string) capture.Headers {
	var h capture.Headers
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, capture.Header{Name: kv[i], Value: kv[i+1]})
	}
	return h
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

func TestDetect(t *testing.T) {
	tests := map[string]struct {
		ex     *capture.Exchange
		policy Policy
		want   []found
	}{
		// Only the tokens sent in Authorization are the ones the Tokens
		// section shows; one met elsewhere is removed under a numbered role.
		"partner token in the SMS callback path": {
			ex:   exWith("https://api.alteg.io/api/v1/smsprovider/status/callback/cb-partner-77", nil, "", "", nil, "", ""),
			want: []found{{"partner_token_2", "cb-partner-77", []string{"URL path"}}},
		},
		"record hash in the client's record path": {
			ex:   exWith("https://api.alteg.io/api/v1/user/records/123/9f86d081884c?x=1", nil, "", "", nil, "", ""),
			want: []found{{"record_hash", "9f86d081884c", []string{"URL path"}}},
		},
		"bearer and user by role": {
			ex: exWith("", hdr("Authorization", "Bearer partner-123456, User user-654321"), "", "", nil, "", ""),
			want: []found{
				{"partner_token", "partner-123456", []string{"header Authorization"}},
				{"user_token", "user-654321", []string{"header Authorization"}},
			},
		},
		"basic: the password is the secret": {
			ex:   exWith("", hdr("Authorization", "Basic "+b64("ann:s3cret-pass")), "", "", nil, "", ""),
			want: []found{{"password", "s3cret-pass", []string{"header Authorization (Basic)"}}},
		},
		"basic with no password: the user is the secret": {
			ex:   exWith("", hdr("Authorization", "Basic "+b64("sk_live_123456:")), "", "", nil, "", ""),
			want: []found{{"password_user", "sk_live_123456", []string{"header Authorization (Basic)"}}},
		},
		"proxy-authorization basic": {
			ex:   exWith("", hdr("Proxy-Authorization", "Basic "+b64("p:proxy-pass-1")), "", "", nil, "", ""),
			want: []found{{"proxy_password", "proxy-pass-1", []string{"header Proxy-Authorization (Basic)"}}},
		},
		"proxy-authorization bearer is not the partner token": {
			ex:   exWith("", hdr("Proxy-Authorization", "Bearer proxy-token-1"), "", "", nil, "", ""),
			want: []found{{"proxy_authorization", "proxy-token-1", []string{"header Proxy-Authorization"}}},
		},
		"other scheme: the whole credential": {
			ex:   exWith("", hdr("Authorization", `Digest username="ann", response="6629fae4"`), "", "", nil, "", ""),
			want: []found{{"authorization", `username="ann", response="6629fae4"`, []string{"header Authorization"}}},
		},
		"bare token": {
			ex:   exWith("", hdr("Authorization", "abcdef123456"), "", "", nil, "", ""),
			want: []found{{"authorization", "abcdef123456", []string{"header Authorization"}}},
		},
		"second bearer is a secret without the partner role": {
			ex: exWith("", hdr("Authorization", "Bearer first-token-1, Bearer second-token-2"), "", "", nil, "", ""),
			want: []found{
				{"partner_token", "first-token-1", []string{"header Authorization"}},
				{"authorization", "second-token-2", []string{"header Authorization"}},
			},
		},
		"cookies by name, names kept": {
			ex: exWith("", hdr("Cookie", "session=abc123xyz789; theme=dark"), "", "", hdr("Set-Cookie", "sid=qwerty-12345; Path=/; HttpOnly"), "", ""),
			want: []found{
				{"cookie_session", "abc123xyz789", []string{"cookie session"}},
				{"cookie_theme", "dark", []string{"cookie theme"}},
				{"cookie_sid", "qwerty-12345", []string{"Set-Cookie sid"}},
			},
		},
		"headers named like a credential": {
			ex: exWith("", hdr("X-Api-Key", "ak_live_1234", "X-Auth-Token", "tok-987654", "Accept", "application/json"),
				"", "", hdr("X-Session-Id", "sess-777777", "WWW-Authenticate", `Bearer error="invalid_token"`), "", ""),
			want: []found{
				{"x_api_key", "ak_live_1234", []string{"header X-Api-Key"}},
				{"x_auth_token", "tok-987654", []string{"header X-Auth-Token"}},
				{"x_session_id", "sess-777777", []string{"response header X-Session-Id"}},
			},
		},
		"query parameters, any case and separator": {
			ex: exWith("https://api.alteg.io/cb?sign=abcdef1&page=2&API-KEY=key-1234567&user_data_sign=uds%2F123456#access_token=frag-tok-1", nil, "", "", nil, "", ""),
			want: []found{
				{"sign", "abcdef1", []string{"URL query sign"}},
				{"api_key", "key-1234567", []string{"URL query API-KEY"}},
				{"user_data_sign", "uds/123456", []string{"URL query user_data_sign"}},
				{"access_token", "frag-tok-1", []string{"URL fragment access_token"}},
			},
		},
		"URL and proxy credentials": {
			ex: func() *capture.Exchange {
				ex := exWith("https://ann:p%40ssw0rd!@api.alteg.io/x", nil, "", "", hdr("Location", "https://tok3n-only-user@h.example/y"), "", "")
				ex.Proxy = "http://proxyuser:proxy-secret-9@proxy.local:3128"
				return ex
			}(),
			want: []found{
				{"password", "p@ssw0rd!", []string{"URL user:pass@"}},
				{"url_credential", "tok3n-only-user", []string{"response header Location user@"}},
				{"proxy_password", "proxy-secret-9", []string{"proxy URL user:pass@"}},
			},
		},
		"JSON fields at any depth": {
			ex: exWith("", nil,
				`{"login":"me@example.com","password":"p@ss w0rd","2fa":{"uuid":"u-1","secret":"123456"},"items":[{"id":1},{"apiKey":"ak-000111"}],"sign":12345678}`,
				"application/json", nil, `{"success":true,"data":{"id":1,"user_token":"new-user-token-1"}}`, "application/json"),
			want: []found{
				{"password", "p@ss w0rd", []string{"request body $.password"}},
				{"2fa_secret", "123456", []string{"request body $.2fa.secret"}},
				{"apikey", "ak-000111", []string{"request body $.items[1].apiKey"}},
				{"sign", "12345678", []string{"request body $.sign"}},
				{"user_token_2", "new-user-token-1", []string{"response body $.data.user_token"}},
			},
		},
		"JSON held in a JSON string": {
			ex:   exWith("", nil, `{"payload":"{\"password\":\"inner-pass-1\"}"}`, "application/json", nil, "", ""),
			want: []found{{"password", "inner-pass-1", []string{"request body $.payload>.password"}}},
		},
		"JSON sniffed without a content type": {
			ex:   exWith("", nil, ` {"refresh_token":"rt-123456"}`, "", nil, "", ""),
			want: []found{{"refresh_token", "rt-123456", []string{"request body $.refresh_token"}}},
		},
		"form fields": {
			ex:   exWith("", nil, "login=me%40example.com&password=p%40ss+w0rd&new-password=n3w-pass", "application/x-www-form-urlencoded", nil, "", ""),
			want: []found{{"password", "p@ss w0rd", []string{"request body field password"}}, {"new_password", "n3w-pass", []string{"request body field new-password"}}},
		},
		"multipart form fields": {
			ex: exWith("", nil, "--XX\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nann\r\n--XX\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nmp-pass-123\r\n--XX--\r\n",
				"multipart/form-data; boundary=XX", nil, "", ""),
			want: []found{{"password", "mp-pass-123", []string{"request body field password"}}},
		},
		"JWT anywhere": {
			ex:   exWith("", nil, "", "", nil, "<p>your token: "+jwt+"</p>", "text/html"),
			want: []found{{"jwt", jwt, []string{"response body (JWT)"}}},
		},
		"JWT in a JSON string": {
			ex:   exWith("", nil, "", "", nil, `{"note":"Bearer `+jwt+`"}`, "application/json"),
			want: []found{{"jwt", jwt, []string{"response body (JWT)"}}},
		},
		"not a JWT: no alg in the header": {
			ex: exWith("", nil, "", "", nil, base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT"}`))+".eyJzdWIiOiIxIn0.c2ln", "text/plain"),
		},
		"a token echoed in a body is one secret": {
			ex: exWith("", hdr("Authorization", "Bearer partner-123456, User user-654321"), "", "", nil,
				`{"data":{"user_token":"user-654321"}}`, "application/json"),
			want: []found{
				{"partner_token", "partner-123456", []string{"header Authorization"}},
				{"user_token", "user-654321", []string{"header Authorization", "response body $.data.user_token"}},
			},
		},
		"an echoed Authorization keeps its tokens apart": {
			ex: exWith("", hdr("Authorization", "Bearer partner-123456, User user-654321"), "", "",
				hdr("X-Echo-Auth", "Bearer partner-123456, User user-654321"),
				`{"headers":{"Authorization":"Bearer other-partner-1, User user-654321"},"password":"User pass-1234"}`, "application/json"),
			want: []found{
				{"partner_token", "partner-123456", []string{"header Authorization", "response header X-Echo-Auth"}},
				{"user_token", "user-654321", []string{"header Authorization", "response header X-Echo-Auth", "response body $.headers.Authorization"}},
				{"partner_token_2", "other-partner-1", []string{"response body $.headers.Authorization"}},
				{"password", "User pass-1234", []string{"response body $.password"}},
			},
		},
		"policy: literals, environment, field names": {
			ex: exWith("", nil, `{"sms_code":"4321","client":{"pin":"9876"}}`, "application/json", nil, "", ""),
			policy: Policy{
				Values: []string{"literal-secret-1"},
				Env:    []EnvSecret{{Name: "ALTEGIO_PASSWORD", Value: "env-secret-1"}},
				Fields: []string{"SMS-Code", "client.pin"},
			},
			want: []found{
				{"sms_code", "4321", []string{"request body $.sms_code"}},
				{"pin", "9876", []string{"request body $.client.pin"}},
				{"secret_1", "literal-secret-1", []string{"literal 1"}},
				{"altegio_password", "env-secret-1", []string{"environment ALTEGIO_PASSWORD"}},
			},
		},
		"dotted field name needs its parent": {
			ex:     exWith("", nil, `{"pin":"1111","client":{"pin":"2222"}}`, "application/json", nil, "", ""),
			policy: Policy{Fields: []string{"client.pin"}},
			want:   []found{{"pin", "2222", []string{"request body $.client.pin"}}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := foundOf(Scrub(tc.ex, tc.policy))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("secrets (-want +got):\n%s", d)
			}
		})
	}
}

// TestBasicCredentialRemoved checks that a Basic credential leaves no
// trace: neither the password nor the base64 that holds it.
func TestBasicCredentialRemoved(t *testing.T) {
	cred := b64("ann:s3cret-pass")
	ex := exWith("", hdr("Authorization", "Basic "+cred), "", "", nil, "echo: "+cred+" and "+strings.TrimRight(cred, "="), "text/plain")
	res := Scrub(ex, Policy{})
	got := []string{res.Exchange.First().Request.Header.Get("Authorization"), string(res.Exchange.Response().Body.Data)}
	want := []string{"Basic {{password}}", "echo: {{password}} and {{password}}"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestNameMatching(t *testing.T) {
	ns := newNameSet([]string{"X-Tenant", "2fa.code"})
	tests := []struct {
		name string
		path []string
		want bool
	}{
		{"password", nil, true},
		{"PASSWORD", nil, true},
		{"Pass-Word", nil, true},
		{"user_token", nil, true},
		{"userToken", nil, true},
		{"api-key", nil, true},
		{"x_tenant", nil, true},
		{"code", []string{"2fa"}, true},
		{"code", []string{"data"}, false},
		{"code", nil, false},
		{"passport", nil, false},
		{"token_type", nil, false},
		{"login", nil, false},
	}
	for _, tc := range tests {
		if got := ns.field(tc.name, tc.path); got != tc.want {
			t.Errorf("field(%q, %q) = %v, want %v", tc.name, tc.path, got, tc.want)
		}
		if tc.want && !ns.maybe([]byte(tc.name)) {
			t.Errorf("maybe(%q) = false, but the name matches", tc.name)
		}
	}
	for name, want := range map[string]bool{"X-Api-Key": true, "X-Auth-Token": true, "Cookie-Session": true, "WWW-Authenticate": false, "Accept": false, "X-Tenant": true, "Signature": true} {
		if got := ns.header(name); got != want {
			t.Errorf("header(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestMadeUpCredentialsAreRedacted: diagnosis (AT119) says of these
// headers and query parameters "value not shown"; redaction must make
// that true, in every spelling.
func TestMadeUpCredentialsAreRedacted(t *testing.T) {
	for i, name := range MadeUpHeaders {
		for _, spelling := range []string{name, strings.ToLower(name), strings.ToUpper(name)} {
			v := "made-up-header-secret-" + strings.Repeat("x", i)
			res := Scrub(exWith("", hdr(spelling, v), "", "", nil, "", ""), Policy{})
			if got := res.Exchange.First().Request.Header.Get(spelling); strings.Contains(got, v) {
				t.Errorf("header %s kept its value: %q", spelling, got)
			}
		}
	}
	for i, name := range MadeUpParams {
		v := "made-up-param-secret-" + strings.Repeat("y", i)
		res := Scrub(exWith("https://api.alteg.io/api/v1/records/1?"+name+"="+v, nil, "", "", nil, "", ""), Policy{})
		if u := res.Exchange.First().Request.URL; strings.Contains(u, v) {
			t.Errorf("query parameter %s kept its value: %q", name, u)
		}
	}
	// In a body, partner_id is an ordinary id.
	res := Scrub(exWith("", nil, `{"partner_id":12345678}`, "application/json", nil, "", ""), Policy{})
	if len(res.Secrets) != 0 {
		t.Errorf("a body's partner_id was taken for a secret: %+v", foundOf(res))
	}
}

// TestURLCredentialsAsBasic: Go sends user:pass@ of the URL or the proxy
// as a Basic header, which a server can echo; the whole credential must
// go too, even when the password is too short for base64 matching alone.
func TestURLCredentialsAsBasic(t *testing.T) {
	for name, tc := range map[string]struct{ proxy, url, echo string }{
		"proxy": {proxy: "http://puser:secret1@127.0.0.1:3128", echo: b64("puser:secret1")},
		"url":   {url: "https://ann:pw12345@api.alteg.io/api/v1/x", echo: b64("ann:pw12345")},
	} {
		t.Run(name, func(t *testing.T) {
			ex := exWith(tc.url, nil, "", "", nil, `{"echo":"Basic `+tc.echo+`"}`, "application/json")
			ex.Proxy = tc.proxy
			res := Scrub(ex, Policy{})
			if body := string(res.Exchange.Response().Body.Data); strings.Contains(body, tc.echo) {
				t.Errorf("the echoed Basic credential survived: %s", body)
			}
		})
	}
}

// TestUTF16Bodies: a secret echoed in a UTF-16 body is found in its
// UTF-16 form and replaced by the placeholder in UTF-16, so the body stays
// valid UTF-16; this holds even when the body was taken for binary.
func TestUTF16Bodies(t *testing.T) {
	const tok = "partner-utf16-1234"
	utf16 := func(s string, big bool) []byte {
		var out []byte
		for _, r := range s {
			if big {
				out = append(out, byte(r>>8), byte(r))
			} else {
				out = append(out, byte(r), byte(r>>8))
			}
		}
		return out
	}
	for name, tc := range map[string]struct {
		charset string
		big     bool
		binary  bool
	}{
		"utf-16le":                {"utf-16le", false, false},
		"utf-16be":                {"utf-16be", true, false},
		"utf-16 taken for binary": {"utf-16", false, true},
	} {
		t.Run(name, func(t *testing.T) {
			body := utf16(`{"echo":"Bearer `+tok+`"}`, tc.big)
			ex := exWith("", hdr("Authorization", "Bearer "+tok), "", "", nil, "", "")
			ex.Hops[0].Response.Body = capture.Body{Data: body, Size: int64(len(body)), Charset: tc.charset, Binary: tc.binary,
				ContentType: "application/json; charset=" + tc.charset}
			res := Scrub(ex, Policy{})
			got := res.Exchange.Response().Body.Data
			if strings.Contains(string(got), string(utf16(tok, tc.big))) {
				t.Fatal("the UTF-16 token survived")
			}
			if want := utf16(`{"echo":"Bearer {{partner_token}}"}`, tc.big); string(got) != string(want) {
				t.Errorf("body = %q, want %q", got, want)
			}
		})
	}
}

// TestCutTexts: texts capture cut at a limit (the bytes of a malformed
// answer, a long Location) may end inside a secret; the cut secret goes
// too. And the stand-in for proxy credentials is not itself a secret.
func TestCutTexts(t *testing.T) {
	const tok = "partner-cut-9f86d081884c7d65"
	ex := exWith("", hdr("Authorization", "Bearer "+tok, "Proxy-Authorization", capture.ProxyCredentialsNotRecorded), "", "", nil, "", "")
	ex.Hops[0].Response.Header = capture.Headers{{Name: "Location", Value: "https://other.example/cb?t=" + tok[:len(tok)-6], Truncated: true}}
	ex.Fault = &capture.Fault{Kind: capture.FaultMalformed, Message: "not valid HTTP", Received: []byte("HTTP/9 echo Bearer " + tok[:12])}
	res := Scrub(ex, Policy{})
	if got := string(res.Exchange.Fault.Received); strings.Contains(got, tok[:12]) {
		t.Errorf("the cut token survived in the received bytes: %q", got)
	}
	if got := res.Exchange.Response().Header.Get("Location"); strings.Contains(got, tok[:10]) {
		t.Errorf("the cut token survived in the cut Location: %q", got)
	}
	for _, s := range res.Secrets {
		if strings.Contains(capture.ProxyCredentialsNotRecorded, s.Value) {
			t.Errorf("the stand-in for proxy credentials became a secret: %+v", s.Role)
		}
	}
	if got := res.Exchange.First().Request.Header.Get("Proxy-Authorization"); got != capture.ProxyCredentialsNotRecorded {
		t.Errorf("the stand-in was changed: %q", got)
	}
}

// TestJWTsWhereverTheyStand: a JWT as a JSON key, in a body labelled JSON
// that is not, and right after an escape (\n, \u000a) is found as well.
func TestJWTsWhereverTheyStand(t *testing.T) {
	for name, body := range map[string]string{
		"as a JSON key":         `{"` + jwt + `":1}`,
		"mislabelled JSON":      `Invalid token ` + jwt,
		"after \\n in a string": `{"error":"bad:\n` + jwt + `"}`,
		"after \\u000a":         `{"error":"bad:\u000a` + jwt + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			res := Scrub(exWith("", nil, "", "", nil, body, "application/json"), Policy{})
			if got := string(res.Exchange.Response().Body.Data); strings.Contains(got, jwt) {
				t.Errorf("the JWT survived: %s", got)
			}
		})
	}
}

// TestWholeValueEdges: a Location whose query names a url= parameter
// keeps its own query read; a short secret after a comma is a whole value.
func TestWholeValueEdges(t *testing.T) {
	const tok = "s3cr3t-location-token-42"
	ex := exWith("", hdr("Authorization", "Bearer abcdefghij,xyz"), "", "", hdr("Location", "/login?next_url=/x&token="+tok), "", "")
	res := Scrub(ex, Policy{})
	if got := res.Exchange.Response().Header.Get("Location"); strings.Contains(got, tok) {
		t.Errorf("the token in a Location with next_url= survived: %q", got)
	}
	if got := res.Exchange.First().Request.Header.Get("Authorization"); strings.Contains(got, "xyz") {
		t.Errorf("the short value after a comma survived: %q", got)
	}
	ex = exWith("", nil, "", "", hdr("Refresh", "0; url=https://api.alteg.io/cb?token="+tok), "", "")
	if got := Scrub(ex, Policy{}).Exchange.Response().Header.Get("Refresh"); strings.Contains(got, tok) {
		t.Errorf("the token in a Refresh URL survived: %q", got)
	}
}

package redact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report"
)

// This file holds one regression test per leak class of issue #11, each
// built from the reproduction: a request carrying the secret, and
// a response that echoes it back the way the class says (httpbin's
// /anything shape unless said otherwise). Each failed before its fix.

// leakCase is a request and the echo of it a server sends back.
type leakCase struct {
	url      string
	headers  [][2]string
	body     string
	bodyType string
	// echo is the response body; "" means httpbin's JSON echo of the
	// request (echoOf).
	echo, echoType string
	policy         redact.Policy
	secrets        []string // must appear nowhere, in any form
}

func (c leakCase) exchange() *capture.Exchange {
	var h capture.Headers
	for _, kv := range c.headers {
		h = append(h, capture.Header{Name: kv[0], Value: kv[1]})
	}
	req := capture.Sent{Method: "POST", Proto: "HTTP/1.1", URL: c.url, Header: h,
		Body: capture.Body{Data: []byte(c.body), Size: int64(len(c.body)), ContentType: c.bodyType}}
	echo, echoType := c.echo, c.echoType
	if echo == "" {
		echo, echoType = echoOf(req), "application/json"
	}
	return &capture.Exchange{
		Source:  capture.Source{Replayed: true, From: "command line"},
		Started: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC),
		Hops: []capture.Hop{{
			Request: req,
			Response: &capture.Response{Proto: "HTTP/1.1", Status: 200, StatusText: "OK",
				Header: capture.Headers{{Name: "Content-Type", Value: echoType}},
				Body:   capture.Body{Data: []byte(echo), Size: int64(len(echo)), ContentType: echoType}},
		}},
	}
}

// echoOf is the body httpbin's /anything sends back for req: the query
// decoded, the headers, the body as text, its form fields or JSON.
func echoOf(req capture.Sent) string {
	u, _ := url.Parse(req.URL)
	args := map[string]any{}
	if u != nil {
		for k, v := range u.Query() {
			args[k] = v
		}
	}
	headers := map[string]any{}
	for _, f := range req.Header {
		headers[f.Name] = []string{f.Value}
	}
	out := map[string]any{"args": args, "headers": headers, "url": req.URL, "method": req.Method,
		"data": string(req.Body.Data), "form": map[string]any{}, "json": nil}
	if f, err := url.ParseQuery(string(req.Body.Data)); err == nil && strings.Contains(string(req.Body.Data), "=") {
		out["form"] = f
	}
	var j any
	if json.Unmarshal(req.Body.Data, &j) == nil {
		out["json"] = j
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	return string(b)
}

// checkLeaks scrubs the case, renders the ticket, and fails on any form
// of any of its secrets in the redacted exchange or any decoded part of
// the ticket.
func checkLeaks(t *testing.T, c leakCase) *redact.Result {
	t.Helper()
	ex := c.exchange()
	res := redact.Scrub(ex, c.policy)
	var placeholders []string
	for _, s := range res.Secrets {
		placeholders = append(placeholders, s.Placeholder)
	}
	forms := map[string][]string{}
	for i, s := range c.secrets {
		forms[fmt.Sprintf("secret %d %q", i, s)] = nestedForms(s)
	}
	for where, text := range exchangeTexts(&res.Exchange) {
		for _, l := range leaks(text, forms, placeholders) {
			t.Errorf("redacted exchange, %s: %s", where, l)
		}
	}
	var buf bytes.Buffer
	err := report.Write(&buf, report.Ticket{
		Exchange: res.Exchange, Secrets: res.Secrets, Redact: res.Bytes, Redaction: res.Report,
		Date: time.Date(2026, 11, 29, 10, 0, 1, 0, time.UTC), MessageID: "leak@altegio-ticket", Boundary: "lk-7Qm3xK9vT2",
	})
	if err != nil {
		t.Fatal(err)
	}
	subject, parts := decodeTicket(t, buf.Bytes())
	for _, l := range leaks(subject, forms, placeholders) {
		t.Errorf("subject: %s", l)
	}
	for _, p := range parts {
		for _, l := range leaks(p.body, forms, placeholders) {
			t.Errorf("ticket part %s %s: %s", p.ctype, p.name, l)
		}
	}
	return res
}

const leakJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

// A JWE in compact form: header {"alg":"dir","enc":"A256GCM"}, an empty
// encrypted key, then IV, ciphertext and tag.
var leakJWE = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM"}`)) +
	"..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ"

func TestLeakClasses(t *testing.T) {
	const echo = "https://echo.test/anything"
	tests := map[string]leakCase{
		"1 Referer with user:pass@ and access_token": {
			url:     echo,
			headers: [][2]string{{"Referer", "https://bob:RefPassw0rd@portal.example.com/p?access_token=RefTok123456"}},
			secrets: []string{"RefPassw0rd", "RefTok123456"},
		},
		"1 Origin and Link, and a URL in a JSON body": {
			url: echo,
			headers: [][2]string{
				{"Origin", "https://ann:OriginPw-77@portal.example.com"},
				{"Link", `<https://api.example.com/next?token=LinkTok-9912>; rel="next"`},
			},
			body:     `{"callback":"https:\/\/cb.example.com\/hook?api_key=BodyKey-4411\u0026x=1"}`,
			bodyType: "application/json",
			secrets:  []string{"OriginPw-77", "LinkTok-9912", "BodyKey-4411"},
		},
		"2 bracketed field names in a form": {
			url:      echo,
			body:     "user[login]=me&user[password]=Secr3tPassw0rd&data[api_key]=ApiK3y-77&client[secret]=Cl1ent-S3cret",
			bodyType: "application/x-www-form-urlencoded",
			secrets:  []string{"Secr3tPassw0rd", "ApiK3y-77", "Cl1ent-S3cret"},
		},
		"2 bracketed names in the query and dotted JSON keys": {
			url:      echo + "?user%5Bpassword%5D=QueryPassw0rd&data.api_key=Dotted-K3y",
			body:     `{"user.password":"JsonDottedPw-1","data":{"client[secret]":"JsonBracket-2"}}`,
			bodyType: "application/json",
			secrets:  []string{"QueryPassw0rd", "Dotted-K3y", "JsonDottedPw-1", "JsonBracket-2"},
		},
		"2 multipart with a bracketed part name": {
			url:      echo,
			body:     "--XyZ\r\nContent-Disposition: form-data; name=\"user[password]\"\r\n\r\nMultiPassw0rd-5\r\n--XyZ\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nme\r\n--XyZ--\r\n",
			bodyType: "multipart/form-data; boundary=XyZ",
			secrets:  []string{"MultiPassw0rd-5"},
		},
		"3 double URL-encoding with lower-case inner hex": {
			url:     echo + "?password%3Da%252fb%252bc-Tail9",
			secrets: []string{"a/b+c-Tail9"},
		},
		"3 double URL-encoding in a nested query, mixed case": {
			url:     echo + "?next=%2Flogin%3Fpassword%3DMix%252Fed%252bCase9",
			secrets: []string{"Mix/ed+Case9", "Mix%252Fed%252bCase9", "Mix%2Fed%2bCase9"},
		},
		"4 a form body sent as application/json": {
			url:      echo,
			body:     "login=me&password=Hunter2Secret",
			bodyType: "application/json",
			secrets:  []string{"Hunter2Secret"},
		},
		"4 a form body sent as text/plain": {
			url:      echo,
			body:     "login=me&password=Hunter3Secret",
			bodyType: "text/plain",
			secrets:  []string{"Hunter3Secret"},
		},
		"5 a cookie sent URL-encoded, echoed decoded": {
			url:      echo,
			headers:  [][2]string{{"Cookie", "PHPSESSID=s3ss%2Fi0n%2Bv4lue%3D%3D; lang=en"}},
			echo:     `{"cookies":{"PHPSESSID":"s3ss/i0n+v4lue==","lang":"en"}}`,
			echoType: "application/json",
			secrets:  []string{"s3ss%2Fi0n%2Bv4lue%3D%3D", "s3ss/i0n+v4lue=="},
		},
		"7 an OAuth answer as text/plain": {
			url:      echo,
			echo:     "access_token=OAuthTok-5521&token_type=bearer&refresh_token=OAuthRef-7781",
			echoType: "text/plain",
			secrets:  []string{"OAuthTok-5521", "OAuthRef-7781"},
		},
		"8 a JWT right after a base64url character": {
			url:      echo + "?next=%2Fcallback%23id_token%3D" + leakJWT,
			echo:     "you asked for " + echo + "?next=%2Fcallback%23id_token%3D" + leakJWT,
			echoType: "text/plain",
			secrets:  []string{leakJWT},
		},
		"9 encodeURIComponent twice": {
			url:     echo + "?q=my%2520pass%253Dword1",
			policy:  redact.Policy{Values: []string{"my pass=word1"}},
			secrets: []string{"my pass=word1"},
		},
		"12 a JWE of five parts": {
			url:     echo,
			headers: [][2]string{{"X-Context", leakJWE}},
			secrets: []string{leakJWE, strings.SplitN(leakJWE, ".", 5)[4], strings.SplitN(leakJWE, ".", 5)[3]},
		},
		"hex and UTF-16 without a declared charset": {
			url:      echo,
			body:     `{"password":"HexUtf16-Secret9"}`,
			bodyType: "application/json",
			echo: fmt.Sprintf("%x\n%X\n%s\n%s", "HexUtf16-Secret9", "HexUtf16-Secret9",
				utf16Bytes("pw=HexUtf16-Secret9", false), utf16Bytes("pw=HexUtf16-Secret9", true)),
			echoType: "application/octet-stream",
			secrets:  []string{"HexUtf16-Secret9"},
		},
	}
	// 6: a JSON password with non-ASCII characters, echoed inside a JSON
	// string, the inner layer in another encoder's style.
	const pw = `pé/ss"w0rd-ü'<x>&y`
	for _, inner := range []string{"json-python", "json-jackson", "json-php", "html-python", "html-php", "html-template"} {
		for _, outer := range []string{"json-go", "json-php", "json-python"} {
			tests["6 "+inner+" inside "+outer] = leakCase{
				url:      echo,
				body:     `{"password":"` + oneLayer["json-go"](pw) + `"}`,
				bodyType: "application/json",
				echo:     `{"note":"` + oneLayer[outer](`you sent <b>`+oneLayer[inner](pw)+`</b>`) + `"}`,
				echoType: "application/json",
				secrets:  []string{pw},
			}
		}
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			checkLeaks(t, c)
		})
	}
}

// TestKeyed: a value too short or too common to search for is replaced
// where it stands under its name, in any escaped form, and nowhere else.
func TestKeyed(t *testing.T) {
	tests := map[string]struct {
		c    leakCase
		want []string // substrings of the redacted response body
		keep []string // substrings that must survive (prose, numbers)
	}{
		"11 a+b with lower-case %2b, echoed decoded": {
			c:    leakCase{url: "https://echo.test/anything?password=a%2bb"},
			want: []string{`"password": [` + "\n" + `      "{{password}}"`, `?password={{password}}"`},
		},
		"a one-letter password in JSON, and the letter elsewhere": {
			c: leakCase{url: "https://echo.test/anything", body: `{"login":"a","password":"a"}`, bodyType: "application/json",
				echo: `{"json":{"login":"a","password":"a"},"data":"{\"password\":\"a\"}","note":"a password a"}`, echoType: "application/json"},
			want: []string{`"password":"{{password}}"`, `{\"password\":\"{{password}}\"}`, `"login":"a"`, `"note":"a password a"`},
		},
		"a numeric code stays JSON": {
			c: leakCase{url: "https://echo.test/anything", body: `{"sms_code":123456}`, bodyType: "application/json",
				echo: `{"json":{"sms_code": 123456},"size":123456}`, echoType: "application/json",
				policy: redact.Policy{Fields: []string{"sms_code"}}},
			want: []string{`"sms_code": "{{sms_code}}"`, `"size":123456`},
		},
		"common cookies are keyed": {
			c: leakCase{url: "https://echo.test/anything", headers: [][2]string{{"Cookie", "consent=true; n=0"}},
				echo: `{"cookies":{"consent":true,"n":0},"count":0,"ok":true}`, echoType: "application/json"},
			want: []string{`"consent":"{{cookie_consent}}"`, `"n":"{{cookie_n}}"`, `"count":0,"ok":true`},
		},
		"a token after its scheme only": {
			c: leakCase{url: "https://echo.test/anything", headers: [][2]string{{"Authorization", "Bearer P, User U"}},
				echo: `{"headers":{"Authorization":"Bearer P, User U"},"msg":"User P not found: P"}`, echoType: "application/json"},
			want: []string{`"Bearer {{partner_token}}, User {{user_token}}"`, `"msg":"User P not found: P"`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := tc.c.exchange()
			res := redact.Scrub(ex, tc.c.policy)
			body := string(res.Exchange.Response().Body.Data)
			for _, w := range append(tc.want, tc.keep...) {
				if !strings.Contains(body, w) {
					t.Errorf("%q missing from the redacted body:\n%s", w, body)
				}
			}
			if looksJSON := strings.HasPrefix(strings.TrimSpace(body), "{"); looksJSON && !json.Valid([]byte(body)) {
				t.Errorf("the redacted body is no longer JSON:\n%s", body)
			}
			// The ticket's own text is never searched for a keyed value.
			if got := res.String("Response: 200 OK a true 0 P U"); got != "Response: 200 OK a true 0 P U" {
				t.Errorf("the safety net rewrote the ticket's text: %q", got)
			}
		})
	}
}

// TestRedTeamLeakClasses is one regression test per leak class the red
// team found by whole runs (cli/redteam_test.go): each secret stood in
// every output before its fix.
func TestRedTeamLeakClasses(t *testing.T) {
	const echo = "https://echo.test/anything"
	tests := map[string]leakCase{
		"sig and key in a query": {
			url:     echo + "?sig=SigVal-77a1b2c3&key=AIzaKeyVal-55d4e5",
			secrets: []string{"SigVal-77a1b2c3", "AIzaKeyVal-55d4e5"},
		},
		"cloud-signed URL": {
			url:     echo + "?X-Amz-Signature=AmzSig-0f9e8d7c&X-Amz-Security-Token=AmzTok-6b5a4f3e&X-Goog-Credential=GoogCred-2d1c0b9a",
			secrets: []string{"AmzSig-0f9e8d7c", "AmzTok-6b5a4f3e", "GoogCred-2d1c0b9a"},
		},
		"a field by its suffix": {
			url: echo, body: `{"current_password":"CurPw-18a7b6c5","stripe_secret":"StripeS-4d3e2f1a","next_page_token":"PageCursor-1"}`, bodyType: "application/json",
			secrets: []string{"CurPw-18a7b6c5", "StripeS-4d3e2f1a"},
		},
		"a matrix parameter with a plus": {
			url:     echo + "/cart;jsessionid=Jsess+Id-9c8b7a6f/items",
			secrets: []string{"Jsess+Id-9c8b7a6f"},
		},
		"a part header": {
			url: echo, body: "--BB\r\nContent-Disposition: form-data; name=\"file\"\r\nX-Api-Key: PartKey-3e2d1c0b\r\n\r\nhello\r\n--BB--\r\n", bodyType: "multipart/form-data; boundary=BB",
			secrets: []string{"PartKey-3e2d1c0b"},
		},
		"a password part sent as a file": {
			url: echo, body: "--BB\r\nContent-Disposition: form-data; name=\"password\"; filename=\"p.txt\"\r\n\r\nFilePw-7f6e5d4c\r\n--BB--\r\n", bodyType: "multipart/form-data; boundary=BB",
			secrets: []string{"FilePw-7f6e5d4c"},
		},
		"a credential of the command line never sent": {
			url:    echo,
			policy: redact.Policy{Command: []redact.CommandSecret{{Role: "password", Where: "-u", Value: "DigestPw-5a4b3c2d"}}},
			echo:   "the server quotes DigestPw-5a4b3c2d back", echoType: "text/plain",
			secrets: []string{"DigestPw-5a4b3c2d"},
		},
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) { checkLeaks(t, c) })
	}
	// A cursor is not a secret: it stays.
	res := redact.Scrub(tests["a field by its suffix"].exchange(), redact.Policy{})
	if !bytes.Contains(res.Exchange.Hops[0].Request.Body.Data, []byte("PageCursor-1")) {
		t.Error("next_page_token was redacted: a cursor is not a credential")
	}
}

// TestTabAfterScheme: "Bearer<TAB>x,<TAB>User<TAB>y" gives the two token
// roles, as with spaces.
func TestTabAfterScheme(t *testing.T) {
	c := leakCase{url: "https://echo.test/x", headers: [][2]string{{"Authorization", "Bearer\tPartTab-1a2b3c4d,\tUser\tUserTab-5e6f7a8b"}}}
	roles := map[string]string{}
	for _, s := range redact.Scrub(c.exchange(), redact.Policy{}).Secrets {
		roles[s.Value] = s.Role
	}
	if roles["PartTab-1a2b3c4d"] != redact.RolePartnerToken || roles["UserTab-5e6f7a8b"] != redact.RoleUserToken {
		t.Errorf("roles = %v", roles)
	}
}

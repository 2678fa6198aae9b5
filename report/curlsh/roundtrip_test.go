package curlsh

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/curlcmd"
	"github.com/google/go-cmp/cmp"
)

// FuzzScriptRoundTrip checks replay.sh against the curl parser where the
// two overlap: the curl command a script holds, read back by
// capture/curlcmd the way a pasted command is, must give the request the
// script was written for: its method, URL, headers (with the secrets the
// script takes from the environment) and body.
func FuzzScriptRoundTrip(f *testing.F) {
	f.Add("POST", "/api/v1/records/1?x=1&y=%2F", "Accept", "application/vnd.api.v2+json", []byte(`{"a":"it's $HOME `+"`x`"+`"}`))
	f.Add("GET", "/api/v1/company/1", "X-Custom", `"quoted", comma`, []byte(nil))
	f.Add("PATCH", "/a%20b/c?q=%E2%9C%93", "Accept", "*/*", []byte("\x00\xff\r\nbinary"))
	f.Add("DELETE", "/x", "X-Empty", "", []byte{})
	f.Add("HEAD", "/", "Accept", "$'x'", []byte(nil))
	f.Fuzz(func(t *testing.T, method, path, name, value string, body []byte) {
		if !isToken(method) || !isToken(name) || strings.ContainsAny(value, "\x00\r\n") ||
			strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Host") ||
			strings.EqualFold(name, "Content-Length") || strings.EqualFold(name, "Transfer-Encoding") {
			t.Skip("not something an HTTP client sends, or a header the test sets itself")
		}
		u, err := url.Parse("https://api.alteg.io" + path)
		if err != nil || u.Host != "api.alteg.io" || strings.ContainsAny(path, "#\x00 \t\r\n") || !strings.HasPrefix(path, "/") {
			t.Skip("not a request URL")
		}
		if len(body) == 0 {
			// An empty body and none look the same in a recorded request
			// unless the transport wrote Content-Length: 0; the script
			// tests cover that case.
			body = nil
		}
		const token = "tok-7f3a9c1e5b2d4f60"
		headers := capture.Headers{
			{Name: "Authorization", Value: "Bearer {{partner_token}}", Origin: capture.FromUser},
			{Name: name, Value: value, Origin: capture.FromUser},
		}
		sent := capture.Sent{Method: method, URL: u.String(), Proto: "HTTP/1.1", Header: headers}
		if body != nil {
			sent.Body = capture.Body{Data: body, Size: int64(len(body))}
		}
		ex := &capture.Exchange{Hops: []capture.Hop{{Request: sent}}}
		secrets := []Secret{{Placeholder: "{{partner_token}}", Env: "ALTEGIO_PARTNER_TOKEN", Description: "the partner token"}}
		script := string(Script(ex, secrets, Info{}))

		// The curl command is the script's last statement; its body file
		// and secrets come from the environment, as in a real run.
		cmd := script[strings.LastIndex(script, "\ncurl")+1:]
		env := map[string]string{"ALTEGIO_PARTNER_TOKEN": token, "body": "/virtual/body"}
		flags, _, err := curlcmd.Parse(cmd, func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("the script's curl command does not parse: %v\n%s", err, cmd)
		}
		c, err := flags.Build(curlcmd.Env{UserAgent: "altegio-ticket/test", ReadFile: func(name string) ([]byte, error) {
			if name != "/virtual/body" {
				return nil, fmt.Errorf("unexpected file %q", name)
			}
			return body, nil
		}})
		if err != nil {
			t.Fatalf("the script's curl command does not build: %v\n%s", err, cmd)
		}

		// Whitespace around a field value is not part of it (RFC 9110, 5.5),
		// and curl drops it.
		ows := func(v string) string { return strings.Trim(v, " \t") }
		want := capture.Request{Method: method, URL: u.String(), Body: body}
		for _, h := range headers {
			want.Header = append(want.Header, capture.Header{Name: h.Name, Value: ows(strings.ReplaceAll(h.Value, "{{partner_token}}", token)), Origin: capture.FromUser})
		}
		got := c.Request
		got.Header = nil
		for _, h := range c.Request.Header {
			if h.Origin == capture.FromTransport {
				// Build places the transport's Content-Length where curl
				// writes it; the transport computes it.
				continue
			}
			// Sep is how curl spaces the field on the wire ("X:" for
			// -H 'X;'), not part of it.
			h.Value, h.Sep = ows(h.Value), ""
			got.Header = append(got.Header, h)
		}
		if strings.EqualFold(method, "HEAD") && body == nil {
			got.Method = strings.ToUpper(got.Method) // --head
			want.Method = strings.ToUpper(want.Method)
		}
		bodyText := cmp.Transformer("body", func(b []byte) string {
			if b == nil {
				return "<none>"
			}
			return fmt.Sprintf("%q", b)
		})
		if d := cmp.Diff(want, got, bodyText); d != "" {
			t.Errorf("script for %s %s read back differently (-want +got):\n%s\n%s", method, path, d, cmd)
		}
		if bytes.Contains([]byte(script), []byte(token)) {
			t.Error("the script holds the secret value")
		}
	})
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

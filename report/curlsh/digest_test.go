package curlsh

import (
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
)

// TestScriptDigest: for a call that answered a Digest challenge, the
// script sends the request that carried the body, without the recorded
// Digest answer (bound to a nonce of the past), and with curl --digest
// and the credentials from the environment.
func TestScriptDigest(t *testing.T) {
	probe := capture.Hop{Request: capture.Sent{Method: "POST", URL: "http://127.0.0.1:9/x", Proto: "HTTP/1.1",
		Header: capture.Headers{{Name: "Content-Length", Value: "0", Origin: capture.FromTransport}},
		Body:   capture.Body{Data: []byte{}}}}
	answer := capture.Hop{Auth: "digest", Request: capture.Sent{Method: "POST", URL: "http://127.0.0.1:9/x", Proto: "HTTP/1.1",
		Header: capture.Headers{
			{Name: "Authorization", Value: `Digest {{authorization}}`, Origin: capture.FromUser},
			{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: capture.FromTool},
		},
		Body: capture.Body{Data: []byte("a=1"), Size: 3}}}
	ex := &capture.Exchange{Hops: []capture.Hop{probe, answer}}
	got := string(Script(ex, []Secret{{Placeholder: "{{authorization}}", Env: "ALTEGIO_AUTHORIZATION", Description: "a credential"}}, Info{}))
	for _, want := range []string{"--digest", `--user "${ALTEGIO_DIGEST_USER:?`, "a=1"} {
		if !strings.Contains(got, want) {
			t.Errorf("the script lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"Digest {{", "ALTEGIO_AUTHORIZATION"} {
		if strings.Contains(got, not) {
			t.Errorf("the script holds %q:\n%s", not, got)
		}
	}
}

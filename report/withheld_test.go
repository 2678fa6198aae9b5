package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
)

// TestWithheldBodyShowsWhy: a body capture did not keep (a coding it
// cannot decode) is described where the body would be, in both parts,
// and no body file is attached.
func TestWithheldBodyShowsWhy(t *testing.T) {
	const why = "the body is zstd-encoded, which altegio-ticket cannot decode; it is left out because secrets in it could not be removed"
	tk := sampleTicket(t)
	tk.Exchange.Hops[0].Response.Body = capture.Body{Size: 55, WireSize: 55, ContentType: "application/json", Withheld: why}
	var buf bytes.Buffer
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, buf.Bytes())
	for _, p := range parts {
		switch {
		case p.ContentType == "text/plain":
			body := strings.Join(strings.Fields(p.Body), " ")
			if !strings.Contains(body, "application/json, 55 B") {
				t.Errorf("text part does not describe the body:\n%s", p.Body)
			}
			if !strings.Contains(body, "["+why+"]") {
				t.Errorf("text part does not say why the body is left out:\n%s", p.Body)
			}
		case p.ContentType == "text/html":
			if !strings.Contains(strings.Join(strings.Fields(p.Body), " "), why) {
				t.Errorf("HTML part does not say why the body is left out")
			}
		case strings.HasPrefix(p.Filename, "response-body"):
			t.Errorf("a withheld body is attached as %s", p.Filename)
		}
	}
}

package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/redact"
)

// secretTicket is the sample ticket with a password in the request body,
// echoed in the response, and PII masking on.
func secretTicket(t *testing.T, mask bool) (Ticket, string) {
	t.Helper()
	const password = "correct horse battery"
	ex := sampleExchange()
	ex.Hops[0].Request.Body.Data = []byte(`{"login":"ann@example.com","password":"` + password + `"}`)
	ex.Hops[0].Request.Body.Size = int64(len(ex.Hops[0].Request.Body.Data))
	ex.Hops[0].Response.Body.Data = append(ex.Hops[0].Response.Body.Data[:0:0], []byte(`{"echo":"`+password+`","user":"`+user+`"}`)...)
	ex.Hops[0].Response.Body.Size = int64(len(ex.Hops[0].Response.Body.Data))
	res := redact.Scrub(ex, redact.Policy{PII: true, Values: []string{"never-found-1"}})
	tk := sampleTicket(t)
	tk.Exchange, tk.Secrets, tk.Redact, tk.Redaction, tk.MaskTokens = res.Exchange, res.Secrets, res.Bytes, res.Report, mask
	return tk, password
}

func TestRedactionSections(t *testing.T) {
	tk, password := secretTicket(t, false)
	var buf bytes.Buffer
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, buf.Bytes())
	for _, p := range parts[:2] {
		for _, want := range []string{
			"Secrets", "{{password}}", redact.Fingerprint(password),
			"request body ×1, response body ×1",
			"1 email address and 0 phone numbers were masked",
			"literal value 1 matched nothing",
		} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("%s: %q missing", p.ContentType, want)
			}
		}
		if strings.Contains(p.Body, password) {
			t.Errorf("%s: the password is in the ticket", p.ContentType)
		}
		// The section comes before the Tokens section, so that the
		// token values are the last thing in the body.
		if strings.Index(p.Body, "1 email address") > strings.LastIndex(p.Body, "Tokens") {
			t.Errorf("%s: the Secrets section is after the Tokens section", p.ContentType)
		}
	}
}

func TestMaskTokens(t *testing.T) {
	tk, _ := secretTicket(t, true)
	var buf bytes.Buffer
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, buf.Bytes())
	for _, p := range parts {
		for _, tok := range []string{partner, user} {
			if strings.Contains(p.Body, tok) {
				t.Errorf("%s: a token is in full despite --mask-tokens", p.ContentType)
			}
			masked := tok[:4] + "…" + tok[len(tok)-4:]
			if p.ContentType == "text/plain" && !strings.Contains(p.Body, masked) {
				t.Errorf("text: masked token %q missing", masked)
			}
		}
	}
}

func TestTokenShown(t *testing.T) {
	tok := redact.Secret{Role: redact.RolePartnerToken, Value: "abcd-0123456789-wxyz"}
	other := redact.Secret{Role: "secret_1", Value: "0123456789"}
	tests := map[string]struct {
		tk        Ticket
		want      string
		wantMasks bool
	}{
		"in full":                  {Ticket{Secrets: []redact.Secret{tok}}, tok.Value, false},
		"masked":                   {Ticket{Secrets: []redact.Secret{tok}, MaskTokens: true}, "abcd…wxyz", true},
		"holds another secret":     {Ticket{Secrets: []redact.Secret{tok, other}}, tok.Value, false}, // #11: nothing but --mask-tokens masks a token
		"too short to show masked": {Ticket{Secrets: []redact.Secret{{Role: redact.RoleUserToken, Value: "short-tok"}}, MaskTokens: true}, "…", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, why := tokenShown(tc.tk.Secrets[0], &tc.tk)
			if got != tc.want || (why != "") != tc.wantMasks {
				t.Errorf("tokenShown = %q, %q; want %q (masked %v)", got, why, tc.want, tc.wantMasks)
			}
		})
	}
}

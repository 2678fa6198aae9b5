package report

import (
	"strings"
	"testing"
)

// TestTriesSection: the fixes tried are listed after the findings, in
// both parts, the one that worked marked verified; the safety net
// redacts a secret a try's message might echo; no tries, no section.
func TestTriesSection(t *testing.T) {
	tk := sampleTicket(t)
	secret := tk.Secrets[0].Value
	tk.Tries = []Try{
		{Fix: "with `Accept: application/vnd.api.v2+json`", Checks: []string{"AT101"}, Sent: true, Result: "401 Unauthorized", Message: "Authentication needed. Got " + secret},
		{Fix: "with the form body sent as JSON", Checks: []string{"AT141"}, Result: "POST changes data"},
		{Fix: "with https://", Checks: []string{"AT130", "AT314"}, Sent: true, Result: "200 OK", Worked: true},
	}
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, emlOf(t, r))
	text, html := strings.ReplaceAll(parts[0].Body, "\r\n", "\n"), parts[1].Body
	for _, want := range []string{
		"\n## Fixes tried\n",
		"1. with `Accept: application/vnd.api.v2+json` (AT101): 401 Unauthorized",
		"2. with the form body sent as JSON (AT141): not sent: POST changes data",
		"3. with https:// (AT130, AT314): 200 OK. Fix verified.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text part lacks %q:\n%s", want, text)
		}
	}
	if f, tr := strings.Index(text, "\n## Findings"), strings.Index(text, "\n## Fixes tried"); f < 0 || tr < f {
		t.Errorf("the tries do not come after the findings")
	}
	if !strings.Contains(html, ">Fixes tried</div>") || !strings.Contains(html, "200 OK, fix verified") {
		t.Errorf("the HTML part lacks the tries:\n%s", html)
	}
	tokens := strings.Index(text, "\n## Tokens")
	if i := strings.Index(text, secret); i >= 0 && i < tokens {
		t.Errorf("a try's message leaked a secret outside the Tokens section")
	}
	if strings.Contains(html[:strings.Index(html, "Tokens")], secret) {
		t.Errorf("a try's message leaked a secret into the HTML part")
	}

	tk.Tries = nil
	r, err = Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(emlOf(t, r)), "Fixes tried") {
		t.Error("a ticket without tries has the section")
	}
}

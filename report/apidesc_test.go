package report

import (
	"strings"
	"testing"
)

// TestAPIDescriptionLine: the line about the API description is in the
// head of both body parts, escaped in HTML, and absent when empty.
func TestAPIDescriptionLine(t *testing.T) {
	const line = "Alteg.io's API description, Business Management 1.0.0 (b2b-v1), fetched 2026-11-29 (GET /api/v1/records/{location_id} & <more>)."
	tk := sampleTicket(t)
	tk.APIDescription, tk.APIChecked = line, true
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(r.Text)), " ")
	if !strings.Contains(text, "API spec: "+line) {
		t.Errorf("the text part has no API spec: line:\n%s", r.Text)
	}
	var html string
	for _, f := range r.Files {
		if f.Name == "ticket.html" {
			html = string(f.Data)
		}
	}
	if !strings.Contains(html, ">API spec<") || !strings.Contains(html, ">Alteg.io&#39;s API description") || !strings.Contains(html, "&amp; &lt;more&gt;") {
		t.Errorf("the HTML part has no escaped API spec: line")
	}

	// A description that was not read is said at the end of the
	// Findings, not in the head.
	const skipped = "Alteg.io's API description not used (--no-spec), so the checks that read it (AT150-AT157) were skipped."
	tk.APIDescription, tk.APIChecked = skipped, false
	r, err = Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	text = strings.Join(strings.Fields(string(r.Text)), " ")
	findings, request := strings.Index(text, "## Findings"), strings.Index(text, "## Request")
	at := strings.Index(text, "Not checked: "+skipped)
	if strings.Contains(text, "API spec:") || at < findings || at > request {
		t.Errorf("a description not read is not at the end of the Findings:\n%s", r.Text)
	}

	tk.APIDescription = ""
	r, err = Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(r.Text), "API spec:") {
		t.Error("an empty APIDescription still shows an API spec: line")
	}
}

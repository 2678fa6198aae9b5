package report

import (
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/report/diagnose"
)

// TestHeadShowsWhatToDo: the head gives the first finding's fix, or, when
// it has no fix to paste, its action in words, in both parts; an info
// finding puts no cause in the head.
func TestHeadShowsWhatToDo(t *testing.T) {
	tests := map[string]struct {
		finding  diagnose.Finding
		text     []string // in the text part's head
		html     []string
		notInTop []string
	}{
		"fix": {diagnose.Finding{ID: "AT101", Severity: diagnose.Likely, Title: "No Accept header", Fix: "Accept: application/vnd.api.v2+json", Action: "add the Accept header"},
			[]string{"Cause: AT101 No Accept header (likely)", "Fix: Accept: application/vnd.api.v2+json"}, []string{">Accept: application/vnd.api.v2"}, []string{"To do:"}},
		"action only": {diagnose.Finding{ID: "AT207", Severity: diagnose.Likely, Title: "422 Unprocessable Entity", Action: "rename team_member_id to staff_id in the body"},
			[]string{"Cause: AT207 422 Unprocessable Entity (likely)", "To do: Rename team_member_id to staff_id in the body."}, []string{">Rename team_member_id to staff_id in the body.</div>"}, []string{"Fix:"}},
		"info only": {diagnose.Finding{ID: "AT132", Severity: diagnose.Info, Title: "Local or custom host", Action: "ignore"},
			[]string{"Cause: none found"}, nil, []string{"To do:", "AT132"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tk := sampleTicket(t)
			tk.Findings = []diagnose.Finding{tc.finding}
			r, err := Render(tk)
			if err != nil {
				t.Fatal(err)
			}
			text := string(r.Text)
			head := strings.Join(strings.Fields(text[:strings.Index(text, "## ")]), " ")
			for _, w := range tc.text {
				if !strings.Contains(head, w) {
					t.Errorf("the head lacks %q:\n%s", w, head)
				}
			}
			for _, n := range tc.notInTop {
				if strings.Contains(head, n) {
					t.Errorf("the head holds %q:\n%s", n, head)
				}
			}
			var html string
			for _, f := range r.Files {
				if f.Name == "ticket.html" {
					html = string(f.Data)
				}
			}
			for _, w := range tc.html {
				if !strings.Contains(html, w) {
					t.Errorf("the HTML part lacks %q", w)
				}
			}
		})
	}
}

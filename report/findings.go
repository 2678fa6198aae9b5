package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/altegio/altegio-ticket/report/diagnose"
)

// findingRow is one diagnose.Finding as both renderers show it.
type findingRow struct {
	ID, Severity, Title, Explain, Fix string
	Evidence                          []string
	// Color and Background style the finding by severity in HTML.
	Color, Background template.CSS
}

func findingRows(fs []diagnose.Finding) []findingRow {
	var out []findingRow
	for _, f := range fs {
		r := findingRow{ID: f.ID, Severity: f.Severity.String(), Title: f.Title, Explain: f.Explain, Fix: f.Fix, Evidence: f.Evidence}
		r.Color, r.Background = findingColors(f.Severity)
		out = append(out, r)
	}
	return out
}

// findingsIntro introduces the findings to the reader of the ticket.
const findingsIntro = "altegio-ticket checked this call before writing the ticket; the most likely cause comes first."

// textFindings renders the findings in the text part, right at the top:
// the sender reads them before anything else, and support sees what was
// already suggested.
func textFindings(w *textWriter, v *view) {
	if len(v.Findings) == 0 && v.APISkipped == "" {
		return
	}
	w.heading("Findings")
	if len(v.Findings) == 0 {
		w.p("None.")
	} else {
		w.wrap("", "", findingsIntro)
	}
	defer func() {
		if v.APISkipped != "" {
			w.p("")
			w.wrap("", "", "Not checked: "+v.APISkipped)
		}
	}()
	for i, f := range v.Findings {
		w.p("")
		w.wrap(fmt.Sprintf("%d. ", i+1), "   ", fmt.Sprintf("[%s] %s %s", f.Severity, f.ID, f.Title))
		w.wrap("   ", "   ", f.Explain)
		if f.Fix != "" {
			w.p("   Fix:")
			for _, line := range strings.Split(f.Fix, "\n") {
				w.p("     %s", line)
			}
		}
		w.p("   Evidence:")
		for _, e := range f.Evidence {
			w.wrap("     ", "       ", e)
		}
	}
}

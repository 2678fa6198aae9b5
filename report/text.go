package report

import (
	"fmt"
	"strings"
)

// textWriter builds the text/plain body.
type textWriter struct{ strings.Builder }

// p writes one formatted line.
func (w *textWriter) p(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }

// heading starts a section.
func (w *textWriter) heading(title string) { w.p("\n## %s", title) }

// textSections renders each section of the text part; see sections.
var textSections = map[string]func(*textWriter, *view){
	"fault":      textFault,
	"summary":    textSummary,
	"request":    textRequest,
	"response":   textResponse,
	"connection": textConnection,
	"tokens":     textTokens,
}

// renderText writes the text/plain body: the same content as the HTML
// part, readable at 80 columns in any mail client.
func renderText(v *view) string {
	w := &textWriter{}
	w.p("Hello Alteg.io API support,")
	w.p("")
	w.p("A call to the Alteg.io API does not work as expected. The details below were")
	w.p("recorded by altegio-ticket. Secrets are replaced by {{placeholders}}; the")
	w.p("partner token and the user token are listed separately at the end.")
	for _, name := range sections {
		if f := textSections[name]; f != nil {
			f(w, v)
		}
	}
	w.p("")
	w.p("-- ")
	w.p("Written by altegio-ticket %s.", v.Version)
	if len(v.Attached) > 0 {
		w.p("Attached: %s", strings.Join(v.Attached, ", "))
	}
	return w.String()
}

func textFault(w *textWriter, v *view) {
	if v.Fault != "" {
		w.p("")
		w.p("The call failed: %s.", v.Fault)
	}
}

func textSummary(w *textWriter, v *view) {
	w.heading("Summary")
	w.p("%s %s", v.Method, v.URL)
	if v.HasResponse {
		w.p("Response: %s (%s)", v.Status, v.Proto)
	} else {
		w.p("Response: none")
	}
	w.p("Recorded: %s, %s", v.Started, v.Source)
	for _, n := range v.Notes {
		w.p("Note: %s", n)
	}
}

func textRequest(w *textWriter, v *view) {
	w.heading("Request")
	w.p("Method: %s", v.Method)
	w.p("URL:    %s", v.URL)
	w.p("Headers:")
	w.headers(v.ReqHdrs)
	w.body("Body", v.Request)
}

func textResponse(w *textWriter, v *view) {
	w.heading("Response")
	if !v.HasResponse {
		w.p("No response arrived.")
		return
	}
	w.p("Status: %s (%s)", v.Status, v.Proto)
	w.p("Headers:")
	w.headers(v.RespHdrs)
	w.body("Body", v.Response)
}

func textConnection(w *textWriter, v *view) {
	w.heading("Connection")
	if v.Remote != "" {
		w.p("Remote address: %s", v.Remote)
	}
	if v.Timings != "" {
		w.p("Timings: %s", v.Timings)
	}
}

func textTokens(w *textWriter, v *view) {
	w.heading("Tokens")
	w.p("Support asks for both tokens separately; they appear nowhere else in this")
	w.p("message.")
	if v.MaskTokens {
		w.p("They are shown masked here and will be sent another way; match them by")
		w.p("their SHA-256 fingerprints.")
	}
	for _, t := range v.Tokens {
		if t.Marker == "" {
			w.p("%s: %s", t.Label, t.Missing)
			continue
		}
		w.p("%s %s (sha256 %s):", t.Label, t.Placeholder, t.Fingerprint)
		w.p("  %s", t.Marker)
		if t.Masked != "" {
			w.p("  (%s)", t.Masked)
		}
	}
}

func (w *textWriter) headers(rows []headerRow) {
	if len(rows) == 0 {
		w.p("  (none)")
		return
	}
	for _, r := range rows {
		line := "  " + r.Name + ": " + r.Value
		if r.Note != "" {
			line += "   [" + r.Note + "]"
		}
		w.p("%s", line)
	}
}

func (w *textWriter) body(label string, bv bodyView) {
	if !bv.Present {
		w.p("%s: (none)", label)
		return
	}
	w.p("%s (%s):", label, bv.Summary)
	if bv.Note != "" {
		w.p("  [%s]", bv.Note)
	}
	if bv.Text == "" {
		return
	}
	for _, line := range strings.Split(strings.TrimRight(bv.Text, "\n"), "\n") {
		w.p("  %s", line)
	}
}

package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
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
	"recorded":   textRecorded,
	"findings":   textFindings,
	"tries":      textTries,
	"summary":    textSummary,
	"request":    textRequest,
	"response":   textResponse,
	"redirects":  textRedirects,
	"connection": textConnection,
	"secrets":    textSecrets,
	"redaction":  textRedaction,
	"tokens":     textTokens,
}

// renderText writes the text/plain body: the same content as the HTML
// part, readable at 80 columns in any mail client. Prose and header values
// are wrapped at spaces; URLs, bodies and tokens are never split, so that
// they can be copied whole.
func renderText(v *view) string {
	w := &textWriter{}
	w.p("Hello Alteg.io API support,")
	w.p("")
	w.wrap("", "", "A call to the Alteg.io API does not work as expected. The details below were "+
		"recorded by altegio-ticket. Secrets are replaced by {{placeholders}}; the "+
		"partner token and the user token are listed separately at the end.")
	for _, name := range sections {
		if f := textSections[name]; f != nil {
			f(w, v)
		}
	}
	if len(v.Attachments) > 0 && !v.Printed {
		w.heading("Attachments")
		width := 0
		for _, a := range v.Attachments {
			width = max(width, len(a.Name))
		}
		for _, a := range v.Attachments {
			w.wrap("  "+pad(a.Name, width)+"  ", strings.Repeat(" ", width+4), a.About)
		}
	}
	w.p("")
	w.p("-- ")
	w.p("Written by altegio-ticket %s.", v.Version)
	return w.String()
}

func textFault(w *textWriter, v *view) {
	if v.Fault != "" {
		w.p("")
		w.wrap("", "", "The call failed: "+v.Fault+".")
		if v.FaultBefore != "" {
			w.wrap("", "", "Captured before the failure: "+v.FaultBefore+".")
		}
		if v.FaultReceived != "" {
			w.p("Its first bytes (secrets removed; other bytes as \\xHH):")
			for _, line := range strings.Split(v.FaultReceived, "\n") {
				w.p("  | %s", line)
			}
		}
	}
}

func textSummary(w *textWriter, v *view) {
	w.heading("Summary")
	w.p("%s %s", v.Method, v.URL)
	if v.HasResponse {
		w.field("Response", v.Status+" ("+v.Proto+")")
	} else {
		w.field("Response", "none")
	}
	w.field("Recorded", v.Started+", "+v.Source)
	if v.APIDescription != "" {
		w.field("API spec", v.APIDescription)
	}
	for _, n := range v.Notes {
		w.field("Note", n)
	}
}

func textRequest(w *textWriter, v *view) {
	w.heading("Request")
	w.field("Method", v.Method)
	w.field("URL", v.URL)
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
	w.field("Status", v.Status+" ("+v.Proto+")")
	w.p("Headers:")
	w.headers(v.RespHdrs)
	w.body("Body", v.Response)
}

func textConnection(w *textWriter, v *view) {
	w.heading("Connection")
	// The labels here are longer than elsewhere, so the section keeps
	// its own column, 15 wide; values wrap under themselves.
	const col = 15
	row := func(label, value string) {
		if value != "" {
			w.wrap(pad(label+":", col)+" ", strings.Repeat(" ", col+1), value)
		}
	}
	row("Remote address", v.Remote)
	row("Local address", v.Local)
	row("Protocol", v.Protocol)
	row("Proxy", v.Proxy)
	if t := v.TLS; t != nil {
		row("TLS", t.Summary)
		row("Verification", t.Verify)
		if t.Leaf != nil {
			certLines(w, "Certificate", *t.Leaf)
		}
		for i, c := range t.Chain {
			certLines(w, fmt.Sprintf("Chain #%d", i+2), c)
		}
	}
	row("Timings", v.Timings)
	row("Header order", v.HeaderOrder)
	row("Error detail", v.FaultDetail)
}

func textTokens(w *textWriter, v *view) {
	w.heading("Tokens")
	w.wrap("", "", "Support asks for both tokens separately; they appear nowhere else in this message.")
	switch {
	case v.MaskTokens && v.Printed:
		w.wrap("", "", "They are shown masked here; match them by their SHA-256 fingerprints.")
	case v.MaskTokens:
		w.wrap("", "", "They are shown masked here and will be sent another way; match them by their SHA-256 fingerprints.")
	}
	for _, t := range v.Tokens {
		w.p("")
		if t.Marker == "" {
			w.field(t.Label, t.Missing)
			continue
		}
		w.p("%s %s (sha256 %s):", t.Label, t.Placeholder, t.Fingerprint)
		w.p("  %s", t.Marker)
		if t.Masked != "" {
			w.p("  (%s)", t.Masked)
		}
	}
}

// textWidth is the width the text part is laid out for.
const textWidth = 80

// labelWidth aligns the values of field lines: "Response: ", "URL:      ".
const labelWidth = 10

// field writes "Label:    value", the value wrapped under itself.
func (w *textWriter) field(label, value string) {
	prefix := pad(label+": ", labelWidth)
	w.wrap(prefix, strings.Repeat(" ", runeLen(prefix)), value)
}

// wrap writes text after first, breaking it at spaces so that lines stay
// within textWidth; continuation lines start with hang. A word longer than
// a line is kept whole.
func (w *textWriter) wrap(first, hang, text string) {
	line := first
	empty := true // nothing after the prefix yet
	for _, word := range strings.Split(text, " ") {
		switch {
		case empty:
			line += word
			empty = false
		case runeLen(line)+1+runeLen(word) <= textWidth:
			line += " " + word
		default:
			w.p("%s", strings.TrimRight(line, " "))
			line = hang + word
		}
	}
	w.p("%s", strings.TrimRight(line, " "))
}

// headers writes a header table: names and colons padded to one column,
// values wrapped under themselves, and who added a header on the next
// line when it does not fit on the same one.
func (w *textWriter) headers(rows []headerRow) {
	if len(rows) == 0 {
		w.p("  (none)")
		return
	}
	width := 0
	for _, r := range rows {
		width = max(width, runeLen(r.Name)+1)
	}
	width = min(width, 24)
	hang := strings.Repeat(" ", 2+width+1)
	for _, r := range rows {
		value := r.Value
		note := ""
		if r.Note != "" {
			note = "[" + r.Note + "]"
		}
		first := "  " + pad(r.Name+":", width) + " "
		if note != "" && runeLen(first)+runeLen(value)+3+runeLen(note) <= textWidth {
			value += "   " + note
			note = ""
		}
		w.wrap(first, hang, value)
		if note != "" {
			w.p("%s%s", hang, note)
		}
	}
}

func (w *textWriter) body(label string, bv bodyView) {
	if !bv.Present {
		w.p("%s: (none)", label)
		return
	}
	w.p("%s (%s):", label, bv.Summary)
	if bv.Note != "" {
		w.wrap("  [", "   ", bv.Note+"]")
	}
	if bv.Text == "" {
		return
	}
	for _, line := range strings.Split(strings.TrimRight(bv.Text, "\n"), "\n") {
		w.p("  %s", line)
	}
}

// pad fills s with spaces to n runes.
func pad(s string, n int) string {
	if d := n - runeLen(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

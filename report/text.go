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
	"head":       textHead,
	"message":    textMessage,
	"findings":   textFindings,
	"tries":      textTries,
	"request":    textRequest,
	"response":   textResponse,
	"redirects":  textRedirects,
	"connection": textConnection,
	"secrets":    textSecrets,
	"tokens":     textTokens,
}

// renderText writes the text/plain body: the same content as the HTML
// part, readable at 80 columns in any mail client. Prose and header values
// are wrapped at spaces; URLs, bodies and tokens are never split, so that
// they can be copied whole.
func renderText(v *view) string {
	w := &textWriter{}
	w.p("Hello Alteg.io API support,")
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
	w.wrap("", "", "Written by altegio-ticket "+v.Version+". Secrets are replaced by {{placeholders}}.")
	return w.String()
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
	if v.HasResponse {
		w.field("Status", v.Status+" ("+v.Proto+")")
		w.p("Headers:")
		w.headers(v.RespHdrs)
		w.body("Body", v.Response)
	} else {
		w.p("No response arrived.")
	}
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
	row("Route", v.Route)
	if t := v.TLS; t != nil {
		row("TLS", t.Summary)
		row("Verification", t.Verify)
		row("Client cert", t.ClientCert)
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
	if v.MaskTokens {
		w.wrap("", "", "They are shown masked here; match them by their SHA-256 fingerprints.")
	}
	for _, t := range v.Tokens {
		w.p("")
		if t.Marker == "" {
			w.field(t.Label, t.Missing)
			continue
		}
		if t.Fingerprint != "" {
			w.wrap("", "  ", fmt.Sprintf("%s %s (sha256 %s):", t.Label, t.Placeholder, t.Fingerprint))
		} else {
			w.wrap("", "  ", fmt.Sprintf("%s %s:", t.Label, t.Placeholder))
		}
		w.p("  %s", t.Marker)
		if t.Masked != "" {
			w.wrap("  ", "   ", "("+t.Masked+")")
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
			w.wrap(hang, hang, note)
		}
	}
}

func (w *textWriter) body(label string, bv bodyView) {
	if !bv.Present {
		w.p("%s: (none)", label)
		return
	}
	w.wrap("", "  ", label+" ("+bv.Summary+"):")
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

package report

import (
	"fmt"
	"strings"
)

// renderText writes the text/plain body: the same content as the HTML
// part, readable at 80 columns in any mail client.
func renderText(v *view) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	section := func(title string) { p("\n## %s", title) }

	p("Hello Alteg.io API support,")
	p("")
	p("A call to the Alteg.io API does not work as expected. The details below were")
	p("recorded by altegio-ticket. Secrets are replaced by {{placeholders}}; the")
	p("partner token and the user token are listed separately at the end.")
	if v.Fault != "" {
		p("")
		p("The call failed: %s.", v.Fault)
	}

	section("Summary")
	p("%s %s", v.Method, v.URL)
	if v.HasResponse {
		p("Response: %s (%s)", v.Status, v.Proto)
	} else {
		p("Response: none")
	}
	p("Recorded: %s, %s", v.Started, v.Source)
	for _, n := range v.Notes {
		p("Note: %s", n)
	}

	section("Request")
	p("Method: %s", v.Method)
	p("URL:    %s", v.URL)
	p("Headers:")
	writeHeaders(&b, v.ReqHdrs)
	writeBody(&b, "Body", v.Request)

	section("Response")
	if !v.HasResponse {
		p("No response arrived.")
	} else {
		p("Status: %s (%s)", v.Status, v.Proto)
		p("Headers:")
		writeHeaders(&b, v.RespHdrs)
		writeBody(&b, "Body", v.Response)
	}

	section("Connection")
	if v.Remote != "" {
		p("Remote address: %s", v.Remote)
	}
	if v.Timings != "" {
		p("Timings: %s", v.Timings)
	}

	section("Tokens")
	p("Support asks for both tokens separately; they appear nowhere else in this")
	p("message.")
	for _, t := range v.Tokens {
		if t.Marker == "" {
			p("%s: %s", t.Label, t.Missing)
			continue
		}
		p("%s %s (sha256 %s):", t.Label, t.Placeholder, t.Fingerprint)
		p("  %s", t.Marker)
	}

	p("")
	p("-- ")
	p("Written by altegio-ticket %s.", v.Version)
	if len(v.Attached) > 0 {
		p("Attached: %s", strings.Join(v.Attached, ", "))
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, rows []headerRow) {
	if len(rows) == 0 {
		b.WriteString("  (none)\n")
		return
	}
	for _, r := range rows {
		line := "  " + r.Name + ": " + r.Value
		if r.Note != "" {
			line += "   [" + r.Note + "]"
		}
		b.WriteString(line + "\n")
	}
}

func writeBody(b *strings.Builder, label string, bv bodyView) {
	if !bv.Present {
		fmt.Fprintf(b, "%s: (none)\n", label)
		return
	}
	fmt.Fprintf(b, "%s (%s):\n", label, bv.Summary)
	if bv.Note != "" {
		fmt.Fprintf(b, "  [%s]\n", bv.Note)
	}
	if bv.Text == "" {
		return
	}
	for _, line := range strings.Split(strings.TrimRight(bv.Text, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
}

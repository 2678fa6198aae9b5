package main

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// printSummary tells the user what happened and what to do next. It reads
// the redacted exchange only and prints no secret value.
func printSummary(w io.Writer, ex *capture.Exchange, secrets []redact.Secret, rr redact.Report, findings []diagnose.Finding, path string, size int) {
	first := ex.First()
	outcome := "no response"
	if r := ex.Response(); r != nil {
		outcome = strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, r.StatusText))
	}
	if ex.Fault != nil {
		outcome = ex.Fault.Message
	}
	fmt.Fprintf(w, "%s %s -> %s (%s)\n", first.Request.Method, first.Request.URL, outcome, durationText(ex))
	printFindings(w, findings)

	// Roles and counts only: the terminal never shows a value.
	var roles []string
	for _, s := range secrets {
		roles = append(roles, fmt.Sprintf("%s ×%d", strings.ReplaceAll(s.Role, "_", " "), s.Replaced))
	}
	switch len(roles) {
	case 0:
		fmt.Fprintln(w, "redacted: no secrets found")
	case 1:
		fmt.Fprintf(w, "redacted: 1 secret (%s)\n", roles[0])
	default:
		fmt.Fprintf(w, "redacted: %d secrets (%s)\n", len(roles), strings.Join(roles, ", "))
	}
	printRedaction(w, rr)
	fmt.Fprintf(w, "ticket:   %s (%s)\n", path, capture.ByteCount(int64(size)))
	switch cause, ok := diagnose.LikelyCause(findings); {
	case ok && !cause.ServerSide:
		fmt.Fprintf(w, "likely cause found: %s and retry; the ticket is written in case it doesn't help\n", terminalSafe(cause.Action))
	case ok:
		fmt.Fprintln(w, "next:     the cause is on the server side: open the ticket in your mail client and press Send")
	default:
		fmt.Fprintln(w, "next:     open it in your mail client and press Send")
	}
}

// printFindings lists the diagnosis, most severe first: one line per
// finding, and the fix under each likely cause and warning. The full
// explanation and evidence are at the top of the ticket.
func printFindings(w io.Writer, findings []diagnose.Finding) {
	for _, f := range findings {
		fmt.Fprintf(w, "%-13s %s %s\n", f.Severity.String()+":", f.ID, terminalSafe(f.Title))
		if f.Fix == "" || f.Severity == diagnose.Info {
			continue
		}
		for i, line := range strings.Split(f.Fix, "\n") {
			label := "fix: "
			if i > 0 {
				label = "     "
			}
			fmt.Fprintf(w, "%14s%s%s\n", "", label, terminalSafe(line))
		}
	}
}

// terminalSafe drops control characters, so that text that came from the
// server cannot move the cursor or recolour the terminal.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func durationText(ex *capture.Exchange) string {
	if !ex.Source.Replayed {
		return "not replayed"
	}
	d := ex.Total
	if d < 1e6 {
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	}
	return d.Round(1e6).String()
}

// printRedaction adds what the summary line does not say: masked personal
// data, and --redact entries that matched nothing (likely a typo).
func printRedaction(w io.Writer, r redact.Report) {
	if r.PII {
		fmt.Fprintf(w, "masked:   %d email addresses, %d phone numbers\n", r.Emails, r.Phones)
	}
	for _, u := range r.Unmatched {
		fmt.Fprintf(w, "note:     %s matched nothing\n", u)
	}
}

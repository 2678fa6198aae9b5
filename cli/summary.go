package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// outcome is what a run did, for the terminal summary and for --json.
// Everything in it is redacted: the exchange is the redacted copy, and
// the secrets are read for their role, placeholder, fingerprint and
// counts, never their values.
type outcome struct {
	ex       *capture.Exchange
	secrets  []redact.Secret
	redacted redact.Report
	findings []diagnose.Finding
	// tries are the replays of --try-fixes; tryAsked is --try-fixes.
	tries    []report.Try
	tryAsked bool
	// apiDescription is the ticket's line about the API description the
	// checks read (cli/spec.go).
	apiDescription string
	// apiChecked says the call was checked against a description;
	// apiRoute is the documented route it matched ("" when none).
	apiChecked bool
	apiRoute   string

	// path is the .eml written, "" when none was (--print, or an error).
	path string
	// size is the size of the .eml, or of the text with --print.
	size int
	// printed is set with --print; masked when it masked the tokens.
	printed, masked bool
	// outDir and files are --out-dir and the names written in it.
	outDir string
	files  []string
	// openAsked is --open; openedWith names the opener, openErr says why
	// it failed.
	openAsked  bool
	openedWith string
	openErr    error
	// cut is set when bodies were cut to keep the .eml under its budget.
	cut      bool
	warnings []string
	// err says why no ticket (or not every file) was written.
	err error
}

// Layout of the summary: findings are labelled in a column of
// findingLabel characters ("likely cause: "), the other lines in one of
// label characters ("ticket:   ").
const (
	label        = 10
	findingLabel = 14
	// maxFindings and maxFindingLines keep the findings to a few lines;
	// the ticket has them all.
	maxFindings     = 3
	maxFindingLines = 4
	// maxRoleLines bounds the lines that name the redacted roles.
	maxRoleLines = 2
	// summaryWidth is the width lists are wrapped to.
	summaryWidth = 80
	// maxURL bounds the URL on the status line, in runes.
	maxURL = 100
)

// printSummary tells the user, in about 6 to 12 lines on stderr, what
// happened and what to do next: the status or fault, the top findings,
// what was redacted (counts by role, never a value), where the ticket is,
// and how to send it. Text that came from the server or the user is
// passed through terminalSafe.
func printSummary(w io.Writer, o *outcome, pal palette, goos string) {
	fmt.Fprintln(w, statusLine(o.ex, pal))
	printFindings(w, o.findings, pal)
	printTries(w, o.tries, o.tryAsked, pal)
	printRedacted(w, o, pal)
	printTicket(w, o, pal)
	for _, l := range nextSteps(o, goos) {
		fmt.Fprintln(w, l)
	}
}

// statusLine is the first line: the status or the fault, coloured by
// class, then the call and how long it took.
func statusLine(ex *capture.Exchange, pal palette) string {
	first := ex.First()
	var mark, text string
	color := pal.red
	switch r := ex.Response(); {
	case ex.Fault != nil:
		mark, text = "✗", terminalSafe(ex.Fault.Message)
	case r == nil:
		mark, text = "✗", "no response"
	default:
		text = strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, terminalSafe(r.StatusText)))
		switch {
		case r.Status < 300:
			mark, color = "✓", pal.green
		case r.Status < 400:
			mark, color = "→", pal.cyan
		case r.Status < 500:
			mark, color = "✗", pal.yellow
		default:
			mark = "✗"
		}
	}
	call := terminalSafe(first.Request.Method) + " " + cutRunes(terminalSafe(first.Request.URL), maxURL)
	return fmt.Sprintf("%s %s  %s  %s", color(mark), pal.bold(color(text)), call, pal.dim("("+durationText(ex)+")"))
}

// printFindings lists the top findings, most severe first, each with its
// fix under it when there is room, and says how many more the ticket
// holds. The full explanation and evidence are at the top of the ticket.
func printFindings(w io.Writer, findings []diagnose.Finding, pal palette) {
	lines, shown := 0, 0
	for _, f := range findings {
		if shown == maxFindings || lines >= maxFindingLines {
			break
		}
		var fix []string
		if f.Fix != "" && f.Severity != diagnose.Info {
			fix = strings.Split(f.Fix, "\n")
			if len(fix) > 2 {
				fix = append(fix[:1:1], "(the rest of the fix is in the ticket)")
			}
		}
		if lines > 0 && lines+1+len(fix) > maxFindingLines {
			fix = nil // no room: the title only
		}
		tag := f.Severity.String() + ":"
		color := pal.blue
		switch f.Severity {
		case diagnose.Likely:
			color = pal.red
		case diagnose.Warning:
			color = pal.yellow
		}
		fmt.Fprintf(w, "%s%s%s %s\n", color(tag), strings.Repeat(" ", max(findingLabel-len(tag), 1)), pal.bold(f.ID), terminalSafe(f.Title))
		for i, line := range fix {
			lbl := "fix: "
			if i > 0 {
				lbl = "     "
			}
			fmt.Fprintf(w, "%s%s%s\n", strings.Repeat(" ", findingLabel), lbl, terminalSafe(line))
		}
		lines += 1 + len(fix)
		shown++
	}
	if more := len(findings) - shown; more > 0 {
		fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", findingLabel), pal.dim(fmt.Sprintf("+ %d more %s in the ticket", more, plural(more, "finding", "findings"))))
	}
}

// printRedacted says what was redacted, as counts by role: the terminal
// never shows a value.
func printRedacted(w io.Writer, o *outcome, pal palette) {
	// The two tokens and a password first: those are what people look
	// for; the rest in the order found.
	rank := func(s redact.Secret) int {
		switch {
		case s.Shareable():
			return 0
		case s.Role == "password":
			return 1
		}
		return 2
	}
	secrets := slices.Clone(o.secrets)
	slices.SortStableFunc(secrets, func(a, b redact.Secret) int { return rank(a) - rank(b) })
	var roles []string
	for _, s := range secrets {
		roles = append(roles, fmt.Sprintf("%s ×%d", strings.ReplaceAll(s.Role, "_", " "), s.Replaced))
	}
	if len(roles) == 0 {
		fmt.Fprintf(w, "%sno secrets found (--redact VALUE removes one the tool cannot know)\n", pad("redacted:"))
	} else {
		head := fmt.Sprintf("%d %s: ", len(roles), plural(len(roles), "secret", "secrets"))
		for i, line := range wrapList(roles, summaryWidth-label-len(head), maxRoleLines) {
			if i == 0 {
				fmt.Fprintf(w, "%s%s%s\n", pad("redacted:"), head, line)
				continue
			}
			fmt.Fprintf(w, "%s%s%s\n", strings.Repeat(" ", label), strings.Repeat(" ", len(head)), line)
		}
	}
	r := o.redacted
	if r.PII {
		fmt.Fprintf(w, "%s%d %s, %d %s\n", pad("masked:"), r.Emails, plural(r.Emails, "email address", "email addresses"), r.Phones, plural(r.Phones, "phone number", "phone numbers"))
	}
	for _, u := range r.Unmatched {
		fmt.Fprintf(w, "%s%s matched nothing; check it for a typo\n", padColor("note:", pal.yellow), terminalSafe(u))
	}
}

// wrapList joins items with ", " into at most maxLines lines of at most
// width runes (an item longer than that gets a line of its own), and says
// how many items did not fit.
func wrapList(items []string, width, maxLines int) []string {
	var lines []string
	cur := ""
	for i, it := range items {
		next := it
		if cur != "" {
			next = cur + ", " + it
		}
		if cur == "" || utf8.RuneCountInString(next) <= width {
			cur = next
			continue
		}
		if len(lines)+1 == maxLines {
			rest := len(items) - i
			return append(lines, cur+fmt.Sprintf(", and %d more", rest))
		}
		lines = append(lines, cur+",")
		cur = it
	}
	return append(lines, cur)
}

// printTicket says where the ticket went.
func printTicket(w io.Writer, o *outcome, pal palette) {
	size := capture.ByteCount(int64(o.size))
	switch {
	case o.printed:
		how := "the tokens in full (--show-tokens)"
		if o.masked {
			how = "the tokens masked: --show-tokens shows them"
		}
		fmt.Fprintf(w, "%sprinted to stdout (%s), not saved; %s\n", pad("ticket:"), size, how)
	case o.path != "":
		fmt.Fprintf(w, "%s%s (%s)\n", pad("ticket:"), pal.bold(o.path), size)
	}
	if o.outDir != "" && len(o.files) > 0 {
		fmt.Fprintf(w, "%s%d in %s (only secrets.txt holds the tokens)\n", pad("files:"), len(o.files), o.outDir)
	}
	switch {
	case o.openAsked && o.openErr == nil:
		fmt.Fprintf(w, "%sin your mail client (%s)\n", pad("opened:"), o.openedWith)
	case o.openAsked:
		fmt.Fprintf(w, "%scould not open it: %s\n", padColor("open:", pal.yellow), terminalSafe(o.openErr.Error()))
	}
}

// nextSteps is the end of the summary: the likely cause to fix first,
// when there is one, and how to send the ticket from each kind of mail
// client, which each treat an .eml differently.
func nextSteps(o *outcome, goos string) []string {
	next := pad("next:")
	indent := strings.Repeat(" ", label)
	var out []string
	cause, found := diagnose.LikelyCause(o.findings)
	fixable := found && !cause.ServerSide
	if fixable {
		out = append(out, next+"likely cause found: "+terminalSafe(cause.Action)+" and retry")
		next = indent
	}
	if o.printed {
		return append(out, next+"paste it into the support form, or run again without --print for an .eml to send")
	}
	if o.path == "" {
		return out
	}
	webmail := "Webmail: attach the .eml itself"
	if o.outDir != "" {
		webmail = "Webmail: attach the .eml, or the files in " + o.outDir
	}
	var lead string
	switch {
	case o.openAsked && o.openErr == nil && fixable:
		lead = "if that doesn't help, press Send in the message that opened"
	case o.openAsked && o.openErr == nil:
		lead = "press Send in the message that opened"
	case o.openAsked:
		lead = "open " + shellQuote(goos, absPath(o.path)) + " in your mail client, or attach it to a new mail to api@alteg.io"
	case fixable:
		lead = "if that doesn't help, send the ticket: " + openCommandLine(goos, o.path)
	case found:
		lead = "the cause is on the server side; send the ticket: " + openCommandLine(goos, o.path)
	default:
		lead = "send it from your mail client: " + openCommandLine(goos, o.path) + " (--open does this)"
	}
	out = append(out, next+lead,
		indent+"Outlook opens it as a draft · "+webmail,
		indent+"Thunderbird: Message → Edit As New Message (Ctrl+E), then Send",
		indent+"Apple Mail: Message → Send Again (⇧⌘D), then Send")
	return out
}

// openCommandLine is the shell command that opens path in the default
// mail client on goos.
func openCommandLine(goos, path string) string {
	name, _ := openCommand(goos, path)
	if goos == "windows" {
		name = `start ""`
	}
	return name + " " + shellQuote(goos, path)
}

// shellQuote quotes path for the shell of goos when it needs it.
func shellQuote(goos, path string) string {
	if path != "" && strings.IndexFunc(path, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '\\' || r == ':' || unicode.IsLetter(r) || unicode.IsDigit(r))
	}) < 0 {
		return path
	}
	if goos == "windows" {
		return `"` + path + `"`
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}

func pad(s string) string {
	return s + strings.Repeat(" ", max(label-len(s), 1))
}

// padColor is pad with s coloured; the escape codes take no column.
func padColor(s string, color func(string) string) string {
	return color(s) + strings.Repeat(" ", max(label-len(s), 1))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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

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
	// message is the sender's own words (--message), "" when none.
	message string
	// demo is set for --demo, whose local server stands in for
	// api.alteg.io.
	demo bool
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
		mark, color = statusMark(r.Status, pal)
	}
	call := terminalSafe(first.Request.Method) + " " + cutRunes(terminalSafe(first.Request.URL), maxURL)
	return fmt.Sprintf("%s %s  %s  %s", color(mark), pal.bold(color(text)), call, pal.dim("("+durationText(ex)+")"))
}

// statusMark is the mark and colour of a status, by class: 2xx green,
// 3xx cyan, 4xx yellow, 5xx red.
func statusMark(status int, pal palette) (string, func(string) string) {
	switch {
	case status < 300:
		return "✓", pal.green
	case status < 400:
		return "→", pal.cyan
	case status < 500:
		return "✗", pal.yellow
	}
	return "✗", pal.red
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
	for _, u := range r.Missed {
		fmt.Fprintf(w, "%s%s matched nothing; check it for a typo\n", padColor("note:", pal.yellow), policyFlag(u))
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

// nextSteps is the end of the summary: what to do now. It follows the
// first finding, as the ticket's head does, so that the two never
// disagree: a likely cause to fix first, or a warning to act on (a replay
// that made a duplicate, and how to undo it). Then whether to send the
// ticket at all: a call that never reached Alteg.io, or that went to a
// host that is not Alteg.io's, is one api@alteg.io cannot see, so the
// user gets the steps for the network or the host instead; a call that
// succeeded is sent only when its data is wrong. When sending is the step,
// the last lines say how each kind of mail client sends an .eml.
func nextSteps(o *outcome, goos string) []string {
	next := pad("next:")
	indent := strings.Repeat(" ", label)
	var out []string
	// say adds a step, wrapped at spaces to the summary's width; a path
	// or a command too long for it stays whole.
	say := func(text string) {
		line := ""
		for _, word := range strings.Split(text, " ") {
			if line != "" && utf8.RuneCountInString(next+line+" "+word) > summaryWidth {
				out = append(out, strings.ReplaceAll(next+line, nbsp, " "))
				next, line = indent, ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		out = append(out, strings.ReplaceAll(next+line, nbsp, " "))
		next = indent
	}
	var first *diagnose.Finding
	if len(o.findings) > 0 && o.findings[0].Severity >= diagnose.Warning {
		first = &o.findings[0]
	}
	fixable := first != nil && first.Severity == diagnose.Likely && !first.ServerSide
	switch {
	case fixable:
		action := terminalSafe(first.Action)
		if !strings.Contains(action, "retry") {
			action += " and retry"
		}
		say("likely cause found: " + action)
	case first != nil && first.Severity == diagnose.Warning:
		say("warning: " + terminalSafe(first.Action))
	}
	if o.printed {
		say("paste it into the support form, or run again without --print for an .eml to send")
		return out
	}
	if o.path == "" {
		return out
	}
	about := diagnose.Describe(o.ex)
	switch {
	case notReached(o.ex):
		say("the call never reached " + terminalSafe(hostOr(about.Host)) + ", so api@alteg.io cannot see it: " +
			"check the host name, your network, firewall, proxy or VPN, then run again; " +
			"the ticket holds the details for whoever runs your network")
		return out
	case !about.Alteg && !o.demo:
		where := "a local host"
		if !about.Local {
			where = "a host that is not Alteg.io's"
		}
		say("the call went to " + terminalSafe(hostOr(about.Host)) + ", " + where + "; api@alteg.io can help only " +
			"with calls to api.alteg.io: fix that server, or repeat the call against api.alteg.io and send that ticket")
		return out
	}
	ok := o.ex.Fault == nil && diagnose.Succeeded(o.ex.Response())
	webmail := "webmail: attach the .eml"
	if o.outDir != "" {
		webmail = "webmail: attach the .eml, or the files in " + o.outDir
	}
	// The command stays on one line, so that it can be copied.
	open := strings.ReplaceAll(openCommandLine(goos, o.path), " ", nbsp)
	// The draft has a marked place for the sender's words unless
	// --message filled it.
	words := "add your own words where the ticket asks and send it"
	if o.message != "" {
		words = "send the ticket"
	}
	var lead string
	switch {
	case o.openAsked && o.openErr == nil && fixable:
		lead = "if that doesn't help, " + strings.Replace(words, "send it", "press Send", 1) + " in the message that opened"
	case o.openAsked && o.openErr == nil && ok:
		lead = "the call succeeded: press Send only if the data it returned is wrong, saying what you expected where the ticket asks"
	case o.openAsked && o.openErr == nil:
		lead = strings.Replace(words, "send it", "press Send", 1) + " in the message that opened"
	case o.openAsked:
		lead = "open " + shellQuote(goos, absPath(o.path)) + " in your mail client, or attach it to a new mail to api@alteg.io"
	case fixable:
		lead = "if that doesn't help, " + words + ": " + open
	case first != nil && first.ServerSide:
		lead = "the cause is on the API's side; " + words + ": " + open
	case ok:
		lead = "the call succeeded: send the ticket only if the data it returned is wrong, saying what you expected: " + open
	default:
		lead = words + ": " + open + " (--open does this)"
	}
	say(lead)
	// Checked with Thunderbird 153 under Xvfb: with an account set up it
	// opens an .eml with X-Unsent: 1 as a draft, as Outlook does.
	say("Outlook, and Thunderbird with an account, open it as a draft: Send")
	say("Apple Mail: Message → Send Again (⇧⌘D) · " + webmail)
	return out
}

// nbsp joins words that say() must keep on one line; it is written as a
// space.
const nbsp = "\u00a0"

// notReached reports whether the call failed before anything reached the
// server: no answer, and a failure that happens on the way (the name, the
// connection, TLS, a proxy, or something that is not the API answering).
func notReached(ex *capture.Exchange) bool {
	if ex.Fault == nil || ex.Response() != nil {
		return false
	}
	switch ex.Fault.Kind {
	case capture.FaultDNS, capture.FaultRefused, capture.FaultConnectTimeout, capture.FaultTLS, capture.FaultProxy, capture.FaultMalformed:
		return true
	}
	// Nothing went out: the request was never written.
	return ex.Last().Request.Proto == ""
}

func hostOr(h string) string {
	if h == "" {
		return "the host"
	}
	return h
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
	if !ex.Source.Measured() {
		return "not replayed"
	}
	d := ex.Total
	if d < 1e6 {
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	}
	return d.Round(1e6).String()
}

package report

import (
	"fmt"
	"strings"
)

// Try is one extra replay of the call with a mechanical fix applied, as
// the command layer made it (--try-fixes) and the ticket records it.
// Every text in it is redacted and safe to show.
type Try struct {
	// Fix says what the replay changed, with placeholders:
	// "with `Accept: application/vnd.api.v2+json`".
	Fix string
	// Checks are the IDs of the findings the fix answers.
	Checks []string
	// Sent is false when the try was not made; Result then says why.
	Sent bool
	// Result is the answer's status line ("200 OK"), the transport
	// failure, or why the try was not made.
	Result string
	// Message is the server's message, "" when it gave none.
	Message string
	// Worked is true when the answer was a success: the fix is verified.
	Worked bool
}

// tryRow is one Try as both renderers show it.
type tryRow struct {
	Fix, Checks, Result, Message string
	Worked                       bool
}

const triesIntro = "altegio-ticket sent the call again once per fix its checks proposed (at most three, spaced to respect the rate limit), to prove the cause:"

func tryRows(ts []Try) []tryRow {
	var out []tryRow
	for _, t := range ts {
		r := tryRow{Fix: t.Fix, Checks: strings.Join(t.Checks, ", "), Result: t.Result, Message: t.Message, Worked: t.Worked}
		if !t.Sent {
			r.Result = "not sent: " + t.Result
		}
		out = append(out, r)
	}
	return out
}

// textTries renders the fixes tried, after the findings.
func textTries(w *textWriter, v *view) {
	if len(v.Tries) == 0 {
		return
	}
	w.heading("Fixes tried")
	w.wrap("", "", triesIntro)
	for i, t := range v.Tries {
		w.p("")
		line := fmt.Sprintf("%d. %s (%s): %s", i+1, t.Fix, t.Checks, t.Result)
		if t.Worked {
			line += ". Fix verified."
		}
		w.wrap("", "   ", line)
		if t.Message != "" {
			w.wrap("   ", "   ", "The API said: "+t.Message)
		}
	}
}

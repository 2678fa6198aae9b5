// Package diagnose owns the knowledge of the Alteg.io API that turns a
// recorded call into a likely cause: the API hosts and media types, the
// Authorization grammar as integrators get it wrong, every shape of the
// API's error answers and the messages in them (English and Russian), the
// business-data paths, the rate limit, and what a transport failure
// usually means.
//
// Analyze takes the redacted Exchange (redact.Result.Exchange) and the
// secrets list, and returns the Findings, ranked by evidence so that the
// first one is the likely cause, and the mechanical Fixes worth trying.
// Run returns the findings alone.
//
// Each Finding comes from one check, a function registered with its
// catalogue entry (registry.go): AT1xx look at the request, AT2xx at the
// response, AT3xx at the transport. The ranking (rank.go) then weighs
// them against each other: the server's specific answer outranks a
// request-shape mistake it contradicts, and a request mistake that
// explains the answer comes before the answer. With Options.API, Alteg.io's
// published description (report/diagnose/apispec), the call is also checked
// against the documented operations (spec.go, AT150-AT157).
//
// Secrets never reach a Finding. Checks see the Authorization header in its
// redacted shape ("Bearer {{partner_token}}, User {{user_token}}"); the few
// that need a property of a token value (a newline inside it, only digits)
// read Secret.Value and report the property in words, never the value.
// Fix.Apply rebuilds a request from the caller's unredacted request; its
// result goes back to the network, never into a Finding.
//
// The package reads the exchange only: it never sends anything and never
// formats a ticket.
package diagnose

import (
	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// Severity says how sure a finding is to be the cause of the failure.
type Severity int

const (
	// Info is context worth knowing; it is not a problem in itself.
	Info Severity = iota + 1
	// Warning is a mistake or a risk that did not, or may not, cause this
	// failure.
	Warning
	// Likely marks the likely cause of the failure.
	Likely
)

// String returns "info", "warning" or "likely cause".
func (s Severity) String() string {
	switch s {
	case Likely:
		return "likely cause"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return "unknown"
}

// Finding is one result of one check. Every string in it is safe to show:
// secrets appear only as placeholders such as {{partner_token}}.
type Finding struct {
	// ID is the check's stable identifier, e.g. "AT101".
	ID       string
	Severity Severity
	// Title is the check's one-line title.
	Title string
	// Explain says in plain words what is wrong and why it matters.
	Explain string
	// Fix shows the corrected header or line, with placeholders; it may
	// span lines. "" when there is nothing to show.
	Fix string
	// Action is the next step as a short imperative phrase, for the
	// terminal: "fix the Accept header".
	Action string
	// Evidence quotes what the check saw: headers, the status line, the
	// envelope's message, verbatim from the redacted exchange.
	Evidence []string
	// ServerSide is true when the cause lies with the API, so the ticket
	// is what the user should send.
	ServerSide bool
}

// Map returns f with fn applied to every text in it. main passes the
// redactor's String here as a second line of defence.
func (f Finding) Map(fn func(string) string) Finding {
	f.Title, f.Explain, f.Fix, f.Action = fn(f.Title), fn(f.Explain), fn(f.Fix), fn(f.Action)
	ev := make([]string, len(f.Evidence))
	for i, e := range f.Evidence {
		ev[i] = fn(e)
	}
	f.Evidence = ev
	return f
}

// Check describes one check, for docs/checks.md and for tools.
type Check struct {
	ID    string
	Title string
	// Meaning says what the check looks for and what its finding means.
	Meaning string
}

// Checks returns every check in ID order.
func Checks() []Check {
	out := make([]Check, len(rules))
	for i, r := range rules {
		out[i] = r.Check
	}
	return out
}

// Options carries what a diagnosis may use besides the exchange. The zero
// value diagnoses from the exchange alone.
type Options struct {
	// API is Alteg.io's published description (report/diagnose/apispec),
	// loaded by the command layer; nil when it could not be loaded or was
	// turned off. The checks that read it (AT150-AT157, spec.go) then
	// have nothing to say, and everything else works as without it.
	API *apispec.Set
	// Verified lists the fixes a replay proved: the call succeeded with
	// the fix applied. The findings the fix answers come first, as the
	// likely cause, with the proof in their evidence.
	Verified []Verified
}

// Result is a diagnosis: the findings, most likely cause first, and the
// mechanical fixes worth replaying, most promising first.
type Result struct {
	Findings []Finding
	Fixes    []Fix
}

// Run diagnoses a redacted exchange and returns its findings. secrets is
// the list redact.Scrub returned with it; values are read only to describe
// their shape. A correct call that succeeded on an Alteg.io host yields no
// findings.
func Run(ex *capture.Exchange, secrets []redact.Secret) []Finding {
	return Analyze(ex, secrets, Options{}).Findings
}

// Analyze diagnoses a redacted exchange: every check runs, the ranking
// orders what they found by the evidence for it, and the checks whose
// mistake has a mechanical fix propose it.
func Analyze(ex *capture.Exchange, secrets []redact.Secret, opts Options) Result {
	if ex == nil || len(ex.Hops) == 0 {
		return Result{}
	}
	c := newCall(ex, secrets, opts)
	var hits []*hit
	for i := range rules {
		r := &rules[i]
		f := r.run(c)
		if f == nil {
			continue
		}
		f.ID, f.Title = r.ID, r.Title
		hits = append(hits, &hit{Finding: *f, rule: r})
	}
	hits = rank(c, hits)
	res := Result{Findings: make([]Finding, len(hits))}
	for i, h := range hits {
		res.Findings[i] = h.Finding
	}
	res.Fixes = proposeFixes(c, hits)
	return res
}

// LikelyCause returns the first finding when it is a likely cause, and
// false when there is none. fs must be ordered as Run returns it: the
// ranking puts the likely cause first, so the terminal's "likely cause",
// its "next" line and the ticket's first finding are the same one.
func LikelyCause(fs []Finding) (Finding, bool) {
	if len(fs) > 0 && fs[0].Severity == Likely {
		return fs[0], true
	}
	return Finding{}, false
}

// Package diagnose owns the knowledge of the Alteg.io API that turns a
// recorded call into a likely cause: the API hosts and media types, the
// Authorization grammar as integrators get it wrong, the response envelope
// {success, data, meta} and its known messages, the business-data paths,
// the rate limit, and what a transport failure usually means.
//
// Run takes the redacted Exchange (redact.Result.Exchange) and the secrets
// list, and returns Findings ordered by severity, the most likely cause
// first. RunWith also takes Options: with Options.API, Alteg.io's published
// description (report/diagnose/apispec), the call is checked against the
// documented operations too (spec.go). Each Finding comes from a check with a stable ID (Checks lists
// them): AT1xx look at the request, AT2xx at the response, AT3xx at the
// transport.
//
// Secrets never reach a Finding. Checks see the Authorization header in its
// redacted shape ("Bearer {{partner_token}}, User {{user_token}}"); the few
// that need a property of a token value (a newline inside it, only digits)
// read Secret.Value and report the property in words, never the value.
//
// The package reads the exchange only: it never sends anything and never
// formats a ticket.
package diagnose

import (
	"sort"
	"strings"

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
	out := make([]Check, len(catalog))
	copy(out, catalog)
	return out
}

func checkByID(id string) Check {
	for _, c := range catalog {
		if c.ID == id {
			return c
		}
	}
	panic("diagnose: unknown check " + id)
}

// Run diagnoses a redacted exchange. secrets is the list redact.Scrub
// returned with it; values are read only to describe their shape. A
// correct call that succeeded on an Alteg.io host yields no findings.
func Run(ex *capture.Exchange, secrets []redact.Secret) []Finding {
	return run(ex, secrets, Options{})
}

func run(ex *capture.Exchange, secrets []redact.Secret, opts Options) []Finding {
	if ex == nil || len(ex.Hops) == 0 {
		return nil
	}
	c := newCall(ex, secrets)
	c.api = opts.API
	for _, check := range requestChecks {
		check(c)
	}
	checkSpec(c) // after the request checks it may replace, before the response checks it may explain
	for _, check := range responseChecks {
		check(c)
	}
	for _, check := range transportChecks {
		check(c)
	}
	out := c.findings
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// LikelyCause returns the first finding that is a likely cause, and false
// when there is none. fs must be ordered as Run returns it.
func LikelyCause(fs []Finding) (Finding, bool) {
	for _, f := range fs {
		if f.Severity == Likely {
			return f, true
		}
	}
	return Finding{}, false
}

// call is one exchange under diagnosis, with what the checks share.
type call struct {
	ex      *capture.Exchange
	secrets []redact.Secret
	req     *capture.Sent      // the request as the user made it
	resp    *capture.Response  // the final response, nil when none
	env     *envelope          // the final response's body, read as the envelope
	host    hostInfo           // where the call went
	auth    *authShape         // the Authorization header, nil when none was sent
	outcome outcome            // how the call ended
	fired   map[string]Finding // by ID, for checks that refer to others
	api     *apispec.Set       // the published description, nil when not loaded (spec.go)
	spec    *specView          // what the description says about the call, nil without one

	findings []Finding
}

type outcome int

const (
	outSuccess outcome = iota // a 2xx or 3xx answer
	outClient                 // a 4xx answer
	outServer                 // a 5xx answer
	outNone                   // no answer: a transport fault
	outForeign                // a 2xx web page from an API host: something else answered
)

func newCall(ex *capture.Exchange, secrets []redact.Secret) *call {
	c := &call{ex: ex, secrets: secrets, req: &ex.First().Request, resp: ex.Response(), fired: map[string]Finding{}}
	c.host = classifyHost(c.req.URL)
	switch {
	case c.resp == nil:
		c.outcome = outNone
	case c.resp.Status >= 500:
		c.outcome = outServer
	case c.resp.Status >= 400:
		c.outcome = outClient
	default:
		c.outcome = outSuccess
	}
	if c.resp != nil {
		c.env = readEnvelope(c.resp.Body)
		if c.outcome == outSuccess && c.env.HTML && (c.host.alteg() || c.host.kind == hostYclients) {
			c.outcome = outForeign
		}
	}
	if vs := c.req.Header.Values("Authorization"); len(vs) > 0 {
		c.auth = parseAuth(vs, secrets)
	}
	return c
}

// add records a finding of check id.
func (c *call) add(id string, sev Severity, f Finding) {
	chk := checkByID(id)
	f.ID, f.Severity = id, sev
	if f.Title == "" {
		f.Title = chk.Title
	}
	c.findings = append(c.findings, f)
	c.fired[id] = f
}

// likelyAmong returns the IDs among ids that fired as a likely cause.
func (c *call) likelyAmong(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if f, ok := c.fired[id]; ok && f.Severity == Likely {
			out = append(out, id)
		}
	}
	return out
}

// causeIf4xx is the severity of a request-side mistake: the likely cause
// when the API refused the call with a 4xx, a warning otherwise (the call
// worked, failed on the server, or never got an answer).
func (c *call) causeIf4xx() Severity {
	if c.outcome == outClient {
		return Likely
	}
	return Warning
}

// causeIfStatus is like causeIf4xx, but only the given statuses make the
// mistake the likely cause: a 400 about the Accept header is not explained
// by a malformed Authorization, which the API has not read yet.
func (c *call) causeIfStatus(statuses ...int) Severity {
	if c.outcome == outClient {
		for _, s := range statuses {
			if c.resp.Status == s {
				return Likely
			}
		}
	}
	return Warning
}

// causeIfNotStatus is causeIf4xx except for the given statuses.
func (c *call) causeIfNotStatus(statuses ...int) Severity {
	if c.outcome == outClient {
		for _, s := range statuses {
			if c.resp.Status == s {
				return Warning
			}
		}
		return Likely
	}
	return Warning
}

// explainedBy is the text a response-side finding carries when a
// request-side finding already names the cause.
func explainedBy(ids []string) string {
	return "This answer is explained by " + strings.Join(ids, " and ") + " above."
}

package cli

import (
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// jsonSchema is the version of the --json object. Adding a field keeps
// it; removing, renaming or retyping one raises it.
const jsonSchema = 1

// jsonResult is the object --json prints on stdout; docs/scripting.md documents
// it field by field. It holds no secret value: secrets appear by role,
// placeholder and fingerprint, and the request by its redacted URL.
type jsonResult struct {
	Schema  int    `json:"schema"`
	Version string `json:"version"`
	// Ticket is the .eml written, null when none was (--print, or an error).
	Ticket *jsonTicket `json:"ticket"`
	// OutDir is --out-dir and the files written there; null without.
	OutDir *jsonOutDir `json:"out_dir"`
	// Opened says how --open went; null without --open.
	Opened  *jsonOpened `json:"opened"`
	Request jsonRequest `json:"request"`
	// Replayed is false with --no-replay: the call was not sent again.
	Replayed bool   `json:"replayed"`
	Source   string `json:"source"`
	// Status is the final response, null when none arrived.
	Status *jsonStatus `json:"status"`
	// Fault is the transport failure, null when the call completed.
	Fault    *jsonFault    `json:"fault"`
	Findings []jsonFinding `json:"findings"`
	// Tries are the replays of --try-fixes; null without it.
	Tries []jsonTry `json:"tries"`
	// API says which API description the checks read (cli/spec.go).
	API     jsonAPI      `json:"api_description"`
	Secrets []jsonSecret `json:"secrets"`
	// PII counts the personal data masked with --redact-pii; null without.
	PII       *jsonPII      `json:"pii"`
	Timings   *jsonTimings  `json:"timings"`
	Truncated jsonTruncated `json:"truncated"`
	Warnings  []string      `json:"warnings"`
	// Error says why no ticket, or not every file, was written; "" when
	// all went well.
	Error string `json:"error,omitempty"`
}

type jsonTicket struct {
	Path  string `json:"path"` // absolute
	Bytes int    `json:"bytes"`
}

type jsonOutDir struct {
	Path  string   `json:"path"` // absolute
	Files []string `json:"files"`
}

type jsonOpened struct {
	OK    bool   `json:"ok"`
	With  string `json:"with"`            // "xdg-open", "open" or "cmd"
	Error string `json:"error,omitempty"` // why it failed
}

type jsonRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"` // redacted: tokens are {{placeholders}}
	// Hops counts the requests made: 1, plus one per redirect followed.
	Hops int `json:"hops"`
}

type jsonStatus struct {
	Code int    `json:"code"`
	Text string `json:"text"`
}

type jsonFault struct {
	Kind    string `json:"kind"`    // capture.FaultKind: "dns", "connection-refused", ...
	Message string `json:"message"` // one plain sentence
}

type jsonFinding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"` // "likely", "warning" or "info"
	Title    string `json:"title"`
	Fix      string `json:"fix"`    // may span lines; "" when none
	Action   string `json:"action"` // the next step in a few words
	// ServerSide is true when the cause lies with the API: send the ticket.
	ServerSide bool `json:"server_side"`
}

// jsonTry is one replay of --try-fixes.
type jsonTry struct {
	Fix    string   `json:"fix"`    // what changed, with placeholders
	Checks []string `json:"checks"` // the IDs of the findings it answers
	Sent   bool     `json:"sent"`
	Result string   `json:"result"` // "200 OK", the fault, or why it was not sent
	Worked bool     `json:"worked"` // the fix made the call succeed
}

type jsonSecret struct {
	Role        string `json:"role"`
	Placeholder string `json:"placeholder"`
	Fingerprint string `json:"fingerprint,omitempty"` // first 12 hex digits of SHA-256; none for a guessable value
	Replaced    int    `json:"replaced"`
	// InTicket is true for the two tokens, whose values the Tokens
	// section holds (masked with --mask-tokens).
	InTicket bool `json:"in_ticket"`
}

type jsonPII struct {
	Emails int `json:"emails"`
	Phones int `json:"phones"`
}

// jsonTimings are in milliseconds; a phase that did not happen is null.
// The phases are those of the final request; total covers every hop and
// the body download.
type jsonTimings struct {
	DNS      *float64 `json:"dns_ms"`
	Connect  *float64 `json:"connect_ms"`
	TLS      *float64 `json:"tls_ms"`
	Wait     *float64 `json:"wait_ms"`
	Download *float64 `json:"download_ms"`
	Total    float64  `json:"total_ms"`
}

type jsonTruncated struct {
	// RequestBody and ResponseBody are true when --max-body kept only
	// the start of the body.
	RequestBody  bool `json:"request_body"`
	ResponseBody bool `json:"response_body"`
	// ToFit is true when bodies were cut to keep the .eml under
	// --max-eml-size.
	ToFit bool `json:"to_fit"`
}

// buildJSON makes the --json object of a run.
// jsonAPI is the API description the checks read.
type jsonAPI struct {
	Checked bool    `json:"checked"` // a description was loaded and the call checked against it
	Text    string  `json:"text"`    // the ticket's Checked: line
	Route   *string `json:"route"`   // the documented route the call matched, "GET /api/v1/records/{location_id}"; null when none
}

func buildJSON(o *outcome, version string) jsonResult {
	ex := o.ex
	first := ex.First()
	out := jsonResult{
		Schema:   jsonSchema,
		Version:  version,
		Request:  jsonRequest{Method: first.Request.Method, URL: first.Request.URL, Hops: len(ex.Hops)},
		Replayed: ex.Source.Replayed,
		Source:   ex.Source.From,
		Findings: []jsonFinding{},
		Secrets:  []jsonSecret{},
		Warnings: append([]string{}, o.warnings...),
		API:      jsonAPI{Checked: o.apiChecked, Text: o.apiDescription},
	}
	if o.apiRoute != "" {
		out.API.Route = &o.apiRoute
	}
	if o.path != "" {
		out.Ticket = &jsonTicket{Path: absPath(o.path), Bytes: o.size}
	}
	if o.outDir != "" && len(o.files) > 0 {
		out.OutDir = &jsonOutDir{Path: absPath(o.outDir), Files: o.files}
	}
	if o.openAsked {
		out.Opened = &jsonOpened{OK: o.openErr == nil, With: o.openedWith}
		if o.openErr != nil {
			out.Opened.Error = o.openErr.Error()
		}
	}
	if r := ex.Response(); r != nil {
		out.Status = &jsonStatus{Code: r.Status, Text: r.StatusText}
		out.Truncated.ResponseBody = r.Body.Truncated
	}
	out.Truncated.RequestBody = first.Request.Body.Truncated
	out.Truncated.ToFit = o.cut
	if ex.Fault != nil {
		out.Fault = &jsonFault{Kind: string(ex.Fault.Kind), Message: ex.Fault.Message}
	}
	for _, f := range o.findings {
		out.Findings = append(out.Findings, jsonFinding{
			ID: f.ID, Severity: severityWord(f.Severity), Title: f.Title,
			Fix: f.Fix, Action: f.Action, ServerSide: f.ServerSide,
		})
	}
	for _, t := range o.tries {
		out.Tries = append(out.Tries, jsonTry{Fix: t.Fix, Checks: t.Checks, Sent: t.Sent, Result: t.Result, Worked: t.Worked})
	}
	for _, s := range o.secrets {
		out.Secrets = append(out.Secrets, jsonSecret{
			Role: s.Role, Placeholder: s.Placeholder, Fingerprint: s.Fingerprint,
			Replaced: s.Replaced, InTicket: s.Shareable(),
		})
	}
	if o.redacted.PII {
		out.PII = &jsonPII{Emails: o.redacted.Emails, Phones: o.redacted.Phones}
	}
	if ex.Source.Measured() {
		t := ex.Last().Timings
		out.Timings = &jsonTimings{
			DNS: ms(t.DNS), Connect: ms(t.Connect), TLS: ms(t.TLS), Wait: ms(t.Wait), Download: ms(t.Download),
			Total: roundMS(ex.Total),
		}
	}
	if o.err != nil {
		out.Error = o.err.Error()
	}
	return out
}

// severityWord is a finding's severity for scripts: one word each.
func severityWord(s diagnose.Severity) string {
	switch s {
	case diagnose.Likely:
		return "likely"
	case diagnose.Warning:
		return "warning"
	}
	return "info"
}

func ms(d time.Duration) *float64 {
	if d == capture.Skipped || d < 0 {
		return nil
	}
	v := roundMS(d)
	return &v
}

// roundMS is d in milliseconds, to the microsecond.
func roundMS(d time.Duration) float64 {
	return math.Round(float64(d)/1e3) / 1e3
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// writeJSON prints the --json object on w, indented, with a final newline.
func writeJSON(w io.Writer, r jsonResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

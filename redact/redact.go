// Package redact owns the third stage of a ticket: it finds every secret in
// a captured Exchange and replaces each one, everywhere it occurs and in
// every form it takes, with a stable placeholder named by its role
// ({{partner_token}}, {{user_token}}, {{password}}, {{cookie_session}},
// {{secret_1}}, ...).
//
// Scrub takes the Exchange as capture recorded it and a Policy, and returns
// the redacted Exchange, the list of secrets found and a report of where
// each was replaced. The list still holds the values, in memory only: the
// report prints the values of the two Alteg.io tokens that support asks
// for (Secret.Shareable) and nothing else. Result.Bytes redacts any later
// text derived from the exchange, so that no output can carry a secret the
// exchange held.
//
// What counts as a secret (detect.go) is found by structure, wherever it
// stands: Authorization and Proxy-Authorization with any scheme, cookies,
// headers named like a credential, fields named like one (names.go; a
// bracket or dot path by its last name) in queries, JSON, forms,
// multipart parts and name=value lines, whatever a body's Content-Type
// says; credentials in every URL (user:pass@, credential parameters);
// JWTs and JWEs; and the values and names the Policy adds.
//
// A value that is safe to search for (Searchable, entropy.go) is then
// replaced everywhere, plain, URL-, JSON- or HTML-escaped in any style
// and up to two layers deep, in base64, hex and UTF-16 (match.go,
// forms.go, decode.go); a value too short or too common for that only
// where it stands under a name it was found under. Result.Bytes, the
// report's safety net, searches only the former, so that it never
// rewrites the ticket's own text. Lines does the same for the terminal.
//
// This package also knows where Alteg.io puts its tokens: the
// Authorization header grammar "Bearer <partner>, User <user>"
// (ParseAuthorization).
package redact

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact/pii"
)

// Roles of the secrets this package names. Other secrets are named after
// the field or header they were found in, or numbered: secret_1, ...
const (
	RolePartnerToken = "partner_token"
	RoleUserToken    = "user_token"
)

// Policy says what to treat as a secret beyond what Scrub finds itself.
// The zero value finds the built-in secrets only.
type Policy struct {
	// Values are literal secrets (--redact), each at least MinLiteral
	// bytes long (see Check).
	Values []string
	// Env are secrets read from environment variables (--redact-env).
	Env []EnvSecret
	// Fields are more field or header names whose values are secrets
	// (--redact-field). Matching ignores case, - and _; a dotted name
	// ("2fa.secret") matches the end of a JSON path.
	Fields []string
	// PII masks email addresses and phone numbers in the bodies
	// (--redact-pii).
	PII bool
	// Command are the credentials the command line holds (the -u
	// password, --pass, -U, ...), which may never go over the wire as
	// written (a --digest password, a -u that -H Authorization replaced)
	// and yet be quoted by the sender. Each is redacted like a secret
	// found by structure, under its Role; one the exchange holds keeps
	// the role it was found under there.
	Command []CommandSecret
}

// CommandSecret is a credential of the command line: its role (for the
// placeholder), where it was given ("-u", "--pass"), and the value.
type CommandSecret struct {
	Role, Where, Value string
}

// EnvSecret is a secret taken from an environment variable; Name is shown
// in the ticket, Value never is.
type EnvSecret struct {
	Name  string
	Value string
}

// PolicyKind is which part of a Policy an entry belongs to.
type PolicyKind uint8

const (
	PolicyValue PolicyKind = iota // Policy.Values
	PolicyEnv                     // Policy.Env
	PolicyField                   // Policy.Fields
)

// PolicyRef names one entry of a Policy without its secret value: the
// position of a literal (from 1), the name of a variable, or a field
// name. The command line words it after its own flags.
type PolicyRef struct {
	Kind  PolicyKind
	Index int    // PolicyValue: 1 for the first value
	Name  string // PolicyEnv: the variable; PolicyField: the field name
}

// String words the entry without naming any flag: "literal value 2",
// "variable ALTEGIO_PASSWORD", "field name sms_code".
func (r PolicyRef) String() string {
	switch r.Kind {
	case PolicyEnv:
		return "variable " + r.Name
	case PolicyField:
		return "field name " + r.Name
	}
	return "literal value " + strconv.Itoa(r.Index)
}

// PolicyProblem is why a Policy entry cannot be applied.
type PolicyProblem uint8

const (
	PolicyEmpty    PolicyProblem = iota + 1 // a value that is empty or only spaces
	PolicyShort                             // a value shorter than MinLiteral
	PolicyNotAName                          // a field name with no name in it
)

// PolicyError is a Policy entry that cannot be applied safely, e.g. a
// literal too short to search for. It names the entry by its position or
// name (Ref), never by its value.
type PolicyError struct {
	Ref     PolicyRef
	Problem PolicyProblem
	Len     int // PolicyShort: the value's length in bytes
}

func (e *PolicyError) Error() string {
	switch e.Problem {
	case PolicyEmpty:
		return e.Ref.String() + " is empty or only spaces"
	case PolicyShort:
		return fmt.Sprintf("%s is %d bytes long; a literal secret needs at least %d so that it cannot match ordinary text", e.Ref, e.Len, MinLiteral)
	}
	return e.Ref.String() + " is not a field name"
}

// Check reports a literal secret too short to be searched for without
// mangling the ticket, as a *PolicyError.
func (p Policy) Check() error {
	short := func(ref PolicyRef, v string) error {
		if strings.TrimSpace(v) == "" {
			return &PolicyError{Ref: ref, Problem: PolicyEmpty}
		}
		if len(v) < MinLiteral {
			return &PolicyError{Ref: ref, Problem: PolicyShort, Len: len(v)}
		}
		return nil
	}
	for i, v := range p.Values {
		if err := short(PolicyRef{Kind: PolicyValue, Index: i + 1}, v); err != nil {
			return err
		}
	}
	for _, e := range p.Env {
		if err := short(PolicyRef{Kind: PolicyEnv, Name: e.Name}, e.Value); err != nil {
			return err
		}
	}
	for _, f := range p.Fields {
		if strings.Trim(f, " .-_[]") == "" {
			return &PolicyError{Ref: PolicyRef{Kind: PolicyField, Name: f}, Problem: PolicyNotAName}
		}
	}
	return nil
}

// Secret is one secret value found in the exchange.
type Secret struct {
	// Role names what the secret is, e.g. "partner_token".
	Role string
	// Placeholder replaces the value everywhere, e.g. "{{partner_token}}".
	Placeholder string
	// Value is the secret itself. It is held in memory only; the report
	// prints it only when Shareable.
	Value string
	// Fingerprint is the first 12 hex digits of the value's SHA-256, so
	// that support can match a value without seeing it; "" for a value
	// of fewer than FingerprintBits estimated bits, whose fingerprint
	// would give it away.
	Fingerprint string
	// Found lists where the secret was detected, e.g. "header
	// Authorization" or "response body $.data.user_token".
	Found []string
	// Replaced counts the replacements made across the exchange.
	Replaced int
	// Places says where the replacements were made and how many, in the
	// order first met.
	Places []Place
	// Forms lists how the value was written where it was replaced, e.g.
	// "plain", "URL-encoded", "base64".
	Forms []string
}

// Place is where a secret was replaced, e.g. "response body", and how
// many times.
type Place struct {
	Where string
	Count int
}

// Shareable reports whether the value may appear in the ticket: only the
// partner token and the user token, which the support desk asks for.
func (s Secret) Shareable() bool {
	return s.Role == RolePartnerToken || s.Role == RoleUserToken
}

// Report is what the redaction did besides the secrets list.
type Report struct {
	// PII is true when personal data was masked (Policy.PII).
	PII bool
	// Emails and Phones count the values masked.
	Emails, Phones int
	// Unmatched lists what the policy asked for that matched nothing,
	// worded without flags ("literal value 2", "field name sms_code");
	// Missed holds the same entries for the command line to word.
	Unmatched []string
	Missed    []PolicyRef
	// Short lists the placeholders of secrets too short or too common to
	// search for everywhere (Searchable): each was replaced only where it
	// stands under a name it was found under.
	Short []string
}

// Result is a redacted exchange and the secrets that were taken out of it.
type Result struct {
	Exchange capture.Exchange
	Secrets  []Secret
	Report   Report
	rep      *replacer
}

// Bytes returns b with every form of every secret replaced by its
// placeholder. b is not modified; when it holds no secret, b itself is
// returned. It is safe for concurrent use.
func (r *Result) Bytes(b []byte) []byte { return r.rep.safe(b) }

// String is Bytes for strings.
func (r *Result) String(s string) string {
	if s == "" {
		return s
	}
	return string(r.rep.safe([]byte(s)))
}

// Scrub finds the secrets in ex and returns a redacted copy; ex itself is
// not modified. The policy should have passed Check; a literal shorter
// than MinLiteral is still redacted, but only where it stands as a whole
// value.
func Scrub(ex *capture.Exchange, p Policy) *Result {
	d := newDetector(p)
	d.exchange(ex, p)
	rep := newReplacer(d.list, d.charsets)
	out := rep.exchange(ex)

	res := &Result{Exchange: out, rep: rep}
	for i, e := range d.list {
		s := e.Secret
		s.Replaced, s.Places, s.Forms = rep.tally(i)
		res.Secrets = append(res.Secrets, s)
		if e.scope() != scopeAll {
			res.Report.Short = append(res.Report.Short, s.Placeholder)
		}
	}
	res.Report.Missed = unmatched(p, res.Secrets)
	for _, m := range res.Report.Missed {
		res.Report.Unmatched = append(res.Report.Unmatched, m.String())
	}
	if p.PII {
		res.Report.PII = true
		c := maskPII(&res.Exchange)
		res.Report.Emails, res.Report.Phones = c.Emails, c.Phones
	}
	return res
}

// unmatched lists the policy entries that found nothing to replace.
func unmatched(p Policy, secrets []Secret) []PolicyRef {
	var out []PolicyRef
	replaced := map[string]bool{}
	for _, s := range secrets {
		if s.Replaced > 0 {
			replaced[s.Value] = true
		}
	}
	for i, v := range p.Values {
		if !replaced[v] {
			out = append(out, PolicyRef{Kind: PolicyValue, Index: i + 1})
		}
	}
	for _, e := range p.Env {
		if !replaced[e.Value] {
			out = append(out, PolicyRef{Kind: PolicyEnv, Name: e.Name})
		}
	}
	for _, f := range p.Fields {
		hit := false
		for _, s := range secrets {
			for _, w := range s.Found {
				if strings.Contains(normName(w), normName(lastSegment(f))) {
					hit = true
				}
			}
		}
		if !hit {
			out = append(out, PolicyRef{Kind: PolicyField, Name: f})
		}
	}
	return out
}

// maskPII masks personal data in every body of ex, in place (ex is
// already a copy); then the same values, in any form, and any other
// email or phone number wherever else they appear (an echo header, a
// query string), so that turning PII masking on leaves none in the ticket.
func maskPII(ex *capture.Exchange) pii.Counts {
	var total pii.Counts
	found := map[string]*entry{}
	var list []*entry
	body := func(b *capture.Body, count bool) {
		for _, d := range []*[]byte{&b.Data, &b.UTF8} {
			if *d == nil {
				continue
			}
			ms := pii.Find(*d)
			for _, m := range ms {
				if len(list) > maxPIIValues {
					break // too many to look for elsewhere: list is dropped below
				}
				v := string((*d)[m.Start:m.End])
				if found[v] == nil {
					role := "phone"
					if m.Email {
						role = "email"
					}
					// literal: a phone number is all digits, too common
					// for the report's text, but searched in the exchange.
					found[v] = &entry{Secret: Secret{Role: role, Value: v, Placeholder: m.Masked}, literal: true}
					list = append(list, found[v])
				}
			}
			*d = pii.Apply(*d, ms)
			if count && d == &b.Data {
				total = total.Add(pii.CountOf(ms)) // the UTF-8 copy holds the same values
			}
		}
	}
	for i := range ex.Hops {
		h := &ex.Hops[i]
		if !h.Request.Body.Binary {
			body(&h.Request.Body, true)
		}
		if h.Response != nil && !h.Response.Body.Binary {
			body(&h.Response.Body, true)
		}
	}
	var rep *replacer
	if len(list) > 0 && len(list) <= maxPIIValues {
		rep = newReplacer(list, nil)
	}
	str := func(s string) string {
		b, c := pii.Mask([]byte(s))
		total = total.Add(c)
		if rep != nil {
			b = rep.bytes(b, "elsewhere", false)
		}
		return string(b)
	}
	ex.Source.From, ex.Proxy = str(ex.Source.From), str(ex.Proxy)
	if ex.Fault != nil {
		ex.Fault.Message, ex.Fault.Detail = str(ex.Fault.Message), str(ex.Fault.Detail)
	}
	for i := range ex.Hops {
		h := &ex.Hops[i]
		h.Request.URL = str(h.Request.URL)
		for j := range h.Request.Header {
			h.Request.Header[j].Value = str(h.Request.Header[j].Value)
		}
		if r := h.Response; r != nil {
			r.StatusText = str(r.StatusText)
			for j := range r.Header {
				r.Header[j].Value = str(r.Header[j].Value)
			}
		}
		if rep != nil {
			// Escaped copies in the bodies, e.g. an echoed query string.
			for _, b := range []*capture.Body{&h.Request.Body, responseBody(h)} {
				if b != nil {
					b.Data, b.UTF8 = rep.bytes(b.Data, "elsewhere", false), rep.bytes(b.UTF8, "", false)
				}
			}
		}
	}
	if rep != nil {
		for i, e := range list {
			n, _, _ := rep.tally(i)
			if e.Role == "email" {
				total.Emails += n
			} else {
				total.Phones += n
			}
		}
	}
	return total
}

// maxPIIValues bounds how many distinct values are looked for outside
// the place they were found; a body with more is masked where it stands.
const maxPIIValues = 4096

func responseBody(h *capture.Hop) *capture.Body {
	if h.Response == nil {
		return nil
	}
	return &h.Response.Body
}

package report

import (
	"fmt"
	"strings"

	"github.com/altegio/altegio-ticket/redact"
)

// This file renders what redaction did: the secrets list (section
// "secrets"), the redaction report (section "redaction"), and how the
// Tokens section shows the two tokens (in full, or masked).

// secretRow is one line of the secrets list. It never holds a value.
type secretRow struct {
	Role        string // "partner token"
	Placeholder string
	Fingerprint string
	Found       string // "header Authorization; response body $.data.user_token"
	Replaced    int
	Shared      bool // the value is in the Tokens section
}

// redactionView is the redaction report: places and counts, never values.
type redactionView struct {
	Rows    []placeRow
	PII     string   // what personal data was masked; "" when --redact-pii is off
	Notes   []string // unmatched policy entries, short secrets
	Checked string   // what was looked for
}

type placeRow struct {
	Placeholder string
	Places      string // "URL ×1, response body ×3"
	Forms       string // "plain, URL-encoded"
}

// maxFound bounds how many detection places the secrets list names per
// secret.
const maxFound = 4

const checkedText = "Authorization and Proxy-Authorization (any scheme), Cookie and Set-Cookie, " +
	"headers named like a credential, query, JSON and form fields named like a credential " +
	"(password, token, api_key, secret, sign, ...), credentials in URLs and in the proxy URL, JWTs, " +
	"and the values and names given on the command line; each in plain, URL-encoded, JSON-escaped, " +
	"HTML-escaped and base64 form."

// addRedaction fills the view's secrets list and redaction report, and
// says how each token is shown.
func addRedaction(v *view, t *Ticket) {
	v.MaskTokens = t.MaskTokens
	for _, s := range t.Secrets {
		found := s.Found
		if len(found) > maxFound {
			found = append(found[:maxFound:maxFound], fmt.Sprintf("%d more", len(s.Found)-maxFound))
		}
		v.Secrets = append(v.Secrets, secretRow{
			Role:        strings.ReplaceAll(s.Role, "_", " "),
			Placeholder: s.Placeholder,
			Fingerprint: fingerprintShown(s.Fingerprint),
			Found:       strings.Join(found, "; "),
			Replaced:    s.Replaced,
			Shared:      s.Shareable(),
		})
		var places []string
		for _, p := range s.Places {
			places = append(places, fmt.Sprintf("%s ×%d", p.Where, p.Count))
		}
		row := placeRow{Placeholder: s.Placeholder, Places: strings.Join(places, ", "), Forms: strings.Join(s.Forms, ", ")}
		if row.Places == "" {
			row.Places = "not replaced anywhere"
		}
		v.Redaction.Rows = append(v.Redaction.Rows, row)
	}
	r := t.Redaction
	if r.PII {
		v.Redaction.PII = fmt.Sprintf("%s and %s were masked, keeping their shape (j***@example.com, +7 *** *** ** 67).",
			plural(r.Emails, "email address", "email addresses"), plural(r.Phones, "phone number", "phone numbers"))
	}
	for _, u := range r.Unmatched {
		v.Redaction.Notes = append(v.Redaction.Notes, u+" matched nothing in the exchange.")
	}
	if len(r.Short) > 0 {
		v.Redaction.Notes = append(v.Redaction.Notes, strings.Join(r.Short, ", ")+
			": too short or too common to search for everywhere; replaced only where it stands under its own name.")
	}
	v.Redaction.Checked = checkedText
	for i := range v.Tokens {
		for _, s := range t.Secrets {
			if "{{"+s.Role+"}}" == v.Tokens[i].Placeholder && v.Tokens[i].Marker != "" {
				_, v.Tokens[i].Masked = tokenShown(s, t)
			}
		}
	}
}

// tokenShown returns what the Tokens section shows for a token, and why it
// is masked ("" when shown in full). With --mask-tokens only its first and
// last 4 characters are shown; support matches it by its fingerprint.
// Nothing else masks it: another secret that happens to occur inside a
// token (a cookie seen=1) does not make support lose the token it asked
// for (issue #11).
func tokenShown(s redact.Secret, t *Ticket) (string, string) {
	why := ""
	switch {
	case t.MaskTokens && t.Printed:
		why = "masked by --print (--show-tokens shows them): first and last 4 characters"
	case t.MaskTokens:
		why = "masked with --mask-tokens: first and last 4 characters"
	}
	if why == "" {
		return s.Value, ""
	}
	if len(s.Value) < 12 {
		return "…", strings.Replace(why, "first and last 4 characters", "too short to show any of it", 1)
	}
	return s.Value[:4] + "…" + s.Value[len(s.Value)-4:], why
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func textSecrets(w *textWriter, v *view) {
	w.heading("Secrets removed")
	if len(v.Secrets) == 0 {
		w.p("No secrets were found.")
		return
	}
	w.wrap("", "", "Each secret is replaced by its placeholder everywhere in this message and its attachments, in every form found. No value is included except the partner and user tokens, in the Tokens section.")
	for _, s := range v.Secrets {
		shared := ""
		if s.Shared {
			shared = ", value in the Tokens section"
		}
		w.wrap("  ", "      ", fmt.Sprintf("%s  %s, sha256 %s, %s%s", s.Placeholder, s.Role, s.Fingerprint, plural(s.Replaced, "replacement", "replacements"), shared))
		w.wrap("      ", "      ", "found in: "+s.Found)
	}
}

func textRedaction(w *textWriter, v *view) {
	w.heading("Redaction report")
	for _, r := range v.Redaction.Rows {
		forms := ""
		if r.Forms != "" {
			forms = " (" + r.Forms + ")"
		}
		w.wrap("  ", "      ", r.Placeholder+": "+r.Places+forms)
	}
	if v.Redaction.PII != "" {
		w.wrap("", "  ", "Personal data: "+v.Redaction.PII)
	}
	for _, n := range v.Redaction.Notes {
		w.wrap("", "  ", "Note: "+n)
	}
	w.wrap("", "  ", "Checked: "+v.Redaction.Checked)
}

package report

import (
	"fmt"
	"strings"

	"github.com/altegio/altegio-ticket/redact"
)

// This file renders the Secrets section, what redaction did in one place,
// and decides how the Tokens section shows the two tokens (in full, or
// masked).

// secretsView is the Secrets section: places and counts, never values.
type secretsView struct {
	Rows  []secretRow
	PII   string   // what personal data was masked; "" when none was asked
	Notes []string // policy entries that matched nothing, short secrets
}

// secretRow is one secret. It never holds a value.
type secretRow struct {
	Placeholder string
	Where       string // "header Authorization ×1, response body ×3"
	Forms       string // "URL-encoded, base64"; "" when only plain
	Fingerprint string // "" when redaction gives none: too guessable to fingerprint
	Shared      bool   // the value is in the Tokens section
}

// secretsIntro says once what every placeholder means.
const secretsIntro = "Each secret is replaced by its placeholder everywhere in this message and its " +
	"attachments, in every form found; only the two tokens' values are sent, under Tokens."

// addSecrets fills the view's Secrets section and says how each token is
// shown.
func addSecrets(v *view, t *Ticket) {
	v.MaskTokens, v.MaskNote = t.MaskTokens, t.MaskNote
	for _, s := range t.Secrets {
		var places []string
		for _, p := range s.Places {
			places = append(places, fmt.Sprintf("%s ×%d", p.Where, p.Count))
		}
		row := secretRow{Placeholder: s.Placeholder, Where: strings.Join(places, ", "), Fingerprint: s.Fingerprint, Shared: s.Shareable()}
		if row.Where == "" {
			row.Where = "found in " + strings.Join(s.Found, ", ") + "; not replaced anywhere"
		}
		if len(s.Forms) != 1 || s.Forms[0] != "plain" {
			row.Forms = strings.Join(s.Forms, ", ")
		}
		v.Secrets.Rows = append(v.Secrets.Rows, row)
	}
	r := t.Redaction
	if r.PII {
		v.Secrets.PII = fmt.Sprintf("%s and %s were masked, keeping their shape (j***@example.com, +7 *** *** ** 67).",
			plural(r.Emails, "email address", "email addresses"), plural(r.Phones, "phone number", "phone numbers"))
	}
	for _, u := range r.Unmatched {
		v.Secrets.Notes = append(v.Secrets.Notes, u+" matched nothing in the exchange.")
	}
	if len(r.Short) > 0 {
		v.Secrets.Notes = append(v.Secrets.Notes, strings.Join(r.Short, ", ")+
			": too short or too common to search for everywhere; replaced only where it stands under its own name.")
	}
	for i := range v.Tokens {
		for _, s := range t.Secrets {
			if "{{"+s.Role+"}}" == v.Tokens[i].Placeholder && v.Tokens[i].Marker != "" {
				_, v.Tokens[i].Masked = tokenShown(s, t)
			}
		}
	}
}

// tokenShown returns what the Tokens section shows for a token, and why it
// is masked ("" when shown in full). When the sender asked for it
// (Ticket.MaskTokens) only its first and last 4 characters are shown;
// support matches it by its fingerprint. Nothing else masks it: another
// secret that happens to occur inside a token (a cookie seen=1) must not
// cost support the token it asked for (issue #11).
func tokenShown(s redact.Secret, t *Ticket) (string, string) {
	why := ""
	if t.MaskTokens {
		why = "masked: first and last 4 characters"
		if t.MaskNote != "" {
			why = "masked (" + t.MaskNote + "): first and last 4 characters"
		}
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
	w.heading("Secrets")
	if len(v.Secrets.Rows) == 0 {
		w.p("No secrets were found.")
	} else {
		w.wrap("", "", secretsIntro)
	}
	width := 0
	for _, r := range v.Secrets.Rows {
		width = max(width, runeLen(r.Placeholder))
	}
	width = min(width, 24)
	for _, r := range v.Secrets.Rows {
		text := r.Where
		if r.Forms != "" {
			text += " (" + r.Forms + ")"
		}
		if r.Fingerprint != "" {
			text += "; sha256 " + r.Fingerprint
		}
		w.wrap("  "+pad(r.Placeholder, width)+"  ", strings.Repeat(" ", width+4), text)
	}
	if v.Secrets.PII != "" {
		w.wrap("", "  ", "Personal data: "+v.Secrets.PII)
	}
	for _, n := range v.Secrets.Notes {
		w.wrap("", "  ", "Note: "+n)
	}
}

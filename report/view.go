package report

import (
	"fmt"
	"html/template"
	"mime"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// inlineBodyLimit is how much of a body the text and HTML parts show; the
// HAR or the body's own file carries all of what was kept.
const inlineBodyLimit = 32 << 10

// view is what both renderers show, computed once from a Ticket. Every
// string in it comes from the redacted exchange; token values appear only
// as tokenRow.Marker, which Render swaps for the value after the safety
// net has run.
type view struct {
	Subject string
	Class   string // "ok", "redirect", "client", "server", "fault"

	// The head: the first screen of the ticket (head.go).
	Head headView
	// Message is the sender's own words, "" when none were given.
	Message string
	// Notes are things the reader must know about the ticket itself,
	// e.g. that a body was cut to fit the size budget.
	Notes []string

	Method  string
	URL     string
	Request bodyView
	ReqHdrs []headerRow

	HasResponse bool
	Status      string
	Proto       string
	RespHdrs    []headerRow
	Response    bodyView

	Started string // "2026-11-29 10:00:00 UTC"
	Remote  string
	Timings string
	Tokens  []tokenRow
	// Attachments says what each attached file is for, in order.
	Attachments []attachmentRow
	Version     string

	Findings      []findingRow
	FindingsIntro string
	// Tries are the fixes replayed to prove the cause (tries.go).
	Tries      []tryRow
	TriesIntro string
	// APIDescription is Ticket.APIDescription when the checks read the
	// description (shown in the head); APISkipped when they did not
	// (shown at the end of the Findings).
	APIDescription string
	APISkipped     string

	// Connection, beyond Remote and Timings (see connection.go), and
	// the Redirects section (redirects.go).
	Local    string
	Protocol string
	Proxy    string // scheme://host:port, never credentials
	// Route says where the connection went instead of the URL's host
	// (curl --resolve, --connect-to), "" when it went there.
	Route       string
	TLS         *tlsView
	HeaderOrder string // how the response headers are ordered
	Fault       string // the fault in one sentence, "" when none
	FaultDetail string // the underlying error, for support
	FaultBefore string // what was captured before the fault
	// FaultReceived is what the peer sent when it was not valid HTTP (its
	// first bytes, redacted), with bytes that are not printable text
	// written as \xHH.
	FaultReceived string
	Redirects     []redirectRow

	// The Secrets section and how the Tokens section shows the two
	// tokens (secrets.go).
	Secrets    secretsView
	MaskTokens bool
	MaskNote   string
	// Printed is Ticket.Printed.
	Printed bool
}

type attachmentRow struct {
	Name, About string
}

type headerRow struct {
	Name, Value string
	Note        string // who added it, when not the user
}

type bodyView struct {
	Present bool
	Summary string // e.g. "application/json, 72 B"
	Text    string // what is shown inline; "" for binary
	Note    string // truncation or binary note
}

type tokenRow struct {
	Label       string
	Placeholder string
	Fingerprint string
	Marker      string // replaced by the value after rendering; "" when absent
	Missing     string // why there is no value
	Masked      string // why the value is shown masked; "" when shown in full
}

// newView computes the view of t with ex in place of t.Exchange (ex has
// the bodies cut to the budget). previews gives each body's inline text.
func newView(t *Ticket, ex *capture.Exchange, markers map[string]string, previews *previewCache) *view {
	first := ex.Call()
	v := &view{
		Method:  first.Request.Method,
		URL:     first.Request.URL,
		Started: ex.Started.UTC().Format("2006-01-02 15:04:05 MST"),
		Version: t.Version,
		Printed: t.Printed,
		Message: CleanMessage(t.Message),
	}
	if ex.Insecure {
		v.Notes = append(v.Notes, "TLS certificate verification was switched off for this call.")
	}
	for _, f := range first.Request.Header {
		v.ReqHdrs = append(v.ReqHdrs, headerRow{Name: f.Name, Value: f.Value, Note: originNote(f.Origin)})
	}
	v.Request = newBodyView(first.Request.Body, "request", "", previews)

	resp := ex.Response()
	if resp != nil {
		v.HasResponse = true
		v.Status = strings.TrimSpace(fmt.Sprintf("%d %s", resp.Status, resp.StatusText))
		v.Proto = resp.Proto
		if v.Proto == "" {
			v.Proto = "protocol not recorded" // e.g. --no-replay --status
		}
		for _, f := range resp.Header {
			v.RespHdrs = append(v.RespHdrs, headerRow{Name: f.Name, Value: f.Value})
		}
		v.Response = newBodyView(resp.Body, "response", attachmentName("response", resp.Body), previews)
		v.Class = statusClass(resp.Status)
	}
	if ex.Fault != nil {
		v.Fault = ex.Fault.Message
		v.FaultReceived = printableBytes(ex.Fault.Received)
		v.Class = "fault"
	}
	if v.Class == "" {
		v.Class = "fault"
	}
	v.Subject = subject(v, ex)
	v.Timings = waterfall(ex.Last().Timings, ex.Total)
	v.addConnection(ex)
	v.Redirects = redirectRows(ex)

	for _, role := range []string{redact.RolePartnerToken, redact.RoleUserToken} {
		row := tokenRow{Label: tokenLabel(role), Placeholder: "{{" + role + "}}"}
		if s, ok := findSecret(t.Secrets, role); ok {
			row.Placeholder, row.Fingerprint, row.Marker = s.Placeholder, fingerprintShown(s.Fingerprint), markers[role]
		} else {
			row.Missing = "not sent with this request"
		}
		v.Tokens = append(v.Tokens, row)
	}
	v.Findings, v.FindingsIntro = findingRows(t.Findings), findingsIntro
	v.Tries, v.TriesIntro = tryRows(t.Tries), triesIntro
	if t.APIChecked {
		v.APIDescription = t.APIDescription
	} else {
		v.APISkipped = t.APIDescription
	}
	addSecrets(v, t)
	v.Head = newHead(t, ex, v)
	return v
}

// CleanMessage is the sender's own words as a ticket holds them: CRLF
// line ends become LF, control characters (a stray escape sequence, a
// line separator) go while line breaks and tabs stay, and the text is
// trimmed. The command uses it too, to tell whether words were given.
func CleanMessage(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if isControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func findSecret(ss []redact.Secret, role string) (redact.Secret, bool) {
	for _, s := range ss {
		if s.Role == role {
			return s, true
		}
	}
	return redact.Secret{}, false
}

func tokenLabel(role string) string {
	switch role {
	case redact.RolePartnerToken:
		return "Partner token"
	case redact.RoleUserToken:
		return "User token"
	}
	return role
}

func originNote(o capture.Origin) string {
	switch o {
	case capture.FromTool:
		return "added by altegio-ticket, as curl does"
	case capture.FromTransport:
		return "added by the HTTP client"
	}
	return ""
}

func statusClass(code int) string {
	switch {
	case code >= 500:
		return "server"
	case code >= 400:
		return "client"
	case code >= 300:
		return "redirect"
	}
	return "ok"
}

// maxSubjectPath bounds the path in the Subject, in characters.
const maxSubjectPath = 120

// subject is e.g. "Alteg.io API: 401 Unauthorized on GET /api/v1/records/123".
// A call that succeeded is sent only when its data is wrong, and the
// Subject says so. The path is shown decoded, as people read it, with any
// control character written back as %XX: a Subject is one line.
func subject(v *view, ex *capture.Exchange) string {
	path := v.URL
	if u, err := url.Parse(v.URL); err == nil && u.Path != "" {
		path = u.Path
	}
	path = escapeControls(path)
	if utf8.RuneCountInString(path) > maxSubjectPath {
		path = string([]rune(path)[:maxSubjectPath]) + "…"
	}
	call := escapeControls(v.Method) + " " + path
	switch {
	case ex.Fault != nil:
		return "Alteg.io API: " + strings.ReplaceAll(string(ex.Fault.Kind), "-", " ") + " on " + call
	case !v.HasResponse:
		return "Alteg.io API: no response on " + call
	case v.Class == "ok":
		return "Alteg.io API: unexpected data from " + call + " (" + escapeControls(v.Status) + ")"
	}
	return "Alteg.io API: " + escapeControls(v.Status) + " on " + call
}

// escapeControls writes every control character of s, and every byte
// that is not UTF-8, as %XX, so that a decoded path keeps to one line and
// shows what it held.
func escapeControls(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || isControl(r) {
			for _, c := range []byte(s[i : i+n]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// waterfall renders timings on one line, e.g.
// "dns 2ms | connect 31ms | tls 45ms | wait 210ms | download 3ms = 291ms".
// Phases that did not happen are left out.
func waterfall(t capture.Timings, total time.Duration) string {
	var parts []string
	for _, p := range []struct {
		name string
		d    time.Duration
	}{{"dns", t.DNS}, {"connect", t.Connect}, {"tls", t.TLS}, {"wait", t.Wait}, {"download", t.Download}} {
		if p.d != capture.Skipped {
			parts = append(parts, p.name+" "+ms(p.d))
		}
	}
	if total <= 0 {
		total = t.Total
	}
	s := strings.Join(parts, " | ")
	if total > 0 {
		if s != "" {
			s += " = "
		}
		s += ms(total) + " total"
	}
	return s
}

func ms(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// newBodyView describes a body for both parts and gives its first
// inlineBodyLimit bytes, JSON pretty-printed. file names the attachment
// that holds the whole body ("" when the HAR does).
func newBodyView(b capture.Body, which, file string, previews *previewCache) bodyView {
	if b.Size == 0 && len(b.Data) == 0 {
		return bodyView{}
	}
	bv := bodyView{Present: true}
	mt := mediaType(b.ContentType)
	desc := []string{}
	if mt != "" {
		desc = append(desc, mt)
	}
	desc = append(desc, capture.ByteCount(b.Size))
	if b.Encoding != "" {
		desc = append(desc, b.Encoding+"-encoded on the wire, shown decoded")
	}
	if b.Charset != "" && b.UTF8 != nil {
		desc = append(desc, "converted from "+b.Charset)
	}
	bv.Summary = strings.Join(desc, ", ")
	if b.Withheld != "" {
		// No bytes were kept: the sentence stands where the body would.
		bv.Note = b.Withheld
		if b.Broken != "" {
			bv.Note += "; " + b.Broken
		}
		return bv
	}
	where := "request.har"
	if file != "" {
		where = file
	}
	if b.Binary {
		bv.Note = "binary content, not shown; it is in " + where
		return bv
	}
	p := previews.get(b, capture.IsJSONType(mt))
	var notes []string
	if b.Truncated {
		notes = append(notes, fmt.Sprintf("%s body truncated: kept %s of %s", which, capture.ByteCount(int64(len(b.Data))), capture.ByteCount(b.Size)))
	}
	if !p.whole {
		notes = append(notes, fmt.Sprintf("shown here: the first %s; %s has all that was kept", capture.ByteCount(inlineBodyLimit), where))
	}
	if b.Broken != "" {
		notes = append(notes, b.Broken)
	}
	bv.Text = p.text
	bv.Note = strings.Join(notes, "; ")
	return bv
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.TrimSpace(ct)
	}
	return mt
}

// printableBytes shows bytes as text: printable UTF-8 and line feeds as
// they are, and every other byte as \xHH (a CR shows, which matters in a
// malformed HTTP answer).
func printableBytes(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n <= 1, r < ' ' && r != '\n' && r != '\t', r == 0x7f:
			fmt.Fprintf(&sb, "\\x%02x", b[0])
			n = 1
		default:
			sb.WriteRune(r)
		}
		b = b[n:]
	}
	return sb.String()
}

// fingerprintShown is what the ticket says for a fingerprint: redact
// leaves it empty for a value too guessable to fingerprint (a 6-digit
// code would be found from it by trying every value).
func fingerprintShown(fp string) string {
	if fp == "" {
		return "none: too guessable to fingerprint"
	}
	return fp
}

// findingColors styles a finding by severity in HTML.
func findingColors(s diagnose.Severity) (color, background template.CSS) {
	switch s {
	case diagnose.Likely:
		return "#cf222e", "#ffebe9"
	case diagnose.Warning:
		return "#9a6700", "#fff8c5"
	}
	return "#0969da", "#ddf4ff"
}

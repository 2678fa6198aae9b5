package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
)

// inlineBodyLimit is how much of a body the text and HTML parts show; the
// attachment carries all of what was kept.
const inlineBodyLimit = 64 << 10

// view is what both renderers show, computed once from a Ticket. Every
// string in it comes from the redacted exchange; token values appear only
// as tokenRow.Marker, which Write swaps for the value after the safety net
// has run.
type view struct {
	Subject  string
	Headline string // the status or the fault, one line
	Fault    string // the fault in one sentence, "" when none
	Class    string // "ok", "redirect", "client", "server", "fault"
	Started  string
	Source   string
	Notes    []string
	// Recorded says where the exchange came from when it was not
	// replayed; "" for a replay.
	Recorded string

	Method  string
	URL     string
	Request bodyView
	ReqHdrs []headerRow

	HasResponse bool
	Status      string
	Proto       string
	RespHdrs    []headerRow
	Response    bodyView

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
	// APIDescription is Ticket.APIDescription.
	APIDescription string

	// Connection, beyond Remote and Timings (see connection.go), and
	// the Redirects section (redirects.go).
	Local       string
	Protocol    string
	Proxy       string // scheme://host:port, never credentials
	TLS         *tlsView
	HeaderOrder string // how the response headers are ordered
	FaultDetail string // the underlying error, for support
	FaultBefore string // what was captured before the fault
	// FaultReceived is what the peer sent when it was not valid HTTP (its
	// first bytes, redacted), with bytes that are not printable text
	// written as \xHH.
	FaultReceived string
	Redirects     []redirectRow

	// The secrets list and the redaction report (redaction.go).
	Secrets    []secretRow
	Redaction  redactionView
	MaskTokens bool
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

func newView(t *Ticket, markers map[string]string) *view {
	ex := &t.Exchange
	first, last := ex.First(), ex.Last()
	v := &view{
		Method:  first.Request.Method,
		URL:     first.Request.URL,
		Started: ex.Started.UTC().Format("2006-01-02 15:04:05 MST"),
		Version: t.Version,
		Printed: t.Printed,
	}
	v.Source = "replayed by altegio-ticket"
	if !ex.Source.Replayed {
		v.Source = "not replayed: recorded from the " + ex.Source.From
		v.Recorded = "This call was not sent again: altegio-ticket made no network call. The request and the response below are as recorded in the " + ex.Source.From + "."
	} else if ex.Source.From != "" {
		v.Source += " from the " + ex.Source.From
	}
	if ex.Insecure {
		v.Notes = append(v.Notes, "TLS certificate verification was skipped (-k/--insecure).")
	}
	for _, f := range first.Request.Header {
		v.ReqHdrs = append(v.ReqHdrs, headerRow{Name: f.Name, Value: f.Value, Note: originNote(f.Origin)})
	}
	v.Request = newBodyView(first.Request.Body, "request")

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
		v.Response = newBodyView(resp.Body, "response")
		v.Class = statusClass(resp.Status)
		v.Headline = v.Status
	}
	if ex.Fault != nil {
		v.Fault = ex.Fault.Message
		v.FaultReceived = printableBytes(ex.Fault.Received)
		v.Class = "fault"
		v.Headline = ex.Fault.Message
	}
	if v.Headline == "" {
		v.Headline = "no response"
		v.Class = "fault"
	}
	v.Subject = subject(v, ex)
	v.Timings = waterfall(last.Timings, ex.Total)
	v.addConnection(ex)
	v.Redirects = redirectRows(ex)

	for _, role := range []string{redact.RolePartnerToken, redact.RoleUserToken} {
		row := tokenRow{Label: tokenLabel(role), Placeholder: "{{" + role + "}}"}
		if s, ok := findSecret(t.Secrets, role); ok {
			row.Placeholder, row.Fingerprint, row.Marker = s.Placeholder, s.Fingerprint, markers[role]
		} else {
			row.Missing = "not sent with this request"
		}
		v.Tokens = append(v.Tokens, row)
	}
	v.Findings, v.FindingsIntro = findingRows(t.Findings), findingsIntro
	v.Tries, v.TriesIntro = tryRows(t.Tries), triesIntro
	v.APIDescription = t.APIDescription
	addRedaction(v, t)
	return v
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

// subject is e.g. "Alteg.io API: 401 Unauthorized on GET /api/v1/records/123".
func subject(v *view, ex *capture.Exchange) string {
	what := v.Status
	if ex.Fault != nil {
		what = strings.ReplaceAll(string(ex.Fault.Kind), "-", " ")
	}
	if what == "" {
		what = "no response"
	}
	path := v.URL
	if u, err := url.Parse(v.URL); err == nil && u.Path != "" {
		path = u.Path
	}
	return fmt.Sprintf("Alteg.io API: %s on %s %s", what, v.Method, path)
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

func newBodyView(b capture.Body, which string) bodyView {
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
	name := attachmentName(which, b)
	if b.Binary {
		bv.Note = "binary content, not shown; attached as " + name
		return bv
	}
	text := b.Text()
	if capture.IsJSONType(mt) {
		var buf bytes.Buffer
		if json.Indent(&buf, text, "", "  ") == nil {
			text = buf.Bytes()
		}
	}
	var notes []string
	if b.Truncated {
		notes = append(notes, fmt.Sprintf("%s body truncated: kept %s of %s", which, capture.ByteCount(int64(len(b.Data))), capture.ByteCount(b.Size)))
	}
	if len(text) > inlineBodyLimit {
		text = text[:inlineBodyLimit]
		notes = append(notes, fmt.Sprintf("shown here: the first %s; the attachment %s has all that was kept", capture.ByteCount(inlineBodyLimit), name))
	}
	if b.Broken != "" {
		notes = append(notes, b.Broken)
	}
	bv.Text = strings.ToValidUTF8(string(text), "\uFFFD")
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

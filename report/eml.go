// Package report owns the last stage of a ticket: it turns a redacted
// Exchange and its secrets list into an email-ready .eml addressed to the
// Alteg.io API support desk.
//
// Write renders the ticket as multipart/mixed: a multipart/alternative body
// (text/plain and text/html showing, after the findings of the diagnosis,
// what support asks for: URL, method,
// headers, request body, response, connection, then the Tokens section) and
// the attachments support uses to re-run the call: request.har (package
// har), postman_collection.json (package postman), replay.sh (package
// curlsh) and the raw bodies. Render does the same work once and also
// returns the files for a folder (--out-dir), and keeps the message under a
// size budget by cutting the largest bodies.
//
// The report never sees an unredacted exchange and never touches the
// network. Token values appear only in the Tokens section of each body
// part; as a last safety net every other byte is passed through the
// redactor before it is written.
package report

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/curlsh"
	"github.com/altegio/altegio-ticket/report/diagnose"
	"github.com/altegio/altegio-ticket/report/har"
	"github.com/altegio/altegio-ticket/report/postman"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// DefaultTo is the Alteg.io API support desk.
const DefaultTo = "api@alteg.io"

// Ticket is everything a report needs. Exchange must already be redacted.
type Ticket struct {
	Exchange capture.Exchange
	Secrets  []redact.Secret
	// Redact is the safety net applied to every byte outside the Tokens
	// section (redact.Result.Bytes). Nil means none.
	Redact func([]byte) []byte
	// Redaction is what redaction did besides the secrets list, for the
	// redaction report (redact.Result.Report).
	Redaction redact.Report
	// MaskTokens shows the two tokens as their first and last 4
	// characters in the Tokens section (--mask-tokens).
	MaskTokens bool
	// Printed renders for --print, where the text part alone goes to
	// stdout: Rendered.Text lists no attachments (none go with it), and
	// masked tokens are said to be masked by --print.
	Printed bool

	To   string // DefaultTo when empty
	From string // left out when empty, for the mail client to fill
	// Date, MessageID and Boundary are injected so that output can be
	// deterministic in tests; zero values are filled with now and random.
	Date      time.Time
	MessageID string // without angle brackets
	Boundary  string
	Version   string // altegio-ticket version, for the footer and X-Mailer

	// Findings are diagnose.Run's results for Exchange, shown at the top
	// of the ticket in the order given. Nil means none.
	Findings []diagnose.Finding
	// Tries are the extra replays with a fix applied, shown after the
	// findings. Nil means none were made.
	Tries []Try
	// APIDescription names, in one line, the API description the checks
	// read (title, version, fetched date), or says why none was read. It is
	// shown in the summary; "" shows nothing.
	APIDescription string
	// MaxSize is the size budget of the whole .eml in bytes: above it the
	// largest bodies are cut. Zero means DefaultMaxSize; negative, none.
	MaxSize int64
}

// DefaultMaxSize is the default size budget of a ticket. Mail providers
// reject messages around 20-25 MiB, and attachments grow by a third in
// base64; 10 MiB leaves room for forwarding and replies.
const DefaultMaxSize = 10 << 20

// File is one rendered file of a ticket: an attachment of the .eml, or
// one of the files --out-dir writes.
type File struct {
	Name        string // ASCII file name, e.g. "request.har"
	ContentType string // MIME type with parameters
	Data        []byte
}

// attachment is one file attached to the ticket.
type attachment = File

// Rendered is a ticket rendered once: the .eml and the same content as
// separate files.
type Rendered struct {
	// EML is the whole message.
	EML []byte
	// Size is len(EML).
	Size int64
	// Files are what --out-dir writes: ticket.txt and ticket.html (the
	// body parts, with the token values left out of their Tokens
	// section), every attachment of the .eml byte for byte, and
	// secrets.txt, the Tokens section alone with the values.
	Files []File
	// Text is the text/plain body part as the .eml carries it, Tokens
	// section included (masked with Ticket.MaskTokens), for --print.
	Text []byte
	// Warnings say what the user should know, e.g. that bodies were cut
	// to keep the message under the size budget. They hold no secret.
	Warnings []string
	// Cut is true when bodies were cut to keep the message under the
	// size budget; Warnings says which.
	Cut bool
}

// Write writes t as an .eml message to w.
func Write(w io.Writer, t Ticket) error {
	r, err := Render(t)
	if err != nil {
		return err
	}
	_, err = w.Write(r.EML)
	return err
}

// Render renders t once into the .eml and the files of --out-dir. When the
// message would exceed t.MaxSize, the largest bodies are cut (everywhere:
// inline, in the HAR, the collection, replay.sh and the body attachments)
// until it fits; the ticket says so and Rendered.Warnings carries it.
func Render(t Ticket) (*Rendered, error) {
	if len(t.Exchange.Hops) == 0 {
		return nil, fmt.Errorf("report: the exchange has no request")
	}
	t.fillDefaults()
	if t.Redact == nil {
		t.Redact = func(b []byte) []byte { return b }
	}
	markers := map[string]string{}
	values := map[string]string{}
	for _, s := range t.Secrets {
		if s.Shareable() {
			// Random hex only: no literal secret can match part of it.
			markers[s.Role] = randomHex(16)
			values[markers[s.Role]], _ = tokenShown(s, &t)
		}
	}
	return fitBudget(&t, func(cut *capture.Exchange, notes []string, measure bool) (*Rendered, error) {
		return render(&t, cut, notes, markers, values, measure)
	})
}

// render renders t with ex in place of t.Exchange (ex has the bodies cut
// to the budget) and notes added to the ticket's notes.
//
// With measure, only the size of the message is wanted: it is counted,
// not kept (Rendered.EML is nil and Size is set), which spares the
// budget's search a full copy of the message per try.
func render(t *Ticket, ex *capture.Exchange, notes []string, markers, values map[string]string, measure bool) (*Rendered, error) {
	tt := *t
	tt.Exchange = *ex
	guard := t.Redact

	v := newView(&tt, markers)
	v.Notes = append(v.Notes, notes...)
	atts := attachments(&tt, v)
	for i := range atts {
		atts[i].Data = guard(atts[i].Data)
		v.Attachments = append(v.Attachments, attachmentRow{Name: atts[i].Name, About: aboutAttachment(atts[i].Name, t.Secrets)})
	}
	text := string(guard([]byte(renderText(v))))
	html, err := renderHTML(v)
	if err != nil {
		return nil, fmt.Errorf("rendering the HTML body: %w", err)
	}
	html = string(guard([]byte(html)))

	// The values go in only now, after the safety net.
	emlText, emlHTML := text, html
	for m, val := range values {
		emlText = strings.ReplaceAll(emlText, m, val)
		emlHTML = strings.ReplaceAll(emlHTML, m, template.HTMLEscapeString(val))
	}
	subject := string(guard([]byte(v.Subject)))
	if measure {
		var n countWriter
		if err := writeMessage(&n, &tt, subject, emlText, emlHTML, atts); err != nil {
			return nil, err
		}
		return &Rendered{Size: int64(n)}, nil
	}
	// Size the buffer once: base64 and quoted-printable grow the parts by
	// about a third, and a doubling buffer would hold up to twice that.
	var buf bytes.Buffer
	est := len(emlText) + len(emlHTML)
	for _, a := range atts {
		est += len(a.Data)
	}
	buf.Grow(est*4/3 + 64<<10)
	if err := writeMessage(&buf, &tt, subject, emlText, emlHTML, atts); err != nil {
		return nil, err
	}

	// The files of --out-dir: the values go in secrets.txt only; the
	// loose ticket.txt and ticket.html point to it instead.
	tokens := &textWriter{}
	tokens.wrap("", "", fmt.Sprintf("The Alteg.io API tokens for the ticket %q, recorded %s. "+
		"Keep this file private: ticket.txt and ticket.html leave the values out and point here.", v.Subject, v.Started))
	textTokens(tokens, v)
	secrets := string(guard([]byte(tokens.String())))
	fileText, fileHTML := text, html
	for m, val := range values {
		fileText = strings.ReplaceAll(fileText, m, "(in secrets.txt)")
		fileHTML = strings.ReplaceAll(fileHTML, m, "(in secrets.txt)")
		secrets = strings.ReplaceAll(secrets, m, val)
	}
	files := []File{
		{Name: "ticket.txt", ContentType: "text/plain; charset=utf-8", Data: []byte(fileText)},
		{Name: "ticket.html", ContentType: "text/html; charset=utf-8", Data: []byte(fileHTML)},
	}
	files = append(files, atts...)
	files = append(files, File{Name: "secrets.txt", ContentType: "text/plain; charset=utf-8", Data: []byte(secrets)})
	return &Rendered{EML: buf.Bytes(), Size: int64(buf.Len()), Files: files, Text: []byte(emlText)}, nil
}

// countWriter counts what is written to it and keeps nothing.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// writeMessage writes the MIME message: the text and HTML bodies as
// multipart/alternative, then the attachments.
func writeMessage(w io.Writer, t *Ticket, subject, text, html string, atts []attachment) error {
	var h mail.Header
	// go-message writes header fields in the reverse order of the Set
	// calls, so they are set bottom-up.
	// Neither boundary may be a prefix of the other, or parsers split the
	// outer part at the inner boundary.
	h.Set("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": t.Boundary + "-mixed"}))
	h.Set("MIME-Version", "1.0")
	h.Set("X-Mailer", "altegio-ticket "+t.Version)
	// Outlook opens a message with X-Unsent: 1 as a draft, ready to send.
	h.Set("X-Unsent", "1")
	h.SetMessageID(t.MessageID)
	h.SetDate(t.Date)
	h.SetSubject(subject)
	h.SetAddressList("To", []*mail.Address{{Address: t.To}})
	if t.From != "" {
		h.SetAddressList("From", []*mail.Address{{Address: t.From}})
	}

	mw, err := message.CreateWriter(w, h.Header)
	if err != nil {
		return fmt.Errorf("writing the message header: %w", err)
	}
	var ih message.Header
	ih.Set("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": t.Boundary + "-alt"}))
	iw, err := mw.CreatePart(ih)
	if err != nil {
		return err
	}
	if err := writeInline(iw, "text/plain", text); err != nil {
		return err
	}
	if err := writeInline(iw, "text/html", html); err != nil {
		return err
	}
	if err := iw.Close(); err != nil {
		return err
	}
	for _, a := range atts {
		var ah mail.AttachmentHeader
		ah.Set("Content-Transfer-Encoding", "base64")
		ah.Set("Content-Type", a.ContentType)
		ah.SetFilename(a.Name)
		pw, err := mw.CreatePart(ah.Header)
		if err != nil {
			return err
		}
		if _, err := pw.Write(a.Data); err != nil {
			return err
		}
		if err := pw.Close(); err != nil {
			return err
		}
	}
	return mw.Close()
}

func writeInline(iw *message.Writer, ctype, body string) error {
	var ph message.Header
	ph.Set("Content-Transfer-Encoding", "quoted-printable")
	ph.Set("Content-Disposition", "inline")
	ph.Set("Content-Type", mime.FormatMediaType(ctype, map[string]string{"charset": "utf-8"}))
	pw, err := iw.CreatePart(ph)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(pw, body); err != nil {
		return err
	}
	return pw.Close()
}

func (t *Ticket) fillDefaults() {
	if t.To == "" {
		t.To = DefaultTo
	}
	if t.Date.IsZero() {
		t.Date = time.Now()
	}
	if t.MessageID == "" {
		t.MessageID = t.Date.UTC().Format("20060102T150405") + "." + randomHex(8) + "@altegio-ticket"
	}
	if t.Boundary == "" {
		t.Boundary = "altegio-ticket-" + randomHex(12)
	}
	if t.Version == "" {
		t.Version = "(devel)"
	}
}

// attachments lists the files attached to the ticket, in the order
// support uses them: request.har, postman_collection.json, replay.sh, then
// the raw request and response bodies. All are made from the redacted
// exchange; Render passes each through the safety net.
func attachments(t *Ticket, v *view) []attachment {
	ex := &t.Exchange
	reqBody := ex.First().Request.Body
	bodyFile := ""
	if len(reqBody.Data) > 0 {
		bodyFile = attachmentName("request", reqBody)
	}
	var vars []postman.Variable
	var shell []curlsh.Secret
	for _, s := range t.Secrets {
		d := roleDescription(s)
		vars = append(vars, postman.Variable{Key: s.Role, Description: d})
		shell = append(shell, curlsh.Secret{Placeholder: s.Placeholder, Env: curlsh.EnvName(s.Role), Description: d})
	}
	out := []attachment{
		{Name: "request.har", ContentType: "application/json", Data: har.Encode(ex, t.Version)},
		{Name: "postman_collection.json", ContentType: "application/json", Data: postman.Collection(ex, vars, postman.Info{
			Name:        v.Subject,
			Description: "Recorded " + v.Started + " by altegio-ticket " + t.Version + ". Secrets are collection variables with empty values: fill them in, or run newman run postman_collection.json --env-var partner_token=... (one --env-var per variable).",
			BodyFile:    bodyFile,
		})},
		{Name: "replay.sh", ContentType: "application/x-sh", Data: curlsh.Script(ex, shell, curlsh.Info{Recorded: v.Started, Version: t.Version})},
	}
	if len(reqBody.Data) > 0 {
		out = append(out, bodyAttachment("request", reqBody))
	}
	if r := ex.Response(); r != nil && len(r.Body.Data) > 0 {
		out = append(out, bodyAttachment("response", r.Body))
	}
	return out
}

// aboutAttachment says in a few words what an attachment is for.
func aboutAttachment(name string, secrets []redact.Secret) string {
	switch {
	case name == "request.har":
		return "the exchange in HAR 1.2: browsers, Charles, Fiddler"
	case name == "postman_collection.json":
		if len(secrets) == 0 {
			return "for Postman or newman"
		}
		return "for Postman or newman; fill in the variables"
	case name == "replay.sh":
		if len(secrets) == 0 {
			return "one curl command: bash replay.sh"
		}
		return "one curl command; secrets from ALTEGIO_* variables"
	case strings.HasPrefix(name, "request-body"):
		return "the request body as sent"
	case strings.HasPrefix(name, "response-body"):
		return "the response body as received"
	}
	return ""
}

// roleDescription says what a secret is, for the Postman variable and the
// replay.sh environment variable that stand for it.
func roleDescription(s redact.Secret) string {
	switch s.Role {
	case redact.RolePartnerToken:
		return "the partner token (Authorization: Bearer <partner token>)"
	case redact.RoleUserToken:
		return "the user token (Authorization: Bearer <partner token>, User <user token>)"
	case "password":
		return "the password sent in the request"
	}
	if len(s.Found) > 0 {
		return "the secret found in " + strings.Join(s.Found, ", ")
	}
	return "the secret " + s.Placeholder
}

func bodyAttachment(which string, b capture.Body) attachment {
	a := attachment{Name: attachmentName(which, b)}
	mt := mediaType(b.ContentType)
	switch {
	case b.Binary:
		if mt == "" || strings.HasPrefix(mt, "text/") {
			mt = "application/octet-stream"
		}
		a.ContentType, a.Data = mt, b.Data
	default:
		if mt == "" {
			mt = "text/plain"
		}
		// Text is attached as UTF-8: MIME writers accept no other charset,
		// and support reads it in any editor.
		a.ContentType = mime.FormatMediaType(mt, map[string]string{"charset": "utf-8"})
		a.Data = bytes.ToValidUTF8(b.Text(), []byte("\uFFFD"))
	}
	return a
}

// attachmentName is "request-body.json", "response-body.bin", ...: the
// extension follows the content type.
func attachmentName(which string, b capture.Body) string {
	return which + "-body" + extension(b)
}

func extension(b capture.Body) string {
	if b.Binary {
		return ".bin"
	}
	mt := mediaType(b.ContentType)
	switch {
	case capture.IsJSONType(mt):
		return ".json"
	case mt == "text/html" || mt == "application/xhtml+xml":
		return ".html"
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return ".xml"
	}
	return ".txt"
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error since Go 1.24
	return hex.EncodeToString(b)
}

// Package report owns the last stage of a ticket: it turns a redacted
// Exchange and its secrets list into an email-ready .eml addressed to the
// Alteg.io API support desk.
//
// Render renders the ticket once: a multipart/mixed message whose body is
// a multipart/alternative of text/plain and text/html (first the head,
// the call and its likely cause on one screen, and the sender's own words;
// then the findings of the diagnosis and what support asks for: URL,
// method, headers, request body, response, connection, the Secrets
// section and the Tokens section) and the attachments support uses to
// re-run the call: request.har (package har), postman_collection.json
// (package postman), replay.sh (package curlsh), and the response body in
// its own file. It also gives the same content as loose files for a
// folder (--out-dir), and keeps the message under a size budget by cutting
// the largest bodies (budget.go). Rendered.WriteTo then streams the .eml:
// the message is never built in memory, and its size is known before it
// is written (mime.go, encode.go).
//
// Each body lives in one place: the request body in request.har (where
// HAR keeps it and --har reads it back; replay.sh and the collection carry
// it too, as each must run on its own), and the final response body in its
// own file, which request.har names. The text and HTML parts show the
// first 32 KiB of each.
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
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/curlsh"
	"github.com/altegio/altegio-ticket/report/diagnose"
	"github.com/altegio/altegio-ticket/report/har"
	"github.com/altegio/altegio-ticket/report/postman"
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
	// Secrets section (redact.Result.Report).
	Redaction redact.Report
	// Message is the sender's own words: what they expected and what
	// happened. "" leaves a marked place to write them in the draft. It
	// passes through Redact like everything else.
	Message string
	// MaskTokens shows the two tokens as their first and last 4
	// characters in the Tokens section; MaskNote says why, in the
	// caller's words (e.g. which option asked for it).
	MaskTokens bool
	MaskNote   string
	// Printed renders for --print, where the text part alone goes to
	// stdout: Rendered.Text lists no attachments (none go with it).
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
	// of the ticket in the order given; the first one, when it is a
	// likely cause or a warning, is in the head. Nil means none.
	Findings []diagnose.Finding
	// Tries are the extra replays with a fix applied, shown after the
	// findings. Nil means none were made.
	Tries []Try
	// APIDescription names, in one line, the API description the checks
	// read (title, version, fetched date), or says why none was read; ""
	// shows nothing. With APIChecked it is in the head, next to the API;
	// otherwise it closes the Findings, which it says less about.
	APIDescription string
	APIChecked     bool
	// MaxSize is the size budget of the whole .eml in bytes: above it the
	// largest bodies are cut. Zero means DefaultMaxSize; negative, none.
	MaxSize int64
}

// DefaultMaxSize is the default size budget of a ticket. Mail providers
// reject messages around 20-25 MiB, and a forward or a reply may encode
// the attachments again in base64; 10 MiB leaves room for both.
const DefaultMaxSize = 10 << 20

// File is one rendered file of a ticket: an attachment of the .eml, or
// one of the files --out-dir writes.
type File struct {
	Name        string // ASCII file name, e.g. "request.har"
	ContentType string // MIME type with parameters
	Data        []byte
	// Binary is true for data that is not text.
	Binary bool
}

// Rendered is a ticket rendered once: the .eml, which WriteTo streams,
// and the same content as separate files.
type Rendered struct {
	// Size is the size of the .eml WriteTo writes, in bytes.
	Size int64
	// Files are what --out-dir writes: ticket.txt and ticket.html (the
	// body parts, with the token values left out of their Tokens
	// section), every attachment of the .eml byte for byte, and
	// secrets.txt, the Tokens section alone with the values.
	Files []File
	// Text is the text/plain body part, Tokens section included (masked
	// with Ticket.MaskTokens), for --print.
	Text []byte
	// Warnings say what the user should know, e.g. that bodies were cut
	// to keep the message under the size budget. They hold no secret.
	Warnings []string
	// Cut is true when bodies were cut to keep the message under the
	// size budget; Warnings says which.
	Cut bool

	msg *message
}

// WriteTo writes the .eml to w, streaming each part from the bytes the
// ticket already holds. It writes exactly Size bytes.
func (r *Rendered) WriteTo(w io.Writer) (int64, error) {
	return r.msg.writeTo(w)
}

// Write writes t as an .eml message to w.
func Write(w io.Writer, t Ticket) error {
	r, err := Render(t)
	if err != nil {
		return err
	}
	_, err = r.WriteTo(w)
	return err
}

// Render renders t into the .eml and the files of --out-dir. When the
// message would exceed t.MaxSize, the largest bodies are cut (everywhere:
// inline, in the HAR, the collection, replay.sh and the body file) until
// it fits; the ticket says so and Rendered.Warnings carries it.
func Render(t Ticket) (*Rendered, error) {
	if len(t.Exchange.Hops) == 0 {
		return nil, fmt.Errorf("report: the exchange has no request")
	}
	t.fillDefaults()
	if t.Redact == nil {
		t.Redact = func(b []byte) []byte { return b }
	}
	r := &renderer{t: &t, markers: map[string]string{}, values: map[string]string{}, previews: &previewCache{}}
	for _, s := range t.Secrets {
		if s.Shareable() {
			// Random hex only: no literal secret can match part of it.
			r.markers[s.Role] = randomHex(16)
			r.values[r.markers[s.Role]], _ = tokenShown(s, &t)
		}
	}
	return fitBudget(&t, r)
}

// renderer renders a ticket's drafts: the full one, and, when that is over
// the budget, one with its bodies cut. What does not depend on the cut
// (the body previews, mostly) is worked out once.
type renderer struct {
	t        *Ticket
	markers  map[string]string // role -> marker
	values   map[string]string // marker -> what the Tokens section shows
	previews *previewCache
}

// draft is one rendering of the ticket.
type draft struct {
	msg   *message
	files []File
	text  string // the text part, values in
	// bodied lists, for each attachment part, the bodies of the exchange
	// its data holds, for the budget's size model.
	bodied [][]bodyRef
}

// bodyRef names one body of an exchange: hop i's request or response.
type bodyRef struct {
	hop      int
	response bool
}

// render renders t with ex in place of t.Exchange (ex has the bodies cut
// to the budget) and notes added to the ticket's notes.
func (r *renderer) render(ex *capture.Exchange, notes []string) (*draft, error) {
	t := r.t
	guard := t.Redact
	tt := *t
	tt.Exchange = *ex

	v := newView(&tt, ex, r.markers, r.previews)
	v.Notes = append(v.Notes, notes...)
	v.Message = string(guard([]byte(v.Message)))
	atts, bodied := attachments(&tt, v)
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
	for m, val := range r.values {
		emlText = strings.ReplaceAll(emlText, m, val)
		emlHTML = strings.ReplaceAll(emlHTML, m, template.HTMLEscapeString(val))
	}
	subject := string(guard([]byte(v.Subject)))
	msg := &message{boundary: t.Boundary}
	if msg.header, err = newMessageHeader(&tt, subject); err != nil {
		return nil, fmt.Errorf("writing the message header: %w", err)
	}
	for _, p := range []struct{ ctype, body string }{{"text/plain", emlText}, {"text/html", emlHTML}} {
		part, err := newPart("", mime.FormatMediaType(p.ctype, map[string]string{"charset": "utf-8"}), []byte(p.body), false)
		if err != nil {
			return nil, err
		}
		msg.parts = append(msg.parts, part)
	}
	for _, a := range atts {
		part, err := newPart(a.Name, a.ContentType, a.Data, a.Binary)
		if err != nil {
			return nil, fmt.Errorf("attaching %s: %w", a.Name, err)
		}
		msg.parts = append(msg.parts, part)
	}

	// The files of --out-dir: the values go in secrets.txt only; the
	// loose ticket.txt and ticket.html point to it instead.
	tokens := &textWriter{}
	tokens.wrap("", "", fmt.Sprintf("The Alteg.io API tokens for the ticket %q, recorded %s. "+
		"Keep this file private: ticket.txt and ticket.html leave the values out and point here.", v.Subject, v.Started))
	textTokens(tokens, v)
	secrets := string(guard([]byte(tokens.String())))
	fileText, fileHTML := text, html
	for m, val := range r.values {
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
	return &draft{msg: msg, files: files, text: emlText, bodied: bodied}, nil
}

// rendered turns a draft into the result.
func (d *draft) rendered() *Rendered {
	return &Rendered{Size: d.msg.size(), Files: d.files, Text: []byte(d.text), msg: d.msg}
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
// support uses them: request.har, postman_collection.json, replay.sh, the
// response body, and a binary request body (Postman reads it from a
// file). All are made from the redacted exchange; render passes each
// through the safety net. bodied says which bodies each one holds.
func attachments(t *Ticket, v *view) ([]File, [][]bodyRef) {
	ex := &t.Exchange
	reqBody := ex.Call().Request.Body
	last := len(ex.Hops) - 1
	respFile := ""
	if r := ex.Response(); r != nil && len(r.Body.Data) > 0 {
		respFile = attachmentName("response", r.Body)
	}
	binaryRequest := ""
	if len(reqBody.Data) > 0 && reqBody.Binary {
		binaryRequest = attachmentName("request", reqBody)
	}
	var vars []postman.Variable
	var shell []curlsh.Secret
	for _, s := range t.Secrets {
		d := roleDescription(s)
		vars = append(vars, postman.Variable{Key: s.Role, Description: d})
		shell = append(shell, curlsh.Secret{Placeholder: s.Placeholder, Env: curlsh.EnvName(s.Role), Description: d})
	}
	// The HAR holds every body but the final response's, when that has
	// its own file.
	var inHAR []bodyRef
	for i, h := range ex.Hops {
		inHAR = append(inHAR, bodyRef{hop: i})
		if h.Response != nil && (i != last || respFile == "") {
			inHAR = append(inHAR, bodyRef{hop: i, response: true})
		}
	}
	// The collection and replay.sh hold the call's request body: the
	// first hop's, or the second's after a --digest probe.
	request := []bodyRef{{hop: 0}}
	if ex.Call() != ex.First() {
		request = []bodyRef{{hop: 1}}
	}
	out := []File{
		{Name: "request.har", ContentType: "application/json", Data: har.Encode(ex, t.Version, har.Options{ResponseBodyFile: respFile})},
		{Name: "postman_collection.json", ContentType: "application/json", Data: postman.Collection(ex, vars, postman.Info{
			Name:        v.Subject,
			Description: "Recorded " + v.Started + " by altegio-ticket " + t.Version + ". Secrets are collection variables with empty values: fill them in, or run newman run postman_collection.json --env-var partner_token=... (one --env-var per variable).",
			BodyFile:    binaryRequest,
		})},
		{Name: "replay.sh", ContentType: "application/x-sh", Data: curlsh.Script(ex, shell, curlsh.Info{Recorded: v.Started, Version: t.Version})},
	}
	bodied := [][]bodyRef{inHAR, request, request}
	if respFile != "" {
		out = append(out, bodyAttachment("response", ex.Response().Body))
		bodied = append(bodied, []bodyRef{{hop: last, response: true}})
	}
	if binaryRequest != "" {
		out = append(out, bodyAttachment("request", reqBody))
		bodied = append(bodied, request)
	}
	return out, bodied
}

// aboutAttachment says in a few words what an attachment is for.
func aboutAttachment(name string, secrets []redact.Secret) string {
	switch {
	case name == "request.har":
		return "the exchange in HAR 1.2 (browsers, Charles, Fiddler), the request body in it"
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
		return "the request body as sent, for Postman (binary)"
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

func bodyAttachment(which string, b capture.Body) File {
	a := File{Name: attachmentName(which, b)}
	mt := mediaType(b.ContentType)
	if strings.HasPrefix(mt, "multipart/") {
		// A multipart body (curl -F) attached under its own type would be
		// read by mail clients as parts of the email; it goes as text.
		mt = ""
	}
	switch {
	case b.Binary:
		if mt == "" || strings.HasPrefix(mt, "text/") {
			mt = "application/octet-stream"
		}
		a.ContentType, a.Data, a.Binary = mt, b.Data, true
	default:
		if mt == "" {
			mt = "text/plain"
		}
		// Text is attached as UTF-8: MIME writers accept no other charset,
		// and support reads it in any editor.
		a.ContentType = mime.FormatMediaType(mt, map[string]string{"charset": "utf-8"})
		a.Data = b.Text()
		if !utf8.Valid(a.Data) {
			a.Data = bytes.ToValidUTF8(a.Data, []byte("\uFFFD"))
		}
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

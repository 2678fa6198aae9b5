// Package report owns the last stage of a ticket: it turns a redacted
// Exchange and its secrets list into an email-ready .eml addressed to the
// Alteg.io API support desk.
//
// Write renders the ticket as multipart/mixed: a multipart/alternative body
// (text/plain and text/html showing what support asks for: URL, method,
// headers, request body, response, connection, then the Tokens section) and
// the attachments support uses to re-run the call.
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

	To   string // DefaultTo when empty
	From string // left out when empty, for the mail client to fill
	// Date, MessageID and Boundary are injected so that output can be
	// deterministic in tests; zero values are filled with now and random.
	Date      time.Time
	MessageID string // without angle brackets
	Boundary  string
	Version   string // altegio-ticket version, for the footer and X-Mailer
}

// attachment is one file attached to the ticket.
type attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Write writes t as an .eml message to w.
func Write(w io.Writer, t Ticket) error {
	if len(t.Exchange.Hops) == 0 {
		return fmt.Errorf("report: the exchange has no request")
	}
	t.fillDefaults()
	guard := t.Redact
	if guard == nil {
		guard = func(b []byte) []byte { return b }
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
	v := newView(&t, markers)
	atts := attachments(&t)
	for i := range atts {
		atts[i].Data = guard(atts[i].Data)
		v.Attached = append(v.Attached, atts[i].Name)
	}
	text := string(guard([]byte(renderText(v))))
	html, err := renderHTML(v)
	if err != nil {
		return fmt.Errorf("rendering the HTML body: %w", err)
	}
	html = string(guard([]byte(html)))
	for m, val := range values {
		text = strings.ReplaceAll(text, m, val)
		html = strings.ReplaceAll(html, m, template.HTMLEscapeString(val))
	}

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
	h.SetSubject(string(guard([]byte(v.Subject))))
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

// attachments lists the files attached to the ticket: the raw request and
// response bodies, already redacted.
func attachments(t *Ticket) []attachment {
	var out []attachment
	if b := t.Exchange.First().Request.Body; b.Size > 0 {
		out = append(out, bodyAttachment("request", b))
	}
	if r := t.Exchange.Response(); r != nil && r.Body.Size > 0 {
		out = append(out, bodyAttachment("response", r.Body))
	}
	return out
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
	case isJSON(mt):
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

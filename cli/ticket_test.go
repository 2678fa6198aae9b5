package cli

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
)

// This file holds the one way the main package's tests read a written
// ticket back: with go-message's mail reader, as a mail client would.

// ticket is an .eml read back, its parts decoded.
type ticket struct {
	Subject string
	// Header lists the message's header fields, in order.
	Header [][2]string
	// Parts lists every part in order: the text and HTML bodies (Inline),
	// then the attachments.
	Parts []emlPart
	Text  string
	Flat  string // Text with every run of whitespace made one space
	HTML  string
	// Attach maps an attachment's file name to its content.
	Attach map[string]string
}

// emlPart is one decoded part of a ticket.
type emlPart struct {
	ContentType string // the media type, without parameters
	Filename    string // "" for the body parts
	Inline      bool
	Body        string
}

// readTicket reads the .eml at path back.
func readTicket(t *testing.T, path string) ticket {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseTicket(t, b)
}

// parseTicket reads an .eml back.
func parseTicket(t *testing.T, eml []byte) ticket {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	tk := ticket{Attach: map[string]string{}}
	tk.Subject, _ = mr.Header.Subject()
	for f := mr.Header.Fields(); f.Next(); {
		tk.Header = append(tk.Header, [2]string{f.Key(), f.Value()})
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p.Body)
		var part emlPart
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			part.ContentType, _, _ = h.ContentType()
			part.Inline = true
			if part.ContentType == "text/html" {
				tk.HTML = string(body)
			} else {
				tk.Text = string(body)
				tk.Flat = strings.Join(strings.Fields(tk.Text), " ")
			}
		case *mail.AttachmentHeader:
			part.ContentType, _, _ = h.ContentType()
			part.Filename, _ = h.Filename()
			tk.Attach[part.Filename] = string(body)
		}
		part.Body = string(body)
		tk.Parts = append(tk.Parts, part)
	}
	return tk
}

// lf turns the CRLF line ends of a MIME part into LF.
func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

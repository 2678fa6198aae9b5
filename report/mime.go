package report

import (
	"bytes"
	"io"
	"mime"
	"strings"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// message is a ticket as a MIME message, ready to be written: the header,
// the two body parts and the attachments, each part with its encoding and
// its encoded size. Its size is therefore known before a byte is written,
// and writing it streams each part from the bytes it already holds: the
// message is never built in memory.
//
// The layout is multipart/mixed: a multipart/alternative of text/plain
// and text/html, then one part per attachment.
type message struct {
	header   []byte // the message header, ending with its blank line
	boundary string
	parts    []mimePart // the text part, the HTML part, then the attachments
}

// mimePart is one leaf part of the message.
type mimePart struct {
	header []byte // the part header, ending with its blank line
	data   []byte
	enc    encoding
	size   int64 // len of data encoded
}

// headerSafe makes text safe for a header field: every control character
// (CR and LF above all, which would end the field and start another; a
// path's %0d%0a decodes to them) becomes a space, and runs of spaces one.
func headerSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if isControl(r) || r == '\ufeff' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// newMessageHeader formats the message header. Every value is made safe
// for a header, so nothing in the exchange can add a field.
func newMessageHeader(t *Ticket, subject string) ([]byte, error) {
	var h mail.Header
	// go-message writes header fields in the reverse order of the Set
	// calls, so they are set bottom-up.
	// Neither boundary may be a prefix of the other, or parsers split the
	// outer part at the inner boundary.
	h.Set("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": t.Boundary + "-mixed"}))
	h.Set("MIME-Version", "1.0")
	h.Set("X-Mailer", headerSafe("altegio-ticket "+t.Version))
	// Outlook, and Thunderbird when an account is set up, open a message
	// with X-Unsent: 1 as a draft, ready to send.
	h.Set("X-Unsent", "1")
	h.SetMessageID(headerSafe(t.MessageID))
	h.SetDate(t.Date)
	h.SetSubject(headerSafe(subject))
	h.SetAddressList("To", []*mail.Address{{Address: headerSafe(t.To)}})
	if t.From != "" {
		h.SetAddressList("From", []*mail.Address{{Address: headerSafe(t.From)}})
	}
	var b bytes.Buffer
	if err := textproto.WriteHeader(&b, h.Header.Header); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// newPart makes a part of data: an inline body part (name "") or an
// attachment. contentType must be a media type with its parameters.
func newPart(name, contentType string, data []byte, binary bool) (mimePart, error) {
	inline := name == ""
	enc, size := pickEncoding(data, binary, inline)
	var h textproto.Header
	h.Set("Content-Transfer-Encoding", enc.transfer.String())
	if inline {
		h.Set("Content-Disposition", "inline")
	} else {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	h.Set("Content-Type", safeContentType(contentType, binary))
	var b bytes.Buffer
	if err := textproto.WriteHeader(&b, h); err != nil {
		return mimePart{}, err
	}
	return mimePart{header: b.Bytes(), data: data, enc: enc, size: size}, nil
}

// safeContentType is contentType as a valid header value: a media type
// that does not parse (a HAR can say anything) becomes
// application/octet-stream or text/plain.
func safeContentType(contentType string, binary bool) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil {
		if s := mime.FormatMediaType(mt, params); s != "" {
			return s
		}
	}
	if binary {
		return "application/octet-stream"
	}
	return "text/plain; charset=utf-8"
}

// size is the exact size of the message as writeTo writes it.
func (m *message) size() int64 {
	var n countWriter
	m.write(&n, true) // a countWriter never fails
	return int64(n)
}

// writeTo writes the message to w.
func (m *message) writeTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	err := m.write(cw, false)
	return cw.n, err
}

// write writes the message; with sizeOnly the parts' data is not encoded
// and only its size is added, which is what size needs.
func (m *message) write(w io.Writer, sizeOnly bool) error {
	mixed, alt := m.boundary+"-mixed", m.boundary+"-alt"
	var err error
	put := func(s string) {
		if err == nil {
			_, err = io.WriteString(w, s)
		}
	}
	putBytes := func(b []byte) {
		if err == nil {
			_, err = w.Write(b)
		}
	}
	body := func(p mimePart) {
		putBytes(p.header)
		switch {
		case err != nil:
		case sizeOnly:
			w.(*countWriter).add(p.size)
		default:
			err = p.enc.write(w, p.data)
		}
	}
	putBytes(m.header)
	put("--" + mixed + "\r\n")
	put("Content-Type: " + mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": alt}) + "\r\n\r\n")
	for i, p := range m.parts {
		switch {
		case i == 0:
			put("--" + alt + "\r\n")
		case i == 1:
			put("\r\n--" + alt + "\r\n")
		case i == 2:
			put("\r\n--" + alt + "--\r\n--" + mixed + "\r\n")
		default:
			put("\r\n--" + mixed + "\r\n")
		}
		body(p)
	}
	if len(m.parts) == 2 {
		put("\r\n--" + alt + "--")
	}
	put("\r\n--" + mixed + "--\r\n")
	return err
}

// countWriter counts what is written to it and keeps nothing.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

func (c *countWriter) add(n int64) { *c += countWriter(n) }

// countingWriter passes writes on and counts them.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

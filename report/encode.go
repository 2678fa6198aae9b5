package report

import (
	"bytes"
	"encoding/base64"
	"io"
	"unicode/utf8"
)

// This file holds the Content-Transfer-Encodings of the ticket's parts and
// their exact encoded sizes, so that the size of a message is known before
// a byte of it is written.
//
// Text goes as it is (8bit) when it can: valid UTF-8 without NUL or CR
// and no line longer than 998 bytes, which is what RFC 5322 allows; a
// pretty-printed JSON body or a HAR file usually qualifies. Other text goes
// as quoted-printable, whose cost is a few percent for ASCII. Text that is
// mostly non-ASCII (a minified JSON of Cyrillic names) would triple in
// quoted-printable, so it goes as base64 when that is smaller; binary data
// always does.
//
// Attachments are encoded so that every decoder returns their exact bytes:
// 8bit writes them verbatim, line feeds included, and quoted-printable
// encodes CR and LF as =0D and =0A rather than as line breaks, which
// decoders may turn into CRLF (a replay.sh with CRLF does not run). The two
// body parts are text for reading, and their line breaks are CRLF.

// transfer is a Content-Transfer-Encoding.
type transfer uint8

const (
	transfer8bit transfer = iota
	transferQP
	transferBase64
)

func (t transfer) String() string {
	switch t {
	case transfer8bit:
		return "8bit"
	case transferQP:
		return "quoted-printable"
	}
	return "base64"
}

// maxLine is the longest line RFC 5322 allows, without its CRLF.
const maxLine = 998

// qpLine is the longest quoted-printable line, its soft break's "="
// included (RFC 2045, 6.7).
const qpLine = 76

// encoding is the transfer encoding of one part and how its bytes are
// written.
type encoding struct {
	transfer transfer
	// crlf writes line feeds as CRLF line breaks: the body parts, which
	// are text to read. Attachments keep their bytes exactly.
	crlf bool
}

// pickEncoding chooses how data goes: 8bit when it is text that can go as
// it is, else the smaller of quoted-printable and base64; base64 for
// binary. It returns the encoded size.
func pickEncoding(data []byte, binary, crlf bool) (encoding, int64) {
	e := encoding{transfer: transferBase64, crlf: crlf}
	if binary {
		return e, base64Len(len(data))
	}
	if eightBitSafe(data) {
		e.transfer = transfer8bit
		return e, e.size(data)
	}
	e.transfer = transferQP
	qp := e.size(data)
	if b := base64Len(len(data)); b < qp {
		e.transfer = transferBase64
		return e, b
	}
	return e, qp
}

// eightBitSafe reports whether data can be written as 8bit: valid UTF-8,
// no NUL, no CR (a bare CR is not a line break, and a CRLF would not
// survive decoders as it is), and no line over maxLine bytes.
func eightBitSafe(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 || bytes.IndexByte(data, '\r') >= 0 {
		return false
	}
	for rest := data; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		if i > maxLine {
			return false
		}
		rest = rest[min(i+1, len(rest)):]
	}
	return utf8.Valid(data)
}

// size is the exact encoded size of data.
func (e encoding) size(data []byte) int64 {
	switch e.transfer {
	case transfer8bit:
		n := int64(len(data))
		if e.crlf {
			n += int64(bytes.Count(data, []byte{'\n'}))
		}
		return n
	case transferQP:
		q := qpEncoder{text: e.crlf}
		q.encode(data)
		return q.n
	}
	return base64Len(len(data))
}

// write writes data encoded to w.
func (e encoding) write(w io.Writer, data []byte) error {
	switch e.transfer {
	case transfer8bit:
		if !e.crlf {
			_, err := w.Write(data)
			return err
		}
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				_, err := w.Write(data)
				return err
			}
			if _, err := w.Write(data[:i]); err != nil {
				return err
			}
			if _, err := io.WriteString(w, "\r\n"); err != nil {
				return err
			}
			data = data[i+1:]
		}
		return nil
	case transferQP:
		q := qpEncoder{text: e.crlf, w: w, buf: make([]byte, 0, 32<<10)}
		q.encode(data)
		q.flush()
		return q.err
	}
	return writeBase64(w, data)
}

// base64Len is the size of n bytes in base64 with lines of 76 characters,
// each ended by CRLF.
func base64Len(n int) int64 {
	if n == 0 {
		return 0
	}
	chars := int64(n+2) / 3 * 4
	lines := (chars + 75) / 76
	return chars + 2*lines
}

// writeBase64 writes data in base64, 57 bytes (76 characters) a line.
func writeBase64(w io.Writer, data []byte) error {
	const perLine = 57
	buf := make([]byte, 0, 32<<10)
	line := make([]byte, 76)
	for len(data) > 0 {
		n := min(perLine, len(data))
		m := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(line, data[:n])
		buf = append(buf, line[:m]...)
		buf = append(buf, '\r', '\n')
		data = data[n:]
		if len(buf) > cap(buf)-80 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// qpLiteral marks the bytes quoted-printable writes as they are anywhere
// on a line: printable ASCII except "=". Space and tab are literal except
// at the end of a line.
var qpLiteral = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '='
	}
	return t
}()

const upperHex = "0123456789ABCDEF"

// qpEncoder encodes quoted-printable. With w nil it only counts. In text
// mode a line feed (or CRLF) is a line break, written CRLF; otherwise
// every byte is kept exactly and lines are broken with soft breaks only.
type qpEncoder struct {
	text bool
	w    io.Writer
	buf  []byte
	n    int64 // bytes encoded so far
	col  int   // characters on the current line
	err  error
}

func (q *qpEncoder) encode(src []byte) {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if qpLiteral[c] {
			// A run of literal bytes goes in line-sized pieces.
			j := i + 1
			for j < len(src) && qpLiteral[src[j]] {
				j++
			}
			for i < j {
				room := qpLine - 1 - q.col
				if room <= 0 {
					q.soft()
					continue
				}
				k := min(room, j-i)
				q.n += int64(k)
				q.col += k
				if q.w != nil {
					q.buf = append(q.buf, src[i:i+k]...)
					q.maybeFlush()
				}
				i += k
			}
			i--
			continue
		}
		if q.text {
			if c == '\n' {
				q.put("\r\n")
				q.col = 0
				continue
			}
			if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				q.put("\r\n")
				q.col = 0
				i++
				continue
			}
		}
		switch {
		case c == ' ' || c == '\t':
			// Whitespace that ends a line is encoded, or transports that
			// strip trailing blanks would lose it.
			end := i+1 == len(src)
			if !end && q.text {
				next := src[i+1]
				end = next == '\n' || next == '\r' && i+2 < len(src) && src[i+2] == '\n'
			}
			if end {
				q.escape(c)
			} else {
				q.literal(c)
			}
		default:
			q.escape(c)
		}
	}
}

func (q *qpEncoder) literal(c byte) {
	if q.col+1 > qpLine-1 {
		q.soft()
	}
	q.n++
	q.col++
	if q.w != nil {
		q.buf = append(q.buf, c)
		q.maybeFlush()
	}
}

func (q *qpEncoder) escape(c byte) {
	if q.col+3 > qpLine-1 {
		q.soft()
	}
	q.n += 3
	q.col += 3
	if q.w != nil {
		q.buf = append(q.buf, '=', upperHex[c>>4], upperHex[c&15])
		q.maybeFlush()
	}
}

// soft ends the line with a soft line break, which decoders remove.
func (q *qpEncoder) soft() {
	q.put("=\r\n")
	q.col = 0
}

func (q *qpEncoder) put(s string) {
	q.n += int64(len(s))
	if q.w != nil {
		q.buf = append(q.buf, s...)
		q.maybeFlush()
	}
}

func (q *qpEncoder) maybeFlush() {
	if len(q.buf) >= cap(q.buf)-128 {
		q.flush()
	}
}

func (q *qpEncoder) flush() {
	if q.err == nil && len(q.buf) > 0 {
		_, q.err = q.w.Write(q.buf)
	}
	q.buf = q.buf[:0]
}

// prefixSizer gives the encoded size of prefixes of one body quickly, for
// the size budget's search: it remembers the encoder's state every
// checkpointEvery input bytes, so that a prefix costs at most that much
// encoding.
type prefixSizer struct {
	enc    encoding
	data   []byte
	checks []qpCheckpoint
}

type qpCheckpoint struct {
	off int   // input bytes encoded
	n   int64 // output so far
	col int
}

const checkpointEvery = 64 << 10

func newPrefixSizer(enc encoding, data []byte) *prefixSizer {
	p := &prefixSizer{enc: enc, data: data}
	if enc.transfer == transferQP {
		q := qpEncoder{text: enc.crlf}
		off := 0
		for {
			// The encoder's state after a chunk holds for any longer
			// input only when the chunk's last byte looks at nothing
			// after it: not a blank (encoded only at the end of a line)
			// and not a CR (the start of a CRLF in text mode).
			end := off + checkpointEvery
			for end < len(data) && (data[end-1] == ' ' || data[end-1] == '\t' || data[end-1] == '\r') {
				end++
			}
			if end >= len(data) {
				break
			}
			q.encode(data[off:end])
			p.checks = append(p.checks, qpCheckpoint{off: end, n: q.n, col: q.col})
			off = end
		}
	}
	return p
}

// size is the encoded size of data[:n].
func (p *prefixSizer) size(n int) int64 {
	if p.enc.transfer != transferQP {
		return p.enc.size(p.data[:n])
	}
	q := qpEncoder{text: p.enc.crlf}
	start := 0
	for i := len(p.checks) - 1; i >= 0; i-- {
		if p.checks[i].off < n {
			c := p.checks[i]
			start, q.n, q.col = c.off, c.n, c.col
			break
		}
	}
	q.encode(p.data[start:n])
	return q.n
}

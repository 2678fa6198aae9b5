package capture

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	"github.com/emersion/go-message/charset"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// readBounded reads a body stream, keeping at most max content bytes and
// counting and draining the rest, so memory stays flat however large the
// body is. encoding is the Content-Encoding (a list; repeated fields
// joined with commas): gzip, deflate, br and zstd, alone or chained, are
// decoded. A body in any other coding is not kept at all (see
// Body.Withheld): the redactor could not see the secrets in it. The returned error is the
// read error of the connection that cut the body short, if any; content
// that cannot be decoded is described in Body.Broken and is not an error
// of the exchange.
//
// size is the declared Content-Length, or -1: when known it sizes the
// buffer once.
func readBounded(r io.Reader, encoding, ctype string, max, size int64) (Body, error) {
	return readDecoded(r, encoding, ctype, max, size, maxDecoded)
}

// maxDecoded bounds how far an encoded body is decoded. Past the kept
// prefix the content is only counted, and a few kilobytes of gzip over
// gzip can unfold into terabytes that would keep the CPU busy for
// nothing; past this the rest is counted on the wire only.
const maxDecoded = 1 << 30

// readDecoded is readBounded with the decoding bound as a parameter.
func readDecoded(r io.Reader, encoding, ctype string, max, size, decodeLimit int64) (Body, error) {
	b := Body{ContentType: ctype, Charset: charsetOf(ctype)}
	wire := &countingReader{r: r}
	src, enc, decErr, withheld, release := decoder(wire, encoding)
	if withheld != "" {
		return withheldBody(b, wire, withheld)
	}
	defer release()
	b.Encoding = enc

	start := int64(32 << 10)
	if size >= 0 && enc == "" {
		start = size + 1 // +1 sees EOF without growing
	}
	data, err := readPrefix(src, max, start)
	n := int64(len(data))
	if err == nil {
		var rest int64
		if enc == "" {
			rest, err = io.Copy(io.Discard, src)
		} else {
			left := decodeLimit - n
			if left < 0 {
				left = 0 // a kept prefix past the bound: just look for more
			}
			rest, err = io.Copy(io.Discard, io.LimitReader(src, left+1))
		}
		n += rest
		if enc != "" && err == nil && n > decodeLimit {
			decErr = fmt.Sprintf("the %s content decodes to more than %s; decoding stopped there and the rest was counted on the wire only", enc, byteCount(decodeLimit))
			_, err = io.Copy(io.Discard, wire)
		}
	}
	b.Data = data
	b.Size = n
	b.Truncated = n > int64(len(b.Data))
	switch {
	case err != nil && wire.err == nil:
		// The connection was fine; the decoder was not. Count the rest
		// of what arrived.
		decErr = fmt.Sprintf("the %s content could not be decoded after %s: %v; the rest was not shown", enc, byteCount(n), err)
		_, err = io.Copy(io.Discard, wire)
	case err != nil:
		err = wire.err
	}
	b.WireSize = wire.n
	if err != nil {
		b.Broken = fmt.Sprintf("the body stopped after %s on the wire: %v", byteCount(wire.n), err)
	}
	if decErr != "" {
		b.Broken = decErr
	}
	b.Binary = isBinary(ctype, b.Data)
	if !b.Binary {
		b.UTF8 = toUTF8(b.Charset, b.Data)
	}
	return b, err
}

// withheldBody counts and drains a body that is not kept, and says why.
// An empty body has nothing to withhold.
func withheldBody(b Body, wire *countingReader, why string) (Body, error) {
	_, err := io.Copy(io.Discard, wire)
	b.Size, b.WireSize = wire.n, wire.n
	if wire.n > 0 {
		b.Withheld = why
	}
	if err != nil {
		err = wire.err
		b.Broken = fmt.Sprintf("the body stopped after %s on the wire: %v", byteCount(wire.n), err)
	}
	return b, err
}

// readPrefix reads up to limit bytes of r into a buffer of start bytes
// that grows as data arrives and never beyond limit, so a small body costs
// little and a large one costs limit; io.EOF is not an error.
func readPrefix(r io.Reader, limit, start int64) ([]byte, error) {
	buf := make([]byte, 0, min(limit, max(start, 512)))
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(limit, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// maxCodings is how many content codings are undone, one over the
// other. Servers apply one; a longer chain is withheld rather than
// followed, so that a small body cannot unfold layer after layer.
const maxCodings = 3

// withheldWhy ends every Body.Withheld sentence.
const withheldWhy = "; it is left out because secrets in it could not be removed"

// knownCodings are the registered content codings (IANA HTTP Content
// Coding Registry): only these are named in a Body.Withheld sentence, so
// that nothing else of a header value reaches it.
var knownCodings = map[string]bool{
	"aes128gcm": true, "br": true, "compress": true, "dcb": true, "dcz": true, "deflate": true,
	"exi": true, "gzip": true, "pack200-gzip": true, "x-compress": true, "x-gzip": true, "zstd": true,
}

// codings splits a Content-Encoding value into its codings, lower-cased,
// in the order they were applied; identity and empty items are dropped.
func codings(encoding string) []string {
	var out []string
	for _, c := range strings.Split(encoding, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		if c != "" && c != "identity" {
			out = append(out, c)
		}
	}
	return out
}

// decodableCoding reports whether this package can remove the coding c:
// every coding curl 7.88 offers with --compressed.
func decodableCoding(c string) bool {
	switch c {
	case "gzip", "x-gzip", "deflate", "br", "zstd":
		return true
	}
	return false
}

// zstdMagic starts every Zstandard frame (RFC 8878, section 3.1.1).
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// zstdHead recognises the start of a Zstandard stream: a frame, or a
// skippable frame (magic 0x184D2A50 to 0x184D2A5F, little endian).
func zstdHead(h []byte) bool {
	if len(h) < 4 {
		return false
	}
	return bytes.Equal(h[:4], zstdMagic) || h[0]&0xf0 == 0x50 && h[1] == 0x2a && h[2] == 0x4d && h[3] == 0x18
}

// Decoder memory bounds. A small body can ask a decoder for a large
// window, which the decoder allocates up front: these caps keep a
// hostile or broken body from costing more than a few MiB whatever it
// declares.
//
// maxZstdWindow is the largest Zstandard window accepted. RFC 9659 says
// an HTTP "zstd" body must not need more than 8 MiB (browsers refuse
// more), so a body that asks for more is broken or hostile and is not
// decoded; the decoder's own default would be 512 MiB.
//
// Brotli's window is at most 16 MiB by its format (RFC 7932); the
// large-window extension (RFC 9841, up to 1 GiB) is not accepted, as
// no HTTP client offers it.
const maxZstdWindow = 8 << 20

// gzipHead and zlibHead recognise the start of a gzip stream (its magic
// number) and of a zlib-wrapped deflate stream (RFC 1950: method 8 and a
// header checksum); raw deflate has no such mark.
func gzipHead(h []byte) bool { return len(h) >= 2 && h[0] == 0x1f && h[1] == 0x8b }
func zlibHead(h []byte) bool {
	return len(h) >= 2 && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0
}

// undecodable returns the Body.Withheld sentence for a list of codings
// this package cannot undo, or "" when it can undo them all.
func undecodable(cs []string) string {
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		switch {
		case decodableCoding(c):
		case knownCodings[c]:
			return "the body is " + c + "-encoded, which altegio-ticket cannot decode" + withheldWhy
		default:
			return "the body is encoded with a content coding altegio-ticket does not know, so it cannot be decoded" + withheldWhy
		}
	}
	if len(cs) > maxCodings {
		return fmt.Sprintf("the body is encoded %d times over, more than altegio-ticket decodes", len(cs)) + withheldWhy
	}
	return ""
}

// decoder wraps r to remove the content codings of encoding, the last
// applied first. It returns the reader, the codings removed (as a
// Content-Encoding value), a note when a layer turned out not to be
// what was declared (the rest is then read as it is), and, when the body
// must not be kept at all, why (the reader is then nil). release frees
// the decoders' memory; call it once the body is read.
func decoder(r io.Reader, encoding string) (src io.Reader, enc, note, withheld string, release func()) {
	release = func() {}
	cs := codings(encoding)
	if why := undecodable(cs); why != "" {
		return nil, "", "", why, release
	}
	var closers []func()
	release = func() {
		for _, c := range closers {
			c()
		}
	}
	src = r
	done := make([]string, len(cs))
	for i := len(cs) - 1; i >= 0; i-- {
		next, name, problem := decodeOne(src, cs[i])
		src = next
		if c, ok := next.(interface{ Close() }); ok {
			closers = append(closers, c.Close)
		}
		if name == "" {
			// An empty body, or one that is not in this coding after all.
			if problem != "" && i < len(cs)-1 {
				problem = strings.Replace(problem, "; shown as received", "; shown with the outer "+strings.Join(compact(done), ", ")+" removed", 1)
				problem = strings.Replace(problem, "; the rest is shown as received", "; the rest is shown with the outer "+strings.Join(compact(done), ", ")+" removed", 1)
			}
			return src, strings.Join(compact(done), ", "), problem, "", release
		}
		done[i] = name
	}
	return src, strings.Join(done, ", "), "", "", release
}

// compact drops the empty items of the codings not (yet) removed.
func compact(cs []string) []string {
	var out []string
	for _, c := range cs {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// decodeOne wraps r to remove one coding. When the stream does not start
// like the declared coding, it is read as is (name "") and the problem is
// described. Brotli has no signature to check: a body that is not Brotli
// fails to decode, and readDecoded says so.
func decodeOne(r io.Reader, coding string) (io.Reader, string, string) {
	br := bufio.NewReader(r)
	switch coding {
	case "gzip", "x-gzip":
		// Peek at the signature before decoding, so that a body that is
		// not gzip after all is kept whole, as received.
		if head, _ := br.Peek(2); len(head) == 0 {
			return br, "", "" // no body
		} else if !gzipHead(head) {
			return br, "", "Content-Encoding says gzip but the body is not gzip; shown as received"
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return br, "", fmt.Sprintf("Content-Encoding says gzip but the gzip header is broken (%v); the rest is shown as received", err)
		}
		return zr, "gzip", ""
	case "deflate":
		// Servers send either zlib-wrapped (RFC 1950, correct) or raw
		// deflate (RFC 1951, common); the zlib header tells them apart.
		head, _ := br.Peek(2)
		if len(head) == 0 {
			return br, "", "" // no body
		}
		if zlibHead(head) {
			zr, err := zlib.NewReader(br)
			if err == nil {
				return zr, "deflate", ""
			}
		}
		return flate.NewReader(br), "deflate", ""
	case "zstd":
		head, _ := br.Peek(4)
		if len(head) == 0 {
			return br, "", "" // no body
		} else if !zstdHead(head) {
			return br, "", "Content-Encoding says zstd but the body is not zstd; shown as received"
		}
		// One goroutine-free decoder whose window, and so its memory,
		// is bounded (see maxZstdWindow).
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderMaxMemory(maxZstdWindow))
		if err != nil {
			return br, "", fmt.Sprintf("Content-Encoding says zstd but the decoder could not start (%v); the rest is shown as received", err)
		}
		return zstdReader{zr}, "zstd", ""
	case "br":
		if head, _ := br.Peek(1); len(head) == 0 {
			return br, "", "" // no body
		}
		return brotli.NewReader(br), "br", ""
	}
	return br, "", ""
}

// zstdReader is a zstd.Decoder as an io.Reader whose Close frees it
// (zstd.Decoder.Close returns nothing, so it is no io.Closer).
type zstdReader struct{ d *zstd.Decoder }

func (z zstdReader) Read(p []byte) (int, error) { return z.d.Read(p) }
func (z zstdReader) Close()                     { z.d.Close() }

// countingReader counts the bytes read from the connection and keeps its
// read error, to tell a broken connection from broken content.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

func charsetOf(ctype string) string {
	_, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.Trim(params["charset"], `"' `))
}

// UTF8Charset reports whether text in the declared charset cs (lower
// case, as in Body.Charset) reads as UTF-8 as it is: no charset, UTF-8 or
// ASCII. Any other charset is converted (Body.UTF8) and searched for
// secrets in its own encoding.
func UTF8Charset(cs string) bool {
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// IsJSONType reports whether the media type mt (lower case, without
// parameters) is JSON: application/json or a +json type.
func IsJSONType(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// toUTF8 converts text in a declared charset to UTF-8. It returns nil when
// no conversion is needed or possible.
func toUTF8(cs string, data []byte) []byte {
	if UTF8Charset(cs) {
		return nil
	}
	var rd io.Reader
	if enc := wideEncoding(cs, data); enc != nil {
		rd = enc.NewDecoder().Reader(bytes.NewReader(data))
	} else {
		var err error
		if rd, err = charset.Reader(cs, bytes.NewReader(data)); err != nil {
			return nil
		}
	}
	out, err := io.ReadAll(rd)
	if err != nil {
		return nil
	}
	return out
}

// wideEncoding returns the decoder of a UTF-16 or UTF-32 charset, nil for
// any other. "utf-16" and "utf-32" without a byte order mark are big
// endian by RFC 2781, yet Windows servers send little endian: the side
// where the NUL bytes of ASCII characters fall tells.
func wideEncoding(cs string, data []byte) encoding.Encoding {
	switch cs {
	case "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	case "utf-16", "utf16", "ucs-2":
		order := unicode.BigEndian
		if littleEndian(data, 2) {
			order = unicode.LittleEndian
		}
		return unicode.UTF16(order, unicode.UseBOM)
	case "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
	case "utf-32be":
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
	case "utf-32", "utf32", "ucs-4":
		order := utf32.BigEndian
		if littleEndian(data, 4) {
			order = utf32.LittleEndian
		}
		return utf32.UTF32(order, utf32.UseBOM)
	}
	return nil
}

// littleEndian guesses the byte order of UTF-16 (width 2) or UTF-32
// (width 4) text without a byte order mark: text that is mostly ASCII
// has its NUL bytes after the low byte in little endian, before it in big
// endian.
func littleEndian(data []byte, width int) bool {
	data = data[:min(len(data), 4096)]
	var first, last int
	for i := 0; i+width <= len(data); i += width {
		if data[i] == 0 {
			first++
		}
		if data[i+width-1] == 0 {
			last++
		}
	}
	return last > first
}

// isBinary decides whether a body must not be shown inline. The declared
// media type decides when it is clear, and a declared UTF-16 or UTF-32
// charset makes it text, NUL bytes and all; otherwise the bytes are
// sniffed.
func isBinary(ctype string, data []byte) bool {
	mt, params, _ := mime.ParseMediaType(ctype)
	mt = strings.ToLower(mt)
	switch {
	case strings.HasPrefix(mt, "image/") && mt != "image/svg+xml",
		strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "font/"),
		mt == "application/octet-stream", mt == "application/pdf", mt == "application/zip",
		mt == "application/gzip", mt == "application/x-protobuf", mt == "application/protobuf":
		return true
	}
	cs := strings.ToLower(strings.Trim(params["charset"], `"' `))
	if wideEncoding(cs, nil) != nil {
		return false
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	if !UTF8Charset(cs) {
		// Another declared charset: its bytes need not be valid UTF-8.
		return false
	}
	return !validUTF8Prefix(data)
}

// validUTF8Prefix is utf8.Valid that tolerates a rune cut by truncation.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// byteCount formats n bytes for people: "512 B", "3.2 KiB", "812.3 MiB".
func byteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// ByteCount formats n bytes the way the ticket states sizes.
func ByteCount(n int64) string { return byteCount(n) }

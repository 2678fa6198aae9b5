package capture

import (
	"bufio"
	"bytes"
	"compress/flate"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// Recording is a call that something other than Replay recorded: a
// browser's HAR entry, or a response saved with curl -i next to the
// command that produced it. Recorded turns it into an Exchange without
// any network call.
type Recording struct {
	// Request is the request as it was sent.
	Request Request
	// Proto is the protocol the request went out on, e.g. "HTTP/2.0";
	// "" when it was not recorded.
	Proto string
	// Response is nil when no response was recorded; Fault then says why.
	Response *RecordedResponse
	Fault    *Fault
	// Started is when the call began as the recording says (a HAR
	// entry's startedDateTime); zero when it does not say.
	Started time.Time
	// Modified is when the recording's file was last written; zero when
	// unknown (stdin). It stands for the call's time when nothing better
	// is known.
	Modified time.Time
	// Timings are the recorded phases; nil means none were recorded.
	Timings *Timings
	// Total is the wall time of the call, 0 when unknown.
	Total time.Duration
	// RemoteAddr is the "ip:port" that answered, "" when unknown.
	RemoteAddr string
	// From describes where the recording came from, e.g. "HAR file
	// session.har, entry 4"; it becomes Exchange.Source.From.
	From string
}

// RecordedResponse is a response as it was recorded.
type RecordedResponse struct {
	Proto      string
	Status     int
	StatusText string
	Header     Headers
	// Body is read once by Recorded, keeping at most Options.MaxBody
	// bytes; nil means no body.
	Body io.Reader
	// Decoded is true when Body no longer carries the Content-Encoding
	// that Header names: browsers store decoded content in a HAR. When
	// false, a body that really is gzip or deflate is decoded here as
	// Replay does; one that is not (curl --compressed saves the decoded
	// body under the original headers) is taken as already decoded.
	Decoded bool
	// WireSize is the body's size on the wire, -1 when unknown.
	WireSize int64
	// Omitted, when set, says why the recording holds no body although
	// the server sent one, e.g. "the HAR file does not hold this body";
	// OmittedSize is the size that was recorded for it. With a Body, an
	// OmittedSize larger than Body says Body holds only the first part
	// of a body that size (a ticket's truncated response-body file).
	Omitted     string
	OmittedSize int64
}

// Recorded builds the Exchange of a recorded call. It never touches the
// network: Source.Replayed is false and Source.From is rec.From. Bodies are
// kept within opt.MaxBody, as Replay keeps them.
//
// The exchange's time is the best one the recording holds, in this order:
// the response's Date header (the server's clock, which support's logs
// follow), the HAR entry's start, the file's modification time, and last
// the time of the run (Options.Now); Source.Clock says which.
func Recorded(rec Recording, opt Options) *Exchange {
	start, clock := recordedTime(rec, opt)
	req := rec.Request
	hop := Hop{
		Request: Sent{
			Method: req.Method,
			URL:    req.URL,
			Proto:  rec.Proto,
			Header: req.Header.Clone(),
			Body:   sentBody(req.Body, req.Header.Get("Content-Type"), opt.maxBody()),
		},
		Timings: NoTimings(),
		Conn:    Conn{RemoteAddr: rec.RemoteAddr},
	}
	if rec.Timings != nil {
		hop.Timings = *rec.Timings
	}
	if r := rec.Response; r != nil {
		resp := &Response{
			Proto:      r.Proto,
			Status:     r.Status,
			StatusText: r.StatusText,
			Header:     r.Header.Clone(),
		}
		resp.Body = recordedBody(r, opt.maxBody())
		if hop.Request.Proto == "" {
			hop.Request.Proto = r.Proto
		}
		hop.Response = resp
	}
	ex := &Exchange{
		Source:  Source{Replayed: false, From: rec.From, Clock: clock},
		Started: start.UTC(),
		Hops:    []Hop{hop},
		Total:   rec.Total,
	}
	if rec.Fault != nil {
		f := *rec.Fault
		ex.Fault = &f
	}
	return ex
}

// recordedTime picks the time of a recorded call; see Recorded.
func recordedTime(rec Recording, opt Options) (time.Time, Clock) {
	if r := rec.Response; r != nil {
		if d := r.Header.Get("Date"); d != "" {
			if t, err := http.ParseTime(d); err == nil && t.Year() > 1970 {
				return t, ClockDateHeader
			}
		}
	}
	switch {
	case !rec.Started.IsZero():
		return rec.Started, ClockHAREntry
	case !rec.Modified.IsZero():
		return rec.Modified, ClockFileModified
	}
	return opt.now(), ClockRun
}

// recordedBody reads a recorded response body into bounded memory.
func recordedBody(r *RecordedResponse, max int64) Body {
	ctype := r.Header.Get("Content-Type")
	if r.Body == nil {
		b := Body{ContentType: ctype, Charset: charsetOf(ctype), WireSize: r.WireSize}
		if r.Omitted != "" {
			b.Size, b.Truncated, b.Broken = r.OmittedSize, r.OmittedSize > 0, r.Omitted
		}
		return b
	}
	src := bufio.NewReader(r.Body)
	cs := codings(strings.Join(r.Header.Values("Content-Encoding"), ", "))
	enc := strings.Join(cs, ", ")
	if r.Decoded || !stillEncoded(src, cs) {
		enc = ""
	}
	b, _ := readBounded(src, enc, ctype, max, -1)
	if enc == "" && len(cs) > 0 {
		// Decoded before it was saved: say how it travelled, and take
		// the wire size from the recording, since the bytes read here
		// are not the ones that travelled.
		b.Encoding = strings.Join(cs, ", ")
		b.WireSize = r.WireSize
	}
	if r.Omitted != "" && b.Broken == "" {
		b.Broken = r.Omitted
	}
	if r.OmittedSize > b.Size && !b.Truncated {
		b.Size, b.Truncated = r.OmittedSize, true
	}
	return b
}

// stillEncoded reports whether a body declared with the content codings
// cs still carries the outermost one, by peeking at its first bytes:
// curl --compressed saves the decoded body under the original headers.
// gzip, zlib and zstd have a signature. Raw deflate and Brotli have
// none: their first bytes must decode, and a Brotli prefix that reads as
// text is taken as text, since a compressor's output hardly ever does.
func stillEncoded(br *bufio.Reader, cs []string) bool {
	if len(cs) == 0 {
		return false
	}
	switch cs[len(cs)-1] {
	case "gzip", "x-gzip":
		head, _ := br.Peek(2)
		return gzipHead(head)
	case "deflate":
		head, _ := br.Peek(512)
		if zlibHead(head) {
			return true
		}
		// Raw deflate has no magic number: try the first bytes.
		_, err := io.Copy(io.Discard, flate.NewReader(bytes.NewReader(head)))
		return err == nil || err == io.ErrUnexpectedEOF
	case "zstd":
		head, _ := br.Peek(4)
		return zstdHead(head)
	case "br":
		head, _ := br.Peek(512)
		if len(head) == 0 {
			return false
		}
		_, err := io.Copy(io.Discard, brotli.NewReader(bytes.NewReader(head)))
		decodes := err == nil || err == io.ErrUnexpectedEOF
		text := bytes.IndexByte(head, 0) < 0 && validUTF8Prefix(head)
		return decodes && !text
	}
	// A coding capture cannot decode: taken as still there unless the
	// body reads as text, since what is not decoded must not be kept.
	head, _ := br.Peek(512)
	return len(head) > 0 && (bytes.IndexByte(head, 0) >= 0 || !validUTF8Prefix(head))
}

// Decodable lists the content codings capture can decode, in the form
// of an Accept-Encoding value: curl 7.88's --compressed offer, in its
// order.
const Decodable = "deflate, gzip, br, zstd"

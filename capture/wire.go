package capture

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/http2/hpack"
)

// maxHead bounds how much of one response head (HTTP/1.x) or one HPACK
// string (HTTP/2) is held to learn the header order: the transport's own
// limit, maxHeaderBytes, and one read of slack past it.
const maxHead = maxHeaderBytes + 64<<10

// wireHeads is a connection that saw the response heads it carried.
type wireHeads interface {
	net.Conn
	// headFor returns the header fields, in wire order, of the final
	// (non-1xx) response head the transport parsed as status and parsed:
	// the last one read since the request was written (HTTP/1.x), or the
	// latest of the recent ones that matches (HTTP/2, where streams
	// interleave). ok is false when there is none or it was not readable.
	headFor(status int, parsed http.Header) (h Headers, ok bool)
	// received returns up to n bytes of the response head being read,
	// or of the last one read, for a response that is not valid HTTP.
	received(n int) []byte
	// tlsState returns the TLS session of the connection, if any.
	tlsState() (tls.ConnectionState, bool)
	// tooLarge reports whether a response head went over
	// maxHeaderBytes, where the transport does not say so itself.
	tooLarge() bool
}

// h1Conn is a connection carrying HTTP/1.x in the clear (plain HTTP, or
// the inside of a TLS session this package set up). It keeps a copy of
// each response head as the transport reads it: a request write arms it,
// and the bytes read after that, up to the blank line that ends the
// head, are kept. 1xx interim heads are skipped. The body is never
// copied.
type h1Conn struct {
	net.Conn
	tc *tls.Conn // the TLS session under Conn, nil for plain HTTP

	mu    sync.Mutex
	state h1State
	buf   []byte // the head being read
	scan  int    // where to resume looking for the end of the head
	final []byte // the last final head, complete

	// The request head being written (see reqhead.go): expect arms the
	// connection with the intended list of the request about to go out
	// on it, and Write holds the head back until it is complete, then
	// writes it arranged. The body passes straight through.
	want  Headers
	body  bool       // the request has a body (see arrange)
	done  func(bool) // told whether the head went out arranged
	armed bool       // the next request head is to be arranged
	head  []byte     // the head so far, at most maxHead bytes
	hscan int        // where to resume looking for its end
}

type h1State int

const (
	h1Idle    h1State = iota
	h1Reading         // a request was written; the head is being read
	h1Done            // the final head is in final
	h1Lost            // the head was too long or not HTTP
)

func newH1Conn(c net.Conn, tc *tls.Conn) *h1Conn { return &h1Conn{Conn: c, tc: tc} }

// expect arms the connection for the request about to be written on it:
// its head goes out with the fields arranged per want and body (see
// arrange). The transport uses a connection for one request at a time,
// and reports each request's connection (httptrace GotConn) before
// writing on it, so the next head written is that request's. done is
// called, from the writing goroutine and before the head goes to the
// socket, with whether the head was arranged or goes out as net/http
// wrote it (too long to hold, or not readable).
func (c *h1Conn) expect(want Headers, body bool, done func(arranged bool)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.want, c.body, c.done, c.armed, c.head, c.hscan = want, body, done, true, c.head[:0], 0
}

func (c *h1Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.state != h1Reading {
		// A new request: its response head comes next. Writes within one
		// request (headers, then the body after 100 Continue) keep the
		// state, so that an interim head does not count as final.
		c.state, c.buf, c.scan, c.final = h1Reading, c.buf[:0], 0, nil
	}
	if !c.armed {
		c.mu.Unlock()
		return c.Conn.Write(p)
	}
	// The head is held until its blank line: net/http writes it through
	// a buffer and flushes at the latest when the head is complete (before
	// waiting for 100 Continue, or with the body), so holding it never
	// keeps the request waiting. What follows it in p is body, written
	// with it.
	c.head = append(c.head, p...)
	end := bytes.Index(c.head[c.hscan:], []byte("\r\n\r\n"))
	var out []byte
	arranged := false
	switch {
	case end >= 0:
		end += c.hscan + 4
		var head []byte
		head, arranged = rewriteHead(c.head[:end:end], c.want, c.body)
		out = append(head, c.head[end:]...)
	case len(c.head) < maxHead:
		c.hscan = max(0, len(c.head)-3)
		c.mu.Unlock()
		return len(p), nil
	default:
		// A head longer than this holds (a header of hundreds of
		// kilobytes) goes out as net/http wrote it.
		out = c.head
	}
	done := c.done
	c.armed, c.want, c.done, c.head, c.hscan = false, nil, nil, nil, 0
	// The record and the connection are written outside the lock, which
	// the reads take.
	c.mu.Unlock()
	if done != nil {
		done(arranged)
	}
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *h1Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.state == h1Reading {
			c.feed(p[:n])
		}
		c.mu.Unlock()
	}
	return n, err
}

// feed adds bytes read from the server to the head being read.
func (c *h1Conn) feed(b []byte) {
	room := maxHead - len(c.buf)
	if len(b) > room {
		b = b[:room]
	}
	c.buf = append(c.buf, b...)
	for c.state == h1Reading {
		end := headEnd(c.buf, c.scan)
		if end < 0 {
			if len(c.buf) >= maxHead {
				c.state = h1Lost
			}
			c.scan = max(0, len(c.buf)-3)
			return
		}
		head := c.buf[:end]
		status, ok := statusOf(head)
		if !ok {
			c.state = h1Lost
			return
		}
		if status >= 200 || status == http.StatusSwitchingProtocols {
			c.final = append([]byte(nil), head...)
			c.state = h1Done
			c.buf = c.buf[:0]
			return
		}
		// An interim 1xx head: the next head follows.
		rest := copy(c.buf, c.buf[end:])
		c.buf, c.scan = c.buf[:rest], 0
	}
}

// headEnd returns the index just past the blank line that ends an HTTP
// head in b, searching from from; -1 when b holds no complete head. Like
// net/textproto, a bare LF ends a line too.
func headEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i + 3
		}
	}
	return -1
}

// statusOf reads the status code of an HTTP/1.x status line.
func statusOf(head []byte) (int, bool) {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") || len(f[1]) != 3 {
		return 0, false
	}
	n, err := strconv.Atoi(f[1])
	return n, err == nil
}

func (c *h1Conn) headFor(status int, parsed http.Header) (Headers, bool) {
	got, h, ok := c.finalHead()
	if !ok || got != status || !covers(h, parsed) {
		return nil, false
	}
	return h, true
}

// finalHead returns the status and header fields, in wire order, of the
// last final (non-1xx) response head read since the last request was
// written; ok is false when there is none or it was not readable.
func (c *h1Conn) finalHead() (int, Headers, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != h1Done {
		return 0, nil, false
	}
	status, _ := statusOf(c.final)
	h, ok := parseHead(c.final)
	return status, h, ok
}

func (c *h1Conn) received(n int) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	head := c.buf
	if len(head) == 0 {
		// The head was complete, and net/http found fault with its
		// fields.
		head = c.final
	}
	if len(head) == 0 {
		return nil
	}
	return append([]byte(nil), head[:min(n, len(head))]...)
}

// tooLarge is false: net/http names a head over its limit.
func (c *h1Conn) tooLarge() bool { return false }

func (c *h1Conn) tlsState() (tls.ConnectionState, bool) {
	if c.tc == nil {
		return tls.ConnectionState{}, false
	}
	return c.tc.ConnectionState(), true
}

// parseHead reads the header fields of an HTTP/1.x response head in
// order. Values are trimmed and folded lines joined with one space, as
// net/textproto does, so that they compare equal to what net/http parsed.
func parseHead(head []byte) (Headers, bool) {
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	var out Headers
	for _, line := range lines[1:] {
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(out) == 0 {
				return nil, false
			}
			out[len(out)-1].Value = strings.TrimSpace(out[len(out)-1].Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, false
		}
		out = append(out, Header{Name: name, Value: strings.Trim(value, " \t")})
	}
	return out, true
}

// covers reports whether the wire fields account for every field net/http
// parsed (names compared case-insensitively). The wire may hold more:
// net/http moves Transfer-Encoding out of the map and merges repeated
// identical Content-Length fields. A head that does not cover the parsed
// header is not the one the transport returned, and is not used.
func covers(wire Headers, parsed http.Header) bool {
	left := make(map[string]int, len(wire))
	for _, f := range wire {
		left[http.CanonicalHeaderKey(f.Name)+"\x00"+f.Value]++
	}
	for k, vs := range parsed {
		for _, v := range vs {
			key := http.CanonicalHeaderKey(k) + "\x00" + v
			if left[key] == 0 {
				return false
			}
			left[key]--
		}
	}
	return true
}

// h2Conn is the TLS connection of an HTTP/2 session, read alongside the
// HTTP/2 transport: it follows the frames and decodes every header block
// with its own HPACK decoder, which stays in step with the transport's
// because both see the same blocks in the same order. DATA is counted
// past, never copied.
type h2Conn struct {
	*tls.Conn

	mu     sync.Mutex
	lost   bool // the stream could not be followed; order unknown
	hdr    [9]byte
	hdrN   int
	remain uint32 // payload bytes left in the current frame
	typ    byte
	flags  byte
	stream uint32
	keep   bool   // the current frame's payload is a header block part
	frame  []byte // its payload so far
	dec    *hpack.Decoder
	fields Headers // the block being decoded
	status string
	// size is the header list size of the block being decoded (RFC 9113,
	// 6.5.2: name, value and 32 per field); past maxHeaderBytes the
	// fields are no longer kept, and big is set. HPACK lets a few bytes
	// stand for a long field already in its table, so the decoded size
	// is what is bounded, not the bytes on the wire.
	size int
	big  bool

	final     Headers
	finalCode int
	hasFinal  bool
	seen      map[uint32]bool // streams whose final head was read
	// recent holds the last final heads read, newest last, for calls
	// whose streams interleave on one connection (an Upstream's): each
	// call takes the one that matches what the transport parsed.
	recent []h2Head
}

// h2Head is a final response head read on an HTTP/2 connection.
type h2Head struct {
	status int
	fields Headers
}

// maxRecentHeads bounds h2Conn.recent: more calls than this in flight on
// one connection lose the wire order of the oldest (their header names
// are then sorted, as when the order is not known).
const maxRecentHeads = 64

// HTTP/2 frame types and flags (RFC 9113, section 6).
const (
	h2Headers      = 0x1
	h2PushPromise  = 0x5
	h2Continuation = 0x9

	h2EndHeaders = 0x4
	h2Padded     = 0x8
	h2Priority   = 0x20
)

func newH2Conn(tc *tls.Conn) *h2Conn {
	c := &h2Conn{Conn: tc, seen: map[uint32]bool{}}
	// 4096 is the header table size an HTTP/2 client starts with and the
	// one golang.org/x/net/http2 keeps, so the server's encoder stays
	// within it.
	c.dec = hpack.NewDecoder(4096, func(f hpack.HeaderField) {
		c.size += len(f.Name) + len(f.Value) + 32
		if c.size > maxHeaderBytes {
			// The transport refuses this head too. The table still
			// follows the block, so that the decoder stays in step.
			c.big, c.fields = true, nil
			c.dec.SetEmitEnabled(false)
			return
		}
		if strings.HasPrefix(f.Name, ":") {
			if f.Name == ":status" {
				c.status = f.Value
			}
			return
		}
		c.fields = append(c.fields, Header{Name: f.Name, Value: f.Value})
	})
	c.dec.SetMaxStringLength(maxHead)
	return c
}

func (c *h2Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if !c.lost {
			c.feed(p[:n])
		}
		c.mu.Unlock()
	}
	return n, err
}

// feed follows the frames in b.
func (c *h2Conn) feed(b []byte) {
	for len(b) > 0 && !c.lost {
		if c.hdrN < len(c.hdr) {
			k := copy(c.hdr[c.hdrN:], b)
			c.hdrN += k
			b = b[k:]
			if c.hdrN < len(c.hdr) {
				return
			}
			c.remain = uint32(c.hdr[0])<<16 | uint32(c.hdr[1])<<8 | uint32(c.hdr[2])
			c.typ, c.flags = c.hdr[3], c.hdr[4]
			c.stream = binary.BigEndian.Uint32(c.hdr[5:]) & (1<<31 - 1)
			c.keep = c.typ == h2Headers || c.typ == h2PushPromise || c.typ == h2Continuation
			c.frame = c.frame[:0]
			if c.keep && c.remain > maxHead {
				c.lost = true
				return
			}
		}
		k := min(int(c.remain), len(b))
		if c.keep {
			c.frame = append(c.frame, b[:k]...)
		}
		c.remain -= uint32(k)
		b = b[k:]
		if c.remain == 0 {
			if c.keep {
				c.headerFrame()
			}
			c.hdrN = 0
		}
	}
}

// headerFrame takes the header block fragment out of a complete HEADERS,
// PUSH_PROMISE or CONTINUATION frame and decodes the block once it ends.
func (c *h2Conn) headerFrame() {
	p := c.frame
	if c.typ != h2Continuation {
		pad := 0
		if c.flags&h2Padded != 0 {
			if len(p) < 1 {
				c.lost = true
				return
			}
			pad, p = int(p[0]), p[1:]
		}
		skip := 0
		if c.typ == h2Headers && c.flags&h2Priority != 0 {
			skip = 5
		}
		if c.typ == h2PushPromise {
			skip = 4 // promised stream id
		}
		if len(p) < skip+pad {
			c.lost = true
			return
		}
		p = p[skip : len(p)-pad]
		// A new block: decoded as its fragments arrive, so that only
		// the fields are held, within maxHeaderBytes.
		c.fields, c.status, c.size = nil, "", 0
		c.dec.SetEmitEnabled(true)
	}
	if _, err := c.dec.Write(p); err != nil {
		c.lost = true
		return
	}
	if c.flags&h2EndHeaders == 0 {
		return
	}
	if err := c.dec.Close(); err != nil {
		c.lost = true
		return
	}
	if c.size > maxHeaderBytes || c.typ == h2PushPromise || c.status == "" {
		return // a pushed request, or trailers
	}
	code, err := strconv.Atoi(c.status)
	if err != nil || code < 200 || c.seen[c.stream] {
		return // an interim 1xx head, or trailers
	}
	if len(c.seen) >= 4096 {
		// Stream ids only grow, and a stream's second head carries no
		// :status: forgetting the old ones keeps a long-lived
		// connection's memory flat.
		clear(c.seen)
	}
	c.seen[c.stream] = true
	c.final, c.finalCode, c.hasFinal = c.fields, code, true
	if len(c.recent) == maxRecentHeads {
		c.recent = append(c.recent[:0], c.recent[1:]...)
	}
	c.recent = append(c.recent, h2Head{status: code, fields: c.fields})
}

func (c *h2Conn) headFor(status int, parsed http.Header) (Headers, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.recent) - 1; i >= 0; i-- {
		h := c.recent[i]
		if h.status == status && covers(h.fields, parsed) {
			c.recent = append(c.recent[:i], c.recent[i+1:]...)
			return h.fields.Clone(), true
		}
	}
	return nil, false
}

func (c *h2Conn) finalHead() (int, Headers, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.hasFinal {
		return 0, nil, false
	}
	return c.finalCode, c.final.Clone(), true
}

func (c *h2Conn) received(int) []byte { return nil }

// tooLarge tells a head over the limit, which x/net's transport reports
// as a bare PROTOCOL_ERROR when the server keeps sending after it.
func (c *h2Conn) tooLarge() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.big
}

func (c *h2Conn) tlsState() (tls.ConnectionState, bool) { return c.Conn.ConnectionState(), true }

package capture

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// KeepOrder wraps ln, the listener srv is to serve, so that
// Upstream.Forward learns each request's header fields in the order and
// name case the client sent them, and passes them on so (see arrange).
// net/http's server parses a request head into a map, which keeps
// neither. It sets srv.ConnContext, calling one already set first, and
// returns the listener to serve. It is for plain HTTP/1.x: a connection
// whose bytes are not that (TLS, h2c) is read past, and its calls go on
// with the header names sorted.
func KeepOrder(srv *http.Server, ln net.Listener) net.Listener {
	prev := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if prev != nil {
			ctx = prev(ctx, c)
		}
		if ic, ok := c.(*inConn); ok {
			ctx = context.WithValue(ctx, inConnKey{}, ic)
		}
		return ctx
	}
	return orderListener{ln}
}

type orderListener struct{ net.Listener }

func (l orderListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &inConn{Conn: c}, nil
}

type inConnKey struct{}

// maxQueuedHeads bounds the request heads an inConn keeps that no call
// took yet: a client that pipelines more loses the order of the oldest.
const maxQueuedHeads = 8

// inConn is a client's connection to the server, read alongside it: it
// follows the requests on it (heads, then bodies by their framing, so
// that a body is never taken for a head) and keeps each head's fields in
// wire order until Forward takes them. Bodies are counted past, never
// copied; a head is held within maxHead.
type inConn struct {
	net.Conn

	mu    sync.Mutex
	st    inState
	buf   []byte // the head, chunk-size line or trailer being read
	scan  int
	left  int64 // body or chunk bytes still to pass
	heads []Headers
}

type inState int

const (
	inHead      inState = iota // reading a request head
	inBody                     // passing left bytes of a Content-Length body
	inChunkSize                // reading a chunk-size line
	inChunkData                // passing left bytes of chunk data
	inChunkEnd                 // reading the CRLF after chunk data
	inTrailer                  // reading the trailer section
	inLost                     // not followable any more
)

func (c *inConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.feed(p[:n])
		c.mu.Unlock()
	}
	return n, err
}

// feed follows the request stream through b.
func (c *inConn) feed(b []byte) {
	for len(b) > 0 && c.st != inLost {
		switch c.st {
		case inBody, inChunkData:
			k := int(min(c.left, int64(len(b))))
			c.left -= int64(k)
			b = b[k:]
			if c.left == 0 {
				if c.st == inBody {
					c.st = inHead
				} else {
					c.st = inChunkEnd
				}
			}
			continue
		}
		// The other states read up to a line (chunk size, chunk end) or
		// a blank line (head, trailer).
		room := maxHead - len(c.buf)
		k := min(room, len(b))
		c.buf = append(c.buf, b[:k]...)
		b = b[k:]
		var end int
		switch {
		case c.st == inTrailer && (bytes.HasPrefix(c.buf, []byte("\r\n")) || bytes.HasPrefix(c.buf, []byte("\n"))):
			// No trailer fields: the blank line ends the body.
			end = bytes.IndexByte(c.buf, '\n') + 1
		case c.st == inTrailer && bytes.Equal(c.buf, []byte("\r")):
			end = -1
		case c.st == inHead || c.st == inTrailer:
			end = headEnd(c.buf, c.scan)
		default:
			end = bytes.IndexByte(c.buf[c.scan:], '\n')
			if end >= 0 {
				end += c.scan + 1
			}
		}
		if end < 0 {
			if len(c.buf) >= maxHead {
				c.lose()
				return
			}
			c.scan = max(0, len(c.buf)-3)
			continue
		}
		// Bytes past the end belong to what follows: feed them again.
		rest := append([]byte(nil), c.buf[end:]...)
		c.step(c.buf[:end])
		c.buf, c.scan = c.buf[:0], 0
		b = append(rest, b...)
	}
}

// step takes a complete unit: a request head, a chunk-size line, the
// CRLF after chunk data or a trailer section.
func (c *inConn) step(unit []byte) {
	switch c.st {
	case inHead:
		// Blank lines before a request line are skipped, as the server
		// skips them (RFC 9112, 2.2).
		if unit = bytes.TrimLeft(unit, "\r\n"); len(unit) == 0 {
			return
		}
		fields, ok := requestFields(unit)
		if !ok || !requestLine(unit) {
			c.lose()
			return
		}
		if len(c.heads) == maxQueuedHeads {
			c.heads = append(c.heads[:0], c.heads[1:]...)
		}
		c.heads = append(c.heads, fields)
		c.framing(unit, fields)
	case inChunkSize:
		line := strings.TrimSpace(string(unit))
		line, _, _ = strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
		switch {
		case err != nil || n < 0:
			c.lose()
		case n == 0:
			c.st = inTrailer
		default:
			c.st, c.left = inChunkData, n
		}
	case inChunkEnd:
		if len(bytes.TrimSpace(unit)) != 0 {
			c.lose()
			return
		}
		c.st = inChunkSize
	case inTrailer:
		c.st = inHead
	}
}

// framing sets what follows a request head, as net/http's server reads
// it: a chunked body, a Content-Length body, or none. A request the
// server refuses (two codings, a bad length) or takes over (CONNECT)
// ends the following.
func (c *inConn) framing(head []byte, fields Headers) {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.HasPrefix(line, []byte("CONNECT ")) {
		c.lose()
		return
	}
	http10 := bytes.HasSuffix(bytes.TrimRight(line, "\r"), []byte("HTTP/1.0"))
	if te := fields.Values("Transfer-Encoding"); len(te) > 0 && !http10 {
		if len(te) != 1 || !strings.EqualFold(strings.TrimSpace(te[0]), "chunked") {
			c.lose()
			return
		}
		c.st = inChunkSize
		return
	}
	c.st = inHead
	if cl := fields.Values("Content-Length"); len(cl) > 0 {
		n, err := strconv.ParseInt(strings.TrimSpace(cl[0]), 10, 64)
		if err != nil || n < 0 {
			c.lose()
			return
		}
		if n > 0 {
			c.st, c.left = inBody, n
		}
	}
}

// requestLine reports whether a head starts with an HTTP/1.x request
// line: a method, a target and the version.
func requestLine(head []byte) bool {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	f := strings.Split(strings.TrimSuffix(string(line), "\r"), " ")
	return len(f) == 3 && validName(f[0]) && f[1] != "" && (f[2] == "HTTP/1.1" || f[2] == "HTTP/1.0")
}

// requestFields reads the header fields of a request head in order, each
// as the client wrote it: the name's spelling, the separator (Sep, when
// not ": ") and the value with any blanks after it. A folded line
// (obs-fold) is joined to the field before with one space, as net/http's
// server joins it.
func requestFields(head []byte) (Headers, bool) {
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
			last := &out[len(out)-1]
			last.Value = strings.TrimRight(last.Value, " \t") + " " + strings.Trim(line, " \t")
			continue
		}
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !validName(name) {
			return nil, false
		}
		value := strings.TrimLeft(rest, " \t")
		sep := line[len(name) : len(line)-len(value)]
		if sep == ": " {
			sep = ""
		}
		out = append(out, Header{Name: name, Value: value, Sep: sep})
	}
	return out, true
}

func (c *inConn) lose() {
	c.st, c.buf, c.heads = inLost, nil, nil
}

// take returns the fields, in wire order, of the head of the request
// the server parsed as parsed, and forgets it and the heads before it
// (requests the server answered without Forward); ok is false when no
// head read matches.
func (c *inConn) take(parsed http.Header) (Headers, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, h := range c.heads {
		if sameRequest(h, parsed) {
			c.heads = append(c.heads[:0], c.heads[i+1:]...)
			return h, true
		}
	}
	return nil, false
}

// sameRequest reports whether the wire fields of a request head are the
// ones net/http's server parsed as parsed. The server moves Host and
// Transfer-Encoding out of the map, merges repeated Content-Length and
// drops it beside chunked (covers allows the wire more), and adds
// Cache-Control: no-cache beside Pragma: no-cache.
func sameRequest(wire Headers, parsed http.Header) bool {
	trimmed := make(Headers, len(wire))
	for i, f := range wire {
		trimmed[i] = Header{Name: f.Name, Value: strings.Trim(f.Value, " \t")}
	}
	wire = trimmed
	if !wire.Has("Cache-Control") && wire.Has("Pragma") && len(parsed["Cache-Control"]) == 1 {
		p := parsed.Clone()
		delete(p, "Cache-Control")
		parsed = p
	}
	if !covers(wire, parsed) {
		return false
	}
	// Every wire field is in the map, save what the server moves out.
	n := 0
	for _, vs := range parsed {
		n += len(vs)
	}
	extra := 0
	for _, f := range wire {
		switch http.CanonicalHeaderKey(f.Name) {
		case "Host", "Transfer-Encoding", "Content-Length":
		default:
			extra++
		}
	}
	return extra <= n
}

// clientOrder returns the header list a forwarded call goes out in: the
// client's fields in its order and spelling, without the hop-by-hop ones;
// Host and Transfer-Encoding stay as places for the transport's own (see
// Request.Header). When the client's order is not known (the server was
// not set up with KeepOrder), the names are sorted.
func clientOrder(in *http.Request) Headers {
	c, ok := in.Context().Value(inConnKey{}).(*inConn)
	if !ok {
		return headerList(in.Header)
	}
	wire, ok := c.take(in.Header)
	if !ok {
		return headerList(in.Header)
	}
	drop := map[string]bool{}
	for _, name := range hopHeaders {
		drop[name] = true
	}
	for _, v := range wire.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				drop[http.CanonicalHeaderKey(name)] = true
			}
		}
	}
	out := make(Headers, 0, len(wire))
	for _, f := range wire {
		switch k := http.CanonicalHeaderKey(f.Name); {
		case k == "Host" || k == "Transfer-Encoding":
			f.Origin = FromTransport
		case drop[k]:
			continue
		default:
			f.Origin = FromUser
		}
		out = append(out, f)
	}
	return out
}

package capture

import (
	"bufio"
	"bytes"
	"runtime"

	"context"
	"fmt"
	"golang.org/x/net/http2/hpack"
	"net"
	"net/http"
	"strings"
	"testing"
)

// floodHeaders sets n bytes of response headers, in 4 KiB fields.
func floodHeaders(w http.ResponseWriter, n int) {
	v := strings.Repeat("p", 4<<10)
	for i := 0; i*len(v) < n; i++ {
		w.Header().Set(fmt.Sprintf("X-Pad-%d", i), v)
	}
}

// TestResponseHeadersAreBounded: a server cannot make a hop hold
// megabytes of headers; past the limit the call ends with a plain fault.
func TestResponseHeadersAreBounded(t *testing.T) {
	h := func(w http.ResponseWriter, r *http.Request) {
		floodHeaders(w, 4<<20)
		w.WriteHeader(200)
	}
	t.Run("HTTP/1.1", func(t *testing.T) {
		srv := serve(t, h)
		ex := get(srv.URL, Options{})
		want := "the server at " + hostPort(srv.URL) + " sent more than 256.0 KiB of response headers; altegio-ticket stopped reading there"
		if ex.Fault == nil || ex.Fault.Kind != FaultHeadersTooLarge || ex.Fault.Message != want {
			t.Fatalf("fault = %+v\nwant %q", ex.Fault, want)
		}
	})
	t.Run("HTTP/2", func(t *testing.T) {
		srv := tlsServer(t, http.HandlerFunc(h), true)
		ex := get(srv.URL, Options{RootCAs: trust(srv)})
		want := "the server at " + hostPort(srv.URL) + " sent more than 256.0 KiB of response headers; altegio-ticket stopped reading there"
		if ex.Fault == nil || ex.Fault.Kind != FaultHeadersTooLarge || ex.Fault.Message != want {
			t.Fatalf("fault = %+v\nwant %q", ex.Fault, want)
		}
	})
	t.Run("under the limit", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) { floodHeaders(w, 200<<10) })
		if ex := get(srv.URL, Options{}); ex.Fault != nil || ex.Response().Status != 200 {
			t.Fatalf("fault = %+v", ex.Fault)
		}
	})
}

// TestLongLocationIsCut: a redirect URL is recorded up to MaxURL bytes
// per hop and marked as cut; the request itself goes out whole.
func TestLongLocationIsCut(t *testing.T) {
	long := "/next?sign=" + strings.Repeat("s", 100<<10)
	var gotURI string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/next" {
			gotURI = r.RequestURI
			return
		}
		w.Header().Set("Location", long)
		w.WriteHeader(302)
	})
	ex := get(srv.URL+"/go", Options{})
	if ex.Fault != nil || len(ex.Hops) != 2 {
		t.Fatalf("fault %+v, %d hops", ex.Fault, len(ex.Hops))
	}
	if gotURI != long {
		t.Errorf("the server got a %d-byte URI, want the %d-byte Location", len(gotURI), len(long))
	}
	loc := ex.Hops[0].Response.Header
	var f Header
	for _, h := range loc {
		if strings.EqualFold(h.Name, "Location") {
			f = h
		}
	}
	if len(f.Value) != MaxURL || !f.Truncated || !strings.HasPrefix(long, f.Value) {
		t.Errorf("recorded Location: %d bytes, truncated %v; want the first %d, marked", len(f.Value), f.Truncated, MaxURL)
	}
	u := ex.Hops[1].Request
	if len(u.URL) != MaxURL || !u.URLTruncated || !strings.HasPrefix(srv.URL+long, u.URL) {
		t.Errorf("recorded URL: %d bytes, truncated %v; want the first %d, marked", len(u.URL), u.URLTruncated, MaxURL)
	}
	if ex.Hops[0].Request.URLTruncated {
		t.Error("a short URL is marked as cut")
	}
}

// TestTooManyRedirectsQuotesNoQuery: the fault names where the chain
// ended without its query, which may hold a signature.
func TestTooManyRedirectsQuotesNoQuery(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop?sign=0123456789abcdef", http.StatusFound)
	})
	ex := get(srv.URL+"/loop", Options{MaxRedirects: 2})
	want := "the server kept redirecting; stopped after 2 redirects, at " + srv.URL + "/loop"
	if ex.Fault == nil || ex.Fault.Message != want {
		t.Errorf("fault = %+v\nwant %q", ex.Fault, want)
	}
	if strings.Contains(ex.Fault.Detail, "sign=") {
		t.Errorf("detail quotes the query: %q", ex.Fault.Detail)
	}
}

// TestUnparsableLocationIsNotQuoted: net/http quotes a Location it
// cannot parse; the fault does not.
func TestUnparsableLocationIsNotQuoted(t *testing.T) {
	addr := rawServer(t, nil, func(c net.Conn) {
		readRequestHead(bufio.NewReader(c))
		c.Write([]byte("HTTP/1.1 302 Found\r\nLocation: http://[::1%zz]/x?sign=0123456789abcdef\r\nContent-Length: 0\r\n\r\n"))
	})
	ex := Replay(context.Background(), Request{Method: "GET", URL: "http://" + addr + "/"}, Options{})
	want := "the server at " + addr + " redirected to a Location that is not a valid URL"
	if ex.Fault == nil || ex.Fault.Kind != FaultMalformed || ex.Fault.Message != want {
		t.Fatalf("fault = %+v\nwant %q", ex.Fault, want)
	}
	if strings.Contains(ex.Fault.Detail, "sign=") {
		t.Errorf("detail quotes the Location: %q", ex.Fault.Detail)
	}
}

// h2Frame is one HTTP/2 frame on the wire.
func h2Frame(typ, flags byte, stream uint32, payload []byte) []byte {
	n := len(payload)
	f := []byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags, byte(stream >> 24), byte(stream >> 16), byte(stream >> 8), byte(stream)}
	return append(f, payload...)
}

// TestH2HeaderBlockBombIsBounded: HPACK lets one byte stand for a field
// in the dynamic table, so a 20 KiB block can decode to 20,000 fields,
// 80 MiB once written out. The connection reader that keeps the header order stops
// keeping fields at the same limit as the transport.
func TestH2HeaderBlockBombIsBounded(t *testing.T) {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	enc.WriteField(hpack.HeaderField{Name: "x-a", Value: strings.Repeat("a", 4000)}) // into the dynamic table, index 62
	block.Write(bytes.Repeat([]byte{0x80 | 62}, 20<<10))                             // indexed: the same field again

	c := newH2Conn(nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b := block.Bytes()
	c.feed(h2Frame(h2Headers, 0, 1, b[:8<<10]))
	c.feed(h2Frame(h2Continuation, 0, 1, b[8<<10:16<<10]))
	c.feed(h2Frame(h2Continuation, h2EndHeaders, 1, b[16<<10:]))
	runtime.ReadMemStats(&after)

	if !c.tooLarge() || len(c.fields) != 0 || c.hasFinal {
		t.Errorf("too large %v, %d fields kept, final %v: want the head refused", c.tooLarge(), len(c.fields), c.hasFinal)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("decoding the block allocated %d MiB", grew>>20)
	}
	// The decoder stays in step: the next block decodes.
	block.Reset()
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "401"})
	enc.WriteField(hpack.HeaderField{Name: "x-b", Value: "1"})
	c.feed(h2Frame(h2Headers, h2EndHeaders, 3, block.Bytes()))
	if status, h, ok := c.finalHead(); !ok || status != 401 || h.Get("x-b") != "1" {
		t.Errorf("next head: %d %v %v", status, h, ok)
	}
}

// TestUnparsableLocationThatLooksLikeTLS: a Location whose text happens to
// hold "tls:" must not be taken for a TLS failure, which quotes the error.
func TestUnparsableLocationThatLooksLikeTLS(t *testing.T) {
	addr := rawServer(t, nil, func(c net.Conn) {
		readRequestHead(bufio.NewReader(c))
		c.Write([]byte("HTTP/1.1 302 Found\r\nLocation: /%zz?next=tls:x&token=SECRET-0123456789\r\nContent-Length: 0\r\n\r\n"))
	})
	ex := Replay(context.Background(), Request{Method: "GET", URL: "http://" + addr + "/"}, Options{})
	if ex.Fault == nil || ex.Fault.Kind != FaultMalformed {
		t.Fatalf("fault = %+v, want a malformed Location", ex.Fault)
	}
	if strings.Contains(ex.Fault.Message+ex.Fault.Detail, "SECRET") {
		t.Errorf("the fault quotes the Location: %+v", ex.Fault)
	}
}

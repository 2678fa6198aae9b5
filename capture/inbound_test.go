package capture

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sendRaw writes raw to a new connection to srvURL and reads n responses.
func sendRaw(t *testing.T, srvURL, raw string, n int) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", hostPort(srvURL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for i := 0; i < n; i++ {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out = append(out, resp)
	}
	return out
}

// TestForwardKeepsClientOrder: the upstream gets the client's fields in
// the client's order, spelling and spacing, hop-by-hop ones left out and
// Host in the client's Host place; two pipelined requests (the first
// chunked, with a blank line inside its body) each keep their own; the
// record holds what went upstream.
func TestForwardKeepsClientOrder(t *testing.T) {
	upstream, got := headTap(t, nil, nil)
	up := newUpstream(t, "http://"+upstream, Options{})
	srv, exs := front(t, context.Background(), up)

	raw := "POST /api/v1/a?x=1 HTTP/1.1\r\n" +
		"x-api-key: k1\r\n" +
		"host: " + hostPort(srv.URL) + "\r\n" +
		"Connection: keep-alive, X-Hop\r\n" +
		"X-Hop: not for the upstream\r\n" +
		"content-type:application/json\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"authorization:  Bearer t \r\n" +
		"\r\n" +
		"6\r\n{\r\n\r\n}\r\n0\r\n\r\n" +
		"GET /api/v1/b HTTP/1.1\r\n" +
		"Host: " + hostPort(srv.URL) + "\r\n" +
		"ACCEPT: application/vnd.api.v2+json\r\n" +
		"accept-language: ru\r\n" +
		"Accept: */*\r\n" +
		"Proxy-Authorization: Basic eDp5\r\n" +
		"\r\n"
	for i, resp := range sendRaw(t, srv.URL, raw, 2) {
		if resp.StatusCode != 200 {
			t.Errorf("response %d: %s", i, resp.Status)
		}
	}
	heads := got()
	if len(heads) != 2 {
		t.Fatalf("the upstream got %d requests", len(heads))
	}
	want := [][]string{
		{"x-api-key: k1", "host: " + upstream, "content-type:application/json", "Transfer-Encoding: chunked", "authorization:  Bearer t "},
		{"Host: " + upstream, "ACCEPT: application/vnd.api.v2+json", "accept-language: ru", "Accept: */*"},
	}
	for i, h := range heads {
		if d := cmp.Diff(want[i], fieldLines(h.head)); d != "" {
			t.Errorf("request %d upstream (-want +got):\n%s", i, d)
		}
		ex := <-exs
		if d := cmp.Diff(fieldLines(h.head), recordedLines(ex.First().Request.Header)); d != "" {
			t.Errorf("request %d recorded (-wire +record):\n%s", i, d)
		}
	}
	if string(heads[0].body) != "6\r\n{\r\n\r\n}\r\n0\r\n\r\n" {
		t.Errorf("body upstream %q", heads[0].body)
	}
}

// TestForwardAddsNoContentLength: a body-less POST from the client goes
// upstream without the Content-Length: 0 net/http would add; one the
// client sent stays.
func TestForwardAddsNoContentLength(t *testing.T) {
	upstream, got := headTap(t, nil, nil)
	up := newUpstream(t, "http://"+upstream, Options{})
	srv, _ := front(t, context.Background(), up)
	raw := "POST /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n" +
		"DELETE /b HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\nX-A: 1\r\n\r\n"
	sendRaw(t, srv.URL, raw, 2)
	heads := got()
	if len(heads) != 2 {
		t.Fatalf("the upstream got %d requests", len(heads))
	}
	if d := cmp.Diff([]string{"Host: " + upstream, "X-A: 1"}, fieldLines(heads[0].head)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"Host: " + upstream, "content-length: 0", "X-A: 1"}, fieldLines(heads[1].head)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestInConnFollowsRequests feeds a client's byte stream in every split
// and checks the heads read, including after a request the server
// answered without Forward.
func TestInConnFollowsRequests(t *testing.T) {
	stream := "\r\nPUT /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\nx-a: 1\r\n\r\nGET / HTT" +
		"POST /2 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"3;ext=1\r\n\r\n\r\r\n0\r\nX-Trailer: t\r\n\r\n" +
		"GET /3 HTTP/1.1\nHost: h\nX-Folded: a\n  b\nx-last:v\n\n"
	for split := 1; split < len(stream); split += 7 {
		c := &inConn{}
		for i := 0; i < len(stream); i += split {
			c.feed([]byte(stream[i:min(i+split, len(stream))]))
		}
		if c.st != inHead || len(c.heads) != 3 {
			t.Fatalf("split %d: state %d, %d heads", split, c.st, len(c.heads))
		}
		// The server answered the first two itself: taking the third
		// drops them.
		h, ok := c.take(http.Header{"X-Folded": {"a b"}, "X-Last": {"v"}})
		want := Headers{{Name: "Host", Value: "h"}, {Name: "X-Folded", Value: "a b"}, {Name: "x-last", Value: "v", Sep: ":"}}
		if d := cmp.Diff(want, h); !ok || d != "" {
			t.Errorf("split %d: take (%v) (-want +got):\n%s", split, ok, d)
		}
		if len(c.heads) != 0 {
			t.Errorf("split %d: %d heads left", split, len(c.heads))
		}
	}
}

// TestInConnGivesUp: a stream that is not HTTP/1.x, or a head longer
// than maxHead, is read past; the call's fields then come sorted.
func TestInConnGivesUp(t *testing.T) {
	for name, stream := range map[string]string{
		"tls":         "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		"bad length":  "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
		"two codings": "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
		"long head":   "GET / HTTP/1.1\r\nX: " + strings.Repeat("v", maxHead),
	} {
		c := &inConn{}
		c.feed([]byte(stream))
		c.feed([]byte("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"))
		if c.st != inLost || len(c.heads) != 0 || len(c.buf) != 0 {
			t.Errorf("%s: state %d, %d heads, %d bytes held", name, c.st, len(c.heads), len(c.buf))
		}
	}
	req := (&http.Request{Header: http.Header{"X-B": {"2"}, "X-A": {"1"}}}).WithContext(context.Background())
	if d := cmp.Diff(Headers{{Name: "X-A", Value: "1", Origin: FromUser}, {Name: "X-B", Value: "2", Origin: FromUser}}, clientOrder(req)); d != "" {
		t.Errorf("without KeepOrder (-want +got):\n%s", d)
	}
}

package capture

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// received is what a test server saw of a request.
type received struct {
	Method, URI string
	Header      http.Header
	Body        []byte
}

func recordingServer(t *testing.T, status int, body string) (*httptest.Server, *received) {
	t.Helper()
	got := &received{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Method, got.URI, got.Header = r.Method, r.RequestURI, r.Header.Clone()
		got.Body, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestReplaySendsExactlyTheRequest(t *testing.T) {
	srv, got := recordingServer(t, 401, `{"success":false}`)
	body := []byte("{\"a\":\"x,y\"}\x00\xff")
	req := Request{
		Method: "PATCH",
		URL:    srv.URL + "/api/v1/x?b=2&a=1&c=%2F",
		Header: Headers{
			{Name: "Authorization", Value: `Bearer "p, q"`, Origin: FromUser},
			{Name: "X-Multi", Value: "one", Origin: FromUser},
			{Name: "X-Multi", Value: "two", Origin: FromUser},
		},
		Body: body,
	}
	ex := Replay(context.Background(), req, Options{Timeout: 5 * time.Second})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	if got.Method != "PATCH" || got.URI != "/api/v1/x?b=2&a=1&c=%2F" {
		t.Errorf("server saw %s %s", got.Method, got.URI)
	}
	if !bytes.Equal(got.Body, body) {
		t.Errorf("body = %q, want %q", got.Body, body)
	}
	wantHdr := http.Header{
		"Authorization":  {`Bearer "p, q"`},
		"X-Multi":        {"one", "two"},
		"Content-Length": {strconv.Itoa(len(body))},
	}
	if d := cmp.Diff(wantHdr, got.Header); d != "" {
		t.Errorf("server saw headers (-want +got):\n%s", d)
	}

	// The record lists what was written, marked by origin.
	origins := map[string]Origin{}
	for _, h := range ex.First().Request.Header {
		origins[h.Name] = h.Origin
	}
	wantOrigins := map[string]Origin{"Host": FromTransport, "Content-Length": FromTransport, "Authorization": FromUser, "X-Multi": FromUser}
	if d := cmp.Diff(wantOrigins, origins); d != "" {
		t.Errorf("recorded origins (-want +got):\n%s", d)
	}
	if !bytes.Equal(ex.First().Request.Body.Data, body) {
		t.Error("recorded request body differs from the body sent")
	}
	resp := ex.Response()
	if resp == nil || resp.Status != 401 || string(resp.Body.Data) != `{"success":false}` || resp.Proto != "HTTP/1.1" {
		t.Fatalf("response = %+v", resp)
	}
	tm := ex.Last().Timings
	if tm.DNS != Skipped || tm.TLS != Skipped {
		t.Errorf("DNS and TLS did not happen but are %v and %v", tm.DNS, tm.TLS)
	}
	if tm.Connect < 0 || tm.Wait < 0 || tm.Download < 0 || tm.Total < tm.Download {
		t.Errorf("implausible timings %+v", tm)
	}
	if ex.Last().Conn.RemoteAddr != strings.TrimPrefix(srv.URL, "http://") {
		t.Errorf("remote = %q", ex.Last().Conn.RemoteAddr)
	}
}

func TestReplaySendsGETAndHEADBodies(t *testing.T) {
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		t.Run(m, func(t *testing.T) {
			srv, got := recordingServer(t, 200, "")
			Replay(context.Background(), Request{Method: m, URL: srv.URL, Body: []byte("q=1")}, Options{})
			if string(got.Body) != "q=1" {
				t.Errorf("%s body = %q, want q=1", m, got.Body)
			}
		})
	}
}

func TestReplayRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	ex := Replay(context.Background(), Request{Method: "GET", URL: "http://" + addr + "/x", Header: Headers{{Name: "Accept", Value: "a", Origin: FromUser}}}, Options{})
	if ex.Fault == nil || ex.Fault.Kind != FaultRefused {
		t.Fatalf("fault = %+v, want connection refused", ex.Fault)
	}
	if want := "the server at " + addr + " refused the connection"; ex.Fault.Message != want {
		t.Errorf("message = %q, want %q", ex.Fault.Message, want)
	}
	if ex.Response() != nil {
		t.Error("a refused call has a response")
	}
	if ex.First().Request.Header.Get("Accept") != "a" {
		t.Error("the request that was about to be sent is not recorded")
	}
}

func TestReplayRedirectToOtherHostDropsAuthorization(t *testing.T) {
	other, got := recordingServer(t, 200, `{}`)
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landed", http.StatusFound)
	}))
	t.Cleanup(first.Close)
	// 127.0.0.1 and localhost are different hosts to a browser and to curl.
	start := strings.Replace(first.URL, "127.0.0.1", "localhost", 1)
	ex := Replay(context.Background(), Request{Method: "GET", URL: start + "/go", Header: Headers{{Name: "Authorization", Value: "Bearer secret", Origin: FromUser}}}, Options{})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	if len(ex.Hops) != 2 {
		t.Fatalf("%d hops, want 2", len(ex.Hops))
	}
	if got.Header.Get("Authorization") != "" {
		t.Error("Authorization was sent to the other host")
	}
	if d := cmp.Diff([]string{"Authorization"}, ex.Hops[1].Dropped); d != "" {
		t.Errorf("dropped (-want +got):\n%s", d)
	}
	if ex.Hops[0].Response.Status != 302 || ex.Hops[0].Response.Header.Get("Location") != other.URL+"/landed" {
		t.Errorf("first hop response = %+v", ex.Hops[0].Response)
	}
}

func TestReplayKeepsBoundedBody(t *testing.T) {
	const size = 3 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for n := 0; n < size; n += len(chunk) {
			w.Write(chunk)
		}
	}))
	t.Cleanup(srv.Close)
	ex := Replay(context.Background(), Request{Method: "GET", URL: srv.URL}, Options{MaxBody: 1 << 20})
	b := ex.Response().Body
	if len(b.Data) != 1<<20 || b.Size != size || !b.Truncated {
		t.Errorf("kept %d of %d (truncated %v), want %d of %d", len(b.Data), b.Size, b.Truncated, 1<<20, size)
	}
}

// TestReplayEmptyBody: curl -d ” sends Content-Length: 0, not a chunked
// empty body.
func TestReplayEmptyBody(t *testing.T) {
	srv, got := recordingServer(t, 200, "")
	ex := Replay(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte{}}, Options{})
	if ex.Fault != nil {
		t.Fatal(ex.Fault.Message)
	}
	if d := cmp.Diff(http.Header{"Content-Length": {"0"}}, got.Header); d != "" {
		t.Errorf("server saw headers (-want +got):\n%s", d)
	}
	if te := ex.First().Request.Header.Get("Transfer-Encoding"); te != "" {
		t.Errorf("recorded Transfer-Encoding %q", te)
	}
}

package har

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/harfile"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

// wireRequest is a request as a server read it.
type wireRequest struct {
	Method, RequestURI string
	Header             http.Header
	Body               string
}

// recorder is a loopback server that keeps every request it reads.
type recorder struct {
	*httptest.Server
	mu  sync.Mutex
	got []wireRequest
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		h := req.Header.Clone()
		r.mu.Lock()
		r.got = append(r.got, wireRequest{req.Method, req.RequestURI, h, string(b)})
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"success":true,"data":{"id":7},"meta":[]}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) last() wireRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1]
}

// asRequest is the request a redacted exchange's first hop says was sent,
// as --har gives it back: every header but the transport's, all marked as
// the user's.
func asRequest(s capture.Sent) capture.Request {
	r := capture.Request{Method: s.Method, URL: s.URL}
	for _, h := range s.Header {
		if h.Origin != capture.FromTransport {
			r.Header = append(r.Header, capture.Header{Name: h.Name, Value: h.Value, Origin: capture.FromUser})
		}
	}
	if len(s.Body.Data) > 0 {
		r.Body = s.Body.Data
	}
	return r
}

// roundTrip replays req against srv, redacts it as a ticket does, writes
// the ticket's request.har, and reads it back as --har does.
func roundTrip(t *testing.T, req capture.Request) (want, got capture.Request, harText []byte) {
	t.Helper()
	ex := capture.Replay(context.Background(), req, capture.Options{})
	if ex.Fault != nil {
		t.Fatalf("replay failed: %s", ex.Fault.Message)
	}
	res := redact.Scrub(ex, redact.Policy{})
	harText = Encode(&res.Exchange, "test", Options{ResponseBodyFile: "response-body.json"})
	entry, err := harfile.Read(bytes.NewReader(harText), 1)
	if err != nil {
		t.Fatalf("reading request.har back: %v", err)
	}
	got, _, err = entry.Request()
	if err != nil {
		t.Fatalf("the request of request.har: %v", err)
	}
	return asRequest(res.Exchange.First().Request), got, harText
}

// TestHARRoundTrip checks that the request.har of a ticket, read back
// with --har, gives the request the ticket records (secrets as their
// placeholders), and that replaying it puts the same request on the wire.
func TestHARRoundTrip(t *testing.T) {
	srv := newRecorder(t)
	tests := map[string]capture.Request{
		"GET with a query": {Method: "GET", URL: srv.URL + "/api/v1/records/123?start_date=2026-11-01&end_date=2026-11-30",
			Header: capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json", Origin: capture.FromUser}, {Name: "User-Agent", Value: "curl/8.5.0", Origin: capture.FromTool}}},
		"POST JSON with tokens": {Method: "POST", URL: srv.URL + "/api/v1/records/123",
			Header: capture.Headers{
				{Name: "Accept", Value: "application/vnd.api.v2+json", Origin: capture.FromUser},
				{Name: "Authorization", Value: "Bearer pt-7f3a9c1e5b2d4f60, User ut-0c4b8e2a6d1f3b57", Origin: capture.FromUser},
				{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser}},
			Body: []byte(`{"staff_id":5,"services":[{"id":7}],"comment":"first visit \u00e9"}` + "\n")},
		"form body": {Method: "POST", URL: srv.URL + "/api/v1/auth",
			Header: capture.Headers{{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: capture.FromTool}},
			Body:   []byte("login=me%40example.com&password=hunter2-Secret")},
		"binary PUT": {Method: "PUT", URL: srv.URL + "/upload",
			Header: capture.Headers{{Name: "Content-Type", Value: "application/octet-stream", Origin: capture.FromUser}},
			Body:   []byte{0, 1, 2, 0xff, 0xfe, '\r', '\n', 'x'}},
		"repeated headers": {Method: "DELETE", URL: srv.URL + "/api/v1/record/1/2",
			Header: capture.Headers{{Name: "X-A", Value: "1", Origin: capture.FromUser}, {Name: "X-A", Value: "2", Origin: capture.FromUser}, {Name: "X-Empty", Value: "", Origin: capture.FromUser}}},
	}
	for name, req := range tests {
		t.Run(name, func(t *testing.T) {
			want, got, _ := roundTrip(t, req)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("request.har read back (-ticket +har):\n%s", d)
			}
			// Replayed, the request read back goes on the wire as the
			// ticket's did (with the placeholders it carries).
			first := srv.last()
			capture.Replay(context.Background(), got, capture.Options{})
			second := srv.last()
			wantWire := first
			if strings.Contains(fmt.Sprint(want.URL, want.Header, string(want.Body)), "{{") {
				// The ticket replaced the secrets; the first call sent them.
				return
			}
			if d := cmp.Diff(wantWire, second); d != "" {
				t.Errorf("the request read back went on the wire differently (-first +second):\n%s", d)
			}
		})
	}
}

// TestHARRoundTripProperty generates requests (methods, headers, query
// strings and bodies of every kind) and checks the round trip for each.
func TestHARRoundTripProperty(t *testing.T) {
	srv := newRecorder(t)
	rng := rand.New(rand.NewSource(13))
	word := func(alphabet string, n int) string {
		runes := []rune(alphabet)
		b := make([]rune, n)
		for i := range b {
			b[i] = runes[rng.Intn(len(runes))]
		}
		return string(b)
	}
	const tchar = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	const text = "abc XYZ 019 {}[]\":,.;'/?!@#$%^&*()-_=+~`<>|\\é€😀\t"
	for i := range 200 {
		method := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}[rng.Intn(5)]
		q := url.Values{}
		for range rng.Intn(4) {
			q.Add(word(tchar, 1+rng.Intn(8)), word(text, rng.Intn(12)))
		}
		u := srv.URL + "/api/v1/" + word(tchar, 1+rng.Intn(10))
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		req := capture.Request{Method: method, URL: u}
		for range rng.Intn(5) {
			v := strings.TrimSpace(strings.Map(func(r rune) rune {
				if r == '\t' {
					return ' '
				}
				return r
			}, word(text, rng.Intn(30))))
			req.Header = append(req.Header, capture.Header{Name: "X-" + word(tchar, 1+rng.Intn(8)), Value: v, Origin: capture.FromUser})
		}
		if method != "GET" && rng.Intn(4) > 0 {
			switch rng.Intn(3) {
			case 0:
				req.Header = append(req.Header, capture.Header{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser})
				req.Body = []byte(fmt.Sprintf(`{"n":%d,"s":%q}`, i, word(text, rng.Intn(40))))
			case 1:
				req.Body = []byte(word(text, 1+rng.Intn(200)))
			default:
				b := make([]byte, 1+rng.Intn(200))
				rng.Read(b)
				req.Body = b
			}
		}
		want, got, harText := roundTrip(t, req)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("case %d: request.har read back (-ticket +har):\n%s\n%s", i, d, harText)
		}
	}
}

package capture

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sink is a test server that records every request it gets.
type sink struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
}

func newSink(t *testing.T) *sink {
	s := &sink{}
	s.Server = serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "/landed", http.StatusTemporaryRedirect)
			return
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, received{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		io.WriteString(w, "landed")
	})
	return s
}

func (s *sink) got() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.reqs...)
}

// redirector answers every request with status and a Location of to.
func redirector(t *testing.T, status int, to string) string {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", to)
		w.WriteHeader(status)
		io.WriteString(w, "moved")
	})
	// 127.0.0.1 and localhost are different hosts to a browser and to curl.
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// TestRedirectSendsNoReferer: net/http adds Referer: <previous URL> on a
// redirect, query secrets and all; curl sends none unless asked.
func TestRedirectSendsNoReferer(t *testing.T) {
	for name, status := range map[string]int{"302": 302, "307": 307} {
		t.Run(name, func(t *testing.T) {
			other := newSink(t)
			start := redirector(t, status, other.URL+"/landed") + "/go?sign=0123456789abcdef"
			same := newSink(t)
			for _, url := range []string{start, same.URL + "/x"} {
				ex := Replay(context.Background(), Request{Method: "GET", URL: url}, Options{})
				if ex.Fault != nil {
					t.Fatalf("fault: %+v", ex.Fault)
				}
				for i, h := range ex.Hops {
					if h.Request.Header.Has("Referer") || contains(h.Dropped, "Referer") {
						t.Errorf("hop %d records a Referer: %+v", i, h)
					}
				}
			}
			for _, r := range other.got() {
				if ref := r.Header.Get("Referer"); ref != "" {
					t.Errorf("the other host got Referer %q", ref)
				}
			}
		})
	}
	// A Referer the user gave is theirs, as with curl -e: it goes on.
	other := newSink(t)
	start := redirector(t, 302, other.URL+"/landed")
	Replay(context.Background(), Request{Method: "GET", URL: start + "/go", Header: Headers{{Name: "Referer", Value: "https://example.com/", Origin: FromUser}}}, Options{})
	if got := other.got(); len(got) != 1 || got[0].Header.Get("Referer") != "https://example.com/" {
		t.Errorf("the user's own Referer was not kept: %+v", got)
	}
}

// TestRedirectDropsCredentialHeaders: across origins, every header the
// credential rule names is dropped and recorded, not only Authorization
// and Cookie.
func TestRedirectDropsCredentialHeaders(t *testing.T) {
	hdr := Headers{
		{Name: "x-api-key", Value: "k-0123456789", Origin: FromUser},
		{Name: "Authorization", Value: "Bearer p", Origin: FromUser},
		{Name: "X-Trace", Value: "t1", Origin: FromUser},
		{Name: "X-Auth-Token", Value: "a-0123456789", Origin: FromUser},
	}
	secretish := func(name string) bool {
		n := strings.ToLower(name)
		return strings.Contains(n, "key") || strings.Contains(n, "token") || n == "authorization"
	}
	tests := map[string]struct {
		credential  func(string) bool
		wantDropped []string
		wantSent    http.Header
	}{
		"default rule": {nil, []string{"Authorization"},
			http.Header{"X-Api-Key": {"k-0123456789"}, "X-Trace": {"t1"}, "X-Auth-Token": {"a-0123456789"}}},
		"given rule": {secretish, []string{"X-Api-Key", "Authorization", "X-Auth-Token"},
			http.Header{"X-Trace": {"t1"}}},
		"rule without Authorization": {func(n string) bool { return strings.EqualFold(n, "X-Trace") }, []string{"Authorization", "X-Trace"},
			http.Header{"X-Api-Key": {"k-0123456789"}, "X-Auth-Token": {"a-0123456789"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			other := newSink(t)
			start := redirector(t, 302, other.URL+"/landed")
			ex := Replay(context.Background(), Request{Method: "GET", URL: start + "/go", Header: hdr}, Options{Credential: tc.credential})
			if ex.Fault != nil || len(ex.Hops) != 2 {
				t.Fatalf("fault %+v, %d hops", ex.Fault, len(ex.Hops))
			}
			if d := cmp.Diff(tc.wantDropped, ex.Hops[1].Dropped); d != "" {
				t.Errorf("dropped (-want +got):\n%s", d)
			}
			got := other.got()
			if len(got) != 1 {
				t.Fatalf("the other host got %d requests", len(got))
			}
			sent := got[0].Header.Clone()
			sent.Del("Accept-Encoding")
			if d := cmp.Diff(tc.wantSent, sent); d != "" {
				t.Errorf("the other host got (-want +got):\n%s", d)
			}
			for _, name := range tc.wantDropped {
				if ex.Hops[1].Request.Header.Has(name) {
					t.Errorf("hop 2 records %s as sent", name)
				}
			}
		})
	}
	// The same origin keeps them all.
	same := newSink(t)
	ex := Replay(context.Background(), Request{Method: "GET", URL: same.URL + "/hop", Header: hdr}, Options{Credential: secretish})
	if got := same.got(); ex.Fault != nil || len(got) != 1 || got[0].Header.Get("X-Api-Key") == "" || ex.Hops[1].Dropped != nil {
		t.Errorf("same origin: hops %+v, got %+v", ex.Hops, got)
	}
}

// TestRedirect307ToOtherOriginWithBody: a 307/308 would send the body (a
// password, say) to the other host again; that redirect is not followed.
func TestRedirect307ToOtherOriginWithBody(t *testing.T) {
	body := []byte(`{"login":"a@b.c","password":"hunter2-0123456789"}`)
	for _, status := range []int{307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			other := newSink(t)
			start := redirector(t, status, other.URL+"/landed?x=1")
			ex := Replay(context.Background(), Request{Method: "POST", URL: start + "/auth", Body: body}, Options{})
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			if got := other.got(); len(got) != 0 {
				t.Fatalf("the other host got %d requests, the first with body %q", len(got), got[0].Body)
			}
			if len(ex.Hops) != 1 {
				t.Fatalf("%d hops, want the %d only", len(ex.Hops), status)
			}
			r := ex.Response()
			if r.Status != status || r.Header.Get("Location") != other.URL+"/landed?x=1" || string(r.Body.Data) != "moved" {
				t.Errorf("final response %d, Location %q, body %q: want the %d as it came", r.Status, r.Header.Get("Location"), r.Body.Data, status)
			}
			want := fmt.Sprintf("the %d redirect was not followed: it points to another host, and following it would send the request body there too", status)
			if !strings.HasPrefix(ex.Last().Stopped, want) {
				t.Errorf("Stopped = %q\n  want prefix %q", ex.Last().Stopped, want)
			}
			if strings.Contains(ex.Last().Stopped, "landed") || strings.Contains(ex.Last().Stopped, "x=1") {
				t.Error("Stopped quotes the Location")
			}
		})
	}
	t.Run("same origin", func(t *testing.T) {
		same := newSink(t)
		ex := Replay(context.Background(), Request{Method: "POST", URL: same.URL + "/hop", Body: body}, Options{})
		if got := same.got(); len(ex.Hops) != 2 || ex.Last().Stopped != "" || len(got) != 1 || string(got[0].Body) != string(body) {
			t.Errorf("a same-origin 307: %d hops, stopped %q", len(ex.Hops), ex.Last().Stopped)
		}
	})
	t.Run("no body, or 302", func(t *testing.T) {
		other := newSink(t)
		ex := Replay(context.Background(), Request{Method: "GET", URL: redirector(t, 307, other.URL+"/landed") + "/x"}, Options{})
		if len(ex.Hops) != 2 || ex.Last().Stopped != "" || len(other.got()) != 1 {
			t.Errorf("a 307 without a body: %d hops, stopped %q", len(ex.Hops), ex.Last().Stopped)
		}
		ex = Replay(context.Background(), Request{Method: "POST", URL: redirector(t, 302, other.URL+"/landed") + "/x", Body: body}, Options{})
		if len(ex.Hops) != 2 || ex.Last().Stopped != "" || ex.Last().Request.Method != "GET" || len(other.got()[1].Body) != 0 {
			t.Errorf("a 302 after POST: %d hops, stopped %q", len(ex.Hops), ex.Last().Stopped)
		}
	})
}

// TestRedirectNotFollowedKeepsBody: the 3xx that ends the exchange keeps
// its body (it was read once, when the redirect was considered).
func TestRedirectNotFollowedKeepsBody(t *testing.T) {
	start := redirector(t, 302, "/elsewhere")
	ex := Replay(context.Background(), Request{Method: "GET", URL: start + "/x"}, Options{MaxRedirects: -1})
	if r := ex.Response(); r == nil || r.Status != 302 || string(r.Body.Data) != "moved" || r.Body.Size != 5 {
		t.Errorf("response %+v, want the 302 with its body", r)
	}
}

package specfetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// server is a loopback stand-in for developer.alteg.io: it serves a small
// document per name, counts the requests, and fails the test on anything
// but a plain GET.
type server struct {
	*httptest.Server
	hits    atomic.Int32
	mu      sync.Mutex
	status  int
	body    func(name string) string
	delay   time.Duration
	headers []http.Header
}

func newServer(t *testing.T) *server {
	s := &server{status: 200, body: func(name string) string { return "openapi: 3.1.0\ninfo: {title: " + name + "}\n" }}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if r.Method != http.MethodGet || r.ContentLength > 0 || r.URL.RawQuery != "" {
			t.Errorf("not a plain GET: %s %s (%d bytes)", r.Method, r.URL, r.ContentLength)
		}
		for _, h := range []string{"Authorization", "Cookie", "Proxy-Authorization"} {
			if r.Header.Get(h) != "" {
				t.Errorf("the GET carried %s", h)
			}
		}
		s.mu.Lock()
		s.headers = append(s.headers, r.Header.Clone())
		status, body, delay := s.status, s.body, s.delay
		s.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_bundle/en/"), "/openapi.yaml")
		w.WriteHeader(status)
		io.WriteString(w, body(name))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) set(f func(*server)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// convert stands in for apispec.Compact: it refuses what is not YAML
// starting with "openapi:", and marks what it converted.
func convert(name string, raw []byte) ([]byte, error) {
	if !strings.HasPrefix(string(raw), "openapi:") {
		return nil, errors.New("not an OpenAPI description")
	}
	return []byte("converted " + name + ": " + string(raw)), nil
}

func options(s *server, dir string, c *clock) Options {
	return Options{Dir: dir, BaseURL: s.URL + "/_bundle/en", Now: c.now, Convert: convert, Version: "v1", Timeout: 2 * time.Second, UserAgent: "altegio-ticket/test"}
}

func names(r Result) []string {
	var out []string
	for _, d := range r.Docs {
		out = append(out, d.Name)
	}
	return out
}

func TestFetchCachesForAWeek(t *testing.T) {
	s := newServer(t)
	dir := filepath.Join(t.TempDir(), "cache")
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	o := options(s, dir, c)

	r := Fetch(context.Background(), o)
	if r.Err != nil || r.Stale {
		t.Fatalf("first fetch: %v (stale %v)", r.Err, r.Stale)
	}
	if d := cmp.Diff(Names, names(r)); d != "" {
		t.Errorf("docs (-want +got):\n%s", d)
	}
	if got := s.hits.Load(); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}
	if got := string(r.Docs[0].Data); got != "converted b2b-v1: openapi: 3.1.0\ninfo: {title: b2b-v1}\n" {
		t.Errorf("data = %q", got)
	}
	if !r.Docs[0].Fetched.Equal(c.t) || r.Docs[0].Source != s.URL+"/_bundle/en/b2b-v1/openapi.yaml" {
		t.Errorf("doc = %+v", r.Docs[0])
	}
	if ua := s.headers[0].Get("User-Agent"); ua != "altegio-ticket/test" {
		t.Errorf("User-Agent %q", ua)
	}
	// Files are the owner's only.
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if fi.IsDir() && fi.Mode().Perm() != 0o700 || !fi.IsDir() && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", p, fi.Mode().Perm())
		}
		return nil
	})

	// Six days later: from the cache, no request.
	c.advance(6 * 24 * time.Hour)
	r = Fetch(context.Background(), o)
	if r.Err != nil || len(r.Docs) != 4 || s.hits.Load() != 4 {
		t.Fatalf("within the week: err %v, %d docs, %d requests", r.Err, len(r.Docs), s.hits.Load())
	}

	// A week and a day later: fetched again.
	c.advance(2 * 24 * time.Hour)
	s.set(func(s *server) { s.body = func(name string) string { return "openapi: 3.1.1\n" } })
	r = Fetch(context.Background(), o)
	if r.Err != nil || s.hits.Load() != 8 {
		t.Fatalf("after a week: err %v, %d requests", r.Err, s.hits.Load())
	}
	if got := string(r.Docs[1].Data); got != "converted b2b-v2: openapi: 3.1.1\n" || !r.Docs[1].Fetched.Equal(c.t) {
		t.Errorf("refreshed doc: %q fetched %v", got, r.Docs[1].Fetched)
	}
}

// TestFailureIsRememberedForAnHour: an offline machine pays the timeout
// once an hour, and uses what the cache has meanwhile.
func TestFailureIsRememberedForAnHour(t *testing.T) {
	s := newServer(t)
	dir := t.TempDir()
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	o := options(s, dir, c)
	if r := Fetch(context.Background(), o); r.Err != nil {
		t.Fatal(r.Err)
	}
	c.advance(8 * 24 * time.Hour)
	s.set(func(s *server) { s.status = 503 })

	r := Fetch(context.Background(), o)
	var fe *FailureError
	if !errors.As(r.Err, &fe) || fe.Recent || !strings.Contains(r.Err.Error(), "503") {
		t.Fatalf("err = %v, want the 503", r.Err)
	}
	if !r.Stale || len(r.Docs) != 4 {
		t.Errorf("stale %v, %d docs: the old cache should be used", r.Stale, len(r.Docs))
	}
	hits := s.hits.Load()

	c.advance(59 * time.Minute)
	r = Fetch(context.Background(), o)
	if !errors.Is(r.Err, ErrRecentFailure) || s.hits.Load() != hits || len(r.Docs) != 4 {
		t.Fatalf("within the hour: err %v, %d new requests, %d docs", r.Err, s.hits.Load()-hits, len(r.Docs))
	}

	c.advance(2 * time.Minute)
	s.set(func(s *server) { s.status = 200 })
	r = Fetch(context.Background(), o)
	if r.Err != nil || r.Stale || s.hits.Load() != hits+4 {
		t.Fatalf("after the hour: err %v, stale %v, %d new requests", r.Err, r.Stale, s.hits.Load()-hits)
	}
}

func TestFetchFailures(t *testing.T) {
	tests := map[string]struct {
		setup func(*server)
		want  string
	}{
		"captive portal": {func(s *server) {
			s.body = func(string) string { return "<!doctype html><title>Wi-Fi login</title>" }
		}, "is not an API description"},
		"not found":         {func(s *server) { s.status = 404 }, "404 Not Found"},
		"too large":         {func(s *server) { s.body = func(string) string { return "openapi: " + strings.Repeat("x", 2<<20) } }, "larger than 1 MiB"},
		"no answer in time": {func(s *server) { s.delay = 5 * time.Second }, "no answer within 200ms"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := newServer(t)
			s.set(tc.setup)
			c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
			o := options(s, t.TempDir(), c)
			o.MaxSize = 1 << 20
			if name == "no answer in time" {
				o.Timeout = 200 * time.Millisecond
			}
			start := time.Now()
			r := Fetch(context.Background(), o)
			if took := time.Since(start); took > o.Timeout+time.Second {
				t.Errorf("took %v", took)
			}
			if r.Err == nil || !strings.Contains(r.Err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", r.Err, tc.want)
			}
			if len(r.Docs) != 0 {
				t.Errorf("%d docs from a failed fetch", len(r.Docs))
			}
			// Nothing failed is in the cache.
			if _, err := os.Stat(rawFile(o.Dir, "b2b-v1")); err == nil {
				t.Error("a failed document was cached")
			}
			// And the failure is remembered.
			hits := s.hits.Load()
			if r := Fetch(context.Background(), o); !errors.Is(r.Err, ErrRecentFailure) || s.hits.Load() != hits {
				t.Errorf("second call: %v, %d new requests", r.Err, s.hits.Load()-hits)
			}
		})
	}
}

// TestPartialFailure: three documents fetched, one not: the three are
// used and cached, and only the missing one is fetched next time.
func TestPartialFailure(t *testing.T) {
	s := newServer(t)
	s.set(func(s *server) {
		s.body = func(name string) string {
			if name == "public" {
				return "Service Unavailable"
			}
			return "openapi: 3.1.0\n"
		}
	})
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	o := options(s, t.TempDir(), c)
	r := Fetch(context.Background(), o)
	if d := cmp.Diff([]string{"b2b-v1", "b2b-v2", "developers"}, names(r)); d != "" || r.Err == nil {
		t.Fatalf("docs (-want +got):\n%s\nerr %v", d, r.Err)
	}
	c.advance(2 * time.Hour)
	s.set(func(s *server) { s.body = func(string) string { return "openapi: 3.1.0\n" } })
	hits := s.hits.Load()
	r = Fetch(context.Background(), o)
	if r.Err != nil || len(r.Docs) != 4 || s.hits.Load() != hits+1 {
		t.Errorf("err %v, %d docs, %d new requests (want 1)", r.Err, len(r.Docs), s.hits.Load()-hits)
	}
}

// TestConversionVersion: a cache converted by an older build is
// converted again from the cached original, without fetching.
func TestConversionVersion(t *testing.T) {
	s := newServer(t)
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	o := options(s, t.TempDir(), c)
	Fetch(context.Background(), o)
	o.Version = "v2"
	o.Convert = func(name string, raw []byte) ([]byte, error) { return []byte("v2 " + name), nil }
	r := Fetch(context.Background(), o)
	if r.Err != nil || s.hits.Load() != 4 || string(r.Docs[0].Data) != "v2 b2b-v1" {
		t.Fatalf("err %v, %d requests, data %q", r.Err, s.hits.Load(), r.Docs[0].Data)
	}
	if _, err := os.Stat(convertedFile(o.Dir, "b2b-v1", "v2")); err != nil {
		t.Error("the new conversion was not cached")
	}
}

// TestNoCacheDir: without a cache folder every run fetches, and nothing is
// written.
func TestNoCacheDir(t *testing.T) {
	s := newServer(t)
	c := &clock{t: time.Now()}
	o := options(s, "", c)
	for range 2 {
		if r := Fetch(context.Background(), o); r.Err != nil || len(r.Docs) != 4 {
			t.Fatalf("err %v, %d docs", r.Err, len(r.Docs))
		}
	}
	if s.hits.Load() != 8 {
		t.Errorf("%d requests, want 8", s.hits.Load())
	}
}

// TestOffline: the cache or nothing, and no request.
func TestOffline(t *testing.T) {
	s := newServer(t)
	c := &clock{t: time.Now()}
	o := options(s, t.TempDir(), c)
	o.Offline = true
	if r := Fetch(context.Background(), o); r.Err == nil || len(r.Docs) != 0 || s.hits.Load() != 0 {
		t.Fatalf("offline with an empty cache: err %v, %d docs, %d requests", r.Err, len(r.Docs), s.hits.Load())
	}
	o.Offline = false
	Fetch(context.Background(), o)
	o.Offline = true
	c.advance(30 * 24 * time.Hour)
	if r := Fetch(context.Background(), o); len(r.Docs) != 4 || !r.Stale || s.hits.Load() != 4 {
		t.Fatalf("offline with an old cache: %d docs, stale %v, %d requests", len(r.Docs), r.Stale, s.hits.Load())
	}
}

// TestProxyFromEnvironment: HTTP_PROXY is honoured. The "proxy" is a
// loopback server that answers itself; the documents' host is made up.
func TestProxyFromEnvironment(t *testing.T) {
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		if r.URL.Host != "developer.alteg.io.invalid" || r.Method != http.MethodGet {
			t.Errorf("the proxy got %s %s", r.Method, r.URL)
		}
		io.WriteString(w, "openapi: 3.1.0\n")
	}))
	t.Cleanup(proxy.Close)
	env := map[string]string{"HTTP_PROXY": proxy.URL}
	o := Options{BaseURL: "http://developer.alteg.io.invalid/_bundle/en", Getenv: func(k string) string { return env[k] }, Convert: convert, Timeout: 2 * time.Second}
	r := Fetch(context.Background(), o)
	if r.Err != nil || len(r.Docs) != 4 || proxied.Load() != 4 {
		t.Fatalf("err %v, %d docs, %d proxied", r.Err, len(r.Docs), proxied.Load())
	}
	// NO_PROXY sends it direct, which fails here: no such host.
	env["NO_PROXY"] = "developer.alteg.io.invalid"
	o.Getenv = func(k string) string { return env[k] }
	if r := Fetch(context.Background(), o); r.Err == nil || proxied.Load() != 4 {
		t.Errorf("with NO_PROXY: err %v, %d proxied", r.Err, proxied.Load())
	}
}

func TestLocal(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"en-b2b-v1.openapi.yaml", "en-b2b-v2.openapi.yaml", "public.yml", "README.md"} {
		body := "openapi: 3.1.0\n# " + n + "\n"
		if n == "README.md" {
			body = "# not a description\n"
		}
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := t.TempDir()
	o := Options{Dir: cache, Convert: convert, Version: "v1"}
	r, err := Local(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"b2b-v1", "b2b-v2", "public"}, names(r)); d != "" {
		t.Errorf("docs (-want +got):\n%s", d)
	}
	if r.Err == nil || !strings.Contains(r.Err.Error(), "developers") {
		t.Errorf("err = %v, want the missing developers named", r.Err)
	}
	if r.Docs[0].Source != filepath.Join(dir, "en-b2b-v1.openapi.yaml") || r.Docs[0].Fetched.IsZero() {
		t.Errorf("doc = %+v", r.Docs[0])
	}
	// The conversion is cached by content: a second read converts nothing.
	calls := 0
	o.Convert = func(name string, raw []byte) ([]byte, error) { calls++; return convert(name, raw) }
	if _, err := Local(dir, o); err != nil || calls != 0 {
		t.Errorf("second read: err %v, %d conversions", err, calls)
	}

	// One file.
	r, err = Local(filepath.Join(dir, "public.yml"), o)
	if err != nil || len(r.Docs) != 1 || r.Docs[0].Name != "public" || r.Err != nil {
		t.Errorf("one file: %v %+v", err, r)
	}

	for name, tc := range map[string]struct {
		path string
		want error
	}{
		"missing":        {filepath.Join(dir, "nope"), os.ErrNotExist},
		"empty folder":   {t.TempDir(), ErrNoDescriptions},
		"not a document": {filepath.Join(dir, "README.md"), nil},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Local(tc.path, o)
			var le *LocalError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a LocalError", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

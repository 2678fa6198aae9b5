package capture

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// front starts a loopback server that forwards every request through up,
// answers 502 when nothing came back, aborts the client's connection
// when the answer broke off, and sends each record on the returned
// channel.
func front(t *testing.T, ctx context.Context, up *Upstream) (*httptest.Server, <-chan *Exchange) {
	t.Helper()
	got := make(chan *Exchange, 100)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := up.Forward(ctx, w, r)
		got <- ex
		switch {
		case ex.Response() == nil:
			w.WriteHeader(http.StatusBadGateway)
		case ex.Fault != nil:
			panic(http.ErrAbortHandler)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Listener = KeepOrder(srv.Config, srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(up.Close)
	return srv, got
}

func newUpstream(t *testing.T, base string, opt Options) *Upstream {
	t.Helper()
	up, err := NewUpstream(base, opt)
	if err != nil {
		t.Fatal(err)
	}
	return up
}

// TestForwardIsFaithful: the upstream gets the client's method, path,
// query, headers and body, with its own Host and nothing added; the
// client gets the upstream's status, headers and body; the record holds
// both as on the wire.
func TestForwardIsFaithful(t *testing.T) {
	type seen struct {
		method, uri, host, body string
		header                  http.Header
	}
	var hits atomic.Int32
	var got seen
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.RequestURI, r.Host, string(b), r.Header.Clone()}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Z-Last", "z")
		w.Header().Add("X-A-First", "a")
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"success":false,"data":null,"meta":{"message":"The given data was invalid."}}`)
	})
	up := newUpstream(t, upstream.URL, Options{From: "test proxy"})
	srv, exs := front(t, context.Background(), up)

	body := `{"staff_id":5,"password":"hunter2-secret"}`
	req, _ := http.NewRequest("POST", srv.URL+"/api/v2/company/1/records?x=1&y=%2F", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer partner-123456, User user-654321")
	req.Header.Set("Accept", "application/vnd.api.v2+json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Connection", "keep-alive, X-Hop")
	req.Header.Set("X-Hop", "not for the upstream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	ex := <-exs

	if resp.StatusCode != 422 || !strings.Contains(string(answer), "The given data was invalid.") || resp.Header.Get("X-A-First") != "a" {
		t.Errorf("client got %d %q %v", resp.StatusCode, answer, resp.Header)
	}
	if want := (seen{"POST", "/api/v2/company/1/records?x=1&y=%2F", hostPort(upstream.URL), body, nil}); got.method != want.method || got.uri != want.uri || got.host != want.host || got.body != want.body {
		t.Errorf("upstream saw %+v, want %+v", got, want)
	}
	if got.header.Get("Authorization") != "Bearer partner-123456, User user-654321" || got.header.Get("X-Hop") != "" ||
		got.header.Get("X-Forwarded-For") != "" || got.header.Get("User-Agent") != "Go-http-client/1.1" {
		t.Errorf("upstream headers %v", got.header)
	}
	if hits.Load() != 1 {
		t.Errorf("the upstream was called %d times", hits.Load())
	}

	if ex.Fault != nil || ex.Source.Replayed || ex.Source.From != "test proxy" || len(ex.Hops) != 1 {
		t.Fatalf("record: fault %+v, source %+v, %d hops", ex.Fault, ex.Source, len(ex.Hops))
	}
	h := ex.First()
	if h.Request.Method != "POST" || h.Request.URL != upstream.URL+"/api/v2/company/1/records?x=1&y=%2F" || h.Request.Proto != "HTTP/1.1" {
		t.Errorf("request line %s %s %s", h.Request.Method, h.Request.URL, h.Request.Proto)
	}
	var names []string
	for _, f := range h.Request.Header {
		names = append(names, f.Name+"/"+string(f.Origin))
	}
	// The client's order (Go's client writes its Accept-Encoding last),
	// without the hop-by-hop fields (see TestForwardKeepsClientOrder).
	wantNames := []string{"Host/transport", "User-Agent/user", "Content-Length/user", "Accept/user", "Authorization/user", "Content-Type/user", "Accept-Encoding/user"}
	if d := cmp.Diff(wantNames, names); d != "" {
		t.Errorf("request headers on the wire (-want +got):\n%s", d)
	}
	if string(h.Request.Body.Data) != body || h.Request.Body.Size != int64(len(body)) {
		t.Errorf("request body %q (%d)", h.Request.Body.Data, h.Request.Body.Size)
	}
	r := ex.Response()
	if r.Status != 422 || !r.WireOrder || string(r.Body.Data) != string(answer) || r.Header[0].Name != "Content-Type" {
		t.Errorf("response %d wire order %v %v %q", r.Status, r.WireOrder, r.Header, r.Body.Data)
	}
	if h.Timings.Wait < 0 || h.Timings.Total <= 0 || ex.Total <= 0 || h.Conn.RemoteAddr != hostPort(upstream.URL) {
		t.Errorf("timings %+v, total %v, conn %+v", h.Timings, ex.Total, h.Conn)
	}
}

// TestForwardStreamsWhole: a body larger than what is kept goes through
// whole both ways, while the record keeps MaxBody (and what Keep says)
// and counts the rest.
func TestForwardStreamsWhole(t *testing.T) {
	const size = 3 << 20
	upload := bytes.Repeat([]byte("u"), size)
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/octet-stream")
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", fmt.Sprint(size))
		}
		w.Header().Set("X-Got", fmt.Sprint(n))
		w.Write(bytes.Repeat([]byte("d"), size))
	})
	up := newUpstream(t, upstream.URL, Options{MaxBody: 1000})
	up.Keep = func(status int, h Headers) int64 { return 100 }
	srv, exs := front(t, context.Background(), up)
	for _, q := range []string{"", "?chunked=1"} {
		resp, err := http.Post(srv.URL+"/big"+q, "application/octet-stream", bytes.NewReader(upload))
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ex := <-exs
		if err != nil || n != size || resp.Header.Get("X-Got") != fmt.Sprint(size) {
			t.Errorf("%s: the client got %d bytes (%v); the upstream got %s", q, n, err, resp.Header.Get("X-Got"))
		}
		req, rb := ex.First().Request.Body, ex.Response().Body
		if len(req.Data) != 1000 || req.Size != size || !req.Truncated || len(rb.Data) != 100 || rb.Size != size || !rb.Truncated || ex.Fault != nil {
			t.Errorf("%s: kept %d of %d up, %d of %d down, fault %+v", q, len(req.Data), req.Size, len(rb.Data), rb.Size, ex.Fault)
		}
	}
}

// TestForwardUpstreamDown: nothing reaches the client from capture; the
// record says why, and the caller answers.
func TestForwardUpstreamDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a port nothing listens on
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	up := newUpstream(t, "http://"+ln.Addr().String(), Options{})
	srv, exs := front(t, context.Background(), up)
	resp, err := http.Get(srv.URL + "/api/v1/records/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ex := <-exs
	if resp.StatusCode != 502 || ex.Response() != nil || ex.Fault == nil || ex.Fault.Kind != FaultRefused {
		t.Errorf("client got %d; record %+v", resp.StatusCode, ex.Fault)
	}
}

// TestForwardResetMidBody: an upstream that breaks off after half the
// answer: the client sees a broken body, and the record says where.
func TestForwardResetMidBody(t *testing.T) {
	addr := rawServer(t, nil, func(c net.Conn) {
		br := bufio.NewReader(c)
		if _, err := readRequestHead(br); err != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"success\":true,")
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset, not a clean close
		}
	})
	up := newUpstream(t, "http://"+addr, Options{})
	srv, exs := front(t, context.Background(), up)
	// The client sees the failure: the head may not have left the
	// proxy's buffer yet, or the body breaks off.
	resp, err := http.Get(srv.URL + "/api/v1/records/1")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	ex := <-exs
	if err == nil {
		t.Error("the client read a whole body from a broken answer")
	}
	if ex.Fault == nil || ex.Fault.Kind != FaultReset || ex.Response() == nil || ex.Response().Body.Broken == "" {
		t.Errorf("fault %+v, response %+v", ex.Fault, ex.Response())
	}
}

// TestForwardClientLeavesMidUpload: a client that stops half way through
// its body: the upstream gets one incomplete request, the record blames
// the client, and the proxy does not retry.
func TestForwardClientLeavesMidUpload(t *testing.T) {
	var hits atomic.Int32
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
	})
	up := newUpstream(t, upstream.URL, Options{})
	srv, exs := front(t, context.Background(), up)
	c, err := net.Dial("tcp", hostPort(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n%s", strings.Repeat("a", 5000))
	time.Sleep(50 * time.Millisecond)
	c.Close()
	ex := <-exs
	if ex.Fault == nil || ex.Fault.Kind != FaultClientClosed || !strings.Contains(ex.Fault.Message, "during the upload") {
		t.Errorf("fault %+v", ex.Fault)
	}
	if b := ex.First().Request.Body; b.Broken == "" || b.Size != 5000 {
		t.Errorf("request body %d bytes, broken %q", b.Size, b.Broken)
	}
	if n := hits.Load(); n > 1 {
		t.Errorf("the upstream got the request %d times", n)
	}
}

// TestForwardTimeout: an upstream that does not answer within Timeout
// ends as a response timeout; the client is answered by the caller.
func TestForwardTimeout(t *testing.T) {
	release := make(chan struct{})
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	up := newUpstream(t, upstream.URL, Options{Timeout: 100 * time.Millisecond})
	srv, exs := front(t, context.Background(), up)
	resp, err := http.Get(srv.URL + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ex := <-exs
	if resp.StatusCode != 502 || ex.Fault == nil || ex.Fault.Kind != FaultResponseTimeout || !strings.Contains(ex.Fault.Message, "within 100ms") {
		t.Errorf("status %d, fault %+v", resp.StatusCode, ex.Fault)
	}
}

// TestForwardStopped: cancelling Forward's context (the proxy stopping)
// is an interruption, not an upstream failure.
func TestForwardStopped(t *testing.T) {
	arrived := make(chan struct{}, 1)
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	up := newUpstream(t, upstream.URL, Options{})
	srv, exs := front(t, ctx, up)
	go func() { <-arrived; cancel() }()
	resp, err := http.Get(srv.URL + "/x")
	if err == nil {
		resp.Body.Close()
	}
	if ex := <-exs; ex.Fault == nil || ex.Fault.Kind != FaultInterrupted {
		t.Errorf("fault %+v", ex.Fault)
	}
}

// TestForwardHTTP2Concurrent: many calls at once over HTTP/2 to a TLS
// upstream share a connection, and each record gets its own answer's
// headers in wire order.
func TestForwardHTTP2Concurrent(t *testing.T) {
	upstream := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		w.Header().Set("X-Id", id)
		w.Header().Set("Content-Type", "application/json")
		time.Sleep(time.Duration(len(id)) * time.Millisecond)
		fmt.Fprintf(w, `{"id":%q}`, id)
	}), true)
	up := newUpstream(t, upstream.URL, Options{RootCAs: trust(upstream)})
	srv, exs := front(t, context.Background(), up)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(fmt.Sprintf("%s/c?id=%d", srv.URL, i))
			if err != nil {
				errs <- err
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := fmt.Sprintf(`{"id":"%d"}`, i); string(b) != want || resp.Header.Get("X-Id") != fmt.Sprint(i) {
				errs <- fmt.Errorf("call %d got %q %q", i, b, resp.Header.Get("X-Id"))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	reused := 0
	for range n {
		ex := <-exs
		r := ex.Response()
		id := strings.TrimPrefix(ex.First().Request.URL[strings.Index(ex.First().Request.URL, "?"):], "?id=")
		if ex.Fault != nil || r.Proto != "HTTP/2.0" || r.Header.Get("x-id") != id || ex.First().TLS == nil || ex.First().TLS.ALPN != "h2" {
			t.Errorf("call %s: fault %+v, %s, headers %v", id, ex.Fault, r.Proto, r.Header)
		}
		if ex.First().Conn.Reused {
			reused++
		}
	}
	if reused == 0 {
		t.Error("no call reused a connection")
	}
}

// TestForwardKeepAlive: the second call reuses the first one's
// connection to the upstream.
func TestForwardKeepAlive(t *testing.T) {
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	up := newUpstream(t, upstream.URL, Options{})
	srv, exs := front(t, context.Background(), up)
	var reused []bool
	for range 2 {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		reused = append(reused, (<-exs).First().Conn.Reused)
	}
	if d := cmp.Diff([]bool{false, true}, reused); d != "" {
		t.Errorf("reused (-want +got):\n%s", d)
	}
}

func TestNewUpstreamRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		base string
		want error
	}{
		"no scheme":   {"api.alteg.io", ErrUpstreamScheme},
		"ftp":         {"ftp://api.alteg.io", ErrUpstreamScheme},
		"empty port":  {"http://127.0.0.1:", ErrUpstreamScheme},
		"port only":   {"http://:8080", ErrUpstreamScheme},
		"credentials": {"https://u:p@api.alteg.io", ErrUpstreamExtra},
		"query":       {"https://api.alteg.io/?x=1", ErrUpstreamExtra},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewUpstream(tc.base, Options{}); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestUpstreamTarget(t *testing.T) {
	for name, tc := range map[string]struct{ base, in, want string }{
		"root":           {"https://api.alteg.io", "/api/v1/x?a=1", "https://api.alteg.io/api/v1/x?a=1"},
		"slash":          {"https://api.alteg.io/", "/api/v1/x", "https://api.alteg.io/api/v1/x"},
		"prefix":         {"http://127.0.0.1:9/mock/", "/api/v1/x?a=%2F", "http://127.0.0.1:9/mock/api/v1/x?a=%2F"},
		"escaped path":   {"https://api.alteg.io", "/api/v1/a%2Fb", "https://api.alteg.io/api/v1/a%2Fb"},
		"escaped prefix": {"http://h/p", "/a%2Fb", "http://h/p/a%2Fb"},
	} {
		t.Run(name, func(t *testing.T) {
			up, err := NewUpstream(tc.base, Options{})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", "http://proxy"+tc.in, nil)
			if got := up.Target(req.URL).String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestForwardTrailers: trailers the upstream sends after the body reach
// the client.
func TestForwardTrailers(t *testing.T) {
	upstream := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		w.WriteHeader(200)
		io.WriteString(w, "body")
		w.Header().Set("X-Checksum", "abc")
	})
	up := newUpstream(t, upstream.URL, Options{})
	srv, exs := front(t, context.Background(), up)
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	<-exs
	if string(b) != "body" || resp.Trailer.Get("X-Checksum") != "abc" {
		t.Errorf("body %q, trailer %v", b, resp.Trailer)
	}
}

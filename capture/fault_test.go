package capture

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// faultCase is one way a call can fail. setup returns the request, the
// options and the exact message the ticket must carry; check looks at
// what was captured before the fault.
type faultCase struct {
	kind  FaultKind
	setup func(t *testing.T) (Request, Options, string)
	check func(t *testing.T, ex *Exchange)
}

func TestReplayFaults(t *testing.T) {
	tests := map[string]faultCase{
		"dns failure": {
			kind: FaultDNS,
			setup: func(t *testing.T) (Request, Options, string) {
				return Request{Method: "GET", URL: "https://api.alteg.io.example/api/v1/company/1"},
					Options{Resolver: nxResolver(), Timeout: 5 * time.Second},
					`the name "api.alteg.io.example" could not be resolved (DNS lookup failed: no such host)`
			},
			check: func(t *testing.T, ex *Exchange) {
				h := ex.Last()
				if h.Response != nil || h.Conn.RemoteAddr != "" {
					t.Errorf("a failed lookup has a response or a peer: %+v", h)
				}
				if h.Timings.DNS == Skipped {
					t.Error("the DNS phase happened but is Skipped")
				}
				if h.Timings.Connect != Skipped || h.Timings.TLS != Skipped || h.Timings.Wait != Skipped {
					t.Errorf("phases after DNS did not happen but are %+v", h.Timings)
				}
			},
		},
		"connection refused": {
			kind: FaultRefused,
			setup: func(t *testing.T) (Request, Options, string) {
				addr := closedPort(t)
				return Request{Method: "GET", URL: "http://" + addr + "/x"}, Options{}, "the server at " + addr + " refused the connection"
			},
			check: func(t *testing.T, ex *Exchange) {
				if ex.Last().Timings.Connect != Skipped {
					t.Errorf("a refused connect has a connect time %v", ex.Last().Timings.Connect)
				}
			},
		},
		"connect timeout": {
			kind: FaultConnectTimeout,
			setup: func(t *testing.T) (Request, Options, string) {
				// A network where the connect never completes: the SYN is
				// dropped somewhere.
				release := make(chan struct{})
				t.Cleanup(func() { close(release) })
				dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
					select {
					case <-ctx.Done():
					case <-release:
					}
					return nil, &net.OpError{Op: "dial", Net: network, Err: context.DeadlineExceeded}
				}
				return Request{Method: "GET", URL: "https://192.0.2.10/api/v1/x"}, Options{Dial: dial, Timeout: 200 * time.Millisecond},
					"no connection to 192.0.2.10:443 could be made within 200ms"
			},
		},
		"response timeout": {
			kind: FaultResponseTimeout,
			setup: func(t *testing.T) (Request, Options, string) {
				release := make(chan struct{})
				srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-release:
					}
				})
				t.Cleanup(func() { close(release) }) // runs before srv.Close
				return Request{Method: "GET", URL: srv.URL + "/slow"}, Options{Timeout: 200 * time.Millisecond},
					"no answer within 200ms after the request was sent to " + hostPort(srv.URL)
			},
			check: func(t *testing.T, ex *Exchange) {
				h := ex.Last()
				if !h.Request.Header.Has("Host") {
					t.Error("the request that was sent is not recorded")
				}
				if h.Timings.Connect == Skipped || h.Timings.Wait != Skipped {
					t.Errorf("timings %+v: connect happened, no first byte came", h.Timings)
				}
			},
		},
		"TLS unknown authority": {
			kind: FaultTLS,
			setup: func(t *testing.T) (Request, Options, string) {
				srv := tlsServer(t, http.NotFoundHandler(), false)
				return Request{Method: "GET", URL: srv.URL + "/x"}, Options{},
					"the TLS handshake with " + hostPort(srv.URL) + " failed: the certificate is signed by an unknown authority (a TLS-inspecting proxy or a self-signed certificate?)"
			},
			check: func(t *testing.T, ex *Exchange) {
				tl := ex.Last().TLS
				if tl == nil || tl.VerifyKind != VerifyUnknownAuthority || len(tl.Chain) == 0 {
					t.Fatalf("TLS = %+v, want the presented chain and unknown-authority", tl)
				}
				leaf := tl.Chain[0]
				if leaf.Issuer != "O=Acme Co" || !contains(leaf.Names, "example.com") || !contains(leaf.Names, "127.0.0.1") || len(leaf.SHA256) != 64 {
					t.Errorf("leaf = %+v", leaf)
				}
				if ex.Last().Timings.TLS == Skipped {
					t.Error("the failed handshake took time but is Skipped")
				}
				if ex.Last().Conn.RemoteAddr == "" || ex.Last().Request.Proto != "" {
					t.Errorf("conn %+v, proto %q: want the peer of the failed handshake, no request sent", ex.Last().Conn, ex.Last().Request.Proto)
				}
			},
		},
		"TLS expired": {
			kind: FaultTLS,
			setup: func(t *testing.T) (Request, Options, string) {
				now := time.Now()
				cert, pool := testCert(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour), "127.0.0.1")
				addr := rawServer(t, &tls.Config{Certificates: []tls.Certificate{cert}}, func(c net.Conn) { c.Read(make([]byte, 1)) })
				return Request{Method: "GET", URL: "https://" + addr + "/"}, Options{RootCAs: pool},
					"the TLS handshake with " + addr + " failed: the certificate has expired: current time "
			},
			check: func(t *testing.T, ex *Exchange) {
				tl := ex.Last().TLS
				if tl == nil || tl.VerifyKind != VerifyExpired || len(tl.Chain) != 1 {
					t.Fatalf("TLS = %+v, want expired and the chain", tl)
				}
			},
		},
		"TLS wrong host": {
			kind: FaultTLS,
			setup: func(t *testing.T) (Request, Options, string) {
				srv := tlsServer(t, http.NotFoundHandler(), false)
				pool := trust(srv)
				// localhost is not among the test certificate's names.
				u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
				return Request{Method: "GET", URL: u}, Options{RootCAs: pool},
					"the TLS handshake with " + hostPort(srv.URL) + " failed: the certificate is not valid for this host name: "
			},
			check: func(t *testing.T, ex *Exchange) {
				if tl := ex.Last().TLS; tl == nil || tl.VerifyKind != VerifyHostname || tl.ServerName != "localhost" {
					t.Errorf("TLS = %+v, want a hostname failure for localhost", tl)
				}
			},
		},
		"plain HTTP on an https URL": {
			kind: FaultTLS,
			setup: func(t *testing.T) (Request, Options, string) {
				srv := serve(t, http.NotFoundHandler().ServeHTTP)
				u := strings.Replace(srv.URL, "http://", "https://", 1)
				return Request{Method: "GET", URL: u}, Options{},
					"the server at " + hostPort(srv.URL) + " answered in plain HTTP to a TLS handshake: the URL says https:// but the port speaks http:// (check the scheme and the port)"
			},
		},
		"reset mid-body": {
			kind: FaultReset,
			setup: func(t *testing.T) (Request, Options, string) {
				srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
					c, bw, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Error(err)
						return
					}
					defer c.Close()
					bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
					bw.WriteString(`{"success":true,"data":[` + strings.Repeat(" ", 300-24))
					bw.Flush()
				})
				return Request{Method: "GET", URL: srv.URL + "/big"}, Options{},
					"the connection to " + hostPort(srv.URL) + " broke after 300 B of the 1000 B response body (the peer closed it)"
			},
			check: func(t *testing.T, ex *Exchange) {
				r := ex.Response()
				if r == nil || r.Status != 200 {
					t.Fatalf("response = %+v, want the 200 that started", r)
				}
				if len(r.Body.Data) != 300 || !strings.HasPrefix(string(r.Body.Data), `{"success":true`) {
					t.Errorf("kept %d bytes %.20q, want the 300 that arrived", len(r.Body.Data), r.Body.Data)
				}
				if want := "the body stopped after 300 B on the wire: unexpected EOF"; r.Body.Broken != want {
					t.Errorf("Broken = %q, want %q", r.Body.Broken, want)
				}
				if ex.Last().Timings.Download == Skipped {
					t.Error("part of the body was downloaded but Download is Skipped")
				}
			},
		},
		"body stalls": {
			kind: FaultResponseTimeout,
			setup: func(t *testing.T) (Request, Options, string) {
				release := make(chan struct{})
				srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Length", "1000")
					w.Write(make([]byte, 300))
					http.NewResponseController(w).Flush()
					select {
					case <-r.Context().Done():
					case <-release:
					}
				})
				t.Cleanup(func() { close(release) })
				return Request{Method: "GET", URL: srv.URL + "/stall"}, Options{Timeout: 200 * time.Millisecond},
					"the response body from " + hostPort(srv.URL) + " stopped arriving: it did not end within 200ms, after 300 B of the 1000 B response body"
			},
			check: func(t *testing.T, ex *Exchange) {
				if r := ex.Response(); r == nil || len(r.Body.Data) != 300 || r.Body.Broken == "" {
					t.Errorf("response %+v: want the 300 B that arrived and where it stopped", r)
				}
			},
		},
		"TLS handshake never answered": {
			kind: FaultTLS,
			setup: func(t *testing.T) (Request, Options, string) {
				release := make(chan struct{})
				addr := rawServer(t, nil, func(c net.Conn) { <-release })
				t.Cleanup(func() { close(release) }) // before rawServer's cleanup waits
				return Request{Method: "GET", URL: "https://" + addr + "/"}, Options{Timeout: 200 * time.Millisecond},
					"the TLS handshake with " + addr + " did not finish within 200ms"
			},
			check: func(t *testing.T, ex *Exchange) {
				if ex.Last().Timings.Connect == Skipped || ex.Last().Conn.RemoteAddr == "" {
					t.Errorf("the connection before the handshake is not recorded: %+v", ex.Last())
				}
			},
		},
		"too many redirects": {
			kind: FaultTooManyRedirects,
			setup: func(t *testing.T) (Request, Options, string) {
				var srv *httptest.Server
				srv = serve(t, func(w http.ResponseWriter, r *http.Request) {
					n := 0
					fmt.Sscan(r.URL.Query().Get("n"), &n)
					http.Redirect(w, r, fmt.Sprintf("/loop?n=%d", n+1), http.StatusFound)
				})
				return Request{Method: "GET", URL: srv.URL + "/loop?n=0"}, Options{},
					"the server kept redirecting; stopped after 10 redirects, at " + srv.URL + "/loop"
			},
			check: func(t *testing.T, ex *Exchange) {
				if len(ex.Hops) != 11 {
					t.Fatalf("%d hops, want the first request and 10 redirects", len(ex.Hops))
				}
				for i, h := range ex.Hops {
					if h.Response == nil || h.Response.Status != 302 {
						t.Errorf("hop %d response = %+v, want the 302", i, h.Response)
					}
				}
				if got := ex.Response().Header.Get("Location"); got != "/loop?n=11" {
					t.Errorf("last Location = %q, want the one not followed", got)
				}
			},
		},
		"malformed response": {
			kind: FaultMalformed,
			setup: func(t *testing.T) (Request, Options, string) {
				addr := rawServer(t, nil, func(c net.Conn) {
					readRequestHead(bufio.NewReader(c))
					c.Write([]byte("HELLO THERE\r\n\r\n"))
				})
				return Request{Method: "GET", URL: "http://" + addr + "/"}, Options{},
					`the server at ` + addr + ` sent a response that is not valid HTTP (the status line is not HTTP); its first bytes are in the ticket`
			},
			check: func(t *testing.T, ex *Exchange) {
				if got := string(ex.Fault.Received); got != "HELLO THERE\r\n\r\n" {
					t.Errorf("Received = %q, want the bytes the server sent", got)
				}
			},
		},
		"closed before any response": {
			kind: FaultReset,
			setup: func(t *testing.T) (Request, Options, string) {
				addr := rawServer(t, nil, func(c net.Conn) { readRequestHead(bufio.NewReader(c)) })
				return Request{Method: "GET", URL: "http://" + addr + "/"}, Options{},
					"the connection to " + addr + " was closed after the request was sent, before a response arrived"
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			req, opt, want := tc.setup(t)
			ex := Replay(context.Background(), req, opt)
			if ex.Fault == nil {
				t.Fatalf("no fault; response %+v", ex.Response())
			}
			if ex.Fault.Kind != tc.kind {
				t.Errorf("kind = %q, want %q (%s)", ex.Fault.Kind, tc.kind, ex.Fault.Detail)
			}
			// A message that ends in ": " is checked as a prefix: the rest
			// comes from Go's x509 and may change between releases.
			if strings.HasSuffix(want, ": ") || strings.HasSuffix(want, "time ") {
				if !strings.HasPrefix(ex.Fault.Message, want) {
					t.Errorf("message = %q, want prefix %q", ex.Fault.Message, want)
				}
			} else if ex.Fault.Message != want {
				t.Errorf("message = %q\n          want %q", ex.Fault.Message, want)
			}
			if ex.Fault.Detail == "" {
				t.Error("no detail for support")
			}
			if len(ex.Hops) == 0 || ex.First().Request.Method != req.Method || ex.First().Request.URL != req.URL {
				t.Errorf("the request is not recorded: %+v", ex.Hops)
			}
			if ex.Total <= 0 {
				t.Errorf("total = %v", ex.Total)
			}
			if tc.check != nil {
				tc.check(t, ex)
			}
		})
	}
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestReplayTLSChainRecorded(t *testing.T) {
	srv := tlsServer(t, http.NotFoundHandler(), false)
	ex := get(srv.URL, Options{})
	sum := sha256.Sum256(srv.Certificate().Raw)
	leaf := srv.Certificate()
	want := Cert{
		Subject:   leaf.Subject.String(),
		Issuer:    leaf.Issuer.String(),
		NotBefore: leaf.NotBefore.UTC(),
		NotAfter:  leaf.NotAfter.UTC(),
		Names:     []string{"example.com", "*.example.com", "127.0.0.1", "::1"},
		SHA256:    hex.EncodeToString(sum[:]),
	}
	if ex.Last().TLS == nil || len(ex.Last().TLS.Chain) == 0 {
		t.Fatalf("no chain: %+v", ex.Last().TLS)
	}
	if d := cmp.Diff(want, ex.Last().TLS.Chain[0]); d != "" {
		t.Errorf("leaf (-want +got):\n%s", d)
	}
}

func TestReplayInsecureStillRecordsTLS(t *testing.T) {
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }), false)
	ex := get(srv.URL, Options{Insecure: true})
	if ex.Fault != nil {
		t.Fatalf("fault with -k: %+v", ex.Fault)
	}
	tl := ex.Last().TLS
	if !ex.Insecure || tl == nil || tl.VerifyError != "" || len(tl.Chain) == 0 || tl.Version == "" {
		t.Errorf("insecure %v, TLS %+v: want the session and chain, no verify error", ex.Insecure, tl)
	}
}

package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ticketParts runs the CLI with getenv and returns the text and HTML parts
// of the ticket it wrote, and the terminal output.
func ticketParts(t *testing.T, getenv func(string) string, args ...string) (text, html, terminal string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "t.eml")
	var stdout, stderr bytes.Buffer
	code := runIO(context.Background(), append([]string{"-o", out}, args...), strings.NewReader(""), &stdout, &stderr, getenv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("ticket %v, mode %v", err, fi.Mode())
	}
	tk := readTicket(t, out)
	return lf(tk.Text), lf(tk.HTML), stdout.String() + stderr.String()
}

func noEnv(string) string { return "" }

func quietTLS(t *testing.T, h http.Handler, http2 bool) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = http2
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func hostOf(u string) string { _, h, _ := strings.Cut(u, "://"); return h }

// TestRunTicketForEachFault checks, through the whole program, that each
// way a call can fail still gives a ticket that names the fault in plain
// words at the top and shows what was captured.
func TestRunTicketForEachFault(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()

	untrusted := quietTLS(t, http.NotFoundHandler(), false)
	h2 := quietTLS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"success":false}`)
	}), true)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/reset":
			c, bw, _ := http.NewResponseController(w).Hijack()
			bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n" + strings.Repeat("a", 300))
			bw.Flush()
			c.Close()
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/slow":
			<-r.Context().Done()
		case "/big":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, strings.Repeat("b", 3000))
		default:
			fmt.Fprintf(w, "auth=%q", r.Header.Get("Authorization"))
		}
	}))
	t.Cleanup(api.Close)
	garbage, _ := net.Listen("tcp", "127.0.0.1:0")
	t.Cleanup(func() { garbage.Close() })
	go func() {
		for {
			c, err := garbage.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 4096))
			c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n\r\n"))
			c.Close()
		}
	}()

	tests := map[string]struct {
		args []string
		want []string // in the text part
	}{
		"refused": {[]string{"http://" + closed + "/api/v1/x"}, []string{
			"The call failed: the server at " + closed + " refused the connection.\nCaptured before the failure: nothing went over the wire",
		}},
		"untrusted certificate": {[]string{untrusted.URL}, []string{
			"The call failed: the TLS handshake with " + hostOf(untrusted.URL) + " failed: the certificate is signed by an unknown authority",
			"Verification:   failed: the certificate is signed by an unknown authority",
			"Certificate:    O=Acme Co",
			"names   example.com, *.example.com, 127.0.0.1, ::1",
		}},
		"HTTP/2 with -k": {[]string{"-k", h2.URL}, []string{
			"Status:   401 Unauthorized (HTTP/2.0)",
			"Protocol:       HTTP/2.0",
			"TLS:            TLS 1.3, TLS_",
			", ALPN h2",
			"Verification:   skipped: verification was switched off for this call",
			"Timings:        connect ",
			"Header order:   as received",
		}},
		"reset mid-body": {[]string{api.URL + "/reset"}, []string{
			"The call failed: the connection to " + hostOf(api.URL) + " broke after 300 B of the 1000 B response body (the peer closed it).",
			"[the body stopped after 300 B on the wire: unexpected EOF]",
		}},
		"malformed": {[]string{"http://" + garbage.Addr().String() + "/"}, []string{
			`sent a response that is not valid HTTP (the status line is not HTTP); its first bytes are in the ticket.`,
		}},
		"redirect loop": {[]string{api.URL + "/loop"}, []string{
			"The call failed: the server kept redirecting; stopped after 10 redirects, at " + api.URL + "/loop.",
			"## Redirects\nThe call took 11 requests:\n1. GET " + api.URL + "/loop\n   -> 302 Found, Location: /loop",
		}},
		"response timeout": {[]string{"--timeout", "200ms", api.URL + "/slow"}, []string{
			"The call failed: no answer within 200ms after the request was sent to " + hostOf(api.URL) + ".",
		}},
		"truncated": {[]string{"--max-body", "1KiB", api.URL + "/big"}, []string{
			"[response body truncated: kept 1.0 KiB of 2.9 KiB]",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			text, _, term := ticketParts(t, noEnv, tc.args...)
			// Prose wraps at 80 columns: a sentence may match only with its
			// line breaks undone.
			flat := strings.Join(strings.Fields(text), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) && !strings.Contains(flat, w) {
					t.Errorf("the ticket lacks %q\n%s", w, text)
				}
			}
			if len(tc.want) > 0 && strings.HasPrefix(tc.want[0], "The call failed: ") {
				msg := strings.SplitN(strings.TrimPrefix(tc.want[0], "The call failed: "), ".\n", 2)[0]
				msg = strings.TrimSuffix(msg, ".")
				if !strings.Contains(term, msg) {
					t.Errorf("the terminal summary lacks the fault %q:\n%s", msg, term)
				}
				// The head, the first screen, names the fault.
				head, _, _ := strings.Cut(text, "\n## ")
				if !strings.Contains(strings.Join(strings.Fields(head), " "), msg) {
					t.Errorf("the head lacks the fault %q:\n%s", msg, head)
				}
			}
		})
	}
}

func TestRunRedirectToAnotherHost(t *testing.T) {
	var seen []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
	}))
	t.Cleanup(target.Close)
	start := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/landed", http.StatusFound)
	}))
	t.Cleanup(start.Close)
	text, _, _ := ticketParts(t, noEnv, "-H", "Authorization: Bearer partner-0123456789abcdef", strings.Replace(start.URL, "127.0.0.1", "localhost", 1)+"/go")
	if len(seen) != 1 || seen[0] != "" {
		t.Errorf("the other host saw Authorization %q", seen)
	}
	flat := strings.Join(strings.Fields(text), " ") // the line wraps at 80 columns
	if want := "Authorization was not sent to " + hostOf(target.URL) + " (another host than the first request)"; !strings.Contains(flat, want) {
		t.Errorf("the ticket lacks %q:\n%s", want, text)
	}
}

func TestRunProxyCredentialsStayOut(t *testing.T) {
	const user, pass = "corp-user", "s3cret-Proxy-Pass"
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "upstream unreachable")
	}))
	t.Cleanup(proxy.Close)
	env := map[string]string{"HTTP_PROXY": "http://" + user + ":" + pass + "@" + hostOf(proxy.URL)}
	text, html, term := ticketParts(t, func(k string) string { return env[k] }, "http://api.alteg.io.example/api/v1/x")
	if want := "Proxy:          http://" + hostOf(proxy.URL); !strings.Contains(text, want) {
		t.Errorf("the ticket lacks %q", want)
	}
	for _, s := range []string{user, pass} {
		for where, got := range map[string]string{"text": text, "html": html, "terminal": term} {
			if strings.Contains(got, s) {
				t.Errorf("the proxy credential %q is in the %s", s, where)
			}
		}
	}
}

func TestRunMaxBodyUsage(t *testing.T) {
	for _, bad := range []string{"lots", "0", "-5MiB", "2TiB"} {
		code, _, stderr := runCLI(t, "", "--max-body", bad, "http://127.0.0.1:1/")
		if code != 2 || !strings.Contains(stderr, "--max-body") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("--max-body %s: exit %d, stderr %q; want a one-line usage error", bad, code, stderr)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := map[string]int64{"1048576": 1 << 20, "5MiB": 5 << 20, "5M": 5 << 20, "512k": 512 << 10, "1.5 MB": 1500000, "1.5M": 3 << 19, "1G": 1 << 30, "100B": 100}
	for in, want := range tests {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

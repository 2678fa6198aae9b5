package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
)

const proxySecret = "s3cret-Proxy-Pass"

// faultExchange is a call that was redirected to another host through a
// proxy and failed there on an untrusted certificate: the case where the
// Connection and Redirects sections carry the diagnosis.
func faultExchange() *capture.Exchange {
	ms := time.Millisecond
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	chain := []capture.Cert{
		{Subject: "CN=api.alteg.io", Issuer: "CN=Corp Inspection CA,O=Corp", NotBefore: start.AddDate(0, -1, 0), NotAfter: start.AddDate(0, 2, 0),
			Names: []string{"api.alteg.io", "*.alteg.io"}, SHA256: strings.Repeat("ab", 32)},
		{Subject: "CN=Corp Inspection CA,O=Corp", Issuer: "CN=Corp Inspection CA,O=Corp", NotBefore: start.AddDate(-5, 0, 0), NotAfter: start.AddDate(0, 0, -1),
			SHA256: strings.Repeat("cd", 32)},
	}
	return &capture.Exchange{
		Source:  capture.Source{Replayed: true, From: "command line"},
		Started: start,
		Total:   80 * ms,
		Proxy:   "http://corp-user:" + proxySecret + "@proxy.corp.example:3128",
		Hops: []capture.Hop{
			{
				Request: capture.Sent{Method: "GET", URL: "https://alteg.io/api/v1/records/123", Proto: "HTTP/1.1", Header: capture.Headers{
					{Name: "Host", Value: "alteg.io", Origin: capture.FromTransport},
					{Name: "Authorization", Value: "Bearer " + partner, Origin: capture.FromUser},
				}},
				Response: &capture.Response{Proto: "HTTP/1.1", Status: 301, StatusText: "Moved Permanently", WireOrder: true,
					Header: capture.Headers{{Name: "Location", Value: "https://api.alteg.io/api/v1/records/123?<x>"}}},
				Timings: capture.Timings{DNS: capture.Skipped, Connect: 3 * ms, TLS: 10 * ms, Wait: 20 * ms, Download: ms, Total: 35 * ms},
				Conn:    capture.Conn{RemoteAddr: "10.0.0.8:3128"},
				TLS:     &capture.TLS{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ALPN: "http/1.1", ServerName: "alteg.io"},
			},
			{
				Request: capture.Sent{Method: "GET", URL: "https://api.alteg.io/api/v1/records/123?<x>", Header: capture.Headers{
					{Name: "Accept", Value: "*/*", Origin: capture.FromTool},
				}},
				Timings: capture.Timings{DNS: capture.Skipped, Connect: 4 * ms, TLS: 12 * ms, Wait: capture.Skipped, Download: capture.Skipped, Total: 40 * ms},
				Conn:    capture.Conn{RemoteAddr: "10.0.0.8:3128"},
				TLS: &capture.TLS{ServerName: "api.alteg.io", Chain: chain, VerifyKind: capture.VerifyUnknownAuthority,
					VerifyError: "the certificate is signed by an unknown authority (a TLS-inspecting proxy or a self-signed certificate?)"},
				Dropped: []string{"Authorization"},
			},
		},
		Fault: &capture.Fault{Kind: capture.FaultTLS,
			Message: "the TLS handshake with api.alteg.io:443 (through the proxy at 10.0.0.8:3128) failed: the certificate is signed by an unknown authority (a TLS-inspecting proxy or a self-signed certificate?)",
			Detail:  `Get "https://api.alteg.io/api/v1/records/123?<x>": tls: failed to verify certificate: x509: certificate signed by unknown authority`},
	}
}

func faultTicket(t *testing.T) Ticket {
	t.Helper()
	res := redact.Scrub(faultExchange(), redact.Policy{})
	return Ticket{Exchange: res.Exchange, Secrets: res.Secrets, Redact: res.Bytes,
		Date: time.Date(2026, 11, 29, 10, 0, 1, 0, time.UTC), MessageID: "golden-fault@altegio-ticket", Boundary: "GOLDEN", Version: "v0.0.0-test"}
}

func TestWriteFaultGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, faultTicket(t)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "ticket-tls-fault.eml", buf.Bytes())
}

func TestFaultTicketShowsConnectionAndRedirects(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, faultTicket(t)); err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, buf.Bytes())
	text, html := strings.ReplaceAll(parts[0].Body, "\r\n", "\n"), parts[1].Body

	// The fault is in the head, in one sentence, before any section.
	faultAt := strings.Index(text, "Answer:   no answer: the TLS handshake with api.alteg.io:443")
	if faultAt < 0 || faultAt > strings.Index(text, "## ") {
		t.Errorf("the fault is not in the head of the text part:\n%s", text)
	}
	for _, want := range []string{
		"Remote address: 10.0.0.8:3128\nProxy:          http://proxy.corp.example:3128",
		"Verification:   failed: the certificate is signed by an unknown authority",
		"Certificate:    CN=api.alteg.io\n                issuer  CN=Corp Inspection CA,O=Corp\n                valid   2026-10-29 to 2027-01-29\n                names   api.alteg.io, *.alteg.io\n                sha256  " + strings.Repeat("ab", 32),
		"Chain #2:       CN=Corp Inspection CA,O=Corp",
		"valid   2021-11-29 to 2026-11-28 (expired)",
		"## Redirects\nThe call took 2 requests:\n1. GET https://alteg.io/api/v1/records/123\n   -> 301 Moved Permanently, Location:\n      https://api.alteg.io/api/v1/records/123?<x> (35ms)\n2. GET https://api.alteg.io/api/v1/records/123?<x>\n   -> no response (40ms)\n   Authorization was not sent to api.alteg.io (another host than the first\n   request)",
		"Timings:        connect 4ms | tls 12ms = 80ms total",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks:\n%s", want)
		}
	}
	// Prose wraps at 80 columns; compare it with the line breaks undone.
	if want := "Captured before the failure: the connection and the TLS handshake up to the certificate check, with the chain the server presented."; !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
		t.Errorf("text part lacks:\n%s", want)
	}
	for _, want := range []string{"Chain #2", "Authorization was not sent to api.alteg.io", "http://proxy.corp.example:3128", "Location: <span", "?&lt;x&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q", want)
		}
	}
	if strings.Contains(html, "?<x>") {
		t.Error("HTML part holds an unescaped URL")
	}
	// Proxy credentials appear nowhere, in any part.
	for _, p := range parts {
		for _, s := range []string{proxySecret, "corp-user"} {
			if strings.Contains(p.Body, s) {
				t.Errorf("%s %s holds the proxy credential %q", p.ContentType, p.Filename, s)
			}
		}
	}
}

func TestCapturedBefore(t *testing.T) {
	ms := time.Millisecond
	resp := &capture.Response{Status: 200, Body: capture.Body{Size: 300}}
	tests := map[string]struct {
		hop  capture.Hop
		want string
	}{
		"nothing":    {capture.Hop{Timings: capture.NoTimings()}, "nothing went over the wire; the request below is the one that was to be sent"},
		"dns only":   {capture.Hop{Timings: capture.Timings{DNS: ms, Connect: capture.Skipped, TLS: capture.Skipped, Wait: capture.Skipped, Download: capture.Skipped}}, "the DNS lookup"},
		"mid-body":   {capture.Hop{Request: capture.Sent{Proto: "HTTP/1.1"}, Response: resp, Timings: capture.Timings{DNS: capture.Skipped, Connect: ms, TLS: capture.Skipped, Wait: ms, Download: ms}}, "the connection, the request as sent, the response status and headers and 300 B of the response body"},
		"tls failed": {capture.Hop{TLS: &capture.TLS{Version: "TLS 1.3", VerifyError: "x", Chain: []capture.Cert{{}}}, Timings: capture.Timings{DNS: capture.Skipped, Connect: ms, TLS: ms, Wait: capture.Skipped, Download: capture.Skipped}}, "the connection and the TLS handshake up to the certificate check, with the chain the server presented"},
		"tls chain":  {capture.Hop{TLS: &capture.TLS{Chain: []capture.Cert{{}}}, Timings: capture.Timings{DNS: ms, Connect: ms, TLS: ms, Wait: capture.Skipped, Download: capture.Skipped}}, "the DNS lookup, the connection and the certificate chain the server presented"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := capturedBefore(&tc.hop); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestNoRedirectsSectionForOneHop(t *testing.T) {
	tk := sampleTicket(t)
	v := newView(&tk, &tk.Exchange, nil, nil)
	html, err := renderHTML(v)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(renderText(v), "## Redirects") || strings.Contains(html, ">Redirects<") {
		t.Error("a single request has a Redirects section")
	}
}

// TestReusedConnectionSaysFromWhat: a replay reuses a connection only for
// a redirect's next hop; a call through the proxy reuses one kept alive
// from the integration's earlier calls, and the ticket says which.
func TestReusedConnectionSaysFromWhat(t *testing.T) {
	for clock, want := range map[capture.Clock]string{
		capture.ClockRun:   "10.0.0.8:3128 (connection reused from an earlier hop)",
		capture.ClockProxy: "10.0.0.8:3128 (connection reused from an earlier call through the proxy)",
	} {
		ex := faultExchange()
		ex.Source.Clock = clock
		ex.Hops[len(ex.Hops)-1].Conn.Reused = true
		var v view
		v.addConnection(ex)
		if v.Remote != want {
			t.Errorf("clock %q: Remote = %q, want %q", clock, v.Remote, want)
		}
	}
}

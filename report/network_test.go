package report

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
)

// TestNetworkOptionsShown: what curl's connection options did is in both
// parts of the ticket: where --resolve or --connect-to sent the
// connection, the CAs the server was checked against, the client
// certificate the server asked for, and the two requests of --digest.
func TestNetworkOptionsShown(t *testing.T) {
	tk := sampleTicket(t)
	ex := &tk.Exchange
	first := ex.Hops[0]
	first.Conn.Routes = []capture.Route{
		{For: "api.alteg.io:443", To: "node1.internal:8443", By: capture.RouteConnectTo},
		{For: "node1.internal:8443", To: "10.0.0.5:8443", By: capture.RouteResolve},
	}
	first.TLS = &capture.TLS{Version: "TLS 1.3", ClientCertAsked: true,
		ClientCert: &capture.Cert{Subject: "CN=partner-42", Issuer: "CN=Corp CA"}}
	ex.TrustedCAs = "the system's and corp.pem (1 certificate)"
	probe := first
	probe.Response = &capture.Response{Proto: "HTTP/1.1", Status: 401, StatusText: "Unauthorized"}
	probe.TLS = nil
	answer := first
	answer.Auth = "digest"
	ex.Hops = []capture.Hop{probe, answer}

	var buf bytes.Buffer
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"api.alteg.io:443 at node1.internal:8443 (--connect-to: connected there instead); then node1.internal:8443 at 10.0.0.5:8443 (--resolve: the address given for the host)",
		"passed (checked against the system's and corp.pem (1 certificate))",
		"CN=partner-42, issued by CN=Corp CA (the server asked for one)",
		"the answer to the Digest challenge of the 401 before it (curl --digest): the same request with Authorization: Digest",
		"The call took 2 requests",
	}
	_, parts := readParts(t, buf.Bytes())
	seen := 0
	for _, p := range parts {
		if p.ContentType != "text/plain" && p.ContentType != "text/html" {
			continue
		}
		seen++
		body := strings.Join(strings.Fields(p.Body), " ")
		if p.ContentType == "text/html" {
			body = html.UnescapeString(body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s part lacks %q", p.ContentType, w)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("%d text parts", seen)
	}
}

// TestClientCertAskedNotGiven: a server that asked for a client
// certificate and got none is said so, the likely cause of its refusal.
func TestClientCertAskedNotGiven(t *testing.T) {
	tk := sampleTicket(t)
	tk.Exchange.Hops[0].TLS = &capture.TLS{Version: "TLS 1.3", ClientCertAsked: true}
	var buf bytes.Buffer
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, buf.Bytes())
	for _, p := range parts {
		if p.ContentType == "text/plain" && !strings.Contains(strings.Join(strings.Fields(p.Body), " "), "the server asked for one; none was given (curl --cert)") {
			t.Error("the ticket does not say the server asked for a client certificate")
		}
	}
}

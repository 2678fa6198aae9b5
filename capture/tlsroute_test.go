package capture

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture/internal/testpki"
	"github.com/google/go-cmp/cmp"
)

// TestResolveAndConnectTo: Options.Resolve (curl --resolve) and
// Options.ConnectTo (--connect-to) reach a host by another address while
// TLS (the server name, the certificate check) and the Host header stay
// the URL's, as in curl; each hop records where it went. DNS fails for
// every name here, so a call that succeeds went where it was sent.
func TestResolveAndConnectTo(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	server := pkiServer(t, ca, nil)
	_, portText, _ := net.SplitHostPort(server)
	port, _ := strconv.Atoi(portText)
	closed := closedPort(t)
	_, closedPortText, _ := net.SplitHostPort(closed)
	closedN, _ := strconv.Atoi(closedPortText)
	tests := map[string]struct {
		url       string
		resolve   []Resolve
		connectTo []ConnectTo
		routes    []Route
		fault     FaultKind
	}{
		// curl --resolve api.alteg.io.example:PORT:127.0.0.1
		"resolve": {url: "https://api.alteg.io.example:" + portText + "/x",
			resolve: []Resolve{{Host: "api.alteg.io.example", Port: port, Addrs: []string{"127.0.0.1"}}},
			routes:  []Route{{For: "api.alteg.io.example:" + portText, To: server, By: RouteResolve}}},
		// Several addresses are tried in order, as curl tries them.
		"resolve, first address closed": {url: "https://example.com:" + portText + "/x",
			resolve: []Resolve{{Host: "example.com", Port: port, Addrs: []string{"127.0.0.2", "127.0.0.1"}}},
			routes:  []Route{{For: "example.com:" + portText, To: "127.0.0.2:" + portText + ", " + server, By: RouteResolve}}},
		"resolve any host": {url: "https://example.com:" + portText + "/x",
			resolve: []Resolve{{Host: "*", Port: port, Addrs: []string{"127.0.0.1"}}},
			routes:  []Route{{For: "example.com:" + portText, To: server, By: RouteResolve}}},
		// An entry for another port does not apply, as in curl.
		"resolve for another port": {url: "https://example.com:" + portText + "/x",
			resolve: []Resolve{{Host: "example.com", Port: 443, Addrs: []string{"127.0.0.1"}}},
			fault:   FaultDNS},
		// curl --connect-to example.com:443:127.0.0.1:PORT
		"connect-to": {url: "https://example.com/x",
			connectTo: []ConnectTo{{Host: "example.com", Port: 443, ToHost: "127.0.0.1", ToPort: port}},
			routes:    []Route{{For: "example.com:443", To: server, By: RouteConnectTo}}},
		// curl --connect-to ::127.0.0.1:PORT: any host, any port.
		"connect-to any": {url: "https://api.alteg.io.example/x",
			connectTo: []ConnectTo{{ToHost: "127.0.0.1", ToPort: port}},
			routes:    []Route{{For: "api.alteg.io.example:443", To: server, By: RouteConnectTo}}},
		// The first entry that matches wins.
		"connect-to, first match": {url: "https://example.com/x",
			connectTo: []ConnectTo{{Host: "other.example", ToHost: "127.0.0.1", ToPort: closedN}, {Host: "example.com", ToHost: "127.0.0.1", ToPort: port}},
			routes:    []Route{{For: "example.com:443", To: server, By: RouteConnectTo}}},
		// --connect-to to a name, and --resolve for that name.
		"connect-to then resolve": {url: "https://example.com/x",
			connectTo: []ConnectTo{{Host: "example.com", ToHost: "node1.internal", ToPort: port}},
			resolve:   []Resolve{{Host: "node1.internal", Port: port, Addrs: []string{"127.0.0.1"}}},
			routes: []Route{{For: "example.com:443", To: "node1.internal:" + portText, By: RouteConnectTo},
				{For: "node1.internal:" + portText, To: server, By: RouteResolve}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := get(tc.url, Options{Resolve: tc.resolve, ConnectTo: tc.connectTo, RootCAs: ca.Pool(), Resolver: nxResolver()})
			if tc.fault != "" {
				if ex.Fault == nil || ex.Fault.Kind != tc.fault {
					t.Fatalf("fault %+v, want %s", ex.Fault, tc.fault)
				}
				return
			}
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			h := ex.Last()
			if d := cmp.Diff(tc.routes, h.Conn.Routes); d != "" {
				t.Errorf("routes (-want +got):\n%s", d)
			}
			host := strings.SplitN(strings.TrimPrefix(tc.url, "https://"), "/", 2)[0]
			if h.TLS == nil || h.TLS.ServerName != strings.Split(host, ":")[0] || h.TLS.VerifyError != "" {
				t.Errorf("TLS %+v: the server name and check must stay the URL's", h.TLS)
			}
			if !strings.Contains(string(ex.Response().Body.Data), `"host":"`+host+`"`) {
				t.Errorf("body %s: the Host header must stay the URL's", ex.Response().Body.Data)
			}
		})
	}
}

// TestTLSClientCertificates: a server that asks for a client certificate
// gets Options.Certificates' first (curl --cert/--key), and the hop
// records that it asked and what it got; without one the handshake fails
// and the record says the server asked.
func TestTLSClientCertificates(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	clientCA := testpki.NewCA(t, "client CA")
	mtls := pkiServer(t, ca, clientCA)
	plain := pkiServer(t, ca, nil)
	client := clientCA.Client(t, "partner-42")
	stranger := testpki.NewCA(t, "other CA").Client(t, "stranger")
	tests := map[string]struct {
		server   string
		certs    []tls.Certificate
		asked    bool
		sent     string // the CN of the certificate recorded as sent
		fault    FaultKind
		bodyHave string
	}{
		"asked and given":          {server: mtls, certs: []tls.Certificate{client.TLS}, asked: true, sent: "CN=partner-42", bodyHave: `"client":"partner-42"`},
		"asked and not given":      {server: mtls, asked: true, fault: FaultTLS},
		"asked, given a wrong one": {server: mtls, certs: []tls.Certificate{stranger.TLS}, asked: true, sent: "CN=stranger", fault: FaultTLS},
		"not asked, given":         {server: plain, certs: []tls.Certificate{client.TLS}, bodyHave: `"client":"nobody"`},
		"given without a leaf yet": {server: mtls, certs: []tls.Certificate{{Certificate: client.TLS.Certificate, PrivateKey: client.TLS.PrivateKey}}, asked: true, sent: "CN=partner-42", bodyHave: `"client":"partner-42"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := get("https://example.com/x", Options{Certificates: tc.certs, RootCAs: ca.Pool(), RootCAsFrom: "ca.pem (1 certificate)",
				ConnectTo: []ConnectTo{{ToHost: "127.0.0.1", ToPort: portNumber(tc.server)}}})
			switch {
			case tc.fault != "" && (ex.Fault == nil || ex.Fault.Kind != tc.fault):
				t.Fatalf("fault %+v, want %s", ex.Fault, tc.fault)
			case tc.fault == "" && ex.Fault != nil:
				t.Fatalf("fault %+v", ex.Fault)
			}
			if ex.TrustedCAs != "ca.pem (1 certificate)" {
				t.Errorf("TrustedCAs = %q", ex.TrustedCAs)
			}
			h := ex.Last()
			if h.TLS == nil {
				t.Fatal("no TLS record")
			}
			sent := ""
			if h.TLS.ClientCert != nil {
				sent = h.TLS.ClientCert.Subject
			}
			if h.TLS.ClientCertAsked != tc.asked || sent != tc.sent {
				t.Errorf("asked %v, sent %q; want %v, %q", h.TLS.ClientCertAsked, sent, tc.asked, tc.sent)
			}
			if tc.bodyHave != "" && !strings.Contains(string(ex.Response().Body.Data), tc.bodyHave) {
				t.Errorf("body %s, want %s", ex.Response().Body.Data, tc.bodyHave)
			}
		})
	}
}

// TestTLSCustomCA: a server whose certificate a private CA issued (a
// TLS-inspecting proxy's, say) fails verification against the system
// roots and passes against that CA (curl --cacert).
func TestTLSCustomCA(t *testing.T) {
	ca := testpki.NewCA(t, "Corp Inspection CA")
	server := pkiServer(t, ca, nil)
	route := []ConnectTo{{ToHost: "127.0.0.1", ToPort: portNumber(server)}}
	ex := get("https://example.com/x", Options{ConnectTo: route})
	if ex.Fault == nil || ex.Fault.Kind != FaultTLS || ex.Last().TLS.VerifyKind != VerifyUnknownAuthority {
		t.Errorf("with the system roots: fault %+v", ex.Fault)
	}
	ex = get("https://example.com/x", Options{ConnectTo: route, RootCAs: ca.Pool()})
	if ex.Fault != nil || ex.Last().TLS.VerifyError != "" {
		t.Errorf("with the CA: fault %+v, TLS %+v", ex.Fault, ex.Last().TLS)
	}
}

func portNumber(hostPort string) int {
	_, p, _ := net.SplitHostPort(hostPort)
	n, _ := strconv.Atoi(p)
	return n
}

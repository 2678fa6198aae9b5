package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/altegio/altegio-ticket/capture/internal/testpki"
	"github.com/google/go-cmp/cmp"
)

// recProxy is a loopback HTTP proxy that keeps the raw head of every
// request it gets. CONNECT opens a tunnel to upstream (whatever the
// request names: the test's names do not resolve), unless status says
// otherwise; a plain request is answered by the proxy itself.
type recProxy struct {
	addr     string
	upstream string
	status   int // answer to CONNECT; 0 means 200

	mu    sync.Mutex
	heads []string
}

func (p *recProxy) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.heads...)
}

// startRecProxy starts a recProxy; with cfg it speaks TLS (an https://
// proxy).
func startRecProxy(t *testing.T, upstream string, cfg *tls.Config) *recProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	p := &recProxy{addr: ln.Addr().String(), upstream: upstream}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *recProxy) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			head.WriteString(line)
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
		}
		p.mu.Lock()
		p.heads = append(p.heads, head.String())
		p.mu.Unlock()
		if !strings.HasPrefix(head.String(), "CONNECT ") {
			body := fmt.Sprintf(`{"via":"proxy","line":%q}`, strings.SplitN(head.String(), "\r\n", 2)[0])
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			continue
		}
		if p.status != 0 && p.status != 200 {
			fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n", p.status, http.StatusText(p.status))
			return
		}
		up, err := net.Dial("tcp", p.upstream)
		if err != nil {
			io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
			return
		}
		io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { io.Copy(up, br); up.Close() }()
		io.Copy(c, up)
		return
	}
}

// socksReq is what a SOCKS client asked the test proxy for.
type socksReq struct {
	Version    int
	Host       string // the name or the address sent
	Port       int
	User, Pass string
}

// startSocks starts a loopback SOCKS4/4a/5 proxy that records each
// request and connects it to upstream. With user set, SOCKS5 clients
// must authenticate with user and pass.
func startSocks(t *testing.T, upstream, user, pass string) (addr string, got func() []socksReq) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var reqs []socksReq
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r, ok := socksServe(c, user, pass)
				mu.Lock()
				reqs = append(reqs, r)
				mu.Unlock()
				if !ok {
					return
				}
				up, err := net.Dial("tcp", upstream)
				if err != nil {
					return
				}
				go func() { io.Copy(up, c); up.Close() }()
				io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().String(), func() []socksReq { mu.Lock(); defer mu.Unlock(); return append([]socksReq(nil), reqs...) }
}

func socksServe(c net.Conn, user, pass string) (socksReq, bool) {
	br := bufio.NewReader(c)
	ver, _ := br.ReadByte()
	r := socksReq{Version: int(ver)}
	if ver == 4 {
		var h [7]byte
		io.ReadFull(br, h[:])
		r.Port = int(binary.BigEndian.Uint16(h[1:3]))
		id, _ := br.ReadString(0)
		r.User = strings.TrimSuffix(id, "\x00")
		r.Host = net.IP(h[3:7]).String()
		if h[3] == 0 && h[4] == 0 && h[5] == 0 && h[6] != 0 {
			name, _ := br.ReadString(0)
			r.Host = strings.TrimSuffix(name, "\x00")
		}
		c.Write([]byte{0, 0x5a, 0, 0, 0, 0, 0, 0})
		return r, true
	}
	n, _ := br.ReadByte()
	methods := make([]byte, n)
	io.ReadFull(br, methods)
	if user != "" {
		if !bytes.Contains(methods, []byte{2}) {
			c.Write([]byte{5, 0xff})
			return r, false
		}
		c.Write([]byte{5, 2})
		br.ReadByte()
		l, _ := br.ReadByte()
		u := make([]byte, l)
		io.ReadFull(br, u)
		l, _ = br.ReadByte()
		pw := make([]byte, l)
		io.ReadFull(br, pw)
		r.User, r.Pass = string(u), string(pw)
		if r.User != user || r.Pass != pass {
			c.Write([]byte{1, 1})
			return r, false
		}
		c.Write([]byte{1, 0})
	} else {
		c.Write([]byte{5, 0})
	}
	var h [4]byte
	io.ReadFull(br, h[:])
	switch h[3] {
	case 1:
		ip := make([]byte, 4)
		io.ReadFull(br, ip)
		r.Host = net.IP(ip).String()
	case 4:
		ip := make([]byte, 16)
		io.ReadFull(br, ip)
		r.Host = net.IP(ip).String()
	case 3:
		l, _ := br.ReadByte()
		name := make([]byte, l)
		io.ReadFull(br, name)
		r.Host = string(name)
	}
	var port [2]byte
	io.ReadFull(br, port[:])
	r.Port = int(binary.BigEndian.Uint16(port[:]))
	c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
	return r, true
}

// pkiServer is an HTTPS server whose certificate, for example.com and
// api.alteg.io.example, the CA issued; with clientCA it requires a
// client certificate that clientCA issued.
func pkiServer(t *testing.T, ca, clientCA *testpki.CA) string {
	t.Helper()
	leaf := ca.Server(t, "example.com", "api.alteg.io.example")
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		who := "nobody"
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			who = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		fmt.Fprintf(w, `{"host":%q,"client":%q}`, r.Host, who)
	}), false)
	srv.TLS.Certificates = []tls.Certificate{leaf.TLS}
	if clientCA != nil {
		srv.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		srv.TLS.ClientCAs = clientCA.Pool()
	}
	return hostPort(srv.URL)
}

func ptrTo[T any](v T) *T { return &v }

// TestProxyOption: Options.Proxy (curl -x) for every kind of proxy curl
// takes. Each case states what real curl 7.88.1 sends, as recorded with
// a loopback proxy.
func TestProxyOption(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	server := pkiServer(t, ca, nil)
	plain := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"via":"direct","host":%q}`, r.Host)
	})
	creds := proxyUser + ":" + proxyPass + "@"
	basic := "Basic Y29ycC11c2VyOnMzY3JldC1Qcm94eS1QYXNz"

	httpProxy := startRecProxy(t, server, nil)
	proxyCA := testpki.NewCA(t, "proxy CA")
	httpsProxy := startRecProxy(t, server, &tls.Config{Certificates: []tls.Certificate{proxyCA.Server(t, "127.0.0.1").TLS}})
	socks, socksGot := startSocks(t, server, "", "")
	socksAuth, socksAuthGot := startSocks(t, server, proxyUser, proxyPass)

	type want struct {
		heads  []string   // what the HTTP proxy got
		socks  []socksReq // what the SOCKS proxy got
		body   string     // a substring of the response body
		header string     // the recorded Proxy-Connection, if any
	}
	tests := map[string]struct {
		proxy   string
		url     string
		tunnel  bool
		noProxy *string
		env     map[string]string
		heads   func() []string
		socks   func() []socksReq
		want    want
	}{
		// curl -x http://u:p@proxy https://example.com/x
		"https through an HTTP proxy": {proxy: "http://" + creds + httpProxy.addr, url: "https://example.com/x", heads: httpProxy.got,
			want: want{heads: []string{"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: " + basic + "\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n"}, body: `"host":"example.com"`}},
		// curl -x proxy http://example.com/y?z=1 (no scheme: http://)
		"http through an HTTP proxy": {proxy: httpProxy.addr, url: "http://example.com/y?z=1", heads: httpProxy.got,
			want: want{heads: []string{"GET http://example.com/y?z=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nProxy-Connection: Keep-Alive\r\n\r\n"},
				body: `"line":"GET http://example.com/y?z=1 HTTP/1.1"`, header: "Keep-Alive"}},
		// curl -p -x proxy http://example.com:443/ tunnels plain HTTP too.
		"http tunnelled with -p": {proxy: "http://" + httpProxy.addr, url: "http://example.com:443/p", tunnel: true, heads: httpProxy.got,
			want: want{heads: []string{"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n"}}},
		"https through an https:// proxy": {proxy: "https://" + httpsProxy.addr, url: "https://example.com/x", heads: httpsProxy.got,
			want: want{heads: []string{"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n"}, body: `"host":"example.com"`}},
		"http through an https:// proxy": {proxy: "https://" + httpsProxy.addr, url: "http://example.com/h", heads: httpsProxy.got,
			want: want{heads: []string{"GET http://example.com/h HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nProxy-Connection: Keep-Alive\r\n\r\n"}, header: "Keep-Alive"}},
		// socks5h: the proxy resolves the name, so the name is sent.
		"socks5h sends the name": {proxy: "socks5h://" + socks, url: "https://example.com/x", socks: socksGot,
			want: want{socks: []socksReq{{Version: 5, Host: "example.com", Port: 443}}, body: `"host":"example.com"`}},
		// socks5: curl resolves here and sends the address.
		"socks5 sends the address": {proxy: "socks5://" + socks, url: "https://localhost:443/x", socks: socksGot,
			want: want{socks: []socksReq{{Version: 5, Host: "127.0.0.1", Port: 443}}}},
		"socks5 with a password": {proxy: "socks5h://" + creds + socksAuth, url: "https://example.com/x", socks: socksAuthGot,
			want: want{socks: []socksReq{{Version: 5, Host: "example.com", Port: 443, User: proxyUser, Pass: proxyPass}}, body: `"host":"example.com"`}},
		"socks4a sends the name": {proxy: "socks4a://" + socks, url: "https://example.com/x", socks: socksGot,
			want: want{socks: []socksReq{{Version: 4, Host: "example.com", Port: 443}}, body: `"host":"example.com"`}},
		"socks4 sends the address": {proxy: "socks4://" + socks, url: "https://localhost:8443/x", socks: socksGot,
			want: want{socks: []socksReq{{Version: 4, Host: "127.0.0.1", Port: 8443}}}},
		// -x applies to loopback hosts too; --noproxy takes them out.
		"noproxy list": {proxy: "http://" + httpProxy.addr, url: plain.URL + "/n", noProxy: ptrTo("example.org, 127.0.0.1"), heads: httpProxy.got,
			want: want{body: `"via":"direct"`}},
		"noproxy star": {proxy: "http://" + httpProxy.addr, url: plain.URL + "/n", noProxy: ptrTo("*"), heads: httpProxy.got,
			want: want{body: `"via":"direct"`}},
		// curl reads no_proxy for -x too, unless --noproxy is given.
		"NO_PROXY applies to -x": {proxy: "http://" + httpProxy.addr, url: plain.URL + "/n", env: map[string]string{"no_proxy": "127.0.0.0/8"}, heads: httpProxy.got,
			want: want{body: `"via":"direct"`}},
		"--noproxy empty overrides NO_PROXY": {proxy: "http://" + httpProxy.addr, url: "http://127.0.0.1:9/e", noProxy: ptrTo(""), env: map[string]string{"NO_PROXY": "*"}, heads: httpProxy.got,
			want: want{heads: []string{"GET http://127.0.0.1:9/e HTTP/1.1\r\nHost: 127.0.0.1:9\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nProxy-Connection: Keep-Alive\r\n\r\n"}, header: "Keep-Alive"}},
		// -x replaces the proxy variables.
		"-x wins over HTTPS_PROXY": {proxy: "http://" + httpProxy.addr, url: "https://example.com/w", env: map[string]string{"HTTPS_PROXY": "http://127.0.0.1:1"}, heads: httpProxy.got,
			want: want{heads: []string{"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var before int
			if tc.heads != nil {
				before = len(tc.heads())
			}
			var beforeSocks int
			if tc.socks != nil {
				beforeSocks = len(tc.socks())
			}
			req := Request{Method: "GET", URL: tc.url, Header: Headers{
				{Name: "User-Agent", Value: "curl/7.88.1", Origin: FromTool}, {Name: "Accept", Value: "*/*", Origin: FromTool}}}
			ex := Replay(context.Background(), req, Options{Proxy: tc.proxy, NoProxy: tc.noProxy, ProxyTunnel: tc.tunnel, Getenv: proxyEnv(tc.env),
				RootCAs: ca.Pool(), ProxyRootCAs: proxyCA.Pool(), Resolver: nxResolver()})
			if tc.want.body != "" {
				if ex.Fault != nil {
					t.Fatalf("fault: %+v", ex.Fault)
				}
				if !strings.Contains(string(ex.Response().Body.Data), tc.want.body) {
					t.Errorf("body %s, want %s in it", ex.Response().Body.Data, tc.want.body)
				}
			}
			if tc.heads != nil && tc.want.heads != nil {
				if d := cmp.Diff(tc.want.heads, tc.heads()[before:]); d != "" {
					t.Errorf("the proxy got (-want +got):\n%s", d)
				}
			}
			if tc.socks != nil {
				if d := cmp.Diff(tc.want.socks, tc.socks()[beforeSocks:]); d != "" {
					t.Errorf("the SOCKS proxy got (-want +got):\n%s", d)
				}
			}
			if got := ex.First().Request.Header.Get("Proxy-Connection"); got != tc.want.header {
				t.Errorf("recorded Proxy-Connection %q, want %q", got, tc.want.header)
			}
			direct := strings.Contains(tc.want.body, "direct")
			if (ex.Proxy == "") != direct {
				t.Errorf("Exchange.Proxy = %q (direct: %v)", ex.Proxy, direct)
			}
			credentialFree(t, ex)
		})
	}
}

// TestProxyThroughTunnelRecordsTheServer: through a CONNECT tunnel or a
// SOCKS session, the hop's TLS is the server's (not the proxy's) and the
// response head is read in wire order, as on a direct connection.
func TestProxyThroughTunnelRecordsTheServer(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	server := pkiServer(t, ca, nil)
	proxyCA := testpki.NewCA(t, "proxy CA")
	httpsProxy := startRecProxy(t, server, &tls.Config{Certificates: []tls.Certificate{proxyCA.Server(t, "127.0.0.1").TLS}})
	socks, _ := startSocks(t, server, "", "")
	for _, proxy := range []string{"https://" + httpsProxy.addr, "socks5h://" + socks} {
		ex := get("https://api.alteg.io.example/x", Options{Proxy: proxy, RootCAs: ca.Pool(), ProxyRootCAs: proxyCA.Pool()})
		if ex.Fault != nil {
			t.Fatalf("%s: fault %+v", proxy, ex.Fault)
		}
		h := ex.Last()
		if h.TLS == nil || h.TLS.ServerName != "api.alteg.io.example" || len(h.TLS.Chain) == 0 || h.TLS.Chain[0].Issuer != "CN=test CA,O=altegio-ticket tests" {
			t.Errorf("%s: TLS %+v: want the server's session", proxy, h.TLS)
		}
		if !h.Response.WireOrder || h.Conn.RemoteAddr == "" {
			t.Errorf("%s: wire order %v, remote %q", proxy, h.Response.WireOrder, h.Conn.RemoteAddr)
		}
	}
}

// TestProxyFaults: a proxy that refuses, or that cannot be trusted, ends
// the call with a FaultProxy in plain words that never quote the
// credentials.
func TestProxyFaults(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	server := pkiServer(t, ca, nil)
	refusing := startRecProxy(t, server, nil)
	refusing.status = http.StatusProxyAuthRequired
	proxyCA := testpki.NewCA(t, "proxy CA")
	untrusted := startRecProxy(t, server, &tls.Config{Certificates: []tls.Certificate{proxyCA.Server(t, "127.0.0.1").TLS}})
	socksAuth, _ := startSocks(t, server, proxyUser, proxyPass)
	creds := proxyUser + ":" + proxyPass + "@"
	tests := map[string]struct {
		proxy    string
		insecure bool
		wantKind FaultKind
		wantMsg  string
	}{
		"407 to CONNECT": {proxy: "http://" + creds + refusing.addr, wantKind: FaultProxy,
			wantMsg: "the proxy at " + refusing.addr + " refused to open a tunnel: 407 Proxy Authentication Required"},
		"https proxy not trusted": {proxy: "https://" + creds + untrusted.addr, wantKind: FaultProxy,
			wantMsg: "the TLS handshake with the https:// proxy at " + untrusted.addr + " failed: the certificate is signed by an unknown authority (a TLS-inspecting proxy or a self-signed certificate?)"},
		"socks5 wrong password": {proxy: "socks5h://" + proxyUser + ":wrong-Pass-123@" + socksAuth, wantKind: FaultProxy,
			wantMsg: "the socks5h proxy at " + socksAuth + " could not connect to example.com:443: it refused the user name and password"},
		"socks5 no password": {proxy: "socks5h://" + socksAuth, wantKind: FaultProxy,
			wantMsg: "the socks5h proxy at " + socksAuth + " could not connect to example.com:443: it accepts none of the authentication methods offered"},
		"not a proxy URL": {proxy: "http://" + creds + "proxy%zz:3128", wantKind: FaultProxy,
			wantMsg: "the proxy setting could not be used: the proxy is not a valid URL: write it as http://host:port, socks5h://host:port, ..."},
		"unknown scheme": {proxy: "ftp://" + creds + "127.0.0.1:21", wantKind: FaultProxy,
			wantMsg: "the proxy setting could not be used: the proxy's scheme ftp:// is not one curl takes: use http://, https://, socks4://, socks4a://, socks5:// or socks5h://"},
		"closed port": {proxy: "http://" + creds + closedPort(t), wantKind: FaultRefused},
		// socks5 resolves the target here, where DNS fails.
		"socks5, target not resolved": {proxy: "socks5://" + socksAuth, wantKind: FaultProxy,
			wantMsg: `the name "example.com" could not be resolved here for the socks5 proxy at ` + socksAuth + ` (DNS lookup failed: no such host); socks5h:// lets the proxy resolve it`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := get("https://example.com/x", Options{Proxy: tc.proxy, RootCAs: ca.Pool(), Resolver: nxResolver()})
			if ex.Fault == nil {
				t.Fatal("no fault")
			}
			if ex.Fault.Kind != tc.wantKind || (tc.wantMsg != "" && ex.Fault.Message != tc.wantMsg) {
				t.Errorf("fault %q %q\nwant  %q %q", ex.Fault.Kind, ex.Fault.Message, tc.wantKind, tc.wantMsg)
			}
			if strings.Contains(ex.Fault.Message+ex.Fault.Detail, proxyPass) {
				t.Errorf("the fault quotes the proxy password: %+v", ex.Fault)
			}
			credentialFree(t, ex)
		})
	}
}

func TestParseProxy(t *testing.T) {
	tests := map[string]struct{ in, want, err string }{
		"host only":       {in: "proxy.corp", want: "http://proxy.corp:1080"},
		"host and port":   {in: "proxy.corp:3128", want: "http://proxy.corp:3128"},
		"https default":   {in: "https://proxy.corp", want: "https://proxy.corp:443"},
		"socks5h":         {in: "SOCKS5H://u:p@127.0.0.1", want: "socks5h://u:p@127.0.0.1:1080"},
		"ipv6":            {in: "http://[::1]:8080", want: "http://[::1]:8080"},
		"trailing slash":  {in: "http://proxy:8080/", want: "http://proxy:8080"},
		"bad port":        {in: "http://proxy:99999", err: "the proxy's port is not a number from 1 to 65535"},
		"no host":         {in: "http://", err: "the proxy is not a valid URL: write it as http://host:port, socks5h://host:port, ..."},
		"scheme not kept": {in: "gopher://u:secret@proxy", err: "the proxy's scheme gopher:// is not one curl takes: use http://, https://, socks4://, socks4a://, socks5:// or socks5h://"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			u, err := ParseProxy(tc.in)
			got, gotErr := "", ""
			if u != nil {
				got = u.String()
			}
			if err != nil {
				gotErr = err.Error()
			}
			if got != tc.want || gotErr != tc.err {
				t.Errorf("ParseProxy(%q) = %q, %q; want %q, %q", tc.in, got, gotErr, tc.want, tc.err)
			}
		})
	}
}

// TestNoProxyMatch: curl's no-proxy rules (CURLOPT_NOPROXY).
func TestNoProxyMatch(t *testing.T) {
	tests := []struct {
		list, host string
		want       bool
	}{
		{"*", "anything.example", true},
		{"example.com", "example.com", true},
		{"example.com", "api.example.com", true},
		{".example.com", "api.example.com", true},
		{".example.com", "example.com", true},
		{"example.com", "notexample.com", false},
		{"EXAMPLE.com", "Api.Example.COM.", true},
		{"a.test, b.test", "b.test", true},
		{"a.test b.test", "b.test", true},
		{"10.0.0.0/8", "10.1.2.3", true},
		{"10.0.0.0/8", "11.1.2.3", false},
		{"::1", "[::1]", true},
		{"127.0.0.1", "localhost", false},
		{"", "example.com", false},
		{"*.example.com", "api.example.com", false}, // curl has no wildcards but "*" alone
	}
	for _, tc := range tests {
		if got := NoProxyMatch(tc.list, tc.host); got != tc.want {
			t.Errorf("NoProxyMatch(%q, %q) = %v, want %v", tc.list, tc.host, got, tc.want)
		}
	}
}

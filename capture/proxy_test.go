package capture

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

const (
	proxyUser = "corp-user"
	proxyPass = "s3cret-Proxy-Pass"
)

// proxyEnv is a Getenv with the given variables set.
func proxyEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// forwardProxy is an HTTP proxy: plain requests are answered by the proxy
// itself (standing in for the origin), CONNECT is tunnelled to tunnelTo.
// It records the Proxy-Authorization it saw.
func forwardProxy(t *testing.T, tunnelTo string, connectStatus int) (addr string, sawAuth func() string) {
	t.Helper()
	var mu sync.Mutex
	var auth string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = r.Header.Get("Proxy-Authorization")
		mu.Unlock()
		if r.Method != http.MethodConnect {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"via":"proxy","url":%q}`, r.URL.String())
			return
		}
		if connectStatus != http.StatusOK {
			w.WriteHeader(connectStatus)
			return
		}
		up, err := net.Dial("tcp", tunnelTo)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		c, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		bw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n")
		bw.Flush()
		go func() { io.Copy(up, c); up.Close() }()
		io.Copy(c, up)
		c.Close()
	})
	return hostPort(srv.URL), func() string { mu.Lock(); defer mu.Unlock(); return auth }
}

// credentialFree fails when a proxy credential appears anywhere in the
// exchange but Exchange.Proxy, in clear or base64.
func credentialFree(t *testing.T, ex *Exchange) {
	t.Helper()
	cp := *ex
	cp.Proxy = ""
	b, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(proxyUser + ":" + proxyPass))
	for _, s := range []string{proxyPass, proxyUser, basic} {
		if strings.Contains(string(b), s) {
			t.Errorf("the exchange holds the proxy credential %q outside Exchange.Proxy", s)
		}
	}
}

func TestReplayThroughHTTPProxy(t *testing.T) {
	addr, sawAuth := forwardProxy(t, "", 0)
	env := proxyEnv(map[string]string{"HTTP_PROXY": "http://" + proxyUser + ":" + proxyPass + "@" + addr})
	ex := get("http://api.alteg.io.example/api/v1/x", Options{Getenv: env})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	if want := "http://" + proxyUser + ":" + proxyPass + "@" + addr; ex.Proxy != want {
		t.Errorf("Proxy = %q, want %q", ex.Proxy, want)
	}
	if !strings.HasPrefix(sawAuth(), "Basic ") {
		t.Errorf("the proxy saw Proxy-Authorization %q, want the credentials", sawAuth())
	}
	if got := ex.Last().Request.Header.Get("Proxy-Authorization"); got != ProxyCredentialsNotRecorded {
		t.Errorf("recorded Proxy-Authorization = %q", got)
	}
	if ex.Last().Conn.RemoteAddr != addr || !strings.Contains(string(ex.Response().Body.Data), `"via":"proxy"`) {
		t.Errorf("remote %s, body %s: the call did not go through the proxy", ex.Last().Conn.RemoteAddr, ex.Response().Body.Data)
	}
	credentialFree(t, ex)
}

func TestReplayThroughCONNECTProxy(t *testing.T) {
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true}`)
	}), false)
	addr, sawAuth := forwardProxy(t, hostPort(srv.URL), http.StatusOK)
	env := proxyEnv(map[string]string{"https_proxy": "http://" + proxyUser + ":" + proxyPass + "@" + addr})
	// The test certificate is for example.com; the proxy tunnels to it.
	ex := get("https://example.com/api/v1/x", Options{Getenv: env, RootCAs: trust(srv)})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	if ex.Proxy == "" || !strings.HasPrefix(sawAuth(), "Basic ") {
		t.Errorf("Proxy %q, proxy saw %q", ex.Proxy, sawAuth())
	}
	h := ex.Last()
	if h.TLS == nil || h.TLS.ServerName != "example.com" || h.TLS.Version == "" || h.Timings.TLS == Skipped {
		t.Errorf("TLS %+v timings %+v: the handshake through the tunnel is not recorded", h.TLS, h.Timings)
	}
	// The tunnel is opened by the dial, so TLS inside it is read as a
	// direct connection's: the response head is in wire order.
	if !h.Response.WireOrder || h.Response.Status != 200 {
		t.Errorf("status %d, wire order %v", h.Response.Status, h.Response.WireOrder)
	}
	credentialFree(t, ex)
}

func TestReplayProxyFaults(t *testing.T) {
	creds := proxyUser + ":" + proxyPass + "@"
	refusing, _ := forwardProxy(t, "", http.StatusProxyAuthRequired)
	closed := closedPort(t)
	tests := map[string]struct {
		env      map[string]string
		url      string
		wantKind FaultKind
		wantMsg  string
	}{
		"tunnel refused": {
			env: map[string]string{"HTTPS_PROXY": "http://" + creds + refusing}, url: "https://example.com/x",
			wantKind: FaultProxy, wantMsg: "the proxy at " + refusing + " refused to open a tunnel: 407 Proxy Authentication Required",
		},
		"proxy not listening": {
			env: map[string]string{"HTTP_PROXY": "http://" + creds + closed}, url: "http://api.alteg.io.example/x",
			wantKind: FaultRefused, wantMsg: "the proxy at " + closed + " refused the connection",
		},
		"proxy setting not a URL": {
			env: map[string]string{"HTTPS_PROXY": "http://" + proxyUser + ":" + proxyPass + "@proxy%zz:3128"}, url: "https://example.com/x",
			wantKind: FaultProxy, wantMsg: "the proxy setting HTTPS_PROXY is not a valid URL; fix or unset it",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ex := get(tc.url, Options{Getenv: proxyEnv(tc.env), Resolver: nxResolver()})
			if ex.Fault == nil {
				t.Fatal("no fault")
			}
			if ex.Fault.Kind != tc.wantKind || ex.Fault.Message != tc.wantMsg {
				t.Errorf("fault %q %q\nwant  %q %q", ex.Fault.Kind, ex.Fault.Message, tc.wantKind, tc.wantMsg)
			}
			credentialFree(t, ex)
		})
	}
}

func TestReplayNoProxy(t *testing.T) {
	addr, _ := forwardProxy(t, "", 0)
	env := proxyEnv(map[string]string{"HTTP_PROXY": "http://" + addr, "NO_PROXY": ".example"})
	ex := get("http://api.alteg.io.example/x", Options{Getenv: env, Resolver: nxResolver()})
	if ex.Proxy != "" || ex.Fault == nil || ex.Fault.Kind != FaultDNS {
		t.Errorf("proxy %q, fault %+v: NO_PROXY should make the call direct (and fail to resolve here)", ex.Proxy, ex.Fault)
	}
}

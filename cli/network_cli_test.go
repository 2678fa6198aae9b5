package cli

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"
)

// everywhere is every text a run produced: the ticket's parts and
// attachments, stdout and stderr.
func everywhere(tk ticket, stdout, stderr string) string {
	var b strings.Builder
	b.WriteString(stdout + stderr + tk.Text + tk.HTML)
	for _, a := range tk.Attach {
		b.WriteString(a)
	}
	return b.String()
}

// TestRunThroughProxy: curl's -x and -U on the tool's own command line
// send the call through the proxy with the credentials, and the proxy
// password appears nowhere, in no encoding; the ticket names the proxy
// by host only.
func TestRunThroughProxy(t *testing.T) {
	const user, pass = "corp-user", "S3cret-Proxy-Pass!"
	var mu sync.Mutex
	var sawAuth, sawLine string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sawAuth, sawLine = r.Header.Get("Proxy-Authorization"), r.Method+" "+r.URL.String()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"success":false,"meta":{"message":"Partner not found"}}`)
	}))
	t.Cleanup(proxy.Close)
	host := strings.TrimPrefix(proxy.URL, "http://")
	out := filepath.Join(t.TempDir(), "t.eml")
	code, stdout, stderr := runCLI(t, "", "-o", out, "-x", host, "-U", user+":"+pass,
		"-H", "Accept: application/vnd.api.v2+json", "http://api.alteg.io.example/api/v1/companies")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mu.Lock()
	if want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)); sawAuth != want || sawLine != "GET http://api.alteg.io.example/api/v1/companies" {
		t.Errorf("the proxy saw %q with %q", sawLine, sawAuth)
	}
	mu.Unlock()
	tk := readTicket(t, out)
	all := everywhere(tk, stdout, stderr)
	for _, secret := range []string{pass, url.QueryEscape(pass), url.PathEscape(pass), base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))} {
		if strings.Contains(all, secret) {
			t.Errorf("the proxy credential %q is in the output", secret)
		}
	}
	if !strings.Contains(tk.Flat, "Proxy: http://"+host) {
		t.Errorf("the ticket does not name the proxy:\n%s", tk.Text)
	}
}

// TestRunCompressedBrotli: --compressed asks as curl 7.88 does, and a br
// answer is decoded into the ticket.
func TestRunCompressedBrotli(t *testing.T) {
	var mu sync.Mutex
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = r.Header.Get("Accept-Encoding")
		mu.Unlock()
		var b bytes.Buffer
		bw := brotli.NewWriter(&b)
		io.WriteString(bw, `{"success":false,"meta":{"message":"Сотрудник не найден"}}`)
		bw.Close()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "br")
		w.WriteHeader(http.StatusNotFound)
		w.Write(b.Bytes())
	}))
	t.Cleanup(srv.Close)
	out := filepath.Join(t.TempDir(), "t.eml")
	code, _, stderr := runCLI(t, "", "-o", out, "--compressed", srv.URL+"/api/v1/staff/1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if asked != "deflate, gzip, br, zstd" {
		t.Errorf("Accept-Encoding %q, want curl 7.88's", asked)
	}
	tk := readTicket(t, out)
	if !strings.Contains(tk.Text, "Сотрудник не найден") || !strings.Contains(tk.Text, "Accept-Encoding: deflate, gzip, br, zstd") {
		t.Errorf("the ticket lacks the decoded body or the header:\n%s", tk.Text)
	}
}

// TestRunResolveAndDigest: --resolve reaches a name DNS does not know,
// and --digest answers the challenge; the ticket shows the route and
// both requests, and not the password.
func TestRunResolveAndDigest(t *testing.T) {
	const user, pass = "partner", "D1gest-Pass-xyz"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		md := func(s string) string { x := md5.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
		if strings.HasPrefix(auth, "Digest ") {
			p := map[string]string{}
			for _, kv := range strings.Split(strings.TrimPrefix(auth, "Digest "), ", ") {
				k, v, _ := strings.Cut(kv, "=")
				p[k] = strings.Trim(v, `"`)
			}
			ha1, ha2 := md(user+":api:"+pass), md(r.Method+":"+r.URL.RequestURI())
			if p["response"] == md(ha1+":n0nce:"+p["nc"]+":"+p["cnonce"]+":auth:"+ha2) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"success":true}`)
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Digest realm="api", nonce="n0nce", qop="auth"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	out := filepath.Join(t.TempDir(), "t.eml")
	code, stdout, stderr := runCLI(t, "", "-o", out, "--resolve", "api.alteg.io.example:"+port+":127.0.0.1",
		"--digest", "-u", user+":"+pass, fmt.Sprintf("http://api.alteg.io.example:%s/api/v1/x", port))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tk := readTicket(t, out)
	for _, want := range []string{
		"Route: api.alteg.io.example:" + port + " at 127.0.0.1:" + port + " (--resolve: the address given for the host)",
		"The call took 2 requests",
		"the answer to the Digest challenge of the 401 before it",
	} {
		if !strings.Contains(tk.Flat, want) {
			t.Errorf("the ticket lacks %q:\n%s", want, tk.Text)
		}
	}
	if !strings.Contains(tk.Subject, "200") && !strings.Contains(tk.Text, "200 OK") {
		t.Errorf("the call did not end in 200:\n%s", tk.Text)
	}
	if strings.Contains(everywhere(tk, stdout, stderr), pass) {
		t.Error("the Digest password is in the output")
	}
}

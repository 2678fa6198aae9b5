package capture

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture/internal/testpki"
)

// randomSecret is a credential of printable ASCII and a little UTF-8,
// with the characters that break URLs and headers (: @ % / ? # " \ and
// spaces) likely.
func randomSecret(rng *rand.Rand) string {
	const tricky = `:@%/?#"\ +=&;`
	var b strings.Builder
	for n := rng.Intn(20) + 8; n > 0; n-- {
		switch rng.Intn(4) {
		case 0:
			b.WriteByte(tricky[rng.Intn(len(tricky))])
		case 1:
			b.WriteString([]string{"ж", "é", "€"}[rng.Intn(3)])
		default:
			b.WriteByte(byte('!' + rng.Intn(94)))
		}
	}
	return b.String()
}

// TestProxyCredentialsProperty tries to break the promise that a proxy's
// credentials reach the proxy intact and appear nowhere in the exchange
// but Exchange.Proxy: random user names and passwords, through an HTTP
// proxy's CONNECT and a SOCKS5 proxy.
func TestProxyCredentialsProperty(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	server := pkiServer(t, ca, nil)
	httpProxy := startRecProxy(t, server, nil)
	rng := rand.New(rand.NewSource(15))
	for i := 0; i < 25; i++ {
		user, pass := randomSecret(rng), randomSecret(rng)
		if strings.Contains(user, ":") {
			user = strings.ReplaceAll(user, ":", "")
		}
		socks, socksGot := startSocks(t, server, user, pass)
		for _, p := range []string{"http://" + httpProxy.addr, "socks5h://" + socks} {
			pu, _ := url.Parse(p)
			pu.User = url.UserPassword(user, pass)
			before := len(httpProxy.got())
			ex := get("https://example.com/x", Options{Proxy: pu.String(), RootCAs: ca.Pool()})
			if ex.Fault != nil {
				t.Fatalf("case %d %s: fault %+v", i, pu.Scheme, ex.Fault)
			}
			if pu.Scheme == "http" {
				want := "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)) + "\r\n"
				if heads := httpProxy.got()[before:]; len(heads) != 1 || !strings.Contains(heads[0], want) {
					t.Fatalf("case %d: the proxy got %q", i, heads)
				}
			} else if got := socksGot(); len(got) != 1 || got[0].User != user || got[0].Pass != pass {
				t.Fatalf("case %d: the SOCKS proxy got %+v", i, got)
			}
			cp := *ex
			cp.Proxy = ""
			b, _ := json.Marshal(cp)
			for _, s := range []string{pass, url.QueryEscape(pass), url.PathEscape(pass), base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))} {
				if bytes.Contains(b, []byte(s)) {
					t.Fatalf("case %d: the exchange holds the credential as %q", i, s)
				}
			}
		}
	}
}

// TestDigestProperty tries to break Digest with random credentials,
// methods and request targets: a server that checks the answer the long
// way (RFC 7616, MD5 and SHA-256, qop=auth) must accept every one.
func TestDigestProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(16))
	type want struct{ user, pass string }
	var current want
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ch := digestChallenge([]string{r.Header.Get("Authorization")})
		alg := "MD5"
		if strings.Contains(r.URL.Path, "sha") {
			alg = "SHA-256"
		}
		newHash, _, _ := digestHash(alg)
		h := func(s string) string {
			x := newHash()
			x.Write([]byte(s))
			return strings.ToLower(hexString(x.Sum(nil)))
		}
		if ch != nil {
			ha1 := h(current.user + ":realm:" + current.pass)
			ha2 := h(r.Method + ":" + r.URL.RequestURI())
			if ch["uri"] == r.URL.RequestURI() && ch["username"] == current.user && ch["response"] == h(ha1+":nonce:"+ch["nc"]+":"+ch["cnonce"]+":auth:"+ha2) {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Digest realm="realm", nonce="nonce", qop="auth", algorithm=`+alg)
		w.WriteHeader(http.StatusUnauthorized)
	})
	for i := 0; i < 60; i++ {
		current = want{user: strings.ReplaceAll(randomSecret(rng), ":", ""), pass: randomSecret(rng)}
		path := "/" + url.PathEscape(randomSecret(rng))
		if i%2 == 0 {
			path = "/sha" + path
		}
		method := []string{"GET", "POST", "PUT", "DELETE"}[rng.Intn(4)]
		req := Request{Method: method, URL: srv.URL + path + "?q=" + url.QueryEscape(randomSecret(rng))}
		ex := Replay(context.Background(), req, Options{Digest: &Credentials{current.user, current.pass}})
		if ex.Fault != nil || ex.Response().Status != http.StatusNoContent {
			t.Fatalf("case %d (%s %s, user %q): %d, fault %+v", i, method, req.URL, current.user, ex.Response().Status, ex.Fault)
		}
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

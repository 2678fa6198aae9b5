package capture

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDigestAuthorizationMatchesCurl: the Authorization header for a
// challenge is the one curl 7.88.1 sent for it (recorded with
// curl --digest -u 'user:pa ss' against a loopback server), given curl's
// client nonce.
func TestDigestAuthorizationMatchesCurl(t *testing.T) {
	creds := Credentials{User: "user", Password: "pa ss"}
	tests := map[string]struct {
		challenge, uri, cnonce, want string
	}{
		"SHA-256, opaque, auth-int offered too": {
			challenge: `Digest realm="r", nonce="abc", opaque="op1", qop="auth-int,auth", algorithm=SHA-256`,
			uri:       "/p/a%20b?q=1&r=2", cnonce: "YzIwMmY3YTY3YjBhNTRkNTU0NzI1MTRkYTFiYTU3NjA=",
			want: `Digest username="user", realm="r", nonce="abc", uri="/p/a%20b?q=1&r=2", cnonce="YzIwMmY3YTY3YjBhNTRkNTU0NzI1MTRkYTFiYTU3NjA=", nc=00000001, qop=auth, response="0a5ff5c4d8310a8df0f6e1fa3cee11e3fac1589ecca1885a36b0bfa0dd68178e", opaque="op1", algorithm=SHA-256`,
		},
		"no qop (RFC 2069)": {
			challenge: `Digest realm="r", nonce="abc"`, uri: "/p?q=1",
			want: `Digest username="user", realm="r", nonce="abc", uri="/p?q=1", response="5100aa9615bf47e9a306264f74ef94ff"`,
		},
		"after Basic, MD5-sess, userhash": {
			challenge: `Basic realm="x", Digest realm="r2", nonce="n2", qop="auth", algorithm="MD5-sess", userhash=true`,
			uri:       "/p?q=1", cnonce: "Y2IzMDZmMGVmM2MxYTA5ZTdjNjNlNGYxNjdjMWQxYzE=",
			want: `Digest username="0793837a3fc864253dadd6d3b317e947", realm="r2", nonce="n2", uri="/p?q=1", cnonce="Y2IzMDZmMGVmM2MxYTA5ZTdjNjNlNGYxNjdjMWQxYzE=", nc=00000001, qop=auth, response="a325748fbba98763a51a91c5ae725284", algorithm=MD5-sess, userhash=true`,
		},
		"auth-int only": {
			challenge: `Digest realm="r", nonce="abc", qop="auth-int"`, uri: "/p?q=1", cnonce: "Y2VmODgwNGZkMGVmNDhhMmNkMWI2MDg0YjM2ZmRkOWM=",
			want: `Digest username="user", realm="r", nonce="abc", uri="/p?q=1", cnonce="Y2VmODgwNGZkMGVmNDhhMmNkMWI2MDg0YjM2ZmRkOWM=", nc=00000001, qop=auth-int, response="5df12e47941b65100f73d9ea45c6692b"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ch := digestChallenge([]string{tc.challenge})
			if ch == nil {
				t.Fatal("no Digest challenge found")
			}
			got, why := digestAuthorization(ch, creds, "GET", tc.uri, tc.cnonce)
			if why != "" {
				t.Fatal(why)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-curl +got):\n%s", d)
			}
		})
	}
	if _, why := digestAuthorization(map[string]string{"nonce": "n", "algorithm": "SHA-1"}, creds, "GET", "/", "c"); why == "" {
		t.Error("an algorithm curl does not support was answered")
	}
}

// digestServer answers 401 with a Digest challenge until a request
// carries a correct MD5 answer, checked the long way; it records each
// request's Authorization, Content-Length and body.
type digestSeen struct {
	Auth, Length, Body string
}

func digestServer(t *testing.T, user, pass string) (func() []digestSeen, string) {
	t.Helper()
	var mu sync.Mutex
	var seen []digestSeen
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		auth := r.Header.Get("Authorization")
		mu.Lock()
		seen = append(seen, digestSeen{Auth: auth, Length: r.Header.Get("Content-Length"), Body: string(body)})
		mu.Unlock()
		ch := digestChallenge([]string{auth})
		md := func(s string) string { x := md5.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
		if ch != nil && ch["username"] == user {
			ha1, ha2 := md(user+":api:"+pass), md(r.Method+":"+r.URL.RequestURI())
			if ch["response"] == md(ha1+":N0nce:"+ch["nc"]+":"+ch["cnonce"]+":auth:"+ha2) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"success":true,"body":%q}`, body)
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Digest realm="api", nonce="N0nce", qop="auth", algorithm=MD5`)
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"success":false}`)
	})
	return func() []digestSeen { mu.Lock(); defer mu.Unlock(); return append([]digestSeen(nil), seen...) }, srv.URL
}

// TestReplayDigest: with Options.Digest the replay does what curl
// --digest -u does, and records both requests: a probe without
// Authorization (a POST's body held back as Content-Length: 0), the 401
// with its challenge, then the answer with the body.
func TestReplayDigest(t *testing.T) {
	seen, url := digestServer(t, "user", "pa ss")
	tests := map[string]struct {
		method, body string
		creds        Credentials
		wantSeen     []digestSeen // Auth "" or "Digest" (prefix)
		wantStatus   []int
	}{
		"GET": {method: "GET", creds: Credentials{"user", "pa ss"},
			wantSeen: []digestSeen{{}, {Auth: "Digest"}}, wantStatus: []int{401, 200}},
		"POST holds the body back": {method: "POST", body: "a=1", creds: Credentials{"user", "pa ss"},
			wantSeen: []digestSeen{{Length: "0"}, {Auth: "Digest", Length: "3", Body: "a=1"}}, wantStatus: []int{401, 200}},
		"wrong password: answered once": {method: "GET", creds: Credentials{"user", "nope-Nope-1"},
			wantSeen: []digestSeen{{}, {Auth: "Digest"}}, wantStatus: []int{401, 401}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := len(seen())
			req := Request{Method: tc.method, URL: url + "/api/v1/x?y=1"}
			if tc.body != "" {
				req.Body = []byte(tc.body)
				req.Header = Headers{{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: FromTool}}
			}
			ex := Replay(context.Background(), req, Options{Digest: &tc.creds})
			if ex.Fault != nil {
				t.Fatalf("fault %+v", ex.Fault)
			}
			got := seen()[before:]
			for i := range got {
				if strings.HasPrefix(got[i].Auth, "Digest ") {
					got[i].Auth = "Digest"
				}
			}
			if d := cmp.Diff(tc.wantSeen, got); d != "" {
				t.Errorf("the server saw (-want +got):\n%s", d)
			}
			var status []int
			for _, h := range ex.Hops {
				status = append(status, h.Response.Status)
			}
			if d := cmp.Diff(tc.wantStatus, status); d != "" {
				t.Errorf("hops (-want +got):\n%s", d)
			}
			if len(ex.Hops) != 2 {
				t.Fatalf("%d hops", len(ex.Hops))
			}
			if ex.Call() != &ex.Hops[1] {
				t.Error("Call() is not the answer, which carries the body and the credentials")
			}
			probe, answer := ex.Hops[0], ex.Hops[1]
			if probe.Auth != "" || answer.Auth != "digest" || probe.Request.Header.Has("Authorization") {
				t.Errorf("probe auth %q, answer auth %q", probe.Auth, answer.Auth)
			}
			if a := answer.Request.Header.Get("Authorization"); !strings.HasPrefix(a, `Digest username="user", realm="api", nonce="N0nce", uri="/api/v1/x?y=1"`) {
				t.Errorf("recorded Authorization %q", a)
			}
			if got := string(answer.Request.Body.Data); got != tc.body || len(probe.Request.Body.Data) != 0 {
				t.Errorf("recorded bodies %q then %q", probe.Request.Body.Data, got)
			}
			if strings.Contains(fmt.Sprintf("%+v", ex), tc.creds.Password) {
				t.Error("the password is in the exchange")
			}
		})
	}
}

// TestReplayDigestNotAnswered: a 401 without a Digest challenge, or with
// one from another host, is the answer as it is.
func TestReplayDigestNotAnswered(t *testing.T) {
	basic := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="api"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	sha1 := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Digest realm="api", nonce="n", algorithm=SHA-1`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	for name, url := range map[string]string{"basic": basic.URL, "sha1": sha1.URL} {
		ex := get(url, Options{Digest: &Credentials{"u", "p"}})
		if len(ex.Hops) != 1 || ex.Response().Status != 401 {
			t.Errorf("%s: %d hops", name, len(ex.Hops))
		}
		if name == "sha1" && !strings.Contains(ex.Last().AuthNote, "the Digest challenge was not answered: it asks for the algorithm SHA-1, which curl does not support") {
			t.Errorf("%s: auth note %q", name, ex.Last().AuthNote)
		}
	}
}

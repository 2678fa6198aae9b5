package capture

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"strings"
)

// HTTP Digest authentication (RFC 7616) as curl 7.88 answers it with
// --digest -u user:password: the first request goes without
// Authorization (a body as Content-Length: 0, so that it is not sent
// twice), and a 401 that offers Digest is answered once, on a second
// request that carries Authorization: Digest and the body. Both requests
// are hops of the exchange; the second has Hop.Auth "digest".

// digestChallenge is the Digest challenge of a WWW-Authenticate value,
// its parameters by lower-case name; nil when it offers no Digest.
func digestChallenge(values []string) map[string]string {
	for _, v := range values {
		for _, ch := range splitChallenges(v) {
			scheme, rest, _ := strings.Cut(strings.TrimSpace(ch), " ")
			if strings.EqualFold(scheme, "Digest") {
				return authParams(rest)
			}
		}
	}
	return nil
}

// splitChallenges splits a WWW-Authenticate value that holds several
// challenges ("Basic realm=x, Digest realm=y, nonce=z") at each comma
// that is followed by a new scheme: a token not followed by "=".
func splitChallenges(v string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' && (i == 0 || v[i-1] != '\\'):
			quoted = !quoted
		case c == ',' && !quoted:
			rest := strings.TrimLeft(v[i+1:], " \t")
			tok := rest
			if j := strings.IndexAny(rest, " \t=,"); j >= 0 {
				tok = rest[:j]
			}
			after := strings.TrimLeft(rest[len(tok):], " \t")
			if tok != "" && !strings.HasPrefix(after, "=") {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// authParams reads name=value and name="quoted value" pairs.
func authParams(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " \t,") {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			val, s = b.String(), s[min(i+1, len(s)):]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		out[name] = val
	}
	return out
}

// digestHash returns the hash of a Digest algorithm curl 7.88 supports,
// and whether it is a -sess variant.
func digestHash(alg string) (func() hash.Hash, bool, bool) {
	alg = strings.ToUpper(alg)
	sess := strings.HasSuffix(alg, "-SESS")
	switch strings.TrimSuffix(alg, "-SESS") {
	case "", "MD5":
		return md5.New, sess, true
	case "SHA-256":
		return sha256.New, sess, true
	case "SHA-512-256":
		return sha512.New512_256, sess, true
	}
	return nil, false, false
}

// digestAuthorization answers the challenge ch for method and uri (the
// request target as sent) in curl's words and order. cnonce is the client
// nonce to use. It returns "" and why when the challenge cannot be
// answered.
func digestAuthorization(ch map[string]string, c Credentials, method, uri, cnonce string) (auth, why string) {
	newHash, sess, ok := digestHash(ch["algorithm"])
	if !ok {
		return "", "the Digest challenge was not answered: it asks for the algorithm " + printableToken(ch["algorithm"]) + ", which curl does not support"
	}
	if ch["nonce"] == "" {
		return "", "the Digest challenge was not answered: it has no nonce"
	}
	h := func(s string) string {
		x := newHash()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	realm, nonce := ch["realm"], ch["nonce"]
	user := c.User
	userhash := strings.EqualFold(ch["userhash"], "true")
	if userhash {
		user = h(c.User + ":" + realm)
	}
	// curl prefers auth over auth-int, and for auth-int hashes an empty
	// body, whatever the body is.
	qop := ""
	for _, q := range strings.Split(ch["qop"], ",") {
		switch strings.ToLower(strings.TrimSpace(q)) {
		case "auth":
			qop = "auth"
		case "auth-int":
			if qop == "" {
				qop = "auth-int"
			}
		}
	}
	const nc = "00000001"
	ha1 := h(c.User + ":" + realm + ":" + c.Password)
	if sess {
		ha1 = h(ha1 + ":" + nonce + ":" + cnonce)
	}
	a2 := method + ":" + uri
	if qop == "auth-int" {
		a2 += ":" + h("")
	}
	ha2 := h(a2)
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username="%s", realm="%s", nonce="%s", uri="%s"`, quoteEscape(user), quoteEscape(realm), quoteEscape(nonce), uri)
	if qop != "" {
		resp := h(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
		fmt.Fprintf(&b, `, cnonce="%s", nc=%s, qop=%s, response="%s"`, cnonce, nc, qop, resp)
	} else {
		fmt.Fprintf(&b, `, response="%s"`, h(ha1+":"+nonce+":"+ha2))
	}
	if op, ok := ch["opaque"]; ok {
		fmt.Fprintf(&b, `, opaque="%s"`, quoteEscape(op))
	}
	if alg := ch["algorithm"]; alg != "" {
		b.WriteString(", algorithm=" + alg)
	}
	if userhash {
		b.WriteString(", userhash=true")
	}
	return b.String(), ""
}

func quoteEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func printableToken(s string) string {
	if s == "" || len(s) > 30 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
		return "(not shown)"
	}
	return s
}

// newCnonce makes a client nonce as curl does: 16 random bytes as hex,
// then base64.
func newCnonce() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(b[:])))
}

// digestAnswer returns the Authorization for a second request when the
// current hop's response is a 401 that offers Digest and went to the
// first request's origin; "" when there is none to send, with why when
// a challenge could not be answered.
func (r *recorder) digestAnswer(raw *http.Response) (auth, why string) {
	if r.opt.Digest == nil || raw.StatusCode != http.StatusUnauthorized {
		return "", ""
	}
	ch := digestChallenge(raw.Header.Values("WWW-Authenticate"))
	if ch == nil {
		return "", ""
	}
	r.mu.Lock()
	first, cur := r.recs[0].hop.Request.URL, r.cur().hop.Request
	r.mu.Unlock()
	a, err1 := url.Parse(first)
	b, err2 := url.Parse(cur.URL)
	if err1 != nil || err2 != nil || !sameOrigin(a, b) {
		return "", "the Digest challenge was not answered: it came from another host than the first request, and the credentials are not sent there"
	}
	return digestAuthorization(ch, *r.opt.Digest, cur.Method, b.RequestURI(), newCnonce())
}

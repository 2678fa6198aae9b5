package redact

import (
	"strings"
)

// credentialFields are the names of query parameters, JSON fields and form
// fields whose value is a secret, normalized by normName. They are the
// fields Alteg.io uses for credentials (see shared/notes/altegio-api.md)
// and the keys the official integration hub redacts. "2fa.secret" is
// covered by "secret", which matches at any depth.
var credentialFields = []string{
	"password", "old_password", "new_password", "passwd", "pwd", "pass", "passphrase",
	"password_confirmation",
	"token", "user_token", "partner_token", "access_token", "refresh_token", "id_token",
	"system_user_token", "auth_token",
	"api_key", "apikey", "secret", "secret_key", "client_secret", "private_key",
	"sign", "sig", "signature", "user_data_sign",
	"authorization", "credential", "credentials",
}

// credentialSuffixes end the normalized names of credential fields
// beyond the list above, as frameworks and cloud APIs spell them:
// current_password, X-Amz-Signature, X-Amz-Security-Token,
// X-Amz-Credential, aws_secret_access_key, stripe_secret. A name that
// ends in one is a credential unless it is a known non-secret
// (notCredentialFields).
var credentialSuffixes = []string{
	"password", "passwd", "secret", "token", "apikey", "secretkey", "privatekey",
	"accesskey", "signature", "credential", "credentials",
}

// notCredentialFields end in a credential suffix but name no secret:
// the cursors of paginated APIs.
var notCredentialFields = map[string]bool{
	"pagetoken": true, "nextpagetoken": true, "prevpagetoken": true, "previouspagetoken": true,
	"nexttoken": true, "continuationtoken": true, "synctoken": true, "cursortoken": true,
}

// suffixLast2 is a bitset of the last two bytes of credentialSuffixes:
// a name that ends in none of them is ruled out without a loop.
var suffixLast2 = func() (b [256 * 256 / 8]byte) {
	for _, suf := range credentialSuffixes {
		k := int(suf[len(suf)-2])<<8 | int(suf[len(suf)-1])
		b[k>>3] |= 1 << (k & 7)
	}
	return b
}()

// suffixCredential reports whether a normalized name ends in a
// credential suffix and is not a known non-secret.
func suffixCredential[S string | []byte](n S) bool {
	// Only a name like an identifier: a key that is a URL or a sentence
	// ("https://host/x?access_token") names nothing, and the role taken
	// from it would carry its text into the placeholder.
	if len(n) < 2 || len(n) > 32 {
		return false
	}
	if k := int(n[len(n)-2])<<8 | int(n[len(n)-1]); suffixLast2[k>>3]&(1<<(k&7)) == 0 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	for _, suf := range credentialSuffixes {
		if len(n) >= len(suf) && string(n[len(n)-len(suf):]) == suf {
			return !notCredentialFields[string(n)]
		}
	}
	return false
}

// MadeUpHeaders are headers integrators invent for credentials (the API
// reads credentials from Authorization only; diagnosis flags them as
// AT119). Whatever they carry is treated as a secret.
var MadeUpHeaders = []string{
	"X-Partner-Id", "X-Partnerid", "Partner-Id", "X-Partner-Token", "Partner-Token",
	"X-User-Token", "User-Token", "X-Application-Id", "Application-Id", "X-App-Id",
	"X-Api-Key", "Api-Key", "X-Auth-Token", "X-Access-Token", "X-Company-Id",
}

// MadeUpParams are query parameters integrators invent for credentials
// (AT119 too). Their values are secrets in a query string; in a body,
// partner_id or app_id is an ordinary id and is left alone.
var MadeUpParams = []string{
	"partner_id", "partner_token", "user_token", "application_id", "app_id",
	"api_key", "token", "access_token", "bearer",
	// Not Alteg.io's, but credentials in a query all the same: Google's
	// ?key=, Firebase's ?auth=, a session id in the URL (;jsessionid=).
	// Not body fields: a name ending in "id" would cost the JSON scan's
	// key filter every *_id key.
	"key", "auth", "sid", "jsessionid", "phpsessid", "session_id", "sessid",
}

var madeUpHeaders, madeUpParams = normSet(MadeUpHeaders), normSet(MadeUpParams)

func normSet(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[normName(n)] = true
	}
	return m
}

// headerWords mark a header whose whole value is a credential, e.g.
// X-Api-Key or X-Auth-Token.
var headerWords = []string{"token", "secret", "key", "auth", "session", "signature", "password", "passwd", "credential"}

// notCredentialHeaders contain a header word but carry no credential:
// challenges and CORS lists only name the scheme or the headers.
var notCredentialHeaders = map[string]bool{
	"wwwauthenticate":    true,
	"proxyauthenticate":  true,
	"authenticationinfo": true,
}

// genericFields are field names too vague to name a secret on their own;
// their role takes the parent key as a prefix ("2fa" + "secret" becomes
// 2fa_secret).
var genericFields = map[string]bool{"secret": true, "token": true, "key": true, "sign": true, "signature": true}

// normName folds a field or header name for matching: lower case, with -
// and _ removed, so that "API-Key", "api_key" and "apiKey" are one name.
func normName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// nameSet matches field names: the built-in credential list plus the
// names given with --redact-field. A dotted name ("2fa.secret") matches
// the end of a JSON path.
type nameSet struct {
	plain  map[string]bool     // normalized single names
	lasts  map[string]bool     // normalized last names of the dotted ones
	dotted [][]string          // normalized path suffixes
	last2  [256 * 256 / 8]byte // bitset of the last two lower-cased bytes of every name, a cheap first filter
	lens   [128]bool           // the lengths of the normalized names in plain and lasts
	maxLen int                 // longest raw name worth normalizing
}

func newNameSet(extra []string) *nameSet {
	ns := &nameSet{plain: map[string]bool{}, lasts: map[string]bool{}}
	add := func(n string) {
		if strings.Contains(n, ".") {
			var parts []string
			for _, p := range strings.Split(n, ".") {
				if p = normName(p); p != "" {
					parts = append(parts, p)
				}
			}
			if len(parts) > 0 {
				ns.dotted = append(ns.dotted, parts)
				ns.lasts[parts[len(parts)-1]] = true
				ns.addLast(parts[len(parts)-1])
			}
			return
		}
		if n = normName(n); n != "" {
			ns.plain[n] = true
			ns.addLast(n)
		}
	}
	for _, n := range credentialFields {
		add(n)
	}
	for _, n := range credentialSuffixes {
		ns.setLast(n[len(n)-2], n[len(n)-1])
	}
	// A name that ends in a suffix may be of any length: up to what
	// maybe folds.
	ns.maxLen = max(ns.maxLen, 128)
	for _, n := range extra {
		add(n)
	}
	return ns
}

func (ns *nameSet) addLast(n string) {
	if len(n) < len(ns.lens) {
		ns.lens[len(n)] = true
	}
	// Room for separators in the raw spelling: "user-data-sign".
	if l := 2*len(n) + 2; l > ns.maxLen {
		ns.maxLen = l
	}
	if len(n) == 1 {
		for c := 0; c < 256; c++ {
			ns.setLast(byte(c), n[0])
		}
		return
	}
	ns.setLast(n[len(n)-2], n[len(n)-1])
}

func (ns *nameSet) setLast(a, b byte) {
	for _, x := range []byte{a, upper(a)} {
		for _, y := range []byte{b, upper(b)} {
			k := int(x)<<8 | int(y)
			ns.last2[k>>3] |= 1 << (k & 7)
		}
	}
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// maybe is a fast filter for a raw (still JSON-escaped) key: false means
// it cannot be a credential name. In one pass over the key it folds it in
// a stack buffer, so that the common case costs no allocation; then the
// last two bytes, the length and the name itself are checked.
func (ns *nameSet) maybe(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	var buf [128]byte
	var prev, last byte // the last two bytes of the folded name
	n := 0
	for _, c := range raw {
		switch {
		case c == '\\' || c == '[' || c == ']' || c == '.':
			return true // an escaped key or a path: decide on the decoded name
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n < len(buf) {
			buf[n] = c
		}
		prev, last = last, c
		n++
	}
	if len(raw) > ns.maxLen {
		return false
	}
	if k := int(prev)<<8 | int(last); n >= 2 && ns.last2[k>>3]&(1<<(k&7)) == 0 {
		return false
	}
	if n > len(buf) {
		return true // longer than any name can be folded here: let field decide
	}
	if (n >= len(ns.lens) || ns.lens[n]) && (ns.plain[string(buf[:n])] || ns.lasts[string(buf[:n])]) {
		return true
	}
	return suffixCredential(buf[:n])
}

// lastSegment returns the last name of a bracket or dot path, as PHP,
// Rails and qs write nested fields: "user[password]", "data[0][api_key]"
// and "user.password" end in "password" and "api_key".
func lastSegment(name string) string {
	segs := pathSegments(name)
	if len(segs) == 0 {
		return name
	}
	return segs[len(segs)-1]
}

// pathSegments splits a bracket or dot path into its names, leaving out
// empty ones and array indexes: "a[b][0].c[]" is a, b, c.
func pathSegments(name string) []string {
	if !strings.ContainsAny(name, "[].") {
		return []string{name}
	}
	var out []string
	for _, s := range strings.FieldsFunc(name, func(r rune) bool { return r == '[' || r == ']' || r == '.' }) {
		if s = strings.TrimSpace(s); s != "" && strings.Trim(s, "0123456789") != "" {
			out = append(out, s)
		}
	}
	return out
}

// field reports whether a field named name at the end of path (the names
// of the enclosing objects, outermost first) is a credential. A name that
// is itself a path ("user[password]", "user.password") is matched by its
// last part, with the rest of it as the start of the path.
func (ns *nameSet) field(name string, path []string) bool {
	if segs := pathSegments(name); len(segs) > 1 || len(segs) == 1 && segs[0] != name {
		if len(segs) == 0 {
			return false
		}
		return ns.field1(segs[len(segs)-1], append(append([]string(nil), path...), segs[:len(segs)-1]...))
	}
	return ns.field1(name, path)
}

func (ns *nameSet) field1(name string, path []string) bool {
	n := normName(name)
	if ns.plain[n] || suffixCredential(n) {
		return true
	}
	for _, d := range ns.dotted {
		if d[len(d)-1] != n || len(d)-1 > len(path) {
			continue
		}
		ok := true
		for i := 0; i < len(d)-1; i++ {
			if normName(path[len(path)-(len(d)-1)+i]) != d[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// header reports whether a header's whole value is a credential: its
// name suggests one, or it was named with --redact-field.
func (ns *nameSet) header(name string) bool {
	n := normName(name)
	if notCredentialHeaders[n] {
		return false
	}
	if ns.plain[n] || madeUpHeaders[n] {
		return true
	}
	for _, w := range headerWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// CredentialHeader returns the rule by which a request header carries a
// credential, judged by its name: Authorization, Cookie, the names that
// suggest one (token, key, secret, ...), the made-up credential headers,
// and the names given with --redact-field. It is the rule Scrub uses;
// capture uses it to drop such headers on a redirect to another origin.
// Proxy-Authorization is not one here: it is meant for the proxy, which
// every hop goes through.
func (p Policy) CredentialHeader() func(name string) bool {
	ns := newNameSet(p.Fields)
	return func(name string) bool {
		switch strings.ToLower(name) {
		case "authorization", "cookie":
			return true
		case "proxy-authorization":
			return false
		}
		return ns.header(name)
	}
}

// roleName turns a name into a placeholder-safe role: lower-case letters,
// digits and single underscores, e.g. "X-Api-Key" -> "x_api_key".
func roleName(s string) string {
	var b strings.Builder
	under := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			if b.Len() > 0 {
				under = true
			}
			continue
		}
		if under {
			b.WriteByte('_')
			under = false
		}
		b.WriteByte(c)
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "secret"
	}
	return b.String()
}

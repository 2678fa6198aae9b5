package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// entry is a secret being collected, with the other strings that reveal
// it (a Basic credential reveals its password).
type entry struct {
	Secret
	aliases  []string
	keys     []keyRef // the names it was found under, for a keyed secret
	userinfo bool     // found as the password of a URL's user:pass@
	literal  bool     // a --redact or --redact-env value
}

// keyRef is a name a value was found under, lower-cased, and how the value
// follows it.
type keyRef struct {
	name string
	sep  sepKind
}

// scope says where the secret's forms are searched for (see scope).
func (e *entry) scope() scope {
	switch {
	case Searchable(e.Value):
		return scopeAll
	case e.literal:
		return scopeData
	}
	return scopeKeyed
}

// key records a name e was found under: the last part of a path
// ("user[password]" and "user.password" give "password").
func (e *entry) key(name string, sep sepKind) {
	if e == nil {
		return
	}
	if sep == sepAssign {
		name = lastSegment(name)
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return
	}
	k := keyRef{name, sep}
	if !slices.Contains(e.keys, k) {
		e.keys = append(e.keys, k)
	}
}

// detector finds the secrets of an exchange and names each by its role.
type detector struct {
	names    *nameSet
	list     []*entry
	byValue  map[string]*entry
	roles    map[string]bool
	numbered int
	charsets map[string]bool // non-UTF-8 charsets of the bodies
}

func newDetector(p Policy) *detector {
	return &detector{
		names:    newNameSet(p.Fields),
		byValue:  map[string]*entry{},
		roles:    map[string]bool{},
		charsets: map[string]bool{},
	}
}

// add records value as a secret with the given role, found at where. A
// value already known keeps its first role and gains a place. The two
// Alteg.io token roles are given only through token (the Authorization
// grammar); anywhere else that name gets a number, so that a token met in
// a body is never printed as if it were the one sent.
func (d *detector) add(role, value, where string) *entry {
	return d.addRole(role, value, where, false)
}

func (d *detector) token(role, value, where string) *entry {
	return d.addRole(role, value, where, true)
}

func (d *detector) addRole(role, value, where string, token bool) *entry {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	if e := d.byValue[value]; e != nil {
		if !slices.Contains(e.Found, where) {
			e.Found = append(e.Found, where)
		}
		return e
	}
	role = d.freeRole(role, token)
	e := &entry{Secret: Secret{
		Role:        role,
		Placeholder: "{{" + role + "}}",
		Value:       value,
		Fingerprint: Fingerprint(value),
		Found:       []string{where},
	}}
	d.list = append(d.list, e)
	d.byValue[value] = e
	// A value sent URL-encoded is often echoed decoded: PHP and Express
	// decode cookies, and any server decodes a query.
	if strings.Contains(value, "%") {
		for _, dec := range []string{pathUnescape(value), queryUnescape(value)} {
			if dec != value && strings.TrimSpace(dec) != "" && !slices.Contains(e.aliases, dec) {
				e.aliases = append(e.aliases, dec)
			}
		}
	}
	return e
}

func (d *detector) freeRole(role string, token bool) string {
	if role == "" {
		d.numbered++
		role = "secret_" + strconv.Itoa(d.numbered)
		for d.roles[role] {
			d.numbered++
			role = "secret_" + strconv.Itoa(d.numbered)
		}
	}
	reserved := !token && (role == RolePartnerToken || role == RoleUserToken)
	if d.roles[role] || reserved {
		base := role
		for n := 2; d.roles[role] || role == base; n++ {
			role = base + "_" + strconv.Itoa(n)
		}
	}
	d.roles[role] = true
	return role
}

// where names a place in hop i: "header Authorization", or with "(hop 2)"
// after it for a redirect.
func where(hop int, s string) string {
	if hop == 0 {
		return s
	}
	return s + " (hop " + strconv.Itoa(hop+1) + ")"
}

// exchange finds the secrets of ex. The Authorization headers come first
// so that the Alteg.io tokens keep their roles wherever else they appear.
func (d *detector) exchange(ex *capture.Exchange, p Policy) {
	for i, h := range ex.Hops {
		for _, f := range h.Request.Header {
			switch {
			case strings.EqualFold(f.Name, "Authorization"):
				d.authorization(f.Value, where(i, "header "+f.Name), false, true)
			case strings.EqualFold(f.Name, "Proxy-Authorization") && f.Value != capture.ProxyCredentialsNotRecorded:
				d.authorization(f.Value, where(i, "header "+f.Name), true, false)
			}
		}
	}
	for i, h := range ex.Hops {
		d.url(h.Request.URL, where(i, "URL"), 0)
		d.headers(h.Request.Header, i, "header ")
		d.body(h.Request.Body, where(i, "request body"))
		if h.Response != nil {
			d.headers(h.Response.Header, i, "response header ")
			d.body(h.Response.Body, where(i, "response body"))
		}
	}
	d.url(ex.Proxy, "proxy URL", 0)

	// JWTs anywhere. A JSON body was searched while it was scanned.
	for i, h := range ex.Hops {
		d.jwts([]byte(h.Request.URL), where(i, "URL"))
		for _, f := range h.Request.Header {
			d.jwts([]byte(f.Value), where(i, "header "+f.Name))
		}
		if !d.scanned(h.Request.Body) {
			d.jwts(h.Request.Body.Text(), where(i, "request body"))
		}
		if h.Response != nil {
			for _, f := range h.Response.Header {
				d.jwts([]byte(f.Value), where(i, "response header "+f.Name))
			}
			if !d.scanned(h.Response.Body) {
				d.jwts(h.Response.Body.Text(), where(i, "response body"))
			}
		}
	}
	if ex.Fault != nil {
		d.jwts([]byte(ex.Fault.Message+"\n"+ex.Fault.Detail), "fault")
	}
	d.policy(p)
}

// policy adds the values the policy names. Found says "literal N" or
// "environment NAME"; the command line words them as its flags.
func (d *detector) policy(p Policy) {
	for i, v := range p.Values {
		if e := d.add("", v, "literal "+strconv.Itoa(i+1)); e != nil {
			e.literal = true
		}
	}
	for _, e := range p.Env {
		if x := d.add(roleName(e.Name), e.Value, "environment "+e.Name); x != nil {
			x.literal = true
		}
	}
	for _, c := range p.Command {
		d.add(c.Role, c.Value, "command line "+c.Where)
	}
}

// authorization reads an Authorization or Proxy-Authorization value: the
// Alteg.io grammar "Bearer <partner>, User <user>" by role, Basic decoded
// to its password, and any other scheme as one opaque credential. Only the
// request's own Authorization header is sent (sent is true) and gives the
// two token roles whose values the ticket shows; the same grammar met
// elsewhere (echoed in a body, a response header) gives numbered roles.
func (d *detector) authorization(v, at string, proxy, sent bool) {
	v = strings.TrimSpace(v)
	// The scheme ends at a space or a tab ("Bearer\tabc" is read so).
	scheme, rest := v, ""
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		scheme, rest = v[:i], v[i+1:]
	}
	rest = strings.TrimSpace(rest)
	generic := "authorization"
	if proxy {
		generic = "proxy_authorization"
	}
	switch strings.ToLower(scheme) {
	case "basic":
		d.basic(rest, at, proxy)
		return
	case "bearer", "user":
		if proxy {
			d.add(generic, rest, at).key(scheme, sepSpace)
			return
		}
		prev := ""
		for _, c := range ParseAuthorization(v) {
			var e *entry
			switch {
			case strings.EqualFold(c.Scheme, "basic"):
				d.basic(c.Token, at, false)
				continue
			case c.Role != "" && sent:
				e = d.token(c.Role, c.Token, at)
			case c.Role != "":
				e = d.add(c.Role, c.Token, at)
			default:
				e = d.add(generic, c.Token, at)
			}
			switch {
			case c.Scheme != "":
				e.key(c.Scheme, sepSpace)
			case prev != "":
				e.key(prev, sepComma) // "Bearer a,xyz": xyz after a
			default:
				e.key(generic, sepAssign)
			}
			prev = c.Token
		}
		return
	}
	if rest == "" {
		d.add(generic, unquote(v), at).key(generic, sepAssign)
		return
	}
	d.add(generic, rest, at).key(scheme, sepSpace)
}

// basic treats the password of a Basic credential as the secret, and the
// base64 credential itself as another form of it, so that neither
// survives. A credential with no password ("apikey:") is its user name.
func (d *detector) basic(cred, at string, proxy bool) {
	cred = strings.TrimSpace(cred)
	role := "password"
	if proxy {
		role = "proxy_password"
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(cred); err == nil {
			break
		}
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		d.add(role, cred, at+" (Basic)").key("basic", sepSpace)
		return
	}
	if pass == "" {
		pass, role = user, role+"_user"
	}
	e := d.add(role, pass, at+" (Basic)")
	if e != nil {
		e.key("basic", sepSpace)
		e.userinfo = true
	}
	basicAliases(e, raw, cred)
}

// basicAliases adds to e the Basic credential built from raw ("user:pass")
// in every base64 alphabet, and extra forms; none may survive redaction.
func basicAliases(e *entry, raw []byte, extra ...string) {
	if e == nil {
		return
	}
	forms := append(extra,
		base64.StdEncoding.EncodeToString(raw), base64.RawStdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw))
	for _, a := range forms {
		if !slices.Contains(e.aliases, a) {
			e.aliases = append(e.aliases, a)
		}
	}
}

// headers reads the cookies, the headers whose name says they carry a
// credential, and every URL a header value holds (Location, Referer,
// Origin, Link, Refresh, or any other).
func (d *detector) headers(hs capture.Headers, hop int, side string) {
	for _, f := range hs {
		at := where(hop, side+f.Name)
		switch strings.ToLower(f.Name) {
		case "authorization", "proxy-authorization":
			if side != "header " && f.Value != capture.ProxyCredentialsNotRecorded {
				d.authorization(f.Value, at, false, false)
			}
			continue
		case "cookie":
			for _, c := range strings.Split(f.Value, ";") {
				d.cookie(c, "cookie", hop)
			}
		case "set-cookie":
			c, _, _ := strings.Cut(f.Value, ";")
			d.cookie(c, "Set-Cookie", hop)
		case "location", "content-location":
			// A relative Location (/login?token=...) is a URL too.
			if !strings.Contains(f.Value, "://") {
				d.url(f.Value, at, 0)
			}
		default:
			if d.names.header(f.Name) {
				// Header values are trimmed on the wire; field values
				// are not.
				d.credential(roleName(f.Name), strings.TrimSpace(f.Value), at, f.Name)
			}
		}
		d.urls([]byte(f.Value), at, 0)
	}
}

// credential records the value of a field or header named like a
// credential, found under the name key. A value written like an
// Authorization header ("Bearer x, User y", an echo of one) is read as
// one, so that its tokens keep their own placeholders instead of
// vanishing into one opaque secret.
func (d *detector) credential(role, v, at, key string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	switch strings.ToLower(scheme) {
	case "bearer", "basic", "user":
		// Only where the name says so: a password may start with "User ".
		if strings.Contains(role, "auth") && strings.TrimSpace(rest) != "" {
			d.authorization(strings.TrimSpace(v), at, false, false)
			return
		}
	}
	// Quotes around a value may be its own characters ("'8w|wb'" in a
	// JSON string) or the way a header or a form quoted it: the value is
	// the secret as written, and what the quotes hold another form of it.
	e := d.add(role, v, at)
	e.key(key, sepAssign)
	if u := unquote(v); u != v && e != nil && strings.TrimSpace(u) != "" && !slices.Contains(e.aliases, u) {
		e.aliases = append(e.aliases, u)
	}
}

func (d *detector) cookie(c, kind string, hop int) {
	name, value, ok := strings.Cut(strings.TrimSpace(c), "=")
	if !ok || name == "" {
		return
	}
	d.add("cookie_"+roleName(name), unquote(strings.TrimSpace(value)), where(hop, kind+" "+name)).key(name, sepAssign)
}

// maxDepth bounds how deep URLs and forms held in other URLs and forms
// are read (next=https%3A%2F%2F...%3Ftoken%3D...).
const maxDepth = 3

// urls reads every URL in t (scheme://...), wherever it stands: a header,
// a body, a field; JSON-escaped too (https:\/\/...\u0026token=...), whose
// escapes are decoded first.
func (d *detector) urls(t []byte, at string, depth int) {
	// "//" is looked for, not "://": a colon is in every JSON member,
	// a double slash is rare outside URLs.
	for _, sep := range []string{"://", `:\/\/`} {
		for i := 0; ; {
			j := bytes.Index(t[i:], []byte(sep[1:]))
			if j < 0 {
				break
			}
			if i+j == 0 || t[i+j-1] != ':' {
				i += j + 1
				continue
			}
			j--
			s := i + j
			for s > 0 && schemeByte(t[s-1]) {
				s--
			}
			e := i + j + len(sep)
			for e < len(t) && (urlByte(t[e]) || t[e] == '\\' && e+1 < len(t) && (t[e+1] == '/' || t[e+1] == 'u')) {
				e++
			}
			i += j + len(sep)
			if s == i-len(sep) {
				continue // no scheme
			}
			u := t[s:e]
			if bytes.IndexByte(u, '\\') >= 0 {
				u = unescapeAll(u)
			}
			d.url(string(u), at, depth)
		}
	}
}

func schemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'
}

// urlByte is a byte a URL written in a text can hold.
func urlByte(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune("\"'<>\\`{}|^", rune(c))
}

// unescapeAll decodes the JSON escapes of a whole text, strings and all,
// for reading the URLs in it.
func unescapeAll(t []byte) []byte {
	out := make([]byte, 0, len(t))
	var buf [8]byte
	for i := 0; i < len(t); {
		if t[i] == '\\' {
			if dec, n, _ := decodeUnit(t, i, &buf); n > 0 {
				out = append(out, dec...)
				i += n
				continue
			}
		}
		out = append(out, t[i])
		i++
	}
	return out
}

// url reads the credentials of a URL: user:pass@, and the query and
// fragment parameters named like a credential. It works on the text as
// written, so that a URL Go would refuse still gives up its secrets.
func (d *detector) url(raw, at string, depth int) {
	if raw == "" || depth > maxDepth {
		return
	}
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
		auth := rest
		if j := strings.IndexAny(auth, "/?#"); j >= 0 {
			auth = auth[:j]
		}
		if k := strings.LastIndexByte(auth, '@'); k >= 0 {
			user, pass, hasPass := strings.Cut(auth[:k], ":")
			user, pass = pathUnescape(user), pathUnescape(pass)
			role := "password"
			if strings.HasPrefix(at, "proxy") {
				role = "proxy_password"
			}
			// Go's client (and curl) turn user:pass@ into a Basic
			// Authorization or Proxy-Authorization header, which a server
			// can echo back.
			switch {
			case hasPass && pass != "":
				e := d.add(role, pass, at+" user:pass@")
				if e != nil {
					e.userinfo = true
					e.key("basic", sepSpace)
				}
				basicAliases(e, []byte(user+":"+pass))
			case user != "":
				e := d.add(strings.TrimSuffix(role, "password")+"url_credential", user, at+" user@")
				basicAliases(e, []byte(user+":"))
			}
		}
	}
	frag := ""
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		rest, frag = rest[:j], rest[j+1:]
	}
	path := rest
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		d.form(rest[i+1:], at+" query ", true, depth)
		path = rest[:i]
	}
	d.path(path, at)
	if strings.IndexByte(path, ';') >= 0 {
		// Matrix parameters of a segment: /cart;jsessionid=... A path
		// is decoded as a path: + is a plus there, not a space.
		for _, seg := range strings.Split(path, "/") {
			_, params, _ := strings.Cut(seg, ";")
			for _, kv := range strings.Split(params, ";") {
				k, v, ok := strings.Cut(kv, "=")
				if k = strings.TrimSpace(pathUnescape(k)); ok && (d.names.field(k, nil) || madeUpParams[normName(lastSegment(k))]) {
					d.credential(roleName(lastSegment(k)), pathUnescape(v), at+" path parameter "+k, k)
				}
			}
		}
	}
	if frag != "" {
		// #access_token=... of OAuth, or #/route?token=... of a web app.
		if k := strings.IndexByte(frag, '?'); k >= 0 {
			frag = frag[k+1:]
		}
		d.form(frag, at+" fragment ", true, depth)
	}
}

// pathSecrets are the Alteg.io paths that carry a secret as a segment
// (shared/notes/altegio-api.md): the segments before the secret, and its
// role. The partner token in an SMS callback URL is the partner token
// support asks for; a record hash opens a client's record without a login.
var pathSecrets = []struct {
	before []string // the segments right before the secret
	skip   int      // segments between them and the secret (an id)
	role   string
}{
	{[]string{"smsprovider", "status", "callback"}, 0, RolePartnerToken},
	{[]string{"user", "records"}, 1, "record_hash"},
}

// path reads the secrets that Alteg.io puts in URL paths. p is the
// authority and path of a URL, without its query.
func (d *detector) path(p, at string) {
	segs := strings.Split(p, "/")
	for i := range segs {
		for _, ps := range pathSecrets {
			j := i + len(ps.before) + ps.skip
			if j >= len(segs) || segs[j] == "" {
				continue
			}
			match := true
			for k, want := range ps.before {
				if !strings.EqualFold(segs[i+k], want) {
					match = false
					break
				}
			}
			if match {
				d.add(ps.role, pathUnescape(segs[j]), at+" path").key(segs[j-1], sepSlash)
			}
		}
	}
}

// form reads name=value pairs joined by & or ; (a query string, a form
// body, a fragment). In a URL (inURL), the made-up credential parameters
// count too. A value that holds a URL or a form of its own (next=...) is
// read as well.
func (d *detector) form(q, at string, inURL bool, depth int) {
	for _, kv := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			// "password%3Dx": a pair encoded whole, which a server
			// decodes to a name holding the pair.
			if dec := queryUnescape(kv); dec != kv && strings.Contains(dec, "=") && depth < maxDepth {
				d.form(dec, at, inURL, depth+1)
			}
			continue
		}
		k = strings.TrimSpace(queryUnescape(k))
		v = queryUnescape(v)
		if d.names.field(k, nil) || inURL && madeUpParams[normName(lastSegment(k))] {
			d.credential(roleName(lastSegment(k)), v, at+k, k)
			continue
		}
		if depth >= maxDepth || !strings.ContainsAny(v, "=:") {
			continue
		}
		// A value that holds a URL or a form of its own: next=...
		switch {
		case strings.Contains(v, "://"):
			d.urls([]byte(v), at+k, depth+1)
		case strings.ContainsAny(v, "?#"):
			d.url(v, at+k, depth+1)
		default:
			d.form(v, at+k+" ", inURL, depth+1)
		}
	}
}

func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func pathUnescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// body reads the credential fields of a body by what it is, whatever its
// Content-Type says: JSON, multipart, a form, or lines of name=value or
// Name: value; and every URL in it.
func (d *detector) body(b capture.Body, at string) {
	// Search the body's declared charset even when no UTF-8 copy was made
	// (a conversion that failed, a body taken for binary): its bytes still
	// reach the ticket.
	if cs := strings.ToLower(b.Charset); !capture.UTF8Charset(cs) {
		d.charsets[cs] = true
	}
	text := b.Text()
	if len(text) == 0 || b.Binary {
		return
	}
	_, params, _ := mime.ParseMediaType(b.ContentType)
	switch {
	case d.scanned(b):
		d.json(text, at)
	case params["boundary"] != "" && d.multipart(text, params["boundary"], at):
	case sniffBoundary(text) != "" && d.multipart(text, sniffBoundary(text), at):
	case looksForm(text):
		d.form(string(text), at+" field ", false, 0)
	default:
		d.lines(text, at)
	}
	d.urls(text, at, 0)
}

// scanned reports whether a body is read as JSON, in which case its JWTs
// are looked for while it is scanned.
func (d *detector) scanned(b capture.Body) bool {
	if b.Binary || len(b.Text()) == 0 {
		return false
	}
	return looksJSON(b.Text())
}

func (d *detector) json(text []byte, at string) {
	scanJSON(text, d.names, "", func(h jsonHit) {
		key := lastSegment(h.key)
		role := key
		if genericFields[normName(role)] && h.parent != "" {
			role = lastSegment(h.parent) + "_" + role
		}
		d.credential(roleName(role), h.value, at+" "+h.path, h.key)
	}, func(s []byte) {
		d.jwts(s, at)
	})
}

// maxFilePartSecret is the largest file part taken whole as a secret
// when its name says it is one (a password sent as a file, as curl -F
// 'password=<file' or a browser's form may): a larger one is a real file.
const maxFilePartSecret = 4 << 10

// multipart reads the parts of a multipart body; false when it has none.
func (d *detector) multipart(text []byte, boundary, at string) bool {
	mr := multipart.NewReader(bytes.NewReader(text), boundary)
	parts := 0
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return parts > 0
		}
		parts++
		name := p.FormName()
		v, _ := io.ReadAll(io.LimitReader(p, 64<<10))
		// A part's own headers may carry a credential (X-Api-Key in a
		// batch request); Content-* only describe the part.
		keys := make([]string, 0, len(p.Header))
		for k := range p.Header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if strings.HasPrefix(strings.ToLower(k), "content-") || !d.names.header(k) {
				continue
			}
			for _, hv := range p.Header[k] {
				d.credential(roleName(k), strings.TrimSpace(hv), at+" part "+name+" header "+k, k)
			}
		}
		switch {
		case d.names.field(name, nil) && (p.FileName() == "" || len(v) <= maxFilePartSecret):
			d.credential(roleName(lastSegment(name)), strings.TrimRight(string(v), "\r\n"), at+" field "+name, name)
		case looksJSON(v):
			d.json(v, at+" part "+name)
		case looksForm(v):
			d.form(string(v), at+" part "+name+" ", false, 0)
			d.jwts(v, at+" part "+name)
		default:
			d.lines(v, at+" part "+name)
			d.jwts(v, at+" part "+name)
		}
		d.urls(v, at+" part "+name, 0)
	}
}

// sniffBoundary returns the boundary of a text that starts like a
// multipart body ("--BOUNDARY\r\nContent-Disposition: ..."), whatever its
// Content-Type says.
func sniffBoundary(t []byte) string {
	if !bytes.HasPrefix(t, []byte("--")) {
		return ""
	}
	line, rest, ok := bytes.Cut(t[2:], []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if !ok || len(line) == 0 || len(line) > 70 || !bytes.HasPrefix(bytes.ToLower(rest), []byte("content-")) {
		return ""
	}
	return string(line)
}

// lines reads a text as lines of "name=value" pairs (an env file, an
// OAuth answer as text/plain, a log line "password=x user=y") and
// "Name: value" headers (a request written out as text).
func (d *detector) lines(t []byte, at string) {
	for len(t) > 0 {
		line := t
		if i := bytes.IndexByte(t, '\n'); i >= 0 {
			line, t = t[:i], t[i+1:]
		} else {
			t = nil
		}
		line = bytes.TrimRight(line, "\r")
		if bytes.IndexByte(line, '=') < 0 && bytes.IndexByte(line, ':') < 0 {
			continue
		}
		// Name: value, as a header.
		if name, value, ok := bytes.Cut(bytes.TrimSpace(line), []byte(":")); ok && len(name) > 0 && !bytes.ContainsAny(name, " \t=&\"'") {
			n := string(name)
			v := strings.TrimSpace(string(value))
			switch {
			case strings.EqualFold(n, "authorization") || strings.EqualFold(n, "proxy-authorization"):
				d.authorization(v, at, false, false)
				continue
			case strings.EqualFold(n, "cookie"):
				for _, c := range strings.Split(v, ";") {
					d.cookie(c, "cookie", 0)
				}
				continue
			case d.names.field(n, nil) || d.names.header(n):
				d.credential(roleName(lastSegment(n)), unquote(v), at+" "+n, n)
				continue
			}
		}
		// name=value pairs between spaces, & or ;.
		for _, w := range bytes.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
			if bytes.IndexByte(w, '=') > 0 {
				d.form(string(w), at+" field ", false, 0)
			}
		}
	}
}

func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// looksForm is true for a text like a=1&b=2 with no spaces.
func looksForm(b []byte) bool {
	b = bytes.TrimRight(b, "\r\n")
	if bytes.ContainsAny(b, " \n\t{}<>\"") {
		return false
	}
	return bytes.IndexByte(b, '=') > 0
}

// jwts finds JSON Web Tokens anywhere in t: three base64url parts joined
// by dots (five for an encrypted JWE), the first decoding to a JSON object
// with "alg". Every JWT header starts with '{', which base64url writes as
// "e" followed by one of y (for {" and {space) or w (for a newline or tab
// after the brace). A token may follow any byte, a base64 letter too
// (id_token%3DeyJ...): a header that decodes to JSON with "alg" does not
// happen by chance.
func (d *detector) jwts(t []byte, at string) {
	for _, lead := range []string{"ey", "ew"} {
		for i := 0; ; {
			j := bytes.Index(t[i:], []byte(lead))
			if j < 0 {
				break
			}
			s := i + j
			i = s + 1
			if end, ok := jwtAt(t, s); ok {
				d.add("jwt", string(t[s:end]), at+" (JWT)")
				i = end
			}
		}
	}
}

var b64url = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = true
	}
	return t
}()

// jwtAt reports whether a JWT starts at t[s], and where it ends. A JWS
// has three parts (the signature is empty for alg "none"); a JWE, whose
// header has "enc", five (the encrypted key is empty for alg "dir").
func jwtAt(t []byte, s int) (int, bool) {
	run := func(i int) int {
		for i < len(t) && b64url[t[i]] {
			i++
		}
		return i
	}
	h := run(s)
	if h-s < 10 || h >= len(t) || t[h] != '.' {
		return 0, false
	}
	head, err := base64.RawURLEncoding.DecodeString(string(t[s:h]))
	if err != nil {
		return 0, false
	}
	var hdr map[string]any
	if json.Unmarshal(head, &hdr) != nil {
		return 0, false
	}
	if _, ok := hdr["alg"]; !ok {
		return 0, false
	}
	if _, jwe := hdr["enc"]; jwe {
		end := h
		for k := 0; k < 4; k++ {
			if end >= len(t) || t[end] != '.' {
				return 0, false
			}
			end = run(end + 1)
		}
		return end, true
	}
	p := run(h + 1)
	if p == h+1 || p >= len(t) || t[p] != '.' {
		return 0, false
	}
	return run(p + 1), true
}

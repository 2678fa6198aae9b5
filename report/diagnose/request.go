package diagnose

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
)

// requestChecks look at the request as the user made it (the first hop).
// They run first, so that the response checks can say when the request
// already explains the answer.
var requestChecks = []func(*call){
	checkAccept,
	checkAuthorization,
	checkCredentialElsewhere,
	checkBusinessPath,
	checkScheme,
	checkHost,
	checkBody,
	checkGetBody,
	checkReplayed,
	checkDroppedAuth, // before the response checks, which may point at it
}

// checkAccept: AT101, AT102, AT103.
func checkAccept(c *call) {
	want := mediaType
	if c.host.kind == hostYclients {
		want = yclientsMediaType
	}
	fix := "Accept: " + want
	var user []capture.Header
	var tool []capture.Header
	for _, h := range c.req.Header {
		if strings.EqualFold(h.Name, "Accept") {
			if h.Origin == capture.FromTool {
				tool = append(tool, h)
			} else {
				user = append(user, h)
			}
		}
	}
	sev := c.causeIf4xx()
	if len(user) == 0 {
		ev := []string{"no Accept header was sent"}
		if len(tool) > 0 {
			ev = []string{fmt.Sprintf("Accept: %s   (added by altegio-ticket, as curl does: you sent no Accept header)", printable(tool[0].Value))}
		}
		c.add("AT101", sev, Finding{
			Explain: "You sent no Accept header" + ifs(len(tool) > 0, ", so the call went out with curl's default Accept: */*", "") +
				". The Alteg.io API needs the media type " + want + " in Accept; API v2 answers 400 Bad Request without it.",
			Fix:      fix,
			Action:   "add the Accept header",
			Evidence: ev,
		})
		return
	}
	var values []string
	for _, h := range user {
		values = append(values, h.Value)
	}
	types := acceptTypes(strings.Join(values, ", "))
	has := func(t string) bool {
		for _, x := range types {
			if x == t {
				return true
			}
		}
		return false
	}
	var ev []string
	for _, v := range values {
		ev = append(ev, "Accept: "+printable(v))
	}
	switch {
	case has(want):
		return
	case (c.host.kind == hostLocal || c.host.kind == hostCustom) && has(yclientsMediaType):
		return // a test server may imitate either platform
	case c.host.kind == hostYclients && has(mediaType):
		c.add("AT103", sev, Finding{
			Explain:  "The call went to YCLIENTS (" + c.host.name + ") with Alteg.io's media type " + mediaType + ". YCLIENTS expects " + yclientsMediaType + ". If you meant to call Alteg.io, the host is " + apiHost + " (see AT131).",
			Fix:      fix,
			Action:   "fix the Accept header",
			Evidence: ev,
		})
	case has(yclientsMediaType):
		c.add("AT103", sev, Finding{
			Explain:  "The call went to Alteg.io with the YCLIENTS media type " + yclientsMediaType + ". Alteg.io and YCLIENTS share one API design but not their media types: Alteg.io expects " + mediaType + ".",
			Fix:      fix,
			Action:   "fix the Accept header",
			Evidence: ev,
		})
	default:
		c.add("AT102", sev, Finding{
			Explain:  "The Accept header does not name " + want + ", the media type the API needs; API v2 answers 400 Bad Request without it. A charset parameter is fine (" + want + "; charset=utf-8).",
			Fix:      fix,
			Action:   "fix the Accept header",
			Evidence: ev,
		})
	}
}

// checkAuthorization: AT110 to AT118.
func checkAuthorization(c *call) {
	fix := "Authorization: " + c.wantAuth()
	a := c.auth
	empty := a == nil || len(a.parts) == 0
	if empty {
		if c.outcome == outSuccess {
			return // the endpoint evidently needs no credentials
		}
		ev := []string{"no Authorization header was sent"}
		if a != nil {
			ev = a.evidence()
		}
		c.add("AT110", c.causeIfStatus(401, 403), Finding{
			Explain: "The call carries no credentials. Nearly every Alteg.io endpoint needs the partner token in Authorization (Bearer <partner token>); " +
				"endpoints that touch a location's business data need the user token as well, after a comma.",
			Fix:      fix,
			Action:   "add the Authorization header",
			Evidence: ev,
		})
		return
	}
	sev := c.causeIfStatus(401, 403)
	ev := a.evidence()
	first := a.parts[0][0]

	// AT111: the header must start with Bearer <partner token>.
	var why string
	switch {
	case first.kind == elemToken:
		why = "The token has no scheme in front of it. The API reads the partner token only after the word Bearer."
	case first.kind == elemKeyword && first.kw == "" && misspelledBearer(first.word):
		why = fmt.Sprintf("The scheme is written %q: it must be spelled Bearer.", first.word)
	case first.kind == elemKeyword && first.kw == "":
		why = fmt.Sprintf("The header uses the scheme %q. The Alteg.io API reads only Bearer (the partner token) and User (the user token).", first.word)
	case first.kw == "user" && a.count("bearer") == 0:
		why = "The header has a User part but no Bearer part. The partner token always comes first, after Bearer; the user token alone is not enough."
	}
	if why != "" {
		c.add("AT111", sev, Finding{Explain: why, Fix: fix, Action: "start Authorization with Bearer and the partner token", Evidence: ev})
	}

	// AT112: Bearer doubled.
	if n := a.count("bearer"); n > 1 {
		c.add("AT112", sev, Finding{
			Explain: fmt.Sprintf("The word Bearer appears %d times. Write it once, before the partner token; the user token follows after a comma and the word User. "+
				"Only the first Bearer token is read as the partner token.", n),
			Fix: fix, Action: "write Bearer only once", Evidence: ev,
		})
	}

	// AT113: User (or another part) without a comma.
	for _, p := range a.parts {
		if missingComma(p) {
			c.add("AT113", sev, Finding{
				Explain: "The User part is not separated from the Bearer part by a comma, so the API reads everything after Bearer as one partner token. " +
					"Put a comma between the parts: Bearer <partner token>, User <user token>.",
				Fix: "Authorization: " + authBoth, Action: "put a comma before User", Evidence: ev,
			})
			break
		}
	}

	// AT114: wrong order, or one token in both roles.
	if why := orderProblem(a); why != "" {
		c.add("AT114", sev, Finding{Explain: why, Fix: "Authorization: " + authBoth, Action: "put the partner token after Bearer and the user token after User", Evidence: ev})
	}

	// AT115: the word Partner.
	if a.count("partner") > 0 {
		c.add("AT115", sev, Finding{
			Explain: "The header has a Partner part, which the API does not read. The partner token goes after Bearer and the user token after User; " +
				"an application id or a location (company) id never goes in Authorization. If the token you sent after Bearer is your user token, " +
				"move it after User and put the partner token after Bearer. A 401 \"Partner ID not specified\" usually means this.",
			Fix: "Authorization: " + authBoth, Action: "drop the Partner part from Authorization", Evidence: ev,
		})
	}

	// AT116: quotes around a token.
	var quoted []string
	for _, p := range a.parts {
		for _, e := range p {
			if e.kind == elemToken && e.secret != nil && (e.quoted || strings.ContainsFunc(e.secret.Value, isQuote)) && !contains(quoted, e.secret.Placeholder) {
				quoted = append(quoted, e.secret.Placeholder)
			}
		}
	}
	if len(quoted) > 0 {
		c.add("AT116", sev, Finding{
			Explain: "Quotes surround or sit inside " + strings.Join(quoted, " and ") + ". The API takes every character after the scheme as the token, quotes included, " +
				"so a quoted token never matches. Remove the quotes (in code, quotes often come from string formatting or from a JSON-encoded config value).",
			Fix: fix, Action: "remove the quotes around the token", Evidence: ev,
		})
	}

	// AT117: whitespace, newlines or invisible characters.
	var odd []string
	newline := false
	for _, t := range authSecrets(a) {
		spaces := !valueHasKeyword(t.Value) // "a User b" is AT113, not a stray space
		if d := oddRune(t.Value, spaces); d != "" {
			odd = append(odd, fmt.Sprintf("%s holds %s", t.Placeholder, d))
			newline = newline || strings.ContainsAny(t.Value, "\r\n")
		}
	}
	for _, h := range a.headers {
		if strings.ContainsAny(h, "\r\n") {
			odd = append(odd, "the header value holds a line break next to a token")
			newline = true
			break
		}
	}
	for _, h := range a.headers {
		if extraSpaceRE.MatchString(h) {
			odd = append(odd, "there is more than one space, or a tab, between a scheme and its token")
			break
		}
	}
	if len(odd) > 0 {
		s := sev
		explain := "Copy and paste often brings along a space, a line break or an invisible character, and the API then compares a token that is no longer the one it issued."
		if newline && c.faultInvalidHeader() {
			s = Likely
			explain = "A token holds a line break, and an HTTP header cannot: the request was never sent. " + explain
		}
		c.add("AT117", s, Finding{
			Explain: explain + " Paste the token again without it, or trim it in code.",
			Fix:     fix, Action: "paste the token again without the stray character", Evidence: concat(ev, odd),
		})
	}

	// AT118: a numeric id in place of a token.
	var ids []string
	for _, t := range authSecrets(a) {
		if allDigits(t.Value) {
			ids = append(ids, fmt.Sprintf("%s is a %d-digit number", t.Placeholder, len(t.Value)))
		}
	}
	if len(ids) > 0 {
		c.add("AT118", sev, Finding{
			Explain: "A token made only of digits is an id, not a token: the application id from the Marketplace, or a location (company) id. " +
				"The partner token is a long string shown in the Marketplace under Account settings; the user token comes from POST /api/v1/auth.",
			Fix: fix, Action: "send the partner token (Marketplace, Account settings), not an id", Evidence: concat(ev, ids),
		})
	}
}

var extraSpaceRE = regexp.MustCompile(`(?i)\b(bearer|user)(\s{2,}|\t)`)

// missingComma says whether a part holds a second scheme after a token:
// "Bearer <t> User <u>".
func missingComma(p []elem) bool {
	sawToken := false
	for _, e := range p {
		if e.kind == elemToken {
			sawToken = true
			continue
		}
		if sawToken && e.kw != "" {
			return true
		}
	}
	return false
}

// orderProblem explains a User part before the Bearer part, or one token
// sent in both roles; "" when neither.
func orderProblem(a *authShape) string {
	firstUser, firstBearer := -1, -1
	i := 0
	roles := map[*redact.Secret]map[string]bool{}
	for _, p := range a.parts {
		scheme := ""
		for _, e := range p {
			if e.kind == elemKeyword {
				scheme = e.kw
				switch {
				case e.kw == "user" && firstUser < 0:
					firstUser = i
				case e.kw == "bearer" && firstBearer < 0:
					firstBearer = i
				}
			} else if e.secret != nil && !e.inValue && (scheme == "bearer" || scheme == "user") {
				if roles[e.secret] == nil {
					roles[e.secret] = map[string]bool{}
				}
				roles[e.secret][scheme] = true
			}
			i++
		}
	}
	if firstUser >= 0 && firstBearer > firstUser {
		return "The User part comes before the Bearer part. The API expects the partner token first, after Bearer, then a comma and the user token after User."
	}
	for _, s := range authSecrets(a) {
		if r := roles[s]; r["bearer"] && r["user"] {
			return "The same token (" + s.Placeholder + ") is sent after Bearer and after User. The partner token and the user token are different: " +
				"the partner token is in the Marketplace under Account settings, the user token comes from POST /api/v1/auth."
		}
	}
	return ""
}

// concat returns a new slice holding a then b, so that findings that
// share evidence never share a backing array.
func concat(a, b []string) []string {
	return append(append(make([]string, 0, len(a)+len(b)), a...), b...)
}

func valueHasKeyword(v string) bool {
	for _, f := range strings.Fields(v) {
		if authKeyword(f) != "" {
			return true
		}
	}
	return false
}

// authSecrets lists the secrets whose placeholders are in the header, once
// each, in order.
func authSecrets(a *authShape) []*redact.Secret {
	var out []*redact.Secret
	seen := map[*redact.Secret]bool{}
	for _, p := range a.parts {
		for _, e := range p {
			if e.secret != nil && !seen[e.secret] {
				seen[e.secret] = true
				out = append(out, e.secret)
			}
		}
	}
	return out
}

// faultInvalidHeader says whether Go's transport refused to send a header.
func (c *call) faultInvalidHeader() bool {
	return c.ex.Fault != nil && strings.Contains(c.ex.Fault.Message+c.ex.Fault.Detail, "invalid header field")
}

// checkCredentialElsewhere: AT119.
func checkCredentialElsewhere(c *call) {
	if c.outcome == outSuccess {
		return
	}
	var ev []string
	for _, h := range c.req.Header {
		for _, name := range redact.MadeUpHeaders {
			if strings.EqualFold(h.Name, name) {
				ev = append(ev, "header "+h.Name+" (value not shown)")
			}
		}
	}
	if c.host.url != nil {
		q := c.host.url.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, p := range redact.MadeUpParams {
				if strings.EqualFold(k, p) {
					ev = append(ev, "query parameter "+k+"= (value not shown)")
				}
			}
		}
	}
	if len(ev) == 0 {
		return
	}
	c.add("AT119", Warning, Finding{
		Explain: "The API reads credentials from the Authorization header only; it ignores made-up headers and query parameters such as these. " +
			"A token in the URL also ends up in server and proxy logs. Remove them and send the tokens in Authorization.",
		Fix: "Authorization: " + c.wantAuth(), Action: "send the tokens in Authorization only", Evidence: ev,
	})
}

// checkBusinessPath: AT120.
func checkBusinessPath(c *call) {
	// checkSpec drops this guess when the description documents the
	// operation (AT155 then says what it needs).
	if c.auth == nil || len(c.auth.parts) == 0 || c.auth.hasUser() || !isBusinessPath(c.host.path) || c.outcome == outSuccess {
		return
	}
	sev := Warning
	if c.resp != nil && (c.resp.Status == 401 || c.resp.Status == 403) {
		sev = Likely
	}
	c.add("AT120", sev, Finding{
		Explain: "The path " + c.host.path + " reads or changes a location's business data (records, clients, transactions, staff, company/{id}/...). " +
			"Such endpoints need two tokens: the partner token after Bearer, and after a comma the user token after User. The call carried no User part. " +
			"If the token you sent after Bearer is in fact your user token, move it after User and put the partner token after Bearer. " +
			"A user token comes from POST /api/v1/auth with the login and password of a user who has rights on the location.",
		Fix:      "Authorization: " + authBoth,
		Action:   "add the user token to Authorization",
		Evidence: concat(c.auth.evidence(), []string{"path: " + c.host.path}),
	})
}

// checkScheme: AT130.
func checkScheme(c *call) {
	if c.host.scheme != "http" || !(c.host.alteg() || c.host.kind == hostYclients) {
		return
	}
	fixed := *c.host.url
	fixed.Scheme = "https"
	if fixed.Port() == "80" {
		fixed.Host = fixed.Hostname()
	}
	ev := []string{"URL: " + c.req.URL}
	for i, h := range c.ex.Hops[1:] {
		prev := c.ex.Hops[i]
		line := fmt.Sprintf("redirected to %s %s", h.Request.Method, h.Request.URL)
		if prev.Request.Method != h.Request.Method {
			line += fmt.Sprintf(" (%s became %s)", prev.Request.Method, h.Request.Method)
		}
		if contains(h.Dropped, "Authorization") {
			line += "; Authorization was not sent again"
		}
		ev = append(ev, line)
	}
	sev := Likely
	if c.outcome == outSuccess {
		sev = Warning
	}
	c.add("AT130", sev, Finding{
		Explain: "The call used plain http://. The API is served over TLS only (1.2 or later): over http:// the tokens travel in clear text, " +
			"and a redirect to https:// drops Authorization (it goes to another scheme) and turns a POST into a GET, so the API never sees the call you meant.",
		Fix: fixed.String(), Action: "use https://", Evidence: ev,
	})
}

// checkHost: AT131 and AT132.
func checkHost(c *call) {
	h := c.host
	if h.url == nil {
		return
	}
	fixURL := func(host string) string {
		u := *h.url
		u.Host = host
		if h.scheme == "http" {
			u.Scheme = "https"
		}
		return u.String()
	}
	sev := Likely
	if c.outcome == outSuccess {
		sev = Warning
	}
	ev := []string{"host: " + printable(h.url.Host)}
	switch h.kind {
	case hostTypo:
		c.add("AT131", sev, Finding{
			Explain: "The host " + h.name + " looks like a misspelling of " + apiHost + ", the Alteg.io API host.",
			Fix:     fixURL(apiHost), Action: "call " + apiHost, Evidence: ev,
		})
	case hostAltegio:
		c.add("AT131", sev, Finding{
			Explain: h.name + " is an Alteg.io name but not the API host. The REST API is at https://" + apiHost + "/api/v1/... and /api/v2/....",
			Fix:     fixURL(apiHost), Action: "call " + apiHost, Evidence: ev,
		})
	case hostApp:
		if c.outcome == outSuccess || !strings.HasPrefix(h.path, "/api/") {
			return
		}
		c.add("AT131", sev, Finding{
			Explain: appHost + " serves the web application and some marketplace endpoints; the REST API paths /api/v1/... and /api/v2/... are on " + apiHost + ".",
			Fix:     fixURL(apiHost), Action: "call " + apiHost + " instead of " + appHost, Evidence: ev,
		})
	case hostYclients:
		if c.outcome == outSuccess {
			return
		}
		s := Warning
		if c.resp != nil && (c.resp.Status == 401 || c.resp.Status == 403) {
			s = Likely
		}
		c.add("AT131", s, Finding{
			Explain: h.name + " is YCLIENTS. Alteg.io and YCLIENTS share one API design but are separate platforms: tokens issued by Alteg.io are refused by YCLIENTS and the other way round. " +
				"If your tokens come from Alteg.io, call " + apiHost + "; if they are YCLIENTS tokens, YCLIENTS support is the desk to write to, not api@alteg.io.",
			Fix: fixURL(apiHost), Action: "call " + apiHost + " with Alteg.io tokens", Evidence: ev,
		})
	case hostLocal, hostCustom:
		what := "a local or private host"
		if h.kind == hostCustom {
			what = "not an Alteg.io host"
		}
		c.add("AT132", Info, Finding{
			Explain: h.name + " is " + what + " (the Alteg.io API is at " + apiHost + "). The checks still apply Alteg.io's rules, as if this host were the API or a gateway to it; " +
				"api@alteg.io can only help with calls that reach " + apiHost + ".",
			Evidence: ev,
		})
	}
}

// checkBody: AT140, AT141, AT142.
func checkBody(c *call) {
	b := c.req.Body
	text := strings.TrimSpace(string(b.Text()))
	if b.Size == 0 || text == "" || b.Binary {
		return
	}
	// An auth, path or method error comes before the body is read.
	sev := c.causeIfNotStatus(401, 403, 404, 405)
	var ct string
	var origin capture.Origin
	for _, h := range c.req.Header {
		if strings.EqualFold(h.Name, "Content-Type") {
			ct, origin = h.Value, h.Origin
			break
		}
	}
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	isJSONType := capture.IsJSONType(mt)
	looksJSON := strings.HasPrefix(text, "{") || strings.HasPrefix(text, "[")
	form := !looksJSON && formRE.MatchString(text)

	ctEvidence := "no Content-Type header was sent"
	if ct != "" {
		ctEvidence = "Content-Type: " + printable(ct)
		if origin == capture.FromTool {
			ctEvidence += "   (added by altegio-ticket for -d, as curl does)"
		}
	}
	jsonFix := "Content-Type: application/json"

	if form {
		c.add("AT141", sev, Finding{
			Explain: "The body is form-encoded (key=value&key=value), but the API reads JSON bodies, " + pathNote(c.host.path) +
				"Send the same fields as a JSON object with Content-Type: application/json.",
			Fix:      jsonFix + "\n" + formAsJSON(text),
			Action:   "send the body as JSON",
			Evidence: []string{ctEvidence, "body: form-encoded, fields " + strings.Join(formKeys(text), ", ")},
		})
		return
	}
	if !isJSONType {
		explain := "The body is sent without a Content-Type header. The API reads request bodies as JSON and needs Content-Type: application/json."
		switch {
		case ct != "" && origin == capture.FromTool:
			explain = "The body went out labelled as a form: curl's -d adds Content-Type: application/x-www-form-urlencoded when you give none, and so does altegio-ticket. " +
				"The API reads request bodies as JSON and needs Content-Type: application/json."
		case ct != "":
			explain = "The body is sent as " + mt + ". The API reads request bodies as JSON and needs Content-Type: application/json."
		}
		c.add("AT140", sev, Finding{Explain: explain, Fix: jsonFix, Action: "add " + jsonFix, Evidence: []string{ctEvidence}})
	}
	if (isJSONType || looksJSON) && !b.Truncated {
		if line, col, msg, ok := jsonError(b.Text()); ok {
			c.add("AT142", sev, Finding{
				Explain: fmt.Sprintf("The body is not valid JSON: at line %d, column %d: %s. The API cannot read any field of it. "+
					"Common causes are single quotes, a trailing comma, or a shell that ate the double quotes.", line, col, msg),
				Action:   fmt.Sprintf("fix the JSON body at line %d, column %d", line, col),
				Evidence: []string{ctEvidence, fmt.Sprintf("JSON error at line %d, column %d: %s", line, col, msg)},
			})
		}
	}
}

var formRE = regexp.MustCompile(`^[A-Za-z0-9_.\[\]%-]+=[^&]*(&[A-Za-z0-9_.\[\]%-]+=[^&]*)*$`)

func pathNote(p string) string {
	if isLoginPath(p) {
		return "and " + p + " takes {\"login\": ..., \"password\": ...} as JSON. "
	}
	return "so it sees none of these fields. "
}

// formKeys returns the field names of a form body, at most ten; the
// values are never read.
func formKeys(text string) []string {
	var keys []string
	for _, kv := range strings.Split(text, "&") {
		if len(keys) == 10 {
			keys = append(keys, "…")
			break
		}
		k, _, _ := strings.Cut(kv, "=")
		if u, err := url.QueryUnescape(k); err == nil {
			k = u
		}
		keys = append(keys, printable(k))
	}
	return keys
}

// formAsJSON shows the fields of a form body as a JSON object, with the
// values elided: they may be a password or personal data.
func formAsJSON(text string) string {
	var parts []string
	for _, k := range formKeys(text) {
		if k == "…" {
			parts = append(parts, k)
			continue
		}
		parts = append(parts, fmt.Sprintf("%q: \"…\"", k))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// checkGetBody: AT143.
func checkGetBody(c *call) {
	m := strings.ToUpper(c.req.Method)
	if (m != "GET" && m != "HEAD") || c.req.Body.Size == 0 {
		return
	}
	c.add("AT143", Warning, Finding{
		Explain: "A " + m + " request carries a body of " + capture.ByteCount(c.req.Body.Size) + ". Servers ignore the body of a " + m + ", so its fields never arrive; " +
			"filters for a GET go in the query string (?start_date=...&end_date=...). Endpoints that take a body use POST or PUT.",
		Action:   "move the fields to the query string, or use the method the endpoint documents",
		Evidence: []string{fmt.Sprintf("%s with a %s body", m, capture.ByteCount(c.req.Body.Size))},
	})
}

// checkReplayed: AT144.
func checkReplayed(c *call) {
	m := strings.ToUpper(c.req.Method)
	if !c.ex.Source.Replayed || (m != "POST" && m != "PATCH") || isLoginPath(c.host.path) || !c.mayHaveActed() {
		return
	}
	c.add("AT144", Info, Finding{
		Explain: "altegio-ticket sent this " + m + " again to record it, and " + m + " is not idempotent: if the original call got through, the replay may have created a second booking, client or payment. " +
			"Check the location for a duplicate.",
		Action:   "check the location for a duplicate",
		Evidence: []string{m + " replayed from the " + orDefault(c.ex.Source.From, "command line")},
	})
}

// mayHaveActed says whether the server may have carried the request out:
// it accepted it, failed on its side, or the answer was lost.
func (c *call) mayHaveActed() bool {
	switch c.outcome {
	case outSuccess, outServer:
		return true
	case outNone:
		if f := c.ex.Fault; f != nil {
			switch f.Kind {
			case capture.FaultResponseTimeout, capture.FaultReset, capture.FaultMalformed:
				return true
			}
		}
	}
	return false
}

func ifs(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// printable writes control and invisible characters as Go escapes (\n,
// \t, \u200b), so that evidence shows them and text from the server cannot
// break a line or steer a terminal.
// maxQuoted is how many characters of server text a finding quotes.
const maxQuoted = 300

func printable(s string) string {
	var b strings.Builder
	n := 0
	for i, r := range s {
		// A server can echo a whole body as its message; the ticket shows
		// the body itself, so a finding quotes only the start.
		if n == maxQuoted {
			fmt.Fprintf(&b, "… (%d more bytes; the whole text is in the response body)", len(s)-i)
			break
		}
		n++
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

package diagnose

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/altegio/altegio-ticket/redact"
)

// authRules check the Authorization header and where the credentials go.
// Each reads the header's parsed shape (auth.go), never a token's value
// beyond its properties.
var authRules = []rule{
	{Check: Check{"AT110", "No Authorization header", "The call carries no credentials. Most endpoints need `Authorization: Bearer <partner token>`."},
		blames: partAuth, run: checkNoAuthorization},
	{Check: Check{"AT111", "Authorization does not start with Bearer", "A scheme other than Bearer (`Basic`, `Token`, a misspelled `Bearer`), a bare token with no scheme, or a `User` part with no `Bearer` part before it."},
		blames: partAuth, run: checkScheme, fix: fixAuthorization},
	{Check: Check{"AT112", "Bearer written twice", "`Bearer Bearer <token>`, or two Bearer parts. Only the first Bearer token is read as the partner token."},
		blames: partAuth, run: checkBearerTwice, fix: fixAuthorization},
	{Check: Check{"AT113", "User part without a comma", "`Bearer <partner> User <user>`: the two parts must be separated by a comma."},
		blames: partAuth, run: checkMissingComma, fix: fixAuthorization},
	{Check: Check{"AT114", "Tokens in the wrong order or the same token twice", "The User part comes before the Bearer part, or one token is sent as both the partner and the user token."},
		blames: partAuth, run: checkOrder, fix: fixAuthorization},
	{Check: Check{"AT115", "The word Partner in Authorization", "The API knows only `Bearer` (partner token) and `User` (user token); `Partner <id>` is not read."},
		blames: partAuth, run: checkPartnerWord},
	{Check: Check{"AT116", "Quotes around a token", "A token is wrapped in quotes (straight or typographic); the quotes become part of the token."},
		blames: partAuth, run: checkQuotes, fix: fixAuthorization},
	{Check: Check{"AT117", "Whitespace or invisible characters in a token", "A token holds a space, tab, newline, non-breaking space or zero-width character (usually from copy and paste), or there is extra whitespace between a scheme and its token. A newline stops the request from being sent at all."},
		blames: partAuth, run: checkOddCharacters, fix: fixAuthorization},
	{Check: Check{"AT118", "Token looks like a numeric id", "A token made only of digits is an application id or a location (company) id, not a token."},
		blames: partAuth, run: checkNumericToken},
	{Check: Check{"AT119", "Credentials in a made-up header or query parameter", "Headers such as `X-Partner-ID` or query parameters such as `partner_id=` are ignored; credentials go in Authorization only."},
		blames: partAuth, run: checkCredentialElsewhere},
	{Check: Check{"AT120", "Business-data path without a User token", "Records, clients, transactions, staff and `company/{id}/...` paths need `Authorization: Bearer <partner token>, User <user token>`."},
		blames: partUser, run: checkBusinessPath},
	{Check: Check{"AT121", "User written twice", "Two `User` parts, e.g. `Bearer <partner>, User <user>, User <user>`: a client library that appends the User part on every call instead of setting it once. Only one user token is read."},
		blames: partAuth, run: checkUserTwice, fix: fixAuthorization},
}

// authFix is the Authorization header to show as the fix.
func (c *call) authFix() string { return "Authorization: " + c.wantAuth() }

// hasAuth says whether an Authorization header with any content was sent.
func (c *call) hasAuth() bool { return c.auth != nil && len(c.auth.parts) > 0 }

// checkNoAuthorization: AT110.
func checkNoAuthorization(c *call) *Finding {
	if c.hasAuth() || !c.failed() {
		return nil // a call that worked evidently needed no credentials
	}
	ev := []string{"no Authorization header was sent"}
	if c.auth != nil {
		ev = c.auth.evidence()
	}
	return &Finding{
		Severity: Likely,
		Explain: "The call carries no credentials. Nearly every Alteg.io endpoint needs the partner token in Authorization (Bearer <partner token>); " +
			"endpoints that touch a location's business data need the user token as well, after a comma.",
		Fix:      c.authFix(),
		Action:   "add the Authorization header",
		Evidence: ev,
	}
}

// checkScheme: AT111. The header must start with Bearer <partner token>.
func checkScheme(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	a := c.auth
	first := a.parts[0][0]
	var why string
	switch {
	case first.kind == elemToken:
		why = "The token has no scheme in front of it. The API reads the partner token only after the word Bearer."
	case first.kw == "" && misspelledBearer(first.word):
		why = fmt.Sprintf("The scheme is written %q: it must be spelled Bearer.", first.word)
	case first.kw == "":
		why = fmt.Sprintf("The header uses the scheme %q. The Alteg.io API reads only Bearer (the partner token) and User (the user token).", first.word)
	case first.kw == "user" && a.count("bearer") == 0:
		why = "The header has a User part but no Bearer part. The partner token always comes first, after Bearer; the user token alone is not enough."
	default:
		return nil
	}
	return &Finding{Severity: Likely, Explain: why, Fix: c.authFix(), Action: "start Authorization with Bearer and the partner token", Evidence: a.evidence()}
}

// checkBearerTwice: AT112.
func checkBearerTwice(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	n := c.auth.count("bearer")
	if n < 2 {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: fmt.Sprintf("The word Bearer appears %d times. Write it once, before the partner token; the user token follows after a comma and the word User. "+
			"Only the first Bearer token is read as the partner token.", n),
		Fix: c.authFix(), Action: "write Bearer only once", Evidence: c.auth.evidence(),
	}
}

// checkUserTwice: AT121. Some client libraries keep the header in a
// shared object and append ", User <token>" on every call, so the header
// grows by one part per request.
func checkUserTwice(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	n := c.auth.count("user")
	if n < 2 {
		return nil
	}
	same := ""
	if ts := c.auth.tokensAfter("user"); len(ts) >= 2 {
		distinct := map[string]bool{}
		for _, t := range ts {
			distinct[t] = true
		}
		if len(distinct) == 1 {
			same = " The same user token is repeated."
		} else {
			same = fmt.Sprintf(" They carry %d different user tokens: a library that appends one per call after each login.", len(distinct))
		}
	}
	return &Finding{
		Severity: Likely,
		Explain: fmt.Sprintf("The User part appears %d times.%s This is usually a client library that adds \", User <token>\" to a shared header on every call "+
			"instead of setting the header once: the header grows with each request. Build the header once per request: Bearer <partner token>, User <user token>.", n, same),
		Fix: "Authorization: " + authBoth, Action: "send one User part: set Authorization once per request", Evidence: c.auth.evidence(),
	}
}

// checkMissingComma: AT113. "Bearer <t> User <u>" is read as one token.
func checkMissingComma(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	for _, p := range c.auth.parts {
		if missingComma(p) {
			return &Finding{
				Severity: Likely,
				Explain: "The User part is not separated from the Bearer part by a comma, so the API reads everything after Bearer as one partner token. " +
					"Put a comma between the parts: Bearer <partner token>, User <user token>.",
				Fix: "Authorization: " + authBoth, Action: "put a comma before User", Evidence: c.auth.evidence(),
			}
		}
	}
	return nil
}

// checkOrder: AT114.
func checkOrder(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	why := orderProblem(c.auth)
	if why == "" {
		return nil
	}
	return &Finding{Severity: Likely, Explain: why, Fix: "Authorization: " + authBoth, Action: "put the partner token after Bearer and the user token after User", Evidence: c.auth.evidence()}
}

// checkPartnerWord: AT115.
func checkPartnerWord(c *call) *Finding {
	if !c.hasAuth() || c.auth.count("partner") == 0 {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The header has a Partner part, which the API does not read. The partner token goes after Bearer and the user token after User; " +
			"an application id or a location (company) id never goes in Authorization. If the token you sent after Bearer is your user token, " +
			"move it after User and put the partner token after Bearer. A 401 \"Partner ID not specified\" usually means this.",
		Fix: "Authorization: " + authBoth, Action: "drop the Partner part from Authorization", Evidence: c.auth.evidence(),
	}
}

// checkQuotes: AT116.
func checkQuotes(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	var quoted []string
	for _, p := range c.auth.parts {
		for _, e := range p {
			if e.kind == elemToken && e.secret != nil && (e.quoted || strings.ContainsFunc(e.secret.Value, isQuote)) && !contains(quoted, e.secret.Placeholder) {
				quoted = append(quoted, e.secret.Placeholder)
			}
		}
	}
	if len(quoted) == 0 {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "Quotes surround or sit inside " + strings.Join(quoted, " and ") + ". The API takes every character after the scheme as the token, quotes included, " +
			"so a quoted token never matches. Remove the quotes (in code, quotes often come from string formatting or from a JSON-encoded config value).",
		Fix: c.authFix(), Action: "remove the quotes around the token", Evidence: c.auth.evidence(),
	}
}

var extraSpaceRE = regexp.MustCompile(`(?i)\b(bearer|user)(\s{2,}|\t)`)

// checkOddCharacters: AT117. The ranking makes it the likely cause of a
// call Go refused to send, because the fault names Authorization.
func checkOddCharacters(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	a := c.auth
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
	if len(odd) == 0 {
		return nil
	}
	explain := "Copy and paste often brings along a space, a line break or an invisible character, and the API then compares a token that is no longer the one it issued."
	if newline && c.faultInvalidHeader() {
		explain = "A token holds a line break, and an HTTP header cannot: the request was never sent. " + explain
	}
	return &Finding{
		Severity: Likely,
		Explain:  explain + " Paste the token again without it, or trim it in code.",
		Fix:      c.authFix(), Action: "paste the token again without the stray character", Evidence: concat(a.evidence(), odd),
	}
}

// checkNumericToken: AT118.
func checkNumericToken(c *call) *Finding {
	if !c.hasAuth() {
		return nil
	}
	var ids []string
	for _, t := range authSecrets(c.auth) {
		if allDigits(t.Value) {
			ids = append(ids, fmt.Sprintf("%s is a %d-digit number", t.Placeholder, len(t.Value)))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "A token made only of digits is an id, not a token: the application id from the Marketplace, or a location (company) id. " +
			"The partner token is a long string shown in the Marketplace under Account settings; the user token comes from POST /api/v1/auth.",
		Fix: c.authFix(), Action: "send the partner token (Marketplace, Account settings), not an id", Evidence: concat(c.auth.evidence(), ids),
	}
}

// checkCredentialElsewhere: AT119. Always a warning: the made-up header
// is ignored, so it does not cause a failure by itself; what is missing
// from Authorization does, and the other checks say so.
func checkCredentialElsewhere(c *call) *Finding {
	if !c.failed() {
		return nil
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
		return nil
	}
	return &Finding{
		Severity: Warning,
		Explain: "The API reads credentials from the Authorization header only; it ignores made-up headers and query parameters such as these. " +
			"A token in the URL also ends up in server and proxy logs. Remove them and send the tokens in Authorization.",
		Fix: c.authFix(), Action: "send the tokens in Authorization only", Evidence: ev,
	}
}

// checkBusinessPath: AT120. It guesses from the path's words; when the
// API description documents the operation, its security is known and
// AT155 speaks instead (or nothing, for an operation documented with the
// partner token alone).
func checkBusinessPath(c *call) *Finding {
	if !c.hasAuth() || c.auth.hasUser() || !isBusinessPath(c.host.path) || !c.failed() || c.specOp() != nil {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The path " + c.host.path + " reads or changes a location's business data (records, clients, transactions, staff, company/{id}/...). " +
			"Such endpoints need two tokens: the partner token after Bearer, and after a comma the user token after User. The call carried no User part. " +
			"If the token you sent after Bearer is in fact your user token, move it after User and put the partner token after Bearer. " +
			"A user token comes from POST /api/v1/auth with the login and password of a user who has rights on the location.",
		Fix:      "Authorization: " + authBoth,
		Action:   "add the user token to Authorization",
		Evidence: concat(c.auth.evidence(), []string{"path: " + c.host.path}),
	}
}

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

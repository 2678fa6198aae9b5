package diagnose

import (
	"encoding/json"
	"fmt"
	"strings"
)

// statusRules read the final response by its status, when the answer
// carries no message that a check of answers.go names. Each failing
// answer gets exactly one answer finding (TestOneAnswerFinding): the
// status rule of its status, or the rule of its known message.
var statusRules = []rule{
	{Check: Check{"AT201", "400 Bad Request", "The API found the request malformed; the message says what, most often the Accept header."},
		from: fromAnswer, run: checkBadRequest},
	{Check: Check{"AT202", "401 Unauthorized", "The API did not accept the credentials; `Authentication needed.` usually means a missing, expired or foreign user token."},
		from: fromAnswer, run: checkUnauthorized},
	{Check: Check{"AT203", "401 in the YCLIENTS error format", "The answer reads `{\"errors\":{\"code\":401,...}}`, the YCLIENTS style: usually a YCLIENTS host or a YCLIENTS token."},
		from: fromAnswer, run: checkYclientsFormat},
	{Check: Check{"AT204", "403 Forbidden", "The tokens were read but give no right to this call (`Access denied.`): the application is not connected to the location, or the user lacks rights."},
		from: fromAnswer, run: checkForbidden},
	{Check: Check{"AT205", "404 Not Found", "The path, or an id in it, does not exist or is not visible to these tokens; the finding names what in the path looks wrong (`undefined` where an id belongs, an id in the query instead of the path, a path of the other API version)."},
		from: fromAnswer, run: checkNotFound},
	{Check: Check{"AT206", "405 Method Not Allowed", "The HTTP method is wrong for the path."},
		from: fromAnswer, run: checkMethod},
	{Check: Check{"AT207", "422 Unprocessable Entity", "The request failed validation; every field in `meta.errors` is listed, with a hint when a field name belongs to the other API version."},
		from: fromAnswer, run: checkUnprocessable},
	{Check: Check{"AT208", "429 Too Many Requests", "The rate limit (5 requests per second or 200 per minute per IP) was exceeded; back off and retry."},
		from: fromAnswer, run: checkRateLimit},
	{Check: Check{"AT209", "Server error (5xx)", "The cause is on the server side; the ticket carries the exact time (UTC) and remote address support needs."},
		from: fromAnswer, run: checkServerError},
	{Check: Check{"AT210", "A web page instead of the API's answer", "The answer is HTML, not the JSON envelope: a proxy, firewall, captive portal or the wrong host answered."},
		from: fromAnswer, run: checkWebPage},
	{Check: Check{"AT211", "Success status with success: false", "A 2xx answer whose envelope says `success: false`; the message is shown verbatim."},
		from: fromAnswer, run: checkSuccessFalse},
	{Check: Check{"AT212", "Other client error", "A 4xx status without a specific check; the envelope's message is shown verbatim."},
		from: fromAnswer, run: checkOtherClientError},
}

// titledCauses are the known messages that only word a status: the
// status rule reports them, as the status it came with.
var titledCauses = map[cause]bool{causeAccept: true, causeAuthNeeded: true, causeAccessDenied: true, causeNotFound: true}

// statusSpeaks says whether the status rule for status reports this
// answer: the status matches, and no answer check claims its message.
func (c *call) statusSpeaks(status int) bool {
	if c.resp == nil || c.resp.Status != status {
		return false
	}
	k := c.answer.known
	return k == nil || titledCauses[k.cause]
}

// said quotes the server's main message for a sentence: ` (the message:
// "Access denied.")`, with a gloss when it is not in English.
func (c *call) said() string {
	t := c.env.serverText()
	if t == "" {
		return ""
	}
	gloss := ""
	if k := c.answer.known; k != nil && c.answer.text == t {
		gloss = k.gloss
	}
	return " (the message: " + glossed(t, gloss) + ")"
}

// statusEvidence quotes the status line and what the body says, in every
// shape the API answers with.
func (c *call) statusEvidence() []string {
	ev := []string{strings.TrimSpace(fmt.Sprintf("status: %d %s", c.resp.Status, c.resp.StatusText))}
	e := c.env
	if e.HasMessage {
		ev = append(ev, "meta.message: "+quoted(e.Message))
	}
	for i, ce := range e.Coded {
		if i == maxFields {
			ev = append(ev, fmt.Sprintf("and %d more in meta.errors (see the response body)", len(e.Coded)-i))
			break
		}
		ev = append(ev, fmt.Sprintf("meta.errors[%d]: code %d, %s", i, ce.Code, quoted(ce.Message)))
	}
	if e.YErrors {
		ev = append(ev, fmt.Sprintf("errors: code %d, message %s", e.YCode, quoted(e.YMessage)))
	}
	if e.Other != "" && !e.IsEnvelope {
		ev = append(ev, "message: "+quoted(e.Other))
	}
	switch {
	case len(ev) > 1:
	case e.IsEnvelope && e.MetaEmpty:
		ev = append(ev, "meta: empty")
	case e.HTML:
		ev = append(ev, "body: a web page (text/html), not the API's JSON envelope")
	case c.resp.Body.Withheld != "":
		ev = append(ev, "body: not kept ("+printable(c.resp.Body.Withheld)+")")
	case !e.IsEnvelope && c.resp.Body.Size > 0:
		ev = append(ev, "body: not the API's JSON envelope {success, data, meta}")
	}
	return ev
}

// fieldEvidence adds meta.errors as fields to ev, and returns the field
// names for a sentence.
func (c *call) fieldEvidence(ev []string) ([]string, []string) {
	var fields []string
	for i, fe := range c.env.Errors {
		if i == maxFields {
			// Real answers name a handful of fields; a pathological one
			// must not blow up the ticket. The body has them all.
			fields = append(fields, fmt.Sprintf("and %d more (see the response body)", len(c.env.Errors)-i))
			break
		}
		ev = append(ev, fmt.Sprintf("meta.errors.%s: %s", printable(fe.Field), printable(strings.Join(fe.Messages, "; "))))
		fields = append(fields, printable(fe.Field))
	}
	return ev, fields
}

// checkBadRequest: AT201.
func checkBadRequest(c *call) *Finding {
	if !c.statusSpeaks(400) {
		return nil
	}
	ev, fields := c.fieldEvidence(c.statusEvidence())
	if k := c.answer.known; k != nil && k.cause == causeAccept {
		return &Finding{
			Severity: Likely,
			Explain: "The API says the Accept header is wrong" + c.said() + ". It needs Accept: " + c.wantMedia() +
				" on every call; check that no second Accept header, library default or proxy replaces it.",
			Fix: "Accept: " + c.wantMedia(), Action: "fix the Accept header", Evidence: ev,
		}
	}
	f := &Finding{
		Severity: Likely,
		Explain: "The API found the request malformed" + c.said() + ". The message names what is wrong: often a query parameter (a date in the wrong format, " +
			"a required parameter left out) or a field of the body.",
		Action:   "fix what the message names",
		Evidence: ev,
	}
	if len(fields) > 0 {
		f.Explain = fmt.Sprintf("The API rejected %d field(s): %s%s. It read the request up to these fields, so the headers were accepted.", len(c.env.Errors), strings.Join(fields, ", "), c.said())
		f.Action = "correct the fields listed in meta.errors"
	}
	if h := c.valueHints(); h != "" {
		f.Explain += " " + h
	}
	return f
}

// checkUnauthorized: AT202.
func checkUnauthorized(c *call) *Finding {
	if !c.statusSpeaks(401) || c.env.YErrors {
		return nil
	}
	f := &Finding{
		Severity: Likely,
		Explain: "The API did not accept the credentials" + c.said() + ". Both tokens were sent and are well formed, so the usual causes are: " +
			"the user token expired or was revoked (get a fresh one with POST /api/v1/auth); the user token was issued for another partner token; " +
			"the partner token was copied incompletely or belongs to another account; or the application is not connected to this location.",
		Fix:      c.authFix(),
		Action:   "check both tokens (a fresh user token comes from POST /api/v1/auth)",
		Evidence: c.statusEvidence(),
	}
	if !c.hasAuth() || !c.auth.hasUser() {
		f.Explain = "The API did not accept the credentials" + c.said() + ". The call carried the Bearer part only: either this endpoint needs the user token too " +
			"(Bearer <partner token>, User <user token>), or the token after Bearer is not a valid partner token (it may be the user token, or an id)."
		f.Action = "send both tokens"
		f.Fix = "Authorization: " + authBoth
	}
	return f
}

// checkYclientsFormat: AT203.
func checkYclientsFormat(c *call) *Finding {
	if c.resp == nil || c.resp.Status != 401 || !c.env.YErrors {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The answer has the YCLIENTS error format {\"errors\": {\"code\": 401, ...}} (the message: " + quoted(c.env.YMessage) + "). " +
			"It usually means a YCLIENTS host, or a token that YCLIENTS issued; Alteg.io tokens work only on " + apiHost + ", and the other way round.",
		Fix:      c.authFix(),
		Action:   "check that the host and both tokens come from the same platform",
		Evidence: c.statusEvidence(),
	}
}

// checkForbidden: AT204.
func checkForbidden(c *call) *Finding {
	if !c.statusSpeaks(403) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The tokens were read, but they give no right to this call" + c.said() + ". The application may not be connected to this location " +
			"(the location's owner connects it in the Marketplace), or the user behind the user token may lack rights on it. Check also the location id in the path.",
		Action:   "check that the application is connected to the location and the user has rights on it",
		Evidence: c.statusEvidence(),
	}
}

// checkNotFound: AT205.
func checkNotFound(c *call) *Finding {
	if !c.statusSpeaks(404) {
		return nil
	}
	f := &Finding{
		Severity: Likely,
		Explain:  "Nothing was found at " + c.host.path + c.said() + ".",
		Action:   "check the path and the ids in it",
		Evidence: c.statusEvidence(),
	}
	if hint, fix, action := c.pathHint(); hint != "" {
		f.Explain += " " + hint
		f.Fix, f.Action = fix, action
		return f
	}
	f.Explain += " Either the path is not an API endpoint (check it against the documentation, including the version /api/v1 or /api/v2), " +
		"or an id in it (a location id, a record id) does not exist or is not visible to these tokens."
	return f
}

// checkMethod: AT206.
func checkMethod(c *call) *Finding {
	if !c.statusSpeaks(405) {
		return nil
	}
	f := &Finding{
		Severity: Likely,
		Explain: "The path " + c.host.path + " does not take the method " + c.req.Method + c.said() + ". " +
			"Check the method in the documentation: reads are usually GET, creating is POST, changing is PUT, and search endpoints (.../search) are POST.",
		Action:   "use the method the documentation gives for this path",
		Evidence: c.statusEvidence(),
	}
	if allow := c.resp.Header.Get("Allow"); allow != "" {
		f.Explain += " The server lists the methods it takes: " + printable(allow) + "."
		f.Fix = printable(strings.TrimSpace(strings.Split(allow, ",")[0])) + " " + c.host.path
		f.Evidence = append(f.Evidence, "Allow: "+printable(allow))
	}
	return f
}

// checkUnprocessable: AT207.
func checkUnprocessable(c *call) *Finding {
	if !c.statusSpeaks(422) {
		return nil
	}
	ev, fields := c.fieldEvidence(c.statusEvidence())
	var more []string
	if len(c.env.Errors) > 0 {
		more = append(more, fmt.Sprintf("%d field(s) failed validation: %s.", len(c.env.Errors), strings.Join(fields, ", ")))
	}
	action := "correct the fields listed in meta.errors"
	if hint, from, to := renameHint(c); hint != "" {
		more = append(more, hint)
		action = "rename " + from + " to " + to + " in the body"
	}
	if h := c.valueHints(); h != "" {
		more = append(more, h)
	}
	lead := "The API read the body but rejected it"
	if c.req.Body.Size == 0 {
		lead = "The API rejected the call's fields; the call had no body"
	}
	return &Finding{
		Severity: Likely,
		Explain:  strings.TrimSpace(lead + c.said() + ". " + strings.Join(more, " ")),
		Action:   action, Evidence: ev,
	}
}

// checkRateLimit: AT208.
func checkRateLimit(c *call) *Finding {
	if !c.statusSpeaks(429) {
		return nil
	}
	ev := c.statusEvidence()
	if ra := c.resp.Header.Get("Retry-After"); ra != "" {
		ev = append(ev, "Retry-After: "+printable(ra))
	}
	return &Finding{
		Severity: Likely,
		Explain: fmt.Sprintf("Too many requests%s. The API allows %d requests per second or %d per minute from one IP address; every worker, cron job and "+
			"server behind the same address shares that budget. Wait before retrying, then back off: 1 s, 2 s, 4 s... with some random jitter, and spread "+
			"batch jobs out (or cache what you read often).", c.said(), ratePerSecond, ratePerMinute),
		Action:   fmt.Sprintf("wait, then retry more slowly (at most %d requests per second, %d per minute)", ratePerSecond, ratePerMinute),
		Evidence: ev,
	}
}

// checkServerError: AT209.
func checkServerError(c *call) *Finding {
	if c.resp == nil || c.resp.Status < 500 {
		return nil
	}
	st := c.resp.Status
	ev := c.statusEvidence()
	if !c.ex.Started.IsZero() {
		ev = append(ev, "time: "+c.ex.Started.UTC().Format("2006-01-02 15:04:05.000 MST"))
	}
	if r := c.ex.Last().Conn.RemoteAddr; r != "" {
		ev = append(ev, "remote address: "+r)
	}
	explain := "The server failed while handling the call" + c.said() + ". The cause is on the server side, not in your request: send this ticket. " +
		"It carries the exact time (UTC) and the remote address, which support needs to find the call in their logs."
	if st == 502 || st == 503 || st == 504 {
		explain += " A 502, 503 or 504 can also be a short outage or a gateway on the way; one retry after a minute is reasonable before sending."
	}
	return &Finding{Severity: Likely, Explain: explain, Action: "send the ticket", Evidence: ev, ServerSide: true}
}

// checkWebPage: AT210.
func checkWebPage(c *call) *Finding {
	if c.resp == nil || !c.env.HTML || c.resp.Status >= 500 || !(c.host.alteg() || c.host.kind == hostYclients) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The answer is a web page, not the API's JSON envelope {success, data, meta}. Something other than the API answered: a proxy or firewall page, " +
			"a captive portal (hotel or office Wi-Fi), or a host that serves the website rather than the API.",
		Action:   "call https://" + apiHost + "/api/... from a network without a filtering proxy",
		Evidence: c.statusEvidence(),
	}
}

// checkSuccessFalse: AT211.
func checkSuccessFalse(c *call) *Finding {
	if c.resp == nil || c.resp.Status >= 300 || c.resp.Status < 200 || c.env.Success == nil || *c.env.Success {
		return nil
	}
	return &Finding{
		Severity: Warning,
		Explain:  "The status says success but the envelope says \"success\": false" + c.said() + ". Treat the call as failed and act on the message.",
		Action:   "act on the API's message",
		Evidence: c.statusEvidence(),
	}
}

// specificStatuses have a status rule of their own.
var specificStatuses = map[int]bool{400: true, 401: true, 403: true, 404: true, 405: true, 422: true, 429: true}

// checkOtherClientError: AT212.
func checkOtherClientError(c *call) *Finding {
	if c.resp == nil || c.resp.Status < 400 || c.resp.Status >= 500 || specificStatuses[c.resp.Status] || !c.statusSpeaks(c.resp.Status) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain:  fmt.Sprintf("The API refused the call with %d%s. No specific check covers this status; the message is the best guide.", c.resp.Status, c.said()),
		Action:   "act on the API's message",
		Evidence: c.statusEvidence(),
	}
}

// maxFields is how many fields of a 422's meta.errors a finding lists.
const maxFields = 100

// renameHint points at a field name from the other API version, when the
// body has one and the errors name its counterpart.
func renameHint(c *call) (hint, from, to string) {
	keys := bodyKeys(c.req.Body.Text())
	for _, fe := range c.env.Errors {
		other, ok := fieldRenames[fe.Field]
		if ok && keys[other] {
			v, _ := apiPath(c.host.path)
			return fmt.Sprintf("The body has %s, but this endpoint%s expects %s: the field was renamed between API versions.", other, ifs(v != "", " ("+v+")", ""), fe.Field), other, fe.Field
		}
	}
	return "", "", ""
}

// bodyKeys returns the top-level keys of a JSON object body (of the first
// object when the body is an array).
func bodyKeys(b []byte) map[string]bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		var arr []map[string]json.RawMessage
		if json.Unmarshal(b, &arr) != nil || len(arr) == 0 {
			return nil
		}
		obj = arr[0]
	}
	out := map[string]bool{}
	for k := range obj {
		out[k] = true
	}
	return out
}

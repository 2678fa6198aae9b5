package diagnose

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// bodyRules check the body, the method and where the fields went.
var bodyRules = []rule{
	{Check: Check{"AT140", "Body without Content-Type: application/json", "The body is sent without a Content-Type, or with another one (curl labels data sent without a Content-Type as a form)."},
		blames: partBody, run: checkContentType, fix: fixContentType},
	{Check: Check{"AT141", "Form-encoded body where JSON is expected", "`login=...&password=...` sent where the API reads JSON, e.g. to `/api/v1/auth`."},
		blames: partBody, run: checkFormBody, fix: fixFormAsJSON},
	{Check: Check{"AT142", "Body is not valid JSON", "The body is labelled JSON but does not parse; the finding gives the line and column of the error."},
		blames: partBody, run: checkInvalidJSON},
	{Check: Check{"AT143", "GET with a body", "A GET or HEAD request carries a body, which servers ignore; filters go in the query string."},
		blames: partBody, run: checkGetBody},
	{Check: Check{"AT144", "A call that changes data was replayed", "POST or PATCH was sent again by altegio-ticket and may have created a second booking, client or payment."},
		run: checkReplayed},
	{Check: Check{"AT145", "Body fields sent in the query string", "A POST, PUT or PATCH with no body whose query string holds what the endpoint reads from its JSON body: `login` and `password` for `POST /api/v1/auth`, or the fields the API's answer says are missing."},
		blames: partBody, run: checkFieldsInQuery, fix: fixQueryToBody},
}

// bodyText returns the request body as text, and false when there is no
// body worth reading (none, empty or binary).
func (c *call) bodyText() (string, bool) {
	b := c.req.Body
	text := strings.TrimSpace(string(b.Text()))
	if b.Size == 0 || text == "" || b.Binary {
		return "", false
	}
	return text, true
}

// contentType returns the request's Content-Type and who set it.
func (c *call) contentType() (string, capture.Origin) {
	for _, h := range c.req.Header {
		if strings.EqualFold(h.Name, "Content-Type") {
			return h.Value, h.Origin
		}
	}
	return "", ""
}

// ctEvidence quotes the Content-Type.
func (c *call) ctEvidence() string {
	ct, origin := c.contentType()
	if ct == "" {
		return "no Content-Type header was sent"
	}
	ev := "Content-Type: " + printable(ct)
	if origin == capture.FromTool {
		ev += "   (added by altegio-ticket, as curl does for data sent without a Content-Type)"
	}
	return ev
}

// bodyKind says how the body reads: "form", "json" (it starts like JSON)
// or "other".
func bodyKind(text string) string {
	switch {
	case strings.HasPrefix(text, "{") || strings.HasPrefix(text, "["):
		return "json"
	case formRE.MatchString(text):
		return "form"
	}
	return "other"
}

const jsonContentType = "Content-Type: application/json"

// checkFormBody: AT141.
func checkFormBody(c *call) *Finding {
	text, ok := c.bodyText()
	if !ok || bodyKind(text) != "form" {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The body is form-encoded (key=value&key=value), but the API reads JSON bodies, " + pathNote(c.host.path) +
			"Send the same fields as a JSON object with Content-Type: application/json.",
		Fix:      jsonContentType + "\n" + formAsJSON(text),
		Action:   "send the body as JSON",
		Evidence: []string{c.ctEvidence(), "body: form-encoded, fields " + strings.Join(formKeys(text), ", ")},
	}
}

// checkContentType: AT140. A form body is AT141's.
func checkContentType(c *call) *Finding {
	text, ok := c.bodyText()
	if !ok || bodyKind(text) == "form" {
		return nil
	}
	ct, origin := c.contentType()
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	if capture.IsJSONType(mt) {
		return nil
	}
	explain := "The body is sent without a Content-Type header. The API reads request bodies as JSON and needs Content-Type: application/json."
	switch {
	case ct != "" && origin == capture.FromTool:
		explain = "The body went out labelled as a form (application/x-www-form-urlencoded): curl labels data that way when no Content-Type is given, and altegio-ticket replays the call as curl would. " +
			"The API reads request bodies as JSON and needs Content-Type: application/json."
	case ct != "":
		explain = "The body is sent as " + mt + ". The API reads request bodies as JSON and needs Content-Type: application/json."
	}
	return &Finding{Severity: Likely, Explain: explain, Fix: jsonContentType, Action: "add " + jsonContentType, Evidence: []string{c.ctEvidence()}}
}

// checkInvalidJSON: AT142.
func checkInvalidJSON(c *call) *Finding {
	text, ok := c.bodyText()
	if !ok || c.req.Body.Truncated {
		return nil
	}
	ct, _ := c.contentType()
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	if !capture.IsJSONType(mt) && bodyKind(text) != "json" {
		return nil
	}
	line, col, msg, bad := jsonError(c.req.Body.Text())
	if !bad {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: fmt.Sprintf("The body is not valid JSON: at line %d, column %d: %s. The API cannot read any field of it. "+
			"Common causes are single quotes, a trailing comma, or a shell that ate the double quotes.", line, col, msg),
		Action:   fmt.Sprintf("fix the JSON body at line %d, column %d", line, col),
		Evidence: []string{c.ctEvidence(), fmt.Sprintf("JSON error at line %d, column %d: %s", line, col, msg)},
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
func checkGetBody(c *call) *Finding {
	m := strings.ToUpper(c.req.Method)
	if (m != "GET" && m != "HEAD") || c.req.Body.Size == 0 {
		return nil
	}
	return &Finding{
		Severity: Warning,
		Explain: "A " + m + " request carries a body of " + capture.ByteCount(c.req.Body.Size) + ". Servers ignore the body of a " + m + ", so its fields never arrive; " +
			"filters for a GET go in the query string (?start_date=...&end_date=...). Endpoints that take a body use POST or PUT.",
		Action:   "move the fields to the query string, or use the method the endpoint documents",
		Evidence: []string{fmt.Sprintf("%s with a %s body", m, capture.ByteCount(c.req.Body.Size))},
	}
}

// checkReplayed: AT144.
func checkReplayed(c *call) *Finding {
	ch, ok := Replayed(c.ex)
	if !ok {
		return nil
	}
	m := ch.Method
	// Info while a change is only possible (no answer, a 5xx): the call
	// itself is not wrong. A warning once the API accepted the replay:
	// it changed data again, which the user must check or undo first.
	f := &Finding{
		Severity: Info,
		Explain: "altegio-ticket sent this " + m + " again to record it, and " + m + " is not idempotent: if the original call got through, the replay may have created a second booking, client or payment. " +
			"Check the location for a duplicate.",
		Action:   "check the location for a duplicate",
		Evidence: []string{m + " replayed from the " + orDefault(c.ex.Source.From, "command line")},
	}
	if ch.Made != "" {
		f.Explain = "altegio-ticket sent this " + m + " again to record it, and the API accepted it: the replay made " + ch.Made + ". " +
			"If the original call had got through, this is a duplicate."
		f.Evidence = append(f.Evidence, "made: "+ch.Made)
	}
	if ch.Sure {
		f.Severity = Warning
	}
	if ch.Undo != "" {
		f.Explain += " To take it back, send " + ch.Undo + " (with the same Authorization)."
		f.Fix = ch.Undo
		f.Action = "undo the duplicate with " + ch.Undo
	}
	return f
}

// loginFields are what the logins read from their JSON body.
var loginFields = []string{"login", "password", "phone", "code", "email"}

// queryFieldsForBody returns the query parameters of a bodiless POST, PUT
// or PATCH that belong in its body: the login fields of a login path, the
// fields the answer says are missing, or the fields the API description
// documents in the operation's body. Names only; values are never read.
// AT145 and AT154 propose the same fix from it, so a replay that proves
// it proves both.
func (c *call) queryFieldsForBody() []string {
	m := strings.ToUpper(c.req.Method)
	if (m != "POST" && m != "PUT" && m != "PATCH") || c.req.Body.Size > 0 || c.host.url == nil {
		return nil
	}
	q := c.host.url.Query()
	missing := map[string]bool{}
	for _, fe := range c.env.Errors {
		missing[strings.ToLower(fe.Field)] = true
	}
	var documented []string
	if op := c.specOp(); op != nil && op.Body != nil {
		documented = op.Body.Properties
	}
	var out []string
	for k := range q {
		lk := strings.ToLower(k)
		if missing[lk] || (isLoginPath(c.host.path) && contains(loginFields, lk)) || contains(documented, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// checkFieldsInQuery: AT145.
func checkFieldsInQuery(c *call) *Finding {
	keys := c.queryFieldsForBody()
	if len(keys) == 0 {
		return nil
	}
	var shown []string
	for _, k := range keys {
		shown = append(shown, fmt.Sprintf("%q: \"…\"", printable(k)))
	}
	return &Finding{
		Severity: Likely,
		Explain: "The call has no body, and its query string holds " + strings.Join(quoteAll(keys), ", ") + ". " + c.req.Method + " " + c.host.path +
			" reads these from a JSON body, so the API saw none of them. Send them as a JSON object in the body, with Content-Type: application/json, " +
			"and take them out of the URL: a password in a URL also ends up in server and proxy logs.",
		Fix:      jsonContentType + "\n{" + strings.Join(shown, ", ") + "}",
		Action:   "send the fields as a JSON body, not in the query string",
		Evidence: []string{c.req.Method + " with no body", "query parameters: " + strings.Join(quoteAll(keys), ", ") + " (values not shown)"},
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = printable(s)
	}
	return out
}

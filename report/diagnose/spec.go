package diagnose

// This file holds the checks that read Alteg.io's published API
// description (AT150-AT157): the path, its ids, the method, the query,
// the body, the security and the Accept header each operation documents.
// The description is loaded by the command layer and passed in through
// Options.API; without it these checks have nothing to say. apispec owns
// the description; this file turns its problems into findings.
//
// The checks are rules like any other (registry.go), marked fromSpec: the
// ranking weighs them as request checks, by the part of the call each
// blames, above the request-shape heuristics and below the server's
// specific answer. So AT150-AT152 explain a bare 404 or 405 (AT205,
// AT206) but not a 404 whose message names the location or the object,
// AT153/AT154 explain a 400 or 422 (AT201, AT207), and AT155 a 401 or 403.
// Where a hand-written check guesses what the description states, the
// description's check supersedes it: AT155 (documented security)
// replaces AT120 (business-data path words), AT156 (documented Accept)
// replaces AT101/AT102, AT154 (a documented body that was not sent)
// replaces AT145 (login fields in the query); and AT120 stays silent for
// any documented operation, whose security AT155 reads instead.
//
// Each check is a function of a specView (what the description says about
// the call, and the few facts of the call it reads) that returns its
// finding at the severity it would have on its own; onSpec adapts it to a
// rule.

import (
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// specRules check the call against the published description.
var specRules = []rule{
	{Check: Check{"AT150", "Path not in the API description", "No documented path fits the call's path. The finding names the nearest documented paths (the other API version, a missing id, the id in the other position, a misspelled word) and says when the query holds the id the path is missing."},
		from: fromSpec, blames: partPath, run: onSpec(specPath)},
	{Check: Check{"AT151", "An id in the path is not a number", "A path parameter the description types as a number holds `undefined`, `null`, `NaN`, an unfilled `{company_id}` (or `%7Bid%7D`), nothing at all, or other text."},
		from: fromSpec, blames: partID, run: onSpec(specIDs)},
	{Check: Check{"AT152", "Method not documented for this path", "The path is documented, but not for this method; the finding names the methods that are."},
		from: fromSpec, blames: partMethod, run: onSpec(specMethod)},
	{Check: Check{"AT153", "Query breaks the documented parameters", "A query parameter has the wrong type, format (dates as YYYY-MM-DD), value or range (page sizes), a required one is missing, or a name looks like a documented one misspelled or renamed."},
		from: fromSpec, blames: partQuery, run: onSpec(specQuery)},
	{Check: Check{"AT154", "Body breaks the documented schema", "The JSON body misses a required field, has a field the schema forbids, or a field of the wrong type, format, value or range; or a required body is missing, e.g. login and password sent in the query (then it replaces AT145)."},
		from: fromSpec, blames: partFields, supersedes: []string{"AT145"}, run: onSpec(specBody), fix: fixQueryToBody},
	{Check: Check{"AT155", "The operation needs the user token", "The description documents the operation with `BearerPartnerUser` (partner token, then `User` and the user token), and the call carried the partner token only. Replaces AT120's guess from the path."},
		from: fromSpec, blames: partUser, supersedes: []string{"AT120"}, run: onSpec(specSecurity)},
	{Check: Check{"AT156", "Accept header the operation requires", "The description lists `Accept: application/vnd.api.v2+json` as required for the operation, and the call did not send it. Replaces AT101/AT102, which say the same from the tool's own knowledge."},
		from: fromSpec, blames: partAccept, supersedes: []string{"AT101", "AT102"}, run: onSpec(specAccept), fix: fixSpecAccept},
	// AT157 blames nothing: it is info whatever the outcome, never a cause.
	{Check: Check{"AT157", "Deprecated operation", "Info only: the description marks the operation as deprecated."},
		from: fromSpec, run: onSpec(specDeprecated)},
}

// onSpec adapts a check of the description to a rule: it has nothing to
// say without a description, and on a call the API took, whatever the
// description says, its finding is info.
func onSpec(check func(*specView) *Finding) func(*call) *Finding {
	return func(c *call) *Finding {
		if c.spec == nil {
			return nil
		}
		f := check(c.spec)
		if f != nil && c.outcome == outSuccess {
			f.Severity = Info
		}
		return f
	}
}

// specView is what the description says about the call, with the facts
// of the call its checks read.
type specView struct {
	api    *apispec.Set
	method string   // upper case
	url    *url.URL // the request's URL, redacted
	path   string   // its escaped path
	query  url.Values
	body   capture.Body
	header capture.Headers
	auth   *authShape // nil when no Authorization was sent
	host   hostInfo
	// redacted says whether a path value is the placeholder of a secret
	// that redaction hid, not a template the user left unfilled.
	redacted func(string) bool
	// succeeded says the API answered 2xx/3xx: it took the call.
	succeeded bool

	match *apispec.Match     // nil when no documented path fits
	op    *apispec.Operation // nil when the method is not documented there
}

// specOp returns the documented operation of the call, nil when there is
// none or no description was loaded.
func (c *call) specOp() *apispec.Operation {
	if c.spec == nil {
		return nil
	}
	return c.spec.op
}

// newSpecView matches the call against the description; nil when there is
// no description or it does not apply (a YCLIENTS host, a URL that does
// not parse).
func newSpecView(c *call) *specView {
	api := c.opts.API
	if api.Empty() || c.host.url == nil || !c.host.apiLike() {
		return nil
	}
	u := c.host.url
	s := &specView{
		api: api, method: strings.ToUpper(c.req.Method), url: u, path: u.EscapedPath(), query: u.Query(),
		body: c.req.Body, header: c.req.Header, auth: c.auth, host: c.host, succeeded: c.outcome == outSuccess,
		redacted: c.isSecretPlaceholder,
	}
	if m, ok := api.Match(s.method, s.path); ok {
		s.match, s.op = m, m.Op
	}
	return s
}

// fixSpecAccept: AT156, the Accept header the operation documents.
func fixSpecAccept(c *call) *Fix {
	op := c.specOp()
	if op == nil {
		return nil
	}
	// The value comes from the description: only a well-formed media type
	// goes into a request.
	mt, _, err := mime.ParseMediaType(op.Accept)
	if err != nil {
		return nil
	}
	return &Fix{Label: "with `Accept: " + mt + "`", edits: []edit{{kind: editHeader, name: "Accept", value: mt}}}
}

// requestLine is "GET /api/v1/records/123?x=1", the request as sent
// (redacted).
func (s *specView) requestLine() string {
	p := s.path
	if q := s.url.RawQuery; q != "" {
		p += "?" + q
	}
	return s.method + " " + printable(p)
}

// describedBy is the evidence line naming the description.
func (s *specView) describedBy(op *apispec.Operation) string {
	if op != nil {
		return "description: " + s.api.Describe(op.Doc)
	}
	return "description: " + s.api.Describe(nil)
}

// specPath: AT150, a path that fits no documented path.
func specPath(s *specView) *Finding {
	if s.match != nil {
		return nil
	}
	v, _ := apiPath(s.host.path)
	if v == "" && !s.host.alteg() && !strings.HasPrefix(s.path, "/marketplace/") {
		// A path outside /api/vN/ on a host of the user's own (a gateway
		// with its own prefix) is not the description's to judge; AT205
		// speaks about the prefix.
		return nil
	}
	near := s.api.Nearest(s.method, s.path, s.query, 3)
	ev := []string{"request: " + s.requestLine(), s.describedBy(nil)}
	f := &Finding{Severity: Likely, Action: "call a documented path"}
	explain := fmt.Sprintf("%s %s is not in Alteg.io's API description.", s.method, printable(s.path))
	if len(near) == 0 {
		explain += " No documented path is close to it: check the path against the documentation, starting from the section of the resource you want."
	} else {
		best := near[0]
		var lines []string
		for i, sg := range near {
			op := sg.Ops[0]
			line := fmt.Sprintf("%s %s", op.Method, sg.Template)
			if len(near) > 1 {
				line = fmt.Sprintf("%d. %s", i+1, line)
			}
			if op.Summary != "" {
				line += " (" + op.Summary + ")"
			}
			if why := editWords(sg.Edits); why != "" {
				line += ": " + why
			}
			lines = append(lines, line)
			ev = append(ev, fmt.Sprintf("nearest: %s %s", op.Method, sg.Template))
		}
		if len(lines) == 1 {
			explain += " The closest documented path is " + lines[0] + "."
		} else {
			explain += " The closest documented paths: " + strings.Join(lines, "; ") + "."
		}
		if q := queryID(best.Edits); q != "" {
			explain += fmt.Sprintf(" The query's %s holds the id the path is missing: this API takes ids in the path, not in the query.", q)
		}
		op := best.Ops[0]
		query := true
		if op.Method != s.method && op.Body != nil && s.url.RawQuery != "" {
			// GET ...?page=1 becomes a POST search: its parameters go in
			// the body.
			explain += fmt.Sprintf(" %s takes its parameters in a JSON body, not in the query.", op.Line())
			query = false
		}
		f.Fix = op.Method + " " + s.fixedURL(best.Example, queryID(best.Edits), query)
		f.Action = "call " + op.Method + " " + best.Template
	}
	f.Explain = explain
	f.Evidence = ev
	return f
}

// fixedURL is the request URL with another path (as Nearest wrote it:
// the request's own segments, {name} for an id it lacks), and without the
// query parameter that moved into the path.
func (s *specView) fixedURL(path, movedQuery string, withQuery bool) string {
	u := s.url
	out := path
	if s.host.kind != hostLocal && s.host.kind != hostCustom {
		out = u.Scheme + "://" + u.Host + path
	}
	q := u.RawQuery
	if !withQuery {
		q = ""
	}
	if movedQuery != "" && q != "" {
		v := u.Query()
		v.Del(movedQuery)
		q = v.Encode()
	}
	if q != "" {
		out += "?" + q
	}
	return printable(out)
}

func queryID(edits []apispec.Edit) string {
	for _, e := range edits {
		if e.Kind == apispec.EditMissingID && e.Query != "" {
			return e.Query
		}
	}
	return ""
}

// editWords says in words how a request path differs from a documented
// one.
func editWords(edits []apispec.Edit) string {
	var out []string
	for _, e := range edits {
		after := "at the start"
		if e.After != "" {
			after = "after " + e.After
		}
		var s string
		switch e.Kind {
		case apispec.EditVersion:
			s = fmt.Sprintf("documented under %s, not %s", e.Want, e.Got)
		case apispec.EditCase:
			s = fmt.Sprintf("%s is written %s", e.Got, e.Want)
		case apispec.EditWord, apispec.EditOther:
			s = fmt.Sprintf("%s where the description has %s", e.Got, e.Want)
		case apispec.EditSpelling:
			s = fmt.Sprintf("%s is spelled %s", e.Got, e.Want)
		case apispec.EditMissingID:
			s = fmt.Sprintf("the id %s is missing %s", e.Want, after)
			if e.Query != "" {
				s += fmt.Sprintf(" (the query's %s holds it)", e.Query)
			}
		case apispec.EditMissingWord:
			s = fmt.Sprintf("%s is missing %s", e.Want, after)
		case apispec.EditExtra:
			s = fmt.Sprintf("%s is not part of it", e.Got)
		case apispec.EditIDForWord:
			s = fmt.Sprintf("%s stands where the description has %s", e.Got, e.Want)
		case apispec.EditWordForID:
			s = fmt.Sprintf("%s stands where an id (%s) belongs", e.Got, e.Want)
		case apispec.EditSwapped:
			s = fmt.Sprintf("the id comes after the word (%s, not %s)", e.Want, e.Got)
		case apispec.EditMethod:
			s = fmt.Sprintf("documented for %s, not %s", e.Want, e.Got)
		}
		if s != "" {
			out = append(out, printable(s))
		}
	}
	return strings.Join(out, "; ")
}

// specIDs: AT151, a path id that is undefined, null, NaN, an unfilled
// placeholder, empty, or text where a number belongs.
func specIDs(s *specView) *Finding {
	m := s.match
	if m == nil {
		return nil
	}
	problems := apispec.CheckPathFunc(m, s.redacted)
	if len(problems) == 0 {
		return nil
	}
	var texts, ev []string
	bad := false
	for _, p := range problems {
		texts = append(texts, p.Text)
		ev = append(ev, fmt.Sprintf("{%s}: %q", p.Field, printable(p.Got)))
		bad = bad || p.Kind == apispec.ProblemBadID
	}
	lead := append([]string{"request: " + s.requestLine(), "documented: " + m.Template}, ev...)
	explain := strings.Join(texts, " ") + " The documented path is " + m.Template + "."
	if bad {
		explain += " The program that built the URL did not put the id in: check the variable that should hold it before the call is made."
	}
	return &Finding{
		Severity: Likely,
		Explain:  explain,
		Fix:      s.method + " " + m.Template + "   (each {id} replaced by the real number)",
		Action:   "put the real id in the path",
		Evidence: lead,
	}
}

// specMethod: AT152, a documented path with another method.
func specMethod(s *specView) *Finding {
	m := s.match
	if m == nil || s.op != nil {
		return nil
	}
	methods := m.Methods()
	var lines []string
	for _, op := range m.Ops {
		l := op.Method + " " + op.Template
		if op.Summary != "" {
			l += " (" + op.Summary + ")"
		}
		lines = append(lines, l)
	}
	explain := fmt.Sprintf("The description documents %s for %s, not %s: %s.", strings.Join(methods, ", "), m.Template, s.method, strings.Join(lines, "; "))
	if len(methods) == 1 {
		explain = fmt.Sprintf("The description documents only %s for %s, not %s: %s.", methods[0], m.Template, s.method, lines[0])
	}
	if s.method == "GET" && contains(methods, "POST") && s.body.Size == 0 {
		explain += " A search or a create takes POST with a JSON body."
	}
	return &Finding{
		Severity: Likely,
		Explain:  explain,
		Fix:      methods[0] + " " + printable(s.path),
		Action:   "use " + strings.Join(methods, " or "),
		Evidence: []string{"request: " + s.requestLine(), "documented: " + strings.Join(lines, "; "), s.describedBy(m.Ops[0])},
	}
}

// problemFinding writes the problems of a query or a body as one finding.
func problemFinding(problems []apispec.Problem, where string) (explain string, ev []string, fixes []string) {
	var texts []string
	for _, p := range problems {
		texts = append(texts, printable(p.Text))
		var line string
		switch {
		case p.Kind == apispec.ProblemMissingBody:
			line = "body: none was sent"
			if fields, ok := strings.CutPrefix(p.Got, "query: "); ok {
				line += "; the query has " + fields
			}
			line += " (documented: " + p.Want + ", required)"
		default:
			line = where + " " + p.Field
			if p.Got != "" {
				line += " = " + p.Got
			}
			if p.Want != "" {
				line += ": want " + p.Want
			} else {
				line += ": " + string(p.Kind)
			}
		}
		ev = append(ev, printable(line))
		if fix := problemFix(p); fix != "" {
			fixes = append(fixes, fix)
		}
	}
	return strings.Join(texts, " "), ev, fixes
}

var dmyRE = regexp.MustCompile(`^"?(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"?$`)

// problemFix is the corrected value for a mechanical problem: the
// maximum for a page size over it, a day-month-year date in ISO form.
func problemFix(p apispec.Problem) string {
	switch p.Kind {
	case apispec.ProblemRange:
		if lim, ok := strings.CutPrefix(p.Want, "at most "); ok {
			return p.Field + "=" + lim
		}
		if lim, ok := strings.CutPrefix(p.Want, "at least "); ok {
			return p.Field + "=" + lim
		}
	case apispec.ProblemFormat:
		if m := dmyRE.FindStringSubmatch(p.Got); m != nil && strings.Contains(p.Want, "YYYY-MM-DD") {
			pad := func(s string) string { return strings.Repeat("0", max(0, 2-len(s))) + s }
			iso := m[3] + "-" + pad(m[2]) + "-" + pad(m[1])
			if strings.Contains(p.Want, "time") {
				hh, mm, ss := "00", "00", "00"
				if m[4] != "" {
					hh, mm = pad(m[4]), m[5]
				}
				if m[6] != "" {
					ss = m[6]
				}
				// The offset is the location's; +03:00 is only an example.
				return p.Field + "=" + iso + "T" + hh + ":" + mm + ":" + ss + "+03:00   (use the location's UTC offset)"
			}
			return p.Field + "=" + iso
		}
	case apispec.ProblemUnknown:
		if p.Want != "" && !strings.Contains(p.Field, ",") {
			return p.Field + " → " + p.Want
		}
	}
	return ""
}

// specQuery: AT153.
func specQuery(s *specView) *Finding {
	op := s.op
	if op == nil {
		return nil
	}
	problems := op.CheckQuery(s.query)
	if len(problems) == 0 {
		return nil
	}
	explain, ev, fixes := problemFinding(problems, "query")
	sev := Warning
	for _, p := range problems {
		if p.Kind != apispec.ProblemUnknown {
			sev = Likely
		}
	}
	// A name the description does not list alone is a warning at most:
	// the API ignores it rather than refusing it.
	return &Finding{
		Severity: sev,
		Explain:  explain + " The description of " + op.Line() + " says so; the API answers such a query with 400 or 422, or ignores the parameter.",
		Fix:      strings.Join(fixes, "\n"),
		Action:   "fix the query parameters the description names",
		Evidence: append(append([]string{"request: " + s.requestLine()}, ev...), s.describedBy(op)),
	}
}

// specBody: AT154.
func specBody(s *specView) *Finding {
	op := s.op
	if op == nil {
		return nil
	}
	b := s.body
	text := b.Text()
	if b.Binary || b.Truncated || b.Withheld != "" {
		return nil
	}
	present := len(strings.TrimSpace(string(text))) > 0
	if present {
		t := strings.TrimSpace(string(text))
		if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
			return nil // a form or text body: AT140/AT141 speak about it
		}
		if _, _, _, bad := jsonError(text); bad {
			return nil // AT142
		}
	}
	problems := op.CheckBody(text, present, s.query)
	if len(problems) == 0 {
		return nil
	}
	explain, ev, fixes := problemFinding(problems, "body")
	f := &Finding{
		Severity: Likely,
		Explain:  explain + " The description of " + op.Line() + " says so.",
		Fix:      strings.Join(fixes, "\n"),
		Action:   "fix the body fields the description names",
		Evidence: append(append([]string{"request: " + s.requestLine()}, ev...), s.describedBy(op)),
	}
	if p := problems[0]; p.Kind == apispec.ProblemMissingBody {
		var fields []string
		for _, name := range op.Body.Properties {
			if _, ok := s.query[name]; ok {
				fields = append(fields, fmt.Sprintf("%q: \"…\"", name))
			}
		}
		f.Fix = "Content-Type: application/json"
		if len(fields) > 0 {
			f.Fix += "\n{" + strings.Join(fields, ", ") + "}"
			f.Action = "send those fields as a JSON body, not in the query"
		} else {
			f.Action = "send the JSON body the operation takes"
		}
	}
	return f
}

// specSecurity: AT155, an operation documented with the user token called
// without one. When the API served it all the same, there is nothing to
// say.
func specSecurity(s *specView) *Finding {
	op := s.op
	if op == nil || s.succeeded {
		return nil
	}
	needs, known := op.NeedsUser()
	if !known || !needs || s.auth == nil || len(s.auth.parts) == 0 || s.auth.hasUser() {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The description documents " + op.Line() + " with " + op.SecurityText() + ": after Bearer the partner token, then a comma and the user token after User. " +
			"The call carried no User part. If the token you sent after Bearer is in fact your user token, move it after User and put the partner token after Bearer. " +
			"A user token comes from POST /api/v1/auth with the login and password of a user who has rights on the location.",
		Fix:      "Authorization: " + authBoth,
		Action:   "add the user token to Authorization",
		Evidence: concat(s.auth.evidence(), []string{"documented: " + op.Line() + " needs " + op.SecurityText(), s.describedBy(op)}),
	}
}

// specAccept: AT156, the Accept header the operation documents as
// required. It replaces AT101/AT102, which say the same from the tool's
// own knowledge; the other platform's media type is AT103's.
func specAccept(s *specView) *Finding {
	op := s.op
	if op == nil || !op.AcceptRequired || op.Accept == "" {
		return nil
	}
	want := strings.ToLower(strings.TrimSpace(strings.SplitN(op.Accept, ";", 2)[0]))
	var user, tool []capture.Header
	for _, h := range s.header {
		if strings.EqualFold(h.Name, "Accept") {
			if h.Origin == capture.FromTool {
				tool = append(tool, h)
			} else {
				user = append(user, h)
			}
		}
	}
	var values []string
	for _, h := range user {
		values = append(values, h.Value)
	}
	for _, t := range acceptTypes(strings.Join(values, ", ")) {
		if t == want || t == yclientsMediaType {
			return nil
		}
	}
	var ev []string
	switch {
	case len(user) > 0:
		for _, v := range values {
			ev = append(ev, "Accept: "+printable(v))
		}
	case len(tool) > 0:
		ev = append(ev, fmt.Sprintf("Accept: %s   (added by altegio-ticket, as curl does: you sent no Accept header)", printable(tool[0].Value)))
	default:
		ev = append(ev, "no Accept header was sent")
	}
	ev = append(ev, "documented: "+op.Line()+" requires Accept: "+op.Accept, s.describedBy(op))
	sent := "no Accept header"
	if len(user) > 0 {
		sent = "Accept: " + printable(strings.Join(values, ", "))
	}
	return &Finding{
		Severity: Likely,
		Explain: "The description of " + op.Line() + " lists the header Accept: " + op.Accept + " as required; the call sent " + sent + ". " +
			"API v2 answers 400 without it, and v1 may answer with another format. A charset parameter is fine.",
		Fix:      "Accept: " + op.Accept,
		Action:   "add the Accept header",
		Evidence: ev,
	}
}

// specDeprecated: AT157.
func specDeprecated(s *specView) *Finding {
	op := s.op
	if op == nil || !op.Deprecated {
		return nil
	}
	return &Finding{
		Severity: Info,
		Explain: "The description marks " + op.Line() + " as deprecated: it still works but may be removed. " +
			"The documentation's section for the same resource names its replacement (new integrations should use API v2 where it has one).",
		Evidence: []string{"documented: " + op.Line() + " (deprecated)", s.describedBy(op)},
	}
}

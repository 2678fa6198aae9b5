package diagnose

// This file holds the checks that read Alteg.io's published API
// description (AT150-AT157): the path, its ids, the method, the query,
// the body, the security and the Accept header each operation documents.
// The description is loaded by the command layer and passed in through
// Options.API; without it these checks are skipped. apispec owns the
// description; this file turns its problems into findings.
//
// Where a hand-written check says the same thing from a guess, the
// description is the better source: AT155 (documented security) replaces
// AT120 (business-data path words), AT156 (documented Accept) replaces
// AT101/AT102, and AT150-AT152 explain a 404 or 405 (AT205, AT206), as
// AT153/AT154 explain a 400 or 422 (AT201, AT207).
//
// Each check is a function of a specView (what the description says about
// the call, and the few facts of the call it reads) that returns its
// finding at the severity it would have on its own; checkSpec is the one
// adapter to this package's way of running checks: it grades the
// severity by the answer (specGrade), adds the findings, and drops the
// guesses they replace.

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// Options carries what Run may use beyond the exchange.
type Options struct {
	// API is Alteg.io's published description, loaded by the command
	// layer; nil when it could not be loaded or was turned off, and then
	// the checks AT150-AT157 are skipped.
	API *apispec.Set
}

// RunWith is Run with options: with opts.API, the call is also checked
// against the published description.
func RunWith(ex *capture.Exchange, secrets []redact.Secret, opts Options) []Finding {
	return run(ex, secrets, opts)
}

// pathSpecChecks are the description's checks that explain a 404 or a
// 405; AT153 and AT154 are among bodyChecks, which explain a 400 or a 422.
var pathSpecChecks = []string{"AT150", "AT151", "AT152"}

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
	// succeeded says the API answered 2xx/3xx: it took the call.
	succeeded bool

	match *apispec.Match       // nil when no documented path fits
	op    *apispec.Operation   // nil when the method is not documented there
	near  []apispec.Suggestion // for a path that fits none
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
	if c.api.Empty() || c.host.url == nil || !c.host.apiLike() {
		return nil
	}
	u := c.host.url
	s := &specView{
		api: c.api, method: strings.ToUpper(c.req.Method), url: u, path: u.EscapedPath(), query: u.Query(),
		body: c.req.Body, header: c.req.Header, auth: c.auth, host: c.host, succeeded: c.outcome == outSuccess,
	}
	if m, ok := c.api.Match(s.method, s.path); ok {
		s.match, s.op = m, m.Op
	}
	return s
}

// specChecks lists the description's checks in the order they run, with
// the statuses that make each the likely cause (nil: any 4xx).
var specChecks = []struct {
	id     string
	run    func(*specView) *Finding
	likely []int
}{
	{"AT150", specPath, []int{404, 405, 400}},
	{"AT151", specIDs, nil},
	{"AT152", specMethod, []int{404, 405}},
	{"AT153", specQuery, []int{400, 422}},
	{"AT154", specBody, []int{400, 422, 401}},
	{"AT155", specSecurity, []int{401, 403}},
	{"AT156", specAccept, []int{400, 406, 415}},
	{"AT157", specDeprecated, nil},
}

// specReplaces are the guesses a documented operation makes redundant:
// the description says what the operation needs (AT155 when it is the
// user token), and which Accept it requires (AT156).
var specReplaces = map[string][]string{
	"":      {"AT120"}, // whenever the operation is documented
	"AT156": {"AT101", "AT102"},
}

// checkSpec runs the description's checks. It runs after the request
// checks, whose guesses it may replace, and before the response checks,
// which it may explain.
func checkSpec(c *call) {
	s := newSpecView(c)
	if s == nil {
		return
	}
	c.spec = s
	if s.op != nil {
		c.drop(specReplaces[""]...)
	}
	for _, chk := range specChecks {
		f := chk.run(s)
		if f == nil {
			continue
		}
		c.drop(specReplaces[chk.id]...)
		c.add(chk.id, min(f.Severity, c.specGrade(chk.likely)), *f)
	}
}

// drop removes the findings of ids: a check from the description said
// the same thing with better evidence.
func (c *call) drop(ids ...string) {
	kept := c.findings[:0]
	for _, f := range c.findings {
		if contains(ids, f.ID) {
			delete(c.fired, f.ID)
			continue
		}
		kept = append(kept, f)
	}
	c.findings = kept
}

// specGrade grades a finding from the description by the answer: the
// statuses that mean the API refused what the finding names (any 4xx
// when likely is nil) make it the likely cause; a success makes it info
// (the API took the call whatever the description says).
func (c *call) specGrade(likely []int) Severity {
	switch c.outcome {
	case outSuccess:
		return Info
	case outClient:
		if likely == nil {
			return Likely
		}
		for _, s := range likely {
			if c.resp.Status == s {
				return Likely
			}
		}
	}
	return Warning
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
	s.near = s.api.Nearest(s.method, s.path, s.query, 3)
	ev := []string{"request: " + s.requestLine(), s.describedBy(nil)}
	f := &Finding{Severity: Likely, Action: "call a documented path"}
	explain := fmt.Sprintf("%s %s is not in Alteg.io's API description.", s.method, printable(s.path))
	if len(s.near) == 0 {
		explain += " No documented path is close to it: check the path against the documentation, starting from the section of the resource you want."
	} else {
		best := s.near[0]
		var lines []string
		for i, sg := range s.near {
			op := sg.Ops[0]
			line := fmt.Sprintf("%s %s", op.Method, sg.Template)
			if len(s.near) > 1 {
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
		case apispec.EditWord:
			s = fmt.Sprintf("%s where the description has %s", e.Got, e.Want)
		case apispec.EditSpelling:
			s = fmt.Sprintf("%s is spelled %s", e.Got, e.Want)
		case apispec.EditOther:
			s = fmt.Sprintf("%s where the description has %s", e.Got, e.Want)
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
	problems := apispec.CheckPath(m)
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
		Fix:      "-X " + methods[0],
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

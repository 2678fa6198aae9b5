package apispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Problem is one way a request breaks its operation's description. Every
// text in it is safe to show: values are quoted only from the request as
// redaction left it, only when short, and never for a field whose name
// says it holds a secret.
type Problem struct {
	// In is "path", "query" or "body".
	In string
	// Field is the parameter or the body field ("page_size",
	// "filters[0].field"); "" for the body as a whole.
	Field string
	Kind  ProblemKind
	// Got is the value as sent, shortened; "" when not shown.
	Got string
	// Want says what the description asks for: "integer", "a date
	// (YYYY-MM-DD)", "at most 200", "one of a, b, c".
	Want string
	// Text says it in one sentence.
	Text string
}

// ProblemKind classifies a Problem.
type ProblemKind string

// The kinds of Problem.
const (
	ProblemBadID       ProblemKind = "bad-id"       // undefined, null, NaN, {id} or nothing where an id belongs
	ProblemType        ProblemKind = "type"         // another JSON type, or text where a number belongs
	ProblemRequired    ProblemKind = "required"     // a required parameter or field is missing
	ProblemUnknown     ProblemKind = "unknown"      // a field the schema does not allow, or an undocumented parameter close to a documented one
	ProblemFormat      ProblemKind = "format"       // a date, date-time, e-mail... in another format
	ProblemEnum        ProblemKind = "enum"         // not one of the allowed values
	ProblemRange       ProblemKind = "range"        // below the minimum or above the maximum
	ProblemLength      ProblemKind = "length"       // too short or too long, too few or too many items
	ProblemPattern     ProblemKind = "pattern"      // does not match the documented pattern
	ProblemMissingBody ProblemKind = "missing-body" // the operation needs a body and none was sent
	ProblemShape       ProblemKind = "shape"        // anything else the schema refuses
)

// maxProblems bounds what one check reports; the request itself is in
// the ticket.
const maxProblems = 20

// BadID says whether v, the text of a path segment, is what a program
// sends when it failed to fill an id in, and describes it.
func BadID(v string) (why string, bad bool) {
	l := strings.ToLower(strings.TrimSpace(v))
	switch {
	case v == "":
		return "is empty (two slashes, or a slash at the end, where the id belongs)", true
	case l == "undefined":
		return "is the word undefined: a JavaScript variable that was never set", true
	case l == "null" || l == "nil" || l == "none":
		return "is " + v + ": a variable that held no id", true
	case l == "nan" || l == "infinity" || l == "-infinity":
		return "is " + v + ": a conversion to a number that failed", true
	case l == "[object object]":
		return "is [object Object]: an object was put where its id belongs", true
	case placeholderLike(v):
		return "is " + v + ": a template placeholder that was never filled in", true
	}
	return "", false
}

var placeholderShapes = regexp.MustCompile(`^(\{\{?[^{}]*\}?\}|\$\{[^{}]*\}|:[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|%[A-Za-z_]+%)$`)

func placeholderLike(v string) bool { return placeholderShapes.MatchString(v) }

// redactedRE is the shape of the placeholders redaction leaves.
var redactedRE = regexp.MustCompile(`^\{\{[A-Za-z0-9_]+\}\}$`)

// CheckPath checks the path parameters of a match: an id that is empty,
// undefined, null, NaN or an unfilled placeholder, and text where the
// description wants a number. A value in the shape of a redaction
// placeholder ({{secret_1}}) is taken for a secret that redaction hid,
// and skipped; CheckPathFunc tells the two apart when the caller knows.
func CheckPath(m *Match) []Problem {
	return CheckPathFunc(m, redactedRE.MatchString)
}

// CheckPathFunc is CheckPath with the caller saying which values are the
// placeholders of secrets that redaction hid (a callback token in the
// path): those are skipped, and a template the user left unfilled in the
// same shape ({{company_id}}, from a Postman collection) is reported.
func CheckPathFunc(m *Match, redacted func(value string) bool) []Problem {
	var out []Problem
	for _, v := range m.Values {
		if redacted(v.Value) {
			continue // a secret in the path (a callback token); redaction hid it
		}
		if why, bad := BadID(v.Value); bad {
			out = append(out, Problem{In: "path", Field: v.Name, Kind: ProblemBadID, Got: v.Raw, Want: wantOf(v.Param),
				Text: fmt.Sprintf("The path parameter {%s} %s.", v.Name, why)})
			continue
		}
		if v.Param == nil || !numeric(v.Param.Type) {
			continue
		}
		if n, ok := parseNumber(v.Value); !ok || hasType(v.Param.Type, "integer") && !hasType(v.Param.Type, "number") && !isInteger(n) {
			out = append(out, Problem{In: "path", Field: v.Name, Kind: ProblemType, Got: short(v.Raw), Want: wantOf(v.Param),
				Text: fmt.Sprintf("The path parameter {%s} is %q; the description wants %s.", v.Name, short(v.Value), wantOf(v.Param))})
		}
	}
	return out
}

func wantOf(p *Param) string {
	if p == nil {
		return "an id"
	}
	switch {
	case hasType(p.Type, "integer"):
		return "an integer"
	case hasType(p.Type, "number"):
		return "a number"
	}
	return "a value"
}

func numeric(t []string) bool { return hasType(t, "integer") || hasType(t, "number") }

func hasType(t []string, want string) bool {
	for _, x := range t {
		if x == want {
			return true
		}
	}
	return false
}

// parseNumber reads query or path text as a JSON number; the schema
// validator then judges it (1.5 for an integer, say).
func parseNumber(s string) (json.Number, bool) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
		return "", false
	}
	return json.Number(s), true
}

// isInteger says whether numeric text is a whole number.
func isInteger(n json.Number) bool {
	f, err := strconv.ParseFloat(string(n), 64)
	return err == nil && f == math.Trunc(f)
}

// headerLike are parameter names some descriptions declare "in: query"
// by mistake; they are headers, and the query is never checked for them.
var headerLike = []string{"accept", "content-type", "authorization", "authorizarion", "user-agent", "accept-language"}

// CheckQuery checks a request's query against the operation's query
// parameters: the required ones, and each documented one present against
// its schema (a query value is text: it is read as the schema's type
// first). An undocumented parameter is reported only when it looks like a
// documented one misspelled or renamed.
func (op *Operation) CheckQuery(q url.Values) []Problem {
	var out []Problem
	documented := map[string]bool{}
	for _, p := range op.Params {
		if p.In != "query" || contains(headerLike, strings.ToLower(p.Name)) {
			continue
		}
		documented[p.Name] = true
		vals, present := queryValues(q, p)
		if !present {
			if p.Required {
				out = append(out, Problem{In: "query", Field: p.Name, Kind: ProblemRequired,
					Text: fmt.Sprintf("The query parameter %s is required and was not sent.", p.Name)})
			}
			continue
		}
		v := op.coerce(p, vals)
		if v == nil {
			continue
		}
		if p.Schema == "" {
			continue
		}
		sch, err := op.Doc.schema(p.Schema)
		if err != nil {
			continue // a schema the validator refuses is not the caller's mistake
		}
		for _, pr := range problemsFrom(sch.Validate(v), v, op.Doc, p.Name) {
			pr.In = "query"
			pr.Text = strings.Replace(pr.Text, "The field ", "The query parameter ", 1)
			out = append(out, pr)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		base := strings.TrimSuffix(k, "[]")
		if documented[k] || documented[base] || len(documented) == 0 {
			continue
		}
		if near := nearestName(base, documented); near != "" {
			out = append(out, Problem{In: "query", Field: k, Kind: ProblemUnknown, Want: near,
				Text: fmt.Sprintf("The query parameter %s is not documented for this operation; %s is.", k, near)})
		}
	}
	return capProblems(out)
}

// queryValues returns a parameter's values: name=, name[]= (PHP's arrays)
// and, for name, nothing else.
func queryValues(q url.Values, p Param) ([]string, bool) {
	vals, ok := q[p.Name]
	if more, ok2 := q[p.Name+"[]"]; ok2 {
		vals, ok = append(vals, more...), true
	}
	return vals, ok
}

// coerce reads query text as the parameter's schema type; nil when the
// value cannot be judged (an object, or a redacted value).
func (op *Operation) coerce(p Param, vals []string) any {
	for _, v := range vals {
		if strings.Contains(v, "{{") {
			return nil
		}
	}
	if hasType(p.Type, "object") {
		return nil
	}
	if hasType(p.Type, "array") {
		if !p.Explode && len(vals) == 1 {
			vals = strings.Split(vals[0], ",")
		}
		out := make([]any, 0, len(vals))
		for _, v := range vals {
			out = append(out, scalar(v, p.ItemsType))
		}
		return out
	}
	if len(vals) == 0 {
		return nil
	}
	return scalar(vals[0], p.Type)
}

func scalar(v string, types []string) any {
	if numeric(types) {
		if n, ok := parseNumber(v); ok {
			return n
		}
	}
	if hasType(types, "boolean") {
		switch strings.ToLower(v) {
		case "true", "1":
			return true
		case "false", "0":
			return false
		}
	}
	if hasType(types, "null") && v == "" {
		return nil
	}
	return v
}

// nearestName returns the documented name that name looks like: the same
// letters but for a typo, or a field renamed between the API versions.
func nearestName(name string, documented map[string]bool) string {
	if other, ok := renames[name]; ok && documented[other] {
		return other
	}
	best, bestD := "", 3
	for d := range documented {
		if dist := EditDistance(strings.ToLower(name), strings.ToLower(d)); dist < bestD || dist == bestD && d < best {
			best, bestD = d, dist
		}
	}
	if bestD > 2 || len(name) < 4 {
		return ""
	}
	return best
}

// renames pairs names that differ between the API versions.
var renames = map[string]string{
	"staff_id":       "team_member_id",
	"team_member_id": "staff_id",
	"company_id":     "location_id",
	"location_id":    "company_id",
	"count":          "page_size",
	"page_size":      "count",
	"limit":          "count",
}

// CheckBody checks a request body against the operation's: that a
// required body was sent (and whether its fields went into the query
// instead), and a JSON body against the schema. body is the body as
// redaction left it; present says a body was sent at all.
func (op *Operation) CheckBody(body []byte, present bool, q url.Values) []Problem {
	b := op.Body
	if b == nil {
		return nil
	}
	if !present || len(bytes.TrimSpace(body)) == 0 {
		if !b.Required {
			return nil
		}
		p := Problem{In: "body", Kind: ProblemMissingBody, Want: strings.Join(b.MediaTypes, " or "),
			Text: fmt.Sprintf("The operation takes a %s body, and none was sent.", bodyWord(b))}
		var inQuery []string
		for _, f := range b.Properties {
			if _, ok := q[f]; ok {
				inQuery = append(inQuery, f)
			}
		}
		if len(inQuery) > 0 {
			p.Got = "query: " + strings.Join(inQuery, ", ")
			p.Text = fmt.Sprintf("The operation takes a %s body, and none was sent: %s went into the query string instead, where the API does not read them.",
				bodyWord(b), strings.Join(inQuery, ", "))
		}
		return []Problem{p}
	}
	if b.Schema == "" {
		return nil
	}
	v, ok := readBody(body)
	if !ok {
		return nil // not JSON: the JSON checks say so
	}
	sch, err := op.Doc.schema(b.Schema)
	if err != nil {
		return nil
	}
	out := problemsFrom(sch.Validate(v), v, op.Doc, "")
	for i := range out {
		out[i].In = "body"
	}
	return capProblems(out)
}

func bodyWord(b *Body) string {
	for _, mt := range b.MediaTypes {
		if isJSONMedia(mt) {
			return "JSON"
		}
	}
	if len(b.MediaTypes) > 0 {
		return b.MediaTypes[0]
	}
	return "request"
}

// bareRedacted matches a placeholder redaction put where a bare JSON value
// stood (a numeric secret), which is not valid JSON.
var bareRedacted = regexp.MustCompile(`([:\[,]\s*)\{\{[A-Za-z0-9_]+\}\}`)

func readBody(body []byte) (any, bool) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err == nil {
		return v, true
	}
	fixed := bareRedacted.ReplaceAll(body, []byte("${1}1"))
	if v, err = jsonschema.UnmarshalJSON(bytes.NewReader(fixed)); err == nil {
		return v, true
	}
	return nil, false
}

func capProblems(ps []Problem) []Problem {
	if len(ps) > maxProblems {
		return ps[:maxProblems]
	}
	return ps
}

var printer = message.NewPrinter(language.English)

// problemsFrom turns a validation error into problems: the leaves of its
// tree, and for anyOf/oneOf the alternative that came closest.
func problemsFrom(err error, inst any, d *Doc, field string) []Problem {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []Problem
	for _, leaf := range leaves(ve) {
		if p, ok := problemOf(leaf, inst, d, field); ok {
			out = append(out, p)
		}
	}
	out = dedupe(out)
	// The validator's order follows map iteration; the reader wants the
	// fields in a stable order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// leaves returns the errors at the bottom of the tree. For anyOf and
// oneOf, whose causes are one per alternative, it keeps the alternative
// with the fewest errors, or merges the alternatives when they only
// disagree on the type.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		if len(e.Causes) == 0 {
			return []*jsonschema.ValidationError{e}
		}
		var alts [][]*jsonschema.ValidationError
		allTypes := true
		for _, c := range e.Causes {
			l := leaves(c)
			alts = append(alts, l)
			if len(l) != 1 {
				allTypes = false
			} else if _, ok := l[0].ErrorKind.(*kind.Type); !ok || !sameLoc(l[0], alts[0][0]) {
				allTypes = false
			}
		}
		if allTypes {
			merged := &kind.Type{Got: alts[0][0].ErrorKind.(*kind.Type).Got}
			for _, a := range alts {
				for _, w := range a[0].ErrorKind.(*kind.Type).Want {
					if !contains(merged.Want, w) {
						merged.Want = append(merged.Want, w)
					}
				}
			}
			return []*jsonschema.ValidationError{{InstanceLocation: alts[0][0].InstanceLocation, ErrorKind: merged, SchemaURL: alts[0][0].SchemaURL}}
		}
		sort.SliceStable(alts, func(i, j int) bool { return len(alts[i]) < len(alts[j]) })
		return alts[0]
	}
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func sameLoc(a, b *jsonschema.ValidationError) bool {
	return strings.Join(a.InstanceLocation, "/") == strings.Join(b.InstanceLocation, "/")
}

func dedupe(ps []Problem) []Problem {
	seen := map[string]bool{}
	var out []Problem
	for _, p := range ps {
		k := p.Field + "\x00" + p.Text
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// problemOf describes one leaf error. ok is false for an error about a
// value redaction replaced, which cannot be judged.
func problemOf(e *jsonschema.ValidationError, inst any, d *Doc, field string) (Problem, bool) {
	loc := append([]string(nil), e.InstanceLocation...)
	if field != "" {
		loc = append([]string{field}, loc...)
	}
	name := fieldName(loc)
	val := valueAt(inst, e.InstanceLocation)
	if s, ok := val.(string); ok && strings.Contains(s, "{{") {
		switch e.ErrorKind.(type) {
		case *kind.Type, *kind.Required, *kind.AdditionalProperties:
		default:
			return Problem{}, false // the value was redacted: its format, length or pattern is not the sender's
		}
	}
	got := shownValue(loc, val)
	the := "The field " + name
	if name == "" {
		the = "The body"
	}
	p := Problem{Field: name, Got: got}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		// One problem per missing field, each under its own name.
		p.Kind = ProblemRequired
		var names []string
		for _, m := range k.Missing {
			names = append(names, fieldName(append(loc, m)))
		}
		p.Field = strings.Join(names, ", ")
		p.Got = ""
		if len(names) == 1 {
			p.Text = fmt.Sprintf("The field %s is required and missing.", names[0])
		} else {
			p.Text = fmt.Sprintf("The fields %s are required and missing.", strings.Join(names, ", "))
		}
	case *kind.AdditionalProperties:
		p.Kind = ProblemUnknown
		var names []string
		for _, m := range k.Properties {
			names = append(names, fieldName(append(loc, m)))
		}
		p.Field, p.Got = strings.Join(names, ", "), ""
		allowed := d.allowedAt(e.SchemaURL)
		where := "in the body"
		if name != "" {
			where = "in " + name
		}
		p.Text = fmt.Sprintf("%s %s not a field the description allows %s.", strings.Join(names, ", "), isAre(len(names)), where)
		if len(k.Properties) == 1 {
			if near := nearestName(k.Properties[0], allowed); near != "" {
				p.Want = near
				p.Text += fmt.Sprintf(" Did you mean %s?", near)
			}
		}
	case *kind.Type:
		p.Kind = ProblemType
		p.Want = strings.Join(k.Want, " or ")
		p.Text = fmt.Sprintf("%s is %s; the description wants %s.", the, article(k.Got)+withValue(got), p.Want)
	case *kind.Format:
		p.Kind = ProblemFormat
		p.Want = formatWord(k.Want)
		p.Text = fmt.Sprintf("%s%s is not %s.", the, withValue(got), p.Want)
	case *kind.Enum:
		p.Kind = ProblemEnum
		p.Want = "one of " + listValues(k.Want)
		p.Text = fmt.Sprintf("%s%s is not one of the documented values: %s.", the, withValue(got), listValues(k.Want))
	case *kind.Const:
		p.Kind = ProblemEnum
		p.Want = listValues([]any{k.Want})
		p.Text = fmt.Sprintf("%s%s must be %s.", the, withValue(got), p.Want)
	case *kind.Minimum:
		p.Kind, p.Want = ProblemRange, "at least "+rat(k.Want)
		p.Text = fmt.Sprintf("%s is %s; the minimum is %s.", the, rat(k.Got), rat(k.Want))
	case *kind.Maximum:
		p.Kind, p.Want = ProblemRange, "at most "+rat(k.Want)
		p.Text = fmt.Sprintf("%s is %s; the maximum is %s.", the, rat(k.Got), rat(k.Want))
	case *kind.ExclusiveMinimum:
		p.Kind, p.Want = ProblemRange, "more than "+rat(k.Want)
		p.Text = fmt.Sprintf("%s is %s; it must be more than %s.", the, rat(k.Got), rat(k.Want))
	case *kind.ExclusiveMaximum:
		p.Kind, p.Want = ProblemRange, "less than "+rat(k.Want)
		p.Text = fmt.Sprintf("%s is %s; it must be less than %s.", the, rat(k.Got), rat(k.Want))
	case *kind.MinLength:
		p.Kind, p.Want = ProblemLength, fmt.Sprintf("at least %d characters", k.Want)
		p.Text = fmt.Sprintf("%s has %d characters; the minimum is %d.", the, k.Got, k.Want)
	case *kind.MaxLength:
		p.Kind, p.Want = ProblemLength, fmt.Sprintf("at most %d characters", k.Want)
		p.Text = fmt.Sprintf("%s has %d characters; the maximum is %d.", the, k.Got, k.Want)
	case *kind.MinItems:
		p.Kind, p.Want = ProblemLength, fmt.Sprintf("at least %d items", k.Want)
		p.Text = fmt.Sprintf("%s has %d items; the minimum is %d.", the, k.Got, k.Want)
	case *kind.MaxItems:
		p.Kind, p.Want = ProblemLength, fmt.Sprintf("at most %d items", k.Want)
		p.Text = fmt.Sprintf("%s has %d items; the maximum is %d.", the, k.Got, k.Want)
	case *kind.Pattern:
		p.Kind, p.Want = ProblemPattern, "the pattern "+short(k.Want)
		p.Text = fmt.Sprintf("%s%s does not match the documented pattern %s.", the, withValue(got), short(k.Want))
	case *kind.FalseSchema:
		p.Kind = ProblemUnknown
		p.Text = fmt.Sprintf("%s is not allowed here.", the)
	default:
		p.Kind = ProblemShape
		p.Text = fmt.Sprintf("%s: %s.", the, e.ErrorKind.LocalizedString(printer))
	}
	return p, true
}

// allowedAt returns the property names of the schema an
// additionalProperties error came from.
func (d *Doc) allowedAt(schemaURL string) map[string]bool {
	out := map[string]bool{}
	v, ok := d.at(strings.TrimSuffix(schemaURL, "/additionalProperties"))
	if !ok {
		return out
	}
	deref := func(ref string) any {
		t, _ := d.at(ref)
		return t
	}
	for _, n := range propertyNames(v, deref) {
		out[n] = true
	}
	return out
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func article(t string) string {
	switch t {
	case "integer", "object", "array":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}

func withValue(got string) string {
	if got == "" {
		return ""
	}
	return " (" + got + ")"
}

func formatWord(f string) string {
	switch f {
	case "date":
		return "a date in the form YYYY-MM-DD"
	case "date-time":
		return "a date and time in the form YYYY-MM-DDThh:mm:ss with a time zone (RFC 3339)"
	case "time":
		return "a time in the form hh:mm:ss"
	case "email":
		return "an e-mail address"
	case "uuid":
		return "a UUID"
	case "uri":
		return "an absolute URI"
	}
	return "in the format " + f
}

func listValues(vs []any) string {
	var out []string
	for i, v := range vs {
		if i == 8 {
			out = append(out, fmt.Sprintf("and %d more", len(vs)-i))
			break
		}
		b, _ := json.Marshal(v)
		out = append(out, short(string(b)))
	}
	return strings.Join(out, ", ")
}

func rat(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	return r.FloatString(2)
}

// fieldName writes an instance location as filters[0].field.
func fieldName(loc []string) string {
	var b strings.Builder
	for _, t := range loc {
		if _, err := strconv.Atoi(t); err == nil && b.Len() > 0 {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

func valueAt(v any, loc []string) any {
	for _, t := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// secretName says whether a field's name says it holds a secret, whose
// value is never quoted even when redaction left it.
var secretName = regexp.MustCompile(`(?i)pass|token|secret|sign|key|code|auth|card|cvv|pin`)

// shownValue is a scalar value as a finding may quote it: JSON text, at
// most 40 characters, and nothing for a field named like a secret.
func shownValue(loc []string, v any) string {
	for _, t := range loc {
		if secretName.MatchString(t) {
			return ""
		}
	}
	switch v.(type) {
	case map[string]any, []any, nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return short(string(b))
}

// short cuts a text to 40 characters.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:39]) + "…"
}

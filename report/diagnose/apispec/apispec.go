// Package apispec owns Alteg.io's published API descriptions as data: it
// reads an OpenAPI 3.x document (YAML or JSON) into a compact form that
// loads in a few milliseconds, matches a method and URL path to the
// documented operation (or, when there is none, to the nearest documented
// paths), and checks a request's path ids, query and JSON body against the
// operation's parameters and schemas (JSON Schema 2020-12, as OpenAPI 3.1
// has it, validated with santhosh-tekuri/jsonschema).
//
// It is pure: it never touches the network or the disk. Fetching and
// caching the documents is the command layer's job (capture/specfetch);
// turning a Problem into a finding is report/diagnose's.
//
// The documents themselves are Alteg.io's text and are never part of this
// repository: tests use small descriptions written for them, and the
// facts-only subset in ../shared/altegio-openapi when it is present.
package apispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Names are the four documents behind developer.alteg.io, in the order
// the checks consult them.
var Names = []string{"b2b-v1", "b2b-v2", "public", "developers"}

// compactFormat versions the compact form. Change it whenever Compact's
// output changes meaning, so that caches written by an older build are
// converted again from the original document.
const compactFormat = 1

// CompactVersion names the compact form for caches: a cache entry written
// under another version must be rebuilt from the original document.
var CompactVersion = fmt.Sprintf("apispec-%d", compactFormat)

// ErrNotOpenAPI is returned by Parse for a document that is not an
// OpenAPI 3 description (an HTML error page from a proxy, say).
var ErrNotOpenAPI = errors.New("not an OpenAPI 3 description")

// Doc is one API description, indexed for matching.
type Doc struct {
	// Name is the document's short name ("b2b-v1"), as the caller gave it.
	Name string
	// Title and Version are the document's info.title and info.version.
	Title, Version string
	// OpenAPI is the document's openapi version ("3.1.1").
	OpenAPI string
	// Fetched is when the document was fetched (or, for a local file, last
	// modified); Source is where it came from (a URL or a path). The
	// caller sets both; they are not part of the compact form.
	Fetched time.Time
	Source  string

	ops  []*Operation
	tree map[string]any // the pruned document, for schema compilation

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema
	failed   map[string]error
}

// Label names the document for a reader: "Business Management 1.0.0
// (b2b-v1)".
func (d *Doc) Label() string {
	s := strings.TrimSpace(d.Title + " " + d.Version)
	if s == "" {
		return d.Name
	}
	return s + " (" + d.Name + ")"
}

// Operations returns the document's operations in path order.
func (d *Doc) Operations() []*Operation { return d.ops }

// Operation is one documented method on one path.
type Operation struct {
	Doc *Doc
	// Method is upper case ("GET").
	Method string
	// Template is the full path template, server base path included:
	// "/api/v1/company/{location_id}/clients/search".
	Template string
	// Host is the host of the operation's server ("api.alteg.io"), "" when
	// the server URL names none.
	Host string
	// Path is the template as the document writes it, without the base.
	Path        string
	OperationID string
	Summary     string
	Deprecated  bool
	Params      []Param
	Body        *Body
	// Security lists the documented alternatives, each a list of scheme
	// names; nil when the document says nothing, empty (not nil) for
	// "security: []", an operation that documents no credentials.
	Security [][]string
	// Accept is the Accept value the operation documents ("" when none is
	// given); AcceptRequired says the Accept header is documented as
	// required.
	Accept         string
	AcceptRequired bool

	segs []segment
}

// Param is one documented path, query or header parameter.
type Param struct {
	Name     string
	In       string // "path", "query", "header", "cookie"
	Required bool
	// Type is the schema's type list (["integer"], ["integer", "null"]);
	// nil when the schema gives none.
	Type []string
	// Explode is false for a form-style array written "a,b,c".
	Explode bool
	ptr     string // JSON pointer to the schema in the pruned document
}

// Body is an operation's documented request body.
type Body struct {
	Required bool
	// MediaTypes lists the documented media types, in document order.
	MediaTypes []string
	// Properties are the top-level property names of the JSON schema,
	// when it is an object schema (used to tell a body sent in the query).
	Properties []string
	ptr        string // JSON pointer to the JSON media type's schema; "" when none
}

// NeedsUser says whether every documented security alternative asks for
// the user token as well as the partner token (BearerPartnerUser), and
// known whether the operation documents its security at all.
func (op *Operation) NeedsUser() (needs, known bool) {
	if op.Security == nil || len(op.Security) == 0 {
		return false, op.Security != nil
	}
	for _, alt := range op.Security {
		if !op.Doc.altNeedsUser(alt) {
			return false, true
		}
	}
	return true, true
}

// SecurityText describes the documented security in words: "the partner
// token and the user token (BearerPartnerUser)".
func (op *Operation) SecurityText() string {
	if op.Security == nil {
		return "no security documented"
	}
	if len(op.Security) == 0 {
		return "no credentials documented (security: [])"
	}
	var alts []string
	for _, alt := range op.Security {
		what := "the partner token"
		if op.Doc.altNeedsUser(alt) {
			what = "the partner token and the user token"
		}
		alts = append(alts, what+" ("+strings.Join(alt, " + ")+")")
	}
	return strings.Join(alts, ", or ")
}

// Line is "POST /api/v1/company/{location_id}/clients/search".
func (op *Operation) Line() string { return op.Method + " " + op.Template }

func (d *Doc) altNeedsUser(alt []string) bool {
	schemes, _ := dig(d.tree, "components", "securitySchemes").(map[string]any)
	for _, name := range alt {
		if strings.Contains(strings.ToLower(name), "user") {
			return true
		}
		if s, ok := schemes[name].(map[string]any); ok {
			if f, _ := s["bearerFormat"].(string); strings.Contains(strings.ToLower(f), "user") {
				return true
			}
		}
	}
	return false
}

// Parse reads one OpenAPI 3 document, YAML or JSON, and indexes it.
// name is the document's short name ("b2b-v1").
func Parse(name string, data []byte) (*Doc, error) {
	tree, err := readTree(data)
	if err != nil {
		return nil, err
	}
	v, _ := tree["openapi"].(string)
	if !strings.HasPrefix(v, "3.") {
		return nil, ErrNotOpenAPI
	}
	pruned, _ := prune(tree, false).(map[string]any)
	pruned[compactKey] = map[string]any{"format": compactFormat, "name": name}
	// Round-trip through JSON, so that a parsed document and a decoded
	// compact one are the same values (json.Number for numbers).
	b, err := json.Marshal(pruned)
	if err != nil {
		return nil, fmt.Errorf("encoding the description: %w", err)
	}
	return Decode(b)
}

// Compact converts an original document into the compact form that
// Decode reads: the document without prose, examples and responses. name
// is the document's short name.
func Compact(name string, data []byte) ([]byte, error) {
	d, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(d.tree)
}

// compactKey marks a compact document with its format and name.
const compactKey = "x-altegio-ticket"

// Decode reads a document in the compact form (or any OpenAPI 3
// document in JSON).
func Decode(data []byte) (*Doc, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading the description: %w", err)
	}
	tree, ok := v.(map[string]any)
	if !ok {
		return nil, ErrNotOpenAPI
	}
	if ver, _ := tree["openapi"].(string); !strings.HasPrefix(ver, "3.") {
		return nil, ErrNotOpenAPI
	}
	d := &Doc{tree: tree}
	if m, ok := tree[compactKey].(map[string]any); ok {
		if f, ok := m["format"].(json.Number); ok && f.String() != fmt.Sprint(compactFormat) {
			return nil, fmt.Errorf("compact form %s, want %d", f, compactFormat)
		}
		d.Name, _ = m["name"].(string)
	}
	d.OpenAPI, _ = tree["openapi"].(string)
	d.Title, _ = dig(tree, "info", "title").(string)
	d.Version, _ = dig(tree, "info", "version").(string)
	d.index()
	return d, nil
}

// Set is the descriptions loaded for one run.
type Set struct {
	Docs []*Doc
}

// NewSet returns a set of the given documents, skipping nil ones.
func NewSet(docs ...*Doc) *Set {
	s := &Set{}
	for _, d := range docs {
		if d != nil {
			s.Docs = append(s.Docs, d)
		}
	}
	return s
}

// Empty says whether the set holds no document.
func (s *Set) Empty() bool { return s == nil || len(s.Docs) == 0 }

// Describe names the documents in one line, for the ticket: "Business
// Management 1.0.0 (b2b-v1), ... ; fetched 2026-11-29". When only is not
// nil, only that document is named.
func (s *Set) Describe(only *Doc) string {
	docs := s.Docs
	if only != nil {
		docs = []*Doc{only}
	}
	var names []string
	dates := map[string]bool{}
	var order []string
	for _, d := range docs {
		names = append(names, d.Label())
		if !d.Fetched.IsZero() {
			day := d.Fetched.UTC().Format("2006-01-02")
			if !dates[day] {
				dates[day] = true
				order = append(order, day)
			}
		}
	}
	out := strings.Join(names, ", ")
	if len(order) > 0 {
		sort.Strings(order)
		out += ", fetched " + strings.Join(order, " and ")
	}
	return out
}

// index builds the operation list from the pruned tree.
func (d *Doc) index() {
	base, host := serverBase(d.tree["servers"])
	paths, _ := d.tree["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	global, hasGlobal := securityList(d.tree["security"])
	accepts := map[string]int{}
	for _, p := range keys {
		item, _ := paths[p].(map[string]any)
		pbase, phost := base, host
		if _, ok := item["servers"]; ok {
			pbase, phost = serverBase(item["servers"])
		}
		pathParams := d.params(item["parameters"], "/paths/"+escapePtr(p)+"/parameters")
		for _, m := range methods {
			opv, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			ptr := "/paths/" + escapePtr(p) + "/" + m
			op := &Operation{Doc: d, Method: strings.ToUpper(m), Path: p, Host: phost}
			obase := pbase
			if _, ok := opv["servers"]; ok {
				obase, op.Host = serverBase(opv["servers"])
			}
			op.Template = joinPath(obase, p)
			op.segs = splitTemplate(op.Template)
			op.OperationID, _ = opv["operationId"].(string)
			op.Summary, _ = opv["summary"].(string)
			op.Deprecated, _ = opv["deprecated"].(bool)
			if sec, ok := securityList(opv["security"]); ok {
				op.Security = sec
			} else if hasGlobal {
				op.Security = global
			}
			op.Params = mergeParams(pathParams, d.params(opv["parameters"], ptr+"/parameters"))
			op.Body = d.body(opv["requestBody"], ptr+"/requestBody")
			for _, prm := range op.Params {
				if prm.In == "header" && strings.EqualFold(prm.Name, "Accept") {
					op.AcceptRequired = prm.Required
					op.Accept = d.headerValue(prm)
					if op.Accept != "" {
						accepts[op.Accept]++
					}
				}
			}
			d.ops = append(d.ops, op)
		}
	}
	// An operation that requires Accept without saying which takes the
	// value the rest of the document gives (public's operations only say
	// "required").
	common, n := "", 0
	for v, c := range accepts {
		if c > n || c == n && v < common {
			common, n = v, c
		}
	}
	for _, op := range d.ops {
		if op.AcceptRequired && op.Accept == "" {
			op.Accept = common
		}
	}
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// params reads a parameters list, resolving $ref to components.
func (d *Doc) params(v any, ptr string) []Param {
	list, _ := v.([]any)
	var out []Param
	for i, x := range list {
		p, _ := x.(map[string]any)
		pptr := fmt.Sprintf("%s/%d", ptr, i)
		if ref, ok := p["$ref"].(string); ok {
			var target any
			target, pptr = d.resolve(ref)
			p, _ = target.(map[string]any)
		}
		if p == nil {
			continue
		}
		prm := Param{Explode: true}
		prm.Name, _ = p["name"].(string)
		prm.In, _ = p["in"].(string)
		prm.Required, _ = p["required"].(bool)
		if e, ok := p["explode"].(bool); ok {
			prm.Explode = e
		} else if s, _ := p["style"].(string); s != "" && s != "form" {
			prm.Explode = false
		}
		if sch, ok := p["schema"]; ok {
			prm.ptr = pptr + "/schema"
			prm.Type = d.schemaType(sch)
		}
		if prm.Name != "" {
			out = append(out, prm)
		}
	}
	return out
}

// mergeParams returns the path-level parameters overridden by the
// operation's own (same name and location).
func mergeParams(path, op []Param) []Param {
	out := append([]Param(nil), op...)
	for _, p := range path {
		found := false
		for _, q := range op {
			if q.Name == p.Name && q.In == p.In {
				found = true
			}
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}

func (d *Doc) body(v any, ptr string) *Body {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		var target any
		target, ptr = d.resolve(ref)
		m, _ = target.(map[string]any)
	}
	if m == nil {
		return nil
	}
	b := &Body{}
	b.Required, _ = m["required"].(bool)
	content, _ := m["content"].(map[string]any)
	mts := make([]string, 0, len(content))
	for mt := range content {
		mts = append(mts, mt)
	}
	sort.Strings(mts)
	b.MediaTypes = mts
	for _, mt := range mts {
		if !isJSONMedia(mt) {
			continue
		}
		media, _ := content[mt].(map[string]any)
		if sch, ok := media["schema"]; ok {
			b.ptr = ptr + "/content/" + escapePtr(mt) + "/schema"
			b.Properties = d.propertyNames(sch)
			break
		}
	}
	return b
}

// propertyNames returns the top-level properties of an object schema,
// following $ref and allOf.
func (d *Doc) propertyNames(sch any) []string {
	seen := map[string]bool{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		m, _ := v.(map[string]any)
		if m == nil || depth > 8 {
			return
		}
		if ref, ok := m["$ref"].(string); ok {
			t, _ := d.resolve(ref)
			walk(t, depth+1)
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for k := range props {
				seen[k] = true
			}
		}
		if all, ok := m["allOf"].([]any); ok {
			for _, x := range all {
				walk(x, depth+1)
			}
		}
	}
	walk(sch, 0)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// schemaType returns a schema's type list, following $ref.
func (d *Doc) schemaType(sch any) []string {
	for range 8 {
		m, _ := sch.(map[string]any)
		if m == nil {
			return nil
		}
		if ref, ok := m["$ref"].(string); ok {
			sch, _ = d.resolve(ref)
			continue
		}
		switch t := m["type"].(type) {
		case string:
			return []string{t}
		case []any:
			var out []string
			for _, x := range t {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	return nil
}

// headerValue is the value a header parameter documents: its default,
// const, first enum value or example.
func (d *Doc) headerValue(p Param) string {
	sch, _ := d.pointer(p.ptr)
	for range 8 {
		m, _ := sch.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			sch, _ = d.resolve(ref)
			continue
		}
		for _, k := range []string{"default", "const"} {
			if s, ok := m[k].(string); ok && s != "" {
				return s
			}
		}
		if e, ok := m["enum"].([]any); ok && len(e) > 0 {
			if s, ok := e[0].(string); ok {
				return s
			}
		}
		break
	}
	// The parameter's own example, which prune keeps for Accept.
	param, _ := d.pointer(strings.TrimSuffix(p.ptr, "/schema"))
	if m, ok := param.(map[string]any); ok {
		if s, ok := m["example"].(string); ok {
			return s
		}
	}
	return ""
}

// resolve follows a local $ref ("#/components/parameters/x") and returns
// the target and its pointer.
func (d *Doc) resolve(ref string) (any, string) {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, ""
	}
	v, _ := d.pointer(ptr)
	return v, ptr
}

// pointer returns the value at a JSON pointer into the pruned document.
func (d *Doc) pointer(ptr string) (any, bool) {
	var v any = d.tree
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			var i int
			if _, err := fmt.Sscan(tok, &i); err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func escapePtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// securityList reads a security requirement list; ok is false when v is
// absent.
func securityList(v any) ([][]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := [][]string{}
	for _, x := range list {
		m, _ := x.(map[string]any)
		var names []string
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		if len(names) > 0 {
			out = append(out, names)
		}
	}
	return out, true
}

// serverBase returns the path and host of the first server URL.
func serverBase(v any) (base, host string) {
	list, _ := v.([]any)
	if len(list) == 0 {
		return "", ""
	}
	m, _ := list[0].(map[string]any)
	raw, _ := m["url"].(string)
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	return strings.TrimSuffix(u.Path, "/"), strings.ToLower(u.Hostname())
}

func joinPath(base, p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return base + p
}

func isJSONMedia(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "*/*"
}

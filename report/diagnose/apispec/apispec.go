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
// The compact form (Compact, Decode) is an index of the operations plus
// each schema as its own JSON resource, decoded only when a check needs
// it: a run reads the index of all four documents, matches the call, and
// decodes the handful of schemas of that one operation.
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
const compactFormat = 2

// CompactVersion names the compact form for caches: a cache entry written
// under another version must be rebuilt from the original document.
var CompactVersion = fmt.Sprintf("apispec-%d", compactFormat)

// ErrNotOpenAPI is returned for a document that is not an OpenAPI 3
// description (an HTML error page from a proxy, say).
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

	ops     []*Operation
	schemes map[string]bool // security scheme -> asks for the user token
	// schemaText is the compact form's second line, the schema resources;
	// it is read into schemas when a check first needs a schema.
	schemaText []byte
	schemas    map[string]json.RawMessage

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	decoded  map[string]any
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
	Doc *Doc `json:"-"`
	// Method is upper case ("GET").
	Method string `json:"method"`
	// Template is the full path template, server base path included:
	// "/api/v1/company/{location_id}/clients/search".
	Template string `json:"template"`
	// Host is the host of the operation's server ("api.alteg.io"), "" when
	// the server URL names none.
	Host string `json:"host,omitempty"`
	// Path is the template as the document writes it, without the base.
	Path        string  `json:"path"`
	OperationID string  `json:"operationId,omitempty"`
	Summary     string  `json:"summary,omitempty"`
	Deprecated  bool    `json:"deprecated,omitempty"`
	Params      []Param `json:"params,omitempty"`
	Body        *Body   `json:"body,omitempty"`
	// Security lists the documented alternatives, each a list of scheme
	// names; nil when the document says nothing, empty (not nil) for
	// "security: []", an operation that documents no credentials.
	Security [][]string `json:"security"`
	// Accept is the Accept value the operation documents ("" when none is
	// given); AcceptRequired says the Accept header is documented as
	// required.
	Accept         string `json:"accept,omitempty"`
	AcceptRequired bool   `json:"acceptRequired,omitempty"`

	segs []segment
}

// Param is one documented path, query or header parameter.
type Param struct {
	Name     string `json:"name"`
	In       string `json:"in"` // "path", "query", "header", "cookie"
	Required bool   `json:"required,omitempty"`
	// Type is the schema's type list (["integer"], ["integer", "null"]);
	// nil when the schema gives none. ItemsType is the same for an
	// array's items.
	Type      []string `json:"type,omitempty"`
	ItemsType []string `json:"itemsType,omitempty"`
	// Explode is false for a form-style array written "a,b,c".
	Explode bool `json:"explode,omitempty"`
	// Schema is the key of the parameter's schema resource; "" when none.
	Schema string `json:"schema,omitempty"`

	schema  any    // while building: the schema in the original document
	example string // while building: the parameter's example
}

// Body is an operation's documented request body.
type Body struct {
	Required bool `json:"required,omitempty"`
	// MediaTypes lists the documented media types, sorted.
	MediaTypes []string `json:"mediaTypes,omitempty"`
	// Properties are the top-level property names of the JSON schema,
	// when it is an object schema (used to tell a body sent in the query).
	Properties []string `json:"properties,omitempty"`
	// Schema is the key of the JSON media type's schema resource; ""
	// when there is none.
	Schema string `json:"schema,omitempty"`
}

// compact is the compact form of a document: one line of JSON with the
// index, and a second with the schema resources by key, which a run reads
// only when it checks a query or a body.
type compact struct {
	Format  int             `json:"format"`
	Name    string          `json:"name"`
	OpenAPI string          `json:"openapi"`
	Title   string          `json:"title"`
	Version string          `json:"version"`
	Schemes map[string]bool `json:"schemes,omitempty"`
	Ops     []*Operation    `json:"ops"`

	schemas map[string]json.RawMessage
}

// Compact converts an original document (YAML or JSON) into the compact
// form that Decode reads. name is the document's short name.
func Compact(name string, data []byte) ([]byte, error) {
	c, err := build(name, data)
	if err != nil {
		return nil, err
	}
	index, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	schemas, err := json.Marshal(c.schemas)
	if err != nil {
		return nil, err
	}
	// json.Marshal writes no newline, so the first one ends the index.
	return append(append(index, '\n'), schemas...), nil
}

// Parse reads one original OpenAPI 3 document, YAML or JSON, and indexes
// it: Decode(Compact(...)).
func Parse(name string, data []byte) (*Doc, error) {
	b, err := Compact(name, data)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// Decode reads a document in the compact form.
func Decode(data []byte) (*Doc, error) {
	index, schemas, _ := bytes.Cut(data, []byte("\n"))
	var c compact
	if err := json.Unmarshal(index, &c); err != nil {
		return nil, fmt.Errorf("reading the compact description: %w", err)
	}
	if c.Format != compactFormat {
		return nil, fmt.Errorf("compact description in format %d, want %d", c.Format, compactFormat)
	}
	if !strings.HasPrefix(c.OpenAPI, "3.") {
		return nil, ErrNotOpenAPI
	}
	d := &Doc{Name: c.Name, Title: c.Title, Version: c.Version, OpenAPI: c.OpenAPI, ops: c.Ops, schemes: c.Schemes, schemaText: schemas}
	for _, op := range d.ops {
		if op == nil {
			return nil, errors.New("reading the compact description: an empty operation")
		}
		op.Doc = d
		op.segs = splitTemplate(op.Template)
	}
	return d, nil
}

// NeedsUser says whether every documented security alternative asks for
// the user token as well as the partner token (BearerPartnerUser), and
// known whether the operation documents its security at all.
func (op *Operation) NeedsUser() (needs, known bool) {
	if len(op.Security) == 0 {
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
	for _, name := range alt {
		if d.schemes[name] || strings.Contains(strings.ToLower(name), "user") {
			return true
		}
	}
	return false
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

// Describe names the documents in one line: "Business Management 1.0.0
// (b2b-v1), ..., as of 2026-11-29" (the date they were fetched, or their
// files' date). When only is not nil, only that document is named.
func (s *Set) Describe(only *Doc) string {
	docs := s.Docs
	if only != nil {
		docs = []*Doc{only}
	}
	var names, days []string
	for _, d := range docs {
		names = append(names, d.Label())
		if !d.Fetched.IsZero() {
			if day := d.Fetched.UTC().Format("2006-01-02"); !contains(days, day) {
				days = append(days, day)
			}
		}
	}
	out := strings.Join(names, ", ")
	if len(days) > 0 {
		sort.Strings(days)
		out += ", as of " + strings.Join(days, " and ")
	}
	return out
}

// resourceBase is the made-up URL under which a document's schemas are
// known to the validator; it is never fetched.
func (d *Doc) resourceBase() string {
	name := d.Name
	if name == "" {
		name = "doc"
	}
	return "https://apispec.invalid/" + urlSegment(name) + "/"
}

// Load serves the validator a schema resource of the document, decoding
// it on first use. It implements jsonschema.URLLoader; d.mu is held.
func (d *Doc) Load(u string) (any, error) {
	key, ok := d.resourceKey(u)
	if !ok {
		return nil, fmt.Errorf("%s is not a schema of this description", u)
	}
	return d.resource(key)
}

// resource decodes a schema resource once; d.mu must be held.
func (d *Doc) resource(key string) (any, error) {
	if v, ok := d.decoded[key]; ok {
		return v, nil
	}
	if d.schemas == nil {
		if err := json.Unmarshal(d.schemaText, &d.schemas); err != nil || d.schemas == nil {
			d.schemas = map[string]json.RawMessage{}
			return nil, fmt.Errorf("reading the schemas of the description: %v", err)
		}
	}
	raw, ok := d.schemas[key]
	if !ok {
		return nil, fmt.Errorf("no schema %q in the description", key)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, err
	}
	if d.decoded == nil {
		d.decoded = map[string]any{}
	}
	d.decoded[key] = v
	return v, nil
}

// resourceKey returns the key of a schema resource URL.
func (d *Doc) resourceKey(u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, d.resourceBase())
	if !ok {
		return "", false
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, ok = strings.CutSuffix(rest, ".json")
	if !ok {
		return "", false
	}
	return unescapeSegments(rest), true
}

// schema compiles the schema resource key, once.
func (d *Doc) schema(key string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.compiled[key]; ok {
		return s, nil
	}
	if err, ok := d.failed[key]; ok {
		return nil, err
	}
	if d.compiler == nil {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		c.UseLoader(d)
		d.compiler = c
		d.compiled = map[string]*jsonschema.Schema{}
		d.failed = map[string]error{}
	}
	s, err := d.compiler.Compile(d.resourceBase() + escapeSegments(key) + ".json")
	if err != nil {
		d.failed[key] = err
		return nil, err
	}
	d.compiled[key] = s
	return s, nil
}

// at returns the value at a schema URL of this document (a resource and
// a JSON pointer in its fragment), following nothing.
func (d *Doc) at(u string) (any, bool) {
	key, ok := d.resourceKey(u)
	if !ok {
		return nil, false
	}
	d.mu.Lock()
	v, err := d.resource(key)
	d.mu.Unlock()
	if err != nil {
		return nil, false
	}
	_, frag, _ := strings.Cut(u, "#")
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	return pointer(v, frag)
}

// pointer returns the value at a JSON pointer inside v.
func pointer(v any, ptr string) (any, bool) {
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

// propertyNames returns the top-level properties of an object schema,
// following $ref (resolved by deref) and allOf.
func propertyNames(sch any, deref func(string) any) []string {
	seen := map[string]bool{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		m, _ := v.(map[string]any)
		if m == nil || depth > 8 {
			return
		}
		if ref, ok := m["$ref"].(string); ok {
			walk(deref(ref), depth+1)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package apispec

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// builder turns a pruned original document into the compact form.
type builder struct {
	name    string
	tree    map[string]any
	base    string
	schemas map[string]any
}

// build reads an original document and indexes it.
func build(name string, data []byte) (*compact, error) {
	tree, err := readTree(data)
	if err != nil {
		return nil, err
	}
	v, _ := tree["openapi"].(string)
	if !strings.HasPrefix(v, "3.") {
		return nil, ErrNotOpenAPI
	}
	pruned, _ := prune(tree, false).(map[string]any)
	b := &builder{name: name, tree: pruned, schemas: map[string]any{}}
	b.base = (&Doc{Name: name}).resourceBase()
	c := &compact{Format: compactFormat, Name: name, OpenAPI: v}
	c.Title, _ = dig(pruned, "info", "title").(string)
	c.Version = fmt.Sprint(orEmpty(dig(pruned, "info", "version")))
	c.Schemes = b.schemes()
	c.Ops = b.operations()
	c.schemas = map[string]json.RawMessage{}
	for k, s := range b.schemas {
		raw, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("encoding the schema %s: %w", k, err)
		}
		c.schemas[k] = raw
	}
	return c, nil
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// schemes says, for each security scheme, whether it asks for the user
// token (BearerPartnerUser's bearerFormat names it).
func (b *builder) schemes() map[string]bool {
	m, _ := dig(b.tree, "components", "securitySchemes").(map[string]any)
	out := map[string]bool{}
	for name, v := range m {
		s, _ := v.(map[string]any)
		f, _ := s["bearerFormat"].(string)
		out[name] = strings.Contains(strings.ToLower(name), "user") || strings.Contains(strings.ToLower(f), "user")
	}
	return out
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations lists the document's operations in path order.
func (b *builder) operations() []*Operation {
	base, host := serverBase(b.tree["servers"])
	paths, _ := b.tree["paths"].(map[string]any)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	global, hasGlobal := securityList(b.tree["security"])
	var ops []*Operation
	accepts := map[string]int{}
	for _, p := range keys {
		item, _ := paths[p].(map[string]any)
		pbase, phost := base, host
		if _, ok := item["servers"]; ok {
			pbase, phost = serverBase(item["servers"])
		}
		for _, m := range methods {
			opv, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			n := len(ops)
			op := &Operation{Method: strings.ToUpper(m), Path: p, Host: phost}
			obase := pbase
			if _, ok := opv["servers"]; ok {
				obase, op.Host = serverBase(opv["servers"])
			}
			op.Template = joinPath(obase, p)
			op.OperationID, _ = opv["operationId"].(string)
			op.Summary, _ = opv["summary"].(string)
			op.Deprecated, _ = opv["deprecated"].(bool)
			if sec, ok := securityList(opv["security"]); ok {
				op.Security = sec
			} else if hasGlobal {
				op.Security = global
			}
			op.Params = mergeParams(b.params(item["parameters"]), b.params(opv["parameters"]))
			for j := range op.Params {
				prm := &op.Params[j]
				if prm.In == "header" && strings.EqualFold(prm.Name, "Accept") {
					op.AcceptRequired = prm.Required
					op.Accept = b.headerValue(prm)
					if op.Accept != "" {
						accepts[op.Accept]++
					}
				}
				if sch := prm.schema; sch != nil && (prm.In == "path" || prm.In == "query") {
					prm.Schema = b.addSchema(fmt.Sprintf("op%d-p%d", n, j), sch)
				}
				prm.schema = nil
			}
			op.Body = b.body(opv["requestBody"], n)
			ops = append(ops, op)
		}
	}
	// An operation that requires Accept without saying which takes the
	// value the rest of the document gives (public's operations only say
	// "required").
	common, most := "", 0
	for v, c := range accepts {
		if c > most || c == most && v < common {
			common, most = v, c
		}
	}
	for _, op := range ops {
		if op.AcceptRequired && op.Accept == "" {
			op.Accept = common
		}
	}
	return ops
}

// params reads a parameters list, resolving $ref to components.
func (b *builder) params(v any) []Param {
	list, _ := v.([]any)
	var out []Param
	for _, x := range list {
		p, _ := x.(map[string]any)
		if ref, ok := p["$ref"].(string); ok {
			p, _ = b.resolve(ref).(map[string]any)
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
			prm.schema = sch
			prm.Type = b.schemaType(sch)
			if contains(prm.Type, "array") {
				prm.ItemsType = b.schemaType(dig(b.deref(sch), "items"))
			}
			if e, ok := p["example"].(string); ok {
				prm.example = e
			}
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

func (b *builder) body(v any, n int) *Body {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		m, _ = b.resolve(ref).(map[string]any)
	}
	if m == nil {
		return nil
	}
	body := &Body{}
	body.Required, _ = m["required"].(bool)
	content, _ := m["content"].(map[string]any)
	for mt := range content {
		body.MediaTypes = append(body.MediaTypes, mt)
	}
	sort.Strings(body.MediaTypes)
	for _, mt := range body.MediaTypes {
		if !isJSONMedia(mt) {
			continue
		}
		media, _ := content[mt].(map[string]any)
		if sch, ok := media["schema"]; ok {
			body.Schema = b.addSchema(fmt.Sprintf("op%d-body", n), sch)
			body.Properties = propertyNames(sch, b.resolve)
			break
		}
	}
	return body
}

// deref follows $ref until a schema that is not one.
func (b *builder) deref(sch any) any {
	for range 8 {
		m, _ := sch.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return sch
		}
		sch = b.resolve(ref)
	}
	return sch
}

// schemaType returns a schema's type list, following $ref.
func (b *builder) schemaType(sch any) []string {
	m, _ := b.deref(sch).(map[string]any)
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

// headerValue is the value a header parameter documents: its schema's
// default, const or first enum value, or the parameter's example (which
// prune keeps for Accept).
func (b *builder) headerValue(p *Param) string {
	m, _ := b.deref(p.schema).(map[string]any)
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
	if s, ok := m["example"].(string); ok {
		return s
	}
	return p.example
}

// resolve follows a local $ref ("#/components/parameters/x").
func (b *builder) resolve(ref string) any {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil
	}
	v, _ := pointer(b.tree, ptr)
	return v
}

// addSchema stores a schema as a resource of its own, with its local
// $refs made absolute, and returns its key.
func (b *builder) addSchema(key string, v any) string {
	if _, ok := b.schemas[key]; ok {
		return key
	}
	b.schemas[key] = nil // taken, for a schema that refers to itself
	b.schemas[key] = b.rewrite(v)
	return key
}

// rewrite copies a schema, turning each local $ref into the URL of the
// resource it names (and adding that resource).
func (b *builder) rewrite(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if ref, ok := e.(string); ok && k == "$ref" && strings.HasPrefix(ref, "#") {
				out[k] = b.refURL(ref)
				continue
			}
			out[k] = b.rewrite(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = b.rewrite(e)
		}
		return out
	}
	return v
}

// refURL turns "#/components/schemas/x/$defs/y" into the URL of the
// resource components/schemas/x with the fragment /$defs/y. A reference
// anywhere else becomes a resource of its own.
func (b *builder) refURL(ref string) string {
	ptr := strings.TrimPrefix(ref, "#")
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	key, rest := "ref"+ptr, ""
	target := b.resolve(ref)
	if len(toks) >= 3 && toks[0] == "components" {
		key = "components/" + toks[1] + "/" + toks[2]
		target, _ = pointer(b.tree, "/components/"+toks[1]+"/"+toks[2])
		if len(toks) > 3 {
			rest = "/" + strings.Join(toks[3:], "/")
		}
	} else {
		key = "ref/" + escapeSegments(strings.TrimPrefix(ptr, "/"))
	}
	if target == nil {
		return ref // dangling: the compiler will refuse the schema, and its checks are skipped
	}
	b.addSchema(key, target)
	return b.base + escapeSegments(key) + ".json#" + escapeFragment(rest)
}

func escapeFragment(ptr string) string {
	if ptr == "" {
		return ""
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = url.PathEscape(t)
	}
	return "/" + strings.Join(toks, "/")
}

func escapeSegments(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func unescapeSegments(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			segs[i] = u
		}
	}
	return strings.Join(segs, "/")
}

func urlSegment(s string) string { return url.PathEscape(s) }

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

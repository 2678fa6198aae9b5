package apispec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxDocument bounds what Parse reads: the largest real description
// (b2b-v1) is about 1.7 MB.
const maxDocument = 32 << 20

// readTree reads a YAML or JSON document into maps with string keys.
func readTree(data []byte) (map[string]any, error) {
	if len(data) > maxDocument {
		return nil, fmt.Errorf("the description is %d bytes, more than the %d this tool reads", len(data), maxDocument)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, ErrNotOpenAPI
	}
	if trimmed[0] == '<' {
		return nil, ErrNotOpenAPI // a web page, not a description
	}
	var v any
	if trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &v); err != nil {
			return nil, fmt.Errorf("reading the description as JSON: %w", err)
		}
	} else if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("reading the description as YAML: %w", err)
	}
	m, ok := normalize(v).(map[string]any)
	if !ok {
		return nil, ErrNotOpenAPI
	}
	return m, nil
}

// normalize turns what the YAML decoder returns into JSON values: maps
// with string keys, timestamps as the text they were written as.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	}
	return v
}

// dropped are the keys the checks never read: prose, examples, responses
// and the like make up most of a description's bytes.
var dropped = map[string]bool{
	"description": true, "examples": true, "externalDocs": true, "tags": true,
	"responses": true, "callbacks": true, "webhooks": true, "xml": true,
	"contact": true, "license": true, "termsOfService": true, "x-tagGroups": true,
	"links": true,
}

// nameMaps are the keys whose value maps names to objects: their keys are
// names (a property may be called "description") and are all kept.
var nameMaps = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"dependentSchemas": true, "paths": true, "schemas": true, "parameters": true,
	"requestBodies": true, "securitySchemes": true, "headers": true, "content": true,
	"encoding": true, "variables": true,
}

// isoDate is a date as the API writes its examples: 2026-01-21.
var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// dateFromExample gives a string schema whose example is a date in the
// form YYYY-MM-DD the format "date": the documents type their date
// parameters as plain strings and show the form only in the example
// (start_date: type string, example '2026-01-21'). It returns the schema
// to keep, which is m itself or a copy.
func dateFromExample(m map[string]any, example any) map[string]any {
	ex, _ := example.(string)
	if !isoDate.MatchString(ex) || m["type"] != "string" || m["format"] != nil || m["$ref"] != nil {
		return m
	}
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	c["format"] = "date"
	return c
}

// prune returns v without the keys the checks never read. names says
// that v's keys are names rather than keywords.
func prune(v any, names bool) any {
	switch x := v.(type) {
	case map[string]any:
		if !names {
			// A schema's own example, or a parameter's for its schema.
			x = dateFromExample(x, x["example"])
			if sch, ok := x["schema"].(map[string]any); ok && x["in"] != nil {
				if d := dateFromExample(sch, x["example"]); len(d) != len(sch) {
					c := make(map[string]any, len(x))
					for k, v := range x {
						c[k] = v
					}
					c["schema"] = d
					x = c
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			if names {
				out[k] = prune(e, false)
				continue
			}
			if dropped[k] || strings.HasPrefix(k, "x-") || k == "example" && !isAcceptParam(x) {
				continue
			}
			if k == "required" {
				if _, isBool := e.(bool); isBool && x["in"] == nil && x["content"] == nil {
					// "required: true" inside a schema is OpenAPI 2; JSON
					// Schema wants a list, and the compiler would refuse
					// the whole schema.
					continue
				}
			}
			out[k] = prune(e, nameMaps[k])
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = prune(e, false)
		}
		return out
	}
	return v
}

func isAcceptParam(m map[string]any) bool {
	n, _ := m["name"].(string)
	return strings.EqualFold(n, "Accept") && m["in"] != nil
}

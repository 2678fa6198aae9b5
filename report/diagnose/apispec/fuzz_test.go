package apispec

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// oracleFits is a slow, obviously correct matcher: each template becomes
// a regular expression over the decoded segments joined by NUL.
func oracleFits(s *Set, escapedPath string) (fits map[string]int) {
	segs := SplitPath(escapedPath)
	try := func(segs []PathSegment) map[string]int {
		var texts []string
		for _, sg := range segs {
			texts = append(texts, sg.Text)
		}
		joined := strings.Join(texts, "\x00")
		out := map[string]int{}
		for _, d := range s.Docs {
			for _, op := range d.ops {
				var parts []string
				literals := 0
				for _, t := range strings.Split(strings.Trim(op.Template, "/"), "/") {
					open, close := strings.Index(t, "{"), strings.LastIndex(t, "}")
					if open >= 0 && close > open {
						parts = append(parts, regexp.QuoteMeta(t[:open])+"[^\x00/]*"+regexp.QuoteMeta(t[close+1:]))
						continue
					}
					parts = append(parts, regexp.QuoteMeta(t))
					literals++
				}
				if regexp.MustCompile("^" + strings.Join(parts, "\x00") + "$").MatchString(joined) {
					out[op.Template] = literals
				}
			}
		}
		return out
	}
	fits = try(segs)
	if len(fits) == 0 && len(segs) > 1 && segs[len(segs)-1].Raw == "" {
		fits = try(segs[:len(segs)-1])
	}
	return fits
}

// FuzzMatch checks Match against the oracle on any path, and that
// Nearest and the checks never fail on what Match returns.
func FuzzMatch(f *testing.F) {
	for _, p := range []string{
		"/api/v1/records/123", "/api/v1/records/partner", "/api/v1/companies/", "/api/v1/record//5",
		"/api/v1/records/%7Bid%7D", "/api/v1/records/1%2F2", "/api/v2/locations/1/services",
		"/marketplace/application/5/salons", "/api/v1/company/123/clients", "//", "/%zz", "/api/v1/book_times/1/2/2026-11-26",
		"/api/v1/user/records/5/abc", "/api/v1/Records/1",
	} {
		f.Add("GET", p, "page=1&count=500", `{"page":1}`)
	}
	f.Add("POST", "/api/v1/company/1/clients/search", "", `{"page":"x","filters":[{"type":1}]}`)
	f.Add("POST", "/api/v1/auth", "login=a", ``)
	s := testSet(f)
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		fits := oracleFits(s, path)
		m, ok := s.Match(method, path)
		if ok != (len(fits) > 0) {
			t.Fatalf("Match(%q) ok = %v, the oracle fits %v", path, ok, fits)
		}
		if ok {
			best := -1
			for _, n := range fits {
				best = max(best, n)
			}
			if n, in := fits[m.Template]; !in || n != best {
				t.Fatalf("Match(%q) = %s (%d literals), the oracle fits %v", path, m.Template, n, fits)
			}
			if m.Op != nil && m.Op.Method != strings.ToUpper(method) {
				t.Fatalf("Match(%s %q) chose a %s operation", method, path, m.Op.Method)
			}
			CheckPath(m)
			if m.Op != nil {
				q, _ := url.ParseQuery(query)
				m.Op.CheckQuery(q)
				m.Op.CheckBody([]byte(body), body != "", q)
			}
		}
		q, _ := url.ParseQuery(query)
		for _, sg := range s.Nearest(method, path, q, 3) {
			if sg.Cost > maxSuggestionCost || len(sg.Ops) == 0 {
				t.Fatalf("suggestion %+v", sg)
			}
			if got, want := strings.Count(sg.Example, "/"), strings.Count(sg.Template, "/"); got != want {
				t.Fatalf("example %q does not have the template's %d segments (%s)", sg.Example, want, sg.Template)
			}
		}
	})
}

// FuzzParse: any document either parses or is refused with an error.
func FuzzParse(f *testing.F) {
	f.Add("openapi: 3.1.0\npaths:\n  /a/{id}:\n    get:\n      parameters:\n      - {name: id, in: path, schema: {$ref: '#/components/schemas/x'}}\ncomponents:\n  schemas:\n    x: {$ref: '#/components/schemas/x'}\n")
	f.Add(`{"openapi":"3.0.0","paths":{"/x":{"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/nowhere"}}}}}}}}`)
	f.Add("openapi: 3.1.0\nx: &a [*a]\n")
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse("fuzz", []byte(doc))
		if err != nil {
			return
		}
		for _, op := range d.Operations() {
			if op.Body != nil {
				op.CheckBody([]byte(`{"a":1}`), true, nil)
			}
			op.CheckQuery(url.Values{"id": {"1"}})
		}
	})
}

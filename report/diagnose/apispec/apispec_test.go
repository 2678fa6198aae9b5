package apispec

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testdataDir holds the small descriptions written for the tests.
const testdataDir = "../../../testdata/openapi"

// testSet loads the four test descriptions.
func testSet(t testing.TB) *Set {
	t.Helper()
	var docs []*Doc
	for _, n := range Names {
		b, err := os.ReadFile(filepath.Join(testdataDir, n+".openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(n, b)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		docs = append(docs, d)
	}
	return NewSet(docs...)
}

func TestParse(t *testing.T) {
	s := testSet(t)
	var got []string
	for _, d := range s.Docs {
		got = append(got, d.Label())
	}
	want := []string{"Business Management 1.0.0 (b2b-v1)", "Business Management 2.0.0 (b2b-v2)", "Online Booking 1.0.0 (public)", "Developer Tools 1.0.0 (developers)"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("labels (-want +got):\n%s", d)
	}
	if n := len(s.Docs[0].Operations()); n != 14 {
		t.Errorf("b2b-v1 has %d operations, want 14", n)
	}
}

// TestCompactRoundTrip: the compact form drops the prose and reads back
// as the same operations.
func TestCompactRoundTrip(t *testing.T) {
	for _, n := range Names {
		raw, err := os.ReadFile(filepath.Join(testdataDir, n+".openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := Compact(n, raw)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(c), "Prose that the compact form drops") || strings.Contains(string(c), `"responses"`) {
			t.Errorf("%s: the compact form kept prose or responses", n)
		}
		a, _ := Parse(n, raw)
		b, err := Decode(c)
		if err != nil {
			t.Fatal(err)
		}
		if b.Name != n {
			t.Errorf("decoded name %q, want %q", b.Name, n)
		}
		if d := cmp.Diff(opLines(a), opLines(b)); d != "" {
			t.Errorf("%s: operations differ after the round trip (-parsed +decoded):\n%s", n, d)
		}
	}
}

func opLines(d *Doc) []string {
	var out []string
	for _, op := range d.ops {
		out = append(out, op.Line()+" "+op.SecurityText()+" "+op.Accept)
	}
	return out
}

func TestParseRefusesOtherDocuments(t *testing.T) {
	for name, in := range map[string]string{
		"web page":   "<!doctype html><html><body>Sign in to the Wi-Fi</body></html>",
		"empty":      "   ",
		"swagger 2":  `{"swagger": "2.0", "paths": {}}`,
		"yaml list":  "- a\n- b\n",
		"plain text": "Service Unavailable",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse("x", []byte(in)); err == nil {
				t.Fatal("Parse accepted it")
			} else if name != "plain text" && !errors.Is(err, ErrNotOpenAPI) {
				t.Errorf("err = %v, want ErrNotOpenAPI", err)
			}
		})
	}
}

// TestPruneKeepsNamedProperties: a property called "description" or
// "responses" is a name, not prose, and stays.
func TestPruneKeepsNamedProperties(t *testing.T) {
	doc := `openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              description: prose
              additionalProperties: false
              properties:
                description: {type: string, description: prose, example: e}
                responses: {type: integer, required: true}
      responses: {'200': {description: OK}}
`
	d, err := Parse("t", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	op := d.ops[0]
	if d := cmp.Diff([]string{"description", "responses"}, op.Body.Properties); d != "" {
		t.Errorf("properties (-want +got):\n%s", d)
	}
	got := op.CheckBody([]byte(`{"description": "a", "responses": "b", "other": 1}`), true, nil)
	var kinds []string
	for _, p := range got {
		kinds = append(kinds, string(p.Kind)+" "+p.Field)
	}
	// "required: true" inside a schema is dropped, so the schema compiles.
	if d := cmp.Diff([]string{"unknown other", "type responses"}, kinds); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
}

func TestMatch(t *testing.T) {
	s := testSet(t)
	tests := map[string]struct {
		method, path string
		template     string // "" when nothing fits
		op           bool
		values       []string
	}{
		"records":            {"GET", "/api/v1/records/123", "/api/v1/records/{location_id}", true, []string{"location_id=123"}},
		"literal wins":       {"GET", "/api/v1/records/partner", "/api/v1/records/partner", true, nil},
		"trailing slash":     {"GET", "/api/v1/companies/", "/api/v1/companies", true, nil},
		"empty id at end":    {"GET", "/api/v1/company/", "/api/v1/company/{location_id}", true, []string{"location_id="}},
		"empty id inside":    {"GET", "/api/v1/record//5", "/api/v1/record/{location_id}/{record_id}", true, []string{"location_id=", "record_id=5"}},
		"encoded braces":     {"GET", "/api/v1/records/%7Bcompany_id%7D", "/api/v1/records/{location_id}", true, []string{"location_id={company_id}"}},
		"method not there":   {"DELETE", "/api/v1/companies", "/api/v1/companies", false, nil},
		"path-level params":  {"PUT", "/api/v1/record/1/2", "/api/v1/record/{location_id}/{record_id}", true, []string{"location_id=1", "record_id=2"}},
		"v2":                 {"GET", "/api/v2/locations/7/services", "/api/v2/locations/{location_id}/services", true, []string{"location_id=7"}},
		"v2 company_id name": {"GET", "/api/v2/locations/7/positions", "/api/v2/locations/{company_id}/positions", true, []string{"company_id=7"}},
		"app host server":    {"GET", "/marketplace/application/5/salons", "/marketplace/application/{application_id}/salons", true, []string{"application_id=5"}},
		"public":             {"GET", "/api/v1/book_times/1/2/2026-11-26", "/api/v1/book_times/{location_id}/{team_member_id}/{date}", true, []string{"location_id=1", "team_member_id=2", "date=2026-11-26"}},
		"not documented":     {"GET", "/api/v1/company/123/clients", "", false, nil},
		"other version":      {"GET", "/api/v2/records/123", "", false, nil},
		"encoded slash":      {"GET", "/api/v1/records/1%2F2", "", false, nil},
		"case matters":       {"GET", "/api/v1/Records/1", "", false, nil},
		"no api prefix":      {"GET", "/records/1", "", false, nil},
		"root":               {"GET", "/", "", false, nil},
		"empty":              {"GET", "", "", false, nil},
		"lower-case method":  {"get", "/api/v1/companies", "/api/v1/companies", true, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := s.Match(tc.method, tc.path)
			if ok != (tc.template != "") {
				t.Fatalf("Match ok = %v, want %v", ok, tc.template != "")
			}
			if !ok {
				return
			}
			if m.Template != tc.template || (m.Op != nil) != tc.op {
				t.Errorf("Match = %s (op %v), want %s (op %v)", m.Template, m.Op != nil, tc.template, tc.op)
			}
			var values []string
			for _, v := range m.Values {
				values = append(values, v.Name+"="+v.Value)
			}
			if d := cmp.Diff(tc.values, values); d != "" {
				t.Errorf("values (-want +got):\n%s", d)
			}
			if tmpl, ok := s.Route(tc.method, tc.path); !ok || tmpl != tc.template {
				t.Errorf("Route = %q, %v", tmpl, ok)
			}
		})
	}
	if (&Set{}).Empty() != true {
		t.Error("an empty set is not Empty")
	}
	if _, ok := (*Set)(nil).Match("GET", "/api/v1/companies"); ok {
		t.Error("a nil set matched")
	}
}

func TestNearest(t *testing.T) {
	s := testSet(t)
	tests := map[string]struct {
		method, path, query string
		template, example   string
		edits               []string // "kind got>want [query]"
	}{
		"list clients": {"GET", "/api/v1/company/123/clients", "",
			"/api/v1/company/{location_id}/clients/search", "/api/v1/company/123/clients/search",
			[]string{"missing-word >search", "method GET>POST"}},
		"id in the query": {"GET", "/api/v1/clients", "company_id=123&page=1",
			"/api/v1/clients/{location_id}", "/api/v1/clients/123",
			[]string{"missing-id >{location_id} company_id"}},
		"the other version": {"GET", "/api/v2/records/123", "",
			"/api/v1/records/{location_id}", "/api/v1/records/123",
			[]string{"version v2>v1"}},
		"record id left out": {"GET", "/api/v1/record/123", "",
			"/api/v1/record/{location_id}/{record_id}", "/api/v1/record/123/{record_id}",
			[]string{"missing-id >{record_id}"}},
		"id before the word": {"GET", "/api/v1/123/clients", "",
			"/api/v1/clients/{location_id}", "/api/v1/clients/123",
			[]string{"swapped 123/clients>clients/{location_id}"}},
		"typo": {"GET", "/api/v1/compnies", "",
			"/api/v1/companies", "/api/v1/companies",
			[]string{"spelling compnies>companies"}},
		"v1 word on v2": {"GET", "/api/v2/company/7/services", "",
			"/api/v2/locations/{location_id}/services", "/api/v2/locations/7/services",
			[]string{"word company>locations"}},
		"no prefix": {"GET", "/companies", "",
			"/api/v1/companies", "/api/v1/companies",
			[]string{"missing-word >api", "missing-word >v1"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			got := s.Nearest(tc.method, tc.path, q, 3)
			if len(got) == 0 {
				t.Fatal("no suggestion")
			}
			if got[0].Template != tc.template || got[0].Example != tc.example {
				t.Errorf("first = %s (%s), want %s (%s); all: %+v", got[0].Template, got[0].Example, tc.template, tc.example, got)
			}
			var edits []string
			for _, e := range got[0].Edits {
				s := string(e.Kind) + " " + e.Got + ">" + e.Want
				if e.Query != "" {
					s += " " + e.Query
				}
				edits = append(edits, s)
			}
			if d := cmp.Diff(tc.edits, edits); d != "" {
				t.Errorf("edits (-want +got):\n%s", d)
			}
		})
	}
	if got := s.Nearest("GET", "/something/else/entirely/unrelated/x/y", nil, 3); len(got) != 0 {
		t.Errorf("a path far from every documented one got suggestions: %+v", got)
	}
}

func TestSecurityAndAccept(t *testing.T) {
	s := testSet(t)
	tests := map[string]struct {
		method, path   string
		needs, known   bool
		accept         string
		acceptRequired bool
	}{
		"partner and user":       {"GET", "/api/v1/records/1", true, true, "application/vnd.api.v2+json", true},
		"partner only":           {"GET", "/api/v1/companies", false, true, "application/vnd.api.v2+json", true},
		"none documented":        {"POST", "/api/v1/auth", false, true, "application/vnd.api.v2+json", true},
		"public takes doc value": {"POST", "/api/v1/book_record/1", false, true, "application/vnd.api.v2+json", true},
		"v2":                     {"GET", "/api/v2/locations/1/services", true, true, "application/vnd.api.v2+json", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := s.Match(tc.method, tc.path)
			if !ok || m.Op == nil {
				t.Fatal("no operation")
			}
			needs, known := m.Op.NeedsUser()
			if needs != tc.needs || known != tc.known || m.Op.Accept != tc.accept || m.Op.AcceptRequired != tc.acceptRequired {
				t.Errorf("NeedsUser = %v, %v; Accept %q %v", needs, known, m.Op.Accept, m.Op.AcceptRequired)
			}
		})
	}
}

package apispec

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir is the facts-only subset of the official descriptions, beside
// the repository (../shared/altegio-openapi from its root). It is test data
// of a third party: read from there, never copied in.
// ALTEGIO_OPENAPI_SUBSET points elsewhere, e.g. from a git worktree.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ALTEGIO_OPENAPI_SUBSET")
	if dir == "" {
		dir = "../../../../shared/altegio-openapi"
	}
	if _, err := os.Stat(filepath.Join(dir, "en-b2b-v1.openapi.yaml")); err != nil {
		t.Skipf("the official descriptions' subset is not at %s (set ALTEGIO_OPENAPI_SUBSET to its folder): %v", dir, err)
	}
	return dir
}

// sharedSet parses the four documents of the subset.
func sharedSet(t testing.TB) *Set {
	t.Helper()
	dir := sharedDir(t)
	var docs []*Doc
	for _, n := range Names {
		b, err := os.ReadFile(filepath.Join(dir, "en-"+n+".openapi.yaml"))
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

// TestSharedSubset loads the subset of the real descriptions: every
// operation its README counts, every schema compiles, and a correct call
// to each of a dozen documented operations has no problem.
func TestSharedSubset(t *testing.T) {
	s := sharedSet(t)
	wantOps := map[string]int{"b2b-v1": 74, "b2b-v2": 42, "public": 24, "developers": 20}
	for _, d := range s.Docs {
		if got := len(d.Operations()); got != wantOps[d.Name] {
			t.Errorf("%s: %d operations, want %d (the subset's README)", d.Name, got, wantOps[d.Name])
		}
		for _, op := range d.Operations() {
			if _, known := op.NeedsUser(); !known {
				t.Errorf("%s: no security documented", op.Line())
			}
			if op.Body != nil && op.Body.Schema != "" {
				if _, err := d.schema(op.Body.Schema); err != nil {
					t.Errorf("%s: the body schema does not compile: %v", op.Line(), err)
				}
			}
			for _, p := range op.Params {
				if p.Schema != "" {
					if _, err := d.schema(p.Schema); err != nil {
						t.Errorf("%s: the schema of %s does not compile: %v", op.Line(), p.Name, err)
					}
				}
			}
		}
	}

	for _, c := range correctCalls {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			u, err := url.Parse(c.path)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := s.Match(c.method, u.EscapedPath())
			if !ok || m.Op == nil {
				t.Fatalf("no documented operation (ok %v)", ok)
			}
			if m.Op.Template != c.template {
				t.Errorf("template %s, want %s", m.Op.Template, c.template)
			}
			var ps []Problem
			ps = append(ps, CheckPath(m)...)
			ps = append(ps, m.Op.CheckQuery(u.Query())...)
			ps = append(ps, m.Op.CheckBody([]byte(c.body), c.body != "", u.Query())...)
			for _, p := range ps {
				t.Errorf("a correct call has a problem: %s", p.Text)
			}
			if needs, _ := m.Op.NeedsUser(); needs != c.user {
				t.Errorf("NeedsUser = %v, want %v (%s)", needs, c.user, m.Op.SecurityText())
			}
		})
	}
}

// correctCalls are correct calls to documented operations of the real
// descriptions, as the subset has them.
var correctCalls = []struct {
	method, path, body, template string
	user                         bool
}{
	{"POST", "/api/v1/auth", `{"login":"me@example.com","password":"{{secret_1}}"}`, "/api/v1/auth", false},
	{"GET", "/api/v1/companies?my=1&page=1&count=10", "", "/api/v1/companies", false},
	{"GET", "/api/v1/company/123456", "", "/api/v1/company/{location_id}", false},
	{"GET", "/api/v1/records/123456?page=1&count=50&start_date=2026-11-01&end_date=2026-11-30", "", "/api/v1/records/{location_id}", true},
	{"GET", "/api/v1/record/123456/789", "", "/api/v1/record/{location_id}/{record_id}", true},
	{"POST", "/api/v1/company/123456/clients/search", `{"page":1,"page_size":25}`, "/api/v1/company/{location_id}/clients/search", true},
	{"GET", "/api/v1/client/123456/42", "", "/api/v1/client/{location_id}/{id}", true},
	{"GET", "/api/v1/staff/123456", "", "/api/v1/staff/{location_id}", true},
	{"GET", "/api/v2/locations/123456/services", "", "/api/v2/locations/{location_id}/services", true},
	{"GET", "/api/v2/locations/123456/team_members", "", "/api/v2/locations/{location_id}/team_members", true},
	{"GET", "/api/v1/book_services/123456", "", "/api/v1/book_services/{location_id}", false},
	{"GET", "/api/v1/book_dates/123456", "", "/api/v1/book_dates/{location_id}", false},
	{"GET", "/api/v1/countries", "", "/api/v1/countries", false},
	{"GET", "/api/v1/timetable/dates/123456/2026-11-26", "", "/api/v1/timetable/dates/{location_id}/{date}", true},
}

// TestSharedSubsetMistakes: the real descriptions name the mistakes of
// the corpus.
func TestSharedSubsetMistakes(t *testing.T) {
	s := sharedSet(t)
	if m, ok := s.Match("GET", "/api/v1/company/123/clients"); ok {
		t.Errorf("GET /api/v1/company/123/clients matched %s", m.Template)
	}
	near := s.Nearest("GET", "/api/v1/company/123/clients", nil, 3)
	var got []string
	for _, sg := range near {
		got = append(got, sg.Ops[0].Method+" "+sg.Template)
	}
	if len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), "POST /api/v1/company/{location_id}/clients/search") {
		t.Errorf("the nearest paths do not name the clients search: %q", got)
	}
	m, ok := s.Match("GET", "/api/v1/records/undefined")
	if !ok || len(CheckPath(m)) != 1 {
		t.Errorf("undefined in the path is not found")
	}
}

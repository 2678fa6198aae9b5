package apispec

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// problemLines writes problems as "kind field: text" for comparison.
func problemLines(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.Kind)+" "+p.Field+": "+p.Text)
	}
	return out
}

func TestBadID(t *testing.T) {
	for _, v := range []string{"", "undefined", "UNDEFINED", "null", "None", "NaN", "Infinity", "{company_id}", "{{location_id}}", "${id}", ":id", "<id>", "[object Object]", "%ID%"} {
		if _, bad := BadID(v); !bad {
			t.Errorf("BadID(%q) = false", v)
		}
	}
	for _, v := range []string{"123", "0", "abc", "partner", "2026-11-26", "{{partner_token}}x"} {
		if why, bad := BadID(v); bad {
			t.Errorf("BadID(%q) = true (%s)", v, why)
		}
	}
}

func TestCheckPath(t *testing.T) {
	s := testSet(t)
	tests := map[string]struct {
		method, path string
		want         []string
	}{
		"fine":          {"GET", "/api/v1/records/123", nil},
		"undefined":     {"GET", "/api/v1/records/undefined", []string{"bad-id location_id: The path parameter {location_id} is the word undefined: a JavaScript variable that was never set."}},
		"encoded":       {"GET", "/api/v1/records/%7Bid%7D", []string{"bad-id location_id: The path parameter {location_id} is {id}: a template placeholder that was never filled in."}},
		"null":          {"GET", "/api/v1/company/null", []string{"bad-id location_id: The path parameter {location_id} is null: a variable that held no id."}},
		"NaN":           {"GET", "/api/v1/record/NaN/5", []string{"bad-id location_id: The path parameter {location_id} is NaN: a conversion to a number that failed."}},
		"empty":         {"GET", "/api/v1/record//5", []string{"bad-id location_id: The path parameter {location_id} is empty (two slashes, or a slash at the end, where the id belongs)."}},
		"word":          {"GET", "/api/v1/records/abc", []string{`type location_id: The path parameter {location_id} is "abc"; the description wants a number.`}},
		"integer":       {"GET", "/api/v2/locations/1.5/services", []string{`type location_id: The path parameter {location_id} is "1.5"; the description wants an integer.`}},
		"string param":  {"GET", "/api/v1/user/records/5/abcdef", nil},
		"redacted hash": {"GET", "/api/v1/user/records/5/{{secret_1}}", nil},
		"date param":    {"GET", "/api/v1/book_times/1/2/2026-11-26", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := s.Match(tc.method, tc.path)
			if !ok {
				t.Fatal("no match")
			}
			if d := cmp.Diff(tc.want, problemLines(CheckPath(m))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestCheckPathFunc: with the caller's list of redaction placeholders, a
// secret hidden in the path is skipped and a template left unfilled in
// the same shape is reported.
func TestCheckPathFunc(t *testing.T) {
	s := testSet(t)
	secret := func(v string) bool { return v == "{{secret_1}}" }
	m, ok := s.Match("GET", "/api/v1/user/records/5/{{secret_1}}")
	if !ok {
		t.Fatal("no match")
	}
	if got := CheckPathFunc(m, secret); len(got) != 0 {
		t.Errorf("a redacted secret is reported: %v", problemLines(got))
	}
	m, ok = s.Match("GET", "/api/v1/records/%7B%7Bcompany_id%7D%7D")
	if !ok {
		t.Fatal("no match")
	}
	want := []string{"bad-id location_id: The path parameter {location_id} is {{company_id}}: a template placeholder that was never filled in."}
	if d := cmp.Diff(want, problemLines(CheckPathFunc(m, secret))); d != "" {
		t.Errorf("an unfilled template (-want +got):\n%s", d)
	}
	if got := CheckPath(m); len(got) != 0 {
		t.Errorf("CheckPath, which cannot tell, reports %v", problemLines(got))
	}
}

func TestCheckQuery(t *testing.T) {
	s := testSet(t)
	tests := map[string]struct {
		method, path, query string
		want                []string
	}{
		"fine":            {"GET", "/api/v1/records/1", "page=1&count=50&start_date=2026-11-01&end_date=2026-11-30", nil},
		"page size":       {"GET", "/api/v1/records/1", "count=500", []string{"range count: The query parameter count is 500; the maximum is 200."}},
		"date format":     {"GET", "/api/v1/records/1", "start_date=26.11.2026", []string{`format start_date: The query parameter start_date ("26.11.2026") is not a date in the form YYYY-MM-DD.`}},
		"not a number":    {"GET", "/api/v1/records/1", "page=first", []string{`type page: The query parameter page is a string ("first"); the description wants number.`}},
		"required":        {"GET", "/api/v1/transactions/1", "start_date=2026-11-01", []string{"required end_date: The query parameter end_date is required and was not sent."}},
		"boolean as 1":    {"GET", "/api/v1/transactions/1", "start_date=2026-11-01&end_date=2026-11-02&real_money=1", nil},
		"misspelled":      {"GET", "/api/v1/records/1", "staf_id=3", []string{"unknown staf_id: The query parameter staf_id is not documented for this operation; staff_id is."}},
		"renamed":         {"GET", "/api/v1/records/1", "team_member_id=3", []string{"unknown team_member_id: The query parameter team_member_id is not documented for this operation; staff_id is."}},
		"unrelated extra": {"GET", "/api/v1/records/1", "utm_source=x", nil},
		"enum":            {"GET", "/api/v2/locations/1/services", "include=staff", []string{`enum include: The query parameter include ("staff") is not one of the documented values: "resources", "company_links".`}},
		"bracket names":   {"GET", "/api/v2/locations/1/services", "page[size]=300", []string{"range page[size]: The query parameter page[size] is 300; the maximum is 250."}},
		"redacted value":  {"GET", "/api/v1/records/1", "start_date={{secret_1}}", nil},
		"header as query": {"GET", "/api/v1/records/1", "", nil},
		"required count":  {"GET", "/marketplace/application/1/salons", "page=1", []string{"required count: The query parameter count is required and was not sent."}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := s.Match(tc.method, tc.path)
			if !ok || m.Op == nil {
				t.Fatal("no operation")
			}
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, problemLines(m.Op.CheckQuery(q))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCheckBody(t *testing.T) {
	s := testSet(t)
	tests := map[string]struct {
		method, path, query, body string
		want                      []string
	}{
		"auth fine":     {"POST", "/api/v1/auth", "", `{"login":"a@b.c","password":"{{secret_1}}"}`, nil},
		"auth in query": {"POST", "/api/v1/auth", "login=a&password=b", "", []string{"missing-body : The operation takes a JSON body, and none was sent: login, password went into the query string instead, where the API does not read them."}},
		"no body":       {"POST", "/api/v1/auth", "", "", []string{"missing-body : The operation takes a JSON body, and none was sent."}},
		"login missing": {"POST", "/api/v1/auth", "", `{"password":"x"}`, []string{"required login: The field login is required and missing."}},
		"search": {"POST", "/api/v1/company/1/clients/search", "", `{"page":"x","page_size":500,"bogus":1,"filters":[{"type":"nope"}]}`, []string{
			"unknown bogus: bogus is not a field the description allows in the body.",
			"required filters[0].state: The field filters[0].state is required and missing.",
			`enum filters[0].type: The field filters[0].type ("nope") is not one of the documented values: "quick_search", "id", "last_visit".`,
			`type page: The field page is a string ("x"); the description wants number.`,
			"range page_size: The field page_size is 500; the maximum is 200.",
		}},
		"v2 appointment": {"POST", "/api/v2/locations/1/appointments", "", `{"data":{"type":"x","attributes":{"team_member_id":"5","staff_id":3,"datetime":"26.11.2026","client_id":null}}}`, []string{
			`format data.attributes.datetime: The field data.attributes.datetime ("26.11.2026") is not a date and time in the form YYYY-MM-DDThh:mm:ss with a time zone (RFC 3339).`,
			"unknown data.attributes.staff_id: data.attributes.staff_id is not a field the description allows in data.attributes. Did you mean team_member_id?",
			`type data.attributes.team_member_id: The field data.attributes.team_member_id is a string ("5"); the description wants integer.`,
			`enum data.type: The field data.type ("x") must be "appointment".`,
		}},
		"v2 fine":           {"POST", "/api/v2/locations/1/appointments", "", `{"data":{"type":"appointment","attributes":{"team_member_id":5,"datetime":"2026-11-26T10:00:00+03:00","client_id":null},"relationships":{"services":{"data":[{"type":"service","id":"1"}]}}}}`, nil},
		"v2 $defs":          {"POST", "/api/v2/locations/1/appointments", "", `{"data":{"type":"appointment","attributes":{"team_member_id":5,"datetime":"2026-11-26T10:00:00Z"},"relationships":{"services":{"data":[]}}}}`, []string{"length data.relationships.services.data: The field data.relationships.services.data has 0 items; the minimum is 1."}},
		"type or null":      {"POST", "/api/v2/locations/1/appointments", "", `{"data":{"type":"appointment","attributes":{"team_member_id":5,"datetime":"2026-11-26T10:00:00Z","client_id":"7"}}}`, []string{`type data.attributes.client_id: The field data.attributes.client_id is a string ("7"); the description wants null or integer.`}},
		"secret not quoted": {"POST", "/api/v1/auth", "", `{"login":"a","password":12345}`, []string{"type password: The field password is a number; the description wants string."}},
		"bare placeholder":  {"POST", "/api/v1/auth", "", `{"login":"a","password":{{secret_1}}}`, []string{"type password: The field password is a number; the description wants string."}},
		"redacted email":    {"POST", "/api/v1/records/1", "", `{"staff_id":1,"services":[{"id":1}],"datetime":"2026-11-26T10:00:00+03:00","seance_length":3600,"client":{"email":"{{pii_1}}"}}`, nil},
		"not JSON":          {"POST", "/api/v1/auth", "", `login=a&password=b`, nil},
		"GET has no body":   {"GET", "/api/v1/companies", "", ``, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := s.Match(tc.method, tc.path)
			if !ok || m.Op == nil {
				t.Fatal("no operation")
			}
			q, _ := url.ParseQuery(tc.query)
			got := m.Op.CheckBody([]byte(tc.body), tc.body != "", q)
			if d := cmp.Diff(tc.want, problemLines(got)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestBodyProblemsAreBounded: a body with thousands of mistakes gives a
// bounded list.
func TestBodyProblemsAreBounded(t *testing.T) {
	s := testSet(t)
	m, _ := s.Match("POST", "/api/v1/company/1/clients/search")
	var b strings.Builder
	b.WriteString(`{"filters":[`)
	for i := range 500 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"type":"bad"}`)
	}
	b.WriteString(`]}`)
	if got := m.Op.CheckBody([]byte(b.String()), true, nil); len(got) != maxProblems {
		t.Errorf("%d problems, want %d", len(got), maxProblems)
	}
}

// TestDateFromExample: a date parameter typed as a plain string with an
// example in the form YYYY-MM-DD is checked as a date; a date-time
// example (without a time zone) adds nothing.
func TestDateFromExample(t *testing.T) {
	s := testSet(t)
	m, _ := s.Match("GET", "/api/v1/records/1")
	for q, want := range map[string][]string{
		"start_date=2026-11-26":          nil,
		"start_date=26.11.2026":          {`format start_date: The query parameter start_date ("26.11.2026") is not a date in the form YYYY-MM-DD.`},
		"changed_after=26.11.2026 10:00": nil,
	} {
		v, _ := url.ParseQuery(q)
		if d := cmp.Diff(want, problemLines(m.Op.CheckQuery(v))); d != "" {
			t.Errorf("%s (-want +got):\n%s", q, d)
		}
	}
	m, _ = s.Match("POST", "/api/v1/records/1")
	got := m.Op.CheckBody([]byte(`{"staff_id":1,"services":[{"id":1}],"datetime":"2026-11-26T10:00:00Z","seance_length":60,"date":"30/11/2026"}`), true, nil)
	if d := cmp.Diff([]string{`format date: The field date ("30/11/2026") is not a date in the form YYYY-MM-DD.`}, problemLines(got)); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
}

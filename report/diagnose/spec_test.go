package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// specDir holds the small descriptions written for the tests.
const specDir = "../../testdata/openapi"

var (
	testAPIOnce sync.Once
	testAPI     *apispec.Set
	testAPIErr  error
)

// loadTestAPI loads the four test descriptions once.
func loadTestAPI(t testing.TB) *apispec.Set {
	t.Helper()
	testAPIOnce.Do(func() {
		var docs []*apispec.Doc
		for _, n := range apispec.Names {
			b, err := os.ReadFile(filepath.Join(specDir, n+".openapi.yaml"))
			if err != nil {
				testAPIErr = err
				return
			}
			d, err := apispec.Parse(n, b)
			if err != nil {
				testAPIErr = err
				return
			}
			d.Fetched = time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
			docs = append(docs, d)
		}
		testAPI = apispec.NewSet(docs...)
	})
	if testAPIErr != nil {
		t.Fatal(testAPIErr)
	}
	return testAPI
}

// options returns the case's Run options: a case with a "spec" section is
// checked against the test descriptions.
func (tc *tcase) options(t *testing.T) Options {
	for _, s := range tc.sections {
		if s.name == "spec" {
			return Options{API: loadTestAPI(t)}
		}
	}
	return Options{}
}

// correctCall is a correct call to a documented operation of the test
// descriptions, and the answer the API gives it.
type correctCall struct {
	method, url, auth, body string
	status                  int
}

// correctCalls covers a dozen documented operations of the four test
// descriptions.
var correctCalls = map[string]correctCall{
	"log in":               {"POST", "https://api.alteg.io/api/v1/auth", "Bearer pt-7f3a9c1e5b2d4f60a1b2", `{"login":"me@example.com","password":"correct horse battery"}`, 201},
	"locations":            {"GET", "https://api.alteg.io/api/v1/companies?my=1&page=1&count=20", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200},
	"a location":           {"GET", "https://api.alteg.io/api/v1/company/123456", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200},
	"partner appointments": {"GET", "https://api.alteg.io/api/v1/records/partner", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200},
	"appointments":         {"GET", "https://api.alteg.io/api/v1/records/123456?page=1&count=50&start_date=2026-11-01&end_date=2026-11-30", both, "", 200},
	"create appointment":   {"POST", "https://api.alteg.io/api/v1/records/123456", both, `{"staff_id":7,"services":[{"id":1,"cost":50}],"datetime":"2026-11-30T10:00:00+03:00","seance_length":3600,"comment":null,"client":{"phone":"79000000000","name":"Ann"}}`, 201},
	"an appointment":       {"GET", "https://api.alteg.io/api/v1/record/123456/987", both, "", 200},
	"delete appointment":   {"DELETE", "https://api.alteg.io/api/v1/record/123456/987", both, "", 204},
	"search clients":       {"POST", "https://api.alteg.io/api/v1/company/123456/clients/search", both, `{"page":1,"page_size":25,"fields":["id","name"],"filters":[{"type":"quick_search","state":{"value":"Ann"}}]}`, 200},
	"a client":             {"GET", "https://api.alteg.io/api/v1/client/123456/42", both, "", 200},
	"transactions":         {"GET", "https://api.alteg.io/api/v1/transactions/123456?start_date=2026-11-01&end_date=2026-11-30&real_money=1", both, "", 200},
	"v2 services":          {"GET", "https://api.alteg.io/api/v2/locations/123456/services?page[number]=1&page[size]=100&include=resources", both, "", 200},
	"v2 create":            {"POST", "https://api.alteg.io/api/v2/locations/123456/appointments", both, `{"data":{"type":"appointment","attributes":{"team_member_id":7,"datetime":"2026-11-30T10:00:00+03:00","client_id":null},"relationships":{"services":{"data":[{"type":"service","id":"1"}]}}}}`, 201},
	"v2 positions":         {"GET", "https://api.alteg.io/api/v2/locations/123456/positions", both, "", 200},
	"booking times":        {"GET", "https://api.alteg.io/api/v1/book_times/123456/7/2026-11-30", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200},
	"book":                 {"POST", "https://api.alteg.io/api/v1/book_record/123456", "Bearer pt-7f3a9c1e5b2d4f60a1b2", `{"phone":"79000000000","fullname":"Ann","email":"ann@example.com","appointments":[{"id":1,"services":[1],"staff_id":7,"datetime":"2026-11-30T10:00:00+03:00"}]}`, 201},
	"booking login":        {"POST", "https://api.alteg.io/api/v1/booking/auth", "Bearer pt-7f3a9c1e5b2d4f60a1b2", `{"login":"ann@example.com","password":"pw-123456"}`, 201},
	"marketplace":          {"GET", "https://app.alteg.io/marketplace/application/77/salons?page=1&count=100", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200},
	"countries":            {"GET", "https://api.alteg.io/api/v1/countries", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200},
}

const both = "Bearer pt-7f3a9c1e5b2d4f60a1b2, User ut-0c4b8e2a6d1f3b57c9d0e1f2a3b4c5d6"

func (cc correctCall) exchange() *capture.Exchange {
	h := capture.Headers{
		{Name: "Accept", Value: "application/vnd.api.v2+json"},
		{Name: "Authorization", Value: cc.auth},
	}
	var body capture.Body
	if cc.body != "" {
		h = append(h, capture.Header{Name: "Content-Type", Value: "application/json"})
		body = bodyOf([]byte(cc.body), "application/json")
	}
	resp := &capture.Response{Status: cc.status, Header: capture.Headers{{Name: "Content-Type", Value: "application/json"}},
		Body: bodyOf([]byte(`{"success":true,"data":[],"meta":[]}`), "application/json")}
	if cc.status == 204 {
		resp.Body = capture.Body{}
	}
	return &capture.Exchange{
		Source: capture.Source{Replayed: false, From: "HAR file session.har, entry 1"},
		Hops:   []capture.Hop{{Request: capture.Sent{Method: cc.method, URL: cc.url, Header: h, Body: body}, Response: resp}},
	}
}

// TestCorrectCallsHaveNoFindings: a correct call to each of a dozen
// documented operations, checked against the description, gives no
// finding above info.
func TestCorrectCallsHaveNoFindings(t *testing.T) {
	api := loadTestAPI(t)
	if len(correctCalls) < 12 {
		t.Fatalf("only %d operations", len(correctCalls))
	}
	for name, cc := range correctCalls {
		t.Run(name, func(t *testing.T) {
			res := redact.Scrub(cc.exchange(), redact.Policy{})
			got := Analyze(&res.Exchange, res.Secrets, Options{API: api}).Findings
			for _, f := range got {
				checkFinding(t, f, res.Secrets)
				if f.Severity > Info {
					t.Errorf("%s %s: %s", f.ID, f.Severity, f.Explain)
				}
			}
			// The call must have been matched: the checks really ran.
			u := res.Exchange.First().Request.URL
			if m, ok := api.Match(cc.method, pathOf(u)); !ok || m.Op == nil {
				t.Errorf("%s %s matches no documented operation", cc.method, u)
			}
		})
	}
}

func pathOf(raw string) string {
	h := classifyHost(raw)
	return h.path
}

// TestSpecReplacesGuesses: with the description, the path-word guess
// (AT120) and the generic Accept checks (AT101/AT102) give way to the
// description's checks; without it they stay.
func TestSpecReplacesGuesses(t *testing.T) {
	api := loadTestAPI(t)
	ex := func(url, accept, auth string, status int) *capture.Exchange {
		h := capture.Headers{{Name: "Authorization", Value: auth}}
		if accept != "" {
			h = append(h, capture.Header{Name: "Accept", Value: accept})
		}
		return &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{Method: "GET", URL: url, Header: h},
			Response: &capture.Response{Status: status, Body: bodyOf([]byte(`{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`), "application/json")}}}}
	}
	tests := map[string]struct {
		ex      *capture.Exchange
		without []string
		with    []string
	}{
		"business path, user token documented": {ex("https://api.alteg.io/api/v1/records/1", "application/vnd.api.v2+json", "Bearer pt-7f3a9c1e5b2d4f60a1b2", 401),
			[]string{"AT120", "AT202"}, []string{"AT155", "AT202"}},
		"business words, partner only documented": {ex("https://api.alteg.io/api/v1/records/partner", "application/vnd.api.v2+json", "Bearer pt-7f3a9c1e5b2d4f60a1b2", 401),
			[]string{"AT120", "AT202"}, []string{"AT202"}},
		"no Accept on a documented operation": {ex("https://api.alteg.io/api/v2/locations/1/services", "", both, 400),
			[]string{"AT101", "AT201"}, []string{"AT156", "AT201"}},
		"json Accept": {ex("https://api.alteg.io/api/v2/locations/1/services", "application/json", both, 400),
			[]string{"AT102", "AT201"}, []string{"AT156", "AT201"}},
		"undocumented path keeps the generic checks": {ex("https://api.alteg.io/api/v1/nothing/here", "", "Bearer pt-7f3a9c1e5b2d4f60a1b2", 404),
			[]string{"AT101", "AT205"}, []string{"AT101", "AT150", "AT205"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := redact.Scrub(tc.ex, redact.Policy{})
			ids := func(fs []Finding) []string {
				var out []string
				for _, f := range fs {
					out = append(out, f.ID)
				}
				sortStrings(out)
				return out
			}
			if got := ids(Run(&res.Exchange, res.Secrets)); strings.Join(got, " ") != strings.Join(tc.without, " ") {
				t.Errorf("without the description: %v, want %v", got, tc.without)
			}
			if got := ids(Analyze(&res.Exchange, res.Secrets, Options{API: api}).Findings); strings.Join(got, " ") != strings.Join(tc.with, " ") {
				t.Errorf("with the description: %v, want %v", got, tc.with)
			}
		})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

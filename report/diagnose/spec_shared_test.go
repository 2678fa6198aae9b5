package diagnose

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// sharedAPI loads the facts-only subset of the official descriptions from
// ../shared/altegio-openapi beside the repository (ALTEGIO_OPENAPI_SUBSET
// points elsewhere), or skips the test.
func sharedAPI(t testing.TB) *apispec.Set {
	t.Helper()
	dir := os.Getenv("ALTEGIO_OPENAPI_SUBSET")
	if dir == "" {
		dir = "../../../shared/altegio-openapi"
	}
	var docs []*apispec.Doc
	for _, n := range apispec.Names {
		b, err := os.ReadFile(filepath.Join(dir, "en-"+n+".openapi.yaml"))
		if err != nil {
			t.Skipf("the official descriptions' subset is not at %s (set ALTEGIO_OPENAPI_SUBSET to its folder): %v", dir, err)
		}
		d, err := apispec.Parse(n, b)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		docs = append(docs, d)
	}
	return apispec.NewSet(docs...)
}

// TestSharedSubsetDiagnosis runs calls through Analyze with the real
// descriptions' subset: the mistakes of the corpus are named first,
// and correct calls give nothing above info.
func TestSharedSubsetDiagnosis(t *testing.T) {
	api := sharedAPI(t)
	notFound := `{"success":false,"data":null,"meta":[]}`
	invalid := `{"success":false,"data":null,"meta":{"message":"The given data was invalid."}}`
	ok := `{"success":true,"data":[],"meta":[]}`
	tests := map[string]struct {
		method, url, auth, body string
		status                  int
		resp                    string
		first                   string // the first finding's ID; "" for none above info
	}{
		"clients listed with GET":       {"GET", "https://api.alteg.io/api/v1/company/123456/clients", both, "", 404, notFound, "AT150"},
		"company id in the query":       {"GET", "https://api.alteg.io/api/v1/clients?company_id=123456", both, "", 404, notFound, "AT150"},
		"undefined location":            {"GET", "https://api.alteg.io/api/v1/records/undefined", both, "", 404, notFound, "AT151"},
		"placeholder left in":           {"GET", "https://api.alteg.io/api/v1/company/%7Bcompany_id%7D", both, "", 404, notFound, "AT151"},
		"v1 path on v2":                 {"GET", "https://api.alteg.io/api/v2/records/123456", both, "", 404, notFound, "AT150"},
		"record id left out":            {"GET", "https://api.alteg.io/api/v1/record/123456", both, "", 404, notFound, "AT150"},
		"wrong method":                  {"DELETE", "https://api.alteg.io/api/v1/companies", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 405, notFound, "AT152"},
		"credentials in the auth query": {"POST", "https://api.alteg.io/api/v1/auth?login=me%40example.com&password=hunter2-hunter2", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 422, invalid, "AT154"},
		"user token documented":         {"GET", "https://api.alteg.io/api/v1/records/123456", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 401, `{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`, "AT155"},
		"correct records":               {"GET", "https://api.alteg.io/api/v1/records/123456?start_date=2026-11-01&end_date=2026-11-30", both, "", 200, ok, ""},
		"correct search":                {"POST", "https://api.alteg.io/api/v1/company/123456/clients/search", both, `{"page":1,"page_size":25}`, 200, ok, ""},
		"correct v2":                    {"GET", "https://api.alteg.io/api/v2/locations/123456/services", both, "", 200, ok, ""},
		"correct booking":               {"GET", "https://api.alteg.io/api/v1/book_services/123456", "Bearer pt-7f3a9c1e5b2d4f60a1b2", "", 200, ok, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json"}, {Name: "Authorization", Value: tc.auth}}
			var body capture.Body
			if tc.body != "" {
				h = append(h, capture.Header{Name: "Content-Type", Value: "application/json"})
				body = bodyOf([]byte(tc.body), "application/json")
			}
			ex := &capture.Exchange{Source: capture.Source{From: "HAR file session.har, entry 1"}, Hops: []capture.Hop{{
				Request:  capture.Sent{Method: tc.method, URL: tc.url, Header: h, Body: body},
				Response: &capture.Response{Status: tc.status, Body: bodyOf([]byte(tc.resp), "application/json")},
			}}}
			res := redact.Scrub(ex, redact.Policy{})
			got := Analyze(&res.Exchange, res.Secrets, Options{API: api}).Findings
			for _, f := range got {
				checkFinding(t, f, res.Secrets)
			}
			first := ""
			if len(got) > 0 && got[0].Severity > Info {
				first = got[0].ID
			}
			if first != tc.first {
				var ids []string
				for _, f := range got {
					ids = append(ids, f.ID+" "+f.Severity.String())
				}
				t.Errorf("first finding %q, want %q; all: %v", first, tc.first, ids)
			}
		})
	}
}

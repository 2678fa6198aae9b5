package diagnose

import (
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

func TestDescribe(t *testing.T) {
	tests := map[string]struct {
		url  string
		want About
	}{
		"records":         {"https://api.alteg.io/api/v1/records/123456?start_date=2026-11-01", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true, LocationID: "123456"}},
		"record":          {"https://api.alteg.io/api/v1/record/123456/991", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true, LocationID: "123456"}},
		"company below":   {"https://api.alteg.io/api/v1/company/42/clients/search", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true, LocationID: "42"}},
		"goods two words": {"https://api.alteg.io/api/v1/storage_operations/goods_transactions/77", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true, LocationID: "77"}},
		"v2 locations":    {"https://api.alteg.io/api/v2/locations/5/events/9", About{API: "Business Management API v2", Host: "api.alteg.io", Alteg: true, LocationID: "5"}},
		"booking":         {"https://api.alteg.io/api/v1/book_record/123", About{API: "Online Booking API v1", Host: "api.alteg.io", Alteg: true, LocationID: "123"}},
		"user records":    {"https://api.alteg.io/api/v1/user/records/991/abc", About{API: "Online Booking API v1", Host: "api.alteg.io", Alteg: true}},
		"permissions":     {"https://api.alteg.io/api/v1/user/permissions/44", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true, LocationID: "44"}},
		"visit not loc":   {"https://api.alteg.io/api/v1/visits/31/32", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true}},
		"marketplace":     {"https://api.alteg.io/api/v1/marketplace/salon/8/application/3/uninstall", About{API: "Developer Tools API v1", Host: "api.alteg.io", Alteg: true, LocationID: "8"}},
		"auth":            {"https://api.alteg.io/api/v1/auth", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true}},
		"local":           {"http://127.0.0.1:8080/api/v1/records/1", About{API: "Business Management API v1", Host: "127.0.0.1:8080", Local: true, LocationID: "1"}},
		"custom":          {"https://gw.example.com/api/v2/locations/3", About{API: "Business Management API v2", Host: "gw.example.com", LocationID: "3"}},
		"yclients":        {"https://api.yclients.com/api/v1/records/3", About{API: "YCLIENTS API v1", Host: "api.yclients.com", LocationID: "3"}},
		"not the api":     {"https://alteg.io/en/", About{Host: "alteg.io", Alteg: true}},
		"placeholder id":  {"https://api.alteg.io/api/v1/records/{company_id}", About{API: "Business Management API v1", Host: "api.alteg.io", Alteg: true}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{Method: "GET", URL: tc.url}}}}
			if d := cmp.Diff(tc.want, Describe(ex)); d != "" {
				t.Errorf("Describe(%s) (-want +got):\n%s", tc.url, d)
			}
		})
	}
}

func TestReplayed(t *testing.T) {
	tests := map[string]struct {
		method, url string
		replayed    bool
		status      int
		body        string
		fault       capture.FaultKind
		want        Change
		wantOK      bool
	}{
		"record made": {"POST", "https://api.alteg.io/api/v1/records/123456", true, 201, `{"success":true,"data":{"id":991},"meta":[]}`, "",
			Change{Method: "POST", Sure: true, Made: "a new appointment (record id 991)", Undo: "DELETE /api/v1/record/123456/991"}, true},
		"client made": {"POST", "https://api.alteg.io/api/v1/clients/7", true, 200, `{"success":true,"data":{"id":"55","name":"x"}}`, "",
			Change{Method: "POST", Sure: true, Made: "a new client (id 55)", Undo: "DELETE /api/v1/client/7/55"}, true},
		"online booking": {"POST", "https://api.alteg.io/api/v1/book_record/7", true, 201, `{"success":true,"data":[{"id":1,"record_id":3001,"record_hash":"{{record_hash}}"}]}`, "",
			Change{Method: "POST", Sure: true, Made: "a new online booking (record id 3001)", Undo: "DELETE /api/v1/user/records/3001/{{record_hash}}"}, true},
		"v2 event": {"POST", "https://api.alteg.io/api/v2/locations/7/events", true, 201, `{"success":true,"data":{"id":12}}`, "",
			Change{Method: "POST", Sure: true, Made: "a new event (id 12)", Undo: "DELETE /api/v2/locations/7/events/12"}, true},
		"unknown resource": {"POST", "https://api.alteg.io/api/v1/finance_transactions/7", true, 201, `{"success":true,"data":{"id":4}}`, "",
			Change{Method: "POST", Sure: true, Made: "a new item (id 4)"}, true},
		"no id":        {"POST", "https://api.alteg.io/api/v1/records/7", true, 201, `{"success":true,"data":null}`, "", Change{Method: "POST", Sure: true}, true},
		"server error": {"POST", "https://api.alteg.io/api/v1/records/7", true, 502, ``, "", Change{Method: "POST"}, true},
		"lost answer":  {"PATCH", "https://api.alteg.io/api/v1/records/7", true, 0, ``, capture.FaultResponseTimeout, Change{Method: "PATCH"}, true},
		"refused 4xx":  {"POST", "https://api.alteg.io/api/v1/records/7", true, 422, `{}`, "", Change{}, false},
		"not replayed": {"POST", "https://api.alteg.io/api/v1/records/7", false, 201, `{"data":{"id":1}}`, "", Change{}, false},
		"login":        {"POST", "https://api.alteg.io/api/v1/auth", true, 201, `{"data":{"id":1}}`, "", Change{}, false},
		"put":          {"PUT", "https://api.alteg.io/api/v1/record/7/1", true, 200, `{"data":{"id":1}}`, "", Change{}, false},
		"no dial":      {"POST", "https://api.alteg.io/api/v1/records/7", true, 0, ``, capture.FaultRefused, Change{}, false},
		// A corporate proxy's login page answered in the API's place:
		// the call never reached the API, so nothing was made twice.
		"a login page": {"POST", "https://api.alteg.io/api/v1/records/7", true, 200, "\n  <!DOCTYPE html><html><body>Sign in to continue</body></html>", "", Change{}, false},
		// On a local or custom host a web page may be the API's answer.
		"a page elsewhere": {"POST", "http://127.0.0.1:8080/api/v1/records/7", true, 200, "<html>ok</html>", "", Change{Method: "POST", Sure: true}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hop := capture.Hop{Request: capture.Sent{Method: tc.method, URL: tc.url}}
			if tc.status != 0 {
				hop.Response = &capture.Response{Status: tc.status, Body: capture.Body{Data: []byte(tc.body), Size: int64(len(tc.body)), ContentType: "application/json"}}
			}
			ex := &capture.Exchange{Source: capture.Source{Replayed: tc.replayed}, Hops: []capture.Hop{hop}}
			if tc.fault != "" {
				ex.Fault = &capture.Fault{Kind: tc.fault}
			}
			got, ok := Replayed(ex)
			if ok != tc.wantOK {
				t.Fatalf("Replayed ok = %v, want %v", ok, tc.wantOK)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Replayed (-want +got):\n%s", d)
			}
		})
	}
}

// TestHandlerMessageRulesOutThePath: a 400 whose message says what a
// handler found wrong shows that the router found the path, so a path
// mistake (AT150) cannot be its cause; a bare 400 may still come from
// a path the API does not have.
func TestHandlerMessageRulesOutThePath(t *testing.T) {
	tests := map[string]struct {
		body     string
		pathMay  bool
		fieldMay bool
	}{
		"handler message": {`{"success":false,"meta":{"message":"Staff member required"}}`, false, true},
		"reason phrase":   {`{"success":false,"meta":{"message":"Bad Request."}}`, true, true},
		"status and text": {`{"message":"400 Bad Request"}`, true, true},
		"empty message":   {`{"success":false,"meta":{"message":""}}`, true, true},
		"no body":         {``, true, true},
	}
	for name, tc := range tests {
		a := interpret(400, readEnvelope(capture.Body{Data: []byte(tc.body), ContentType: "application/json"}))
		if got := a.possible.has(partPath); got != tc.pathMay {
			t.Errorf("%s: a path mistake possible = %v, want %v", name, got, tc.pathMay)
		}
		if got := a.possible.has(partFields); got != tc.fieldMay {
			t.Errorf("%s: a field mistake possible = %v, want %v", name, got, tc.fieldMay)
		}
	}
}

package diagnose

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

// This file checks the ranking over whole runs: every combination of the
// common request mistakes with every kind of answer the API gives, against
// an oracle written from the API's behaviour rather than from the
// ranking's tables.

// answerKind is an answer the API gives, and the check that speaks for it.
type answerKind struct {
	name   string
	status int
	body   string
	id     string
}

var answerKinds = []answerKind{
	{"400 Accept", 400, `{"success":false,"data":null,"meta":{"message":"An invalid Accept header was passed."}}`, "AT201"},
	{"400 bare", 400, `{"success":false,"data":null,"meta":[]}`, "AT201"},
	{"401 Authentication needed.", 401, `{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`, "AT202"},
	{"401 Partner ID not specified", 401, `{"success":false,"data":null,"meta":{"message":"Partner ID not specified"}}`, "AT220"},
	{"403 Access denied.", 403, `{"success":false,"data":null,"meta":{"message":"Access denied."}}`, "AT204"},
	{"403 No company management rights", 403, `{"success":false,"data":null,"meta":{"message":"No company management rights"}}`, "AT221"},
	{"403 licence", 403, `{"success":false,"data":null,"meta":{"message":"Необходимо продлить лицензию в филиале с id: 1"}}`, "AT222"},
	{"404 bare", 404, `{"success":false,"data":null,"meta":[]}`, "AT205"},
	{"404 location", 404, `{"success":false,"data":null,"meta":{"message":"Филиал не найден."}}`, "AT224"},
	{"405", 405, `{"success":false,"data":null,"meta":[]}`, "AT206"},
	{"422 fields", 422, `{"success":false,"data":null,"meta":{"message":"The given data was invalid.","errors":{"staff_id":["The staff id field is required."]}}}`, "AT207"},
	{"422 booking 433", 422, `{"success":false,"data":null,"meta":{"message":"An error has occurred","errors":[{"code":433,"message":"The selected time is already taken or is not working."}]}}`, "AT227"},
	{"429", 429, `{"message":"Too Many Attempts."}`, "AT208"},
	{"500", 500, `{"success":false,"data":null,"meta":{"message":"Server Error"}}`, "AT209"},
	{"200", 200, `{"success":true,"data":[],"meta":[]}`, ""},
}

// mistake is a request mistake, the check that names it, and the answers
// a mistake of that kind can cause: what the API does, stated for the
// test. Accept is read before anything else (v2 answers 400; a router
// may not find the path for another media type); the tokens are read
// next (401, or 403 when the user is missing); the body last (400, 422).
type mistake struct {
	id      string
	answers []string
}

var mistakes = map[string]mistake{
	"no Accept":       {"AT101", []string{"400 Accept", "400 bare", "404 bare"}},
	"Accept json":     {"AT102", []string{"400 Accept", "400 bare", "404 bare"}},
	"Accept yclients": {"AT103", []string{"400 Accept", "400 bare", "404 bare"}},
	"no User":         {"AT120", []string{"401 Authentication needed.", "403 Access denied.", "403 No company management rights"}},
	"quoted token":    {"AT116", []string{"401 Authentication needed.", "401 Partner ID not specified", "403 Access denied."}},
	"User twice":      {"AT121", []string{"401 Authentication needed.", "401 Partner ID not specified", "403 Access denied."}},
	"form body":       {"AT141", []string{"400 bare", "422 fields"}},
	"JSON as form":    {"AT140", []string{"400 bare", "422 fields"}},
}

// oracleURL is the URL of the combinations: a business-data path.
const oracleURL = "https://api.alteg.io/api/v1/records/1169323"

// buildCall makes the exchange for one combination.
func buildCall(accept, auth, body string, a answerKind) *capture.Exchange {
	return buildCallAt(oracleURL, accept, auth, body, a)
}

// validRecord is a body that satisfies the description of POST
// /api/v1/records/{location_id} (testdata/openapi), so that only the
// combination's own mistakes are in it.
const validRecord = `{"staff_id": 5, "services": [{"id": 1}], "datetime": "2026-11-02T10:00:00+03:00", "seance_length": 3600}`

// buildCallAt makes the exchange for one combination sent to url.
func buildCallAt(url, accept, auth, body string, a answerKind) *capture.Exchange {
	const pt, ut = "pt-7f3a9c1e5b2d4f60a1b2", "ut-0c4b8e2a6d1f3b57c9d0"
	var h capture.Headers
	switch accept {
	case "ok":
		h = append(h, capture.Header{Name: "Accept", Value: "application/vnd.api.v2+json"})
	case "no Accept":
		h = append(h, capture.Header{Name: "Accept", Value: "*/*", Origin: capture.FromTool})
	case "Accept json":
		h = append(h, capture.Header{Name: "Accept", Value: "application/json"})
	case "Accept yclients":
		h = append(h, capture.Header{Name: "Accept", Value: "application/vnd.yclients.v2+json"})
	}
	switch auth {
	case "ok":
		h = append(h, capture.Header{Name: "Authorization", Value: "Bearer " + pt + ", User " + ut})
	case "no User":
		h = append(h, capture.Header{Name: "Authorization", Value: "Bearer " + pt})
	case "quoted token":
		h = append(h, capture.Header{Name: "Authorization", Value: `Bearer "` + pt + `", User ` + ut})
	case "User twice":
		h = append(h, capture.Header{Name: "Authorization", Value: "Bearer " + pt + ", User " + ut + ", User " + ut})
	}
	method, b := "GET", ""
	switch body {
	case "form body":
		method, b = "POST", "staff_id=5&datetime=2026-11-02"
		h = append(h, capture.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: capture.FromTool})
	case "JSON as form":
		method, b = "POST", validRecord
		h = append(h, capture.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: capture.FromTool})
	case "ok":
		method, b = "POST", validRecord
		h = append(h, capture.Header{Name: "Content-Type", Value: "application/json"})
	case "fields against the schema":
		// Well-formed JSON, labelled as such, that breaks the documented
		// schema: only the description can tell (AT154).
		method, b = "POST", `{"staff_id": "five", "services": [], "datetime": "02.11.2026 10:00"}`
		h = append(h, capture.Header{Name: "Content-Type", Value: "application/json"})
	}
	var reqBody capture.Body
	if b != "" {
		reqBody = bodyOf([]byte(b), h.Get("Content-Type"))
	}
	return &capture.Exchange{
		Source: capture.Source{Replayed: true},
		Hops: []capture.Hop{{
			Request:  capture.Sent{Method: method, URL: url, Header: h, Body: reqBody},
			Response: &capture.Response{Status: a.status, Body: bodyOf([]byte(a.body), "application/json")},
		}},
	}
}

// TestRankingOracle runs every combination and checks, against the
// mistakes' own list of answers they can cause:
//
//   - when some mistake can cause the answer, the first finding names one
//     such mistake, as the likely cause, and the answer's finding is info;
//   - when none can, the answer's finding is the first and the likely
//     cause, and every mistake is still reported, as a warning;
//   - a 500 is the server's, a 200 has no likely cause;
//   - the first finding is what LikelyCause returns, severities never
//     rise down the list, and a 4xx has exactly one answer finding.
func TestRankingOracle(t *testing.T) {
	owners := map[string]bool{}
	for _, id := range answerOwners {
		owners[id] = true
	}
	runs := 0
	for _, accept := range []string{"ok", "no Accept", "Accept json", "Accept yclients"} {
		for _, auth := range []string{"ok", "no User", "quoted token", "User twice"} {
			for _, body := range []string{"none", "ok", "form body", "JSON as form"} {
				for _, a := range answerKinds {
					var made []string
					for _, m := range []string{accept, auth, body} {
						if _, ok := mistakes[m]; ok {
							made = append(made, m)
						}
					}
					name := fmt.Sprintf("%s/%s/%s/%s", accept, auth, body, a.name)
					res := redact.Scrub(buildCall(accept, auth, body, a), redact.Policy{})
					got := Run(&res.Exchange, res.Secrets)
					runs++
					if msg := oracle(mistakes, made, a, got, owners); msg != "" {
						t.Errorf("%s: %s\n  got %s", name, msg, ids(got))
					}
					again := Run(&res.Exchange, res.Secrets)
					if d := cmp.Diff(got, again); d != "" {
						t.Errorf("%s: a second run differs:\n%s", name, d)
					}
				}
			}
		}
	}
	t.Logf("%d combinations", runs)
}

// oracle checks one combination's findings; ms says which check names
// each mistake and which answers it can cause.
func oracle(ms map[string]mistake, made []string, a answerKind, got []Finding, owners map[string]bool) string {
	byID := map[string]Finding{}
	answers := 0
	for i, f := range got {
		byID[f.ID] = f
		if i > 0 && f.Severity > got[i-1].Severity {
			return "severities rise down the list"
		}
		if owners[f.ID] {
			answers++
		}
	}
	if first, ok := LikelyCause(got); ok && first.ID != got[0].ID {
		return "LikelyCause is not the first finding"
	}
	for _, m := range made {
		if m == "no User" && a.status < 300 {
			continue // the endpoint evidently needs no user token
		}
		if _, ok := byID[ms[m].id]; !ok {
			return fmt.Sprintf("the mistake %q (%s) is not reported", m, ms[m].id)
		}
	}
	switch {
	case a.status == 200:
		for _, f := range got {
			if f.Severity == Likely {
				return "a call that worked has a likely cause"
			}
		}
		return ""
	case a.status >= 500:
		if len(got) == 0 || got[0].ID != "AT209" || got[0].Severity != Likely {
			return "a 500 is not the likely cause"
		}
		return ""
	}
	if answers != 1 {
		return fmt.Sprintf("%d answer findings", answers)
	}
	var causes []string
	for _, m := range made {
		if slices.Contains(ms[m].answers, a.name) {
			causes = append(causes, ms[m].id)
		}
	}
	if len(got) == 0 || got[0].Severity != Likely {
		return "no likely cause"
	}
	if len(causes) == 0 {
		if got[0].ID != a.id {
			return fmt.Sprintf("the answer (%s) names the cause and no mistake can cause it, but it is not first", a.id)
		}
		for _, m := range made {
			if f := byID[ms[m].id]; f.Severity == Likely {
				return fmt.Sprintf("%s cannot cause %q but is a likely cause", f.ID, a.name)
			}
		}
		return ""
	}
	if !slices.Contains(causes, got[0].ID) {
		return fmt.Sprintf("the first finding is not one of the mistakes that can cause %q: %v", a.name, causes)
	}
	if f := byID[a.id]; f.Severity != Info {
		return fmt.Sprintf("the answer's finding %s is %s, not info, though %v explain it", a.id, f.Severity, causes)
	}
	return ""
}

func ids(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+f.Severity.String())
	}
	return strings.Join(out, ", ")
}

// TestFirstSentence keeps a quoted server message whole.
func TestFirstSentence(t *testing.T) {
	tests := map[string]string{
		"One. Two.": "One.",
		`It said (the message: "A. B.") here. Next.`: `It said (the message: "A. B.") here.`,
		`Quote "with \" escaped. still" done. More.`: `Quote "with \" escaped. still" done.`,
		"No period":                  "No period",
		"Version 1.2 is fine. Next.": "Version 1.2 is fine.",
	}
	for in, want := range tests {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSupersedes: a finding that states from better evidence what another
// guessed replaces it, as a check from the API's description replaces a
// heuristic; an entry naming a check that does not exist is an error.
func TestSupersedes(t *testing.T) {
	guess := &rule{Check: Check{ID: "AT120"}, blames: partUser}
	spec := &rule{Check: Check{ID: "AT159"}, from: fromSpec, blames: partUser, supersedes: []string{"AT120"}}
	answer := &rule{Check: Check{ID: "AT202"}, from: fromAnswer}
	c := answerCall(401, nil, false)
	c.possible = setOf(partAuth, partUser)
	hits := []*hit{
		{Finding: Finding{ID: "AT120", Severity: Likely, Explain: "guess."}, rule: guess},
		{Finding: Finding{ID: "AT159", Severity: Likely, Explain: "documented."}, rule: spec},
		{Finding: Finding{ID: "AT202", Severity: Likely, Explain: "401."}, rule: answer},
	}
	var got []string
	for _, h := range rank(c, hits) {
		got = append(got, h.ID+" "+h.Severity.String())
	}
	if d := cmp.Diff([]string{"AT159 likely cause", "AT202 info"}, got); d != "" {
		t.Errorf("ranked (-want +got):\n%s", d)
	}
	for _, r := range rules {
		for _, id := range r.supersedes {
			if _, ok := ruleByID(id); !ok {
				t.Errorf("%s supersedes %s, which does not exist", r.ID, id)
			}
		}
	}
}

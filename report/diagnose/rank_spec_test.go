package diagnose

import (
	"fmt"
	"maps"
	"testing"

	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

// This file runs the ranking oracle of rank_test.go with the API
// description loaded (testdata/openapi): the description's checks
// (AT150-AT157) take the place of the guesses they supersede and add the
// mistakes only the description can see, and the same promises hold:
// a mistake that can cause the answer is the likely cause and comes
// first, the answer it explains is info, a mistake that cannot cause it
// stays as a warning, and a call that worked has no likely cause.

// oraclePath is where a combination is sent, and what that path is to the
// description.
type oraclePath struct {
	url string
	// documented: the description documents GET and POST on the path,
	// so AT155 and AT156 say what AT120 and AT101/AT102 guess.
	documented bool
	// mistake is the path's own mistake ("" when none), a key of
	// specMistakes.
	mistake string
}

var oraclePaths = map[string]oraclePath{
	"documented":    {"https://api.alteg.io/api/v1/records/1169323", true, ""},
	"undefined id":  {"https://api.alteg.io/api/v1/records/undefined", true, "undefined id"},
	"v1 path on v2": {"https://api.alteg.io/api/v2/records/1169323", false, "v1 path on v2"},
}

// specMistakes extends mistakes with what only the description can see,
// and the answers each can cause, stated from the API's behaviour:
//
//   - an id that is not a number: the router takes it as the location
//     id, so the API answers that it found nothing (a bare 404, or "location
//     not found"), that the user has no rights on that "location" (403),
//     or that the request is malformed (a bare 400);
//   - a path the API does not have: 404, 405 when another method has a
//     route there, or a bare 400;
//   - body fields against the schema: the validation answers (400, 422),
//     and on a booking the fields (team member, time) decide which slot
//     is asked for, so a booking error may come from them too.
var specMistakes = map[string]mistake{
	"undefined id":              {"AT151", []string{"400 bare", "403 Access denied.", "403 No company management rights", "404 bare", "404 location"}},
	"v1 path on v2":             {"AT150", []string{"400 bare", "404 bare", "405"}},
	"fields against the schema": {"AT154", []string{"400 bare", "422 fields", "422 booking 433"}},
}

// specMistakesAt returns the mistakes as the checks name them on a path:
// on a documented operation the description's checks replace the
// guesses (AT156 for AT101/AT102, AT155 for AT120); the YCLIENTS media
// type stays AT103's.
func specMistakesAt(p oraclePath) map[string]mistake {
	ms := maps.Clone(mistakes)
	maps.Copy(ms, specMistakes)
	if p.documented {
		for _, m := range []string{"no Accept", "Accept json"} {
			ms[m] = mistake{"AT156", ms[m].answers}
		}
		ms["no User"] = mistake{"AT155", ms["no User"].answers}
	} else {
		// No schema to break: the body is only a JSON body.
		delete(ms, "fields against the schema")
	}
	return ms
}

// TestRankingOracleWithDescription is TestRankingOracle with the API
// description loaded, over three paths: documented, documented with an
// id that is not a number, and not documented at all.
func TestRankingOracleWithDescription(t *testing.T) {
	api := loadTestAPI(t)
	owners := map[string]bool{}
	for _, id := range answerOwners {
		owners[id] = true
	}
	runs := 0
	for pathName, p := range oraclePaths {
		ms := specMistakesAt(p)
		for _, accept := range []string{"ok", "no Accept", "Accept json", "Accept yclients"} {
			for _, auth := range []string{"ok", "no User", "quoted token", "User twice"} {
				for _, body := range []string{"none", "ok", "form body", "JSON as form", "fields against the schema"} {
					for _, a := range answerKinds {
						var made []string
						for _, m := range []string{accept, auth, body, p.mistake} {
							if _, ok := ms[m]; ok {
								made = append(made, m)
							}
						}
						name := fmt.Sprintf("%s/%s/%s/%s/%s", pathName, accept, auth, body, a.name)
						res := redact.Scrub(buildCallAt(p.url, accept, auth, body, a), redact.Policy{})
						opts := Options{API: api}
						got := Analyze(&res.Exchange, res.Secrets, opts).Findings
						runs++
						if msg := oracle(ms, made, a, got, owners); msg != "" {
							t.Errorf("%s: %s\n  got %s", name, msg, ids(got))
						}
						if msg := specOracle(p, got); msg != "" {
							t.Errorf("%s: %s\n  got %s", name, msg, ids(got))
						}
						again := Analyze(&res.Exchange, res.Secrets, opts).Findings
						if d := cmp.Diff(got, again); d != "" {
							t.Errorf("%s: a second run differs:\n%s", name, d)
						}
					}
				}
			}
		}
	}
	t.Logf("%d combinations", runs)
}

// specOracle checks what the description adds: on a documented operation
// the superseded guesses are gone, and the description's checks are
// never the likely cause of a call that worked.
func specOracle(p oraclePath, got []Finding) string {
	for _, f := range got {
		if p.documented {
			switch f.ID {
			case "AT101", "AT102", "AT120":
				return f.ID + " is reported on a documented operation, whose description says it better"
			}
		}
		if f.ID == "AT150" && p.documented {
			return "AT150 on a documented path"
		}
	}
	return ""
}

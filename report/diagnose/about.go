package diagnose

// This file answers two questions the first screen of a ticket asks about
// a call, with the same knowledge of the API the checks use: where did the
// call go (Describe), and what did sending it again change (Replayed).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// About says where a call went, for the head of the ticket.
type About struct {
	// API names the API the path belongs to with its version, e.g.
	// "Business Management API v1"; "" when the path is not one of the
	// API's (not under /api/v1/ or /api/v2/).
	API string
	// Host is the host (and port, when the URL gives one) as called.
	Host string
	// Alteg is true when the host is one of Alteg.io's. api@alteg.io can
	// look only at calls that reach them.
	Alteg bool
	// Local is true for a loopback, private or single-label host: a test
	// server on the user's side. A host that is neither Alteg nor Local
	// is a custom one, e.g. the user's own gateway (or YCLIENTS).
	Local bool
	// LocationID is the location (company) id the path names; "" when the
	// path names none.
	LocationID string
}

// Describe says where the first request of ex went.
func Describe(ex *capture.Exchange) About {
	if ex == nil || len(ex.Hops) == 0 {
		return About{}
	}
	h := classifyHost(ex.Call().Request.URL)
	a := About{Alteg: h.alteg(), Local: h.kind == hostLocal}
	if h.url != nil {
		a.Host = h.url.Host
	}
	version, segs := apiPath(h.path)
	if version == "" {
		return a
	}
	name := "Business Management API"
	if version == "v1" && len(segs) > 0 {
		switch s := segs[0]; {
		case publicSegments[s], s == "user" && len(segs) > 1 && segs[1] != "permissions":
			name = "Online Booking API"
		case s == "marketplace" || s == "marketplace_webhook" || s == "hooks_settings" || s == "voip":
			name = "Developer Tools API"
		}
	}
	if h.kind == hostYclients {
		name = "YCLIENTS API"
	}
	a.API = name + " " + version
	a.LocationID = locationID(version, segs)
	return a
}

// publicSegments are the first path segments of the online booking API
// (the public API a booking widget calls), under /api/v1/.
var publicSegments = map[string]bool{
	"book_check": true, "book_code": true, "book_dates": true, "book_record": true,
	"book_services": true, "book_staff": true, "book_staff_seances": true, "book_times": true,
	"bookform": true, "booking": true, "activity": true, "master_record_review": true,
	"i18n": true, "privacy_policy": true,
}

// notLocation are the first path segments (under /api/v1/) whose first
// id is not a location: a visit, an application, a form, a language.
var notLocation = map[string]bool{
	"visits": true, "bookform": true, "i18n": true, "master_record_review": true, "auth": true,
	"companies": true, "booking": true, "cities": true, "countries": true, "references": true,
}

// locationID finds the location (company) id in the segments of an API
// path: the id after locations/ or company/, or after a v1 resource name
// (records/{location_id}, book_record/{location_id}, ...). The API
// documents every one of these as {location_id} or {company_id}.
func locationID(version string, segs []string) string {
	for i := 0; i+1 < len(segs); i++ {
		switch segs[i] {
		case "locations", "company", "salon":
			if isID(segs[i+1]) {
				return segs[i+1]
			}
		}
	}
	if version != "v1" || len(segs) < 2 || notLocation[segs[0]] {
		return ""
	}
	switch segs[0] {
	case "marketplace":
		return "" // only marketplace/salon/{id}, found above
	case "user":
		// user/records/{record_id}/{hash} names a record; user/permissions/{location_id} a location.
		if segs[1] != "permissions" || len(segs) < 3 || !isID(segs[2]) {
			return ""
		}
		return segs[2]
	}
	// The id comes right after the resource, or after one more word
	// (goods/transactions/{location_id}, timetable/seances/{location_id}).
	for _, s := range segs[1:min(len(segs), 3)] {
		if isID(s) {
			return s
		}
	}
	return ""
}

func isID(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Change is what a call that changes data did when altegio-ticket sent
// it again.
type Change struct {
	// Method is the method sent again, e.g. "POST".
	Method string
	// Sure is true when the server accepted the call (2xx); false when it
	// may have carried it out (a 5xx, or an answer that was lost).
	Sure bool
	// Made says what the replay made, e.g. "a new appointment (record id
	// 991)"; "" when the answer does not say.
	Made string
	// Undo is the call that takes it back, e.g. "DELETE
	// /api/v1/record/123456/991"; "" when it is not known.
	Undo string
}

// Replayed returns what sending ex's call again changed, and false when it
// changed nothing: the call was not replayed, its method does not create
// (only POST and PATCH do; PUT and DELETE set the same state twice), it is
// a login, or the server refused it.
func Replayed(ex *capture.Exchange) (Change, bool) {
	if ex == nil || len(ex.Hops) == 0 {
		return Change{}, false
	}
	// Only the host and how the call ended are needed: reading the
	// answer's envelope, which newCall does, would read a large body for
	// nothing.
	c := &call{ex: ex, req: &ex.Call().Request, resp: ex.Response()}
	c.host = classifyHost(c.req.URL)
	c.outcome = c.ended()
	m := strings.ToUpper(c.req.Method)
	if !ex.Source.Replayed || (m != "POST" && m != "PATCH") || isLoginPath(c.host.path) || readOnlyPost(c.host.path) || !c.mayHaveActed() {
		return Change{}, false
	}
	ch := Change{Method: m, Sure: c.outcome == outSuccess}
	if m == "POST" && c.outcome == outSuccess {
		ch.Made, ch.Undo = created(c)
	}
	return ch, true
}

// undoRule says how a POST that creates something is taken back: the
// resource the created item belongs to, and the path that deletes it, with
// {loc} for the location id and {id} for the id in the answer.
type undoRule struct {
	version, post string // the POST path: version and the segments after /api/vN/, {loc} for the location
	what          string
	del           string
}

// undoRules come from the API's description: each POST that creates an
// item, and the DELETE of that item.
var undoRules = []undoRule{
	{"v1", "records/{loc}", "appointment (record id %s)", "/api/v1/record/{loc}/{id}"},
	{"v1", "clients/{loc}", "client (id %s)", "/api/v1/client/{loc}/{id}"},
	{"v1", "services/{loc}", "service (id %s)", "/api/v1/services/{loc}/{id}"},
	{"v1", "staff/{loc}", "team member (id %s)", "/api/v1/staff/{loc}/{id}"},
	{"v1", "goods/{loc}", "product (id %s)", "/api/v1/goods/{loc}/{id}"},
	{"v2", "locations/{loc}/events", "event (id %s)", "/api/v2/locations/{loc}/events/{id}"},
	{"v2", "locations/{loc}/tags", "tag (id %s)", "/api/v2/locations/{loc}/tags/{id}"},
	{"v2", "locations/{loc}/positions", "position (id %s)", "/api/v2/locations/{loc}/positions/{id}"},
	{"v2", "locations/{loc}/events/{event}/appointments", "appointment (id %s)", "/api/v2/locations/{loc}/appointments/{id}"},
}

// created reads what a successful POST made from its answer: the id in
// data.id, and the call that deletes it. An online booking
// (book_record) answers with record_id and record_hash, and is cancelled
// with both.
func created(c *call) (made, undo string) {
	version, segs := apiPath(c.host.path)
	loc := locationID(version, segs)
	body := c.resp.Body.Text()
	if version == "v1" && len(segs) == 2 && segs[0] == "book_record" {
		var ans struct {
			Data []struct {
				RecordID   json.Number `json:"record_id"`
				RecordHash string      `json:"record_hash"`
			} `json:"data"`
		}
		if json.Unmarshal(body, &ans) == nil && len(ans.Data) > 0 && ans.Data[0].RecordID != "" {
			d := ans.Data[0]
			made = fmt.Sprintf("a new online booking (record id %s)", d.RecordID)
			if d.RecordHash != "" {
				undo = "DELETE /api/v1/user/records/" + d.RecordID.String() + "/" + d.RecordHash
			}
			return made, undo
		}
		return "", ""
	}
	id := answerID(body)
	for _, r := range undoRules {
		if r.version != version || !pathMatches(r.post, segs, loc) {
			continue
		}
		if id == "" {
			return "", ""
		}
		made = "a new " + fmt.Sprintf(r.what, id)
		undo = "DELETE " + strings.NewReplacer("{loc}", loc, "{id}", id).Replace(r.del)
		return made, undo
	}
	// Elsewhere only an answer that is one object with an id says that
	// something was made: a list is what a query answers.
	if id != "" && bytes.HasPrefix(bytes.TrimSpace(dataOf(body)), []byte("{")) {
		made = "a new item (id " + id + ")"
	}
	return made, ""
}

// dataOf returns the answer's data field as it stands, nil when none.
func dataOf(body []byte) json.RawMessage {
	var ans struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &ans) != nil {
		return nil
	}
	return ans.Data
}

// readOnlyPost says whether a POST to path only reads: the searches
// (POST /api/v1/company/{id}/clients/search and the like take their
// filters in a JSON body) and the online booking's checks
// (POST /api/v1/book_check/{id}). Sending one again changes nothing.
func readOnlyPost(path string) bool {
	_, segs := apiPath(path)
	for _, s := range segs {
		if s == "search" {
			return true
		}
	}
	return len(segs) > 0 && segs[0] == "book_check"
}

// pathMatches says whether segs is the pattern, where {loc} is the
// location id and any other {name} is one segment.
func pathMatches(pattern string, segs []string, loc string) bool {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) || loc == "" {
		return false
	}
	for i, p := range ps {
		switch {
		case p == "{loc}":
			if segs[i] != loc {
				return false
			}
		case strings.HasPrefix(p, "{"):
		case p != segs[i]:
			return false
		}
	}
	return true
}

// answerID reads data.id (or the id of data's first item) from an answer
// in the API's envelope; "" when there is none.
func answerID(body []byte) string {
	var ans struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &ans) != nil || len(ans.Data) == 0 {
		return ""
	}
	var one struct {
		ID json.Number `json:"id"`
	}
	if json.Unmarshal(ans.Data, &one) == nil && isID(one.ID.String()) {
		return one.ID.String()
	}
	var list []struct {
		ID json.Number `json:"id"`
	}
	if json.Unmarshal(ans.Data, &list) == nil && len(list) > 0 && isID(list[0].ID.String()) {
		return list[0].ID.String()
	}
	return ""
}

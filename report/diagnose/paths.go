package diagnose

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// This file reads the path of a call that got "not found", for the
// mistakes integrators make most (the corpus's group A): an unset
// variable where an id belongs, an id passed in the query instead of the
// path, an id left out, a path of the other API version. It knows only a
// few words of the API's path grammar: the description of the API
// (checked by the spec checks when it is loaded) knows every path.

// placeholderSegRE matches path segments that are an unset variable or a
// template left in place: undefined, null, NaN, {company_id}, :id, <id>.
var placeholderSegRE = regexp.MustCompile(`(?i)^(undefined|null|nil|none|nan|\[object ?object\]|\{\{[^}]*\}\}|\{[^}]*\}|:[a-z_]+|<[^>]*>|\$\{?[a-z_]+\}?)$`)

// idParams are query parameters that hold an id the API takes in the path.
var idParams = []string{"company_id", "location_id", "salon_id", "record_id", "client_id", "staff_id", "team_member_id", "visit_id", "service_id"}

// locationFirst lists v1 resources whose next path segment is the
// location id: /api/v1/records/{location_id}.
var locationFirst = map[string]bool{
	"records": true, "clients": true, "staff": true, "services": true, "transactions": true, "finance_transactions": true,
	"accounts": true, "goods": true, "storages": true, "resources": true, "comments": true, "company": true,
	"book_services": true, "book_staff": true, "book_dates": true, "book_check": true, "book_record": true, "book_code": true,
	"schedule": true,
}

// twoIDs lists v1 resources that take the location id and then the
// object's id: /api/v1/record/{location_id}/{record_id}.
var twoIDs = map[string]string{"record": "record_id", "client": "client_id"}

// pathSegments returns the decoded segments of the request's path after
// /api/vN/, and the version.
func (c *call) pathSegments() (string, []string) {
	v, segs := apiPath(c.host.path)
	out := make([]string, len(segs))
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		out[i] = s
	}
	return v, out
}

// pathHint names what in the path of a "not found" call looks wrong, and
// returns the hint, a fixed path to show and the action; "" when nothing
// does.
func (c *call) pathHint() (hint, fix, action string) {
	if c.host.url == nil {
		return "", "", ""
	}
	v, segs := c.pathSegments()
	if v == "" {
		if !c.host.apiLike() {
			return "", "", ""
		}
		return "The path is not under /api/v1/ or /api/v2/, where every endpoint of the API lives.", "", "start the path with /api/v1/ or /api/v2/"
	}
	for i, s := range segs {
		if s == "" && i < len(segs)-1 {
			return "The path has an empty segment (//) where an id belongs: the variable that should hold the id was empty in your code.", "", "put the id into the path"
		}
		if placeholderSegRE.MatchString(s) && !c.isSecretPlaceholder(s) {
			return "The path holds " + quoted(s) + " where an id belongs: the variable that should hold the id was not set in your code, or a template was sent as it is.",
				"", "put the real id into the path instead of " + printable(s)
		}
	}
	if len(segs) == 0 {
		return "", "", ""
	}
	var inQuery []string
	q := c.host.url.Query()
	for _, p := range idParams {
		if q.Has(p) {
			inQuery = append(inQuery, p)
		}
	}
	sort.Strings(inQuery)
	first := segs[0]
	switch {
	case v == "v1" && len(segs) == 1 && locationFirst[first]:
		fix := "/api/v1/" + first + "/{location_id}"
		h := "/api/v1/" + first + " needs the location id in the path: " + fix + "."
		if len(inQuery) > 0 {
			h = "The query string holds " + strings.Join(inQuery, ", ") + ", but the API takes the location id in the path, not the query: " + fix + "."
		}
		return h, fix, "put the location id into the path"
	case v == "v1" && len(segs) == 2 && twoIDs[first] != "":
		fix := "/api/v1/" + first + "/{location_id}/{" + twoIDs[first] + "}"
		return "The path has one id, but " + first + " takes two: the location id, then the " + strings.TrimSuffix(twoIDs[first], "_id") + " id (" + fix + "). The " + twoIDs[first] + " was left out.",
			fix, "add the " + strings.TrimSuffix(twoIDs[first], "_id") + " id to the path"
	case len(inQuery) > 0:
		return "The query string holds " + strings.Join(inQuery, ", ") + ": the API takes ids in the path (e.g. /api/v1/records/{location_id}), and ignores them in the query.",
			"", "put the ids into the path"
	case v == "v2" && first != "locations" && first != "companies":
		return "This looks like a v1 path sent to /api/v2: v2 paths are /api/v2/locations/{location_id}/... (e.g. /api/v2/locations/{location_id}/team_members). " +
			"Use the v1 path under /api/v1/, or the v2 path of the same resource.", "", "use the path of the version you call"
	case v == "v1" && first == "locations":
		return "/locations/{location_id}/... is a v2 path: it is served under /api/v2/, not /api/v1/.", "/api/v2/" + strings.Join(c.rawSegments(), "/"), "call it under /api/v2/"
	}
	return "", "", ""
}

// rawSegments returns the escaped path segments after /api/vN/.
func (c *call) rawSegments() []string {
	_, segs := apiPath(c.host.path)
	return segs
}

// isSecretPlaceholder says whether s is the placeholder redaction put in
// place of a secret in the path ({{partner_token}} in a callback path),
// not a template the user left unresolved.
func (c *call) isSecretPlaceholder(s string) bool {
	for _, sec := range c.secrets {
		if sec.Placeholder == s {
			return true
		}
	}
	return false
}

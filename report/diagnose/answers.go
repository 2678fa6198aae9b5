package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// answerRules name the cause a known message of the API gives
// (messages.go), whatever status it came with. The sources of each
// message are cited in messages.go.
var answerRules = []rule{
	{Check: Check{"AT220", "No valid partner token", "`Partner ID not specified`: the API found no partner token after Bearer. Usually the user token, an application id or a location id was sent in its place, or in a Partner part or a header of its own."},
		from: fromAnswer, run: checkPartnerMissing},
	{Check: Check{"AT221", "The user lacks rights on the location", "`No company management rights`, `Not enough rights`, `Недостаточно прав`: the user behind the user token has no rights (or not this right) on the location in the path."},
		from: fromAnswer, run: checkNoRights},
	{Check: Check{"AT222", "The location's licence has expired", "`Необходимо продлить лицензию в филиале с id: ...`: the location's subscription must be renewed; no change to the request helps."},
		from: fromAnswer, run: checkLicence},
	{Check: Check{"AT223", "Feature not activated for the location", "`Access is not activated`: the part of Alteg.io this endpoint belongs to (tips, loyalty, online booking ...) is not switched on for the location."},
		from: fromAnswer, run: checkNotActivated},
	{Check: Check{"AT224", "Location not found or not given", "`Филиал не найден.` (location not found) or `Не указан филиал.` (no location given): the location id in the path is wrong, missing, or not one these tokens can see."},
		from: fromAnswer, run: checkLocation},
	{Check: Check{"AT225", "An object named in the call was not found", "`Сотрудник не найден.`, `Услуга не найдена.`, `Record not found` and the like: an id in the path or the body does not exist in the location."},
		from: fromAnswer, run: checkObjectNotFound},
	{Check: Check{"AT226", "Invalid filter value", "`Недопустимое значение фильтра`: a filter of a list or search (an entry of the body's `filters`, or a query parameter) has a shape or value the API does not allow."},
		from: fromAnswer, run: checkFilter},
	{Check: Check{"AT227", "Time slot already taken", "Booking error 433 (`The selected time is already taken or is not working`, `Мастер занят или не работает`): the team member is busy or not working then."},
		from: fromAnswer, run: checkSlotTaken},
	{Check: Check{"AT228", "Appointments in one request overlap", "Booking error 437 (`Intersection with previous visit`): two appointments of the same request book the same team member at overlapping times."},
		from: fromAnswer, run: checkOverlap},
	{Check: Check{"AT229", "No service in the appointment", "`No services or promotions set` (`Услуга не указана.`): the appointment names no service id, or the body was not read as JSON."},
		from: fromAnswer, run: checkNoServices},
	{Check: Check{"AT230", "No team member available", "Booking error 436 (`No team members available for enrollment`): with any team member (staff_id 0), none is free for the service at that time."},
		from: fromAnswer, run: checkNoStaff},
	{Check: Check{"AT231", "Service not available for booking", "Booking error 438 (`There is no appointment for the specified service/promotion`): the service was removed or is not bookable online, or the team member does not offer it (`Сотрудник не оказывает выбранную услугу`)."},
		from: fromAnswer, run: checkServiceGone},
	{Check: Check{"AT232", "Wrong login or password", "`Wrong login or password` (`Неверный логин или пароль`), often with a 404 from `POST /api/v1/auth`: the login (phone or email) or the password in the body is not a user's; the tokens and the path are fine."},
		from: fromAnswer, run: checkCredentials},
}

// knownSaid quotes the matched server text for a sentence, with its
// code and its meaning in English.
func (c *call) knownSaid() string {
	a := c.answer
	if a.known == nil || a.text == "" {
		if a.code != 0 {
			return fmt.Sprintf(" (error code %d)", a.code)
		}
		return ""
	}
	s := " (the message: " + glossed(a.text, a.known.gloss)
	if a.code != 0 {
		s += fmt.Sprintf(", error code %d", a.code)
	}
	return s + ")"
}

// knows says whether the answer carries a known message of cause k. A
// 401 in the YCLIENTS format is AT203's whatever it says: the format
// itself is the clue.
func (c *call) knows(k cause) bool {
	if c.resp == nil || c.resp.Status < 400 || c.resp.Status >= 500 || (c.resp.Status == 401 && c.env.YErrors) {
		return false
	}
	return c.answer.known != nil && c.answer.known.cause == k
}

// checkPartnerMissing: AT220.
func checkPartnerMissing(c *call) *Finding {
	if !c.knows(causePartner) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The API found no valid partner token" + c.knownSaid() + ". The Bearer part must carry the partner token from the Marketplace (Account settings): " +
			"not the user token, not the application id and not a location id, and not in a Partner part or a header of its own. " +
			"If the token after Bearer is your user token (or the two tokens are swapped), put the partner token after Bearer and the user token after a comma and User.",
		Fix:      c.authFix(),
		Action:   "send the partner token after Bearer",
		Evidence: c.statusEvidence(),
	}
}

// checkNoRights: AT221.
func checkNoRights(c *call) *Finding {
	if !c.knows(causeNoRights) {
		return nil
	}
	loc := c.locationID()
	where := "the location in the path"
	if loc != "" {
		where = "the location " + loc
	}
	return &Finding{
		Severity: Likely,
		Explain: "The user behind the user token has no rights for this on " + where + c.knownSaid() + ". Ask the location's owner to grant that user rights " +
			"(in the location's settings, under users and rights: the section this endpoint belongs to), or log in as a user who has them. " +
			"Rights are read when the user token is issued: after they change, get a fresh user token with POST /api/v1/auth. " +
			"Check also that the location id is the one you mean: an application id or a partner id is not a location id.",
		Action:   "get the user rights on this location (then log in again for a fresh user token)",
		Evidence: c.withLocation(c.statusEvidence()),
	}
}

// checkLicence: AT222.
func checkLicence(c *call) *Finding {
	if !c.knows(causeLicence) {
		return nil
	}
	f := &Finding{
		Severity: Likely,
		Explain: "The location's licence has expired" + c.knownSaid() + ". The API refuses calls for a location whose subscription is not paid, whatever the tokens; " +
			"nothing in the request can change that. The location's owner renews it in the Alteg.io web app.",
		Action:   "ask the location's owner to renew the location's licence",
		Evidence: c.withLocation(c.statusEvidence()),
	}
	if id := idInText(c.answer.text); id != "" && c.locationID() != "" && id != c.locationID() {
		f.Explain += " The message names the location " + id + ", but the path names " + c.locationID() + ": check the location id."
	}
	return f
}

// checkNotActivated: AT223.
func checkNotActivated(c *call) *Finding {
	if !c.knows(causeNotActivated) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The part of Alteg.io this endpoint belongs to is not activated for the location" + c.knownSaid() + ": tips, loyalty, online booking and other modules " +
			"must be switched on (some bought) in the location's settings before the API serves them. Nothing in the request can change that; " +
			"the location's owner activates it, then the same call works.",
		Action:   "ask the location's owner to activate the feature for the location",
		Evidence: c.withLocation(c.statusEvidence()),
	}
}

// checkLocation: AT224.
func checkLocation(c *call) *Finding {
	if !c.knows(causeLocation) && !c.knows(causeNoLocation) {
		return nil
	}
	f := &Finding{Severity: Likely, Evidence: c.withLocation(c.statusEvidence())}
	if c.knows(causeNoLocation) {
		f.Explain = "The API found no location id in the call" + c.knownSaid() + "."
		f.Action = "put the location id into the path"
		if hint, fix, action := c.pathHint(); hint != "" {
			f.Explain += " " + hint
			f.Fix, f.Action = fix, action
		} else {
			f.Explain += " The location id goes in the path, e.g. /api/v1/records/{location_id}; the API ignores it in the query string or the body."
		}
		return f
	}
	loc := c.locationID()
	f.Explain = "The API did not find the location" + c.knownSaid() + ". "
	if hint, _, action := c.pathHint(); hint != "" {
		f.Explain += hint
		f.Action = action
		return f
	}
	if loc != "" {
		f.Explain += "The location id in the path (" + loc + ") is not a location these tokens can see. "
	}
	f.Explain += "GET /api/v1/companies?my=1 lists the locations your user token has; use an id from that list. A common mistake is to send the application id, " +
		"the partner id or a chain id where the location id belongs."
	f.Action = "use a location id from GET /api/v1/companies?my=1"
	return f
}

// checkObjectNotFound: AT225.
func checkObjectNotFound(c *call) *Finding {
	if !c.knows(causeObject) {
		return nil
	}
	what := objectWord(c.answer.text)
	f := &Finding{
		Severity: Likely,
		Explain:  "The API did not find " + what + c.knownSaid() + ". ",
		Action:   "check the ids in the path and the body",
		Evidence: c.statusEvidence(),
	}
	if hint, fix, action := c.pathHint(); hint != "" {
		f.Explain += hint
		f.Fix, f.Action = fix, action
		return f
	}
	f.Explain += "An id in the path or the body does not exist in this location, was deleted, or belongs to another location. " +
		"Read the ids from the location's own lists (team members, services, records) rather than from another location or a test account."
	return f
}

// checkFilter: AT226.
func checkFilter(c *call) *Finding {
	if !c.knows(causeFilter) {
		return nil
	}
	ev, _ := c.fieldEvidence(c.statusEvidence())
	f := &Finding{
		Severity: Likely,
		Explain: "The API refused a filter" + c.knownSaid() + ". Filters have fixed shapes: in a search body, each entry of \"filters\" is " +
			"{\"type\": ..., \"state\": {...}} with the state the type documents (e.g. {\"value\": [1, 2]} or {\"from\": ..., \"to\": ...}); " +
			"in a query string, dates are YYYY-MM-DD, ids integers, and several values name[]=value.",
		Action:   "correct the filters to the shape the endpoint documents",
		Evidence: ev,
	}
	if h := c.valueHints(); h != "" {
		f.Explain += " " + h
	}
	return f
}

// checkSlotTaken: AT227.
func checkSlotTaken(c *call) *Finding {
	if !c.knows(causeSlotTaken) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The time slot is not free" + c.knownSaid() + ": the team member already has an appointment then, or does not work at that time. " +
			"The request itself is well formed. Pick a time the API offers (GET /api/v1/book_times/{location_id}/{team_member_id}/{date} for online booking, " +
			"or the team member's schedule) and book again.",
		Action:   "pick a free time and book again",
		Evidence: c.statusEvidence(),
	}
}

// checkOverlap: AT228.
func checkOverlap(c *call) *Finding {
	if !c.knows(causeOverlap) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "Two appointments in the same request overlap" + c.knownSaid() + ": they book the same team member at times that intersect. " +
			"The answer names the appointment (its id in the request). Give each appointment its own time: the next one starts when the one before it ends.",
		Action:   "give the appointments in the request times that do not overlap",
		Evidence: c.statusEvidence(),
	}
}

// checkNoServices: AT229.
func checkNoServices(c *call) *Finding {
	if !c.knows(causeNoServices) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The appointment names no service" + c.knownSaid() + ". Each appointment needs its service ids in appointments[].services (e.g. \"services\": [331]); " +
			"if they are there, the body was not read as JSON (check Content-Type: application/json).",
		Action:   "add the service ids to each appointment",
		Evidence: c.statusEvidence(),
	}
}

// checkNoStaff: AT230.
func checkNoStaff(c *call) *Finding {
	if !c.knows(causeNoStaff) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "No team member is available" + c.knownSaid() + ": with staff_id 0 (any team member) the API looks for a free one who offers the service, and found none at that time. " +
			"Pick another time, or a team member from GET /api/v1/book_staff/{location_id}.",
		Action:   "pick another time or a specific team member",
		Evidence: c.statusEvidence(),
	}
}

// checkServiceGone: AT231.
func checkServiceGone(c *call) *Finding {
	if !c.knows(causeServiceGone) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The service cannot be booked" + c.knownSaid() + ": it was removed, hidden from online booking, or no team member offers it. " +
			"Read the bookable services with GET /api/v1/book_services/{location_id} and book one of them.",
		Action:   "book a service from GET /api/v1/book_services/{location_id}",
		Evidence: c.statusEvidence(),
	}
}

// locationID returns the location id the path names ("" when it names
// none): the segment after a resource that takes it first, or after
// locations/ in v2.
func (c *call) locationID() string {
	v, segs := c.pathSegments()
	if len(segs) < 2 {
		return ""
	}
	if (v == "v2" && (segs[0] == "locations" || segs[0] == "companies")) || (v == "v1" && (locationFirst[segs[0]] || twoIDs[segs[0]] != "")) {
		return printable(segs[1])
	}
	return ""
}

// withLocation adds the location id of the path to the evidence.
func (c *call) withLocation(ev []string) []string {
	if id := c.locationID(); id != "" {
		ev = append(ev, "location id in the path: "+id)
	}
	return ev
}

var idInTextRE = regexp.MustCompile(`\bid:?\s*(\d+)`)

// idInText returns the number after "id" in a message: "Необходимо
// продлить лицензию в филиале с id: 123".
func idInText(s string) string {
	if m := idInTextRE.FindStringSubmatch(strings.ToLower(s)); m != nil {
		return m[1]
	}
	return ""
}

// objectWord names what a "not found" message is about.
func objectWord(text string) string {
	l := strings.ToLower(text)
	for _, w := range []struct {
		words []string
		what  string
	}{
		{[]string{"сотрудник", "мастер", "team member", "staff"}, "the team member (staff_id, team_member_id)"},
		{[]string{"услуг", "service"}, "the service (service id)"},
		{[]string{"категори", "category"}, "the category (category id)"},
		{[]string{"запис", "record", "appointment", "визит", "visit"}, "the record (record id)"},
		{[]string{"клиент", "client"}, "the client (client id)"},
		{[]string{"товар", "good", "product"}, "the product (product id)"},
	} {
		for _, k := range w.words {
			if strings.Contains(l, k) {
				return w.what
			}
		}
	}
	return "an object the call names"
}

var (
	// dottedDateRE matches dates written day first: 26.11.2026,
	// 26/11/2026, 26-11-2026; slashDateRE year first with slashes or dots.
	dottedDateRE = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)
	slashDateRE  = regexp.MustCompile(`^(\d{4})[./](\d{1,2})[./](\d{1,2})$`)
	// pageSizeParams are the list parameters with a documented maximum.
	pageSizeParams = []string{"count", "page_size", "limit", "per_page"}
)

// maxPageSize is the largest page the lists serve: 200 in v1 (clients
// search: "Maximum 200"), 250 in v2 (pagination.limit, maximum 250).
func maxPageSize(version string) int {
	if version == "v2" {
		return 250
	}
	return 200
}

// valueHints names query or body values that break the API's documented
// formats: a date written day first, a page size above the maximum.
func (c *call) valueHints() string {
	if c.host.url == nil {
		return ""
	}
	v, _ := apiPath(c.host.path)
	var hints []string
	check := func(where, k, val string) {
		if m := dottedDateRE.FindStringSubmatch(val); m != nil {
			hints = append(hints, fmt.Sprintf("%s %s is %s, a date written day first: the API takes %s-%s-%s (YYYY-MM-DD).", where, printable(k), printable(val), m[3], pad2(m[2]), pad2(m[1])))
		} else if m := slashDateRE.FindStringSubmatch(val); m != nil {
			hints = append(hints, fmt.Sprintf("%s %s is %s: the API takes dates as %s-%s-%s (YYYY-MM-DD, with hyphens).", where, printable(k), printable(val), m[1], pad2(m[2]), pad2(m[3])))
		}
		if contains(pageSizeParams, k) {
			if n, err := strconv.Atoi(val); err == nil && n > maxPageSize(v) {
				hints = append(hints, fmt.Sprintf("%s %s is %d, above the %d a page holds at most.", where, printable(k), n, maxPageSize(v)))
			}
		}
	}
	q := c.host.url.Query()
	for _, k := range sortedKeys(q) {
		for _, val := range q[k] {
			check("The query's", k, val)
		}
	}
	body := bodyScalars(c.req.Body.Text())
	for _, k := range sortedKeys(body) {
		check("The body's", k, body[k])
	}
	return strings.Join(hints, " ")
}

// pad2 writes a one-digit day or month with a leading zero.
func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// checkCredentials: AT232. The API read the body and did not find a
// user with that login and password; a 404 here is not a missing path.
func checkCredentials(c *call) *Finding {
	if !c.knows(causeCredentials) {
		return nil
	}
	return &Finding{
		Severity: Likely,
		Explain: "The API did not accept the login or the password" + c.knownSaid() + ": the call reached it with a valid partner token and was read, but no user has that login (phone or email) and password. " +
			"Check both in the body, as the user types them to sign in to Alteg.io, with no spaces around them; a user with two-factor authentication needs its second step. The path and the tokens need no change.",
		Action:   "send the user's own login and password",
		Evidence: c.statusEvidence(),
	}
}

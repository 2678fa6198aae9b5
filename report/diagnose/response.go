package diagnose

import (
	"encoding/json"
	"fmt"
	"strings"
)

// responseChecks read the final response. Each status check names the
// cause the known messages point at; when a request check already named
// it, the status finding becomes info and says so, so that the cause comes
// first and the answer is its evidence.
var responseChecks = []func(*call){
	checkStatus,
	checkWebPage,
	checkSuccessFalse,
}

// statusEvidence quotes the status line and the envelope's message.
func (c *call) statusEvidence() []string {
	ev := []string{strings.TrimSpace(fmt.Sprintf("status: %d %s", c.resp.Status, c.resp.StatusText))}
	e := c.env
	switch {
	case e.HasMessage:
		ev = append(ev, fmt.Sprintf("meta.message: %q", printable(e.Message)))
	case e.YErrors:
		ev = append(ev, fmt.Sprintf("errors: code %d, message %q", e.YCode, printable(e.YMessage)))
	case e.IsEnvelope && e.MetaEmpty:
		ev = append(ev, "meta: empty")
	case e.HTML:
		ev = append(ev, "body: a web page (text/html), not the API's JSON envelope")
	case c.resp.Body.Withheld != "":
		ev = append(ev, "body: not kept ("+printable(c.resp.Body.Withheld)+")")
	case !e.IsEnvelope && c.resp.Body.Size > 0:
		ev = append(ev, "body: not the API's JSON envelope {success, data, meta}")
	}
	return ev
}

// addStatus adds a response finding: a likely cause unless one of the
// related request checks fired as one. short is the first sentence of the
// explanation, what the answer means; when a request check explains the
// answer, the finding keeps only short and leaves the fix to that check.
func (c *call) addStatus(id string, related []string, short string, f Finding) {
	sev := Likely
	if ids := c.likelyAmong(related...); len(ids) > 0 {
		sev = Info
		f.Explain = explainedBy(ids) + " " + short
		f.Fix, f.Action = "", ""
	} else {
		f.Explain = strings.TrimSpace(short + " " + f.Explain)
	}
	if f.Evidence == nil {
		f.Evidence = c.statusEvidence()
	}
	c.add(id, sev, f)
}

var (
	acceptChecks  = []string{"AT101", "AT102", "AT103", "AT156"}
	authChecks    = []string{"AT110", "AT111", "AT112", "AT113", "AT114", "AT115", "AT116", "AT117", "AT118", "AT120", "AT130", "AT131", "AT155"}
	bodyChecks    = []string{"AT140", "AT141", "AT142", "AT153", "AT154"}
	hostChecks    = []string{"AT130", "AT131"}
	redirectCheck = "AT314"
)

func checkStatus(c *call) {
	if c.resp == nil {
		return
	}
	st := c.resp.Status
	msg := c.env.Message
	lower := strings.ToLower(msg)
	switch {
	case st == 400:
		short := "The API found the request malformed" + said(msg) + "."
		f := Finding{
			Explain: "The Accept header and the body look right, so the message names what is wrong: often a query parameter (a date in the wrong format, " +
				"a required parameter left out) or a field of the body.",
			Action: "fix what the message names",
		}
		if strings.Contains(lower, "accept") {
			short = "The API says the Accept header is wrong" + said(msg) + "."
			f.Explain = "It needs Accept: " + mediaType + " on every call; check that no second Accept header, library default or proxy replaces it."
			f.Fix = "Accept: " + mediaType
			f.Action = "fix the Accept header"
		}
		c.addStatus("AT201", append(append(acceptChecks, bodyChecks...), hostChecks...), short, f)

	case st == 401 && c.env.YErrors:
		c.addStatus("AT203", authChecks, "The answer has the YCLIENTS error format {\"errors\": {\"code\": 401, ...}}"+said(c.env.YMessage)+".", Finding{
			Explain: "It usually means a YCLIENTS host, or a token that YCLIENTS issued; Alteg.io tokens work only on " + apiHost + ", and the other way round.",
			Fix:     "Authorization: " + c.wantAuth(),
			Action:  "check that the host and both tokens come from the same platform",
		})

	case st == 401:
		related := append(authChecks, redirectCheck)
		if strings.Contains(lower, "partner") {
			c.addStatus("AT202", related, "The API found no valid partner token"+said(msg)+".", Finding{
				Explain: "The Bearer part must carry the partner token from the Marketplace (Account settings): " +
					"not the user token, not the application id and not a location id, and not in a Partner part or a header of its own.",
				Fix:    "Authorization: " + c.wantAuth(),
				Action: "send the partner token after Bearer",
			})
			return
		}
		f := Finding{
			Explain: "Both tokens were sent and are well formed, so the usual causes are: " +
				"the user token expired or was revoked (get a fresh one with POST /api/v1/auth); the user token was issued for another partner token; " +
				"the partner token was copied incompletely or belongs to another account; or the application is not connected to this location.",
			Fix:    "Authorization: " + c.wantAuth(),
			Action: "check both tokens (a fresh user token comes from POST /api/v1/auth)",
		}
		if c.auth == nil || !c.auth.hasUser() {
			f.Explain = "The call carried the Bearer part only: either this endpoint needs the user token too " +
				"(Bearer <partner token>, User <user token>), or the token after Bearer is not a valid partner token (it may be the user token, or an id)."
			f.Action = "send both tokens"
			f.Fix = "Authorization: " + authBoth
		}
		c.addStatus("AT202", related, "The API did not accept the credentials"+said(msg)+".", f)

	case st == 403:
		short := "The tokens were read, but they give no right to this call" + said(msg) + "."
		f := Finding{
			Explain: "The user behind the user token may lack rights on this location, or the application may not be connected to it. Check the location id in the path.",
			Action:  "use a user with rights on this location, or ask the location's owner to grant them",
		}
		if strings.Contains(lower, "management rights") || strings.Contains(lower, "company") {
			short = "The user behind the user token has no management rights on the location in the path" + said(msg) + "."
			f.Explain = "Ask the location's owner to grant that user rights (in the location's settings, under users and rights), or log in as a user who has them. " +
				"If rights were granted after the user token was issued, get a fresh user token with POST /api/v1/auth. Check also that the location id in the path is the one you mean."
			f.Action = "get the user rights on this location (then log in again for a fresh user token)"
		}
		c.addStatus("AT204", []string{"AT120", "AT131", "AT155"}, short, f)

	case st == 404:
		short := "Nothing was found at " + c.host.path + said(msg) + "."
		f := Finding{
			Explain: "Either the path is not an API endpoint (check it against the documentation, including the version /api/v1 or /api/v2), " +
				"or an id in it (a location id, a record id) does not exist or is not visible to these tokens.",
			Action: "check the path and the ids in it",
		}
		if v, _ := apiPath(c.host.path); v == "" && c.host.apiLike() {
			f.Explain = "The path is not under /api/v1/ or /api/v2/, where every endpoint of the API lives."
			f.Action = "start the path with /api/v1/ or /api/v2/"
		}
		c.addStatus("AT205", concat(hostChecks, pathSpecChecks), short, f)

	case st == 405:
		f := Finding{
			Explain: "Check the method in the documentation: reads are usually GET, creating is POST, changing is PUT, and search endpoints (.../search) are POST.",
			Action:  "use the method the documentation gives for this path",
		}
		if allow := c.resp.Header.Get("Allow"); allow != "" {
			f.Explain += " The server lists the methods it takes: " + printable(allow) + "."
			f.Fix = "-X " + printable(strings.TrimSpace(strings.Split(allow, ",")[0]))
		}
		c.addStatus("AT206", concat(hostChecks, pathSpecChecks), "The path "+c.host.path+" does not take the method "+c.req.Method+said(msg)+".", f)

	case st == 422:
		ev := c.statusEvidence()
		var fields []string
		for i, fe := range c.env.Errors {
			if i == maxFields {
				// Real answers name a handful of fields; a pathological one
				// must not blow up the ticket. The body has them all.
				fields = append(fields, fmt.Sprintf("and %d more (see the response body)", len(c.env.Errors)-i))
				break
			}
			ev = append(ev, fmt.Sprintf("meta.errors.%s: %s", printable(fe.Field), printable(strings.Join(fe.Messages, "; "))))
			fields = append(fields, printable(fe.Field))
		}
		var more []string
		if len(c.env.Errors) > 0 {
			more = append(more, fmt.Sprintf("%d field(s) failed validation: %s.", len(c.env.Errors), strings.Join(fields, ", ")))
		}
		action := "correct the fields listed in meta.errors"
		if hint, from, to := renameHint(c); hint != "" {
			more = append(more, hint)
			action = "rename " + from + " to " + to + " in the body"
		}
		c.addStatus("AT207", bodyChecks, "The API read the body but rejected it"+said(msg)+".", Finding{
			Explain: strings.Join(more, " "), Action: action, Evidence: ev,
		})

	case st == 429:
		ev := c.statusEvidence()
		if ra := c.resp.Header.Get("Retry-After"); ra != "" {
			ev = append(ev, "Retry-After: "+printable(ra))
		}
		c.addStatus("AT208", nil, "Too many requests"+said(msg)+".", Finding{
			Explain: fmt.Sprintf("The API allows %d requests per second or %d per minute from one IP address; every worker, cron job and "+
				"server behind the same address shares that budget. Wait before retrying, then back off: 1 s, 2 s, 4 s... with some random jitter, and spread "+
				"batch jobs out (or cache what you read often).", ratePerSecond, ratePerMinute),
			Action:   fmt.Sprintf("wait, then retry more slowly (at most %d requests per second, %d per minute)", ratePerSecond, ratePerMinute),
			Evidence: ev,
		})

	case st >= 500:
		ev := c.statusEvidence()
		if !c.ex.Started.IsZero() {
			ev = append(ev, "time: "+c.ex.Started.UTC().Format("2006-01-02 15:04:05.000 MST"))
		}
		if r := c.ex.Last().Conn.RemoteAddr; r != "" {
			ev = append(ev, "remote address: "+r)
		}
		explain := "The server failed while handling the call" + said(msg) + ". The cause is on the server side, not in your request: send this ticket. " +
			"It carries the exact time (UTC) and the remote address, which support needs to find the call in their logs."
		if st == 502 || st == 503 || st == 504 {
			explain += " A 502, 503 or 504 can also be a short outage or a gateway on the way; one retry after a minute is reasonable before sending."
		}
		c.add("AT209", Likely, Finding{Explain: explain, Action: "send the ticket", Evidence: ev, ServerSide: true})

	case st >= 400:
		related := append(acceptChecks, bodyChecks...)
		c.addStatus("AT212", related, fmt.Sprintf("The API refused the call with %d%s.", st, said(msg)), Finding{
			Explain: "No specific check covers this status; the message is the best guide.",
			Action:  "act on the API's message",
		})
	}
}

// said quotes the envelope's message for a sentence: `: "Access denied."`.
// maxFields is how many fields of a 422's meta.errors a finding lists.
const maxFields = 100

func said(msg string) string {
	if msg == "" {
		return ""
	}
	return fmt.Sprintf(" (the message: %q)", printable(msg))
}

// renameHint points at a field name from the other API version, when the
// body has one and the errors name its counterpart.
func renameHint(c *call) (hint, from, to string) {
	keys := bodyKeys(c.req.Body.Text())
	for _, fe := range c.env.Errors {
		other, ok := fieldRenames[fe.Field]
		if ok && keys[other] {
			v, _ := apiPath(c.host.path)
			return fmt.Sprintf("The body has %s, but this endpoint%s expects %s: the field was renamed between API versions.", other, ifs(v != "", " ("+v+")", ""), fe.Field), other, fe.Field
		}
	}
	return "", "", ""
}

// bodyKeys returns the top-level keys of a JSON object body (of the first
// object when the body is an array).
func bodyKeys(b []byte) map[string]bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		var arr []map[string]json.RawMessage
		if json.Unmarshal(b, &arr) != nil || len(arr) == 0 {
			return nil
		}
		obj = arr[0]
	}
	out := map[string]bool{}
	for k := range obj {
		out[k] = true
	}
	return out
}

// checkWebPage: AT210.
func checkWebPage(c *call) {
	if c.resp == nil || !c.env.HTML || c.resp.Status >= 500 || !(c.host.alteg() || c.host.kind == hostYclients) {
		return
	}
	c.addStatus("AT210", hostChecks, "The answer is a web page, not the API's JSON envelope {success, data, meta}.", Finding{
		Explain: "Something other than the API answered: a proxy or firewall page, " +
			"a captive portal (hotel or office Wi-Fi), or a host that serves the website rather than the API.",
		Action: "call https://" + apiHost + "/api/... from a network without a filtering proxy",
	})
}

// checkSuccessFalse: AT211.
func checkSuccessFalse(c *call) {
	if c.resp == nil || c.resp.Status >= 300 || c.resp.Status < 200 || c.env.Success == nil || *c.env.Success {
		return
	}
	c.add("AT211", Warning, Finding{
		Explain:  "The status says success but the envelope says \"success\": false" + said(c.env.Message) + ". Treat the call as failed and act on the message.",
		Action:   "act on the API's message",
		Evidence: c.statusEvidence(),
	})
}

package diagnose

// catalog lists every check. IDs are stable: a check that is retired keeps
// its ID unused. AT1xx look at the request, AT2xx at the response, AT3xx at
// the transport. docs/checks.md lists the same IDs; a test
// keeps the two in step.
var catalog = []Check{
	// Request: Accept.
	{"AT101", "No Accept header", "You sent no Accept header (the tool sent curl's `*/*` in its place). The API needs `Accept: application/vnd.api.v2+json`; v2 answers 400 without it."},
	{"AT102", "Accept is not the API media type", "The Accept header names another media type, e.g. `application/json`. A `charset` parameter is fine."},
	{"AT103", "Accept names the other platform's media type", "`application/vnd.yclients.v2+json` sent to Alteg.io, or `application/vnd.api.v2+json` sent to YCLIENTS."},

	// Request: Authorization.
	{"AT110", "No Authorization header", "The call carries no credentials. Most endpoints need `Authorization: Bearer <partner token>`."},
	{"AT111", "Authorization does not start with Bearer", "A scheme other than Bearer (`Basic`, `Token`, a misspelled `Bearer`), a bare token with no scheme, or a `User` part with no `Bearer` part before it."},
	{"AT112", "Bearer written twice", "`Bearer Bearer <token>`, or two Bearer parts. Only the first Bearer token is read as the partner token."},
	{"AT113", "User part without a comma", "`Bearer <partner> User <user>`: the two parts must be separated by a comma."},
	{"AT114", "Tokens in the wrong order or the same token twice", "The User part comes before the Bearer part, or one token is sent as both the partner and the user token."},
	{"AT115", "The word Partner in Authorization", "The API knows only `Bearer` (partner token) and `User` (user token); `Partner <id>` is not read."},
	{"AT116", "Quotes around a token", "A token is wrapped in quotes (straight or typographic); the quotes become part of the token."},
	{"AT117", "Whitespace or invisible characters in a token", "A token holds a space, tab, newline, non-breaking space or zero-width character (usually from copy and paste), or there is extra whitespace between a scheme and its token. A newline stops the request from being sent at all."},
	{"AT118", "Token looks like a numeric id", "A token made only of digits is an application id or a location (company) id, not a token."},
	{"AT119", "Credentials in a made-up header or query parameter", "Headers such as `X-Partner-ID` or query parameters such as `partner_id=` are ignored; credentials go in Authorization only."},
	{"AT120", "Business-data path without a User token", "Records, clients, transactions, staff and `company/{id}/...` paths need `Authorization: Bearer <partner token>, User <user token>`."},

	// Request: URL and host.
	{"AT130", "http:// instead of https://", "The API is served over TLS only. A plain-HTTP call sends the tokens in clear text, and a redirect to https:// drops Authorization and turns POST into GET."},
	{"AT131", "Not the Alteg.io API host", "A misspelled host, `app.alteg.io` for an `/api/...` path, another `alteg.io` name, or a YCLIENTS host, whose tokens are not Alteg.io's."},
	{"AT132", "Local or custom host", "Info only: the call went to a host that is not Alteg.io's (a local test server, a proxy of your own); host-specific advice does not apply."},

	// Request: body and method.
	{"AT140", "Body without Content-Type: application/json", "The body is sent without a Content-Type, or with another one (curl's `-d` labels it as a form)."},
	{"AT141", "Form-encoded body where JSON is expected", "`login=...&password=...` sent where the API reads JSON, e.g. to `/api/v1/auth`."},
	{"AT142", "Body is not valid JSON", "The body is labelled JSON but does not parse; the finding gives the line and column of the error."},
	{"AT143", "GET with a body", "A GET or HEAD request carries a body, which servers ignore; filters go in the query string."},
	{"AT144", "A call that changes data was replayed", "POST or PATCH was sent again by altegio-ticket and may have created a second booking, client or payment."},

	// Request against Alteg.io's published API description (spec.go); skipped
	// when the description is not loaded.
	{"AT150", "Path not in the API description", "No documented path fits the call's path. The finding names the nearest documented paths (the other API version, a missing id, the id in the other position, a misspelled word) and says when the query holds the id the path is missing."},
	{"AT151", "An id in the path is not a number", "A path parameter the description types as a number holds `undefined`, `null`, `NaN`, an unfilled `{company_id}` (or `%7Bid%7D`), nothing at all, or other text."},
	{"AT152", "Method not documented for this path", "The path is documented, but not for this method; the finding names the methods that are."},
	{"AT153", "Query breaks the documented parameters", "A query parameter has the wrong type, format (dates as YYYY-MM-DD), value or range (page sizes), a required one is missing, or a name looks like a documented one misspelled or renamed."},
	{"AT154", "Body breaks the documented schema", "The JSON body misses a required field, has a field the schema forbids, or a field of the wrong type, format, value or range; or a required body is missing, e.g. login and password sent in the query."},
	{"AT155", "The operation needs the user token", "The description documents the operation with `BearerPartnerUser` (partner token, then `User` and the user token), and the call carried the partner token only. Replaces AT120's guess from the path."},
	{"AT156", "Accept header the operation requires", "The description lists `Accept: application/vnd.api.v2+json` as required for the operation, and the call did not send it. Replaces AT101/AT102 when the operation is documented."},
	{"AT157", "Deprecated operation", "Info only: the description marks the operation as deprecated."},

	// Response.
	{"AT201", "400 Bad Request", "The API found the request malformed; the message says what, most often the Accept header."},
	{"AT202", "401 Unauthorized", "The API did not accept the credentials. `Authentication needed.` and `Partner ID not specified` are mapped to their usual causes."},
	{"AT203", "401 in the YCLIENTS error format", "The answer reads `{\"errors\":{\"code\":401,...}}`, the YCLIENTS style: usually a YCLIENTS host or a YCLIENTS token."},
	{"AT204", "403 Forbidden", "The tokens are valid but lack rights: `Access denied.`, or `No company management rights` when the user has no rights on that location."},
	{"AT205", "404 Not Found", "The path, or an id in it, does not exist or is not visible to these tokens."},
	{"AT206", "405 Method Not Allowed", "The HTTP method is wrong for the path."},
	{"AT207", "422 Unprocessable Entity", "The body failed validation; every field in `meta.errors` is listed, with a hint when a field name belongs to the other API version."},
	{"AT208", "429 Too Many Requests", "The rate limit (5 requests per second or 200 per minute per IP) was exceeded; back off and retry."},
	{"AT209", "Server error (5xx)", "The cause is on the server side; the ticket carries the exact time (UTC) and remote address support needs."},
	{"AT210", "A web page instead of the API's answer", "The answer is HTML, not the JSON envelope: a proxy, firewall, captive portal or the wrong host answered."},
	{"AT211", "Success status with success: false", "A 2xx answer whose envelope says `success: false`; the message is shown verbatim."},
	{"AT212", "Other client error", "A 4xx status without a specific check; the envelope's message is shown verbatim."},

	// Transport.
	{"AT301", "Host name not found (DNS)", "The host name did not resolve: a typo, or a local DNS, VPN or proxy problem."},
	{"AT302", "Connection refused", "Nothing accepted the connection: a wrong port, a firewall, or a proxy that is down."},
	{"AT303", "No connection (timeout)", "The connection could not be made in time: a firewall dropping outbound traffic, or a network that needs a proxy."},
	{"AT304", "No answer in time", "The request was sent but the answer did not arrive in time: a slow endpoint, a large page of data, or a proxy holding the call."},
	{"AT305", "Connection closed early", "The connection was reset or closed before a complete answer: often a proxy, firewall or VPN in the path."},
	{"AT306", "TLS: certificate from an unknown authority", "The certificate is not signed by a trusted authority: usually a TLS-inspecting proxy or antivirus on your network."},
	{"AT307", "TLS: certificate expired", "The certificate is past its end date, or this computer's clock is ahead."},
	{"AT308", "TLS: certificate not yet valid", "The certificate's start date is in the future: this computer's clock is almost certainly behind."},
	{"AT309", "TLS: certificate for another host name", "The certificate does not name the host called: a proxy answered, or the host name is wrong."},
	{"AT310", "TLS handshake failed", "The TLS handshake failed for another reason, e.g. a protocol or version mismatch, or a proxy in the way."},
	{"AT311", "A header could not be sent", "Go's HTTP client refused to send a header whose value holds a newline or another control character; nothing was sent."},
	{"AT312", "Too many redirects", "The server kept redirecting; the call never reached an answer."},
	{"AT313", "Not a valid HTTP or TLS answer", "What came back is not valid HTTP, or not TLS where https:// expects it: e.g. https:// to a plain-HTTP port."},
	{"AT314", "Authorization dropped on a redirect", "A redirect led to another host or scheme, so Authorization was not sent again, as curl does."},
	{"AT315", "Other transport failure", "The call failed in a way no other check names; the error is quoted."},
}

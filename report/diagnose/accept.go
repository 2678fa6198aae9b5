package diagnose

import (
	"fmt"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// acceptRules check the Accept header.
var acceptRules = []rule{
	{Check: Check{"AT101", "No Accept header", "You sent no Accept header (the tool sent curl's `*/*` in its place). The API needs `Accept: application/vnd.api.v2+json`; v2 answers 400 without it."},
		blames: partAccept, run: checkNoAccept, fix: fixAccept},
	{Check: Check{"AT102", "Accept is not the API media type", "The Accept header names another media type, e.g. `application/json`. A `charset` parameter is fine."},
		blames: partAccept, run: checkOtherAccept, fix: fixAccept},
	{Check: Check{"AT103", "Accept names the other platform's media type", "`application/vnd.yclients.v2+json` sent to Alteg.io (or to a local or custom host, which the checks treat as the API), or `application/vnd.api.v2+json` sent to YCLIENTS."},
		blames: partAccept, run: checkPlatformAccept, fix: fixAccept},
}

// acceptHeaders returns the Accept headers the user sent and the one the
// tool added in their absence.
func (c *call) acceptHeaders() (user, tool []capture.Header) {
	for _, h := range c.req.Header {
		if strings.EqualFold(h.Name, "Accept") {
			if h.Origin == capture.FromTool {
				tool = append(tool, h)
			} else {
				user = append(user, h)
			}
		}
	}
	return user, tool
}

// wantMedia is the media type the host expects.
func (c *call) wantMedia() string {
	if c.host.kind == hostYclients {
		return yclientsMediaType
	}
	return mediaType
}

// acceptShape says how the user's Accept headers stand: "missing",
// "ok", "platform" (the other platform's type) or "other".
func (c *call) acceptShape() (shape string, evidence []string) {
	user, _ := c.acceptHeaders()
	if len(user) == 0 {
		return "missing", nil
	}
	var values []string
	for _, h := range user {
		values = append(values, h.Value)
		evidence = append(evidence, "Accept: "+printable(h.Value))
	}
	types := acceptTypes(strings.Join(values, ", "))
	switch want := c.wantMedia(); {
	case contains(types, want):
		return "ok", evidence
	case contains(types, mediaType) || contains(types, yclientsMediaType):
		return "platform", evidence
	}
	return "other", evidence
}

// checkNoAccept: AT101.
func checkNoAccept(c *call) *Finding {
	if shape, _ := c.acceptShape(); shape != "missing" {
		return nil
	}
	_, tool := c.acceptHeaders()
	want := c.wantMedia()
	ev := []string{"no Accept header was sent"}
	if len(tool) > 0 {
		ev = []string{fmt.Sprintf("Accept: %s   (added by altegio-ticket, as curl does: you sent no Accept header)", printable(tool[0].Value))}
	}
	return &Finding{
		Severity: Likely,
		Explain: "You sent no Accept header" + ifs(len(tool) > 0, ", so the call went out with curl's default Accept: */*", "") +
			". The Alteg.io API needs the media type " + want + " in Accept; API v2 answers 400 Bad Request without it.",
		Fix:      "Accept: " + want,
		Action:   "add the Accept header",
		Evidence: ev,
	}
}

// checkOtherAccept: AT102.
func checkOtherAccept(c *call) *Finding {
	shape, ev := c.acceptShape()
	if shape != "other" {
		return nil
	}
	want := c.wantMedia()
	return &Finding{
		Severity: Likely,
		Explain:  "The Accept header does not name " + want + ", the media type the API needs; API v2 answers 400 Bad Request without it. A charset parameter is fine (" + want + "; charset=utf-8).",
		Fix:      "Accept: " + want,
		Action:   "fix the Accept header",
		Evidence: ev,
	}
}

// checkPlatformAccept: AT103. A local or custom host is checked as the
// Alteg.io API (AT132 says so), so the YCLIENTS media type is flagged
// there too: a test server that accepts it hides a mistake that
// api.alteg.io will not forgive.
func checkPlatformAccept(c *call) *Finding {
	shape, ev := c.acceptShape()
	if shape != "platform" {
		return nil
	}
	f := &Finding{Severity: Likely, Fix: "Accept: " + c.wantMedia(), Action: "fix the Accept header", Evidence: ev}
	switch c.host.kind {
	case hostYclients:
		f.Explain = "The call went to YCLIENTS (" + c.host.name + ") with Alteg.io's media type " + mediaType + ". YCLIENTS expects " + yclientsMediaType + ". If you meant to call Alteg.io, the host is " + apiHost + " (see AT131)."
	case hostLocal, hostCustom:
		f.Explain = "The Accept header names the YCLIENTS media type " + yclientsMediaType + ". The call went to " + c.host.name + ", which the checks treat as the Alteg.io API or a gateway to it (AT132); " +
			"Alteg.io expects " + mediaType + ", and " + apiHost + " answers 400 to the YCLIENTS type even if this host accepts it."
	default:
		f.Explain = "The call went to Alteg.io with the YCLIENTS media type " + yclientsMediaType + ". Alteg.io and YCLIENTS share one API design but not their media types: Alteg.io expects " + mediaType + "."
	}
	return f
}

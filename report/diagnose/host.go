package diagnose

import (
	"fmt"
	"strings"
)

// hostRules check the scheme and the host.
var hostRules = []rule{
	{Check: Check{"AT130", "http:// instead of https://", "The API is served over TLS only. A plain-HTTP call sends the tokens in clear text, and a redirect to https:// drops Authorization and turns POST into GET."},
		blames: partHost, run: checkPlainHTTP, fix: fixHTTPS},
	{Check: Check{"AT131", "Not the Alteg.io API host", "A misspelled host, `app.alteg.io` for an `/api/...` path, another `alteg.io` name, or a YCLIENTS host, whose tokens are not Alteg.io's."},
		blames: partHost, run: checkHostName},
	{Check: Check{"AT132", "Local or custom host", "Info only: the call went to a host that is not Alteg.io's (a local test server, a proxy of your own); the checks still apply Alteg.io's rules, as if it were the API or a gateway to it."},
		blames: partHost, run: checkLocalHost},
}

// checkPlainHTTP: AT130.
func checkPlainHTTP(c *call) *Finding {
	if c.host.scheme != "http" || !(c.host.alteg() || c.host.kind == hostYclients) {
		return nil
	}
	ev := []string{"URL: " + c.req.URL}
	for i, h := range c.ex.Hops[1:] {
		prev := c.ex.Hops[i]
		line := fmt.Sprintf("redirected to %s %s", h.Request.Method, h.Request.URL)
		if prev.Request.Method != h.Request.Method {
			line += fmt.Sprintf(" (%s became %s)", prev.Request.Method, h.Request.Method)
		}
		if contains(h.Dropped, "Authorization") {
			line += "; Authorization was not sent again"
		}
		ev = append(ev, line)
	}
	return &Finding{
		Severity: Likely,
		Explain: "The call used plain http://. The API is served over TLS only (1.2 or later): over http:// the tokens travel in clear text, " +
			"and a redirect to https:// drops Authorization (it goes to another scheme) and turns a POST into a GET, so the API never sees the call you meant.",
		Fix: c.httpsURL(), Action: "use https://", Evidence: ev,
	}
}

// httpsURL is the request's URL with https:// and without port 80.
func (c *call) httpsURL() string {
	fixed := *c.host.url
	fixed.Scheme = "https"
	if fixed.Port() == "80" {
		fixed.Host = fixed.Hostname()
	}
	return fixed.String()
}

// checkHostName: AT131.
func checkHostName(c *call) *Finding {
	h := c.host
	if h.url == nil {
		return nil
	}
	fixURL := func(host string) string {
		u := *h.url
		u.Host = host
		if h.scheme == "http" {
			u.Scheme = "https"
		}
		return u.String()
	}
	ev := []string{"host: " + printable(h.url.Host)}
	switch h.kind {
	case hostTypo:
		return &Finding{Severity: Likely,
			Explain: "The host " + h.name + " looks like a misspelling of " + apiHost + ", the Alteg.io API host.",
			Fix:     fixURL(apiHost), Action: "call " + apiHost, Evidence: ev}
	case hostAltegio:
		return &Finding{Severity: Likely,
			Explain: h.name + " is an Alteg.io name but not the API host. The REST API is at https://" + apiHost + "/api/v1/... and /api/v2/....",
			Fix:     fixURL(apiHost), Action: "call " + apiHost, Evidence: ev}
	case hostApp:
		if !c.failed() || !strings.HasPrefix(h.path, "/api/") {
			return nil
		}
		return &Finding{Severity: Likely,
			Explain: appHost + " serves the web application and some marketplace endpoints; the REST API paths /api/v1/... and /api/v2/... are on " + apiHost + ".",
			Fix:     fixURL(apiHost), Action: "call " + apiHost + " instead of " + appHost, Evidence: ev}
	case hostYclients:
		if !c.failed() {
			return nil
		}
		if shape, _ := c.acceptShape(); shape == "ok" {
			// YCLIENTS' own media type to YCLIENTS' host: the call is a
			// YCLIENTS call made on purpose, and YCLIENTS read it (its
			// answer says what went wrong). The host is context, not
			// the cause; the checks read the answer as Alteg.io's, the
			// two sharing one API.
			return &Finding{Severity: Info,
				Explain: h.name + " is YCLIENTS, and the call asks for YCLIENTS' media type: a YCLIENTS call. Alteg.io and YCLIENTS share one API design, so the checks apply to it, " +
					"but its tokens and its support are YCLIENTS' own: api@alteg.io can only help with calls to " + apiHost + ".",
				Evidence: append(ev, "Accept: "+yclientsMediaType)}
		}
		return &Finding{Severity: Likely,
			Explain: h.name + " is YCLIENTS. Alteg.io and YCLIENTS share one API design but are separate platforms: tokens issued by Alteg.io are refused by YCLIENTS and the other way round. " +
				"If your tokens come from Alteg.io, call " + apiHost + "; if they are YCLIENTS tokens, YCLIENTS support is the desk to write to, not api@alteg.io.",
			Fix: fixURL(apiHost), Action: "call " + apiHost + " with Alteg.io tokens", Evidence: ev}
	}
	return nil
}

// checkLocalHost: AT132.
func checkLocalHost(c *call) *Finding {
	h := c.host
	if h.url == nil || (h.kind != hostLocal && h.kind != hostCustom) {
		return nil
	}
	what := "a local or private host"
	if h.kind == hostCustom {
		what = "not an Alteg.io host"
	}
	return &Finding{
		Severity: Info,
		Explain: h.name + " is " + what + " (the Alteg.io API is at " + apiHost + "). The checks still apply Alteg.io's rules, as if this host were the API or a gateway to it; " +
			"api@alteg.io can only help with calls that reach " + apiHost + ".",
		Evidence: []string{"host: " + printable(h.url.Host)},
	}
}

package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// transportRules read Exchange.Fault and the hops: what went wrong below
// HTTP. A failure on the way to the API is most often local: the network,
// a proxy, a firewall, the clock. A request mistake explains a fault when
// it is in a part the fault allows (call.faultParts): a misspelled host
// explains a DNS failure, a line break in a token the header Go refused
// to send.
var transportRules = []rule{
	{Check: Check{"AT301", "Host name not found (DNS)", "The host name did not resolve: a typo, or a local DNS, VPN or proxy problem."},
		from: fromTransport, blames: partNetwork, run: checkDNS},
	{Check: Check{"AT302", "Connection refused", "Nothing accepted the connection: a wrong port, a firewall, or a proxy that is down."},
		from: fromTransport, blames: partNetwork, run: checkRefused},
	{Check: Check{"AT303", "No connection (timeout)", "The connection could not be made in time: a firewall dropping outbound traffic, or a network that needs a proxy."},
		from: fromTransport, blames: partNetwork, run: checkConnectTimeout},
	{Check: Check{"AT304", "No answer in time", "The request was sent but the answer did not arrive in time: a slow endpoint, a large page of data, or a proxy holding the call."},
		from: fromTransport, blames: partNetwork, run: checkResponseTimeout},
	{Check: Check{"AT305", "Connection closed early", "The connection was reset or closed before a complete answer: often a proxy, firewall or VPN in the path."},
		from: fromTransport, blames: partNetwork, run: checkReset},
	{Check: Check{"AT306", "TLS: certificate from an unknown authority", "The certificate is not signed by a trusted authority: usually a TLS-inspecting proxy or antivirus on your network."},
		from: fromTransport, blames: partNetwork, run: checkUnknownAuthority},
	{Check: Check{"AT307", "TLS: certificate expired", "The certificate is past its end date, or this computer's clock is ahead."},
		from: fromTransport, blames: partNetwork, run: checkExpired},
	{Check: Check{"AT308", "TLS: certificate not yet valid", "The certificate's start date is in the future: this computer's clock is almost certainly behind."},
		from: fromTransport, blames: partNetwork, run: checkNotYetValid},
	{Check: Check{"AT309", "TLS: certificate for another host name", "The certificate does not name the host called: a proxy answered, or the host name is wrong."},
		from: fromTransport, blames: partNetwork, run: checkHostnameMismatch},
	{Check: Check{"AT310", "TLS handshake failed", "The TLS handshake failed for another reason, e.g. a protocol or version mismatch, or a proxy in the way."},
		from: fromTransport, blames: partNetwork, run: checkTLSOther},
	{Check: Check{"AT311", "A header could not be sent", "Go's HTTP client refused to send a header whose value holds a newline or another control character; nothing was sent."},
		from: fromTransport, blames: partNetwork, run: checkInvalidHeader},
	{Check: Check{"AT312", "Too many redirects", "The server kept redirecting; the call never reached an answer."},
		from: fromTransport, blames: partNetwork, run: checkRedirectLoop},
	{Check: Check{"AT313", "Not a valid HTTP or TLS answer", "What came back is not valid HTTP, or not TLS where https:// expects it: e.g. https:// to a plain-HTTP port."},
		from: fromTransport, blames: partNetwork, run: checkMalformed},
	{Check: Check{"AT314", "Authorization dropped on a redirect", "A redirect led to another host or scheme, so Authorization was not sent again, as curl does."},
		blames: partAuth, explains: setOf(partHost), run: checkDroppedAuth},
	{Check: Check{"AT315", "Other transport failure", "The call failed in a way no other check names; the error is quoted."},
		from: fromTransport, blames: partNetwork, run: checkOtherFault},
}

// faultEvidence quotes the fault, the proxy and the address dialled.
func (c *call) faultEvidence() []string {
	f := c.ex.Fault
	ev := []string{"error: " + printable(f.Message)}
	if f.Detail != "" && f.Detail != f.Message {
		ev = append(ev, "detail: "+printable(f.Detail))
	}
	if p := capture.ProxyHost(c.ex.Proxy); p != "" {
		ev = append(ev, "proxy: "+p)
	}
	return ev
}

// viaProxy is a sentence about the proxy, "" for a direct connection.
func (c *call) viaProxy() string {
	if p := capture.ProxyHost(c.ex.Proxy); p != "" {
		return " The call went through the proxy " + p + " (from HTTPS_PROXY or HTTP_PROXY): the failure may be the proxy's; try once without it, or ask who runs it."
	}
	return ""
}

// fault returns a transport finding with the fault's evidence and the
// proxy sentence.
func (c *call) fault(f Finding) *Finding {
	f.Severity = Likely
	f.Explain += c.viaProxy()
	if f.Evidence == nil {
		f.Evidence = c.faultEvidence()
	}
	return &f
}

// faultIs says whether the call failed with a fault of kind k.
func (c *call) faultIs(k capture.FaultKind) bool { return c.ex.Fault != nil && c.ex.Fault.Kind == k }

const plainHTTPPort = "The URL says https://, but the server at that port speaks plain HTTP. Use the port the server serves TLS on, or http:// for a local test server."

var headerNameRE = regexp.MustCompile(`invalid header field (?:value|name) for "?([^"\s]+)"?`)

// checkDNS: AT301.
func checkDNS(c *call) *Finding {
	if !c.faultIs(capture.FaultDNS) {
		return nil
	}
	return c.fault(Finding{
		Explain: "The name " + c.host.name + " could not be resolved to an address. Check its spelling (the API is " + apiHost + "); " +
			"if it is right, the local DNS, a VPN or a corporate network is the likely cause: try `nslookup " + apiHost + "` on this machine.",
		Action: "check the host name and this machine's DNS",
	})
}

// checkRefused: AT302.
func checkRefused(c *call) *Finding {
	if !c.faultIs(capture.FaultRefused) {
		return nil
	}
	return c.fault(Finding{
		Explain: "The connection was refused: nothing listens on that address and port, or a firewall rejects the connection. " +
			"Check the port in the URL (the API uses 443 for https://), and whether this network needs a proxy.",
		Action: "check the port, the firewall and the proxy settings",
	})
}

// checkConnectTimeout: AT303.
func checkConnectTimeout(c *call) *Finding {
	if !c.faultIs(capture.FaultConnectTimeout) {
		return nil
	}
	return c.fault(Finding{
		Explain: "No connection could be made in time. A firewall that silently drops outbound traffic, or a network that only lets traffic out through a proxy, " +
			"are the usual causes; a server outage is rarer. Try from another network, or set HTTPS_PROXY if your network requires a proxy.",
		Action: "check the firewall and proxy settings of this network",
	})
}

// checkResponseTimeout: AT304. The time limit is the tool's, so the
// finding says "a longer time limit" and the command layer names its own
// option.
func checkResponseTimeout(c *call) *Finding {
	if !c.faultIs(capture.FaultResponseTimeout) {
		return nil
	}
	return c.fault(Finding{
		Explain: "The request was sent, but the full answer did not arrive in time. The endpoint may be slow for this query (a long date range, a large page of data), " +
			"or a proxy may be holding the call. Try a smaller query or a longer time limit; if it repeats, send the ticket: it has the time and the remote address.",
		Action: "retry with a smaller query or a longer time limit",
	})
}

// checkReset: AT305.
func checkReset(c *call) *Finding {
	if !c.faultIs(capture.FaultReset) {
		return nil
	}
	return c.fault(Finding{
		Explain: "The connection was closed before a complete answer arrived. A proxy, firewall, antivirus or VPN on the way often does this; " +
			"so does a server that restarts. Retry once; if it repeats, try another network.",
		Action: "retry, then try another network",
	})
}

// tlsFaultIs says whether the call failed in the TLS handshake with the
// verification error kind k ("" for any other TLS failure), and is not
// https:// to a plain-HTTP port (AT313's).
func (c *call) tlsFaultIs(k capture.VerifyKind) bool {
	f := c.ex.Fault
	if f == nil || f.Kind != capture.FaultTLS || strings.Contains(f.Message+f.Detail, "first record does not look like a TLS handshake") {
		return false
	}
	kind := capture.VerifyKind("")
	if t := c.ex.Last().TLS; t != nil {
		kind = t.VerifyKind
	}
	switch k {
	case capture.VerifyUnknownAuthority, capture.VerifyExpired, capture.VerifyNotYetValid, capture.VerifyHostname:
		return kind == k
	}
	return kind != capture.VerifyUnknownAuthority && kind != capture.VerifyExpired && kind != capture.VerifyNotYetValid && kind != capture.VerifyHostname
}

// tlsEvidence adds the leaf certificate to the fault's evidence.
func (c *call) tlsEvidence() ([]string, *capture.Cert) {
	ev := c.faultEvidence()
	t := c.ex.Last().TLS
	if t == nil || len(t.Chain) == 0 {
		return ev, nil
	}
	leaf := &t.Chain[0]
	return append(ev, fmt.Sprintf("certificate: %s, issued by %s", printable(leaf.Subject), printable(leaf.Issuer))), leaf
}

// checkUnknownAuthority: AT306.
func checkUnknownAuthority(c *call) *Finding {
	if !c.tlsFaultIs(capture.VerifyUnknownAuthority) {
		return nil
	}
	ev, _ := c.tlsEvidence()
	return c.fault(Finding{
		Explain: "The certificate is not signed by an authority this machine trusts. For " + apiHost + " this almost always means a TLS-inspecting proxy, " +
			"firewall or antivirus on your network re-signs the traffic (the issuer in the evidence names it). Install that product's root certificate in the system's trust store, " +
			"or ask IT to exempt " + apiHost + " from inspection. Skipping certificate verification only confirms the diagnosis; do not ship it.",
		Action: "trust your network's inspecting proxy certificate, or bypass the proxy for " + apiHost, Evidence: ev,
	})
}

// checkExpired: AT307.
func checkExpired(c *call) *Finding {
	if !c.tlsFaultIs(capture.VerifyExpired) {
		return nil
	}
	ev, leaf := c.tlsEvidence()
	if leaf != nil {
		ev = append(ev, "valid until: "+leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST"), "this machine's clock: "+c.ex.Started.UTC().Format("2006-01-02 15:04 MST"))
	}
	return c.fault(Finding{
		Explain: "The certificate is past its end date, according to this machine's clock. If the clock is ahead, set it right (enable network time). " +
			"If the clock is right and the host is " + apiHost + ", the certificate really expired: send the ticket.",
		Action: "check this machine's clock; if it is right, send the ticket", Evidence: ev,
	})
}

// checkNotYetValid: AT308.
func checkNotYetValid(c *call) *Finding {
	if !c.tlsFaultIs(capture.VerifyNotYetValid) {
		return nil
	}
	ev, leaf := c.tlsEvidence()
	if leaf != nil {
		ev = append(ev, "valid from: "+leaf.NotBefore.UTC().Format("2006-01-02 15:04 MST"), "this machine's clock: "+c.ex.Started.UTC().Format("2006-01-02 15:04 MST"))
	}
	return c.fault(Finding{
		Explain: "The certificate's start date is still in the future by this machine's clock, so the clock is almost certainly behind. " +
			"Set the date and time right (enable network time) and retry.",
		Action: "set this machine's clock right", Evidence: ev,
	})
}

// checkHostnameMismatch: AT309.
func checkHostnameMismatch(c *call) *Finding {
	if !c.tlsFaultIs(capture.VerifyHostname) {
		return nil
	}
	ev, _ := c.tlsEvidence()
	return c.fault(Finding{
		Explain: "The certificate does not name " + c.host.name + ". Either the host name in the URL is wrong, or something else answered on that address " +
			"(a proxy, a captive portal, a DNS entry pointing elsewhere).",
		Action: "check the host name and this network's DNS and proxy", Evidence: ev,
	})
}

// checkTLSOther: AT310.
func checkTLSOther(c *call) *Finding {
	if !c.tlsFaultIs("") {
		return nil
	}
	ev, _ := c.tlsEvidence()
	return c.fault(Finding{
		Explain: "The TLS handshake failed. The API needs TLS 1.2 or later; an old client library, or a proxy or firewall that interferes with TLS, are the usual causes.",
		Action:  "check for a proxy or firewall that interferes with TLS", Evidence: ev,
	})
}

// invalidHeader returns the header Go refused to send, "" when none.
func (c *call) invalidHeader() string {
	f := c.ex.Fault
	if f == nil || handledFaults[f.Kind] {
		return ""
	}
	if m := headerNameRE.FindStringSubmatch(f.Message + " " + f.Detail); m != nil {
		return m[1]
	}
	return ""
}

// checkInvalidHeader: AT311.
func checkInvalidHeader(c *call) *Finding {
	name := c.invalidHeader()
	if name == "" {
		return nil
	}
	return c.fault(Finding{
		Explain: "Go's HTTP client refused to send the header " + name + ": its value holds a line break or another control character, which HTTP does not allow. " +
			"Nothing was sent. Remove the character (often a newline copied with a token, or read from a file or an environment variable).",
		Action: "remove the line break from the " + name + " header",
	})
}

// checkRedirectLoop: AT312.
func checkRedirectLoop(c *call) *Finding {
	if !c.faultIs(capture.FaultTooManyRedirects) {
		return nil
	}
	return c.fault(Finding{
		Explain: "The server kept redirecting and the call never reached an answer. Check the scheme and host in the URL (https://" + apiHost + "); " +
			"a proxy or a login page in the way can also loop.",
		Action: "use https://" + apiHost + " directly",
	})
}

// checkMalformed: AT313.
func checkMalformed(c *call) *Finding {
	f := c.ex.Fault
	if f == nil {
		return nil
	}
	switch {
	case f.Kind == capture.FaultTLS && strings.Contains(f.Message+f.Detail, "first record does not look like a TLS handshake"):
		return c.fault(Finding{Explain: plainHTTPPort + " Something other than the API may be listening there.", Action: "check the scheme and port in the URL"})
	case f.Kind != capture.FaultMalformed && f.Kind != capture.FaultHeadersTooLarge:
		return nil
	}
	explain := "What came back is not a valid HTTP answer."
	switch {
	case f.Kind == capture.FaultHeadersTooLarge:
		explain = "The answer's headers ran past the limit altegio-ticket reads (256 KiB), far more than the API sends: a proxy or gateway in the way, or a misbehaving server."
	case strings.Contains(f.Detail+f.Message, "HTTP response to HTTPS client"):
		explain = plainHTTPPort
	}
	action := "check the scheme and port in the URL"
	if f.Kind == capture.FaultHeadersTooLarge {
		action = "call the API without the proxy or gateway in the way; if there is none, send the ticket"
	}
	return c.fault(Finding{Explain: explain + " Something other than the API may be listening there.", Action: action})
}

// handledFaults are the fault kinds a check above names.
var handledFaults = map[capture.FaultKind]bool{
	capture.FaultDNS: true, capture.FaultRefused: true, capture.FaultConnectTimeout: true, capture.FaultResponseTimeout: true,
	capture.FaultReset: true, capture.FaultTLS: true, capture.FaultTooManyRedirects: true, capture.FaultMalformed: true, capture.FaultHeadersTooLarge: true,
}

// checkOtherFault: AT315.
func checkOtherFault(c *call) *Finding {
	if c.ex.Fault == nil || handledFaults[c.ex.Fault.Kind] || c.invalidHeader() != "" {
		return nil
	}
	return c.fault(Finding{
		Explain: "The call failed below HTTP in a way no other check names. The error is quoted for support.",
		Action:  "read the error; if it is not about your network, send the ticket",
	})
}

// checkDroppedAuth: AT314. The likely cause of a 401 or 403, unless the
// scheme or host mistake that led to the redirect (AT130, AT131) is.
func checkDroppedAuth(c *call) *Finding {
	for i, h := range c.ex.Hops {
		if i == 0 || !contains(h.Dropped, "Authorization") {
			continue
		}
		sev := Warning
		if c.resp != nil && (c.resp.Status == 401 || c.resp.Status == 403) {
			sev = Likely
		}
		return &Finding{
			Severity: sev,
			Explain: "The server redirected the call from " + c.ex.Hops[i-1].Request.URL + " to " + h.Request.URL + ", another host or scheme, " +
				"so Authorization was not sent again (curl does the same by default). Call the final URL directly.",
			Fix:      h.Request.URL,
			Action:   "call " + h.Request.URL + " directly",
			Evidence: []string{fmt.Sprintf("hop %d: %s %s, Authorization not sent", i+1, h.Request.Method, h.Request.URL)},
		}
	}
	return nil
}

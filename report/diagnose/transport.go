package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// transportChecks read Exchange.Fault and the hops: what went wrong below
// HTTP. A failure on the way to the API is most often local: the network,
// a proxy, a firewall, the clock.
var transportChecks = []func(*call){
	checkFault,
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

// addFault adds a transport finding: a likely cause unless a related
// request check already is one.
func (c *call) addFault(id string, related []string, f Finding) {
	sev := Likely
	if ids := c.likelyAmong(related...); len(ids) > 0 {
		// Keep what the failure means; the fix is the other check's.
		sev = Info
		short, _, _ := strings.Cut(f.Explain, ". ")
		f.Explain = explainedBy(ids) + " " + strings.TrimSuffix(short, ".") + "."
		f.Fix, f.Action = "", ""
	} else {
		f.Explain += c.viaProxy()
	}
	if f.Evidence == nil {
		f.Evidence = c.faultEvidence()
	}
	c.add(id, sev, f)
}

const plainHTTPPort = "The URL says https://, but the server at that port speaks plain HTTP. Use the port the server serves TLS on, or http:// for a local test server."

var headerNameRE = regexp.MustCompile(`invalid header field (?:value|name) for "?([^"\s]+)"?`)

func checkFault(c *call) {
	f := c.ex.Fault
	if f == nil {
		return
	}
	host := c.host.name
	switch f.Kind {
	case capture.FaultDNS:
		c.addFault("AT301", hostChecks, Finding{
			Explain: "The name " + host + " could not be resolved to an address. Check its spelling (the API is " + apiHost + "); " +
				"if it is right, the local DNS, a VPN or a corporate network is the likely cause: try `nslookup " + apiHost + "` on this machine.",
			Action: "check the host name and this machine's DNS",
		})
	case capture.FaultRefused:
		c.addFault("AT302", nil, Finding{
			Explain: "The connection was refused: nothing listens on that address and port, or a firewall rejects the connection. " +
				"Check the port in the URL (the API uses 443 for https://), and whether this network needs a proxy.",
			Action: "check the port, the firewall and the proxy settings",
		})
	case capture.FaultConnectTimeout:
		c.addFault("AT303", nil, Finding{
			Explain: "No connection could be made in time. A firewall that silently drops outbound traffic, or a network that only lets traffic out through a proxy, " +
				"are the usual causes; a server outage is rarer. Try from another network, or set HTTPS_PROXY if your network requires a proxy.",
			Action: "check the firewall and proxy settings of this network",
		})
	case capture.FaultResponseTimeout:
		c.addFault("AT304", nil, Finding{
			Explain: "The request was sent, but the full answer did not arrive in time. The endpoint may be slow for this query (a long date range, a large page of data), " +
				"or a proxy may be holding the call. Try a smaller query or a longer --timeout; if it repeats, send the ticket: it has the time and the remote address.",
			Action: "retry with a smaller query or a longer --timeout",
		})
	case capture.FaultReset:
		c.addFault("AT305", nil, Finding{
			Explain: "The connection was closed before a complete answer arrived. A proxy, firewall, antivirus or VPN on the way often does this; " +
				"so does a server that restarts. Retry once; if it repeats, try another network.",
			Action: "retry, then try another network",
		})
	case capture.FaultTLS:
		if strings.Contains(f.Message+f.Detail, "first record does not look like a TLS handshake") {
			c.addFault("AT313", hostChecks, Finding{Explain: plainHTTPPort + " Something other than the API may be listening there.", Action: "check the scheme and port in the URL"})
			return
		}
		c.tlsFault()
	case capture.FaultTooManyRedirects:
		c.addFault("AT312", hostChecks, Finding{
			Explain: "The server kept redirecting and the call never reached an answer. Check the scheme and host in the URL (https://" + apiHost + "); " +
				"a proxy or a login page in the way can also loop.",
			Action: "use https://" + apiHost + " directly",
		})
	case capture.FaultMalformed, capture.FaultHeadersTooLarge:
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
		c.addFault("AT313", hostChecks, Finding{Explain: explain + " Something other than the API may be listening there.", Action: action})
	default:
		if m := headerNameRE.FindStringSubmatch(f.Message + " " + f.Detail); m != nil {
			c.addFault("AT311", []string{"AT117"}, Finding{
				Explain: "Go's HTTP client refused to send the header " + m[1] + ": its value holds a line break or another control character, which HTTP does not allow. " +
					"Nothing was sent. Remove the character (often a newline copied with a token, or read from a file or an environment variable).",
				Action: "remove the line break from the " + m[1] + " header",
			})
			return
		}
		c.addFault("AT315", nil, Finding{
			Explain: "The call failed below HTTP in a way no other check names. The error is quoted for support.",
			Action:  "read the error; if it is not about your network, send the ticket",
		})
	}
}

// tlsFault: AT306 to AT310.
func (c *call) tlsFault() {
	t := c.ex.Last().TLS
	kind := capture.VerifyKind("")
	if t != nil {
		kind = t.VerifyKind
	}
	ev := c.faultEvidence()
	var leaf *capture.Cert
	if t != nil && len(t.Chain) > 0 {
		leaf = &t.Chain[0]
		ev = append(ev, fmt.Sprintf("certificate: %s, issued by %s", printable(leaf.Subject), printable(leaf.Issuer)))
	}
	switch kind {
	case capture.VerifyUnknownAuthority:
		c.addFault("AT306", nil, Finding{
			Explain: "The certificate is not signed by an authority this machine trusts. For " + apiHost + " this almost always means a TLS-inspecting proxy, " +
				"firewall or antivirus on your network re-signs the traffic (the issuer in the evidence names it). Install that product's root certificate in the system's trust store, " +
				"or ask IT to exempt " + apiHost + " from inspection. Skipping verification with -k only confirms the diagnosis; do not ship it.",
			Action: "trust your network's inspecting proxy certificate, or bypass the proxy for " + apiHost, Evidence: ev,
		})
	case capture.VerifyExpired:
		if leaf != nil {
			ev = append(ev, "valid until: "+leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST"), "this machine's clock: "+c.ex.Started.UTC().Format("2006-01-02 15:04 MST"))
		}
		c.addFault("AT307", nil, Finding{
			Explain: "The certificate is past its end date, according to this machine's clock. If the clock is ahead, set it right (enable network time). " +
				"If the clock is right and the host is " + apiHost + ", the certificate really expired: send the ticket.",
			Action: "check this machine's clock; if it is right, send the ticket", Evidence: ev,
		})
	case capture.VerifyNotYetValid:
		if leaf != nil {
			ev = append(ev, "valid from: "+leaf.NotBefore.UTC().Format("2006-01-02 15:04 MST"), "this machine's clock: "+c.ex.Started.UTC().Format("2006-01-02 15:04 MST"))
		}
		c.addFault("AT308", nil, Finding{
			Explain: "The certificate's start date is still in the future by this machine's clock, so the clock is almost certainly behind. " +
				"Set the date and time right (enable network time) and retry.",
			Action: "set this machine's clock right", Evidence: ev,
		})
	case capture.VerifyHostname:
		c.addFault("AT309", hostChecks, Finding{
			Explain: "The certificate does not name " + c.host.name + ". Either the host name in the URL is wrong, or something else answered on that address " +
				"(a proxy, a captive portal, a DNS entry pointing elsewhere).",
			Action: "check the host name and this network's DNS and proxy", Evidence: ev,
		})
	default:
		c.addFault("AT310", nil, Finding{
			Explain: "The TLS handshake failed. The API needs TLS 1.2 or later; an old client library, or a proxy or firewall that interferes with TLS, are the usual causes.",
			Action:  "check for a proxy or firewall that interferes with TLS", Evidence: ev,
		})
	}
}

// checkDroppedAuth: AT314.
func checkDroppedAuth(c *call) {
	for i, h := range c.ex.Hops {
		if i == 0 || !contains(h.Dropped, "Authorization") {
			continue
		}
		sev := Warning
		if c.resp != nil && (c.resp.Status == 401 || c.resp.Status == 403) {
			sev = Likely
		}
		f := Finding{
			Explain: "The server redirected the call from " + c.ex.Hops[i-1].Request.URL + " to " + h.Request.URL + ", another host or scheme, " +
				"so Authorization was not sent again (curl does the same without --location-trusted). Call the final URL directly.",
			Fix:      h.Request.URL,
			Action:   "call " + h.Request.URL + " directly",
			Evidence: []string{fmt.Sprintf("hop %d: %s %s, Authorization not sent", i+1, h.Request.Method, h.Request.URL)},
		}
		if ids := c.likelyAmong(hostChecks...); len(ids) > 0 {
			sev = Info
			f.Explain = explainedBy(ids) + " The redirect to " + h.Request.URL + " went to another host or scheme, so Authorization was not sent again."
			f.Fix, f.Action = "", ""
		}
		c.add("AT314", sev, f)
		return
	}
}

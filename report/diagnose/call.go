package diagnose

import (
	"strings"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
)

// call is one exchange under diagnosis, with what the checks share: it
// is worked out once, before any check runs, so that every check reads
// the same facts.
type call struct {
	ex      *capture.Exchange
	secrets []redact.Secret
	opts    Options
	req     *capture.Sent     // the request as the user made it
	resp    *capture.Response // the final response, nil when none
	env     *envelope         // the final response's body, read as the envelope
	answer  answer            // what the response says, interpreted
	host    hostInfo          // where the call went
	auth    *authShape        // the Authorization header, nil when none was sent
	spec    *specView         // what the API description says about the call, nil without one (spec.go)
	outcome outcome           // how the call ended
	// possible is the set of parts a request mistake must be in to have
	// caused this outcome; see possibleParts.
	possible partSet
}

type outcome int

const (
	outSuccess outcome = iota // a 2xx or 3xx answer
	outClient                 // a 4xx answer
	outServer                 // a 5xx answer
	outNone                   // no answer: a transport fault
	outForeign                // a 2xx web page from an API host: something else answered
)

func newCall(ex *capture.Exchange, secrets []redact.Secret, opts Options) *call {
	c := &call{ex: ex, secrets: secrets, opts: opts, req: &ex.Call().Request, resp: ex.Response()}
	c.host = classifyHost(c.req.URL)
	c.outcome = c.ended()
	c.env = &envelope{}
	if c.resp != nil {
		c.env = readEnvelope(c.resp.Body)
		c.answer = interpret(c.resp.Status, c.env)
	}
	if vs := c.req.Header.Values("Authorization"); len(vs) > 0 {
		c.auth = parseAuth(vs, secrets)
	}
	c.possible = c.possibleParts()
	c.spec = newSpecView(c)
	return c
}

// ended says how the call ended, from the status and, for a 2xx, whether
// a web page answered in the API's place. It needs c.host and c.resp, not
// the envelope, so that Replayed can tell without reading a large body.
func (c *call) ended() outcome {
	switch {
	case c.resp == nil:
		return outNone
	case c.resp.Status >= 500:
		return outServer
	case c.resp.Status >= 400:
		return outClient
	case webPage(c.resp.Body) && (c.host.alteg() || c.host.kind == hostYclients):
		return outForeign
	}
	return outSuccess
}

// possibleParts is the set of parts of the request in which a mistake
// could have caused this outcome. A request mistake in another part is
// real but is not the cause of this failure: the ranking keeps it as a
// warning.
func (c *call) possibleParts() partSet {
	switch c.outcome {
	case outSuccess:
		return 0
	case outServer:
		return setOf(partServer)
	case outForeign:
		return setOf(partHost, partNetwork)
	case outNone:
		return c.faultParts()
	}
	if c.env.HTML && (c.host.alteg() || c.host.kind == hostYclients) {
		// A web page with a 4xx from an API host: a proxy, a firewall or
		// the website answered, not the API.
		return setOf(partHost, partNetwork)
	}
	return c.answer.possible
}

// faultParts is possibleParts for a transport fault: the request parts
// that make a call fail below HTTP.
func (c *call) faultParts() partSet {
	f := c.ex.Fault
	if f == nil {
		return setOf(partNetwork)
	}
	switch f.Kind {
	case capture.FaultDNS, capture.FaultTooManyRedirects, capture.FaultMalformed:
		return setOf(partHost, partNetwork)
	case capture.FaultTLS:
		if t := c.ex.Last().TLS; t != nil && t.VerifyKind == capture.VerifyHostname ||
			strings.Contains(f.Message+f.Detail, "first record does not look like a TLS handshake") {
			return setOf(partHost, partNetwork)
		}
	}
	if strings.EqualFold(c.invalidHeader(), "Authorization") {
		return setOf(partAuth, partNetwork)
	}
	return setOf(partNetwork)
}

// faultInvalidHeader says whether Go's transport refused to send a header.
func (c *call) faultInvalidHeader() bool {
	return c.ex.Fault != nil && strings.Contains(c.ex.Fault.Message+c.ex.Fault.Detail, "invalid header field")
}

// mayHaveActed says whether the server may have carried the request out:
// it accepted it, failed on its side, or the answer was lost.
func (c *call) mayHaveActed() bool {
	switch c.outcome {
	case outSuccess, outServer:
		return true
	case outNone:
		if f := c.ex.Fault; f != nil {
			switch f.Kind {
			case capture.FaultResponseTimeout, capture.FaultReset, capture.FaultMalformed:
				return true
			}
		}
	}
	return false
}

// failed says whether the call failed in any way.
func (c *call) failed() bool { return c.outcome != outSuccess }

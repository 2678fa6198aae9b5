package diagnose

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/altegio/altegio-ticket/capture"
)

// Failure says whether a call failed as the Alteg.io API counts it, and
// with what message, for a caller that must sort many calls cheaply (the
// proxy): a transport fault, a status of 400 or more, or a 2xx or 3xx
// whose envelope says "success": false. A fault that is the caller's own
// doing (capture.FaultInterrupted, capture.FaultClientClosed) is not a
// failure of the call.
//
// message is the server's own words (meta.message, or YCLIENTS'
// errors.message), "" when it gave none; for a fault it is the fault's
// kind, so that the same failure reads the same every time (the fault's
// sentence names addresses and byte counts). A successful answer costs a
// look at the start of its body.
func Failure(ex *capture.Exchange) (failed bool, message string) {
	if f := ex.Fault; f != nil {
		switch f.Kind {
		case capture.FaultInterrupted, capture.FaultClientClosed:
			// The caller's doing; an answer that had arrived still
			// counts by its status.
			if ex.Response() == nil {
				return false, ""
			}
		default:
			return true, string(f.Kind)
		}
	}
	r := ex.Response()
	if r == nil {
		return false, ""
	}
	text := bytes.TrimSpace(r.Body.Text())
	if r.Status < http.StatusBadRequest {
		if bytes.HasPrefix(text, []byte(`{"success":true`)) || bytes.HasPrefix(text, []byte(`{"success": true`)) {
			return false, "" // the usual answer, without parsing it
		}
		if !topSuccessFalse(text) {
			return false, ""
		}
	}
	env := readEnvelope(r.Body)
	switch {
	case env.HasMessage:
		message = env.Message
	case env.YErrors:
		message = env.YMessage
	}
	return true, cut(message, 300)
}

// topSuccessFalse reports whether a JSON object's top-level "success" is
// false. It reads the members in order and stops at "success", so that a
// body kept only in part (the proxy keeps the start of a large answer)
// still tells when the field comes early.
func topSuccessFalse(text []byte) bool {
	if len(text) == 0 || text[0] != '{' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	if _, err := dec.Token(); err != nil {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false
		}
		if key == "success" {
			return bytes.Equal(bytes.TrimSpace(v), []byte("false"))
		}
	}
	return false
}

// cut returns s cut to at most n bytes, on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

package diagnose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// envelope is a response body read in every shape the API's errors come
// in:
//
//	{"success": false, "data": null, "meta": {"message": "Access denied."}}
//	{"success": false, ..., "meta": {"message": "...", "errors": {"field": ["..."]}}}
//	{"success": false, ..., "meta": {"message": "An error has occurred",
//	    "errors": [{"code": 433, "message": "..."}]}}             (online booking)
//	{"errors": {"code": 401, "message": "..."}, "meta": {...}}    (YCLIENTS)
//	{"message": "..."} or {"error": "..."} or {"error_message": "..."}
//
// Sources: the Alteg.io OpenAPI documents (B2B v2 components.schemas
// error_response: meta.message and meta.errors as an object of arrays;
// public booking POST /book_check and /book_record: meta.errors as an
// array of {code, message}), the YCLIENTS API description (Apiary
// yclientsru.apib, as mirrored in github.com/mkosinov/yclientsapi), and
// /work/shared/notes/altegio-api.md. The last line is the shape of
// gateways and frameworks in front of an API, and of the YCLIENTS
// SMS-operator protocol.
type envelope struct {
	IsEnvelope bool  // success or meta was present
	Success    *bool // nil when absent
	Message    string
	HasMessage bool
	MetaEmpty  bool         // meta is [] or {} or absent
	Errors     []fieldError // meta.errors as an object, in the server's order
	Coded      []codedError // meta.errors as an array of {code, message}

	YErrors  bool // a YCLIENTS-style "errors" object
	YCode    int
	YMessage string

	// Other is a message outside the envelope: a top-level "message",
	// "error" (a string) or "error_message".
	Other string

	HTML bool // the body is a web page
}

type fieldError struct {
	Field    string
	Messages []string
}

// codedError is one entry of meta.errors as an array: the online booking
// endpoints list each failed appointment as {"code": 433, "message": ...}.
type codedError struct {
	Code    int
	Message string
}

// webPage reports whether a body is a web page: declared text/html, or
// starting with <!doctype html> or <html> whatever it declares. Only the
// first bytes are read.
func webPage(b capture.Body) bool {
	if mt, _, _ := mime.ParseMediaType(b.ContentType); mt == "text/html" {
		return true
	}
	head := b.Data[:min(len(b.Data), 512)]
	head = bytes.ToLower(bytes.TrimLeft(head, " \t\r\n\ufeff"))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// readEnvelope reads a response body; it never fails: a body that is not
// the envelope gives an envelope with IsEnvelope false.
func readEnvelope(b capture.Body) *envelope {
	e := &envelope{MetaEmpty: true}
	if webPage(b) {
		e.HTML = true
		return e
	}
	text := bytes.TrimSpace(b.Text())
	// Only the small fields are kept: data can be megabytes, and
	// unmarshalling skips a field the struct does not name without
	// copying it.
	var top struct {
		Success      json.RawMessage `json:"success"`
		Meta         json.RawMessage `json:"meta"`
		Errors       json.RawMessage `json:"errors"`
		Message      json.RawMessage `json:"message"`
		Error        json.RawMessage `json:"error"`
		ErrorMessage json.RawMessage `json:"error_message"`
	}
	// As json.Unmarshal(text, &top) reads it, several times faster
	// (topFields; FuzzTopFields holds it to json.Unmarshal).
	fields, ok := topFields(text, "success", "meta", "errors", "message", "error", "error_message")
	if !ok {
		return e
	}
	top.Success, top.Meta, top.Errors = fields[0], fields[1], fields[2]
	top.Message, top.Error, top.ErrorMessage = fields[3], fields[4], fields[5]
	if top.Success != nil {
		var s bool
		if json.Unmarshal(top.Success, &s) == nil {
			e.Success = &s
		}
		e.IsEnvelope = true
	}
	if top.Meta != nil {
		e.IsEnvelope = true
	}
	var m map[string]json.RawMessage
	if top.Meta != nil && json.Unmarshal(top.Meta, &m) == nil && len(m) > 0 {
		e.MetaEmpty = false
		if raw, ok := m["message"]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				e.Message, e.HasMessage = s, true
			}
		}
		if raw, ok := m["errors"]; ok {
			e.Errors, e.Coded = metaErrors(raw)
		}
	}
	if top.Errors != nil {
		var y struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(top.Errors, &y) == nil && (y.Code != 0 || y.Message != "") {
			e.YErrors, e.YCode, e.YMessage = true, y.Code, y.Message
		}
	}
	for _, raw := range []json.RawMessage{top.Message, top.ErrorMessage, top.Error} {
		var s string
		if raw != nil && json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "" {
			e.Other = s
			break
		}
	}
	return e
}

// metaErrors reads meta.errors in either shape: an object of fields
// ({"field": ["message", ...]} or {"field": "message"}, in the server's
// order), or an array of {code, message}.
func metaErrors(raw json.RawMessage) ([]fieldError, []codedError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []struct {
			Code    json.Number `json:"code"`
			Message string      `json:"message"`
		}
		if json.Unmarshal(raw, &list) != nil {
			return nil, nil
		}
		var out []codedError
		for _, it := range list {
			n, _ := it.Code.Int64()
			if n != 0 || it.Message != "" {
				out = append(out, codedError{Code: int(n), Message: it.Message})
			}
		}
		return nil, out
	}
	return fieldErrors(raw), nil
}

// fieldErrors reads meta.errors as an object of fields.
func fieldErrors(raw json.RawMessage) []fieldError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []fieldError
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := t.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return out
		}
		fe := fieldError{Field: name}
		var list []string
		var one string
		switch {
		case json.Unmarshal(v, &list) == nil:
			fe.Messages = list
		case json.Unmarshal(v, &one) == nil:
			fe.Messages = []string{one}
		default:
			fe.Messages = []string{string(v)}
		}
		out = append(out, fe)
	}
	return out
}

// answer is what the final response says, interpreted once for every
// check: the known message it carries, what it blames, and the parts of
// the request a mistake must be in to have caused it.
type answer struct {
	status int
	// known is the known message the answer carries; nil when none
	// matched, and the status alone speaks.
	known *knownMessage
	// text is the server's text that matched, verbatim; code the error
	// code it came with (0 when none).
	text string
	code int
	// blames is the part of the call the answer names.
	blames part
	// specific is true when the answer names its cause (a known message,
	// the fields that failed): a request mistake it contradicts is not
	// the cause.
	specific bool
	// possible is the set of parts a request mistake must be in to have
	// caused this answer.
	possible partSet
	// about says in a few words what the answer does ("is about the
	// tokens"), for the sentence that explains why a request mistake is
	// not the cause.
	about string
}

// statusParts gives, for the statuses the API uses, the parts of a
// request whose mistakes it answers with that status. A status not listed
// here could come from any part.
var statusParts = map[int]partSet{
	400: setOf(partAccept, partHost, partPath, partID, partQuery, partBody, partFields),
	401: setOf(partAuth, partPartner, partUser, partHost),
	402: setOf(partAccount),
	403: setOf(partAuth, partPartner, partUser, partRights, partHost, partID),
	// A route is a method and a path: a router that finds no route for
	// a documented path with the wrong method may answer 404, not 405.
	404: setOf(partPath, partID, partMethod, partHost, partAccept),
	405: setOf(partMethod, partPath, partHost),
	406: setOf(partAccept),
	409: setOf(partFields, partBooking),
	413: setOf(partBody),
	415: setOf(partBody),
	422: setOf(partBody, partFields, partQuery),
	429: setOf(partRate),
}

// interpret reads the answer of a response with the given status.
func interpret(status int, e *envelope) answer {
	a := answer{status: status}
	if status < 400 {
		return a
	}
	if status >= 500 {
		a.blames, a.possible = partServer, setOf(partServer)
		return a
	}
	a.possible = allRequest
	if p, ok := statusParts[status]; ok {
		a.possible = p
	}
	if km, text, code := matchAnswer(e); km != nil {
		a.known, a.text, a.code = km, text, code
		a.blames, a.specific, a.possible, a.about = km.blames, km.specific, km.possible, km.about
		return a
	}
	if len(e.Errors) > 0 && (status == 400 || status == 422) {
		// A validation answer that names fields: the server read the
		// request up to its body (v2 uses 400 for these, v1 422).
		a.blames, a.specific, a.possible = partFields, true, setOf(partBody, partFields, partQuery)
		a.about = fmt.Sprintf("names the fields that failed validation (%s)", printable(e.Errors[0].Field))
		return a
	}
	if status == 400 && e.HasMessage && !bareMessage(status, e.Message) {
		// A 400 with a message the checks do not know: a handler of the
		// API read the call and said what it found wrong, so the router
		// found the path (the oracle's "path the API does not have" is
		// answered with a bare 400, 404 or 405). The message is about
		// what the handler read: the ids, the query, the body, the
		// Accept header.
		a.possible = setOf(partAccept, partID, partQuery, partBody, partFields)
	}
	switch status {
	case 401:
		a.blames = partAuth
	case 403:
		a.blames = partRights
	case 404:
		a.blames = partPath
	case 405:
		a.blames = partMethod
	case 422:
		a.blames = partFields
	case 429:
		a.blames = partRate
	}
	return a
}

// bareMessage reports whether a message says no more than the status
// does ("", "Bad Request", "400 Bad Request"): a router's or a gateway's
// answer rather than a handler's.
func bareMessage(status int, m string) bool {
	m = strings.ToLower(strings.Trim(strings.TrimSpace(m), ".!"))
	reason := strings.ToLower(http.StatusText(status))
	return m == "" || m == reason || m == strconv.Itoa(status)+" "+reason || m == "error"
}

// texts lists the server's texts worth matching, most telling first,
// each with the error code it came with.
func (e *envelope) texts() []codedError {
	var out []codedError
	out = append(out, e.Coded...)
	if e.HasMessage {
		out = append(out, codedError{Message: e.Message})
	}
	for _, fe := range e.Errors {
		for _, m := range fe.Messages {
			out = append(out, codedError{Message: m})
		}
	}
	if e.YErrors {
		out = append(out, codedError{Code: e.YCode, Message: e.YMessage})
	}
	if e.Other != "" {
		out = append(out, codedError{Message: e.Other})
	}
	return out
}

// serverText is the server's main message, for quoting: meta.message, the
// first coded error's message when meta.message is the generic "An error
// has occurred", or a message outside the envelope.
func (e *envelope) serverText() string {
	switch {
	case e.HasMessage && e.Message != "":
		return e.Message
	case e.YErrors:
		return e.YMessage
	}
	return e.Other
}

// ServerMessage returns the server's own message in a response, in any
// shape of the API's answers: the first booking error of meta.errors,
// meta.message, the YCLIENTS errors.message, or a bare message; "" when
// it gave none. Control characters are escaped and the text is cut at
// 300 characters. The response must be redacted.
func ServerMessage(r *capture.Response) string {
	if r == nil {
		return ""
	}
	e := readEnvelope(r.Body)
	if len(e.Coded) > 0 && e.Coded[0].Message != "" {
		return printable(e.Coded[0].Message)
	}
	return printable(e.serverText())
}

// Succeeded says whether a response is a success as the API counts it:
// a 2xx that is not a web page and whose envelope does not say
// "success": false.
func Succeeded(r *capture.Response) bool {
	if r == nil || r.Status < 200 || r.Status > 299 {
		return false
	}
	e := readEnvelope(r.Body)
	return !e.HTML && (e.Success == nil || *e.Success)
}

package diagnose

// This file holds the facts about the Alteg.io API that the checks rely on;
// /work/shared/notes/altegio-api.md gives their sources. Nothing else in
// the program knows them.

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// Hosts and media types.
const (
	apiHost      = "api.alteg.io"
	appHost      = "app.alteg.io"
	yclientsHost = "api.yclients.com"

	mediaType         = "application/vnd.api.v2+json"
	yclientsMediaType = "application/vnd.yclients.v2+json"
)

// Rate limit, per IP address.
const (
	ratePerSecond = 5
	ratePerMinute = 200
)

// The Authorization header support expects.
const (
	authPartner = "Bearer {{partner_token}}"
	authBoth    = "Bearer {{partner_token}}, User {{user_token}}"
)

// hostKind says whose host a call went to.
type hostKind int

const (
	hostAPI      hostKind = iota // api.alteg.io
	hostApp                      // app.alteg.io: the web app and some marketplace endpoints
	hostAltegio                  // another *.alteg.io name, or alteg.io itself
	hostTypo                     // a name that looks like a misspelled api.alteg.io
	hostYclients                 // a YCLIENTS host
	hostLocal                    // loopback, a private address, a single-label name
	hostCustom                   // anything else: a gateway or proxy of the user's own
)

type hostInfo struct {
	kind   hostKind
	scheme string
	name   string // lower-case, without the port
	path   string
	url    *url.URL
}

// alteg says whether the host is one of Alteg.io's own or looks meant to be.
func (h hostInfo) alteg() bool {
	return h.kind == hostAPI || h.kind == hostApp || h.kind == hostAltegio || h.kind == hostTypo
}

// apiLike says whether Alteg.io's API rules apply to the host: its own
// hosts and look-alikes, and local or custom hosts, which are usually a
// test server or gateway that imitates it.
func (h hostInfo) apiLike() bool { return h.kind != hostYclients }

func classifyHost(raw string) hostInfo {
	u, err := url.Parse(raw)
	if err != nil {
		return hostInfo{kind: hostCustom}
	}
	h := hostInfo{scheme: strings.ToLower(u.Scheme), name: strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), path: u.EscapedPath(), url: u}
	switch n := h.name; {
	case n == apiHost:
		h.kind = hostAPI
	case n == appHost:
		h.kind = hostApp
	case n == "alteg.io" || strings.HasSuffix(n, ".alteg.io"):
		h.kind = hostAltegio
	case n == "yclients.com" || strings.HasSuffix(n, ".yclients.com"):
		h.kind = hostYclients
	case isLocal(n):
		h.kind = hostLocal
	case looksLikeAltegio(n):
		h.kind = hostTypo
	default:
		h.kind = hostCustom
	}
	return h
}

func isLocal(name string) bool {
	if ip := net.ParseIP(name); ip != nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()
	}
	if !strings.Contains(name, ".") {
		return true // localhost, a container name
	}
	for _, suffix := range []string{".localhost", ".local", ".internal", ".test", ".lan", ".home.arpa"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// looksLikeAltegio catches the usual misspellings: api.altegio.com,
// api.alteg.com, api.alteq.io, api-alteg.io.
func looksLikeAltegio(name string) bool {
	if strings.Contains(name, "alteg") {
		return true
	}
	return apispec.EditDistance(name, apiHost) <= 2
}

// apiPath returns the path after /api/v1/ or /api/v2/, split into
// segments, and the version ("v1", "v2"; "" when the path is not under
// /api/vN/).
func apiPath(p string) (version string, segs []string) {
	p = strings.Trim(p, "/")
	parts := strings.Split(p, "/")
	if len(parts) < 2 || parts[0] != "api" || (parts[1] != "v1" && parts[1] != "v2") {
		return "", nil
	}
	return parts[1], parts[2:]
}

// businessSegments are the first path segments of endpoints that read or
// change a location's business data, which needs the user token.
var businessSegments = map[string]bool{
	"records": true, "record": true,
	"clients": true, "client": true,
	"transactions": true, "finance_transactions": true,
	"staff": true, "visits": true, "visit": true,
	"appointments": true, "timetable": true, "schedule": true,
	"storage_operations": true, "goods": true, "loyalty": true,
}

// isBusinessPath says whether the path reads business data:
// records, clients, transactions, staff, or company/{id}/... .
func isBusinessPath(p string) bool {
	_, segs := apiPath(p)
	if len(segs) == 0 {
		return false
	}
	if businessSegments[segs[0]] {
		return true
	}
	// company/{id} alone is the public location card; anything below it
	// is the location's data.
	return segs[0] == "company" && len(segs) >= 3 && segs[2] != ""
}

// isLoginPath says whether the path is one of the logins that return a
// user token; replaying them creates nothing.
func isLoginPath(p string) bool {
	_, segs := apiPath(p)
	s := strings.Join(segs, "/")
	return s == "auth" || s == "booking/auth" || s == "user/auth"
}

// acceptTypes lists the media types of an Accept value, without their
// parameters (a charset parameter is allowed by the API).
func acceptTypes(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, _, err := mime.ParseMediaType(part)
		if err != nil {
			mt = strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		}
		out = append(out, mt)
	}
	return out
}

// fieldRenames pairs field names that differ between the API versions, so
// that a 422 on one can point at the other.
var fieldRenames = map[string]string{
	"staff_id":       "team_member_id",
	"team_member_id": "staff_id",
}

// jsonError checks that b is valid JSON and, when it is not, says where
// the first error is, counting lines and columns from 1. A placeholder
// that redaction put where a bare value stood (a numeric token in the body)
// is not an error of the user's.
func jsonError(b []byte) (line, col int, msg string, bad bool) {
	if json.Valid(b) || json.Valid(placeholderRE.ReplaceAll(b, []byte("1"))) {
		return 0, 0, "", false
	}
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		return 0, 0, "", false
	}
	pos := len(b)
	var se *json.SyntaxError
	if errors.As(err, &se) && !strings.Contains(se.Error(), "unexpected end") {
		// Offset counts the bytes read, the offending one included.
		pos = max(int(se.Offset)-1, 0)
	}
	pos = min(pos, len(b))
	start := bytes.LastIndexByte(b[:pos], '\n') + 1
	line = 1 + bytes.Count(b[:pos], []byte("\n"))
	col = utf8.RuneCount(b[start:pos]) + 1
	return line, col, err.Error(), true
}

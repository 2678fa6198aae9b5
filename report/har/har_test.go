package har

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

// specChecker checks a decoded HAR document against the HAR 1.2 spec: the
// required fields of every object, their JSON types, and the rules on
// values (ISO 8601 dates, timings of -1 or more with send, wait and receive
// never negative, time equal to the sum of the timings). It reads the JSON
// as generic values, so it checks the file and not this package's types.
type specChecker struct {
	errs []string
}

func (c *specChecker) errorf(path, format string, a ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, a...))
}

// iso8601 is the spec's date format, e.g. 2009-07-24T19:20:30.45+01:00.
var iso8601 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)

// fields checks that obj is an object holding each named field with the
// given JSON type ("string", "number", "integer", "array", "object",
// "boolean"), and returns the object.
func (c *specChecker) fields(path string, v any, want map[string]string) map[string]any {
	obj, ok := v.(map[string]any)
	if !ok {
		c.errorf(path, "is %T, want an object", v)
		return nil
	}
	for name, typ := range want {
		f, ok := obj[name]
		if !ok {
			c.errorf(path, "required field %q is missing", name)
			continue
		}
		c.typed(path+"."+name, f, typ)
	}
	// Optional fields that are present must have the right type too.
	for name, typ := range optional[path[strings.LastIndex(path, ">")+1:]] {
		if f, ok := obj[name]; ok {
			c.typed(path+"."+name, f, typ)
		}
	}
	// Custom fields start with an underscore; anything else must be a
	// field the spec defines.
	for name := range obj {
		_, req := want[name]
		_, opt := optional[path[strings.LastIndex(path, ">")+1:]][name]
		if !req && !opt && !strings.HasPrefix(name, "_") {
			c.errorf(path, "field %q is not in HAR 1.2 and does not start with _", name)
		}
	}
	return obj
}

func (c *specChecker) typed(path string, v any, typ string) {
	ok := false
	switch typ {
	case "string":
		_, ok = v.(string)
	case "number":
		_, ok = v.(float64)
	case "integer":
		f, isNum := v.(float64)
		ok = isNum && f == math.Trunc(f)
	case "array":
		_, ok = v.([]any)
	case "object":
		_, ok = v.(map[string]any)
	case "boolean":
		_, ok = v.(bool)
	}
	if !ok {
		c.errorf(path, "is %T (%v), want %s", v, v, typ)
	}
}

// optional lists the optional fields of each object the spec defines, by
// the object's kind (the part of the path after the last ">").
var optional = map[string]map[string]string{
	"log":         {"browser": "object", "pages": "array", "comment": "string"},
	"creator":     {"comment": "string"},
	"entry":       {"pageref": "string", "serverIPAddress": "string", "connection": "string", "comment": "string"},
	"request":     {"postData": "object", "comment": "string"},
	"response":    {"comment": "string"},
	"header":      {"comment": "string"},
	"query":       {"comment": "string"},
	"cookie":      {"path": "string", "domain": "string", "expires": "string", "httpOnly": "boolean", "secure": "boolean", "comment": "string"},
	"postData":    {"params": "array", "text": "string", "comment": "string"},
	"content":     {"compression": "integer", "text": "string", "encoding": "string", "comment": "string"},
	"cache":       {"beforeRequest": "object", "afterRequest": "object", "comment": "string"},
	"timings":     {"blocked": "number", "dns": "number", "connect": "number", "ssl": "number", "comment": "string"},
	"har":         {},
	"logcontents": {},
}

func (c *specChecker) check(data []byte) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		c.errorf("file", "not JSON: %v", err)
		return
	}
	top := c.fields(">har", doc, map[string]string{"log": "object"})
	if top == nil {
		return
	}
	log := c.fields("log>log", top["log"], map[string]string{"version": "string", "creator": "object", "entries": "array"})
	if log == nil {
		return
	}
	if log["version"] != "1.2" {
		c.errorf("log.version", "is %v, want 1.2", log["version"])
	}
	c.fields("log.creator>creator", log["creator"], map[string]string{"name": "string", "version": "string"})
	entries, _ := log["entries"].([]any)
	for i, ev := range entries {
		p := fmt.Sprintf("log.entries[%d]", i)
		e := c.fields(p+">entry", ev, map[string]string{
			"startedDateTime": "string", "time": "number", "request": "object",
			"response": "object", "cache": "object", "timings": "object",
		})
		if e == nil {
			continue
		}
		if s, _ := e["startedDateTime"].(string); !iso8601.MatchString(s) {
			c.errorf(p+".startedDateTime", "%q is not ISO 8601", s)
		}
		if ip, ok := e["serverIPAddress"].(string); ok && net.ParseIP(ip) == nil {
			c.errorf(p+".serverIPAddress", "%q is not an IP address", ip)
		}
		c.request(p+".request", e["request"])
		c.response(p+".response", e["response"])
		c.fields(p+".cache>cache", e["cache"], nil)
		c.timings(p, e)
	}
}

func (c *specChecker) nameValues(path, kind string, v any) {
	list, _ := v.([]any)
	for i, item := range list {
		c.fields(fmt.Sprintf("%s[%d]>%s", path, i, kind), item, map[string]string{"name": "string", "value": "string"})
	}
}

func (c *specChecker) request(p string, v any) {
	r := c.fields(p+">request", v, map[string]string{
		"method": "string", "url": "string", "httpVersion": "string", "cookies": "array",
		"headers": "array", "queryString": "array", "headersSize": "integer", "bodySize": "integer",
	})
	if r == nil {
		return
	}
	c.nameValues(p+".cookies", "cookie", r["cookies"])
	c.nameValues(p+".headers", "header", r["headers"])
	c.nameValues(p+".queryString", "query", r["queryString"])
	if pd, ok := r["postData"]; ok {
		c.fields(p+".postData>postData", pd, map[string]string{"mimeType": "string"})
	}
}

func (c *specChecker) response(p string, v any) {
	r := c.fields(p+">response", v, map[string]string{
		"status": "integer", "statusText": "string", "httpVersion": "string", "cookies": "array",
		"headers": "array", "content": "object", "redirectURL": "string", "headersSize": "integer", "bodySize": "integer",
	})
	if r == nil {
		return
	}
	c.nameValues(p+".cookies", "cookie", r["cookies"])
	c.nameValues(p+".headers", "header", r["headers"])
	ct := c.fields(p+".content>content", r["content"], map[string]string{"size": "integer", "mimeType": "string"})
	if enc, ok := ct["encoding"]; ok {
		if enc != "base64" {
			c.errorf(p+".content.encoding", "%v, want base64", enc)
		} else if _, err := base64.StdEncoding.DecodeString(ct["text"].(string)); err != nil {
			c.errorf(p+".content.text", "not base64: %v", err)
		}
	}
}

// timings checks the rules on timings and time: send, wait and receive
// are required and not negative; the other phases are -1 or more; ssl is
// part of connect; time is the sum of the phases that happened.
func (c *specChecker) timings(p string, e map[string]any) {
	t := c.fields(p+".timings>timings", e["timings"], map[string]string{"send": "number", "wait": "number", "receive": "number"})
	if t == nil {
		return
	}
	sum := 0.0
	for _, name := range []string{"blocked", "dns", "connect", "send", "wait", "receive", "ssl"} {
		v, ok := t[name].(float64)
		if !ok {
			continue
		}
		floor := -1.0
		if name == "send" || name == "wait" || name == "receive" {
			floor = 0
		}
		if v < floor {
			c.errorf(p+".timings."+name, "%v is below %v", v, floor)
		}
		if v > 0 && name != "ssl" {
			sum += v
		}
	}
	if ssl, _ := t["ssl"].(float64); ssl > 0 {
		if conn, _ := t["connect"].(float64); conn < ssl {
			c.errorf(p+".timings", "ssl %v is not included in connect %v", ssl, conn)
		}
	}
	if tm, _ := e["time"].(float64); math.Abs(tm-sum) > 0.0005 {
		c.errorf(p+".time", "%v is not the sum of the timings %v", tm, sum)
	}
}

func validate(t *testing.T, data []byte) {
	t.Helper()
	c := &specChecker{}
	c.check(data)
	for _, e := range c.errs {
		t.Error(e)
	}
}

var ms = time.Millisecond

// exchanges covers the shapes a HAR must hold: a TLS call with a JSON
// body, a redirect, a binary and a truncated body, and a call that never
// got a response.
func exchanges() map[string]*capture.Exchange {
	started := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	tls := &capture.TLS{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ALPN: "h2", ServerName: "api.alteg.io",
		Chain: []capture.Cert{{Subject: "CN=api.alteg.io", Issuer: "CN=R3", NotBefore: started.Add(-24 * time.Hour), NotAfter: started.Add(24 * time.Hour), Names: []string{"api.alteg.io"}, SHA256: "ab12"}}}
	return map[string]*capture.Exchange{
		"POST over TLS": {
			Started: started, Source: capture.Source{Replayed: true, From: "command line"},
			Hops: []capture.Hop{{
				Request: capture.Sent{Method: "POST", URL: "https://api.alteg.io/api/v1/records/1?a=1&b=x%20y&c&d=%ZZ#frag", Proto: "HTTP/2.0",
					Header: capture.Headers{{Name: "Authorization", Value: "Bearer {{partner_token}}", Origin: capture.FromUser}, {Name: "Cookie", Value: "sid={{cookie_session}}; lang=en", Origin: capture.FromUser}, {Name: "Content-Length", Value: "13", Origin: capture.FromTransport}},
					Body:   capture.Body{Data: []byte(`{"a":"<b>"}` + "\n\n"), Size: 13, ContentType: "application/json"}},
				Response: &capture.Response{Proto: "HTTP/2.0", Status: 422, StatusText: "Unprocessable Entity",
					Header: capture.Headers{{Name: "Content-Type", Value: "application/json; charset=utf-8"}, {Name: "Set-Cookie", Value: "sid=abc; Path=/; HttpOnly; Secure; Expires=Mon, 30 Nov 2026 10:00:00 GMT"}},
					Body:   capture.Body{Data: []byte(`{"success":false}`), Size: 17, WireSize: 9, Encoding: "gzip", ContentType: "application/json; charset=utf-8"}},
				Timings: capture.Timings{DNS: 2 * ms, Connect: 5 * ms, TLS: 9 * ms, Wait: 20 * ms, Download: ms, Total: 40 * ms},
				Conn:    capture.Conn{RemoteAddr: "[2001:db8::1]:443", LocalAddr: "[2001:db8::2]:51234"},
				TLS:     tls,
			}},
		},
		"redirect, binary and truncated": {
			Started: started, Source: capture.Source{Replayed: true},
			Hops: []capture.Hop{
				{
					Request:  capture.Sent{Method: "GET", URL: "http://api.alteg.io/x", Proto: "HTTP/1.1"},
					Response: &capture.Response{Proto: "HTTP/1.1", Status: 301, StatusText: "Moved Permanently", Header: capture.Headers{{Name: "Location", Value: "https://api.alteg.io/x"}}, Body: capture.Body{WireSize: 0}},
					Timings:  capture.Timings{DNS: capture.Skipped, Connect: ms, TLS: capture.Skipped, Wait: 3 * ms, Download: 0, Total: 5 * ms},
					Conn:     capture.Conn{RemoteAddr: "203.0.113.10:80"},
				},
				{
					Request:  capture.Sent{Method: "GET", URL: "https://api.alteg.io/x", Proto: "HTTP/1.1"},
					Response: &capture.Response{Proto: "HTTP/1.1", Status: 200, StatusText: "OK", Body: capture.Body{Data: []byte{0, 1, 0xff}, Size: 1 << 20, Truncated: true, Binary: true, WireSize: 1 << 20, ContentType: "image/png"}},
					Timings:  capture.Timings{DNS: capture.Skipped, Connect: capture.Skipped, TLS: capture.Skipped, Wait: 7 * ms, Download: 2 * ms, Total: 9500 * time.Microsecond},
					Conn:     capture.Conn{RemoteAddr: "203.0.113.10:443", Reused: true},
					Dropped:  []string{"Authorization"},
				},
			},
		},
		"refused": {
			Started: started, Source: capture.Source{Replayed: true},
			Hops: []capture.Hop{{
				Request: capture.Sent{Method: "PUT", URL: "http://127.0.0.1:1/x", Body: capture.Body{Data: []byte{0, 0xfe}, Size: 2, Binary: true, ContentType: "application/octet-stream"}},
				Timings: capture.Timings{DNS: capture.Skipped, Connect: capture.Skipped, TLS: capture.Skipped, Wait: capture.Skipped, Download: capture.Skipped, Total: ms},
			}},
			Fault: &capture.Fault{Kind: capture.FaultRefused, Message: "the server at 127.0.0.1:1 refused the connection", Detail: "dial tcp: connection refused"},
		},
		"never started": {
			Started: started,
			Hops:    []capture.Hop{{Request: capture.Sent{Method: "GET", URL: "http://x"}, Timings: capture.NoTimings()}},
			Fault:   &capture.Fault{Kind: capture.FaultOther, Message: "the URL could not be parsed"},
		},
	}
}

func TestEncodeFollowsTheSpec(t *testing.T) {
	for name, ex := range exchanges() {
		t.Run(name, func(t *testing.T) {
			validate(t, Encode(ex, "v1.2.3", Options{}))
		})
	}
}

// TestCheckerCatchesMistakes makes sure the checker is not a rubber stamp.
func TestCheckerCatchesMistakes(t *testing.T) {
	good := string(Encode(exchanges()["POST over TLS"], "v1", Options{}))
	breakers := map[string]func(string) string{
		"missing cache": func(s string) string { return strings.Replace(s, `"cache": {},`, "", 1) },
		"negative wait": func(s string) string { return strings.Replace(s, `"wait": 20,`, `"wait": -1,`, 1) },
		"time off":      func(s string) string { return strings.Replace(s, `"time": 40,`, `"time": 41,`, 1) },
		"bad date":      func(s string) string { return strings.Replace(s, `2026-11-29T10:00:00.000Z`, `29/11/2026`, 1) },
		"unknown field": func(s string) string { return strings.Replace(s, `"cache": {},`, `"cache": {}, "tls": 1,`, 1) },
		"string status": func(s string) string { return strings.Replace(s, `"status": 422,`, `"status": "422",`, 1) },
		"ip with port": func(s string) string {
			return strings.Replace(s, `"serverIPAddress": "2001:db8::1"`, `"serverIPAddress": "[2001:db8::1]:443"`, 1)
		},
		"ssl outside conn": func(s string) string { return strings.Replace(s, `"connect": 14,`, `"connect": 5,`, 1) },
		"no header value":  func(s string) string { return strings.Replace(s, `"value": "Bearer {{partner_token}}",`, ``, 1) },
		"no content type": func(s string) string {
			return strings.Replace(s, `"mimeType": "application/json; charset=utf-8",`, ``, 1)
		},
		"missing headersSz": func(s string) string { return strings.Replace(s, `"headersSize": -1,`, ``, 1) },
	}
	for name, breakIt := range breakers {
		t.Run(name, func(t *testing.T) {
			bad := breakIt(good)
			if bad == good {
				t.Fatal("the breaker changed nothing; fix the test")
			}
			c := &specChecker{}
			c.check([]byte(bad))
			if len(c.errs) == 0 {
				t.Errorf("the checker accepted a HAR with %s", name)
			}
		})
	}
}

func TestTimings(t *testing.T) {
	tests := map[string]struct {
		in       capture.Timings
		want     Timings
		wantTime float64
	}{
		"tls call": {
			capture.Timings{DNS: 2 * ms, Connect: 5 * ms, TLS: 9 * ms, Wait: 20 * ms, Download: ms, Total: 40 * ms},
			Timings{Blocked: -1, DNS: 2, Connect: 14, Send: 3, Wait: 20, Receive: 1, SSL: 9}, 40,
		},
		"reused connection": {
			capture.Timings{DNS: capture.Skipped, Connect: capture.Skipped, TLS: capture.Skipped, Wait: 1500 * time.Microsecond, Download: 250 * time.Microsecond, Total: 2 * ms},
			Timings{Blocked: -1, DNS: -1, Connect: -1, Send: 0.25, Wait: 1.5, Receive: 0.25, SSL: -1}, 2,
		},
		"refused": {
			capture.Timings{DNS: capture.Skipped, Connect: capture.Skipped, TLS: capture.Skipped, Wait: capture.Skipped, Download: capture.Skipped, Total: ms},
			Timings{Blocked: -1, DNS: -1, Connect: -1, Send: 1, Wait: 0, Receive: 0, SSL: -1}, 1,
		},
		"nothing happened": {capture.NoTimings(), Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1}, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, gotTime := timings(tc.in)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("timings (-want +got):\n%s", d)
			}
			if gotTime != tc.wantTime {
				t.Errorf("time = %v, want %v", gotTime, tc.wantTime)
			}
		})
	}
}

func TestBuildEntries(t *testing.T) {
	exs := exchanges()
	h := Build(exs["redirect, binary and truncated"], "v1", Options{})
	if len(h.Log.Entries) != 2 {
		t.Fatalf("%d entries, want one per hop (2)", len(h.Log.Entries))
	}
	first, second := h.Log.Entries[0], h.Log.Entries[1]
	got := map[string]any{
		"redirectURL":   first.Response.RedirectURL,
		"second start":  second.StartedDateTime,
		"encoding":      second.Response.Content.Encoding,
		"text":          second.Response.Content.Text,
		"truncated":     second.Response.Content.Truncated,
		"dropped":       strings.Join(second.DroppedHeaders, ","),
		"server":        first.ServerIPAddress,
		"content size":  second.Response.Content.Size,
		"body size":     second.Response.BodySize,
		"truncated say": second.Response.Content.Comment,
	}
	want := map[string]any{
		"redirectURL":   "https://api.alteg.io/x",
		"second start":  "2026-11-29T10:00:00.005Z",
		"encoding":      "base64",
		"text":          base64.StdEncoding.EncodeToString([]byte{0, 1, 0xff}),
		"truncated":     true,
		"dropped":       "Authorization",
		"server":        "203.0.113.10",
		"content size":  int64(1 << 20),
		"body size":     int64(1 << 20),
		"truncated say": "truncated: the text holds the first 3 of 1048576 bytes",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}

	post := Build(exs["POST over TLS"], "v1", Options{}).Log.Entries[0]
	if d := cmp.Diff([]Query{{"a", "1"}, {"b", "x y"}, {"c", ""}, {"d", "%ZZ"}}, post.Request.QueryString); d != "" {
		t.Errorf("queryString (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]Cookie{{Name: "sid", Value: "{{cookie_session}}"}, {Name: "lang", Value: "en"}}, post.Request.Cookies); d != "" {
		t.Errorf("request cookies (-want +got):\n%s", d)
	}
	if c := post.Response.Cookies; len(c) != 1 || !c[0].HTTPOnly || !c[0].Secure || c[0].Expires != "2026-11-30T10:00:00Z" {
		t.Errorf("response cookies = %+v", c)
	}
	if post.Request.URL != "https://api.alteg.io/api/v1/records/1?a=1&b=x%20y&c&d=%ZZ" {
		t.Errorf("url = %q, want it without the fragment", post.Request.URL)
	}
	if post.TLS == nil || post.TLS.Version != "TLS 1.3" || len(post.TLS.Certificates) != 1 {
		t.Errorf("_tls = %+v", post.TLS)
	}
	if c := post.Response.Content.Compression; c == nil || *c != 8 {
		t.Errorf("compression = %v, want 8 bytes saved", c)
	}
	if post.Request.PostData == nil || post.Request.PostData.Text != "{\"a\":\"<b>\"}\n\n" {
		t.Errorf("postData = %+v", post.Request.PostData)
	}

	refused := Build(exs["refused"], "v1", Options{}).Log.Entries[0]
	if refused.Response.Status != 0 || refused.Response.Error == "" || refused.Fault == nil || refused.Fault.Kind != "connection-refused" {
		t.Errorf("refused entry: response %+v, fault %+v", refused.Response, refused.Fault)
	}
	if pd := refused.Request.PostData; pd == nil || pd.Encoding != "base64" || pd.Text != "AP4=" {
		t.Errorf("binary postData = %+v", pd)
	}
}

// TestEncodeRealCapture validates the HAR of a real replay: a TLS server
// that redirects once, so that there are two entries with measured
// timings, a TLS session and a certificate chain.
func TestEncodeRealCapture(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new?x=1", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "sid=abc; Path=/; HttpOnly")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"success":false,"meta":{"message":"Authentication needed."}}`)
	}))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	ex := capture.Replay(context.Background(), capture.Request{Method: "GET", URL: srv.URL + "/old",
		Header: capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json", Origin: capture.FromUser}}},
		capture.Options{RootCAs: pool, Timeout: 10 * time.Second})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	data := Encode(ex, "test", Options{})
	validate(t, data)
	h := Build(ex, "test", Options{})
	if len(h.Log.Entries) != 2 {
		t.Fatalf("%d entries, want 2", len(h.Log.Entries))
	}
	first, last := h.Log.Entries[0], h.Log.Entries[1]
	if first.Response.Status != 302 || first.Response.RedirectURL != "/new?x=1" || last.Response.Status != 401 {
		t.Errorf("statuses %d (to %q), %d", first.Response.Status, first.Response.RedirectURL, last.Response.Status)
	}
	if first.TLS == nil || first.TLS.Version == "" || len(first.TLS.Certificates) == 0 || first.Timings.SSL < 0 {
		t.Errorf("first entry TLS %+v, ssl %v", first.TLS, first.Timings.SSL)
	}
	if first.ServerIPAddress != "127.0.0.1" || len(last.Response.Cookies) != 1 {
		t.Errorf("server %q, cookies %+v", first.ServerIPAddress, last.Response.Cookies)
	}
}

// TestWithheldBodyComment: a body capture did not keep has no text, and
// the comment says why.
func TestWithheldBodyComment(t *testing.T) {
	b := capture.Body{Size: 1234, Withheld: "the body is zstd-encoded, which altegio-ticket cannot decode"}
	if got := truncation(b); got != "not kept: the body is zstd-encoded, which altegio-ticket cannot decode" {
		t.Errorf("comment = %q", got)
	}
}

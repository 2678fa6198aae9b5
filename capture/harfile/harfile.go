// Package harfile owns reading a HAR file exported from a browser's
// network panel (Chrome, Firefox, and HAR 1.2 in general): List summarises
// its entries, Pick chooses the failing call, Read decodes one entry, and
// an Entry becomes either a capture.Request to replay or a
// capture.Recording of what the browser saw, for a ticket built without
// any network call.
//
// The file is read as a stream, one entry at a time, so memory follows the
// largest entry rather than the whole file. Optional fields may be missing
// and numbers may come as floats or strings; HTTP/2 pseudo-headers
// (":authority", ":path", ...) are not headers and are left out.
package harfile

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/altegio/altegio-ticket/capture"
)

// Summary is one entry as WriteList shows it.
type Summary struct {
	// Index counts entries from 1.
	Index  int
	Method string
	// URL is the full URL, secrets included: print SafeURL(URL) instead.
	URL string
	// Status is 0 when the browser recorded no response.
	Status int
	// Error is the browser's reason for a failed request, e.g.
	// "net::ERR_CONNECTION_REFUSED"; "" when none was recorded.
	Error string
	// API is true when the entry looks like an API call rather than a page
	// resource: a fetch or XHR request, a JSON response, or an /api/ path.
	API bool
}

// Failed reports whether the entry is a failure worth a ticket: a status
// of 400 or more, or no response at all.
func (s Summary) Failed() bool { return s.Status == 0 || s.Status >= 400 }

// List reads every entry of a HAR file and summarises it.
func List(r io.Reader) ([]Summary, error) {
	var out []Summary
	err := scan(r, func(i int, e *entry) (bool, error) {
		out = append(out, e.summary(i))
		return true, nil
	})
	return out, err
}

// Pick returns the index of the entry to use when none was chosen: the last
// failing entry that looks like an API call, else the last failing entry.
// ok is false when no entry failed.
func Pick(list []Summary) (index int, ok bool) {
	for _, apiOnly := range []bool{true, false} {
		for i := len(list) - 1; i >= 0; i-- {
			if s := list[i]; s.Failed() && (s.API || !apiOnly) {
				return s.Index, true
			}
		}
	}
	return 0, false
}

// Entry is one decoded HAR entry.
type Entry struct {
	Index int
	e     *entry
}

// ErrNoEntry is returned by Read when the file has no entry with that
// index.
var ErrNoEntry = errors.New("no such entry")

// Read decodes entry index (counting from 1) of a HAR file.
func Read(r io.Reader, index int) (*Entry, error) {
	var found *entry
	n := 0
	err := scan(r, func(i int, e *entry) (bool, error) {
		n = i
		if i == index {
			found = e
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, fmt.Errorf("%w: the file has %d entries, numbered from 1", ErrNoEntry, n)
	}
	return &Entry{Index: index, e: found}, nil
}

// ErrBodyMissing is returned by Entry.Request when the HAR says the
// request had a body but does not hold it.
var ErrBodyMissing = errors.New("the HAR file does not hold this request's body")

// ErrNotHTTP is returned by Entry.Request for an entry whose URL is not
// an http(s) one (a data: or blob: URL, say).
var ErrNotHTTP = errors.New("not an http(s) call")

// Request returns the request to replay: the method, URL, headers in the
// browser's order (marked capture.FromUser) and body. Pseudo-headers and
// the headers the transport computes (Content-Length, Transfer-Encoding)
// are left out; the cookies go in the Cookie header as the browser sent
// them. Accept-Encoding goes out as the browser sent it: capture decodes
// gzip, deflate, br and zstd. notes say what was changed, without values
// (there is nothing to say today; the result is kept for callers).
func (x *Entry) Request() (req capture.Request, notes []string, err error) {
	req, err = x.request(true)
	if err != nil {
		return req, nil, err
	}
	return req, nil, nil
}

// request maps the HAR request. forReplay drops the headers the transport
// computes and fails when the body is missing.
func (x *Entry) request(forReplay bool) (capture.Request, error) {
	hr := x.e.Request
	u, err := url.Parse(hr.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		scheme := "an unreadable"
		if err == nil && u.Scheme != "" {
			scheme = "a " + u.Scheme + ":"
		}
		return capture.Request{}, fmt.Errorf("entry %d is %s URL, %w", x.Index, scheme, ErrNotHTTP)
	}
	method := hr.Method
	if method == "" {
		method = "GET"
	}
	req := capture.Request{Method: method, URL: hr.URL}
	hasCookie := false
	for _, h := range hr.Headers {
		if h.Name == "" || strings.HasPrefix(h.Name, ":") {
			continue // an HTTP/2 pseudo-header: part of the URL, not a header
		}
		if forReplay && (strings.EqualFold(h.Name, "Content-Length") || strings.EqualFold(h.Name, "Transfer-Encoding") || h.Origin == "transport") {
			// The transport computes these again; a HAR written by
			// altegio-ticket marks every header the transport added.
			continue
		}
		if strings.EqualFold(h.Name, "Cookie") {
			hasCookie = true
		}
		req.Header = append(req.Header, capture.Header{Name: h.Name, Value: h.Value, Origin: capture.FromUser})
	}
	if !hasCookie && len(hr.Cookies) > 0 {
		var parts []string
		for _, c := range hr.Cookies {
			parts = append(parts, c.Name+"="+c.Value)
		}
		req.Header = append(req.Header, capture.Header{Name: "Cookie", Value: strings.Join(parts, "; "), Origin: capture.FromUser})
	}
	body, err := hr.body()
	if err != nil {
		return req, fmt.Errorf("entry %d: %w", x.Index, err)
	}
	if body == nil && float64(hr.BodySize) > 0 && forReplay {
		return req, fmt.Errorf("entry %d: %w (%d bytes); export the HAR again with content", x.Index, ErrBodyMissing, int64(hr.BodySize))
	}
	req.Body = body
	return req, nil
}

// Recording returns what the browser recorded for the entry, for a ticket
// built without replaying it; from becomes Source.From.
//
// A HAR written by altegio-ticket may keep the response body in a file
// next to it rather than in the HAR (its content names the file in
// _file). folder is where to look for it, the HAR's own folder; nil, or a
// file that is not there, leaves the body out and says why in
// RecordedResponse.Omitted. A body found there is an open fs.File in
// RecordedResponse.Body, which the caller closes once capture.Recorded has
// read it.
func (x *Entry) Recording(from string, folder fs.FS) (capture.Recording, error) {
	req, err := x.request(false)
	if err != nil {
		return capture.Recording{}, err
	}
	e := x.e
	rec := capture.Recording{
		Request:    req,
		Proto:      proto(e.Request.HTTPVersion),
		From:       from,
		Timings:    e.Timings.capture(float64(e.Time)),
		RemoteAddr: remoteAddr(e.ServerIPAddress, req.URL),
	}
	if t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err == nil {
		rec.Started = t
	}
	if e.Time > 0 {
		rec.Total = ms(float64(e.Time))
	}
	resp := e.Response
	if resp.Status.status() == 0 {
		rec.Fault = browserFault(resp.Error)
		return rec, nil
	}
	rr := &capture.RecordedResponse{
		Proto:      proto(resp.HTTPVersion),
		Status:     resp.Status.status(),
		StatusText: resp.StatusText,
		Decoded:    true, // browsers store the decoded content
		WireSize:   -1,
	}
	if rr.Proto == "" {
		rr.Proto = rec.Proto
	}
	if rr.StatusText == "" {
		// HTTP/2 has no reason phrase; show the standard one, as Go does.
		rr.StatusText = http.StatusText(rr.Status)
	}
	if resp.BodySize > 0 {
		rr.WireSize = int64(resp.BodySize)
	}
	hasSetCookie := false
	for _, h := range resp.Headers {
		if h.Name == "" || strings.HasPrefix(h.Name, ":") {
			continue
		}
		if strings.EqualFold(h.Name, "Set-Cookie") {
			hasSetCookie = true
		}
		rr.Header = append(rr.Header, capture.Header{Name: h.Name, Value: h.Value})
	}
	if !hasSetCookie {
		for _, c := range resp.Cookies {
			rr.Header = append(rr.Header, capture.Header{Name: "Set-Cookie", Value: c.setCookie()})
		}
	}
	if ct := resp.Content.MimeType; ct != "" && !rr.Header.Has("Content-Type") {
		rr.Header = append(rr.Header, capture.Header{Name: "Content-Type", Value: ct})
	}
	body, err := resp.Content.data()
	if err != nil {
		return rec, fmt.Errorf("entry %d: the response body: %w", x.Index, err)
	}
	switch {
	case body != nil:
		rr.Body = bytes.NewReader(body)
	case resp.Content.File != "":
		f, why := openBodyFile(folder, resp.Content.File)
		if f == nil {
			rr.Omitted = why
			rr.OmittedSize = int64(resp.Content.Size)
			break
		}
		rr.Body = f
		if resp.Content.Truncated {
			// The file holds the part of the body the ticket kept; the
			// size the HAR gives is the whole body's.
			rr.OmittedSize = int64(resp.Content.Size)
		}
	case resp.Content.Size > 0:
		rr.Omitted = "the HAR file does not hold this body (the browser did not save it)"
		rr.OmittedSize = int64(resp.Content.Size)
	}
	rec.Response = rr
	if resp.Error != "" {
		rec.Fault = browserFault(resp.Error)
	}
	return rec, nil
}

// openBodyFile opens the file a HAR's _file names in folder. The name
// must be a plain file name, as altegio-ticket writes it: a HAR from
// elsewhere cannot make the tool read a file from another folder into a
// ticket. why says what went wrong when the file is nil, without the
// user's paths.
func openBodyFile(folder fs.FS, name string) (f fs.File, why string) {
	shown := cut(name, 80)
	if name != path.Base(name) || !fs.ValidPath(name) || name == "." || strings.ContainsAny(name, `\:`) {
		return nil, fmt.Sprintf("the HAR file says the body is in %q, which is not a plain file name; it was not read", shown)
	}
	if folder == nil {
		return nil, fmt.Sprintf("the HAR file says the body is in %s, which was not read", shown)
	}
	f, err := folder.Open(name)
	if err == nil {
		if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
			return f, ""
		}
		f.Close()
		return nil, fmt.Sprintf("the HAR file says the body is in %s, which is not a regular file", shown)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("the HAR file says the body is in %s, which is not next to it; save the ticket's attachments in one folder", shown)
	}
	return nil, fmt.Sprintf("the HAR file says the body is in %s, which cannot be read", shown)
}

// proto turns a HAR httpVersion ("http/2.0", "h2", "HTTP/1.1") into Go's
// form ("HTTP/2.0").
func proto(v string) string {
	switch s := strings.ToLower(strings.TrimSpace(v)); s {
	case "":
		return ""
	case "h2", "http/2", "http/2.0":
		return "HTTP/2.0"
	case "h3", "http/3", "http/3.0":
		return "HTTP/3.0"
	case "http/1.1":
		return "HTTP/1.1"
	case "http/1.0":
		return "HTTP/1.0"
	}
	return v
}

// remoteAddr is the server's ip:port, the port taken from the URL.
func remoteAddr(ip, rawURL string) string {
	ip = strings.Trim(strings.TrimSpace(ip), "[]")
	if ip == "" {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return ip
	}
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(ip, port)
}

// browserFault describes a request the browser got no response for.
func browserFault(reason string) *capture.Fault {
	r := strings.ToUpper(reason)
	kind, what := capture.FaultOther, "the browser recorded no response"
	switch {
	case strings.Contains(r, "NAME_NOT_RESOLVED"):
		kind, what = capture.FaultDNS, "the browser could not resolve the host name"
	case strings.Contains(r, "CONNECTION_REFUSED"):
		kind, what = capture.FaultRefused, "the server refused the browser's connection"
	case strings.Contains(r, "TIMED_OUT"):
		kind, what = capture.FaultConnectTimeout, "the browser's connection timed out"
	case strings.Contains(r, "CERT_") || strings.Contains(r, "SSL_"):
		kind, what = capture.FaultTLS, "the browser rejected the server's TLS certificate or handshake"
	case strings.Contains(r, "CONNECTION_RESET") || strings.Contains(r, "CONNECTION_CLOSED") || strings.Contains(r, "EMPTY_RESPONSE"):
		kind, what = capture.FaultReset, "the connection was closed before a response arrived"
	case strings.Contains(r, "TOO_MANY_REDIRECTS"):
		kind, what = capture.FaultTooManyRedirects, "the browser stopped after too many redirects"
	case r == "NET::ERR_FAILED":
		what = "the browser recorded no response; when its console shows a CORS error, the browser blocked the call"
	}
	if reason != "" {
		what += " (" + reason + ")"
	}
	return &capture.Fault{Kind: kind, Message: what, Detail: reason}
}

// SafeURL shows a URL without its secrets, for the terminal: the query
// keeps its names but not its values, credentials and fragment are left
// out, and path segments that look like tokens or hashes become "…".
func SafeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(a URL that cannot be read)"
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host)
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if looksSecret(s) {
			segs[i] = "…"
		}
	}
	b.WriteString(strings.Join(segs, "/"))
	if u.RawQuery != "" {
		var names []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			name, _, _ := strings.Cut(kv, "=")
			if looksSecret(name) {
				name = "…"
			}
			names = append(names, name+"=…")
		}
		b.WriteString("?" + strings.Join(names, "&"))
	}
	return b.String()
}

// looksSecret reports whether a path segment looks like a token, a hash or
// a signature rather than a word or an id.
func looksSecret(s string) bool {
	if len(s) >= 24 {
		return true
	}
	if len(s) < 16 {
		return false
	}
	letters, digits := false, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			letters = true
		}
	}
	return letters && digits
}

// WriteList prints the entries: index, method, status and the URL
// without secrets. picked (0 for none) is marked with *; the caller says
// what the mark means.
func WriteList(w io.Writer, list []Summary, picked int) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "     #  %-7s  %-6s  %s\n", "METHOD", "STATUS", "URL (query values and token-like parts hidden)")
	for _, s := range list {
		mark := " "
		if s.Index == picked {
			mark = "*"
		}
		status := strconv.Itoa(s.Status)
		if s.Status == 0 {
			status = "failed"
		}
		line := fmt.Sprintf("%s %4d  %-7s  %-6s  %s", mark, s.Index, cut(s.Method, 7), status, cut(SafeURL(s.URL), 200))
		if s.Error != "" {
			line += "  (" + cut(s.Error, 60) + ")"
		}
		fmt.Fprintln(bw, line)
	}
	if len(list) == 0 {
		fmt.Fprintln(bw, "the file has no entries")
	}
	return bw.Flush()
}

// cut shortens a text from the HAR for one line of the terminal: runs of
// whitespace become one space and control characters go, so that a
// crafted file cannot move the cursor or fake a line.
func cut(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ms converts HAR milliseconds to a duration.
func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// entry is a HAR entry; fields that tools leave out decode as zero values.
type entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            num      `json:"time"`
	Request         request  `json:"request"`
	Response        response `json:"response"`
	Timings         timings  `json:"timings"`
	ServerIPAddress string   `json:"serverIPAddress"`
	ResourceType    string   `json:"_resourceType"`
}

func (e *entry) summary(i int) Summary {
	s := Summary{Index: i, Method: e.Request.Method, URL: e.Request.URL, Status: e.Response.Status.status(), Error: e.Response.Error}
	if s.Method == "" {
		s.Method = "GET"
	}
	rt := strings.ToLower(e.ResourceType)
	path := ""
	if u, err := url.Parse(e.Request.URL); err == nil {
		path = u.Path
	}
	s.API = rt == "xhr" || rt == "fetch" || strings.Contains(strings.ToLower(e.Response.Content.MimeType), "json") ||
		strings.Contains(path, "/api/")
	return s
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Origin is altegio-ticket's _origin: who put a request header on
	// the wire ("user", "tool", "transport").
	Origin string `json:"_origin"`
}

type cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path"`
	Domain   string `json:"domain"`
	Expires  string `json:"expires"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite"`
}

// setCookie writes a response cookie back as its Set-Cookie value.
func (c cookie) setCookie() string {
	parts := []string{c.Name + "=" + c.Value}
	if c.Path != "" {
		parts = append(parts, "Path="+c.Path)
	}
	if c.Domain != "" {
		parts = append(parts, "Domain="+c.Domain)
	}
	if c.Expires != "" {
		if t, err := time.Parse(time.RFC3339Nano, c.Expires); err == nil {
			parts = append(parts, "Expires="+t.UTC().Format(http.TimeFormat))
		}
	}
	if c.HTTPOnly {
		parts = append(parts, "HttpOnly")
	}
	if c.Secure {
		parts = append(parts, "Secure")
	}
	if c.SameSite != "" {
		parts = append(parts, "SameSite="+c.SameSite)
	}
	return strings.Join(parts, "; ")
}

type request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Headers     []nameValue `json:"headers"`
	Cookies     []cookie    `json:"cookies"`
	PostData    *postData   `json:"postData"`
	BodySize    num         `json:"bodySize"`
}

type postData struct {
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text"`
	Encoding string  `json:"encoding"`
	// Encoding2 is the custom _encoding altegio-ticket writes for a
	// binary request body: HAR 1.2 gives postData no encoding field.
	Encoding2 string `json:"_encoding"`
	Params    []struct {
		Name     string `json:"name"`
		Value    string `json:"value"`
		FileName string `json:"fileName"`
	} `json:"params"`
}

// body returns the request body; nil when the entry has none.
func (r *request) body() ([]byte, error) {
	p := r.PostData
	if p == nil {
		return nil, nil
	}
	if p.Text != nil {
		if strings.EqualFold(p.Encoding, "base64") || strings.EqualFold(p.Encoding2, "base64") {
			b, err := base64.StdEncoding.DecodeString(*p.Text)
			if err != nil {
				return nil, fmt.Errorf("the request body says base64 but is not: %v", err)
			}
			return b, nil
		}
		return []byte(*p.Text), nil
	}
	if len(p.Params) > 0 && strings.Contains(strings.ToLower(p.MimeType), "x-www-form-urlencoded") {
		var parts []string
		for _, kv := range p.Params {
			parts = append(parts, url.QueryEscape(kv.Name)+"="+url.QueryEscape(kv.Value))
		}
		return []byte(strings.Join(parts, "&")), nil
	}
	return nil, nil
}

type response struct {
	Status      num         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Headers     []nameValue `json:"headers"`
	Cookies     []cookie    `json:"cookies"`
	Content     content     `json:"content"`
	BodySize    num         `json:"bodySize"`
	Error       string      `json:"_error"`
}

type content struct {
	Size     num     `json:"size"`
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text"`
	Encoding string  `json:"encoding"`
	// File is altegio-ticket's own field: the ticket's request.har keeps
	// the final response's body once, in a file attached next to it
	// (response-body.json, say), and names that file here.
	File      string `json:"_file"`
	Truncated bool   `json:"_truncated"`
}

// data returns the response content, base64-decoded when the HAR says so;
// nil when the HAR holds none.
func (c *content) data() ([]byte, error) {
	if c.Text == nil {
		return nil, nil
	}
	if strings.EqualFold(c.Encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(*c.Text)
		if err != nil {
			return nil, fmt.Errorf("it says base64 but is not: %v", err)
		}
		return b, nil
	}
	return []byte(*c.Text), nil
}

type timings struct {
	DNS     *num `json:"dns"`
	Connect *num `json:"connect"`
	SSL     *num `json:"ssl"`
	Send    *num `json:"send"`
	Wait    *num `json:"wait"`
	Receive *num `json:"receive"`
}

// capture maps HAR timings (milliseconds, -1 for a phase that did not
// happen; connect includes ssl) to capture's; nil when none were recorded.
func (t timings) capture(total float64) *capture.Timings {
	if t.DNS == nil && t.Connect == nil && t.Wait == nil && t.Receive == nil {
		return nil
	}
	phase := func(p *num) time.Duration {
		if p == nil || *p < 0 {
			return capture.Skipped
		}
		return ms(float64(*p))
	}
	out := capture.Timings{DNS: phase(t.DNS), Connect: phase(t.Connect), TLS: phase(t.SSL), Wait: phase(t.Wait), Download: phase(t.Receive), Total: capture.Skipped}
	if out.Connect != capture.Skipped && out.TLS != capture.Skipped && out.Connect >= out.TLS {
		out.Connect -= out.TLS
	}
	if total > 0 {
		out.Total = ms(total)
	}
	return &out
}

// num is a number that may come as a JSON number, a string or null.
type num float64

// UnmarshalJSON reads a number, also when a tool wrote it as a string. A
// value that is not a finite number of a sane size (NaN, Inf, 1e300)
// reads as -1, "not recorded", rather than overflowing a duration.
func (n *num) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
			f = -1
		}
		*n = num(f)
	}
	return nil
}

// status reads a status code; anything but 100-999 is 0, "no status".
func (n num) status() int {
	if n < 100 || n > 999 {
		return 0
	}
	return int(n)
}

// scan walks log.entries of a HAR file as a stream and calls fn for each
// entry, counting from 1, until fn returns false.
func scan(r io.Reader, fn func(i int, e *entry) (bool, error)) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	bad := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("not a HAR file: the JSON breaks off or is invalid near byte %d; export it again", dec.InputOffset())
		}
		return fmt.Errorf("not a HAR file: %v", err)
	}
	if err := delim(dec, '{'); err != nil {
		return bad(err)
	}
	seen := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		if key != "log" {
			if err := skip(dec); err != nil {
				return bad(err)
			}
			continue
		}
		if err := delim(dec, '{'); err != nil {
			return bad(err)
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return bad(err)
			}
			if key != "entries" {
				if err := skip(dec); err != nil {
					return bad(err)
				}
				continue
			}
			seen = true
			if err := delim(dec, '['); err != nil {
				return bad(err)
			}
			for i := 1; dec.More(); i++ {
				var e entry
				if err := dec.Decode(&e); err != nil {
					var te *json.UnmarshalTypeError
					if errors.As(err, &te) {
						return fmt.Errorf("entry %d cannot be read: %s has the wrong type", i, te.Field)
					}
					return bad(err)
				}
				more, err := fn(i, &e)
				if err != nil || !more {
					return err
				}
			}
			return nil
		}
		break
	}
	if !seen {
		return errors.New("not a HAR file: it has no log.entries; export it from the browser's network panel (Save all as HAR)")
	}
	return nil
}

func delim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q near byte %d", string(want), dec.InputOffset())
	}
	return nil
}

func skip(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

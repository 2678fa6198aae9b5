// Package har owns request.har, the ticket attachment in HTTP Archive 1.2
// format (http://www.softwareishard.com/blog/har-12-spec/), which browser
// developer tools, Charles, Fiddler and Insomnia import.
//
// Encode turns a redacted exchange into a HAR log with one entry per hop,
// so a followed redirect shows as two entries. What HAR has no field for
// is kept in custom fields, whose names start with an underscore as the
// spec asks: _tls (the TLS session and certificate chain), _truncated (a
// body cut short), _encoding (a binary request body in base64), _origin
// (who added a request header), _droppedHeaders and _fault.
package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// Version is the HAR version written.
const Version = "1.2"

// HAR is the top-level object of a .har file.
type HAR struct {
	Log Log `json:"log"`
}

// Log is the HAR log object.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
}

// Creator names the program that wrote the log.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one request and its response.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         Timings  `json:"timings"`
	ServerIPAddress string   `json:"serverIPAddress,omitempty"`
	// Connection is the client port of the TCP connection, which tells
	// apart requests that shared one.
	Connection     string   `json:"connection,omitempty"`
	TLS            *TLS     `json:"_tls,omitempty"`
	DroppedHeaders []string `json:"_droppedHeaders,omitempty"`
	Fault          *Fault   `json:"_fault,omitempty"`
}

// Request is the HAR request object.
type Request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []Cookie  `json:"cookies"`
	Headers     []Header  `json:"headers"`
	QueryString []Query   `json:"queryString"`
	PostData    *PostData `json:"postData,omitempty"`
	HeadersSize int64     `json:"headersSize"`
	BodySize    int64     `json:"bodySize"`
}

// Response is the HAR response object. Status 0 means no response arrived.
type Response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion string   `json:"httpVersion"`
	Cookies     []Cookie `json:"cookies"`
	Headers     []Header `json:"headers"`
	Content     Content  `json:"content"`
	RedirectURL string   `json:"redirectURL"`
	HeadersSize int64    `json:"headersSize"`
	BodySize    int64    `json:"bodySize"`
	// Error says why no response arrived, as Chrome writes it.
	Error string `json:"_error,omitempty"`
}

// Header is a header field; Origin is set on request headers.
type Header struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Origin string `json:"_origin,omitempty"`
}

// Query is one query string parameter, decoded.
type Query struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Cookie is a cookie sent or set.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

// PostData is the request body.
type PostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	// Encoding is "base64" when Text holds binary data in base64; HAR has
	// this field for response content only.
	Encoding  string `json:"_encoding,omitempty"`
	Truncated bool   `json:"_truncated,omitempty"`
	Comment   string `json:"comment,omitempty"`
}

// Content is the response body.
type Content struct {
	Size        int64  `json:"size"`
	Compression *int64 `json:"compression,omitempty"`
	MimeType    string `json:"mimeType"`
	Text        string `json:"text,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
	Truncated   bool   `json:"_truncated,omitempty"`
	// File names the file that holds the body when Text does not.
	File    string `json:"_file,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Timings are the phases of an entry in milliseconds; -1 marks a phase
// that did not happen. Send, Wait and Receive are never negative.
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
	Comment string  `json:"comment,omitempty"`
}

// TLS is the custom _tls field: the TLS session of the hop.
type TLS struct {
	Version      string `json:"version,omitempty"`
	CipherSuite  string `json:"cipherSuite,omitempty"`
	ALPN         string `json:"alpn,omitempty"`
	ServerName   string `json:"serverName,omitempty"`
	VerifyError  string `json:"verifyError,omitempty"`
	VerifyKind   string `json:"verifyKind,omitempty"`
	Insecure     bool   `json:"insecureSkipVerify,omitempty"`
	Certificates []Cert `json:"certificates,omitempty"`
}

// Cert is one certificate of the chain the server presented, leaf first.
type Cert struct {
	Subject   string   `json:"subject"`
	Issuer    string   `json:"issuer"`
	NotBefore string   `json:"notBefore"`
	NotAfter  string   `json:"notAfter"`
	Names     []string `json:"names,omitempty"`
	SHA256    string   `json:"sha256"`
}

// Fault is the custom _fault field: why the exchange did not complete.
type Fault struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

// Options says how a ticket lays its bodies out.
type Options struct {
	// ResponseBodyFile names the file, next to the HAR, that holds the
	// final response's body; "" keeps the body in the HAR. A body lives
	// in one place only: its content then has no text, and says in its
	// comment and in _file where the body is.
	ResponseBodyFile string
}

// Encode returns ex, which must be redacted already, as an indented HAR
// 1.2 document. version is the altegio-ticket version for log.creator.
func Encode(ex *capture.Exchange, version string, opt Options) []byte {
	// Marshal once, then indent into a buffer sized up front: an indenting
	// json.Encoder grows two buffers by doubling, which for a body of a few
	// MiB held four copies of it at once.
	var flat bytes.Buffer
	enc := json.NewEncoder(&flat)
	enc.SetEscapeHTML(false) // "<" stays "<", so the file reads as sent
	if err := enc.Encode(Build(ex, version, opt)); err != nil {
		// Every field is a string, number or bool that json can write.
		panic(fmt.Sprintf("har: encoding: %v", err))
	}
	var out bytes.Buffer
	out.Grow(flat.Len() + flat.Len()/8 + 4<<10)
	if err := json.Indent(&out, flat.Bytes(), "", "  "); err != nil {
		panic(fmt.Sprintf("har: indenting: %v", err))
	}
	return out.Bytes()
}

// Build returns the HAR document for ex.
func Build(ex *capture.Exchange, version string, opt Options) HAR {
	l := Log{
		Version: Version,
		Creator: Creator{Name: "altegio-ticket", Version: version},
		Entries: []Entry{},
	}
	if ex.Source.Replayed {
		l.Comment = "Replayed by altegio-ticket"
		if ex.Source.From != "" {
			l.Comment += " from the " + ex.Source.From
		}
	} else if ex.Source.From != "" {
		l.Comment = "Recorded from " + ex.Source.From
	}
	l.Comment = strings.TrimSpace(l.Comment + ". Secrets are replaced by {{placeholders}}.")
	start := ex.Started
	for i := range ex.Hops {
		h := &ex.Hops[i]
		bodyFile := ""
		if i == len(ex.Hops)-1 {
			bodyFile = opt.ResponseBodyFile
		}
		e := entry(h, start, ex.Insecure, bodyFile)
		if i == len(ex.Hops)-1 && ex.Fault != nil {
			e.Fault = &Fault{Kind: string(ex.Fault.Kind), Message: ex.Fault.Message, Detail: ex.Fault.Detail}
			if h.Response == nil {
				e.Response.Error = ex.Fault.Message
			}
		}
		l.Entries = append(l.Entries, e)
		// A hop has no start time of its own; the next one starts when
		// this one ended.
		if h.Timings.Total > 0 {
			start = start.Add(h.Timings.Total)
		}
	}
	return HAR{Log: l}
}

// entry maps a hop; bodyFile, when set, names the file that holds the
// response body instead of the HAR.
func entry(h *capture.Hop, start time.Time, insecure bool, bodyFile string) Entry {
	e := Entry{
		StartedDateTime: start.UTC().Format("2006-01-02T15:04:05.000Z"),
		Request:         request(&h.Request),
		Response:        response(h.Response, bodyFile),
		DroppedHeaders:  h.Dropped,
	}
	e.Timings, e.Time = timings(h.Timings)
	if host, _, err := net.SplitHostPort(h.Conn.RemoteAddr); err == nil && net.ParseIP(host) != nil {
		e.ServerIPAddress = host
	}
	if _, port, err := net.SplitHostPort(h.Conn.LocalAddr); err == nil {
		e.Connection = port
	}
	if t := h.TLS; t != nil {
		e.TLS = &TLS{
			Version: t.Version, CipherSuite: t.CipherSuite, ALPN: t.ALPN, ServerName: t.ServerName,
			VerifyError: t.VerifyError, VerifyKind: string(t.VerifyKind), Insecure: insecure,
		}
		for _, c := range t.Chain {
			e.TLS.Certificates = append(e.TLS.Certificates, Cert{
				Subject: c.Subject, Issuer: c.Issuer,
				NotBefore: c.NotBefore.UTC().Format(time.RFC3339), NotAfter: c.NotAfter.UTC().Format(time.RFC3339),
				Names: c.Names, SHA256: c.SHA256,
			})
		}
	}
	return e
}

// timings maps the capture's phases to HAR's.
//
// HAR 1.2 says that ssl "is also included in the connect field", and that
// time is "the sum of all timings available in the timings object (i.e.
// not including -1 values)". Read literally, the two count the TLS
// handshake twice. Browsers resolve it the way this function does, and so
// does the rule in the issue ("time equals the sum of the non-negative
// timings") once ssl is read as a part of connect rather than a phase of
// its own: connect = TCP connect + TLS handshake, ssl = the handshake, and
// time = blocked + dns + connect + send + wait + receive.
//
// The capture measures DNS, connect, TLS, wait (request written to first
// byte) and download, and the hop's total from asking for a connection to
// the end of the body. Send is what the total leaves: writing the request,
// plus the small gaps between phases that a trace cannot attribute. So
// time equals the hop's total. blocked is not measured and is -1.
func timings(t capture.Timings) (Timings, float64) {
	us := func(d time.Duration) int64 {
		if d == capture.Skipped || d < 0 {
			return -1
		}
		return d.Microseconds()
	}
	dns, conn, tls := us(t.DNS), us(t.Connect), us(t.TLS)
	if tls >= 0 {
		if conn < 0 {
			conn = 0
		}
		conn += tls
	}
	wait, recv := max(us(t.Wait), 0), max(us(t.Download), 0)
	send := int64(0)
	if total := us(t.Total); total >= 0 {
		send = max(total-max(dns, 0)-max(conn, 0)-wait-recv, 0)
	}
	sum := max(dns, 0) + max(conn, 0) + send + wait + recv
	ms := func(v int64) float64 {
		if v < 0 {
			return -1
		}
		return float64(v) / 1000
	}
	return Timings{
		Blocked: -1, DNS: ms(dns), Connect: ms(conn), Send: ms(send),
		Wait: ms(wait), Receive: ms(recv), SSL: ms(tls),
	}, ms(sum)
}

func request(s *capture.Sent) Request {
	r := Request{
		Method:      s.Method,
		URL:         stripFragment(s.URL),
		HTTPVersion: s.Proto,
		Cookies:     []Cookie{},
		Headers:     []Header{},
		QueryString: queryString(s.URL),
		// The header block was redacted, so its size on the wire is not
		// known here.
		HeadersSize: -1,
	}
	for _, h := range s.Header {
		r.Headers = append(r.Headers, Header{Name: h.Name, Value: h.Value, Origin: string(h.Origin)})
		if strings.EqualFold(h.Name, "Cookie") {
			if cs, err := http.ParseCookie(h.Value); err == nil {
				for _, c := range cs {
					r.Cookies = append(r.Cookies, Cookie{Name: c.Name, Value: c.Value})
				}
			}
		}
	}
	b := s.Body
	if b.Size == 0 && len(b.Data) == 0 {
		return r
	}
	r.BodySize = b.Size
	pd := &PostData{MimeType: b.ContentType, Truncated: b.Truncated}
	if b.Binary {
		pd.Text, pd.Encoding = base64.StdEncoding.EncodeToString(b.Data), "base64"
	} else {
		pd.Text = strings.ToValidUTF8(string(b.Text()), "\uFFFD")
	}
	pd.Comment = truncation(b)
	r.PostData = pd
	return r
}

func response(resp *capture.Response, bodyFile string) Response {
	r := Response{Cookies: []Cookie{}, Headers: []Header{}, HeadersSize: -1, BodySize: -1}
	if resp == nil {
		r.Content = Content{MimeType: "x-unknown"}
		return r
	}
	r.Status, r.StatusText, r.HTTPVersion = resp.Status, resp.StatusText, resp.Proto
	for _, h := range resp.Header {
		r.Headers = append(r.Headers, Header{Name: h.Name, Value: h.Value})
		switch {
		case strings.EqualFold(h.Name, "Set-Cookie"):
			if c, err := http.ParseSetCookie(h.Value); err == nil {
				hc := Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
				if !c.Expires.IsZero() {
					hc.Expires = c.Expires.UTC().Format(time.RFC3339)
				}
				r.Cookies = append(r.Cookies, hc)
			}
		case strings.EqualFold(h.Name, "Location") && r.RedirectURL == "":
			r.RedirectURL = h.Value
		}
	}
	b := resp.Body
	c := Content{Size: b.Size, MimeType: b.ContentType, Truncated: b.Truncated, Comment: truncation(b)}
	if c.MimeType == "" {
		c.MimeType = "x-unknown"
	}
	switch {
	case bodyFile != "" && len(b.Data) > 0:
		// The body lives in its own file: one copy per ticket.
		c.File = bodyFile
		c.Comment = strings.TrimSpace("The body is in " + bodyFile + ", attached next to this file. " + c.Comment)
	case b.Binary:
		c.Text, c.Encoding = base64.StdEncoding.EncodeToString(b.Data), "base64"
	default:
		// HAR content is decoded and in UTF-8.
		c.Text = strings.ToValidUTF8(string(b.Text()), "\uFFFD")
	}
	r.BodySize = b.Size
	if b.WireSize >= 0 {
		r.BodySize = b.WireSize
		if b.Encoding != "" {
			saved := b.Size - b.WireSize
			c.Compression = &saved
		}
	}
	r.Content = c
	return r
}

// truncation describes a body that was cut short, "" otherwise.
// truncation is the content's comment: why its text is not the whole body.
func truncation(b capture.Body) string {
	switch {
	case b.Withheld != "":
		return "not kept: " + b.Withheld
	case b.Truncated:
		return fmt.Sprintf("truncated: the text holds the first %d of %d bytes", len(b.Data), b.Size)
	}
	return ""
}

// queryString splits the query in order, decoding each name and value; a
// part that does not decode is kept as written.
func queryString(raw string) []Query {
	out := []Query{}
	_, q, ok := strings.Cut(stripFragment(raw), "?")
	if !ok || q == "" {
		return out
	}
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, Query{Name: unescape(name), Value: unescape(value)})
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

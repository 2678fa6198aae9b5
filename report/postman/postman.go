// Package postman owns postman_collection.json, the ticket attachment in
// Postman Collection v2.1 format, which Postman, Insomnia and newman run.
//
// Collection turns the first request of a redacted exchange into a
// collection with one request: its method, URL, the headers the user sent
// (and the ones the tool added as curl does) and the raw body. The
// placeholders redaction left ({{partner_token}}, {{user_token}}, ...) are
// Postman's own variable syntax, so each secret becomes a collection
// variable with an empty value and a description of its role: filling the
// variables, or running
//
//	newman run postman_collection.json --env-var partner_token=...
//
// sends the call again. Postman's own headers (User-Agent, Accept,
// Postman-Token, Cache-Control, Accept-Encoding, Connection, a guessed
// Content-Type) are switched off and URL encoding is left alone, so that
// what goes out is what the user sent.
package postman

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// Schema is the Postman Collection v2.1 schema URL.
const Schema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// Variable is a secret that redaction replaced by {{Key}}. It carries no
// value: the collection holds the variable empty.
type Variable struct {
	Key         string // e.g. "partner_token"
	Description string // what to fill in
}

// Info names the collection.
type Info struct {
	Name        string // e.g. the ticket's subject
	Description string
	// BodyFile is the file a binary request body is read from, relative
	// to newman's working folder (the ticket's request-body.bin). Postman
	// cannot hold binary data in a raw body.
	BodyFile string
}

// File is a collection document.
type File struct {
	Info     FileInfo   `json:"info"`
	Item     []Item     `json:"item"`
	Variable []Var      `json:"variable,omitempty"`
	Behavior *Behaviour `json:"protocolProfileBehavior,omitempty"`
}

// FileInfo is the collection's info block.
type FileInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema"`
}

// Item is one request in the collection.
type Item struct {
	Name     string     `json:"name"`
	Request  Request    `json:"request"`
	Behavior *Behaviour `json:"protocolProfileBehavior,omitempty"`
}

// Behaviour is Postman's protocolProfileBehavior: how the runtime sends.
type Behaviour struct {
	DisableBodyPruning    bool            `json:"disableBodyPruning,omitempty"`
	DisableURLEncoding    bool            `json:"disableUrlEncoding,omitempty"`
	DisabledSystemHeaders map[string]bool `json:"disabledSystemHeaders,omitempty"`
	StrictSSL             *bool           `json:"strictSSL,omitempty"`
}

// Request is a Postman request.
type Request struct {
	Method      string   `json:"method"`
	Header      []Header `json:"header"`
	URL         URL      `json:"url"`
	Body        *Body    `json:"body,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Header is one request header.
type Header struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type"`
}

// URL is a Postman URL: the raw text and its parts, which Postman sends.
type URL struct {
	Raw      string   `json:"raw"`
	Protocol string   `json:"protocol,omitempty"`
	Host     []string `json:"host,omitempty"`
	Port     string   `json:"port,omitempty"`
	Path     []string `json:"path,omitempty"`
	Query    []Query  `json:"query,omitempty"`
}

// Query is one query parameter as written in the URL; Value is nil for a
// parameter without "=".
type Query struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

// Body is a raw or file request body.
type Body struct {
	Mode    string       `json:"mode"`
	Raw     *string      `json:"raw,omitempty"`
	File    *BodyFile    `json:"file,omitempty"`
	Options *BodyOptions `json:"options,omitempty"`
}

// BodyFile points to a file holding the body.
type BodyFile struct {
	Src string `json:"src"`
}

// BodyOptions sets how Postman shows a raw body.
type BodyOptions struct {
	Raw struct {
		Language string `json:"language"`
	} `json:"raw"`
}

// Var is a collection variable.
type Var struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// Collection returns the collection for the first request of ex, which
// must be redacted already, as indented JSON. vars lists the secrets; only
// those whose placeholder occurs in the request become variables.
func Collection(ex *capture.Exchange, vars []Variable, info Info) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Build(ex, vars, info)); err != nil {
		panic(fmt.Sprintf("postman: encoding: %v", err)) // only strings and bools
	}
	return buf.Bytes()
}

// Build returns the collection document for the first request of ex.
func Build(ex *capture.Exchange, vars []Variable, info Info) File {
	s := ex.Call().Request
	req := Request{Method: s.Method, Header: []Header{}, URL: parseURL(s.URL)}
	all := s.URL
	for _, h := range s.Header {
		if h.Origin == capture.FromTransport {
			continue // Postman adds Host and Content-Length itself
		}
		req.Header = append(req.Header, Header{Key: h.Name, Value: h.Value, Type: "text"})
		all += "\n" + h.Name + ": " + h.Value
	}
	b := s.Body
	if len(b.Data) > 0 {
		req.Body = body(b, info.BodyFile)
		all += "\n" + string(b.Data)
	}
	var notes []string
	if b.Truncated {
		notes = append(notes, fmt.Sprintf("The body was cut to %d of %d bytes for the ticket, so the request is not the original.", len(b.Data), b.Size))
	}
	if req.Body != nil && req.Body.Mode == "file" {
		notes = append(notes, fmt.Sprintf("The body is binary and is read from %s, which holds {{placeholders}} in place of secrets.", info.BodyFile))
	}
	req.Description = strings.Join(notes, "\n\n")

	item := Item{Name: itemName(s), Request: req}
	if len(b.Data) > 0 && (s.Method == "GET" || s.Method == "HEAD" || s.Method == "COPY" || s.Method == "PURGE" || s.Method == "UNLOCK") {
		// Postman drops bodies on these methods unless told not to.
		item.Behavior = &Behaviour{DisableBodyPruning: true}
	}

	f := File{
		Info: FileInfo{Name: info.Name, Description: info.Description, Schema: Schema},
		Item: []Item{item},
		// Send exactly what the user sent: no Postman headers, no
		// re-encoding of the URL.
		Behavior: &Behaviour{
			DisableURLEncoding: true,
			DisabledSystemHeaders: map[string]bool{
				"user-agent": true, "accept": true, "cache-control": true, "postman-token": true,
				"accept-encoding": true, "connection": true, "content-type": true,
			},
		},
	}
	if ex.Insecure {
		off := false
		f.Behavior.StrictSSL = &off
	}
	for _, v := range vars {
		if strings.Contains(all, "{{"+v.Key+"}}") {
			f.Variable = append(f.Variable, Var{Key: v.Key, Value: "", Type: "string", Description: v.Description})
		}
	}
	return f
}

func itemName(s capture.Sent) string {
	path := s.URL
	if u, err := url.Parse(s.URL); err == nil {
		path = u.Path
	}
	return s.Method + " " + path
}

func body(b capture.Body, file string) *Body {
	if b.Binary && file != "" {
		return &Body{Mode: "file", File: &BodyFile{Src: file}}
	}
	raw := strings.ToValidUTF8(string(b.Text()), "\uFFFD")
	out := &Body{Mode: "raw", Raw: &raw, Options: &BodyOptions{}}
	out.Options.Raw.Language = language(b.ContentType)
	return out
}

// language is how Postman shows a raw body of this content type.
func language(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(ct))
	}
	switch {
	case capture.IsJSONType(mt):
		return "json"
	case mt == "text/html":
		return "html"
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return "xml"
	case mt == "application/javascript" || mt == "text/javascript":
		return "javascript"
	}
	return "text"
}

// parseURL splits a URL into Postman's parts as written: the path and
// query are not decoded, because the collection turns URL encoding off.
func parseURL(raw string) URL {
	out := URL{Raw: raw}
	rest := raw
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if scheme, after, ok := strings.Cut(rest, "://"); ok {
		out.Protocol, rest = scheme, after
	}
	authority, pathQuery := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, pathQuery = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = authority[i+1:] // userinfo is not sent as such
	}
	host := authority
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && !strings.Contains(authority[i:], "]") {
		host, out.Port = authority[:i], authority[i+1:]
	}
	if strings.HasPrefix(host, "[") {
		out.Host = []string{host}
	} else {
		out.Host = strings.Split(host, ".")
	}
	path, query, hasQuery := strings.Cut(pathQuery, "?")
	path = escapePath(path)
	if p := strings.TrimPrefix(path, "/"); path != "" {
		out.Path = strings.Split(p, "/")
	}
	if hasQuery && query != "" {
		for _, part := range strings.Split(query, "&") {
			k, v, ok := strings.Cut(part, "=")
			q := Query{Key: k}
			if ok {
				q.Value = &v
			}
			out.Query = append(out.Query, q)
		}
	}
	return out
}

// escapePath escapes a path as Go's client did on the wire (a space or a
// non-ASCII letter becomes %XX; valid escapes stay as written), leaving
// {{placeholders}} alone.
func escapePath(path string) string {
	const open, close = "ALTEGIOTICKETOPENX", "ALTEGIOTICKETCLOSEX"
	protected := strings.NewReplacer("{{", open, "}}", close).Replace(path)
	u, err := url.Parse("http://h" + protected)
	if err != nil || u.Path == "" {
		return path
	}
	return strings.NewReplacer(open, "{{", close, "}}").Replace(u.EscapedPath())
}

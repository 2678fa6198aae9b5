package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
	"github.com/emersion/go-message/mail"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with the golden file testdata/golden/<name>,
// rewriting it first with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("..", "testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from its golden file %s (-want +got):\n%s", name, golden, d)
	}
}

const (
	partner = "pt-7f3a9c1e5b2d4f60"
	user    = "ut-0c4b8e2a6d1f3b57"
)

// sampleExchange is a redacted-looking 401 on a business-data call, built by
// hand so that the golden output does not depend on a network.
func sampleExchange() *capture.Exchange {
	return &capture.Exchange{
		Source:  capture.Source{Replayed: true, From: "command line"},
		Started: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC),
		Total:   42 * time.Millisecond,
		Hops: []capture.Hop{{
			Request: capture.Sent{
				Method: "POST",
				URL:    "https://api.alteg.io/api/v1/records/123?x=<b>",
				Proto:  "HTTP/1.1",
				Header: capture.Headers{
					{Name: "Host", Value: "api.alteg.io", Origin: capture.FromTransport},
					{Name: "Accept", Value: "application/vnd.api.v2+json", Origin: capture.FromUser},
					{Name: "Authorization", Value: "Bearer " + partner + ", User " + user, Origin: capture.FromUser},
					{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser},
					{Name: "User-Agent", Value: "altegio-ticket/dev", Origin: capture.FromTool},
				},
				Body: capture.Body{Data: []byte(`{"staff_id":1,"comment":"</td><script>alert(1)</script>"}`), Size: 57, ContentType: "application/json"},
			},
			Response: &capture.Response{
				Proto: "HTTP/1.1", Status: 401, StatusText: "Unauthorized",
				Header: capture.Headers{{Name: "Content-Type", Value: "application/json"}},
				Body:   capture.Body{Data: []byte(`{"success":false,"data":null,"meta":{"message":"Authentication needed.","echo":"` + user + `"}}`), Size: 96, ContentType: "application/json"},
			},
			Timings: capture.Timings{DNS: 2 * time.Millisecond, Connect: 5 * time.Millisecond, TLS: 9 * time.Millisecond, Wait: 20 * time.Millisecond, Download: time.Millisecond, Total: 37 * time.Millisecond},
			Conn:    capture.Conn{RemoteAddr: "203.0.113.10:443"},
		}},
	}
}

func sampleTicket(t *testing.T) Ticket {
	t.Helper()
	res := redact.Scrub(sampleExchange(), redact.Policy{})
	return Ticket{
		Exchange:  res.Exchange,
		Secrets:   res.Secrets,
		Redact:    res.Bytes,
		Date:      time.Date(2026, 11, 29, 10, 0, 1, 0, time.UTC),
		MessageID: "golden@altegio-ticket",
		Boundary:  "GOLDEN",
		Version:   "v0.0.0-test",
		Findings:  diagnose.Run(&res.Exchange, res.Secrets),
	}
}

func TestWriteGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleTicket(t)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "ticket.eml", buf.Bytes())
}

// emlOf writes r's .eml into memory, for tests, and checks that Size
// said how long it is.
func emlOf(t testing.TB, r *Rendered) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := r.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != r.Size || int64(buf.Len()) != r.Size {
		t.Fatalf("WriteTo wrote %d bytes (returned %d), Size says %d", buf.Len(), n, r.Size)
	}
	return buf.Bytes()
}

// part is a decoded MIME part of a written ticket.
type part struct {
	ContentType string
	Filename    string
	Body        string
}

// readParts parses a ticket back with go-message's reader.
func readParts(t *testing.T, eml []byte) (mail.Header, []part) {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		var pp part
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			pp.ContentType, _, _ = h.ContentType()
		case *mail.AttachmentHeader:
			pp.ContentType, _, _ = h.ContentType()
			pp.Filename, _ = h.Filename()
		}
		pp.Body = string(b)
		parts = append(parts, pp)
	}
	return mr.Header, parts
}

func TestWriteParts(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleTicket(t)); err != nil {
		t.Fatal(err)
	}
	h, parts := readParts(t, buf.Bytes())

	to, _ := h.AddressList("To")
	subj, _ := h.Subject()
	gotHeader := map[string]string{"To": to[0].Address, "Subject": subj, "X-Unsent": h.Get("X-Unsent"), "From": h.Get("From")}
	wantHeader := map[string]string{"To": "api@alteg.io", "Subject": "Alteg.io API: 401 Unauthorized on POST /api/v1/records/123", "X-Unsent": "1", "From": ""}
	if d := cmp.Diff(wantHeader, gotHeader); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}

	var got []string
	for _, p := range parts {
		got = append(got, p.ContentType+" "+p.Filename)
	}
	want := []string{"text/plain ", "text/html ", "application/json request.har", "application/json postman_collection.json",
		"application/x-sh replay.sh", "application/json response-body.json"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("parts (-want +got):\n%s", d)
	}

	// Each token value appears once in each body part, inside its Tokens
	// section, and nowhere else.
	for _, p := range parts {
		for _, tok := range []string{partner, user} {
			n := strings.Count(p.Body, tok)
			switch p.ContentType {
			case "text/plain", "text/html":
				if n != 1 {
					t.Errorf("%s: token %s appears %d times, want 1", p.ContentType, tok[:3], n)
				}
				if i := strings.Index(p.Body, tok); i >= 0 && i < strings.LastIndex(p.Body, "Tokens") {
					t.Errorf("%s: token %s appears before the Tokens section", p.ContentType, tok[:3])
				}
			default:
				if n != 0 {
					t.Errorf("%s: token %s appears %d times, want 0", p.Filename, tok[:3], n)
				}
			}
		}
	}
	if strings.Contains(subj, partner) || strings.Contains(subj, user) {
		t.Error("a token is in the subject")
	}
}

func TestHTMLEscapesContent(t *testing.T) {
	tk := sampleTicket(t)
	v := newView(&tk, &tk.Exchange, nil, nil)
	html, err := renderHTML(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "</td><script>", "x=<b>"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Error("escaped script tag not found; the body is missing from the HTML")
	}
}

func TestAttachmentName(t *testing.T) {
	tests := map[string]struct {
		body capture.Body
		want string
	}{
		"json":      {capture.Body{ContentType: "application/json; charset=utf-8"}, "response-body.json"},
		"problem":   {capture.Body{ContentType: "application/problem+json"}, "response-body.json"},
		"html":      {capture.Body{ContentType: "text/html"}, "response-body.html"},
		"xml":       {capture.Body{ContentType: "application/xml"}, "response-body.xml"},
		"plain":     {capture.Body{ContentType: "text/plain"}, "response-body.txt"},
		"none":      {capture.Body{}, "response-body.txt"},
		"binary":    {capture.Body{ContentType: "image/png", Binary: true}, "response-body.bin"},
		"form text": {capture.Body{ContentType: "application/x-www-form-urlencoded"}, "response-body.txt"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := attachmentName("response", tc.body); got != tc.want {
				t.Errorf("attachmentName = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWaterfall(t *testing.T) {
	ms := time.Millisecond
	tests := map[string]struct {
		in    capture.Timings
		total time.Duration
		want  string
	}{
		"all phases":   {capture.Timings{DNS: 2 * ms, Connect: 31 * ms, TLS: 45 * ms, Wait: 210 * ms, Download: 3 * ms, Total: 291 * ms}, 291 * ms, "dns 2ms | connect 31ms | tls 45ms | wait 210ms | download 3ms = 291ms total"},
		"plain http":   {capture.Timings{DNS: capture.Skipped, Connect: 1 * ms, TLS: capture.Skipped, Wait: 2 * ms, Download: 1 * ms}, 4 * ms, "connect 1ms | wait 2ms | download 1ms = 4ms total"},
		"nothing done": {capture.NoTimings(), 0, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := waterfall(tc.in, tc.total); got != tc.want {
				t.Errorf("waterfall = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFindingsSection checks that the findings come first in both body
// parts, that their text is escaped in HTML, and that a ticket without
// findings has no such section.
func TestFindingsSection(t *testing.T) {
	tk := sampleTicket(t)
	tk.Findings = append(tk.Findings, diagnose.Finding{
		ID: "AT212", Severity: diagnose.Warning, Title: "Other client error",
		Explain: `The message: "<script>alert(1)</script>".`, Fix: "Accept: <b>x</b>", Action: "act",
		Evidence: []string{`meta.message: "</li><img src=x>"`},
	})
	var buf bytes.Buffer
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, buf.Bytes())
	for i, p := range parts[:2] {
		next := []string{"## Request", ">Request</div>"}[i] // the section after findings
		f, s := strings.Index(p.Body, "Findings"), strings.Index(p.Body, next)
		if f < 0 || s < 0 || f > s {
			t.Errorf("%s: Findings at %d, %q at %d; want findings first", p.ContentType, f, next, s)
		}
		if !strings.Contains(p.Body, "AT202") || !strings.Contains(p.Body, "Bearer {{partner_token}}, User {{user_token}}") {
			t.Errorf("%s: the likely cause or its fix is missing", p.ContentType)
		}
	}
	html := parts[1].Body
	for _, bad := range []string{"<script>", "<b>x</b>", "<img src=x>"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML findings contain unescaped %q", bad)
		}
	}
	if !strings.Contains(parts[0].Body, "1. [likely cause] AT202 401 Unauthorized") {
		t.Errorf("text part does not number the findings by severity:\n%s", parts[0].Body)
	}

	tk.Findings = nil
	buf.Reset()
	if err := Write(&buf, tk); err != nil {
		t.Fatal(err)
	}
	if _, parts := readParts(t, buf.Bytes()); strings.Contains(parts[0].Body, "Findings") || strings.Contains(parts[1].Body, "Findings") {
		t.Error("a ticket without findings has a Findings section")
	}
}

func TestWrap(t *testing.T) {
	w := &textWriter{}
	w.wrap("   ", "   ", strings.Repeat("word ", 30)+"https://api.alteg.io/"+strings.Repeat("x", 90))
	for _, line := range strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "   word") && !strings.HasPrefix(line, "   https://") {
			t.Errorf("line lost its indent: %q", line)
		}
		if len(line) > textWidth && strings.Contains(line, " word") {
			t.Errorf("line longer than %d columns: %q", textWidth, line)
		}
	}
}

// TestSectionsAreWired: every section in the list renders in at least one
// part, and nothing is registered that the list does not name (it would
// never be shown).
func TestSectionsAreWired(t *testing.T) {
	listed := map[string]bool{}
	for _, name := range sections {
		listed[name] = true
		if textSections[name] == nil && htmlTemplate.Lookup("section-"+name) == nil {
			t.Errorf("section %q has neither a text function nor a template", name)
		}
	}
	for name := range textSections {
		if !listed[name] {
			t.Errorf("text section %q is not in the sections list", name)
		}
	}
	for _, tpl := range htmlTemplate.Templates() {
		if name, ok := strings.CutPrefix(tpl.Name(), "section-"); ok && !listed[name] {
			t.Errorf("template section-%s is not in the sections list", name)
		}
	}
}

// TestReceivedBytesAndStoppedRedirect: a malformed answer's first bytes
// are shown, escaped, under the fault; a redirect not followed says why.
func TestReceivedBytesAndStoppedRedirect(t *testing.T) {
	tk := sampleTicket(t)
	tk.Exchange.Fault = &capture.Fault{Kind: capture.FaultMalformed, Message: "the server sent a response that is not valid HTTP",
		Received: []byte("HTTP/9 <b>hi</b>\r\nx\x00\xff")}
	tk.Exchange.Hops[0].Stopped = "a 307 redirect to other.example would send the request body there"
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, emlOf(t, r))
	text, html := parts[0].Body, parts[1].Body
	for _, want := range []string{"Its first bytes", `  | HTTP/9 <b>hi</b>\x0d`, `  | x\x00\xff`, "Not followed: a 307 redirect to other.example"} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q", want)
		}
	}
	for _, want := range []string{"HTTP/9 &lt;b&gt;hi&lt;/b&gt;", "Not followed: a 307 redirect"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q", want)
		}
	}
}

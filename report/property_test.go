package report

import (
	"bytes"
	"fmt"
	"math/rand"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// genTicket makes a random ticket of the kind that breaks layouts and
// headers: paths with %0d%0a and other control characters, long words
// and long prose everywhere, faults and redirects, bodies of every kind
// and size, findings, secrets and the sender's words.
func genTicket(rng *rand.Rand) Ticket {
	pick := func(xs ...string) string { return xs[rng.Intn(len(xs))] }
	words := func(n int) string {
		var ws []string
		for range n {
			switch rng.Intn(12) {
			case 0:
				ws = append(ws, "https://api.alteg.io/api/v1/"+strings.Repeat("long-path-", 1+rng.Intn(12)))
			case 1:
				ws = append(ws, strings.Repeat("x", rng.Intn(120)))
			case 2:
				ws = append(ws, pick("Анна", "é", "😀", "\t", "\x1b[31m", "\u2028", "\r\n"))
			default:
				ws = append(ws, pick("the", "call", "token", "failed", "a", "location", "{{partner_token}}", "200", "X-Header:"))
			}
		}
		return strings.Join(ws, " ")
	}
	path := "/api/v1/" + pick("records/123456", "company/1/clients/search", "book_record/7", "x") +
		pick("", "%0d%0aX-Evil:%201", "%0A", "/%E2%80%A8", "/%ff%fe", "/"+strings.Repeat("segment/", rng.Intn(40)))
	method := pick("GET", "POST", "PUT", "DELETE", "PATCH")
	host := pick("https://api.alteg.io", "http://127.0.0.1:8080", "https://gw.example.com")
	body := func(n int) capture.Body {
		switch rng.Intn(4) {
		case 0:
			return capture.Body{}
		case 1:
			b := make([]byte, n)
			rng.Read(b)
			return capture.Body{Data: b, Size: int64(n), Binary: true, ContentType: "application/octet-stream"}
		case 2:
			var sb strings.Builder
			sb.WriteString(`{"success":true,"data":[`)
			for i := 0; sb.Len() < n; i++ {
				fmt.Fprintf(&sb, `{"id":%d,"name":%q},`, i, words(3))
			}
			sb.WriteString(`{}],"meta":[]}`)
			return capture.Body{Data: []byte(sb.String()), Size: int64(sb.Len()), ContentType: "application/json"}
		}
		t := words(n / 4)
		return capture.Body{Data: []byte(t), Size: int64(len(t)), ContentType: "text/plain"}
	}
	hop := capture.Hop{
		Request: capture.Sent{Method: method, URL: host + path + "?q=" + pick("1", "{{sign}}", strings.Repeat("v", 200)), Proto: "HTTP/1.1",
			Header: capture.Headers{
				{Name: "Authorization", Value: "Bearer {{partner_token}}, User {{user_token}}", Origin: capture.FromUser},
				{Name: "X-Long", Value: words(rng.Intn(40)), Origin: capture.FromUser},
				{Name: "User-Agent", Value: "altegio-ticket/dev", Origin: capture.FromTool},
			},
			Body: body(rng.Intn(3000))},
		Timings: capture.Timings{DNS: capture.Skipped, Connect: time.Millisecond, TLS: capture.Skipped, Wait: 2 * time.Millisecond, Download: time.Millisecond, Total: 5 * time.Millisecond},
		Conn:    capture.Conn{RemoteAddr: "203.0.113.10:443"},
	}
	ex := capture.Exchange{
		Source:  capture.Source{Replayed: rng.Intn(2) == 0, From: pick("command line", "HAR file "+words(6)+".har, entry 4"), Clock: capture.Clock(pick("", "date-header", "run"))},
		Started: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC),
		Hops:    []capture.Hop{hop},
	}
	switch rng.Intn(4) {
	case 0:
		ex.Fault = &capture.Fault{Kind: capture.FaultKind(pick("dns", "connection-refused", "tls", "other")), Message: words(8), Detail: words(10), Received: []byte(words(5))}
	default:
		status := []int{200, 201, 301, 401, 422, 502}[rng.Intn(6)]
		ex.Hops[0].Response = &capture.Response{Proto: "HTTP/1.1", Status: status, StatusText: words(1 + rng.Intn(3)),
			Header: capture.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Long", Value: words(rng.Intn(30))}},
			Body:   body(rng.Intn(40000))}
		if status == 301 {
			second := hop
			second.Request.URL = host + "/api/v1/" + words(2)
			second.Response = &capture.Response{Proto: "HTTP/1.1", Status: 200, Body: body(100)}
			ex.Hops[0].Response.Header = append(ex.Hops[0].Response.Header, capture.Header{Name: "Location", Value: "https://other.example/" + words(4)})
			ex.Hops = append(ex.Hops, second)
		}
	}
	tk := Ticket{
		Exchange: ex,
		Secrets: []redact.Secret{
			{Role: redact.RolePartnerToken, Placeholder: "{{partner_token}}", Value: "pt-" + strings.Repeat("a", rng.Intn(90)), Fingerprint: "0123456789ab",
				Places: []redact.Place{{Where: "header Authorization", Count: 1}}, Forms: []string{"plain"}},
			{Role: redact.RoleUserToken, Placeholder: "{{user_token}}", Value: "ut-0c4b8e2a6d1f3b57",
				Places: []redact.Place{{Where: words(4), Count: 3}}, Forms: []string{"plain", "URL-encoded", "base64"}},
			{Role: "sign", Placeholder: "{{sign}}", Value: "sig-0a1b2c3d4e5f", Places: []redact.Place{{Where: "query parameter sign", Count: 1}}},
		},
		Redaction:  redact.Report{PII: rng.Intn(2) == 0, Emails: 3, Unmatched: []string{"--redact value 1"}},
		Message:    pick("", words(rng.Intn(80)), words(10)+"\n\n"+words(30)),
		MaskTokens: rng.Intn(3) == 0,
		MaskNote:   words(rng.Intn(6)),
		Date:       time.Date(2026, 11, 29, 10, 0, 1, 0, time.UTC),
		MessageID:  "prop@altegio-ticket",
		Boundary:   "PROP",
		Version:    pick("v1.0.0", "(devel)", "v1.0.0\r\nX-Evil: 1"),
		MaxSize:    []int64{0, 64 << 10, -1}[rng.Intn(3)],
	}
	tk.Findings = diagnose.Run(&tk.Exchange, tk.Secrets)
	if rng.Intn(2) == 0 {
		tk.Findings = append([]diagnose.Finding{{ID: "AT999", Severity: diagnose.Likely, Title: words(12), Explain: words(60),
			Fix: "Authorization: Bearer {{partner_token}}, User {{user_token}}\n" + words(3), Action: words(4), Evidence: []string{words(30), "meta.message: " + words(50)}}}, tk.Findings...)
	}
	return tk
}

// headerBlocks returns the header blocks of a raw message: the message's
// and each part's.
func headerBlocks(eml []byte, boundary string) []string {
	top, _, _ := bytes.Cut(eml, []byte("\r\n\r\n"))
	blocks := []string{string(top)}
	for _, b := range []string{boundary + "-mixed", boundary + "-alt"} {
		for _, chunk := range bytes.Split(eml, []byte("\r\n--"+b+"\r\n"))[1:] {
			h, _, _ := bytes.Cut(chunk, []byte("\r\n\r\n"))
			blocks = append(blocks, string(h))
		}
	}
	return blocks
}

// label matches what precedes a value on a line of the text part: an
// indent, then a label ("URL:", "Content-Type:", "Certificate:") or a
// list marker ("1.", "->", "|").
var label = regexp.MustCompile(`^ *(([A-Za-z#0-9][A-Za-z0-9 #_-]*:|[0-9]+\.|->|\||\{\{[a-z0-9_]+\}\}) +)?`)

// TestTicketProperty renders generated tickets and checks what must hold
// for every one: each header line of the message and of its parts is
// printable ASCII (nothing from the exchange can end a field); the
// message parses; the Subject is one line; the text part keeps to 80
// columns except where a URL, a body, a token or a fix must stay whole;
// Size is what WriteTo writes.
func TestTicketProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	for i := range 150 {
		tk := genTicket(rng)
		r, err := Render(tk)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		eml := emlOf(t, r)
		for _, block := range headerBlocks(eml, tk.Boundary) {
			for _, line := range strings.Split(block, "\r\n") {
				for _, c := range []byte(line) {
					if c < 0x20 && c != '\t' || c >= 0x7f {
						t.Fatalf("case %d: a header line holds byte %#x: %q", i, c, line)
					}
				}
			}
		}
		m, err := mail.ReadMessage(bytes.NewReader(eml))
		if err != nil {
			t.Fatalf("case %d: the message does not parse: %v", i, err)
		}
		dec := m.Header.Get("Subject")
		if strings.ContainsAny(dec, "\r\n") || m.Header.Get("X-Evil") != "" {
			t.Fatalf("case %d: the Subject is not one line, or a field was added: %q", i, dec)
		}
		_, parts := readParts(t, eml)
		checkColumns(t, i, strings.ReplaceAll(parts[0].Body, "\r\n", "\n"))
	}
}

// checkColumns checks that each line of a text part longer than 80
// columns is one that may be: a line of a body, a token, a fix, the
// bytes of a broken answer, or a value that is one word too long for any
// line (a URL).
func checkColumns(t *testing.T, n int, text string) {
	t.Helper()
	inBody, inFix := false, false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "Body ("), strings.HasPrefix(line, "Partner token"), strings.HasPrefix(line, "User token"):
			inBody = true
			continue
		case strings.HasPrefix(line, "   Fix:"), strings.HasPrefix(line, "Fix:"):
			inFix = true
		case inBody && strings.HasPrefix(line, "  "), inFix && strings.HasPrefix(line, "     "), inFix && strings.HasPrefix(line, "          "):
		default:
			inBody, inFix = false, false
		}
		if utf8.RuneCountInString(line) <= 80 || inBody || inFix || strings.HasPrefix(line, "  | ") {
			continue
		}
		rest := line[len(label.FindString(line)):]
		if len(strings.Fields(rest)) > 1 {
			t.Fatalf("case %d: a line of %d columns that could have been broken:\n%q\n%s", n, utf8.RuneCountInString(line), line, text)
		}
	}
}

// TestSubject checks the Subject: the path decoded as people read it,
// a control character in it written back as %XX, and a success said to
// be one.
func TestSubject(t *testing.T) {
	tests := map[string]struct {
		url    string
		status int
		fault  capture.FaultKind
		want   string
	}{
		"failure":        {"https://api.alteg.io/api/v1/records/123?x=1", 401, "", "Alteg.io API: 401 Unauthorized on GET /api/v1/records/123"},
		"decoded path":   {"https://api.alteg.io/api/v1/clients/%D0%90%D0%BD%D0%BD%D0%B0", 404, "", "Alteg.io API: 404 Not Found on GET /api/v1/clients/Анна"},
		"CRLF in path":   {"https://api.alteg.io/api/v1/x%0d%0aBcc:%20evil@example.com", 400, "", "Alteg.io API: 400 Bad Request on GET /api/v1/x%0D%0ABcc: evil@example.com"},
		"not UTF-8":      {"https://api.alteg.io/api/v1/%ff", 400, "", "Alteg.io API: 400 Bad Request on GET /api/v1/%FF"},
		"line separator": {"https://api.alteg.io/api/v1/a%E2%80%A8b", 400, "", "Alteg.io API: 400 Bad Request on GET /api/v1/a%E2%80%A8b"},
		"success":        {"https://api.alteg.io/api/v1/records/123", 200, "", "Alteg.io API: unexpected data from GET /api/v1/records/123 (200 OK)"},
		"fault":          {"https://api.alteg.io/api/v1/records/123", 0, capture.FaultDNS, "Alteg.io API: dns on GET /api/v1/records/123"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{Method: "GET", URL: tc.url}}}}
			if tc.status != 0 {
				ex.Hops[0].Response = &capture.Response{Status: tc.status, StatusText: http.StatusText(tc.status)}
			}
			if tc.fault != "" {
				ex.Fault = &capture.Fault{Kind: tc.fault, Message: "it failed"}
			}
			tk := Ticket{Exchange: *ex}
			v := newView(&tk, ex, nil, nil)
			if v.Subject != tc.want {
				t.Errorf("Subject = %q, want %q", v.Subject, tc.want)
			}
		})
	}
}

package diagnose

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the findings sections of testdata/diagnose/*.txtar")

const casesDir = "../../testdata/diagnose"

// TestRun runs every case in testdata/diagnose through redact.Scrub and
// Run, as main does, and compares the findings with the case's "want"
// section (IDs and severities, written by hand) and "findings" section
// (the full text, rewritten by -update for review).
func TestRun(t *testing.T) {
	files := caseFiles(t)
	for _, file := range files {
		name, _ := filepath.Rel(casesDir, file)
		t.Run(strings.TrimSuffix(name, ".txtar"), func(t *testing.T) {
			tc := readCase(t, file)
			raw := tc.exchange(t)
			res := redact.Scrub(raw, redact.Policy{})
			got := Analyze(&res.Exchange, res.Secrets, tc.options(t)).Findings

			var gotIDs []string
			for _, f := range got {
				gotIDs = append(gotIDs, f.ID+" "+f.Severity.String())
			}
			if d := cmp.Diff(tc.want, gotIDs); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
			for _, f := range got {
				checkFinding(t, f, res.Secrets)
			}
			text := render(got)
			if *update {
				tc.setSection("findings", text)
				if err := os.WriteFile(file, tc.bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if d := cmp.Diff(tc.section("findings"), text); d != "" {
				t.Errorf("findings text differs from %s (run go test ./report/diagnose -update and review the diff) (-want +got):\n%s", file, d)
			}
		})
	}
}

// caseFiles lists the cases: testdata/diagnose/*.txtar, one or more per
// check, and the corpus of real-world failures in its corpus folder.
func caseFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.txtar", "corpus/*.txtar"} {
		m, err := filepath.Glob(filepath.Join(casesDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no cases in %s", casesDir)
	}
	return files
}

var flagNameRE = regexp.MustCompile(`(^|[\s(])(--[a-z][a-z-]+|-[A-Za-z])\b`)

// checkFinding checks what every finding must hold, and that no secret
// value is in it in any form.
func checkFinding(t *testing.T, f Finding, secrets []redact.Secret) {
	t.Helper()
	if f.Title == "" || f.Explain == "" || len(f.Evidence) == 0 {
		t.Errorf("%s: title, explanation and evidence are required: %+v", f.ID, f)
	}
	if f.Severity != Info && f.Action == "" {
		t.Errorf("%s: a %s needs an action", f.ID, f.Severity)
	}
	if r, ok := ruleByID(f.ID); !ok || f.Title != r.Title {
		t.Errorf("%s: title %q is not the catalog's", f.ID, f.Title)
	}
	// The domain package never names the tool's flags: the command layer
	// words what the user types (AT304 says "a longer time limit", not
	// --timeout). Evidence quotes the call, which may hold anything.
	if m := flagNameRE.FindString(f.Title + "\n" + f.Explain + "\n" + f.Fix + "\n" + f.Action); m != "" {
		t.Errorf("%s names a command-line flag (%q)", f.ID, m)
	}
	all := strings.Join(append([]string{f.Title, f.Explain, f.Fix, f.Action}, f.Evidence...), "\n")
	for _, s := range secrets {
		for _, form := range []string{s.Value, strings.TrimSpace(s.Value), strconv.Quote(s.Value)} {
			if len(form) >= 3 && strings.Contains(all, form) {
				t.Errorf("%s: the value of %s is in the finding:\n%s", f.ID, s.Placeholder, all)
			}
		}
		for _, w := range strings.Fields(s.Value) {
			if valueHasKeyword(w) {
				continue // a scheme word inside a value is not secret
			}
			if len(w) >= 6 && strings.Contains(all, w) {
				t.Errorf("%s: part of the value of %s is in the finding", f.ID, s.Placeholder)
			}
		}
	}
}

// TestEveryCheckHasCases checks that every check in the catalog is
// triggered by some case, that the clean cases trigger nothing, and that
// no case expects an ID the catalog does not have.
func TestEveryCheckHasCases(t *testing.T) {
	files := caseFiles(t)
	triggered := map[string]bool{}
	clean := 0
	for _, file := range files {
		tc := readCase(t, file)
		if strings.HasPrefix(filepath.Base(file), "clean-") {
			clean++
			for _, w := range tc.want {
				if !strings.HasPrefix(w, "AT132 ") {
					t.Errorf("%s: a clean case expects %s", file, w)
				}
			}
		}
		for _, w := range tc.want {
			id := strings.Fields(w)[0]
			if _, ok := catalogIndex()[id]; !ok {
				t.Errorf("%s: unknown check %s", file, id)
			}
			triggered[id] = true
		}
	}
	for _, c := range Checks() {
		if !triggered[c.ID] {
			t.Errorf("%s (%s) has no case that triggers it", c.ID, c.Title)
		}
	}
	if clean < 3 {
		t.Errorf("only %d clean cases", clean)
	}
}

func catalogIndex() map[string]Check {
	m := map[string]Check{}
	for _, c := range Checks() {
		m[c.ID] = c
	}
	return m
}

func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	idRE := regexp.MustCompile(`^AT[123]\d\d$`)
	catalog := Checks()
	for _, c := range catalog {
		if !idRE.MatchString(c.ID) || seen[c.ID] {
			t.Errorf("bad or duplicate ID %q", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Meaning == "" || strings.Contains(c.Title, "\n") {
			t.Errorf("%s: needs a one-line title and a meaning", c.ID)
		}
	}
	if !sort.SliceIsSorted(catalog, func(i, j int) bool { return catalog[i].ID < catalog[j].ID }) {
		t.Error("the catalog is not in ID order")
	}
}

// TestDocsListEveryCheck keeps the tables of docs/checks.md in step with
// the catalog: every ID, in order, with its title.
func TestDocsListEveryCheck(t *testing.T) {
	b, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	sec := string(b)
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^\| (AT\d{3}) \|`).FindAllStringSubmatch(sec, -1) {
		got = append(got, m[1])
	}
	var want []string
	catalog := Checks()
	for _, c := range catalog {
		want = append(want, c.ID)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("docs/checks.md table rows (-catalog +docs):\n%s", d)
	}
	for _, c := range catalog {
		if !strings.Contains(sec, "| "+c.ID+" | "+c.Title+" |") {
			t.Errorf("docs/checks.md: %s is not listed with its title %q", c.ID, c.Title)
		}
	}
}

// TestOrder checks that findings come most severe first.
func TestOrder(t *testing.T) {
	ex := &capture.Exchange{
		Source: capture.Source{Replayed: true},
		Hops: []capture.Hop{{Request: capture.Sent{Method: "GET", URL: "http://localhost:8080/api/v1/records/1", Header: capture.Headers{
			{Name: "Accept", Value: "*/*", Origin: capture.FromTool},
			{Name: "Authorization", Value: "Bearer {{partner_token}}", Origin: capture.FromUser},
		}}, Response: &capture.Response{Status: 401, StatusText: "Unauthorized"}}},
	}
	got := Run(ex, []redact.Secret{{Role: "partner_token", Placeholder: "{{partner_token}}", Value: "p-123456"}})
	for i := 1; i < len(got); i++ {
		if got[i-1].Severity < got[i].Severity {
			t.Errorf("finding %d (%s %s) comes before a more severe one (%s %s)", i-1, got[i-1].ID, got[i-1].Severity, got[i].ID, got[i].Severity)
		}
	}
	// A 401 is about the tokens: the API got past the Accept header, so
	// the missing User part (AT120), not the missing Accept (AT101), is
	// the likely cause.
	if f, ok := LikelyCause(got); !ok || f.ID != "AT120" || f.ID != got[0].ID {
		t.Errorf("LikelyCause = %s, %v; want AT120, the first finding", f.ID, ok)
	}
}

func TestMap(t *testing.T) {
	f := Finding{Title: "a", Explain: "b x", Fix: "x", Action: "x", Evidence: []string{"x y"}}
	got := f.Map(func(s string) string { return strings.ReplaceAll(s, "x", "{{x}}") })
	want := Finding{Title: "a", Explain: "b {{x}}", Fix: "{{x}}", Action: "{{x}}", Evidence: []string{"{{x}} y"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Map (-want +got):\n%s", d)
	}
	if f.Evidence[0] != "x y" {
		t.Error("Map changed the original's evidence")
	}
}

func TestJSONError(t *testing.T) {
	tests := map[string]struct {
		in        string
		line, col int
		bad       bool
	}{
		"valid":             {`{"a": 1}`, 0, 0, false},
		"placeholder value": {`{"id": {{partner_token}}}`, 0, 0, false},
		"trailing comma":    {"{\n  \"a\": 1,\n}", 3, 1, true},
		"single quotes":     {`{'login': 'x'}`, 1, 2, true},
		"cut short":         {`{"a": [1, 2`, 1, 12, true},
		"after the value":   {"{}\n{}", 2, 1, true},
		"non-ascii column":  {`{"имя": x}`, 1, 9, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			line, col, msg, bad := jsonError([]byte(tc.in))
			if bad != tc.bad || line != tc.line || col != tc.col {
				t.Errorf("jsonError = %d:%d %v (%s), want %d:%d %v", line, col, bad, msg, tc.line, tc.col, tc.bad)
			}
		})
	}
}

func TestClassifyHost(t *testing.T) {
	tests := map[string]hostKind{
		"https://api.alteg.io/api/v1/x":    hostAPI,
		"https://API.Alteg.IO./api/v1/x":   hostAPI,
		"https://app.alteg.io/api/v1/x":    hostApp,
		"https://alteg.io/api/v1/x":        hostAltegio,
		"https://www.alteg.io/api/v1/x":    hostAltegio,
		"https://api.altegio.com/api/v1/x": hostTypo,
		"https://api.alteg.com/api/v1/x":   hostTypo,
		"https://api.atleg.io/api/v1/x":    hostTypo,
		"https://api.yclients.com/api/v1":  hostYclients,
		"http://127.0.0.1:8080/api/v1/x":   hostLocal,
		"http://[::1]:8080/api/v1/x":       hostLocal,
		"http://localhost/api/v1/x":        hostLocal,
		"http://10.1.2.3/api/v1/x":         hostLocal,
		"http://mock.test/api/v1/x":        hostLocal,
		"https://gateway.example.com/x":    hostCustom,
	}
	for in, want := range tests {
		if got := classifyHost(in).kind; got != want {
			t.Errorf("classifyHost(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestIsBusinessPath(t *testing.T) {
	tests := map[string]bool{
		"/api/v1/records/123":                   true,
		"/api/v1/record/123/456":                true,
		"/api/v1/clients/123":                   true,
		"/api/v1/company/123/clients/search":    true,
		"/api/v1/transactions/123":              true,
		"/api/v1/staff/123":                     true,
		"/api/v2/company/123/team_members":      true,
		"/api/v1/company/123":                   false,
		"/api/v1/company/123/":                  false,
		"/api/v1/companies":                     false,
		"/api/v1/auth":                          false,
		"/api/v1/book_services/123":             false,
		"/records/123":                          false,
		"/api/v1/booking/locations/123/records": false,
	}
	for in, want := range tests {
		if got := isBusinessPath(in); got != want {
			t.Errorf("isBusinessPath(%q) = %v, want %v", in, got, want)
		}
	}
}

// render writes findings as the golden text of a case.
func render(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s [%s] %s\n", f.ID, f.Severity, f.Title)
		fmt.Fprintf(&b, "  explain: %s\n", f.Explain)
		if f.Fix != "" {
			fmt.Fprintf(&b, "  fix: %s\n", strings.ReplaceAll(f.Fix, "\n", "\n       "))
		}
		if f.Action != "" {
			fmt.Fprintf(&b, "  action: %s\n", f.Action)
		}
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "  evidence: %s\n", e)
		}
		if f.ServerSide {
			b.WriteString("  server side\n")
		}
	}
	return b.String()
}

// tcase is one testdata/diagnose case: a txtar archive whose comment
// describes the case and whose sections are
//
//	request   METHOD URL, headers, a blank line, the body
//	response  STATUS [TEXT], headers, a blank line, the body (absent: no response)
//	exchange  key: value lines for the rest (fault, TLS, redirect, ...)
//	spec      present (empty): check against testdata/openapi (spec_test.go)
//	want      one "ID severity" line per expected finding, in order
//	findings  the rendered findings, rewritten by -update
//
// A header line "Name: value  (tool)" marks a header the tool added; a line
// "Name:= "..."" gives a Go-quoted value, for control characters.
type tcase struct {
	comment  string
	sections []section
	want     []string
}

type section struct {
	name string
	data string
}

func readCase(t *testing.T, file string) *tcase {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tc := &tcase{}
	var cur *section
	for _, line := range strings.SplitAfter(string(b), "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") {
			tc.sections = append(tc.sections, section{name: strings.TrimSuffix(strings.TrimPrefix(trimmed, "-- "), " --")})
			cur = &tc.sections[len(tc.sections)-1]
			continue
		}
		if cur == nil {
			tc.comment += line
		} else {
			cur.data += line
		}
	}
	for _, l := range strings.Split(tc.section("want"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			tc.want = append(tc.want, l)
		}
	}
	return tc
}

func (tc *tcase) section(name string) string {
	for _, s := range tc.sections {
		if s.name == name {
			return s.data
		}
	}
	return ""
}

func (tc *tcase) setSection(name, data string) {
	for i := range tc.sections {
		if tc.sections[i].name == name {
			tc.sections[i].data = data
			return
		}
	}
	tc.sections = append(tc.sections, section{name: name, data: data})
}

func (tc *tcase) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(tc.comment)
	for _, s := range tc.sections {
		fmt.Fprintf(&b, "-- %s --\n%s", s.name, s.data)
	}
	return b.Bytes()
}

// message splits a request or response section into its first line,
// headers and body.
func message(t *testing.T, s string) (first string, h capture.Headers, body []byte) {
	t.Helper()
	head, rest, _ := strings.Cut(s, "\n\n")
	lines := strings.Split(strings.TrimRight(head, "\n"), "\n")
	first = lines[0]
	for _, l := range lines[1:] {
		origin := capture.FromUser
		if v, ok := strings.CutSuffix(l, "  (tool)"); ok {
			l, origin = v, capture.FromTool
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("header line without a colon: %q", l)
		}
		if q, ok := strings.CutPrefix(value, "= "); ok {
			u, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("header %s: %v", name, err)
			}
			value = u
		} else {
			value = strings.TrimPrefix(value, " ")
		}
		h = append(h, capture.Header{Name: name, Value: value, Origin: origin})
	}
	if rest = strings.TrimSuffix(rest, "\n"); rest != "" {
		body = []byte(rest)
	}
	return first, h, body
}

func bodyOf(b []byte, ctype string) capture.Body {
	if b == nil {
		return capture.Body{}
	}
	return capture.Body{Data: b, Size: int64(len(b)), ContentType: ctype, WireSize: int64(len(b))}
}

// exchange builds the raw (unredacted) exchange the case describes.
func (tc *tcase) exchange(t *testing.T) *capture.Exchange {
	t.Helper()
	first, h, body := message(t, tc.section("request"))
	method, rawURL, _ := strings.Cut(first, " ")
	ex := &capture.Exchange{
		Source:  capture.Source{Replayed: true, From: "command line"},
		Started: time.Date(2026, 11, 29, 10, 0, 0, 123e6, time.UTC),
		Total:   42 * time.Millisecond,
	}
	hop := capture.Hop{
		Request: capture.Sent{Method: method, URL: rawURL, Proto: "HTTP/1.1", Header: h, Body: bodyOf(body, h.Get("Content-Type"))},
		Conn:    capture.Conn{RemoteAddr: "203.0.113.10:443"},
		Timings: capture.NoTimings(),
	}
	var resp *capture.Response
	if s := tc.section("response"); s != "" {
		status, rh, rbody := message(t, s)
		code, text, _ := strings.Cut(status, " ")
		n, err := strconv.Atoi(code)
		if err != nil {
			t.Fatalf("response status %q: %v", status, err)
		}
		resp = &capture.Response{Proto: "HTTP/1.1", Status: n, StatusText: text, Header: rh, Body: bodyOf(rbody, rh.Get("Content-Type"))}
	}
	for _, l := range strings.Split(tc.section("exchange"), "\n") {
		key, value, ok := strings.Cut(l, ": ")
		if !ok {
			continue
		}
		switch key {
		case "fault":
			ex.Fault = &capture.Fault{Kind: capture.FaultKind(value)}
		case "fault-message":
			ex.Fault.Message = value
		case "fault-detail":
			ex.Fault.Detail = value
		case "verify":
			hop.TLS = &capture.TLS{VerifyKind: capture.VerifyKind(value), VerifyError: string(value)}
		case "cert":
			// subject | issuer | not before | not after (RFC 3339)
			f := strings.Split(value, " | ")
			nb, _ := time.Parse(time.RFC3339, f[2])
			na, _ := time.Parse(time.RFC3339, f[3])
			hop.TLS.Chain = append(hop.TLS.Chain, capture.Cert{Subject: f[0], Issuer: f[1], NotBefore: nb, NotAfter: na})
		case "remote":
			hop.Conn.RemoteAddr = value
		case "replayed":
			ex.Source = capture.Source{Replayed: value == "yes", From: "HAR file session.har, entry 1"}
		case "proxy":
			ex.Proxy = value
		case "withheld":
			// The response body was not kept (a coding capture cannot
			// read); value is capture's sentence.
			resp.Body = capture.Body{Size: 1234, Withheld: value, ContentType: resp.Body.ContentType}
		case "redirect":
			// "301 URL": the first hop was answered with a redirect to URL,
			// which was followed without Authorization when the origin
			// changed.
			code, to, _ := strings.Cut(value, " ")
			n, _ := strconv.Atoi(code)
			r1 := hop
			r1.Response = &capture.Response{Proto: "HTTP/1.1", Status: n, StatusText: "Moved Permanently", Header: capture.Headers{{Name: "Location", Value: to}}}
			ex.Hops = append(ex.Hops, r1)
			hop.Request.URL = to
			if n == 301 || n == 302 || n == 303 {
				if hop.Request.Method == "POST" {
					hop.Request.Method = "GET"
					hop.Request.Body = capture.Body{}
				}
			}
			var kept capture.Headers
			for _, f := range hop.Request.Header {
				if strings.EqualFold(f.Name, "Authorization") {
					hop.Dropped = append(hop.Dropped, "Authorization")
					continue
				}
				kept = append(kept, f)
			}
			hop.Request.Header = kept
		default:
			t.Fatalf("unknown exchange key %q", key)
		}
	}
	hop.Response = resp
	if resp == nil {
		hop.Conn.RemoteAddr = ""
	}
	ex.Hops = append(ex.Hops, hop)
	return ex
}

// FuzzRun builds an Authorization header from a fuzzed layout in which
// every '#' becomes a distinct token, runs it through redact and Run, and
// checks that Run never panics and never shows a token that the redacted
// exchange does not show: whatever redact makes of a header, Secret.Value
// reaches no finding.
func FuzzRun(f *testing.F) {
	for _, seed := range []string{
		"Bearer #", "Bearer #, User #", "Bearer # User #", "User #, Bearer #", `Bearer "#", User '#'`,
		"Bearer #\n", "Bearer Bearer #", "#", "Bearer #, Partner 1169323", "Bearer  #,  User\t#",
		"Bearer x#y, User #\u200b#", "Token #", "Bearer #, Bearer #, User #", ",,#,,", "Bearer “#”",
	} {
		f.Add(seed, `{"staff_id": 5}`, 401)
	}
	f.Add("Bearer #, User #", "login=a&password=b", 422)
	f.Add("Bearer #", "{'a':", 400)
	f.Fuzz(func(t *testing.T, layout, body string, status int) {
		if strings.Contains(strings.ToLower(layout+body), "zq") {
			t.Skip("the marker must come only from '#'")
		}
		var tokens []string
		n := 0
		header := layout
		for strings.Contains(header, "#") {
			tok := fmt.Sprintf("Zq%dv%08x", n, uint32(n)*2654435761)
			n++
			tokens = append(tokens, tok)
			header = strings.Replace(header, "#", tok, 1)
		}
		ex := &capture.Exchange{
			Source: capture.Source{Replayed: true},
			Hops: []capture.Hop{{
				Request: capture.Sent{Method: "POST", URL: "https://api.alteg.io/api/v1/records/1", Header: capture.Headers{
					{Name: "Accept", Value: "application/vnd.api.v2+json"},
					{Name: "Authorization", Value: header},
					{Name: "Content-Type", Value: "application/json"},
				}, Body: bodyOf([]byte(body), "application/json")},
				Response: &capture.Response{Status: status, Body: bodyOf([]byte(`{"success":false,"data":null,"meta":{"message":"x"}}`), "application/json")},
			}},
		}
		res := redact.Scrub(ex, redact.Policy{})
		got := Run(&res.Exchange, res.Secrets)
		var shown strings.Builder
		for _, h := range res.Exchange.Hops {
			for _, f := range h.Request.Header {
				shown.WriteString(f.Value + "\n")
			}
		}
		for _, f := range got {
			// The domain package never names the tool's flags: the command layer
			// words what the user types (AT304 says "a longer time limit", not
			// --timeout). Evidence quotes the call, which may hold anything.
			if m := flagNameRE.FindString(f.Title + "\n" + f.Explain + "\n" + f.Fix + "\n" + f.Action); m != "" {
				t.Errorf("%s names a command-line flag (%q)", f.ID, m)
			}
			all := strings.Join(append([]string{f.Title, f.Explain, f.Fix, f.Action}, f.Evidence...), "\n")
			for _, tok := range tokens {
				if strings.Contains(all, tok) && !strings.Contains(shown.String(), tok) {
					t.Errorf("%s shows %s, which redaction had hidden:\n%s", f.ID, tok, all)
				}
			}
		}
	})
}

// TestAuthShapes runs the Authorization checks on headers as a redactor
// that keeps the header's shape would leave them, with the secrets list
// alongside: the checks must not depend on how redact splits a header.
func TestAuthShapes(t *testing.T) {
	pt := redact.Secret{Role: "partner_token", Placeholder: "{{partner_token}}", Value: "pt-7f3a9c1e5b2d4f60a1b2"}
	ut := redact.Secret{Role: "user_token", Placeholder: "{{user_token}}", Value: "ut-0c4b8e2a6d1f3b57c9d0"}
	id := redact.Secret{Role: "secret_1", Placeholder: "{{secret_1}}", Value: "1169323"}
	tests := map[string]struct {
		header  string
		secrets []redact.Secret
		want    []string
	}{
		"correct":              {"Bearer {{partner_token}}, User {{user_token}}", []redact.Secret{pt, ut}, nil},
		"no comma, kept apart": {"Bearer {{partner_token}} User {{user_token}}", []redact.Secret{pt, ut}, []string{"AT113"}},
		"no comma, one value":  {"Bearer {{partner_token}}", []redact.Secret{{Role: "partner_token", Placeholder: "{{partner_token}}", Value: pt.Value + " User " + ut.Value}}, []string{"AT113"}},
		"Bearer doubled, kept": {"Bearer Bearer {{partner_token}}", []redact.Secret{pt}, []string{"AT112"}},
		"Bearer doubled, value": {"Bearer {{partner_token}}", []redact.Secret{{Role: "partner_token", Placeholder: "{{partner_token}}", Value: "Bearer " + pt.Value}},
			[]string{"AT112"}},
		"quotes kept":      {`Bearer "{{partner_token}}", User "{{user_token}}"`, []redact.Secret{pt, ut}, []string{"AT116"}},
		"quotes in value":  {"Bearer {{partner_token}}", []redact.Secret{{Role: "partner_token", Placeholder: "{{partner_token}}", Value: `"` + pt.Value + `"`}}, []string{"AT116"}},
		"partner and id":   {"Bearer {{partner_token}}, Partner {{secret_1}}", []redact.Secret{pt, id}, []string{"AT115", "AT118"}},
		"lower-case parts": {"bearer {{partner_token}}, user {{user_token}}", []redact.Secret{pt, ut}, nil},
		"tab in value":     {"Bearer {{partner_token}}", []redact.Secret{{Role: "partner_token", Placeholder: "{{partner_token}}", Value: "pt-7f3a\t9c1e"}}, []string{"AT117"}},
		"nbsp in value":    {"Bearer {{partner_token}}", []redact.Secret{{Role: "partner_token", Placeholder: "{{partner_token}}", Value: "pt-7f3a\u00a09c1e"}}, []string{"AT117"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := &capture.Exchange{Hops: []capture.Hop{{
				Request: capture.Sent{Method: "GET", URL: "https://api.alteg.io/api/v1/companies", Header: capture.Headers{
					{Name: "Accept", Value: "application/vnd.api.v2+json"},
					{Name: "Authorization", Value: tc.header},
				}},
				Response: &capture.Response{Status: 401, StatusText: "Unauthorized", Body: bodyOf([]byte(`{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`), "application/json")},
			}}}
			var got []string
			for _, f := range Run(ex, tc.secrets) {
				if f.ID < "AT200" {
					got = append(got, f.ID)
				}
				checkFinding(t, f, tc.secrets)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("request findings (-want +got):\n%s", d)
			}
		})
	}
}

// BenchmarkRun measures a diagnosis of a 401 whose response body is at
// capture's 5 MiB cap, the largest body Run ever reads.
func BenchmarkRun(b *testing.B) {
	big := []byte(`{"success":false,"data":[` + strings.Repeat(`{"id":1,"name":"client"},`, 5<<20/25) + `{}],"meta":{"message":"Authentication needed."}}`)
	ex := &capture.Exchange{Hops: []capture.Hop{{
		Request: capture.Sent{Method: "POST", URL: "https://api.alteg.io/api/v1/records/1", Header: capture.Headers{
			{Name: "Accept", Value: "application/vnd.api.v2+json"},
			{Name: "Authorization", Value: "Bearer {{partner_token}}, User {{user_token}}"},
			{Name: "Content-Type", Value: "application/json"},
		}, Body: bodyOf([]byte(`{"staff_id":5}`), "application/json")},
		Response: &capture.Response{Status: 401, Body: bodyOf(big, "application/json")},
	}}}
	secrets := []redact.Secret{
		{Role: "partner_token", Placeholder: "{{partner_token}}", Value: "pt-7f3a9c1e5b2d4f60a1b2"},
		{Role: "user_token", Placeholder: "{{user_token}}", Value: "ut-0c4b8e2a6d1f3b57c9d0"},
	}
	b.SetBytes(int64(len(big)))
	b.ReportAllocs()
	for b.Loop() {
		if len(Run(ex, secrets)) == 0 {
			b.Fatal("no findings")
		}
	}
}

// TestQuotesAreBounded: a server that echoes a huge message must not blow
// up the ticket through the findings, which quote it.
func TestQuotesAreBounded(t *testing.T) {
	long := strings.Repeat("x", 400<<10)
	if got := printable(long); len(got) > maxQuoted+100 || !strings.HasPrefix(got, strings.Repeat("x", maxQuoted)) || !strings.Contains(got, "more bytes") {
		t.Errorf("printable kept %d bytes of a %d-byte message: %.80q...", len(got), len(long), got)
	}
	if got := printable("short"); got != "short" {
		t.Errorf("printable(short) = %q", got)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

// TestFilesGolden compares every file of a rendered ticket (the loose
// ticket.txt and ticket.html, each attachment, secrets.txt) with its golden
// copy in testdata/golden/files; -update rewrites them.
func TestFilesGolden(t *testing.T) {
	r, err := Render(sampleTicket(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.Files {
		names = append(names, f.Name)
		checkGolden(t, filepath.Join("files", f.Name), f.Data)
	}
	want := []string{"ticket.txt", "ticket.html", "request.har", "postman_collection.json", "replay.sh",
		"response-body.json", "secrets.txt"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
}

// TestFilesAreTheAttachments checks that --out-dir gets the attachments of
// the .eml byte for byte: one rendering, two outputs.
func TestFilesAreTheAttachments(t *testing.T) {
	r, err := Render(sampleTicket(t))
	if err != nil {
		t.Fatal(err)
	}
	_, parts := readParts(t, emlOf(t, r))
	files := map[string]string{}
	for _, f := range r.Files {
		files[f.Name] = string(f.Data)
	}
	for _, p := range parts {
		if p.Filename == "" {
			continue
		}
		if got, ok := files[p.Filename]; !ok || got != p.Body {
			t.Errorf("attachment %s differs from the file of the same name (present: %v)", p.Filename, ok)
		}
	}
	// The loose text and HTML are the body parts with the token values
	// left out.
	for _, p := range parts {
		name := map[string]string{"text/plain": "ticket.txt", "text/html": "ticket.html"}[p.ContentType]
		if name == "" || p.Filename != "" {
			continue
		}
		got := files[name]
		for _, tok := range []string{partner, user} {
			got = strings.Replace(got, "(in secrets.txt)", tok, 1)
		}
		if p.ContentType == "text/plain" && got != strings.ReplaceAll(p.Body, "\r\n", "\n") {
			t.Errorf("%s is not the text part with the values left out", name)
		}
		// Rendered.Text (--print) is the text part itself, values in.
		if p.ContentType == "text/plain" && string(r.Text) != strings.ReplaceAll(p.Body, "\r\n", "\n") {
			t.Errorf("Rendered.Text is not the text part of the .eml")
		}
	}
}

// TestTokenValuesOnlyWhereAsked checks where the token values may appear:
// once each in the Tokens section of each body part, and in secrets.txt;
// nowhere else, in no file.
func TestTokenValuesOnlyWhereAsked(t *testing.T) {
	r, err := Render(sampleTicket(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Files {
		for _, tok := range []string{partner, user} {
			n := bytes.Count(f.Data, []byte(tok))
			want := 0
			if f.Name == "secrets.txt" {
				want = 1
			}
			if n != want {
				t.Errorf("%s holds token %s… %d times, want %d", f.Name, tok[:3], n, want)
			}
		}
	}
	secrets := string(r.Files[len(r.Files)-1].Data)
	for _, want := range []string{"Partner token {{partner_token}} (sha256 449aada7da27):\n  " + partner, "User token {{user_token}}"} {
		if !strings.Contains(secrets, want) {
			t.Errorf("secrets.txt lacks %q:\n%s", want, secrets)
		}
	}
}

// TestOtherSecretsNeverWritten gives the ticket a password, a cookie and a
// numbered secret: their values must appear in no byte of the .eml or of
// any file, in plain or base64 form, even when a body still held one that
// redaction missed (the safety net catches it).
func TestOtherSecretsNeverWritten(t *testing.T) {
	const password, cookie, other = "hunter2-Secret!", "sess-9f8e7d6c5b4a", "sign-0a1b2c3d4e5f"
	tk := sampleTicket(t)
	h := &tk.Exchange.Hops[0]
	h.Request.URL += "&sign={{secret_1}}"
	h.Request.Header = append(h.Request.Header, capture.Header{Name: "Cookie", Value: "session={{cookie_session}}", Origin: capture.FromUser})
	h.Request.Body.Data = []byte(`{"login":"me@example.com","password":"{{password}}"}`)
	h.Request.Body.Size = int64(len(h.Request.Body.Data))
	// Redaction missed the password in the response: the safety net
	// must catch it.
	resp := *h.Response
	resp.Body.Data = []byte(`{"echo":"` + password + `","other":"` + other + `"}`)
	h.Response = &resp
	tk.Secrets = append(tk.Secrets,
		redact.Secret{Role: "password", Placeholder: "{{password}}", Value: password, Found: []string{"request body"}},
		redact.Secret{Role: "cookie_session", Placeholder: "{{cookie_session}}", Value: cookie, Found: []string{"header Cookie"}},
		redact.Secret{Role: "secret_1", Placeholder: "{{secret_1}}", Value: other, Found: []string{"query parameter sign"}},
	)
	inner := tk.Redact
	tk.Redact = func(b []byte) []byte {
		b = inner(b)
		for _, s := range tk.Secrets[2:] {
			b = bytes.ReplaceAll(b, []byte(s.Value), []byte(s.Placeholder))
		}
		return b
	}
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	eml := emlOf(t, r)
	_, parts := readParts(t, eml)
	everything := [][]byte{eml}
	for _, p := range parts {
		everything = append(everything, []byte(p.Body))
	}
	for _, f := range r.Files {
		everything = append(everything, f.Data)
	}
	for _, v := range []string{password, cookie, other} {
		for _, b := range everything {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("the value %q was written", v)
			}
		}
	}
	// replay.sh and the collection name the secrets for the user to fill.
	files := map[string]string{}
	for _, f := range r.Files {
		files[f.Name] = string(f.Data)
	}
	for _, want := range []string{`"${ALTEGIO_PASSWORD}"`, `"${ALTEGIO_COOKIE_SESSION}"`, `"${ALTEGIO_SECRET_1}"`, "the secret found in query parameter sign"} {
		if !strings.Contains(files["replay.sh"], want) {
			t.Errorf("replay.sh lacks %s", want)
		}
	}
	for _, want := range []string{`"key": "password"`, `"key": "cookie_session"`, `"key": "secret_1"`} {
		if !strings.Contains(files["postman_collection.json"], want) {
			t.Errorf("the collection lacks the variable %s", want)
		}
	}
}

// TestHTMLEscapesHostileContent puts markup and quotes in every place the
// exchange reaches the HTML part.
func TestHTMLEscapesHostileContent(t *testing.T) {
	const evil = `"><script>alert(1)</script></td></tr></table><img src=x onerror=alert(2)>'`
	tk := sampleTicket(t)
	ex := &tk.Exchange
	h := &ex.Hops[0]
	h.Request.URL = "https://api.alteg.io/api/v1/x?q=" + evil
	h.Request.Header = append(h.Request.Header, capture.Header{Name: "X-Evil", Value: evil, Origin: capture.FromUser})
	h.Request.Body = capture.Body{Data: []byte(evil), Size: int64(len(evil)), ContentType: "text/html"}
	resp := *h.Response
	resp.StatusText = evil
	resp.Header = append(resp.Header, capture.Header{Name: "X-Evil", Value: evil})
	resp.Body = capture.Body{Data: []byte(evil), Size: int64(len(evil)), ContentType: `text/html; x="` + evil + `"`}
	h.Response = &resp
	h.Conn.RemoteAddr = evil
	ex.Fault = &capture.Fault{Kind: capture.FaultMalformed, Message: evil}
	ex.Source.From = evil

	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	html := string(r.Files[1].Data)
	for _, bad := range []string{"<script", "</td></tr></table><img", "<img", `"><script`, "onerror=alert(2)>"} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML holds %q unescaped", bad)
		}
	}
	if n := strings.Count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"); n < 6 {
		t.Errorf("the escaped markup shows %d times, want it in the URL, headers, bodies, status and fault", n)
	}
	for _, forbidden := range []string{"<style", "<link", "http://", "src=\"", "<iframe"} {
		if strings.Contains(strings.ReplaceAll(html, "https://api.alteg.io", ""), forbidden) {
			t.Errorf("the HTML holds %q: no scripts, styles sheets or remote resources", forbidden)
		}
	}
}

// TestTextIsEightyColumns checks that every line of the text part that
// can be broken at spaces fits in 80 columns.
func TestTextIsEightyColumns(t *testing.T) {
	tk := sampleTicket(t)
	h := &tk.Exchange.Hops[0]
	h.Request.Header = append(h.Request.Header, capture.Header{Name: "X-Long", Value: strings.Repeat("word ", 40), Origin: capture.FromUser})
	tk.Exchange.Source.From = "a HAR file with a rather long name, session-2026-11-29-support-case.har, entry 4"
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	text := string(r.Files[0].Data)
	for _, line := range strings.Split(text, "\n") {
		if utf8.RuneCountInString(line) > 80 && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("line of %d columns: %q", utf8.RuneCountInString(line), line)
		}
	}
	if !strings.Contains(text, "  X-Long:        word word") {
		t.Errorf("header names are not aligned:\n%s", text)
	}
}

// bigTicket has a response body of n bytes of text and a 20 KiB request.
func bigTicket(t testing.TB, n int) Ticket {
	tk := sampleTicket(t.(*testing.T))
	rng := rand.New(rand.NewSource(1))
	const letters = "abcdefghijklmnopqrstuvwxyz \"<>\n"
	data := make([]byte, n)
	for i := range data {
		data[i] = letters[rng.Intn(len(letters))]
	}
	h := &tk.Exchange.Hops[0]
	h.Request.Body = capture.Body{Data: bytes.Repeat([]byte("r"), 20<<10), Size: 20 << 10, ContentType: "text/plain"}
	resp := *h.Response
	resp.Body = capture.Body{Data: data, Size: int64(n), ContentType: "text/plain"}
	h.Response = &resp
	return tk
}

func TestBudgetCutsTheLargestBody(t *testing.T) {
	tk := bigTicket(t, 3<<20)
	tk.MaxSize = 1 << 20
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(emlOf(t, r)); n > 1<<20 || n < 900<<10 {
		t.Errorf("the ticket is %d bytes; want it under the 1 MiB budget and not far below it", n)
	}
	files := map[string][]byte{}
	for _, f := range r.Files {
		files[f.Name] = f.Data
	}
	var h struct {
		Log struct {
			Entries []struct {
				Request struct {
					PostData struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal(files["request.har"], &h); err != nil || len(h.Log.Entries[0].Request.PostData.Text) != 20<<10 {
		t.Errorf("the small request body was cut in request.har (%v); only the largest body should be", err)
	}
	resp := files["response-body.txt"]
	if len(resp) == 0 || len(resp) >= 3<<20 || !bytes.HasPrefix(tk.Exchange.Response().Body.Data, resp) {
		t.Errorf("the response body attachment is %d bytes; want a prefix of the 3 MiB body", len(resp))
	}
	text := strings.Join(strings.Fields(string(files["ticket.txt"])), " ")
	if !strings.Contains(text, "To keep this message under 1.0 MiB, the response body was cut to its first") {
		t.Errorf("the ticket does not say the body was cut:\n%.2000s", text)
	}
	if !strings.Contains(string(files["request.har"]), `"_truncated": true`) {
		t.Error("the HAR does not mark the body as truncated")
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "the response body was cut") || !r.Cut {
		t.Errorf("warnings = %q, cut %v", r.Warnings, r.Cut)
	}
	// Nothing is cut when the ticket fits.
	tk.MaxSize = 0
	r, err = Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 0 || r.Cut || bytes.Contains(emlOf(t, r), []byte("To keep this message under")) {
		t.Errorf("a ticket of %d bytes under the default budget was cut: %q", r.Size, r.Warnings)
	}
}

func TestBudgetTooSmallEvenWithoutBodies(t *testing.T) {
	tk := bigTicket(t, 64<<10)
	tk.MaxSize = 4 << 10
	r, err := Render(tk)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) == 0 || !strings.Contains(r.Warnings[len(r.Warnings)-1], "even with every body left out") {
		t.Errorf("warnings = %q", r.Warnings)
	}
	for _, f := range r.Files {
		if strings.HasSuffix(f.Name, "-body.txt") {
			t.Errorf("%s is attached although every body was cut", f.Name)
		}
	}
}

func TestCutBody(t *testing.T) {
	tests := map[string]struct {
		in       capture.Body
		limit    int
		wantData string
		wantCut  bool
	}{
		"fits":           {capture.Body{Data: []byte("abc"), Size: 3}, 3, "abc", false},
		"ascii":          {capture.Body{Data: []byte("abcdef"), Size: 6}, 4, "abcd", true},
		"rune boundary":  {capture.Body{Data: []byte("aéé"), Size: 5}, 4, "aé", true},
		"binary exact":   {capture.Body{Data: []byte("a\xc3\xa9\xc3"), Size: 4, Binary: true}, 2, "a\xc3", true},
		"to nothing":     {capture.Body{Data: []byte("abc"), Size: 3}, 0, "", true},
		"already capped": {capture.Body{Data: []byte("abcdef"), Size: 100, Truncated: true}, 2, "ab", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, cut := cutBody(tc.in, tc.limit)
			if string(got.Data) != tc.wantData || cut != tc.wantCut {
				t.Errorf("cutBody = %q, %v; want %q, %v", got.Data, cut, tc.wantData, tc.wantCut)
			}
			if cut && (!got.Truncated || got.Size != max(tc.in.Size, int64(len(tc.in.Data)))) {
				t.Errorf("cut body: truncated %v, size %d", got.Truncated, got.Size)
			}
		})
	}
}

// BenchmarkRenderOverBudget measures a ticket whose 5 MiB response (the
// capture's default cap) must be cut to fit a 4 MiB budget: the full
// render, the size model's search, and the render of the cut ticket.
func BenchmarkRenderOverBudget(b *testing.B) {
	t := &testing.T{}
	tk := bigTicket(t, 5<<20)
	tk.MaxSize = 4 << 20
	for b.Loop() {
		r, err := Render(tk)
		if err != nil || len(r.Warnings) == 0 {
			b.Fatal(err, r.Warnings)
		}
		b.ReportMetric(float64(r.Size)/(1<<20), "MiB/ticket")
	}
}

// BenchmarkRenderSmall measures a typical ticket.
func BenchmarkRenderSmall(b *testing.B) {
	tk := sampleTicket(&testing.T{})
	for b.Loop() {
		if _, err := Render(tk); err != nil {
			b.Fatal(err)
		}
	}
}

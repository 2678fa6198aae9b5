package cli

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Fake tokens used in testdata/curl and testdata/har.
const (
	fakePartner = "fakepartner0123456789abcd"
	fakeUser    = "fakeuser9876543210dcba"
)

// received is a request as a test server saw it.
type received struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// recordingServer answers 422 with an Alteg.io-style error and records
// every request it gets.
func recordingServer(t *testing.T) (*httptest.Server, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Method, r.URL.RequestURI(), r.Header.Clone(), string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"success":false,"data":null,"meta":{"message":"An error has occurred","errors":{"staff_id":["The selected staff is invalid."]}}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

// loopback listens on a free loopback port until the test ends and
// hands each connection to serve, one at a time (serve starts its own
// goroutine to serve them at once). It returns host:port.
func loopback(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c)
		}
	}()
	return ln.Addr().String()
}

// untouchable is a TCP listener that fails the test when anything connects.
func untouchable(t *testing.T) string {
	t.Helper()
	return "http://" + loopback(t, func(c net.Conn) {
		t.Errorf("--no-replay opened a connection from %s", c.RemoteAddr())
		c.Close()
	})
}

// pointAt copies a testdata file into dir with every https://api.alteg.io
// replaced by base, so that a replay stays on loopback.
func pointAt(t *testing.T, src, dir, base string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(out, bytes.ReplaceAll(b, []byte("https://api.alteg.io"), []byte(base)), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkTokens checks that each token appears once in each body part,
// after the Tokens heading, and in no attachment.
func checkTokens(t *testing.T, tk ticket, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		for name, part := range map[string]string{"text": tk.Text, "html": tk.HTML} {
			if n := strings.Count(part, tok); n != 1 || strings.Index(part, tok) < strings.LastIndex(part, "Tokens") {
				t.Errorf("%s part: token %q appears %d times (want once, in the Tokens section)", name, tok, n)
			}
		}
		for name, a := range tk.Attach {
			if strings.Contains(a, tok) {
				t.Errorf("attachment %s holds token %q", name, tok)
			}
		}
	}
}

// TestRunCurlMatchesFlags replays one call three ways: as flags, as a
// pasted Chrome command, and as the same command for cmd.exe. The server
// must receive the same request, and the tickets must say the same, apart
// from the time and where the call came from.
func TestRunCurlMatchesFlags(t *testing.T) {
	srv, got := recordingServer(t)
	dir := t.TempDir()
	const body = `{"staff_id":42,"services":[{"id":7}]}`
	flags := []string{
		"-H", "accept: application/vnd.api.v2+json",
		"-H", "authorization: Bearer " + fakePartner + ", User " + fakeUser,
		"-H", "content-type: application/json",
		"-b", "session_id=abcdef0123456789",
		"--data-raw", body,
		srv.URL + "/api/v1/records/123456",
	}
	bash := "curl '" + srv.URL + "/api/v1/records/123456' \\\n" +
		"  -H 'accept: application/vnd.api.v2+json' \\\n" +
		"  -H 'authorization: Bearer " + fakePartner + ", User " + fakeUser + "' \\\n" +
		"  -H 'content-type: application/json' \\\n" +
		"  -b 'session_id=abcdef0123456789' \\\n" +
		"  --data-raw $'{\"staff_id\":42,\"services\":[{\"id\":7}]}'\n"
	cmd := "curl ^\"" + srv.URL + "/api/v1/records/123456^\" ^\n" +
		"  -H ^\"accept: application/vnd.api.v2+json^\" ^\n" +
		"  -H ^\"authorization: Bearer " + fakePartner + ", User " + fakeUser + "^\" ^\n" +
		"  -H ^\"content-type: application/json^\" ^\n" +
		"  -b ^\"session_id=abcdef0123456789^\" ^\n" +
		"  --data-raw ^\"^{^\\^\"staff_id^\\^\":42,^\\^\"services^\\^\":^[^{^\\^\"id^\\^\":7^}^]^}^\"\n"
	os.WriteFile(filepath.Join(dir, "bash.txt"), []byte(bash), 0o600)
	os.WriteFile(filepath.Join(dir, "cmd.txt"), []byte(cmd), 0o600)

	runs := map[string][]string{
		"flags": flags,
		"bash":  {"--curl", "@" + filepath.Join(dir, "bash.txt")},
		"cmd":   {"--curl", "@" + filepath.Join(dir, "cmd.txt")},
		"stdin": {"--curl", "-"},
	}
	texts := map[string]string{}
	for _, name := range []string{"flags", "bash", "cmd", "stdin"} {
		out := filepath.Join(dir, name+".eml")
		stdin := ""
		if name == "stdin" {
			stdin = bash
		}
		code, stdout, stderr := runCLI(t, stdin, append([]string{"-y", "-o", out}, runs[name]...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		for _, tok := range []string{fakePartner, fakeUser, "abcdef0123456789"} {
			if strings.Contains(stdout+stderr, tok) {
				t.Errorf("%s: a secret reached the terminal", name)
			}
		}
		tk := readTicket(t, out)
		checkTokens(t, tk, fakePartner, fakeUser)
		texts[name] = normalise(tk.Text)
	}
	reqs := got()
	if len(reqs) != 4 {
		t.Fatalf("server got %d requests, want 4", len(reqs))
	}
	for i, name := range []string{"bash", "cmd", "stdin"} {
		if d := cmp.Diff(reqs[0], reqs[i+1]); d != "" {
			t.Errorf("%s sent another request than flags (-flags +%s):\n%s", name, name, d)
		}
		if d := cmp.Diff(texts["flags"], texts[name]); d != "" {
			t.Errorf("%s ticket differs from the flags ticket (-flags +%s):\n%s", name, name, d)
		}
	}
	if r := reqs[0]; r.Body != body || r.Header.Get("Cookie") != "session_id=abcdef0123456789" || r.Header.Get("User-Agent") == "" || r.Method != "POST" {
		t.Errorf("request = %+v", r)
	}
}

// volatile matches the fields that differ between two runs of one call,
// with the lines their values wrap onto.
var volatile = regexp.MustCompile(`(?m)^ *(When|Timings|Remote address|Local address|Date):.*(\r?\n {8,}\S.*)*$`)

// normalise drops the lines that differ between two runs of one call.
func normalise(text string) string { return volatile.ReplaceAllString(text, "") }

func TestRunCurlOverrides(t *testing.T) {
	srv, got := recordingServer(t)
	dir := t.TempDir()
	cmdFile := filepath.Join(dir, "cmd.txt")
	os.WriteFile(cmdFile, []byte("curl -X POST -o /dev/null -sS -H 'Authorization: Bearer old' -H 'X-Keep: 1' -d a=1 '"+srv.URL+"/x'"), 0o600)
	out := filepath.Join(dir, "t.eml")
	code, _, stderr := runCLI(t, "", "--curl", "@"+cmdFile, "-o", out, "-X", "PUT", "-y", "-H", "authorization: Bearer "+fakePartner)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := got()[0]
	if r.Method != "PUT" || r.Header.Get("Authorization") != "Bearer "+fakePartner || r.Header.Get("X-Keep") != "1" || r.Body != "a=1" {
		t.Errorf("request = %+v", r)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("our -o was not used: %v", err)
	}
	if tk := readTicket(t, out); !strings.Contains(tk.Flat, "replayed by altegio-ticket from the curl command in cmd.txt") {
		t.Errorf("the ticket does not say where the call came from:\n%s", tk.Text)
	}
}

func TestRunHARReplay(t *testing.T) {
	srv, got := recordingServer(t)
	dir := t.TempDir()
	har := pointAt(t, "../testdata/har/chrome.har", dir, srv.URL)
	out := filepath.Join(dir, "t.eml")

	// A POST from a HAR needs confirmation like any other.
	code, _, stderr := runCLI(t, "", "--har", har, "-o", out)
	if code != 2 || !strings.Contains(stderr, "refusing to replay POST") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "", "--har", har, "-o", out, "-y")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "note: using entry 4 of 6, the last failing API call: POST") {
		t.Errorf("stderr does not say which entry was used:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, fakePartner) || strings.Contains(stdout+stderr, "abcdef0123456789") {
		t.Error("a secret reached the terminal")
	}
	reqs := got()
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.URI != "/api/v1/records/123456" || !strings.Contains(r.Body, `"staff_id":42`) {
		t.Errorf("request = %s %s %q", r.Method, r.URI, r.Body)
	}
	for name := range r.Header {
		if strings.HasPrefix(name, ":") {
			t.Errorf("pseudo-header %q sent", name)
		}
	}
	if r.Header.Get("Cookie") == "" || r.Header.Get("Authorization") != "Bearer "+fakePartner+", User "+fakeUser || r.Header.Get("Accept-Encoding") != "gzip, deflate, br, zstd" {
		t.Errorf("headers = %v", r.Header)
	}
	tk := readTicket(t, out)
	checkTokens(t, tk, fakePartner, fakeUser)
	if !strings.Contains(tk.Flat, "replayed by altegio-ticket from the HAR file chrome.har, entry 4") || !strings.Contains(tk.Subject, "422") {
		t.Errorf("ticket:\n%s", tk.Text)
	}
	if strings.Contains(tk.Text+tk.HTML, "abcdef0123456789") {
		t.Log("the session cookie is in the ticket; cookie redaction is being added by the redaction work")
	}
}

// TestRunNoReplayOpensNoConnection builds tickets with --no-replay from
// each source while the URL points at a listener that fails the test on
// any connection.
func TestRunNoReplayOpensNoConnection(t *testing.T) {
	base := untouchable(t)
	dir := t.TempDir()
	ffHAR := pointAt(t, "../testdata/har/firefox.har", dir, base)
	resp := filepath.Join(dir, "resp.txt")
	os.WriteFile(resp, []byte("HTTP/2 401 \r\ncontent-type: application/json\r\n\r\n{\"success\":false,\"data\":null,\"meta\":{\"message\":\"Authentication needed.\"}}"), 0o600)
	body := filepath.Join(dir, "body.json")
	os.WriteFile(body, []byte(`{"success":false,"meta":{"message":"Access denied."}}`), 0o600)
	cmdFile := filepath.Join(dir, "cmd.txt")
	os.WriteFile(cmdFile, []byte("curl -X DELETE -H 'Authorization: Bearer "+fakePartner+", User "+fakeUser+"' '"+base+"/api/v1/record/1/2'"), 0o600)

	tests := map[string]struct {
		args      []string
		wantText  []string
		wantNoTok bool
	}{
		"HAR entry": {[]string{"--har", ffHAR, "--entry", "2"},
			[]string{"not sent again: recorded in the HAR file firefox.har, entry 2, time by the response's Date header", "401 Unauthorized", "Authentication needed.", "Call: PUT /api/v1/record/123456/987654"}, false},
		"HAR failed entry": {[]string{"--har", ffHAR},
			[]string{"The call failed: the browser recorded no response", "entry 5"}, false},
		"curl and response": {[]string{"--curl", "@" + cmdFile, "--response", resp},
			[]string{"not sent again: recorded in the response saved in resp.txt (request from the curl command in cmd.txt), time by the time its file was saved", "Call: DELETE /api/v1/record/1/2", "401 Unauthorized (HTTP/2.0)", "Authentication needed."}, false},
		"flags and body with status": {[]string{"-X", "POST", "-H", "Authorization: Bearer " + fakePartner, base + "/api/v1/auth", "--response", body, "--status", "403"},
			[]string{"body saved in body.json, with status 403 given with --status", "403 Forbidden", "Access denied."}, false},
		"status only": {[]string{base + "/api/v1/x", "--status", "500"},
			[]string{"status 500 given with --status (request from the command line), time when the ticket was written; nothing recorded the call's time", "500 Internal Server Error"}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "t.eml")
			// No --yes: nothing is sent, so nothing needs confirming.
			code, _, stderr := runCLI(t, "", append([]string{"--no-replay", "-o", out}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "not replayed") {
				t.Errorf("the summary does not say the call was not replayed:\n%s", stderr)
			}
			tk := readTicket(t, out)
			for _, w := range tc.wantText {
				if !strings.Contains(tk.Flat, w) {
					t.Errorf("text part lacks %q:\n%s", w, tk.Text)
				}
			}
			if !strings.Contains(tk.HTML, "not sent again: recorded in the") {
				t.Error("the HTML part does not say the call was not replayed")
			}
			if !tc.wantNoTok {
				checkTokens(t, tk, fakePartner)
			}
			if strings.Contains(tk.Text, "altegio-ticket/") && strings.Contains(tk.Text, "User-Agent: altegio-ticket") {
				t.Error("a not-replayed call claims the tool's User-Agent")
			}
		})
	}
}

func TestRunHARList(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "", "--har", "../testdata/har/chrome.har", "--list", "-o", filepath.Join(dir, "t.eml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile("../testdata/har/chrome.list")
	if err != nil {
		t.Fatal(err)
	}
	// The table, then what the mark means, worded by cli.
	want = append(want, "* entry 4 is used without --entry: the last failing API call. Choose another with --entry N.\n"...)
	if d := cmp.Diff(string(want), stdout); d != "" {
		t.Errorf("--list output (-want +got):\n%s", d)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Error("--list wrote a file")
	}
}

func TestRunInputErrors(t *testing.T) {
	dir := t.TempDir()
	cmdFile := filepath.Join(dir, "cmd.txt")
	os.WriteFile(cmdFile, []byte("curl --netrc --next --sil http://127.0.0.1:1/x"), 0o600)
	unknown := filepath.Join(dir, "unknown.txt")
	os.WriteFile(unknown, []byte("curl --frobnicate http://127.0.0.1:1/x"), 0o600)
	notResp := filepath.Join(dir, "body.json")
	os.WriteFile(notResp, []byte(`{"a":1}`), 0o600)
	out := filepath.Join(dir, "t.eml")
	har := "../testdata/har/chrome.har"
	tests := map[string]struct {
		args []string
		want string
	}{
		"curl and URL":              {[]string{"--curl", "curl http://x.test/a", "http://x.test/b"}, "--curl takes the URL from the pasted command"},
		"curl unquoted":             {[]string{"--curl", "curl", "http://x.test/b"}, "--curl takes the URL"},
		"curl alone word":           {[]string{"--curl", "curl"}, "quote it"},
		"har and curl":              {[]string{"--har", har, "--curl", "curl http://x"}, "use --har or --curl, not both"},
		"har and URL":               {[]string{"--har", har, "http://x.test"}, "--har supplies the whole request; drop the URL"},
		"har and -H":                {[]string{"--har", har, "-H", "A: b", "-d", "x"}, "drop --header, --data"},
		"entry without har":         {[]string{"--entry", "2", "http://x.test"}, "add --har FILE"},
		"list without har":          {[]string{"--list"}, "--list shows the entries of a HAR file"},
		"response without no-r":     {[]string{"--response", notResp, "http://x.test"}, "add --no-replay"},
		"status without no-r":       {[]string{"--status", "500", "http://x.test"}, "add --no-replay"},
		"no-replay alone":           {[]string{"--no-replay", "http://x.test"}, "--no-replay needs the recorded response"},
		"har and response":          {[]string{"--har", har, "--no-replay", "--response", notResp}, "already holds the response"},
		"bad status":                {[]string{"--no-replay", "--status", "42", "http://x.test"}, "not an HTTP status"},
		"response not raw":          {[]string{"--no-replay", "--response", notResp, "http://x.test"}, "add --status CODE to use the file as the body"},
		"response missing":          {[]string{"--no-replay", "--response", filepath.Join(dir, "nope"), "http://x.test"}, "cannot read the file"},
		"entry zero":                {[]string{"--har", har, "--entry", "0"}, "--entry counts from 1"},
		"entry too big":             {[]string{"--har", har, "--entry", "99"}, "the file has 6 entries"},
		"no failing entry":          {[]string{"--har", "../testdata/har/all-ok.har"}, "no entry of all-ok.har failed (2 entries)"},
		"broken har":                {[]string{"--har", "../testdata/har/truncated.har"}, "not a HAR file"},
		"missing har":               {[]string{"--har", filepath.Join(dir, "nope.har")}, "cannot read the file"},
		"unknown curl option":       {[]string{"--curl", "@" + unknown}, "--curl: the curl command uses --frobnicate, which curl does not have"},
		"refused curl option":       {[]string{"--curl", "@" + cmdFile}, "the curl command uses 2 options that cannot be used: --netrc, which reads credentials from .netrc"},
		"curl file missing":         {[]string{"--curl", "@" + filepath.Join(dir, "nope.txt")}, "cannot read the file"},
		"curl syntax":               {[]string{"--curl", "curl -H 'open http://x"}, "unterminated ' quote"},
		"curl unset variable":       {[]string{"--curl", `curl -H "Authorization: Bearer $NOT_SET_HERE" http://x`}, "$NOT_SET_HERE, which is not set"},
		"two stdin readers":         {[]string{"--curl", "-", "-d", "@-"}, "both read stdin"},
		"demo with curl":            {[]string{"--demo", "--curl", "curl http://x"}, "drop --curl"},
		"refused option in flags":   {[]string{"--ntlm", "-u", "a:b", "http://x.test"}, "only basic (-u user:password), --digest"},
		"bad proxy in flags":        {[]string{"-x", "ftp://proxy:1", "http://x.test"}, "-x: the proxy's scheme ftp:// is not one curl takes"},
		"bad cacert in flags":       {[]string{"--cacert", filepath.Join(dir, "nope.pem"), "https://x.test"}, "error setting certificate file (curl's words)"},
		"pasted POST not confirmed": {[]string{"--curl", "curl -d a=1 http://127.0.0.1:1/x"}, "refusing to replay POST"},
		"our flag typo":             {[]string{"--nope", "http://x.test"}, "unknown option --nope"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "curl http://x.test -d @-", append([]string{"-o", out}, tc.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
				t.Errorf("not one line on stderr: %q / %q", stderr, stdout)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a usage error wrote a ticket")
	}
}

// TestRunNewCurlOptions checks that the tool's own command line takes
// curl's options beyond the original set.
func TestRunNewCurlOptions(t *testing.T) {
	srv, got := recordingServer(t)
	out := filepath.Join(t.TempDir(), "t.eml")
	code, _, stderr := runCLI(t, "", "-o", out, "-sSL", "-G", "--data-urlencode", "q=a b", "-u", "me:pw", "-A", "crm/1", "-e", "https://crm.test/", "-b", "a=1", "--compressed", "-m", "5", srv.URL+"/s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := got()[0]
	want := map[string]string{"Authorization": "Basic bWU6cHc=", "User-Agent": "crm/1", "Referer": "https://crm.test/", "Cookie": "a=1", "Accept-Encoding": "deflate, gzip, br, zstd", "Accept": "*/*"}
	for k, v := range want {
		if r.Header.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, r.Header.Get(k), v)
		}
	}
	if r.Method != "GET" || r.URI != "/s?q=a+b" {
		t.Errorf("request = %s %s", r.Method, r.URI)
	}
	fmt.Fprint(io.Discard, stderr)
}

// TestRunNoReplayKeepsMaxBody: --max-body bounds a recorded response as it
// bounds a replayed one.
func TestRunNoReplayKeepsMaxBody(t *testing.T) {
	dir := t.TempDir()
	resp := filepath.Join(dir, "resp.txt")
	os.WriteFile(resp, []byte("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n"+strings.Repeat("x", 3000)), 0o600)
	out := filepath.Join(dir, "t.eml")
	code, _, stderr := runCLI(t, "", "--no-replay", "--max-body", "1KiB", "--response", resp, "-o", out, "http://127.0.0.1:1/api/v1/x")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if tk := readTicket(t, out); !strings.Contains(tk.Flat, "response body truncated: kept 1.0 KiB of 2.9 KiB") {
		t.Errorf("the recorded body was not cut to --max-body:\n%s", tk.Text)
	}
}

// TestRunTicketHARReadBack: the attachments of a ticket, saved in one
// folder, make the same ticket again with --har request.har --no-replay:
// the response body comes from the file the HAR names (_file), whole.
// Saved without the body file, the ticket says the body is left out and
// why.
func TestRunTicketHARReadBack(t *testing.T) {
	body := `{"success":false,"data":null,"meta":{"message":"Запись не найдена","items":[` +
		strings.Repeat(`{"id":12345,"title":"a b c"},`, 200) + `{"id":0}]}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	first := filepath.Join(dir, "first.eml")
	code, _, stderr := runCLI(t, "", "-o", first, "-H", "Accept: application/vnd.api.v2+json",
		"-H", "Authorization: Bearer "+fakePartner+", User "+fakeUser, srv.URL+"/api/v1/record/1/2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tk := readTicket(t, first)
	bodyFile := ""
	for name := range tk.Attach {
		if strings.HasPrefix(name, "response-body.") {
			bodyFile = name
		}
	}
	if bodyFile == "" || tk.Attach[bodyFile] != body {
		t.Fatalf("the first ticket's body file %q does not hold the body", bodyFile)
	}

	for _, withBody := range []bool{true, false} {
		t.Run(fmt.Sprintf("with the body file %v", withBody), func(t *testing.T) {
			saved := t.TempDir()
			for name, text := range tk.Attach {
				if name == bodyFile && !withBody {
					continue
				}
				os.WriteFile(filepath.Join(saved, name), []byte(text), 0o600)
			}
			again := filepath.Join(saved, "again.eml")
			code, _, stderr := runCLI(t, "", "--no-replay", "-o", again, "--har", filepath.Join(saved, "request.har"), "--entry", "1")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			tk2 := readTicket(t, again)
			if !strings.Contains(tk2.Flat, "404 Not Found") || !strings.Contains(tk2.Flat, "/api/v1/record/1/2") {
				t.Errorf("the ticket read back lost the call:\n%s", tk2.Text)
			}
			const why = "not next to it; save the ticket's attachments in one folder"
			if withBody {
				if got := tk2.Attach[bodyFile]; got != body {
					t.Errorf("the body read back differs: %d bytes, want %d", len(got), len(body))
				}
				if strings.Contains(stderr, why) {
					t.Errorf("the terminal says the body is missing although it is there:\n%s", stderr)
				}
				return
			}
			if !strings.Contains(stderr, why) || !strings.Contains(tk2.Flat, why) {
				t.Errorf("neither the terminal nor the ticket says why the body is missing:\n%s\n%s", stderr, tk2.Text)
			}
		})
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCLI runs the program as main would, with stdin from a buffer (never a
// terminal) and no environment.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runIO(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

// echoServer answers 401 with the request it received in the body: its
// headers and body, tokens included, as a careless API might.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(echoHandler())
	t.Cleanup(srv.Close)
	return srv
}

// echoHandler is echoServer's handler.
func echoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "%s %s\n", r.Method, r.URL.RequestURI())
		r.Header.Write(w)
		w.Write(body)
	})
}

func TestRunForceOverwrites(t *testing.T) {
	srv := echoServer(t)
	out := filepath.Join(t.TempDir(), "t.eml")
	os.WriteFile(out, []byte("old"), 0o644)
	if code, _, stderr := runCLI(t, "", "--force", "-o", out, srv.URL); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(out); bytes.Equal(b, []byte("old")) {
		t.Error("--force did not replace the file")
	}
}

// TestRunNoTokenLeaks replays a call to a server that echoes every header
// and the body back, and checks that each token value appears only in the
// Tokens section of each body part, and nowhere in the terminal output.
func TestRunNoTokenLeaks(t *testing.T) {
	const partner, user = "PARTNER-abc123def456", "USER-987zyx654wvu"
	srv := echoServer(t)
	out := filepath.Join(t.TempDir(), "leak.eml")
	code, stdout, stderr := runCLI(t, "",
		"-y", "-o", out,
		"-H", "Accept: application/vnd.api.v2+json",
		"-H", "Authorization: Bearer "+partner+", User "+user,
		"-d", `{"note":"`+partner+`"}`,
		srv.URL+"/api/v1/records/1?user_token="+user)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, tok := range []string{partner, user} {
		if strings.Contains(stdout+stderr, tok) {
			t.Errorf("token %q reached the terminal", tok)
		}
	}
	tk := readTicket(t, out)
	for _, f := range tk.Header {
		for _, tok := range []string{partner, user} {
			if strings.Contains(f[1], tok) {
				t.Errorf("token in mail header %s", f[0])
			}
		}
	}
	var kinds []string
	for _, p := range tk.Parts {
		kinds = append(kinds, p.ContentType)
		tokens := strings.LastIndex(p.Body, "Tokens")
		for _, tok := range []string{partner, user} {
			n := strings.Count(p.Body, tok)
			if p.Inline && (n != 1 || strings.Index(p.Body, tok) < tokens) {
				t.Errorf("%s: token %q appears %d times (want once, after the Tokens heading)", p.ContentType, tok, n)
			}
			if !p.Inline && n != 0 {
				t.Errorf("%s %s: token %q appears %d times, want 0", p.ContentType, p.Filename, tok, n)
			}
		}
	}
	// The request body is in request.har; the response body has its
	// own file.
	if d := cmp.Diff([]string{"text/plain", "text/html", "application/json", "application/json", "application/x-sh", "text/plain"}, kinds); d != "" {
		t.Errorf("parts (-want +got):\n%s", d)
	}
}

// Tokens the imitation of the Alteg.io API below accepts.
const (
	e2ePartner = "pt-e2e-7f3a9c1e5b2d4f60a1b2"
	e2eUser    = "ut-e2e-0c4b8e2a6d1f3b57c9d0e1f2"
)

// altegioImitation answers like the Alteg.io API does to the common
// integration mistakes, with its {success, data, meta} envelope: 400 for a
// wrong Accept, 401 "Authentication needed." for a missing or wrong token,
// 403 on location 999 (no rights), 405 for GET on a search endpoint, and
// 422 when v2 gets the v1 field staff_id.
func altegioImitation(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(altegioHandler())
	t.Cleanup(srv.Close)
	return srv
}

// altegioHandler is altegioImitation's handler.
func altegioHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply := func(status int, meta any) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]any{"success": status < 300, "data": nil, "meta": meta})
		}
		msg := func(s string) map[string]any { return map[string]any{"message": s} }
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Accept")); mt != "application/vnd.api.v2+json" {
			reply(http.StatusBadRequest, msg("An invalid Accept header was passed."))
			return
		}
		parts := strings.Split(r.Header.Get("Authorization"), ", ")
		if parts[0] != "Bearer "+e2ePartner {
			reply(http.StatusUnauthorized, msg("Authentication needed."))
			return
		}
		p := r.URL.Path
		business := strings.HasPrefix(p, "/api/v1/records/") || strings.HasPrefix(p, "/api/v1/company/") || strings.HasPrefix(p, "/api/v2/company/")
		if business && (len(parts) != 2 || parts[1] != "User "+e2eUser) {
			reply(http.StatusUnauthorized, msg("Authentication needed."))
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(p, "/999"):
			reply(http.StatusForbidden, msg("No company management rights"))
		case strings.HasSuffix(p, "/clients/search") && r.Method != http.MethodPost:
			w.Header().Set("Allow", "POST")
			reply(http.StatusMethodNotAllowed, msg("Method Not Allowed"))
		case strings.HasPrefix(p, "/api/v2/") && r.Method == http.MethodPost && !bytes.Contains(body, []byte(`"team_member_id"`)):
			reply(http.StatusUnprocessableEntity, map[string]any{"message": "The given data was invalid.",
				"errors": map[string]any{"team_member_id": []string{"The team member id field is required."}}})
		default:
			reply(http.StatusOK, map[string]any{"count": 0})
		}
	})
}

// TestRunNamesTheCause replays each common integration mistake against
// the imitation and checks that the ticket names the cause first, with its
// fix, and that the terminal says plainly that a cause was found.
func TestRunNamesTheCause(t *testing.T) {
	srv := altegioImitation(t)
	const (
		accept = "Accept: application/vnd.api.v2+json"
		both   = "Authorization: Bearer " + e2ePartner + ", User " + e2eUser
	)
	tests := map[string]struct {
		args    []string
		wantID  string // the first finding, a likely cause
		wantFix string // shown in the ticket
		wantDo  string // the terminal's "likely cause found: ..." line
	}{
		"missing Accept": {[]string{"-H", both, srv.URL + "/api/v1/records/1"},
			"AT101", "Accept: application/vnd.api.v2+json", "likely cause found: add the Accept header and retry"},
		"Bearer user token alone": {[]string{"-H", accept, "-H", "Authorization: Bearer " + e2eUser, srv.URL + "/api/v1/records/1"},
			"AT120", "Authorization: Bearer {{partner_token}}, User {{user_token}}", "likely cause found: add the user token to Authorization"},
		"tokens in the wrong order": {[]string{"-H", accept, "-H", "Authorization: User " + e2eUser + ", Bearer " + e2ePartner, srv.URL + "/api/v1/records/1"},
			"AT114", "Authorization: Bearer {{partner_token}}, User {{user_token}}", "likely cause found: put the partner token after Bearer"},
		"wrong words": {[]string{"-H", accept, "-H", "Authorization: Bearer " + e2eUser + ", Partner 1169323", srv.URL + "/api/v1/records/1"},
			"AT115", "Authorization: Bearer {{partner_token}}, User {{user_token}}", "likely cause found: drop the Partner part"},
		"missing user token": {[]string{"-y", "-H", accept, "-H", "Content-Type: application/json", "-H", "Authorization: Bearer " + e2ePartner, "-d", `{"page":1}`, srv.URL + "/api/v1/company/1/clients/search"},
			"AT120", "Authorization: Bearer {{partner_token}}, User {{user_token}}", "likely cause found: add the user token"},
		"no rights on the location": {[]string{"-H", accept, "-H", both, srv.URL + "/api/v1/records/999"},
			"AT221", "", "likely cause found: get the user rights on this location"},
		"wrong HTTP method": {[]string{"-H", accept, "-H", both, srv.URL + "/api/v1/company/1/clients/search"},
			"AT206", "POST /api/v1/company/1/clients/search", "likely cause found: use the method the documentation gives"},
		"v1 field name on v2": {[]string{"-y", "-H", accept, "-H", "Content-Type: application/json", "-H", both, "-d", `{"staff_id":5}`, srv.URL + "/api/v2/company/1/records"},
			"AT207", "", "likely cause found: rename staff_id to team_member_id in the body"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "t.eml")
			code, _, stderr := runCLI(t, "", append([]string{"-o", out}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			// The imitation runs on a local host, which api@alteg.io
			// cannot see: the terminal says so instead of "send it".
			if flat := strings.Join(strings.Fields(stderr), " "); !strings.Contains(flat, tc.wantDo) || !strings.Contains(flat, "a local host; api@alteg.io can help only") {
				t.Errorf("terminal does not say %q:\n%s", tc.wantDo, stderr)
			}
			for _, tok := range []string{e2ePartner, e2eUser} {
				if strings.Contains(stderr, tok) {
					t.Errorf("a token reached the terminal:\n%s", stderr)
				}
			}
			text, html := ticketBodies(t, out)
			findings, _, ok := strings.Cut(text, "\n## Request")
			if !ok || !strings.Contains(findings, "\n## Findings\n") {
				t.Fatalf("no Findings section before the Request:\n%s", text)
			}
			// The head, the first screen, names the same cause.
			if head, _, _ := strings.Cut(text, "\n## "); !strings.Contains(head, "\nCause:    "+tc.wantID+" ") {
				t.Errorf("the head does not name %s:\n%s", tc.wantID, head)
			}
			if want := "\n1. [likely cause] " + tc.wantID + " "; !strings.Contains(findings, want) {
				t.Errorf("the first finding is not %s:\n%s", tc.wantID, findings)
			}
			if tc.wantFix != "" && !strings.Contains(findings, "Fix:\n     "+tc.wantFix+"\n") {
				t.Errorf("the fix %q is not shown:\n%s", tc.wantFix, findings)
			}
			if i, j := strings.Index(html, tc.wantID), strings.Index(html, ">Request</div>"); i < 0 || i > j {
				t.Errorf("the HTML part does not name %s before the request", tc.wantID)
			}
		})
	}
}

// TestRunCorrectCallNoAlarm checks that a correct call that succeeds gets
// no finding but the note that the host is not Alteg.io's, and that the
// terminal does not claim a cause.
func TestRunCorrectCallNoAlarm(t *testing.T) {
	srv := altegioImitation(t)
	out := filepath.Join(t.TempDir(), "ok.eml")
	code, _, stderr := runCLI(t, "", "-o", out, "-H", "Accept: application/vnd.api.v2+json",
		"-H", "Authorization: Bearer "+e2ePartner+", User "+e2eUser, srv.URL+"/api/v1/records/1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "likely cause") || strings.Contains(stderr, "warning") {
		t.Errorf("a correct call raised an alarm:\n%s", stderr)
	}
	text, _ := ticketBodies(t, out)
	section, _, _ := strings.Cut(text, "\n## Summary")
	if got := strings.Count(section, "\n1. ") + strings.Count(section, "\n2. "); got != 1 || !strings.Contains(section, "[info] AT132 ") {
		t.Errorf("want only the AT132 note:\n%s", section)
	}
}

// ticketBodies returns the decoded text and HTML parts of a ticket.
func ticketBodies(t *testing.T, path string) (text, html string) {
	t.Helper()
	tk := readTicket(t, path)
	return lf(tk.Text), lf(tk.HTML)
}

func TestLimitMemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })

	debug.SetMemoryLimit(1 << 40)
	limitMemory(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got != softMemoryLimit {
		t.Errorf("limit = %d, want %d", got, softMemoryLimit)
	}
	debug.SetMemoryLimit(1 << 40)
	limitMemory(func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] })
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit = %d; GOMEMLIMIT set by the user must win", got)
	}
}

// TestRunUnwritableOutputCostsNoReplay: a ticket that could not be
// written must be found out before a POST is sent again, not after.
// /proc refuses new files even to root, so the test works as any user.
func TestRunUnwritableOutputCostsNoReplay(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("needs Linux /proc, a folder no one can create files in")
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	code, _, stderr := runCLI(t, "", "-y", "-d", "a=1", "-o", "/proc/ticket.eml", srv.URL)
	if code != 2 || !strings.Contains(stderr, "cannot write in /proc") {
		t.Errorf("exit %d, stderr %q; want 2 and a one-line reason", code, stderr)
	}
	if hits.Load() != 0 {
		t.Error("the POST was sent although the ticket could not be written")
	}
}

// TestRunRedirectKeepsCredentialsHome: a redirect to another host gets no
// credential header of any name (X-Api-Key as well as Authorization), no
// Referer with the first URL's signed query, and the ticket says what
// stayed behind.
func TestRunRedirectKeepsCredentialsHome(t *testing.T) {
	var got http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	t.Cleanup(other.Close)
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landed", http.StatusFound)
	}))
	t.Cleanup(first.Close)
	start := strings.Replace(first.URL, "127.0.0.1", "localhost", 1) // another host to curl and browsers
	out := filepath.Join(t.TempDir(), "t.eml")
	code, _, stderr := runCLI(t, "", "-o", out, "-H", "Authorization: Bearer partner-abcdef123456", "-H", "X-Api-Key: key-abcdef123456",
		"-H", "X-Trace: keep-me", start+"/go?sign=sig-abcdef123456")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"Authorization", "X-Api-Key", "Referer"} {
		if v := got.Get(name); v != "" {
			t.Errorf("%s reached the other host: %q", name, v)
		}
	}
	if got.Get("X-Trace") != "keep-me" {
		t.Error("an ordinary header was dropped too")
	}
}

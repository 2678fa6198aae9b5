package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
	"github.com/google/go-cmp/cmp"
)

// runCLI runs the program as main would, with stdin from a buffer (never a
// terminal) and no environment.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

// echoServer answers 401 with the request it received in the body: its
// headers and body, tokens included, as a careless API might.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "%s %s\n", r.Method, r.URL.RequestURI())
		r.Header.Write(w)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunExitCodes(t *testing.T) {
	srv := echoServer(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "exists.eml")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args     []string
		stdin    string
		wantCode int
		wantErr  string // a substring of stderr
	}{
		"help":                 {[]string{"--help"}, "", 0, ""},
		"version":              {[]string{"--version"}, "", 0, ""},
		"missing URL":          {[]string{"-H", "Accept: x"}, "", 2, "missing URL"},
		"two URLs":             {[]string{srv.URL, srv.URL}, "", 2, "expected one URL"},
		"unknown flag":         {[]string{"--nope", srv.URL}, "", 2, "unknown flag: --nope"},
		"bad scheme":           {[]string{"ftp://example.com/x"}, "", 2, "only http:// and https://"},
		"header without colon": {[]string{"-H", "Authorization Bearer x", srv.URL}, "", 2, "has no colon"},
		"unreadable body file": {[]string{"-y", "-d", "@" + filepath.Join(dir, "nope.json"), srv.URL}, "", 2, "cannot read the file"},
		"negative timeout":     {[]string{"--timeout", "-1s", srv.URL}, "", 2, "must not be negative"},
		"bad --from":           {[]string{"--from", "me", srv.URL}, "", 2, "not an email address"},
		"demo with URL":        {[]string{"--demo", srv.URL}, "", 2, "drop the URL"},
		"POST not confirmed":   {[]string{"-d", "{}", "-o", filepath.Join(dir, "post.eml"), srv.URL}, "", 2, "refusing to replay POST"},
		"DELETE not confirmed": {[]string{"-X", "DELETE", "-o", filepath.Join(dir, "del.eml"), srv.URL}, "", 2, "add --yes"},
		"output exists":        {[]string{"-o", existing, srv.URL}, "", 2, "already exists"},
		"POST with --yes":      {[]string{"-y", "-d", "{}", "-o", filepath.Join(dir, "yes.eml"), srv.URL}, "", 0, ""},
		"GET 401 is success":   {[]string{"-o", filepath.Join(dir, "get.eml"), srv.URL}, "", 0, ""},
		"refused still writes": {[]string{"-o", filepath.Join(dir, "refused.eml"), "http://127.0.0.1:1/api/v1/records/1"}, "", 0, "refused the connection"},
		"unwritable output":    {[]string{"-o", filepath.Join(dir, "no", "such", "dir.eml"), srv.URL}, "", 1, "no ticket written"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.stdin, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tc.wantCode, stderr)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.wantErr)
			}
			if tc.wantCode == 2 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("usage error is not one line:\n%s", stderr)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Error("an existing file was overwritten without --force")
	}
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
	eml, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	mr, err := mail.CreateReader(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	hf := mr.Header.Fields()
	for hf.Next() {
		for _, tok := range []string{partner, user} {
			if strings.Contains(hf.Value(), tok) {
				t.Errorf("token in mail header %s", hf.Key())
			}
		}
	}
	var kinds []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		ct := p.Header.Get("Content-Type")
		kinds = append(kinds, strings.SplitN(ct, ";", 2)[0])
		_, isBody := p.Header.(*mail.InlineHeader)
		tokens := strings.LastIndex(string(b), "Tokens")
		for _, tok := range []string{partner, user} {
			n := strings.Count(string(b), tok)
			if isBody && (n != 1 || strings.Index(string(b), tok) < tokens) {
				t.Errorf("%s: token %q appears %d times (want once, after the Tokens heading)", ct, tok, n)
			}
			if !isBody && n != 0 {
				t.Errorf("%s: token %q appears %d times, want 0", ct, tok, n)
			}
		}
	}
	if d := cmp.Diff([]string{"text/plain", "text/html", "application/json", "application/json", "application/x-sh", "application/x-www-form-urlencoded", "text/plain"}, kinds); d != "" {
		t.Errorf("parts (-want +got):\n%s", d)
	}
}

func TestRunDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.eml")
	code, _, stderr := runCLI(t, "", "--demo", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "401 Unauthorized") || !strings.Contains(stderr, out) {
		t.Errorf("summary does not show the status and path:\n%s", stderr)
	}
	if strings.Contains(stderr, demoPartnerToken) {
		t.Error("the demo token reached the terminal")
	}
	eml, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(eml, []byte("Authentication needed.")) {
		t.Error("the ticket does not carry the API's message")
	}
}

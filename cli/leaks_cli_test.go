package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimalHAR is a HAR file of one failed POST to rawURL.
func minimalHAR(t *testing.T, dir, rawURL string) string {
	t.Helper()
	har := `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[{
"startedDateTime":"2026-11-29T10:00:00.000Z","time":12,
"request":{"method":"POST","url":"` + rawURL + `","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"application/json"}],
"queryString":[],"cookies":[],"headersSize":-1,"bodySize":2,"postData":{"mimeType":"application/json","text":"{}"}},
"response":{"status":500,"statusText":"Internal Server Error","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
"content":{"size":2,"mimeType":"application/json","text":"{}"},"redirectURL":"","headersSize":-1,"bodySize":2},
"cache":{},"timings":{"send":1,"wait":10,"receive":1}}]}}`
	p := filepath.Join(dir, "call.har")
	if err := os.WriteFile(p, []byte(har), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTerminalLinesAreRedacted: issue #11 class 10 and 13, and the rule
// behind them: every line that can carry request data (the notes, --list,
// the confirmation prompt, errors) goes through the same matcher as the
// ticket.
func TestTerminalLinesAreRedacted(t *testing.T) {
	dir := t.TempDir()
	const inPath = "hunter2pw" // shorter than 16: SafeURL keeps it
	har := minimalHAR(t, dir, "https://api.alteg.io/api/v1/company/"+inPath+"/records?access_token=HarTok-99812")
	tests := map[string]struct {
		args    []string
		stdin   any
		env     map[string]string
		secrets []string
	}{
		"10 --list shows a --redact value of the path": {
			args:    []string{"--har", har, "--list", "--redact", inPath},
			secrets: []string{inPath, "HarTok-99812"},
		},
		"10 the note names the entry without the --redact value": {
			args:    []string{"--har", har, "--no-replay", "--redact", inPath, "-o", filepath.Join(dir, "a.eml")},
			secrets: []string{inPath, "HarTok-99812"},
		},
		"13 --redact-env given the secret itself": {
			args:    []string{"--redact-env", "Zq9SecretXw7", "-o", filepath.Join(dir, "b.eml"), "http://127.0.0.1:1/x"},
			secrets: []string{"Zq9SecretXw7"},
		},
		"the confirmation prompt": {
			args:    []string{"-X", "POST", "-d", "a=1", "--redact", "secret-host-name", "-o", filepath.Join(dir, "c.eml"), "http://secret-host-name.test/x"},
			stdin:   fakeTermIn{strings.NewReader("n\n")},
			secrets: []string{"secret-host-name"},
		},
		"an error that quotes the input": {
			args:    []string{"--redact", "Err0rQuoted-Value", "-o", filepath.Join(dir, "d.eml"), "--curl", "curl -H 'X: Err0rQuoted-Value' --no-such-option http://x.test"},
			secrets: []string{"Err0rQuoted-Value"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			code, stdout := runSys(t, testSystem(t), tc.stdin, &stderr, tc.env, tc.args...)
			all := stdout + stderr.String()
			if all == "" {
				t.Fatalf("exit %d and nothing printed", code)
			}
			for _, s := range tc.secrets {
				if strings.Contains(all, s) {
					t.Errorf("exit %d: %q reached the terminal:\n%s", code, s, all)
				}
			}
		})
	}
}

// TestTokensNeverMaskedByAnotherSecret: a short secret that occurs inside
// the partner token (a cookie seen=1) leaves the token whole in the
// Tokens section and in secrets.txt.
func TestTokensNeverMaskedByAnotherSecret(t *testing.T) {
	srv := echoServer(t)
	dir := t.TempDir()
	const partner = "Part1seen2024abcdef0123456789"
	out := filepath.Join(dir, "t.eml")
	code, _, stderr := runCLI(t, "", "-H", "Authorization: Bearer "+partner, "-b", "seen=1", "-b", "sid=seen2024ab",
		"-o", out, "--out-dir", filepath.Join(dir, "files"), srv.URL+"/x")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tk := readTicket(t, out)
	if !strings.Contains(tk.Text, partner) {
		t.Errorf("the partner token is not whole in the ticket:\n%s", tk.Text)
	}
	secrets, err := os.ReadFile(filepath.Join(dir, "files", "secrets.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(secrets), partner) {
		t.Errorf("secrets.txt does not hold the token whole:\n%s", secrets)
	}
}

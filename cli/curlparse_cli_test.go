package cli

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// ticketFiles returns every part of a ticket, decoded, by file name (the
// body parts under their content type). A part whose own type is
// multipart (a multipart request body attached as it was sent) is one
// file, not walked into.
func ticketFiles(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := message.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(e *message.Entity)
	walk = func(e *message.Entity) {
		key, _, _ := e.Header.ContentType()
		if _, params, err := e.Header.ContentDisposition(); err == nil && params["filename"] != "" {
			key = params["filename"]
		} else if mr := e.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if err != nil {
					return
				}
				walk(p)
			}
		}
		var b bytes.Buffer
		b.ReadFrom(e.Body)
		out[key] += b.String()
	}
	walk(m)
	return out
}

// TestRunMultipartPasswordIsRedacted: a multipart part named password is
// a secret: its value appears nowhere in the ticket, in any part.
func TestRunMultipartPasswordIsRedacted(t *testing.T) {
	const password = "hunter2-Multipart-7"
	srv := echoServer(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "up.txt"), []byte("hello"), 0o600)
	out := filepath.Join(dir, "t.eml")
	cmd := "curl -F login=me@x.test -F 'password=" + password + "' -F file=@" + filepath.Join(dir, "up.txt") + " " + srv.URL + "/api/v1/upload"
	code, _, stderr := runCLI(t, "", "--yes", "-o", out, "--curl", cmd)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, _ := os.ReadFile(out)
	for name, body := range ticketFiles(t, out) {
		for _, form := range echoForms(password) {
			if strings.Contains(body, form) {
				t.Errorf("%s holds the password as %q", name, form)
			}
		}
	}
	if strings.Contains(string(raw), password) || strings.Contains(stderr, password) {
		t.Errorf("the password reached the ticket or the terminal")
	}
	text, _ := ticketBodies(t, out)
	if !strings.Contains(text, `Content-Disposition: form-data; name="file"; filename="up.txt"`) {
		t.Errorf("the ticket does not show the file part")
	}
}

// TestRunUserinfoBecomesAuthorization: user:password@ in the URL is sent
// as basic authentication, as curl sends it, and every recorded form (the
// ticket, the HAR, replay.sh) shows the header, never the URL's
// credentials.
func TestRunUserinfoBecomesAuthorization(t *testing.T) {
	srv := echoServer(t)
	out := filepath.Join(t.TempDir(), "t.eml")
	target := strings.Replace(srv.URL, "http://", "http://me:p%40ss-Word9@", 1) + "/x"
	code, _, stderr := runCLI(t, "", "-o", out, target)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files := ticketFiles(t, out)
	har := files["request.har"]
	if har == "" {
		t.Fatalf("no request.har among %v", keys(files))
	}
	if !strings.Contains(har, `"name": "Authorization"`) && !strings.Contains(har, `"name":"Authorization"`) {
		t.Errorf("the HAR records no Authorization header")
	}
	basic := base64.StdEncoding.EncodeToString([]byte("me:p@ss-Word9"))
	for name, body := range files {
		for _, leak := range []string{"p@ss-Word9", "p%40ss-Word9", basic, "me:p"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s holds %q", name, leak)
			}
		}
	}
}

// TestRunPastedHeredoc: a pasted command whose body comes from a heredoc
// sends that body.
func TestRunPastedHeredoc(t *testing.T) {
	srv, got := recordingServer(t)
	out := filepath.Join(t.TempDir(), "t.eml")
	cmd := "curl -H 'Content-Type: application/json' --data-binary @- " + srv.URL + "/p <<'EOF'\n{\"a\": \"$HOME\"}\nEOF\n"
	code, _, stderr := runCLI(t, "", "--yes", "-o", out, "--curl", cmd)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := got()[0].Body; b != "{\"a\": \"$HOME\"}\n" {
		t.Errorf("body = %q", b)
	}
	if !strings.Contains(stderr, "curl's standard input is a heredoc (<<)") {
		t.Errorf("stderr lacks the note: %s", stderr)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

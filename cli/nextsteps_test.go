package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// stepCase is one kind of call the summary's next step must fit.
type stepCase struct {
	url      string
	method   string
	status   int
	body     string
	fault    capture.FaultKind
	replayed bool
	// want are lines (or parts of lines) the next step must hold; never
	// the ones it must not.
	want, never []string
}

// outcomeFor builds the outcome of a replayed call, diagnosed as run
// diagnoses it.
func outcomeFor(tc stepCase) *outcome {
	method := tc.method
	if method == "" {
		method = "GET"
	}
	hop := capture.Hop{Request: capture.Sent{Method: method, URL: tc.url, Proto: "HTTP/1.1",
		Header: capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json"}, {Name: "Authorization", Value: "Bearer {{partner_token}}, User {{user_token}}"}}}}
	if tc.status != 0 {
		hop.Response = &capture.Response{Status: tc.status, Body: capture.Body{Data: []byte(tc.body), Size: int64(len(tc.body)), ContentType: "application/json"}}
	}
	ex := &capture.Exchange{Source: capture.Source{Replayed: tc.replayed || tc.method == "" || true}, Hops: []capture.Hop{hop}}
	if tc.fault != "" {
		ex.Fault = &capture.Fault{Kind: tc.fault, Message: "it failed"}
		if tc.fault == capture.FaultResponseTimeout {
			ex.Hops[0].Request.Proto = "HTTP/1.1"
		} else {
			ex.Hops[0].Request.Proto = ""
		}
	}
	secrets := []redact.Secret{{Role: redact.RolePartnerToken, Placeholder: "{{partner_token}}", Value: "p"}, {Role: redact.RoleUserToken, Placeholder: "{{user_token}}", Value: "u"}}
	return &outcome{ex: ex, secrets: secrets, findings: diagnose.Run(ex, secrets), path: "t.eml"}
}

// TestNextSteps checks the summary's next step for each kind of call: it
// follows the first finding (as the ticket's head does), says a success
// is one, warns about a duplicate with its undo, and tells a call that
// never reached Alteg.io, or went to another host, to fix the network or
// the host instead of sending the ticket to api@alteg.io.
func TestNextSteps(t *testing.T) {
	const api = "https://api.alteg.io/api/v1/records/123456"
	send := []string{"Outlook, and Thunderbird with an account, open it as a draft: Send", "Apple Mail: Message → Send Again"}
	tests := map[string]stepCase{
		"fixable cause": {url: api, status: 401, body: `{"success":false,"meta":{"message":"Authentication needed."}}`,
			want: append([]string{"next: likely cause found: ", "if that doesn't help, add your own words where the ticket asks and send it: xdg-open t.eml"}, send...)},
		"server side": {url: api, status: 502, body: `<html>bad gateway</html>`,
			want: append([]string{"the cause is on the API's side; add your own words where the ticket asks and send it: xdg-open t.eml"}, send...), never: []string{"likely cause found"}},
		"success": {url: api, status: 200, body: `{"success":true,"data":[],"meta":[]}`,
			want:  append([]string{"next: the call succeeded: send the ticket only if the data it returned is wrong, saying what you expected: xdg-open t.eml"}, send...),
			never: []string{"likely cause", "warning"}},
		"duplicate made": {url: api, method: "POST", status: 201, body: `{"success":true,"data":{"id":991},"meta":[]}`,
			want: append([]string{"next: warning: undo the duplicate with DELETE /api/v1/record/123456/991", "the call succeeded: send the ticket only if"}, send...)},
		"local host": {url: "http://127.0.0.1:8080/api/v1/records/1", status: 401, body: `{"success":false,"meta":{"message":"Authentication needed."}}`,
			want:  []string{"the call went to 127.0.0.1:8080, a local host; api@alteg.io can help only", "api.alteg.io and send that ticket"},
			never: []string{"xdg-open", "Outlook", "send it"}},
		"custom host": {url: "https://gw.example.com/api/v1/records/1", status: 200, body: `{"success":true,"data":[]}`,
			want:  []string{"the call went to gw.example.com, a host that is not Alteg.io's"},
			never: []string{"xdg-open", "Outlook", "succeeded"}},
		"DNS failure": {url: api, fault: capture.FaultDNS,
			want:  []string{"the call never reached api.alteg.io, so api@alteg.io cannot see it:", "check the host name, your network, firewall, proxy or VPN"},
			never: []string{"xdg-open", "Outlook", "send it"}},
		"refused locally": {url: "http://127.0.0.1:1/api/v1/x", fault: capture.FaultRefused,
			want:  []string{"the call never reached 127.0.0.1:1"},
			never: []string{"xdg-open", "Outlook", "send it"}},
		"TLS failure": {url: api, fault: capture.FaultTLS, want: []string{"never reached api.alteg.io"}, never: []string{"Outlook"}},
		"answer lost": {url: api, fault: capture.FaultResponseTimeout,
			want: append([]string{"xdg-open t.eml"}, send...), never: []string{"never reached"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			o := outcomeFor(tc)
			lines := nextSteps(o, "linux")
			// The steps wrap at 80 columns; read them with the breaks undone.
			text := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the next step lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(text, n) {
					t.Errorf("the next step holds %q:\n%s", n, text)
				}
			}
			// The first line follows the first finding.
			if len(o.findings) > 0 {
				f := o.findings[0]
				switch f.Severity {
				case diagnose.Likely:
					if !f.ServerSide && !strings.HasPrefix(text, "next: likely cause found: "+f.Action) {
						t.Errorf("the first finding is %s (%s), the next step starts %q", f.ID, f.Action, lines[0])
					}
				case diagnose.Warning:
					if !strings.HasPrefix(text, "next: warning: "+f.Action) {
						t.Errorf("the first finding is the warning %s, the next step starts %q", f.ID, lines[0])
					}
				}
			}
			for _, l := range lines {
				if n := len([]rune(l)); n > 80 && !strings.Contains(l, "xdg-open") {
					t.Errorf("a line of %d columns: %q", n, l)
				}
			}
		})
	}
}

// TestRunPromptShowsThePath: the confirmation names the method and the
// path and query as the ticket will show them, secrets replaced.
func TestRunPromptShowsThePath(t *testing.T) {
	srv := echoServer(t)
	var stderr fakeTerm
	out := filepath.Join(t.TempDir(), "t.eml")
	const sign = "sig-0a1b2c3d4e5f6a7b"
	code, _ := runSys(t, testSystem(t), fakeTermIn{strings.NewReader("n\n")}, &stderr, nil, "-o", out,
		"-H", "Authorization: Bearer pt-7f3a9c1e5b2d4f60", "-d", "{}", srv.URL+"/api/v1/records/123?sign="+sign+"&page=2")
	want := "This sends POST " + srv.URL + "/api/v1/records/123?sign={{sign}}&page=2 again;"
	if code != exitFail || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d; the prompt lacks %q:\n%s", code, want, stderr.String())
	}
	if strings.Contains(stderr.String(), sign) {
		t.Error("the signature reached the terminal")
	}
}

// TestRunMessage checks --message and --message-file: the words reach
// the ticket's section for them, redacted, and without them the draft
// has a marked place to write.
func TestRunMessage(t *testing.T) {
	srv := echoServer(t)
	const partner = "pt-7f3a9c1e5b2d4f60aa"
	dir := t.TempDir()
	file := filepath.Join(dir, "msg.txt")
	os.WriteFile(file, []byte("\xef\xbb\xbfSince Monday the list is empty.\r\nMy token is "+partner+".\r\n"), 0o600)
	tests := map[string]struct {
		args  []string
		stdin string
		want  string
	}{
		"text":   {[]string{"--message", "Expected 3 records, got none.\x1b[31m"}, "", "Expected 3 records, got none."},
		"file":   {[]string{"--message-file", file}, "", "Since Monday the list is empty.\nMy token is {{partner_token}}."},
		"stdin":  {[]string{"--message-file", "-"}, "From stdin: 2 of 5 calls fail.", "From stdin: 2 of 5 calls fail."},
		"absent": {nil, "", "[Write here what you expected, what happened instead"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "t.eml")
			args := append([]string{"-o", out, "-H", "Authorization: Bearer " + partner, srv.URL + "/api/v1/records/1"}, tc.args...)
			code, _, stderr := runCLI(t, tc.stdin, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			text, html := ticketBodies(t, out)
			_, section, _ := strings.Cut(text, "## What I expected and what happened\n")
			section, _, _ = strings.Cut(section, "\n## ")
			if !strings.Contains(section, tc.want) {
				t.Errorf("the section lacks %q:\n%s", tc.want, section)
			}
			if strings.Count(text, partner) != 1 || strings.Contains(section, "\x1b") {
				t.Errorf("the token is outside the Tokens section, or an escape got in")
			}
			if !strings.Contains(html, "What I expected and what happened") {
				t.Error("the HTML part has no section for the sender's words")
			}
			// The section comes right after the head: the first screen.
			if i := strings.Index(text, "## "); i < 0 || !strings.HasPrefix(text[i:], "## What I expected") {
				t.Errorf("the sender's words are not the first section")
			}
		})
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--message", "a", "--message-file", file}, "use --message TEXT or --message-file FILE, not both"},
		{[]string{"--message-file", filepath.Join(dir, "none.txt")}, "--message-file " + filepath.Join(dir, "none.txt") + ": cannot read the file"},
		{[]string{"--message", string(bytes.Repeat([]byte("a"), maxMessage+1))}, "longer than 64.0 KiB"},
		{[]string{"--message", "\xff\xfe"}, "is not UTF-8 text"},
		{[]string{"--message-file", "-", "--curl", "-"}, "both read stdin"},
	} {
		args := bad.args
		if !strings.Contains(strings.Join(args, " "), "--curl") {
			args = append(args, srv.URL)
		}
		code, _, stderr := runCLI(t, "curl "+srv.URL, args...)
		if code != exitUsage || !strings.Contains(stderr, bad.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, want 2 and one line with %q:\n%s", bad.args[:min(2, len(bad.args))], code, bad.want, stderr)
		}
	}
}

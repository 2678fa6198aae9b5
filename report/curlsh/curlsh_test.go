package curlsh

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

// wire is a request as a raw loopback server read it off the socket.
type wire struct {
	Method, Target, Proto string
	Header                []string // "Name: value" lines, grouped by name
	Body                  []byte
}

// rawServer records every request byte for byte, reading the request
// line and header lines itself so that names keep their spelling.
type rawServer struct {
	Addr string
	mu   sync.Mutex
	got  []wire
}

func newRawServer(t *testing.T) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &rawServer{Addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *rawServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		parts := strings.SplitN(strings.TrimRight(line, "\r\n"), " ", 3)
		if len(parts) != 3 {
			return
		}
		w := wire{Method: parts[0], Target: parts[1], Proto: parts[2]}
		length, chunked := 0, false
		for {
			h, err := r.ReadString('\n')
			if err != nil {
				return
			}
			h = strings.TrimRight(h, "\r\n")
			if h == "" {
				break
			}
			// Whitespace around a value is not part of it (RFC 9110,
			// 5.5); curl cannot send "Name: " with a trailing space.
			h = strings.TrimRight(h, " \t")
			w.Header = append(w.Header, h)
			name, v, _ := strings.Cut(h, ":")
			switch strings.ToLower(name) {
			case "content-length":
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			case "transfer-encoding":
				chunked = strings.EqualFold(strings.TrimSpace(v), "chunked")
			}
		}
		// Header order across names carries no meaning in HTTP; the
		// order of repeated names does, and a stable sort keeps it.
		sort.SliceStable(w.Header, func(i, j int) bool {
			return strings.ToLower(headerName(w.Header[i])) < strings.ToLower(headerName(w.Header[j]))
		})
		if chunked {
			b, err := io.ReadAll(httputil.NewChunkedReader(r))
			if err != nil {
				return
			}
			// The chunked reader stops at the last chunk; the trailer
			// section ends with an empty line.
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			w.Body = b
		} else {
			w.Body = make([]byte, length)
			if _, err := io.ReadFull(r, w.Body); err != nil {
				return
			}
		}
		s.mu.Lock()
		s.got = append(s.got, w)
		s.mu.Unlock()
		resp := "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
		if w.Method != "HEAD" {
			resp += `{"success":false}`
		}
		io.WriteString(c, resp)
	}
}

func headerName(line string) string { n, _, _ := strings.Cut(line, ":"); return n }

func (s *rawServer) take(t *testing.T) wire {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(s.got))
	}
	w := s.got[0]
	s.got = nil
	return w
}

// known is a secret value and the role it is redacted under.
type known struct{ role, value string }

// redactAll replaces each value with its placeholder everywhere the script
// reads from, as redact does, including secrets redact does not find yet.
func redactAll(ex *capture.Exchange, secrets []known) {
	r := func(s string) string {
		for _, k := range secrets {
			s = strings.ReplaceAll(s, k.value, "{{"+k.role+"}}")
		}
		return s
	}
	for i := range ex.Hops {
		h := &ex.Hops[i]
		h.Request.URL = r(h.Request.URL)
		h.Request.Header = h.Request.Header.Clone()
		for j := range h.Request.Header {
			h.Request.Header[j].Value = r(h.Request.Header[j].Value)
		}
		h.Request.Body.Data = []byte(r(string(h.Request.Body.Data)))
	}
}

func user(name, value string) capture.Header {
	return capture.Header{Name: name, Value: value, Origin: capture.FromUser}
}

func tool(name, value string) capture.Header {
	return capture.Header{Name: name, Value: value, Origin: capture.FromTool}
}

// TestScriptReplaysByteForByte sends each request with capture.Replay and
// then with replay.sh, with the secrets in the environment, and checks that
// the server read the same request line, header lines and body both times.
func TestScriptReplaysByteForByte(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed, so replay.sh cannot be run; install curl to run this test")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed, so replay.sh cannot be run")
	}
	_ = curl
	const partner, usr = "pt-7f3a9c1e5b2d4f60", "ut-0c4b8e2a6d1f3b57"
	hostile := "p'a$s\"w`d\\ $(id) ${HOME} \n!x"
	binary := []byte("\x00\x01\xff\xfe{{not a placeholder}}\r\n\x00'$`\x80end")
	tests := map[string]struct {
		req     capture.Request
		secrets []known
	}{
		"POST JSON with both tokens": {
			req: capture.Request{Method: "POST", URL: "/api/v1/records/123?x=<b>&y='q'",
				Header: capture.Headers{
					user("Accept", "application/vnd.api.v2+json"),
					user("Authorization", "Bearer "+partner+", User "+usr),
					user("Content-Type", "application/json"),
					tool("User-Agent", "altegio-ticket/dev"),
				},
				Body: []byte(`{"staff_id":1,"comment":"</td><script>alert(1)</script> 'single' \"double\" $HOME ` + "`id`" + ` \\n"}`)},
			secrets: []known{{"partner_token", partner}, {"user_token", usr}},
		},
		"hostile password in JSON and query": {
			req: capture.Request{Method: "POST", URL: "/api/v1/auth?sign=S1GN-abc&z=%2F%24",
				Header: capture.Headers{
					user("Authorization", "Bearer "+partner),
					user("Content-Type", "application/json"),
					user("X-Quote", `it's "quoted" $PATH `+"`date`"),
				},
				Body: []byte("{\n  \"login\": \"me@example.com\",\n  \"password\": \"" + hostile + "\"\n}\n\n")},
			secrets: []known{{"partner_token", partner}, {"password", hostile}, {"secret_1", "S1GN-abc"}},
		},
		"binary body with NUL and a secret inside": {
			req: capture.Request{Method: "PUT", URL: "/upload",
				Header: capture.Headers{user("Content-Type", "application/octet-stream"), user("X-Token", "tok-"+partner)},
				Body:   append(append(append([]byte{}, binary...), partner...), binary...)},
			secrets: []known{{"partner_token", partner}},
		},
		"non-UTF-8 text, CR and a leading @": {
			req: capture.Request{Method: "PATCH", URL: "/x",
				Header: capture.Headers{user("X-Latin1", "caf\xe9"), user("X-Empty", "")},
				Body:   []byte("@not-a-file\r\ncaf\xe9 \u2028 \t end")},
		},
		"GET without headers": {
			req: capture.Request{Method: "GET", URL: "/api/v1/company/1?q=a+b&r=[1]{2}"},
		},
		"GET with a body": {
			req: capture.Request{Method: "GET", URL: "/search", Body: []byte("q=1")},
		},
		"DELETE with repeated headers": {
			req: capture.Request{Method: "DELETE", URL: "/api/v1/record/1/2",
				Header: capture.Headers{user("X-Multi", "one"), user("X-Multi", "two"), tool("Accept", "*/*")}},
		},
		"POST with an empty body": {
			req: capture.Request{Method: "POST", URL: "/empty", Body: []byte{}},
		},
		"HEAD": {
			req: capture.Request{Method: "HEAD", URL: "/head"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newRawServer(t)
			req := tc.req
			req.URL = "http://" + srv.Addr + req.URL
			ex := capture.Replay(context.Background(), req, capture.Options{Timeout: 10 * time.Second})
			if ex.Fault != nil {
				t.Fatalf("replay fault: %+v", ex.Fault)
			}
			want := srv.take(t)

			redactAll(ex, tc.secrets)
			var secrets []Secret
			env := []string{"PATH=" + os.Getenv("PATH"), "NO_PROXY=*", "LC_ALL=C.UTF-8"}
			for _, k := range tc.secrets {
				secrets = append(secrets, Secret{Placeholder: "{{" + k.role + "}}", Env: EnvName(k.role), Description: "the " + k.role})
				env = append(env, EnvName(k.role)+"="+k.value)
			}
			script := Script(ex, secrets, Info{Recorded: "2026-11-29 10:00:00 UTC", Version: "test"})
			for _, k := range tc.secrets {
				if bytes.Contains(script, []byte(k.value)) {
					t.Fatalf("the script holds the %s value:\n%s", k.role, script)
				}
			}
			path := filepath.Join(t.TempDir(), "replay.sh")
			if err := os.WriteFile(path, script, 0o600); err != nil {
				t.Fatal(err)
			}
			// --yes: the replay sends calls that change data without
			// asking (TestScriptAsksFirst checks the question).
			cmd := exec.Command(bash, path, "--yes")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bash replay.sh: %v\n%s\nscript:\n%s", err, out, script)
			}
			got := srv.take(t)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("replay.sh sent a different request (-original +replay.sh):\n%s\nscript:\n%s", d, script)
			}
		})
	}
}

// TestScriptStopsWithoutSecrets checks that a missing variable stops the
// script before curl runs, with a message naming the variable.
func TestScriptStopsWithoutSecrets(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	srv := newRawServer(t)
	ex := &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{
		Method: "POST", URL: "http://" + srv.Addr + "/x", Proto: "HTTP/1.1",
		Header: capture.Headers{user("Authorization", "Bearer {{partner_token}}")},
		Body:   capture.Body{Data: []byte("{}"), Size: 2},
	}}}}
	script := Script(ex, []Secret{{Placeholder: "{{partner_token}}", Env: "ALTEGIO_PARTNER_TOKEN", Description: "the partner token"}}, Info{})
	path := filepath.Join(t.TempDir(), "replay.sh")
	os.WriteFile(path, script, 0o600)
	cmd := exec.Command(bash, path)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "NO_PROXY=*"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the script ran without ALTEGIO_PARTNER_TOKEN:\n%s", out)
	}
	if want := "ALTEGIO_PARTNER_TOKEN: set it to the partner token"; !strings.Contains(string(out), want) {
		t.Errorf("output = %q, want it to contain %q", out, want)
	}
	time.Sleep(50 * time.Millisecond)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.got) != 0 {
		t.Error("the request was sent although a secret was missing")
	}
}

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"":              "''",
		"plain":         "'plain'",
		"it's":          `'it'\''s'`,
		"'":             `\'`,
		"a\nb":          "'a\nb'",
		"cr\r\n":        `'cr'$'\r''` + "\n'",
		"\xff\xfe":      `$'\xff\xfe'`,
		"$HOME `id` \\": "'$HOME `id` \\'",
		"x\u2028y":      `'x'$'\u2028''y'`,
		"\x1b[31m":      `$'\x1b''[31m'`,
	}
	for in, want := range tests {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestQuoteRoundTrip has bash print every quoted string back.
func TestQuoteRoundTrip(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	inputs := []string{"it's", "\r'\xff'", "a\nb\r\n", "\xff\xfe\x80", "$HOME `id` \\ \"q\"", "x\u2028y\u0085z", "\x01\x7f", "{{x}}", "ünï ✓"}
	var script strings.Builder
	for _, in := range inputs {
		script.WriteString("printf '%s\\0' " + quote(in) + "\n")
	}
	cmd := exec.Command(bash, "-c", script.String())
	cmd.Env = []string{"LC_ALL=C.UTF-8"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if d := cmp.Diff(inputs, got); d != "" {
		t.Errorf("bash read back (-want +got):\n%s", d)
	}
}

func TestEnvName(t *testing.T) {
	for in, want := range map[string]string{
		redact.RolePartnerToken: "ALTEGIO_PARTNER_TOKEN",
		redact.RoleUserToken:    "ALTEGIO_USER_TOKEN",
		"secret_1":              "ALTEGIO_SECRET_1",
		"cookie-session.id":     "ALTEGIO_COOKIE_SESSION_ID",
	} {
		if got := EnvName(in); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScriptOptions checks the curl options that follow from the exchange
// rather than from the request.
func TestScriptOptions(t *testing.T) {
	hop := func(method, url, proto string) capture.Hop {
		return capture.Hop{Request: capture.Sent{Method: method, URL: url, Proto: proto}}
	}
	tests := map[string]struct {
		ex        capture.Exchange
		want, not []string
	}{
		"https on HTTP/1.1": {capture.Exchange{Hops: []capture.Hop{hop("GET", "https://h/x", "HTTP/1.1")}}, []string{"--http1.1"}, []string{"--request", "--location", "--insecure"}},
		"https on HTTP/2":   {capture.Exchange{Hops: []capture.Hop{hop("GET", "https://h/x", "HTTP/2.0")}}, nil, []string{"--http1.1"}},
		"insecure":          {capture.Exchange{Insecure: true, Hops: []capture.Hop{hop("GET", "https://h/x", "HTTP/2.0")}}, []string{"--insecure"}, nil},
		"redirected":        {capture.Exchange{Hops: []capture.Hop{hop("GET", "http://h/a", "HTTP/1.1"), hop("GET", "http://h/b", "HTTP/1.1")}}, []string{"--location", "--max-redirs 10", "--url 'http://h/a'"}, nil},
		"HEAD":              {capture.Exchange{Hops: []capture.Hop{hop("HEAD", "http://h/", "HTTP/1.1")}}, []string{"--head"}, []string{"--request"}},
		"lower-case method": {capture.Exchange{Hops: []capture.Hop{hop("post", "http://h/", "HTTP/1.1")}}, []string{"--request 'post'"}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := string(Script(&tc.ex, nil, Info{}))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("script lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("script holds %q:\n%s", n, got)
				}
			}
		})
	}
}

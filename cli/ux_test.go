package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture/curlcmd"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

// fakeTerm is a stream that testSystem reports as a terminal.
type fakeTerm struct{ bytes.Buffer }

// fakeTermIn is a stdin that testSystem reports as a terminal.
type fakeTermIn struct{ *strings.Reader }

// testSystem is a system whose terminals are the fake* streams, whose
// ticker never ticks, and whose opener fails the test if called.
func testSystem(t *testing.T) *system {
	return &system{
		getenv: func(string) string { return "" },
		now:    time.Now,
		ticker: func(time.Duration) (<-chan time.Time, func()) { return nil, func() {} },
		open: func(context.Context, string) (string, error) {
			t.Error("the opener was called without --open")
			return "", errors.New("no")
		},
		goos: "linux",
	}
}

// runSys runs the program on sys with the given stdin and stderr, and no
// environment but env.
func runSys(t *testing.T, sys *system, stdin any, stderr interface {
	Write([]byte) (int, error)
	String() string
}, env map[string]string, args ...string) (code int, stdout string) {
	t.Helper()
	var out bytes.Buffer
	in, ok := stdin.(interface{ Read([]byte) (int, error) })
	if !ok {
		in = strings.NewReader("")
	}
	ios := Streams(in, &out, stderr)
	_, ios.InTTY = in.(fakeTermIn)
	if _, ios.ErrTTY = stderr.(*fakeTerm); ios.ErrTTY {
		ios.Width = 80
	}
	sys.getenv = func(k string) string { return env[k] }
	code = run(context.Background(), args, ios, sys)
	return code, out.String()
}

// runIO runs the program as Main would, on the given streams (a buffer is
// never a terminal) and environment.
func runIO(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer, getenv func(string) string) int {
	sys := realSystem(getenv)
	// Tests never fetch the API description nor touch the user's cache.
	sys.fetchSpec, sys.cacheDir = nil, nil
	return run(ctx, args, Streams(in, out, errOut), sys)
}

var escape = regexp.MustCompile("\x1b")

// TestTerminalDetection: /dev/null is a character device but not a
// terminal, so a POST with stdin from it is refused (exit 2) instead of
// prompting and reading nothing.
func TestTerminalDetection(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer null.Close()
	if isTerminal(null) {
		t.Fatal("isTerminal(/dev/null) = true")
	}
	var stdout, stderr bytes.Buffer
	code := runIO(context.Background(), []string{"-d", "x", "http://127.0.0.1:1/"}, null, &stdout, &stderr, func(string) string { return "" })
	if code != 2 || !strings.Contains(stderr.String(), "refusing to replay POST without confirmation") {
		t.Errorf("exit %d, stderr %q; want the refusal, exit 2", code, stderr.String())
	}
	if isTerminal(&stdout) || isTerminal(strings.NewReader("")) {
		t.Error("a buffer counted as a terminal")
	}
}

// TestRunPromptOnTerminal drives the confirmation prompt through the
// injected terminal: y replays, anything else declines with exit 1.
func TestRunPromptOnTerminal(t *testing.T) {
	srv := echoServer(t)
	for answer, want := range map[string]int{"y\n": 0, "yes\n": 0, "n\n": 1, "\n": 1} {
		var stderr fakeTerm
		out := filepath.Join(t.TempDir(), "t.eml")
		code, _ := runSys(t, testSystem(t), fakeTermIn{strings.NewReader(answer)}, &stderr, nil, "-o", out, "-d", "{}", srv.URL+"/api/v1/auth")
		if code != want || !strings.Contains(stderr.String(), "Replay it? [y/N]") {
			t.Errorf("answer %q: exit %d, want %d; stderr:\n%s", answer, code, want, stderr.String())
		}
	}
}

// TestRunColor checks when the summary has colour: only on a terminal,
// never with NO_COLOR or --color=never, always with --color=always.
func TestRunColor(t *testing.T) {
	srv := echoServer(t)
	tests := map[string]struct {
		tty       bool
		env       map[string]string
		args      []string
		wantColor bool
	}{
		"terminal":                  {true, nil, nil, true},
		"pipe":                      {false, nil, nil, false},
		"terminal, NO_COLOR":        {true, map[string]string{"NO_COLOR": "1"}, nil, false},
		"terminal, TERM=dumb":       {true, map[string]string{"TERM": "dumb"}, nil, false},
		"terminal, --color=never":   {true, nil, []string{"--color=never"}, false},
		"pipe, --color=always":      {false, nil, []string{"--color=always"}, true},
		"NO_COLOR, --color=always":  {true, map[string]string{"NO_COLOR": "1"}, []string{"--color=always"}, true},
		"pipe, NO_COLOR set empty":  {false, map[string]string{"NO_COLOR": ""}, nil, false},
		"terminal, --color=auto":    {true, nil, []string{"--color=auto"}, true},
		"pipe, everything, NO_COLR": {false, map[string]string{"NO_COLOR": "x"}, []string{"--redact-pii", "--mask-tokens"}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stderr interface {
				Write([]byte) (int, error)
				String() string
			} = &bytes.Buffer{}
			if tc.tty {
				stderr = &fakeTerm{}
			}
			args := append([]string{"-o", filepath.Join(t.TempDir(), "t.eml")}, tc.args...)
			code, stdout := runSys(t, testSystem(t), nil, stderr, tc.env, append(args, srv.URL+"/api/v1/records/1")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if got := escape.MatchString(stderr.String() + stdout); got != tc.wantColor {
				t.Errorf("escape codes: %v, want %v:\n%q", got, tc.wantColor, stderr.String())
			}
		})
	}
}

// TestSummaryCapsFindings: many findings are cut to a few lines and the
// rest counted; the roles of many secrets wrap and are counted.
func TestSummaryCapsFindings(t *testing.T) {
	srv := echoServer(t)
	var stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "t.eml")
	// No Accept, a made-up credential header, a form body to /auth,
	// Bearer twice: several findings.
	code, _ := runSys(t, testSystem(t), nil, &stderr, nil, "-y", "-o", out,
		"-H", "Authorization: Bearer Bearer pt-1234567890abcdef", "-H", "X-Partner-ID: 12345678",
		"-H", "Cookie: a=cookie-value-1; b=cookie-value-2; c=cookie-value-3",
		"-H", "X-Api-Key: key-1234567890", "-H", "X-Auth-Token: tok-1234567890",
		"-d", "login=me&password=pw-1234567890", srv.URL+"/api/v1/auth?sign=sig-1234567890")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	text := stderr.String()
	findings := regexp.MustCompile(`(?m)^(likely cause|warning|info): +AT\d{3} `).FindAllString(text, -1)
	if len(findings) == 0 || len(findings) > maxFindings {
		t.Errorf("%d findings shown, want 1 to %d:\n%s", len(findings), maxFindings, text)
	}
	if !regexp.MustCompile(`(?m)^ {14}\+ \d+ more findings in the ticket$`).MatchString(text) {
		t.Errorf("the hidden findings are not counted:\n%s", text)
	}
	if !strings.Contains(text, "password ×") {
		t.Errorf("the password role is not named:\n%s", text)
	}
	// Many findings, eight secrets: still about a screenful of summary.
	if n := strings.Count(strings.TrimSpace(text), "\n") + 1; n > 14 {
		t.Errorf("the summary has %d lines:\n%s", n, text)
	}
}

// TestRunProgressOnTerminal replays to a slow server with stderr on a
// fake terminal and a clock and ticker the test drives: the server ticks
// the progress line while it holds the answer, so the line is drawn while
// the call waits, then cleared before the summary. No sleeping, no timing
// assertion.
func TestRunProgressOnTerminal(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		ticks := make(chan time.Time)
		var mu sync.Mutex
		now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < 3; i++ {
				mu.Lock()
				now = now.Add(time.Second)
				mu.Unlock()
				// The loop draws after taking a tick; it takes the second
				// only when that draw is done, so the first one of each
				// second reads the clock just set.
				ticks <- now
				ticks <- now
			}
			w.WriteHeader(http.StatusBadGateway)
		}))
		sys := testSystem(t)
		sys.now = clock
		sys.ticker = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() {} }
		var stderr fakeTerm
		env := map[string]string{}
		if noColor {
			env["NO_COLOR"] = "1"
		}
		code, _ := runSys(t, sys, nil, &stderr, env, "-o", filepath.Join(t.TempDir(), "t.eml"), srv.URL+"/api/v1/records/1")
		srv.Close()
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		text := stderr.String()
		drawn := regexp.MustCompile(`\r(\x1b\[36m)?⠋(\x1b\[0m)? (sending the request to|waiting for the first byte from) 127\.0\.0\.1:\d+  (\x1b\[2m)?1\.0s`)
		if !drawn.MatchString(text) {
			t.Errorf("no progress line at 1.0s:\n%q", text)
		}
		if !regexp.MustCompile(`\r(\x1b\[36m)?⠙(\x1b\[0m)? .*  (\x1b\[2m)?[12]\.0s`).MatchString(text) || !strings.Contains(text, "3.0s") {
			t.Errorf("the line was not redrawn at 3.0s:\n%q", text)
		}
		// Cleared with spaces, then the summary starts on a clean line.
		if !regexp.MustCompile(`\r {20,}\r(\x1b\[31m)?✗`).MatchString(text) {
			t.Errorf("the line was not cleared before the summary:\n%q", text)
		}
		if noColor && escape.MatchString(text) {
			t.Errorf("NO_COLOR: escape codes on a terminal:\n%q", text)
		}
	}
}

// TestRunNoProgressOffTerminal: a call with stderr not a terminal, or a
// dumb one, shows no progress at all, whatever the clock says.
func TestRunNoProgressOffTerminal(t *testing.T) {
	ticks := make(chan time.Time, 10)
	for i := 0; i < 10; i++ {
		ticks <- time.Now().Add(time.Hour)
	}
	sys := testSystem(t)
	sys.now = func() time.Time { return time.Now().Add(time.Hour) }
	sys.ticker = func(time.Duration) (<-chan time.Time, func()) {
		t.Error("a progress ticker was started off a terminal")
		return ticks, func() {}
	}
	srv := echoServer(t)
	var stderr bytes.Buffer
	code, _ := runSys(t, sys, nil, &stderr, nil, "-o", filepath.Join(t.TempDir(), "t.eml"), srv.URL)
	if code != 0 || strings.Contains(stderr.String(), "\r") || escape.MatchString(stderr.String()) {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	// A terminal that cannot redraw a line (TERM=dumb) gets none either.
	var term fakeTerm
	code, _ = runSys(t, sys, nil, &term, map[string]string{"TERM": "dumb"}, "-o", filepath.Join(t.TempDir(), "t.eml"), srv.URL)
	if code != 0 || strings.Contains(term.String(), "\r") || escape.MatchString(term.String()) {
		t.Errorf("TERM=dumb: exit %d, stderr %q", code, term.String())
	}
}

// TestRunJSONWriteFails: when not every file can be written after the
// call, the object still comes, with the error, and the exit code is 1.
func TestRunJSONWriteFails(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("needs /proc, where no folder can be made")
	}
	srv := echoServer(t)
	out := filepath.Join(t.TempDir(), "t.eml")
	code, stdout := runSys(t, testSystem(t), nil, &bytes.Buffer{}, nil, "--json", "-o", out, "--out-dir", "/proc/self/altegio-ticket-test", srv.URL)
	var got jsonResult
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if got.Ticket == nil || got.OutDir != nil || !strings.Contains(got.Error, "--out-dir") || got.Status == nil {
		t.Errorf("ticket %+v, out_dir %+v, error %q, status %+v", got.Ticket, got.OutDir, got.Error, got.Status)
	}
}

// TestRunPrint: --print writes the text of the ticket to stdout and no
// file; the tokens are masked unless --show-tokens.
func TestRunPrint(t *testing.T) {
	const partner, user = "PARTNER-abc123def456", "USER-987zyx654wvu"
	srv := echoServer(t)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, show := range []bool{false, true} {
		args := []string{"--print", "-H", "Authorization: Bearer " + partner + ", User " + user, srv.URL + "/api/v1/records/1"}
		if show {
			args = append(args, "--show-tokens")
		}
		var stderr bytes.Buffer
		code, stdout := runSys(t, testSystem(t), nil, &stderr, nil, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if !strings.HasPrefix(stdout, "Hello Alteg.io API support,\n") {
			t.Errorf("stdout does not start with the ticket:\n%.200s", stdout)
		}
		for _, want := range []string{"## Request", "## Response", "## Tokens", "{{partner_token}}"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("the printed ticket has no %q", want)
			}
		}
		if strings.Contains(stdout, "## Attachments") {
			t.Error("the printed ticket lists attachments that go nowhere")
		}
		masked := strings.Contains(stdout, partner[:4]+"…"+partner[len(partner)-4:]) && strings.Contains(stdout, "sha256 "+redact.Fingerprint(partner)) &&
			strings.Contains(stdout, "(masked (by --print; --show-tokens shows them)")
		switch {
		case !show && (strings.Contains(stdout, partner) || strings.Contains(stdout, user) || !masked):
			t.Errorf("--print: the tokens are not masked (first 4, last 4, fingerprint):\n%s", tokensOf(stdout))
		case show && (strings.Count(stdout, partner) != 1 || strings.Count(stdout, user) != 1):
			t.Errorf("--show-tokens: want each token once:\n%s", tokensOf(stdout))
		}
		if strings.Contains(stderr.String(), partner) || !strings.Contains(stderr.String(), "ticket:   printed to stdout") {
			t.Errorf("stderr:\n%s", stderr.String())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("--print wrote files: %v", entries)
		}
	}
}

func tokensOf(text string) string {
	_, after, _ := strings.Cut(text, "## Tokens")
	return after
}

// TestRunOpen checks --open with an injected opener: it gets the
// absolute path of the written file, and a failure still leaves the
// ticket, exit 0, and says where the file is and how to attach it. The
// demo's server stands in for api.alteg.io: a ticket about another host
// is not one to send.
func TestRunOpen(t *testing.T) {
	t.Run("opened", func(t *testing.T) {
		var opened []string
		sys := testSystem(t)
		sys.open = func(_ context.Context, p string) (string, error) { opened = append(opened, p); return "xdg-open", nil }
		dir := t.TempDir()
		t.Chdir(dir)
		var stderr bytes.Buffer
		code, _ := runSys(t, sys, nil, &stderr, nil, "--open", "-o", "t.eml", "--demo")
		want := []string{filepath.Join(dir, "t.eml")}
		if code != 0 || !cmp.Equal(want, opened) {
			t.Errorf("exit %d, opened %q, want %q", code, opened, want)
		}
		for _, s := range []string{"opened:   in your mail client (xdg-open)", "press Send in the message that opened"} {
			if !strings.Contains(stderr.String(), s) {
				t.Errorf("stderr has no %q:\n%s", s, stderr.String())
			}
		}
	})
	t.Run("cannot open", func(t *testing.T) {
		sys := testSystem(t)
		sys.open = func(context.Context, string) (string, error) {
			return "xdg-open", errors.New("xdg-open is not installed or not on PATH")
		}
		dir := t.TempDir()
		t.Chdir(dir)
		var stderr bytes.Buffer
		code, _ := runSys(t, sys, nil, &stderr, nil, "--open", "-o", "t.eml", "--demo")
		if code != 0 {
			t.Errorf("exit %d, want 0: the ticket was written", code)
		}
		for _, s := range []string{"open: could not open it: xdg-open is not installed", "open " + filepath.Join(dir, "t.eml") + " in your mail client, or attach it to a new mail to api@alteg.io"} {
			if !strings.Contains(strings.Join(strings.Fields(stderr.String()), " "), s) {
				t.Errorf("stderr has no %q:\n%s", s, stderr.String())
			}
		}
	})
}

// TestRunUsageErrors: each mistake on the command line is one line on
// stderr with the fix, exit 2, nothing on stdout, never a Go error dump.
func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]struct {
		args []string
		want string
	}{
		"header without colon":  {[]string{"-H", "Authorization Bearer x", "http://h/"}, "has no colon; write it as -H 'Name: value'"},
		"bad header name":       {[]string{"-H", "Bad Name: v", "http://h/"}, `the header name starting "Bad" is not valid`},
		"unreadable @file":      {[]string{"-y", "-d", "@" + filepath.Join(dir, "nope.json"), "http://h/"}, "cannot read the file (no such file; check the path"},
		"URL with a space":      {[]string{"http://exa mple.com/"}, `curl refuses the URL: it has a space at character 11, after "http://exa" (curl: (3) URL using bad/illegal format or missing URL)`},
		"URL bad escape":        {[]string{"http://h/x%zz"}, "in the path: a % not followed by two hex digits"},
		"URL bad port":          {[]string{"http://h:99999/"}, "use a number from 1 to 65535"},
		"method with a space":   {[]string{"-X", "GE T", "http://h/"}, "is not an HTTP method"},
		"print and -o":          {[]string{"--print", "-o", "x.eml", "http://h/"}, "--print writes the ticket to stdout instead of a file; drop -o"},
		"print and --out-dir":   {[]string{"--print", "--out-dir", "d", "http://h/"}, "--print writes no files"},
		"print and --json":      {[]string{"--print", "--json", "http://h/"}, "--print and --json both write to stdout; choose one"},
		"print and --open":      {[]string{"--print", "--open", "http://h/"}, "--print writes no file to open"},
		"print and --force":     {[]string{"--print", "--force", "http://h/"}, "drop --force"},
		"show-tokens alone":     {[]string{"--show-tokens", "http://h/"}, "--show-tokens goes with --print"},
		"show and mask":         {[]string{"--print", "--show-tokens", "--mask-tokens", "http://h/"}, "contradict each other"},
		"list and json":         {[]string{"--har", "../testdata/har/chrome.har", "--list", "--json"}, "--list only lists the HAR entries; drop --json"},
		"bad color":             {[]string{"--color=sometimes", "http://h/"}, `--color "sometimes": use auto, always or never`},
		"curl's --json body":    {[]string{"--json", `{"a":1}`, "http://h/"}, "--json here prints a JSON summary, it takes no body"},
		"--json=DATA":           {[]string{`--json={"a":1}`, "http://h/"}, "--json takes no value"},
		"bool with a value":     {[]string{"--open=yes", "http://h/"}, "--open takes no value; drop =yes"},
		"typo":                  {[]string{"--ouptut", "x.eml", "http://h/"}, "unknown option --ouptut; did you mean --output?"},
		"swapped letters":       {[]string{"--hedaer", "A: b", "http://h/"}, "did you mean --header?"},
		"unknown, no guess":     {[]string{"--frobnicate", "http://h/"}, "unknown option --frobnicate; see --help for the options"},
		"unknown shorthand":     {[]string{"-W", "http://h/"}, "unknown option -W; see --help"},
		"shorthand in a group":  {[]string{"-sW", "http://h/"}, "unknown option -W; see --help"},
		"missing value":         {[]string{"http://h/", "-o"}, "-o/--output needs a value: -o/--output FILE"},
		"bad duration":          {[]string{"--timeout", "soon", "http://h/"}, `--timeout "soon": must be a duration like "30s" or "5m"`},
		"bad number":            {[]string{"--har", "x.har", "--entry", "two"}, `--entry "two": must be an integer`},
		"bad max-time":          {[]string{"-m", "soon", "http://h/"}, `-m/--max-time "soon": want a number of seconds`},
		"two URLs":              {[]string{"--url-index", "5", "http://h/{a,b}"}, "--url-index 5: the command makes 2 requests"},
		"curl's -o":             {[]string{"-o", "response.json", "http://h/"}, "use e.g. -o ticket.eml (curl's -o, which saves the response, has no meaning here)"},
		"unset bad flag syntax": {[]string{"---x", "http://h/"}, `"---x" is not an option`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			code, stdout := runSys(t, testSystem(t), nil, &stderr, nil, tc.args...)
			got := stderr.String()
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, got)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", got, tc.want)
			}
			if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "altegio-ticket: ") || stdout != "" {
				t.Errorf("not exactly one line on stderr and nothing on stdout: %q / %q", got, stdout)
			}
			for _, dump := range []string{"goroutine ", "panic", "*url.Error", `parse "`, "strconv.", "invalid argument \""} {
				if strings.Contains(got, dump) {
					t.Errorf("a Go error leaks through: %q", got)
				}
			}
		})
	}
}

// TestSafeRunPanics: a panic is one line and exit 1, not a stack trace;
// ALTEGIO_TICKET_DEBUG lets it through.
func TestSafeRunPanics(t *testing.T) {
	var stderr bytes.Buffer
	code := safeRun(context.Background(), []string{"--help"}, Streams(strings.NewReader(""), panicWriter{}, &stderr), realSystem(func(string) string { return "" }))
	if code != 1 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "internal error (boom)") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	defer func() {
		if recover() == nil {
			t.Error("ALTEGIO_TICKET_DEBUG=1 did not let the panic through")
		}
	}()
	safeRun(context.Background(), []string{"--help"}, Streams(strings.NewReader(""), panicWriter{}, &stderr), realSystem(func(k string) string { return "1" }))
}

// panicWriter is a stdout that panics, to provoke a bug.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }

// TestHelp checks the help a new user reads: 80 columns, the groups in
// order, every option of ours and curl's main ones, the worked examples
// for the Alteg.io flows, and how each mail client sends the .eml.
func TestHelp(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "--help")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for i, line := range strings.Split(stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > 79 {
			t.Errorf("line %d is %d columns: %q", i+1, n, line)
		}
	}
	at := 0
	for _, want := range []string{"Usage:", "Quick: ", "Request (", "Inputs (", "Output:", "Redaction (", "Safety:", "Other:", "Examples:",
		"Authorization: Bearer PARTNER_TOKEN, User USER_TOKEN", "https://api.alteg.io/api/v1/auth", "--curl @cmd.txt", "--har session.har",
		"Sending the ticket:", "Outlook, and Thunderbird once an account is set up, open it as a draft", "Edit As New Message", "Send Again (⇧⌘D)", "Webmail", "Exit status:"} {
		i := strings.Index(stdout[at:], want)
		if i < 0 {
			t.Fatalf("%q is missing or out of order", want)
		}
		at += i
	}
	// Every option of ours is explained, as the real flag set has them,
	// and curl's main ones.
	fs, _ := (&options{}).flagSet()
	curlOnly := pflag.NewFlagSet("curl", pflag.ContinueOnError)
	new(curlcmd.Flags).Register(curlOnly)
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if curlOnly.Lookup(f.Name) == nil {
			names = append(names, f.Name)
		}
	})
	if len(names) < 25 {
		t.Fatalf("only %d options of ours: %v", len(names), names)
	}
	names = append(names, "request", "header", "data", "data-raw", "data-binary", "data-urlencode", "get", "head", "user", "cookie", "user-agent",
		"referer", "compressed", "url", "insecure", "max-time")
	for _, n := range names {
		if !strings.Contains(stdout, "--"+n+" ") && !strings.Contains(stdout, "--"+n+"\n") {
			t.Errorf("--%s is not in the help", n)
		}
	}
}

// blockingTermIn is a terminal stdin on which the user never answers.
type blockingTermIn struct{ done chan struct{} }

func (b blockingTermIn) Read([]byte) (int, error) { <-b.done; return 0, io.EOF }

// TestRunCtrlC: Ctrl-C at the replay question, or during the call, stops
// the program with exit 130 and no ticket: the user stopped it, which is
// not a network failure to report.
func TestRunCtrlC(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // hang until the client gives up
	}))
	t.Cleanup(srv.Close)

	t.Run("at the question", func(t *testing.T) {
		in := blockingTermIn{make(chan struct{})}
		defer close(in.done)
		ctx, cancel := context.WithCancel(context.Background())
		out := filepath.Join(t.TempDir(), "t.eml")
		time.AfterFunc(50*time.Millisecond, cancel)
		var stdout, stderr bytes.Buffer
		ios := Streams(in, &stdout, &stderr)
		ios.InTTY = true
		code := run(ctx, []string{"-d", "a=1", "-o", out, srv.URL}, ios, testSystem(t))
		if code != exitInterrupted || !strings.Contains(stderr.String(), "nothing was sent") {
			t.Errorf("exit %d, stderr %q; want 130 and 'nothing was sent'", code, stderr.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a ticket was written")
		}
	})
	t.Run("during the call", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		out := filepath.Join(t.TempDir(), "t.eml")
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"--timeout", "0", "-o", out, srv.URL}, Streams(strings.NewReader(""), &stdout, &stderr), testSystem(t))
		if code != exitInterrupted || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("exit %d, stderr %q; want 130 and 'interrupted'", code, stderr.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a ticket was written")
		}
	})
}

package curlcmd

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite the expected .json files in testdata/curl")

const curlDir = "../../testdata/curl"

// parsed is a Command in a form that reads well in a .json file.
type parsed struct {
	Method       string      `json:"method"`
	URL          string      `json:"url"`
	Headers      [][3]string `json:"headers"` // name, value, origin
	Body         *string     `json:"body"`
	Insecure     bool        `json:"insecure,omitempty"`
	Timeout      string      `json:"timeout,omitempty"`
	MaxRedirects int         `json:"maxRedirects,omitempty"`
	Notes        []string    `json:"notes,omitempty"`
}

func toParsed(c *Command) parsed {
	p := parsed{Method: c.Request.Method, URL: c.Request.URL, Insecure: c.Insecure, MaxRedirects: c.MaxRedirects, Notes: c.Notes}
	for _, h := range c.Request.Header {
		p.Headers = append(p.Headers, [3]string{h.Name, h.Value, string(h.Origin)})
	}
	if c.Request.Body != nil {
		s := string(c.Request.Body)
		p.Body = &s
	}
	if c.Timeout > 0 {
		p.Timeout = c.Timeout.String()
	}
	return p
}

var testEnv = map[string]string{
	"ALTEGIO_PARTNER": "fakepartner0123456789abcd",
	"ALTEGIO_USER":    "fakeuser9876543210dcba",
	"HOME":            "/home/me",
}

func testBuildEnv() Env {
	return Env{
		UserAgent: "altegio-ticket/test",
		ReadFile:  func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(curlDir, name)) },
	}
}

// TestExports parses each real-shaped export in testdata/curl/*.txt and
// compares the request with the .json next to it. Run with -update to
// rewrite the .json files, then read the diff.
func TestExports(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(curlDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no exports in %s: %v", curlDir, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, notes, err := Parse(string(text), func(k string) string { return testEnv[k] })
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			cmd, err := f.Build(testBuildEnv())
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			cmd.Notes = append(notes, cmd.Notes...)
			got := toParsed(cmd)
			golden := strings.TrimSuffix(file, ".txt") + ".json"
			if *update {
				if err := os.WriteFile(golden, marshalParsed(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			var want parsed
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("request mismatch (-want +got):\n%s", d)
			}
		})
	}
}

// TestChromeBashAndCmdAgree checks that Chrome's bash and cmd exports of
// one request give the same request, except where curl.exe itself reads
// the cmd export differently: the Microsoft C runtime keeps the doubled
// backslash Chrome writes for a backslash that no quote follows.
func TestChromeBashAndCmdAgree(t *testing.T) {
	read := func(name string) parsed {
		b, err := os.ReadFile(filepath.Join(curlDir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, _, err := Parse(string(b), nil)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.Build(testBuildEnv())
		if err != nil {
			t.Fatal(err)
		}
		return toParsed(c)
	}
	bash, cmd := read("chrome-bash.txt"), read("chrome-cmd.txt")
	if bash.Body == nil || cmd.Body == nil {
		t.Fatal("no body")
	}
	wantCmdBody := strings.Replace(*bash.Body, `\n`, `\\n`, 1)
	if *cmd.Body != wantCmdBody {
		t.Errorf("cmd body = %q, want %q", *cmd.Body, wantCmdBody)
	}
	bash.Body, cmd.Body = nil, nil
	// The bodies differ by that one byte, and so their Content-Length.
	for _, p := range []*parsed{&bash, &cmd} {
		for i, h := range p.Headers {
			if h[0] == "Content-Length" {
				p.Headers[i][1] = "(the body's length)"
			}
		}
	}
	if d := cmp.Diff(bash, cmd); d != "" {
		t.Errorf("bash and cmd exports differ (-bash +cmd):\n%s", d)
	}
}

func TestSplit(t *testing.T) {
	env := func(k string) string { return testEnv[k] }
	tests := map[string]struct {
		in        string
		want      []string
		wantNotes int
	}{
		"single quotes":         {`curl 'a b' c`, []string{"curl", "a b", "c"}, 0},
		"empty quoted word":     {`curl '' ""`, []string{"curl", "", ""}, 0},
		"double quote escapes":  {`curl "a \"b\" \$x \\ \n"`, []string{"curl", `a "b" $x \ \n`}, 0},
		"adjacent quoting":      {`curl -H'A: '"b"c`, []string{"curl", "-HA: bc"}, 0},
		"ansi-c":                {`curl $'a\'b\n\t\x41\u00e9\101\cA\\'`, []string{"curl", "a'b\n\tAé\x41\x01\\"}, 0},
		"ansi-c not in double":  {`curl "$'x'"`, []string{"curl", "$'x'"}, 0},
		"continuation":          {"curl \\\n  -v \\\r\n  x", []string{"curl", "-v", "x"}, 0},
		"lost continuation":     {"curl\n  -v\n  x", []string{"curl", "-v", "x"}, 0},
		"backslash escape":      {`curl a\ b \'c`, []string{"curl", "a b", "'c"}, 0},
		"variables":             {`curl "$ALTEGIO_USER" ${ALTEGIO_PARTNER}x $ 5$`, []string{"curl", "fakeuser9876543210dcba", "fakepartner0123456789abcdx", "$", "5$"}, 0},
		"tilde":                 {`curl -d @~/b ~/x a~`, []string{"curl", "-d", "@~/b", "/home/me/x", "a~"}, 0},
		"comment":               {"curl x # note 'unclosed\n -v", []string{"curl", "x", "-v"}, 0},
		"hash inside word":      {"curl http://x/#frag", []string{"curl", "http://x/#frag"}, 0},
		"pipe":                  {`curl x | jq .`, []string{"curl", "x"}, 1},
		"and":                   {`curl x && echo ok`, []string{"curl", "x"}, 1},
		"trailing semicolon":    {`curl x;`, []string{"curl", "x"}, 0},
		"redirect":              {`curl x > out.json 2>&1 -v`, []string{"curl", "x", "-v"}, 2},
		"redirect glued":        {`curl x >out.json`, []string{"curl", "x"}, 1},
		"cmd quotes":            {`curl ^"a b^" -H ^"x: ^\^"q^\^"^"`, []string{"curl", "a b", "-H", `x: "q"`}, 0},
		"cmd continuation":      {"curl ^\"x^\" ^\r\n  -v", []string{"curl", "x", "-v"}, 0},
		"cmd newline in value":  {"curl ^\"a^\n\nb^\"", []string{"curl", "a\nb"}, 0},
		"cmd percent":           {`curl ^"a%^2Fb 100^%^"`, []string{"curl", "a%2Fb 100%"}, 0},
		"cmd backslashes":       {`curl ^"C:^\^\tmp^" ^"a^\^\^\^"b^"`, []string{"curl", `C:\\tmp`, `a\"b`}, 0},
		"cmd plain quotes":      {"curl \"a^b\" x ^\n -v", []string{"curl", "a^b", "x", "-v"}, 0},
		"cmd old doubling":      {`curl "{""a"":1}" ^` + "\n", []string{"curl", `{"a":1}`}, 0},
		"cmd pipe":              {`curl ^"x^" | findstr ok`, []string{"curl", "x"}, 1},
		"bash with caret quote": {`curl -d 'a^"b' x`, []string{"curl", "-d", `a^"b`, "x"}, 0},
		"bash mixed quotes":     {`curl -H "X: y" -d '^"z' x`, []string{"curl", "-H", "X: y", "-d", `^"z`, "x"}, 0},
		"default unset":         {`curl "${NOPE:-a b}" ${NOPE-c}`, []string{"curl", "a b", "c"}, 2},
		"default set":           {`curl ${ALTEGIO_PARTNER:-x}y ${ALTEGIO_PARTNER:+set} ${NOPE:+set} -v`, []string{"curl", "fakepartner0123456789abcdy", "set", "-v"}, 0},
		"default assign":        {`curl ${NOPE:=z}`, []string{"curl", "z"}, 1},
		"required set":          {`curl ${ALTEGIO_PARTNER:?give it}`, []string{"curl", "fakepartner0123456789abcd"}, 0},
		"firefox windows":       {`curl "http://x/?a=1%2C2" --data-raw "{""a"":""10"%"""}"`, []string{"curl", "http://x/?a=1%2C2", "--data-raw", `{"a":"10%"}`}, 0},
		"curl.exe double only":  {`curl.exe "http://x/" -H "X: a b"`, []string{"curl.exe", "http://x/", "-H", "X: a b"}, 0},
		"powershell 5.1":        {"curl.exe -X POST \"http://x/$env:ALTEGIO_PARTNER\" `\n" + `  -d '{\"a\": \"b c\"}' -H ''`, []string{"curl.exe", "-X", "POST", "http://x/fakepartner0123456789abcd", "-d", `{"a": "b c"}`, "-H"}, 1},
		"powershell 5.1 plain":  {"curl.exe -s `\n  'http://x/?a=1&b=2'", []string{"curl.exe", "-s", "http://x/?a=1&b=2"}, 0},
		"powershell 7":          {"curl -d '{\"a\":1}' `\n  -H \"X: `\"q`\" ``\" 'it''s' | ConvertFrom-Json", []string{"curl", "-d", `{"a":1}`, "-H", "X: \"q\" `", "it's"}, 1},
		"powershell env braces": {"curl.exe ${env:ALTEGIO_PARTNER} `\n -v # comment", []string{"curl.exe", "fakepartner0123456789abcd", "-v"}, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, notes, err := Split(tc.in, env)
			if err != nil {
				t.Fatalf("Split: %v", err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("words (-want +got):\n%s", d)
			}
			if len(notes) != tc.wantNotes {
				t.Errorf("notes = %q, want %d", notes, tc.wantNotes)
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"unterminated single": {"curl 'abc \\\n -v", "unterminated ' quote starting at line 1, column 6"},
		"unterminated double": {`curl -H "abc`, `unterminated " quote starting at line 1, column 9`},
		"unterminated ansi":   {`curl $'abc`, "unterminated $' quote"},
		"command subst":       {`curl -H "X: $(cat tok)" x`, "$(...)"},
		"backticks":           {"curl -H `cat tok` x", "`...`"},
		"unset variable":      {`curl -H "Authorization: Bearer $NOPE" x`, "$NOPE, which is not set"},
		"special parameter":   {`curl $1`, "$1"},
		"complex expansion":   {`curl ${TOKEN/abc/x}`, "${...} expansion"},
		"default with quotes": {`curl ${TOKEN:-'abc'}`, "${...} expansion"},
		"required unset":      {`curl ${NOPE:?abc}`, "$NOPE, which is not set"},
		"ps unset env":        {"curl.exe $env:NOPE `\n -v", "$env:NOPE, which is not set"},
		"ps variable":         {"curl.exe -H \"X: $tok\" `\n -v", "PowerShell variable"},
		"ps subexpression":    {"curl.exe $(Get-Abc) `\n -v", "PowerShell variable"},
		"ps splatting":        {"curl.exe @abc `\n -v", "splatting"},
		"ps unterminated":     {"curl.exe 'abc `\n -v", "unterminated ' quote"},
		"input redirect":      {`curl -d @- x <&3`, "-d @FILE"},
		"parenthesis":         {`curl (x)`, `unexpected "("`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := Split(tc.in, func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "abc") && name != "complex expansion" && name != "default with quotes" {
				// the error may name a position, never the text around it
				t.Errorf("error quotes the pasted text: %v", err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"empty":                {"  \n", "empty"},
		"not curl":             {"wget http://x", "does not start with curl"},
		"unknown long":         {"curl --frobnicate x", "uses --frobnicate, which curl does not have"},
		"unknown short":        {"curl -sS9 x", "uses -9"},
		"unknown in cluster":   {"curl -sSW x", "uses -W"},
		"missing value":        {"curl x -H", "ends at --header, which needs a value"},
		"bad max-time":         {"curl -m soon x", "--max-time"},
		"form":                 {"curl -F file=@a.png x", "-F: cannot read a.png"},
		"proxy auth":           {"curl --proxy-digest -x http://p:8080 x", "the replay takes one proxy with -x"},
		"ntlm":                 {"curl --ntlm -u a:b x", "only basic (-u user:password), --digest"},
		"next":                 {"curl x --next y", "a ticket holds one call"},
		"help":                 {"curl --help", "does not make a request"},
		"no URL":               {"curl -v", "missing URL"},
		"user without pass":    {"curl -u me x", "-u needs user:password"},
		"head with data":       {"curl -I -d a=1 x", "You can only select one HTTP request method"},
		"bad scheme":           {"curl ftp://x/y", "only http:// and https://"},
		"header without colon": {"curl -H 'Authorization Bearer SECRETVALUE' x", "has no colon"},
		"request-target":       {"curl --request-target '*' x", "--request-target"},
		"missing -H file":      {"curl -H @nope.txt x", "cannot read the file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, _, err := Parse(tc.in, nil)
			if err == nil {
				_, err = f.Build(Env{ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRETVALUE") {
				t.Errorf("the error shows a header value: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is not one line: %q", err)
			}
		})
	}
}

func TestBuildRules(t *testing.T) {
	tests := map[string]struct {
		args []string
		want parsed
	}{
		"defaults": {[]string{"x.test/a"}, parsed{Method: "GET", URL: "http://x.test/a", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"form default": {[]string{"-d", "a=1", "-d", "b=2", "https://x.test/"}, parsed{Method: "POST", URL: "https://x.test/", Body: ptr("a=1&b=2"), Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}, {"Content-Length", "7", "transport"}, {"Content-Type", "application/x-www-form-urlencoded", "tool"}}}},
		"drop and empty": {[]string{"-H", "User-Agent:", "-H", "Accept;", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{
			{"Accept", "", "user"}}}},
		"-X wins": {[]string{"-X", "PATCH", "-d", "{}", "-H", "Content-Type: application/json", "http://x.test"}, parsed{Method: "PATCH", URL: "http://x.test", Body: ptr("{}"), Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}, {"Content-Type", "application/json", "user"}, {"Content-Length", "2", "transport"}}}},
		"-G": {[]string{"-G", "-d", "a=1", "--data-urlencode", "q=x y", "http://x.test/s?p=1#f"}, parsed{Method: "GET", URL: "http://x.test/s?p=1&a=1&q=x+y", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"-I": {[]string{"-I", "http://x.test"}, parsed{Method: "HEAD", URL: "http://x.test", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"json pieces": {[]string{"--json", `{"a":`, "--json", `1}`, "http://x.test"}, parsed{Method: "POST", URL: "http://x.test", Body: ptr(`{"a":1}`), Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Content-Type", "application/json", "tool"}, {"Accept", "application/json", "tool"}, {"Content-Length", "7", "transport"}}}},
		"-H beats -A and -u": {[]string{"-A", "a/1", "-u", "u:p", "-H", "user-agent: b/2", "-H", "authorization: Bearer t", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{
			{"Accept", "*/*", "tool"}, {"user-agent", "b/2", "user"}, {"authorization", "Bearer t", "user"}}}},
		"-A empty": {[]string{"-A", "", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{{"Accept", "*/*", "tool"}}}},
		"oauth2": {[]string{"--oauth2-bearer", "tok", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{
			{"Authorization", "Bearer tok", "user"}, {"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"url-query": {[]string{"--url-query", "a=b c", "--url-query", "+x=%20", "--url", "http://x.test/p"}, parsed{Method: "GET", URL: "http://x.test/p?a=b+c&x=%20", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"request-target": {[]string{"--request-target", "/other?x=1", "http://x.test/p"}, parsed{Method: "GET", URL: "http://x.test/other?x=1", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"globoff keeps backslashes": {[]string{"-g", `http://x.test/a\[1\]`}, parsed{Method: "GET", URL: `http://x.test/a\[1\]`, Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		// curl 7.88.1 sends the -H value and no offer of its own.
		"compressed with own header": {[]string{"--compressed", "-H", "Accept-Encoding: br", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}, {"Accept-Encoding", "br", "user"}}}},
		// curl 7.88.1 sends no Accept-Encoding at all.
		"compressed with the header dropped": {[]string{"--compressed", "-H", "Accept-Encoding:", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}}}},
		"noops": {[]string{"-sSLfiv", "--compressed", "-o", "out", "-w", "%{http_code}", "--connect-timeout", "5", "--http2", "-#", "http://x.test"}, parsed{Method: "GET", URL: "http://x.test", Headers: [][3]string{
			{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}, {"Accept-Encoding", "deflate, gzip, br, zstd", "tool"}}}},
		"data kinds": {[]string{"--data-raw", "@raw", "--data-binary", "@files/body.json", "-d", "@files/body.json", "--data-urlencode", "n@files/headers.txt", "http://x.test"}, parsed{Method: "POST", URL: "http://x.test",
			Body:    ptr("@raw&{\r\n  \"staff_id\": 42,\r\n  \"services\": [7]\r\n}\r\n&{  \"staff_id\": 42,  \"services\": [7]}&n=Authorization%3A+Bearer+fakepartner0123456789abcd%0AX-Trace%3A+on%0A"),
			Headers: [][3]string{{"User-Agent", "altegio-ticket/test", "tool"}, {"Accept", "*/*", "tool"}, {"Content-Length", "157", "transport"}, {"Content-Type", "application/x-www-form-urlencoded", "tool"}}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := ParseArgs(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			c, err := f.Build(testBuildEnv())
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, toParsed(c)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// marshalParsed writes p as indented JSON with one header per line.
func marshalParsed(p parsed) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(p)
	return headerLine.ReplaceAllFunc(buf.Bytes(), func(m []byte) []byte {
		return regexp.MustCompile(`\s*\n\s*`).ReplaceAll(m, []byte(" "))
	})
}

var headerLine = regexp.MustCompile(`\[\n\s+"(?:[^"\\]|\\.)*",\n\s+"(?:[^"\\]|\\.)*",\n\s+"[a-z]*"\n\s+\]`)

func ptr(s string) *string { return &s }

func TestOverrideURL(t *testing.T) {
	for _, args := range [][]string{{"--url", "http://ours.test/"}, {"http://ours.test/"}} {
		pasted, _, err := Parse(`curl --url http://pasted.test/a`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if args[0] != "--url" {
			pasted, _, _ = Parse(`curl http://pasted.test/a`, nil)
		}
		ours, err := ParseArgs(args)
		if err != nil {
			t.Fatal(err)
		}
		pasted.Override(ours)
		c, err := pasted.Build(Env{})
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if c.Request.URL != "http://ours.test/" {
			t.Errorf("%q: URL = %q", args, c.Request.URL)
		}
	}
}

func TestOverride(t *testing.T) {
	pasted, _, err := Parse(`curl -X POST -H 'Authorization: Bearer old' -H 'X-Keep: 1' -H 'Accept: a/b' -d 'old=1' -k https://x.test/a`, nil)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := ParseArgs([]string{"-H", "authorization: Bearer new", "-H", "Accept:", "--data-raw", "new=2", "-X", "PUT"})
	if err != nil {
		t.Fatal(err)
	}
	pasted.Override(ours)
	c, err := pasted.Build(testBuildEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := parsed{Method: "PUT", URL: "https://x.test/a", Body: ptr("new=2"), Insecure: true, Headers: [][3]string{
		{"User-Agent", "altegio-ticket/test", "tool"}, {"X-Keep", "1", "user"}, {"authorization", "Bearer new", "user"},
		{"Content-Length", "5", "transport"}, {"Content-Type", "application/x-www-form-urlencoded", "tool"}}}
	if d := cmp.Diff(want, toParsed(c)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestFormatRoundTrip checks parse(format(req)) == req on hand-picked
// requests; FuzzFormatRoundTrip explores more.
func TestFormatRoundTrip(t *testing.T) {
	reqs := []capture.Request{
		// In curl's order, as Build lists them.
		{Method: "GET", URL: "https://api.alteg.io/api/v1/records/1?a=b&c=d", Header: capture.Headers{
			{Name: "User-Agent", Value: "altegio-ticket/test", Origin: capture.FromTool},
			{Name: "Accept", Value: "*/*", Origin: capture.FromTool},
			{Name: "Authorization", Value: "Bearer p, User u", Origin: capture.FromUser}}},
		{Method: "POST", URL: "http://x.test/it's", Body: []byte("@not-a-file\x00\n'\"$`\\"), Header: capture.Headers{
			{Name: "X-Empty", Value: "", Origin: capture.FromUser, Sep: ":"},
			{Name: "x-tight", Value: "v ", Origin: capture.FromUser, Sep: ":"},
			{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser, Sep: ":\t "},
			{Name: "Content-Length", Value: "18", Origin: capture.FromTransport}}},
		{Method: "DELETE", URL: `http://x.test/a\[1\]`, Body: []byte{}, Header: capture.Headers{
			{Name: "Content-Length", Value: "0", Origin: capture.FromTransport}}},
		{Method: "GET", URL: "http://x.test/", Body: []byte("q"), Header: capture.Headers{
			{Name: "Content-Length", Value: "1", Origin: capture.FromTransport}}},
	}
	for _, req := range reqs {
		checkRoundTrip(t, req)
	}
}

func checkRoundTrip(t *testing.T, req capture.Request) {
	t.Helper()
	args := Format(req)
	words, _, err := Split(Quote(args), nil)
	if err != nil {
		t.Fatalf("Split(Quote(%q)): %v", args, err)
	}
	if d := cmp.Diff(args, words); d != "" {
		t.Fatalf("Split(Quote(args)) (-want +got):\n%s", d)
	}
	f, err := ParseArgs(words[1:])
	if err != nil {
		t.Fatalf("ParseArgs(%q): %v", words, err)
	}
	c, err := f.Build(Env{UserAgent: "altegio-ticket/test"})
	if err != nil {
		t.Fatalf("Build(%q): %v", words, err)
	}
	if d := cmp.Diff(req, c.Request, cmp.Transformer("body", func(b []byte) string {
		if b == nil {
			return "<nil>"
		}
		return "=" + string(b)
	})); d != "" {
		t.Errorf("parse(format(req)) != req for %q (-want +got):\n%s", words, d)
	}
}

func TestQuote(t *testing.T) {
	got := Quote([]string{"curl", "-H", "A: b", "it's", "", "x\x01\xff", "~x", "plain-1.2/x@y"})
	want := `curl -H 'A: b' $'it\'s' '' $'x\x01\xff' '~x' plain-1.2/x@y`
	if got != want {
		t.Errorf("Quote = %s\nwant    %s", got, want)
	}
}

func TestNames(t *testing.T) {
	names := strings.Join(Names(), " ")
	for _, n := range []string{"header", "data-urlencode", "json", "user", "cookie", "user-agent", "referer", "compressed", "location", "insecure", "url", "get", "head", "request-target", "silent", "verbose", "include"} {
		if !strings.Contains(" "+names+" ", " "+n+" ") {
			t.Errorf("option --%s is not registered", n)
		}
	}
}

func TestRegisterLeavesOwnFlags(t *testing.T) {
	// A program's own -o and -y win; curl's --speed-time keeps its long name.
	f := &Flags{}
	fs := newTestFlagSet()
	var out string
	var yes bool
	fs.StringVarP(&out, "output", "o", "", "")
	fs.BoolVarP(&yes, "yes", "y", false, "")
	f.Register(fs)
	if err := fs.Parse([]string{"-o", "t.eml", "-y", "--speed-time", "5", "-H", "A: b", "x.test"}); err != nil {
		t.Fatal(err)
	}
	if out != "t.eml" || !yes || len(f.Headers) != 1 {
		t.Errorf("out=%q yes=%v headers=%q", out, yes, f.Headers)
	}
}

func TestNotesHoldNoValues(t *testing.T) {
	_, notes, err := Split(`curl x | grep SECRETVALUE > SECRETFILE`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(notes, " "); strings.Contains(s, "SECRET") || len(notes) == 0 {
		t.Errorf("notes = %q", notes)
	}
}

func newTestFlagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// TestParseURLErrors checks that a URL error says where the URL breaks
// and how to fix it, in one line, without quoting anything after the
// host (a path or query may hold a token) or a user:password.
func TestParseURLErrors(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"space in host":        {"http://exa mple.com/", `the URL breaks at character 11 after "http://exa": a space in the host name`},
		"no scheme":            {"exa mple.com/x", `character 4 after "exa": a space in the host name`},
		"userinfo masked":      {"http://me:SECRETVALUE@exa mple.com/", `after "http://…@exa": a space`},
		"bad escape in path":   {"http://h/SECRETVALUE%zz", `character 21 in the path: a % not followed by two hex digits ("%zz"); write a literal % as %25`},
		"escape in host":       {"http://ex%41mple.com/", `after "http://ex": a percent-escape (%41) in the host name`},
		"control in query":     {"http://h/x?t=SECRETVALUE\x01", "in the query: a control character (U+0001)"},
		"port not a number":    {"http://h:9x/", `after "http://h:": the port is not a number`},
		"port out of range":    {"http://h:99999/", "port 99999 is not a port: use a number from 1 to 65535"},
		"IPv6 unclosed":        {"http://[::1/x", "an IPv6 address without its closing ]"},
		"not a scheme":         {"ht!tp://h/", `starts with "ht!tp://", which is not a scheme; start it with https://`},
		"other scheme":         {"ftp://h/SECRETVALUE", "the URL starts with ftp://; only http:// and https:// are supported"},
		"no host":              {"https:///SECRETVALUE", "no host after https://"},
		"spaces around":        {" http://h/", "spaces or a line break around it"},
		"bad userinfo":         {"http://a SECRETVALUE@h/", "user:password part has a character that must be percent-encoded"},
		"userinfo short masks": {"http://u:SECRETVALUE@h:9x/", `after "http://…@h:"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseURL(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRETVALUE") || strings.Contains(err.Error(), "\n") {
				t.Errorf("the error quotes the URL's secret part, or is not one line: %q", err)
			}
		})
	}
}

func TestBadMethod(t *testing.T) {
	for _, m := range []string{"GE T", "GET\r\n", "", "PO(ST"} {
		f, _, err := Parse("curl -X '"+m+"' http://h/", nil)
		if err == nil {
			_, err = f.Build(Env{})
		}
		if m == "" {
			continue // -X '' is curl's "no method given"
		}
		if err == nil || !strings.Contains(err.Error(), "is not an HTTP method") {
			t.Errorf("-X %q: err = %v", m, err)
		}
	}
}

// TestHeaderErrorsHideValues: a malformed -H may be a bare token
// (-H "$TOKEN") or hold one after its first word; the error names the
// header without quoting what could be secret.
func TestHeaderErrorsHideValues(t *testing.T) {
	tests := map[string]struct {
		headers []string
		want    string
	}{
		"bare token":           {[]string{"SECRETTOKEN6"}, "the header has no colon"},
		"scheme and token":     {[]string{"Authorization Bearer SECRETTOKEN6"}, `the header starting "Authorization" has no colon`},
		"token in a bad name":  {[]string{"Bearer SECRETTOKEN6: x"}, `the header name starting "Bearer" is not valid`},
		"which of several -H":  {[]string{"Accept: */*", "SECRETTOKEN6"}, "-H number 2: the header has no colon"},
		"long word not quoted": {[]string{"abcdefghijklmnopqrstuvwxyz0123456789 x"}, "the header has no colon"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := headerList(tc.headers, map[string]bool{}, Env{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRETTOKEN6") || strings.Contains(err.Error(), "abcdefghij") {
				t.Errorf("the error quotes the header: %v", err)
			}
		})
	}
}

// TestUnsetDollarHidesTheValue: a $ inside a double-quoted password reads
// to the shell as a variable; the error must not quote what follows it.
func TestUnsetDollarHidesTheValue(t *testing.T) {
	_, _, err := Parse(`curl -u "admin:Xk9$mP2vQ7" https://api.alteg.io/api/v1/x`, func(string) string { return "" })
	if err == nil || strings.Contains(err.Error(), "mP2vQ7") || !strings.Contains(err.Error(), "single quotes") {
		t.Errorf("error = %v; want the advice without the password", err)
	}
	_, _, err = Parse(`curl -H "Authorization: Bearer $ALTEGIO_TOKEN" https://api.alteg.io/api/v1/x`, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "$ALTEGIO_TOKEN, which is not set") {
		t.Errorf("error = %v; want the variable named", err)
	}
}

// TestCookieFileNameQuotesNoToken: a -b value without = that cannot be
// read as a file is named in the note only when it looks like a path; a
// bare session id pasted by mistake stays off the terminal.
func TestCookieFileNameQuotesNoToken(t *testing.T) {
	for in, want := range map[string]string{
		"nope.txt":                             "nope.txt",
		"/home/me/cookies":                     "/home/me/cookies",
		"sess9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c": "(the value given)",
		"a/" + strings.Repeat("x", 60):         "(the value given)",
	} {
		if got := cookieFileName(in); got != want {
			t.Errorf("cookieFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

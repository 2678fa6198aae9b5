package curlcmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func buildText(t *testing.T, text string, env Env) (*Command, error) {
	t.Helper()
	f, notes, err := Parse(text, func(k string) string { return map[string]string{"HOME": "/home/me", "TOKEN": "tok"}[k] })
	if err != nil {
		return nil, err
	}
	if env.ReadFile == nil {
		env.ReadFile = func(n string) ([]byte, error) { return os.ReadFile(filepath.Join(curlDir, "files", n)) }
	}
	cmd, err := f.Build(env)
	if cmd != nil {
		cmd.Notes = append(notes, cmd.Notes...)
	}
	return cmd, err
}

// TestSeveralRequests: which request Build picks, in curl's order (URL by
// URL, -T file by file, then the URL's glob), and how many there are.
func TestSeveralRequests(t *testing.T) {
	tests := map[string]struct {
		cmd        string
		index      uint64
		wantMethod string
		wantURL    string
		wantTotal  uint64
	}{
		"first by default":  {"curl http://h/a http://h/{b,c}", 0, "GET", "http://h/a", 3},
		"into the glob":     {"curl http://h/a http://h/{b,c}", 3, "GET", "http://h/c", 3},
		"--url in order":    {"curl --url http://h/1 --url http://h/2", 2, "GET", "http://h/2", 2},
		"uploads outer":     {"curl -T '{up.txt,x.bin}' 'http://h/[1-2]/'", 2, "PUT", "http://h/2/up.txt", 4},
		"second -T file":    {"curl -T up.txt http://h/a/ -T x.bin http://h/b/", 2, "PUT", "http://h/b/x.bin", 2},
		"-T for first only": {"curl -T up.txt http://h/a/ http://h/b/", 2, "GET", "http://h/b/", 2},
		"globoff":           {"curl -g 'http://h/{a,b}'", 0, "GET", "http://h/{a,b}", 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cmd, err := buildText(t, tc.cmd, Env{URLIndex: tc.index})
			if err != nil {
				t.Fatal(err)
			}
			got := []any{cmd.Request.Method, cmd.Request.URL, cmd.Requests}
			want := []any{tc.wantMethod, tc.wantURL, tc.wantTotal}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	_, err := buildText(t, "curl http://h/[1-3]", Env{URLIndex: 4})
	var ie *IndexError
	if !errors.As(err, &ie) || ie.Requests != 3 || ie.Index != 4 {
		t.Errorf("index past the end: err = %v, want IndexError{4, 3}", err)
	}
	if _, err := buildText(t, "curl -H 'A: b'", Env{}); !errors.Is(err, ErrNoURL) {
		t.Errorf("no URL: err = %v, want ErrNoURL", err)
	}
}

// TestBuildErrors: commands curl refuses (or that cannot be replayed),
// each with the reason the user reads; none quotes a value.
func TestBuildErrors(t *testing.T) {
	tests := map[string]struct{ cmd, want string }{
		"space in URL":        {"curl 'http://h/a b?token=s3cret'", "it has a space at character 11 (curl: (3) URL using bad/illegal format"},
		"space added by -G":   {"curl -G -d 'a=b c' http://h/", "in the query that -G or --url-query adds"},
		"-F and -d":           {"curl -F a=1 -d b=2 http://h/", "both multipart formpost (-F, --form) and POST (-d, --data)"},
		"-T and -d":           {"curl -T up.txt -d b=2 http://h/", "both PUT (-T, --upload-file) and POST (-d, --data)"},
		"-F without =":        {"curl -F a http://h/", "Illegally formatted input field!"},
		"-F missing file":     {"curl -F f=@nope.bin http://h/", "-F: cannot read nope.bin"},
		"-F bad type":         {"curl -F 'a=1;type=text' http://h/", "Illegally formatted content-type field!"},
		"-F several files":    {"curl -F 'f=@up.txt,x.bin' http://h/", "several files in one part"},
		"-T missing":          {"curl -T nope.txt http://h/", "-T nope.txt: cannot read the file"},
		"header line":         {"curl -H $'X-A: 1\\r\\nnot a header' http://h/", "a line inside the header is not a header"},
		"redirect missing":    {"curl -d @- http://h/ < nope.json", "reads its input from nope.json"},
		"glob":                {"curl 'http://h/?filter[name]=x'", "bad range"},
		"all refused at once": {"curl --netrc -K cfg --next http://h/", "uses 3 options that cannot be used: --netrc"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := buildText(t, tc.cmd, Env{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error quotes a value or is not one line: %q", err)
			}
		})
	}
}

// TestBuildDetails: what the corpus does not show: Expect for a large
// body, notes, the cookie jar, heredoc expansion and -j.
func TestBuildDetails(t *testing.T) {
	big := strings.Repeat("a", 1<<20+1)
	env := Env{ReadFile: func(n string) ([]byte, error) {
		if n == "big" {
			return []byte(big), nil
		}
		return os.ReadFile(filepath.Join(curlDir, "files", n))
	}}
	cmd, err := buildText(t, "curl --data-binary @big http://h/", env)
	if err != nil || cmd.Request.Header.Get("Expect") != "100-continue" {
		t.Errorf("a body over 1 MiB: Expect = %q (%v), want 100-continue as curl sends", cmd.Request.Header.Get("Expect"), err)
	}
	cmd, _ = buildText(t, "curl -d @body.json http://h/", env)
	if cmd.Request.Header.Has("Expect") {
		t.Errorf("a small body has Expect")
	}
	cmd, err = buildText(t, "curl -H 'Expect:' -T up.txt http://h/", env)
	if err != nil || cmd.Request.Header.Has("Expect") {
		t.Errorf("-H 'Expect:' must drop curl's Expect for -T (%v)", err)
	}

	cmd, err = buildText(t, "curl -c jar.txt -b nope.txt http://h/", env)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(cmd.Notes, "|")
	for _, want := range []string{"-c (--cookie-jar) is left alone", "-b nope.txt: the cookie file cannot be read"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}

	cmd, err = buildText(t, "curl -j -b cookies.txt http://127.0.0.1/api/x/y", env)
	if err != nil || cmd.Request.Header.Get("Cookie") != "longest=l" {
		t.Errorf("-j drops session cookies: Cookie = %q (%v), want only the one that expires", cmd.Request.Header.Get("Cookie"), err)
	}

	cmd, err = buildText(t, "curl --data-binary @- http://h/ <<EOF\ntoken=$TOKEN \\$HOME ${TOKEN}\nEOF\n", env)
	if err != nil || string(cmd.Request.Body) != "token=tok $HOME tok\n" {
		t.Errorf("heredoc body = %q (%v)", cmd.Request.Body, err)
	}
	cmd, err = buildText(t, "curl --data-binary @- http://h/ <<EOF\nno end", env)
	if err != nil || string(cmd.Request.Body) != "no end\n" || !strings.Contains(strings.Join(cmd.Notes, "|"), "has no line that closes it") {
		t.Errorf("unclosed heredoc: body %q notes %q (%v)", cmd.Request.Body, cmd.Notes, err)
	}
	cmd, err = buildText(t, "curl -d @- -F 'f=@-' http://h/ <<< x", env)
	if err == nil {
		t.Errorf("-d and -F together must be refused, got %v", cmd.Request.Method)
	}
}

// TestFormParts: the parts the ticket shows are those sent.
func TestFormParts(t *testing.T) {
	cmd, err := buildText(t, "curl -F 'password=hunter2' -F 'f=@up.txt;type=text/x' http://h/", Env{Boundary: "b"})
	if err != nil {
		t.Fatal(err)
	}
	want := []FormPart{
		{Name: "password", Value: []byte("hunter2")},
		{Name: "f", Filename: "up.txt", HasFilename: true, Type: "text/x", Value: []byte("hello\nworld\n"), From: "up.txt"},
	}
	if d := cmp.Diff(want, cmd.Form); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := cmd.Request.Header.Get("Content-Type"); got != "multipart/form-data; boundary=b" {
		t.Errorf("Content-Type = %q", got)
	}
}

// TestBoundaryShape: curl 7.88's boundary is 24 dashes and 16 hex digits.
func TestBoundaryShape(t *testing.T) {
	b := NewBoundary()
	if len(b) != 40 || strings.Trim(b[:24], "-") != "" || strings.Trim(b[24:], "0123456789abcdef") != "" {
		t.Errorf("boundary %q", b)
	}
	if NewBoundary() == b {
		t.Errorf("two boundaries are the same")
	}
}

// FuzzForm: any -F argument is read or refused in one line, never a
// panic, and the body always ends with the closing boundary.
func FuzzForm(f *testing.F) {
	for _, s := range []string{`a=1`, `f=@x;type=a/b;filename="q\"x";headers="X: 1"`, `a="unclosed`, `=)`, `a=(`, `n=<y;encoder=base64`, `a=@-,b`} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, arg string, literal bool) {
		env := Env{ReadFile: func(string) ([]byte, error) { return []byte("file"), nil }}
		fm, err := buildForm([]FormArg{{Literal: literal, Value: arg}}, env, func() ([]byte, error) { return []byte("in"), nil })
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error not one line: %q", err)
			}
			return
		}
		if body := fm.body("B", "form-data"); !strings.HasSuffix(string(body), "--B--\r\n") {
			t.Fatalf("body does not end with the boundary: %q", body)
		}
	})
}

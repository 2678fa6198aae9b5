package curlcmd

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

func addExportSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(curlDir, "*.txt"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(string(b))
		}
	}
	for _, glob := range []string{"*.cmd", "*.win"} {
		files, _ := filepath.Glob(filepath.Join(reachDir, glob))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(string(b))
			}
		}
	}
	for _, s := range []string{
		"curl.exe -d '{\\\"a\\\":1}' `\n -H \"$env:ALTEGIO_PARTNER`\"\"", "curl `", "curl.exe ${env:X", `curl "a""b"`,
		`curl ${A:-}`, `curl ${A:?}`, `curl ${:-x}`, "curl $env:", `curl.exe ""`,
		`curl $'\u12' "a\`, `curl ^"x^`, "curl ^\n", `curl -H`, `curl ${`, `curl $'\c`, `curl 2>`, `curl &>`,
		`curl -d @- -G -I x`, `curl --json a --json b -d c x`, `curl "a""b"\\"`, `curl '' -- -x`,
	} {
		f.Add(s)
	}
}

// FuzzSplit checks that Split never panics, and that Quote writes any
// words it returns so that Split reads them back unchanged.
func FuzzSplit(f *testing.F) {
	addExportSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		words, _, err := Split(text, func(k string) string { return testEnv[k] })
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		again, _, err := Split(Quote(words), nil)
		if err != nil {
			t.Fatalf("Split(Quote(%q)): %v", words, err)
		}
		if len(words) == 0 && len(again) == 0 {
			return
		}
		if d := cmp.Diff(words, again); d != "" {
			t.Fatalf("Split(Quote(words)) != words (-want +got):\n%s", d)
		}
	})
}

// FuzzParse checks that reading any pasted text as a curl command never
// panics and fails with one line.
func FuzzParse(f *testing.F) {
	addExportSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		fl, _, err := Parse(text, func(k string) string { return testEnv[k] })
		if err == nil {
			_, err = fl.Build(Env{UserAgent: "t", ReadFile: func(string) ([]byte, error) { return []byte("file\r\n"), nil }})
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error is not one line: %q", err)
		}
	})
}

// FuzzFormatRoundTrip checks parse(format(req)) == req for requests that
// curl can express: Format, then Quote to bash text, then Split, ParseArgs
// and Build give back the same request.
func FuzzFormatRoundTrip(f *testing.F) {
	f.Add("POST", "api/v1/records/1?a=b", "Authorization", "Bearer p, User u", []byte(`{"a":1}`), true)
	f.Add("GET", `x\[1\]`, "X-Empty", "", []byte(nil), false)
	f.Add("PATCH", "%zz", "Accept", "a'b\"c$d`e\\f^\"", []byte("@file\x00\r\n"), true)
	f.Fuzz(func(t *testing.T, method, path, name, value string, body []byte, hasBody bool) {
		if !validName(method) {
			method = "GET"
		}
		target := "http://x.test/" + path
		// A URL that curl sends otherwise (a fragment dropped, dot
		// segments resolved) cannot read back as written.
		if u, err := curlURL(target, false); err != nil || u != target {
			t.Skip()
		}
		req := capture.Request{Method: method, URL: target}
		var user capture.Headers // the one -H header, if any
		if validName(name) && !strings.EqualFold(name, "Accept-Encoding") && !strings.HasPrefix(value, " ") && !strings.HasPrefix(value, "\t") &&
			!strings.ContainsAny(value, "\r\n") { // curl sends each line of a value as a header of its own
			user = capture.Headers{{Name: name, Value: value, Origin: capture.FromUser}}
			if value == "" {
				user[0].Sep = ":" // -H 'Name;', which curl sends as "Name:"
			}
		}
		if hasBody {
			req.Body = append([]byte{}, body...)
		}
		// In curl's order, as Build lists them: a -H Host first (spelled
		// Host), User-Agent and Accept unless -H gives them, the -H
		// header, then the body's Content-Length and Content-Type.
		if user.Has("Host") {
			user[0].Name = "Host"
			req.Header, user = user, nil
		}
		add := func(n, v string, o capture.Origin) {
			if !user.Has(n) {
				req.Header = append(req.Header, capture.Header{Name: n, Value: v, Origin: o})
			}
		}
		add("User-Agent", "altegio-ticket/test", capture.FromTool)
		add("Accept", DefaultAccept, capture.FromTool)
		req.Header = append(req.Header, user...)
		if req.Body != nil {
			add("Content-Length", strconv.Itoa(len(req.Body)), capture.FromTransport)
			add("Content-Type", DefaultContentType, capture.FromTool)
		}
		checkRoundTrip(t, req)
	})
}

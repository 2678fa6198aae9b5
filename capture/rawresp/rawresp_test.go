package rawresp

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	const body = `{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`
	tests := map[string]struct {
		in         string
		wantProto  string
		wantStatus int
		wantText   string
		wantHeader capture.Headers
		wantBody   string
	}{
		"curl -i, HTTP/1.1, CRLF": {
			"HTTP/1.1 401 Unauthorized\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 74\r\n\r\n" + body,
			"HTTP/1.1", 401, "Unauthorized",
			capture.Headers{{Name: "Server", Value: "nginx"}, {Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: "74"}},
			body,
		},
		"HTTP/2, LF, no reason phrase": {
			"HTTP/2 401 \ncontent-type: application/json\nvary: Accept-Encoding\n\n" + body + "\n",
			"HTTP/2.0", 401, "Unauthorized",
			capture.Headers{{Name: "content-type", Value: "application/json"}, {Name: "vary", Value: "Accept-Encoding"}},
			body + "\n",
		},
		"100 Continue first": {
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 422 Unprocessable Entity\r\nContent-Type: application/json\r\n\r\n{}",
			"HTTP/1.1", 422, "Unprocessable Entity",
			capture.Headers{{Name: "Content-Type", Value: "application/json"}},
			"{}",
		},
		"redirects followed with -L": {
			"HTTP/1.1 301 Moved Permanently\r\nLocation: https://api.alteg.io/api/v1/x\r\n\r\nHTTP/2 302 \r\nlocation: /y\r\n\r\nHTTP/2 404 \r\ncontent-type: text/plain\r\n\r\nnot here",
			"HTTP/2.0", 404, "Not Found",
			capture.Headers{{Name: "content-type", Value: "text/plain"}},
			"not here",
		},
		"through a proxy": {
			"HTTP/1.1 200 Connection established\r\n\r\nHTTP/3 403 \r\nx-a: b\r\n\r\nno",
			"HTTP/3.0", 403, "Forbidden",
			capture.Headers{{Name: "x-a", Value: "b"}},
			"no",
		},
		"BOM, blank lines, folded header": {
			"\xef\xbb\xbf\r\n\r\nHTTP/1.0 500 Internal Server Error\r\nX-Long: one\r\n  two\r\n\r\nboom",
			"HTTP/1.0", 500, "Internal Server Error",
			capture.Headers{{Name: "X-Long", Value: "one two"}},
			"boom",
		},
		"headers only (curl -I)": {
			"HTTP/2 405 \r\nallow: GET\r\n",
			"HTTP/2.0", 405, "Method Not Allowed",
			capture.Headers{{Name: "allow", Value: "GET"}},
			"",
		},
		"body that starts like HTTP": {
			"HTTP/1.1 200 OK\n\nHTTP/ is not a status line here",
			"HTTP/1.1", 200, "OK", nil,
			"HTTP/ is not a status line here",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got.Proto != tc.wantProto || got.Status != tc.wantStatus || got.StatusText != tc.wantText {
				t.Errorf("status line = %s %d %q, want %s %d %q", got.Proto, got.Status, got.StatusText, tc.wantProto, tc.wantStatus, tc.wantText)
			}
			if d := cmp.Diff(tc.wantHeader, got.Header); d != "" {
				t.Errorf("headers (-want +got):\n%s", d)
			}
			b, _ := io.ReadAll(got.Body)
			if string(b) != tc.wantBody {
				t.Errorf("body = %q, want %q", b, tc.wantBody)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]struct {
		in   string
		want error
		text string
	}{
		"just a body":       {`{"a":1}`, ErrNoStatusLine, ""},
		"curl -v output":    {"< HTTP/1.1 200 OK\n", ErrNoStatusLine, ""},
		"empty":             {"", nil, "empty"},
		"broken header":     {"HTTP/1.1 200 OK\nContent-Type application/json\n\n{}", nil, "line 2 is not a header"},
		"second block junk": {"HTTP/1.1 100 Continue\n\nHTTP/1.1 2000 x\n\n", nil, ""},
		"very long line":    {"HTTP/1.1 200 OK\nX: " + strings.Repeat("a", maxLine+10) + "\n\n", nil, "longer than"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in))
			switch {
			case name == "second block junk":
				// "HTTP/1.1 2000" is not a status line, so it is the body.
				if err != nil {
					t.Errorf("err = %v", err)
				}
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("err = %v, want %v", err, tc.want)
			case tc.want == nil && (err == nil || !strings.Contains(err.Error(), tc.text)):
				t.Errorf("err = %v, want it to contain %q", err, tc.text)
			}
		})
	}
}

// TestRecordedBodies runs saved responses through capture.Recorded: a gzip
// body saved raw is decoded, one curl --compressed already decoded is
// taken as it is, and binary bytes are kept exactly.
func TestRecordedBodies(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, `{"ok":false}`)
	zw.Close()
	bin := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff, '\r', '\n'}
	tests := map[string]struct {
		raw       string
		wantData  string
		wantEnc   string
		wantBin   bool
		wantBroke bool
	}{
		"gzip as sent":              {"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n\r\n" + gz.String(), `{"ok":false}`, "gzip", false, false},
		"gzip decoded by curl":      {"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n\r\n" + `{"ok":false}`, `{"ok":false}`, "gzip", false, false},
		"deflate decoded by curl":   {"HTTP/1.1 400 Bad Request\r\nContent-Encoding: deflate\r\n\r\nplain text", "plain text", "deflate", false, false},
		"binary kept byte for byte": {"HTTP/2 200 \r\ncontent-type: image/png\r\n\r\n" + string(bin), string(bin), "", true, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, err := Parse(strings.NewReader(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			ex := capture.Recorded(capture.Recording{Request: capture.Request{Method: "GET", URL: "http://x.test/"}, Response: resp}, capture.Options{})
			b := ex.Response().Body
			if string(b.Data) != tc.wantData || b.Encoding != tc.wantEnc || b.Binary != tc.wantBin || (b.Broken != "") != tc.wantBroke {
				t.Errorf("body = data %q enc %q binary %v broken %q", b.Data, b.Encoding, b.Binary, b.Broken)
			}
		})
	}
}

func TestRecordedBodyIsBounded(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	resp, err := Parse(strings.NewReader("HTTP/1.1 200 OK\r\n\r\n" + big))
	if err != nil {
		t.Fatal(err)
	}
	b := capture.Recorded(capture.Recording{Response: resp}, capture.Options{MaxBody: 1000}).Response().Body
	if len(b.Data) != 1000 || b.Size != 1<<20 || !b.Truncated {
		t.Errorf("kept %d of %d, truncated %v", len(b.Data), b.Size, b.Truncated)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody")
	f.Add("HTTP/1.1 100 Continue\r\n\r\nHTTP/2 404 \n x\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		resp, err := Parse(strings.NewReader(s))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error not one line: %q", err)
			}
			return
		}
		if resp.Status < 100 || resp.Status > 999 {
			t.Fatalf("status %d", resp.Status)
		}
		io.Copy(io.Discard, resp.Body)
	})
}

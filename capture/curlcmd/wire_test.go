package curlcmd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wireDir holds the differential corpus: NAME.cmd is a curl command as
// people paste it, NAME.req the request real curl 7.88.1 sent for it (the
// first, when it makes several), recorded on loopback by record.sh there,
// run in testdata/curl/files. The test needs no curl.
const wireDir = "../../testdata/curl/wire"

// wireRequest is a request reduced to what the command line decides.
type wireRequest struct {
	Method, Target string
	// Headers are "Name: value", sorted. Host, Content-Length and
	// Transfer-Encoding are the transport's; Accept-Encoding (of
	// --compressed) is left to the network side, which owns it.
	Headers []string
	Body    string
}

var transportHeaders = map[string]bool{"host": true, "content-length": true, "transfer-encoding": true, "accept-encoding": true}

func readWire(t *testing.T, raw []byte) (wireRequest, string) {
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("no end of head in %q", raw)
	}
	// A bare LF inside a -H value goes out as it is; servers (and the
	// replay, which cannot send it) take it as a line break.
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	target, _, _ := strings.Cut(rest, " ")
	w := wireRequest{Method: method, Target: target, Body: string(body)}
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		if !transportHeaders[strings.ToLower(name)] {
			w.Headers = append(w.Headers, name+": "+strings.TrimLeft(value, " \t"))
		}
	}
	sort.Strings(w.Headers)
	boundary := ""
	if m := regexp.MustCompile(`boundary=(-+[0-9a-f]+)`).FindSubmatch(head); m != nil {
		boundary = string(m[1])
	}
	return w, boundary
}

// TestWireMatchesCurl checks, for every command of the corpus, that Build
// makes the request real curl sent: method, request target, every header
// (with curl's own User-Agent standing in for ours) and the body, byte
// for byte.
func TestWireMatchesCurl(t *testing.T) {
	cmds, _ := filepath.Glob(filepath.Join(wireDir, "*.cmd"))
	if len(cmds) < 40 {
		t.Fatalf("found %d commands in %s, want the whole corpus", len(cmds), wireDir)
	}
	for _, file := range cmds {
		name := strings.TrimSuffix(filepath.Base(file), ".cmd")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(strings.TrimSuffix(file, ".cmd") + ".req")
			if err != nil {
				t.Fatal(err)
			}
			want, boundary := readWire(t, raw)
			f, _, err := Parse(string(text), func(k string) string { return map[string]string{"HOME": "/home/me"}[k] })
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			cmd, err := f.Build(Env{
				UserAgent: "curl/7.88.1",
				Boundary:  boundary,
				ReadFile:  func(n string) ([]byte, error) { return os.ReadFile(filepath.Join(curlDir, "files", n)) },
				Now:       func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
			})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got := wireRequest{Method: cmd.Request.Method, Target: requestTarget(cmd.Request.URL), Body: string(cmd.Request.Body)}
			for _, h := range cmd.Request.Header {
				if !transportHeaders[strings.ToLower(h.Name)] {
					got.Headers = append(got.Headers, h.Name+": "+h.Value)
				}
			}
			sort.Strings(got.Headers)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("request differs from curl's (-curl +ours):\n%s", d)
			}
		})
	}
}

// requestTarget is the path and query of a URL, as the request line has
// them.
func requestTarget(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	i := strings.IndexAny(rest, "/?")
	if i < 0 {
		return "/"
	}
	if rest[i] == '?' {
		return "/" + rest[i:]
	}
	return rest[i:]
}

package harfile

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the .list golden files in testdata/har")

const harDir = "../../testdata/har"

// Fake tokens in the fixtures.
const (
	partner = "fakepartner0123456789abcd"
	user    = "fakeuser9876543210dcba"
)

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(harDir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readEntry(t *testing.T, name string, i int) *Entry {
	t.Helper()
	e, err := Read(open(t, name), i)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestList(t *testing.T) {
	tests := map[string]struct {
		want   []Summary
		picked int
	}{
		"chrome.har": {[]Summary{
			{1, "GET", "https://app.alteg.io/", 200, "", false},
			{2, "GET", "https://app.alteg.io/favicon.ico", 404, "", false},
			{3, "GET", "https://api.alteg.io/api/v1/company/123456?include=staff", 200, "", true},
			{4, "POST", "https://api.alteg.io/api/v1/records/123456", 422, "", true},
			{5, "GET", "https://api.alteg.io/api/v1/images/logo.png", 200, "", true},
			{6, "GET", "https://cdn.alteg.io/app.js", 200, "", false},
		}, 4},
		"firefox.har": {[]Summary{
			{1, "GET", "https://api.alteg.io/api/v1/company/123456", 200, "", true},
			{2, "PUT", "https://api.alteg.io/api/v1/record/123456/987654", 401, "", true},
			{3, "POST", "https://api.alteg.io/api/v1/auth", 201, "", true},
			{4, "GET", "https://api.alteg.io/api/v1/reports/123456.pdf", 200, "", true},
			{5, "GET", "https://api.alteg.io/api/v1/notifications?sign=0a1b2c3d4e5f60718293a4b5c6d7e8f9", 0, "", true},
		}, 5},
		"all-ok.har": {[]Summary{
			{1, "GET", "https://api.alteg.io/api/v1/company/1", 200, "", true},
			{2, "GET", "https://api.alteg.io/api/v1/company/2", 200, "", true},
		}, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := List(open(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("List (-want +got):\n%s", d)
			}
			picked, ok := Pick(got)
			if picked != tc.picked || ok != (tc.picked != 0) {
				t.Errorf("Pick = %d, %v; want %d", picked, ok, tc.picked)
			}
		})
	}
}

func TestPickPrefersAPICalls(t *testing.T) {
	list := []Summary{
		{Index: 1, Status: 500, API: true},
		{Index: 2, Status: 404},
		{Index: 3, Status: 200, API: true},
	}
	if got, _ := Pick(list); got != 1 {
		t.Errorf("Pick = %d, want the failing API call 1, not the later page resource 2", got)
	}
	if got, _ := Pick(list[1:]); got != 2 {
		t.Errorf("Pick = %d, want 2 when no API call failed", got)
	}
}

// TestWriteList compares the --list output with testdata/har/*.list and
// checks that no query value, token or cookie reaches it.
func TestWriteList(t *testing.T) {
	for _, name := range []string{"chrome.har", "firefox.har", "all-ok.har"} {
		t.Run(name, func(t *testing.T) {
			list, err := List(open(t, name))
			if err != nil {
				t.Fatal(err)
			}
			picked, _ := Pick(list)
			var buf bytes.Buffer
			if err := WriteList(&buf, list, picked); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			for _, secret := range []string{partner, user, "abcdef0123456789", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "staff"} {
				if strings.Contains(got, secret) {
					t.Errorf("the list shows %q:\n%s", secret, got)
				}
			}
			golden := filepath.Join(harDir, strings.TrimSuffix(name, ".har")+".list")
			if *update {
				os.WriteFile(golden, buf.Bytes(), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("list (-want +got):\n%s", d)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	tests := map[string]string{
		"https://api.alteg.io/api/v1/records/123?start_date=2026-11-01&sign=abc":        "https://api.alteg.io/api/v1/records/123?start_date=…&sign=…",
		"https://u:p@api.alteg.io/smsprovider/status/callback/0123456789abcdefABCDEF#x": "https://api.alteg.io/smsprovider/status/callback/…",
		"https://api.alteg.io/user/records/42/9f86d081884c7d659a2feaa0c55ad015":         "https://api.alteg.io/user/records/42/…",
		"https://api.alteg.io/api/v1/storage_operations/goods_transactions/1":           "https://api.alteg.io/api/v1/storage_operations/goods_transactions/1",
		"http://x.test/?" + partner + "=1":                                              "http://x.test/?…=…",
		"::not a url":                                                                   "(a URL that cannot be read)",
	}
	for in, want := range tests {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRequestChrome(t *testing.T) {
	req, notes, err := readEntry(t, "chrome.har", 4).Request()
	if err != nil {
		t.Fatal(err)
	}
	want := capture.Request{
		Method: "POST",
		URL:    "https://api.alteg.io/api/v1/records/123456",
		Header: capture.Headers{
			{Name: "accept", Value: "application/vnd.api.v2+json", Origin: capture.FromUser},
			{Name: "accept-encoding", Value: "gzip, deflate, br, zstd", Origin: capture.FromUser},
			{Name: "accept-language", Value: "en-US,en;q=0.9", Origin: capture.FromUser},
			{Name: "authorization", Value: "Bearer " + partner + ", User " + user, Origin: capture.FromUser},
			{Name: "cookie", Value: "_ga=GA1.1.123456789.1732000000; session_id=abcdef0123456789", Origin: capture.FromUser},
			{Name: "origin", Value: "https://app.alteg.io", Origin: capture.FromUser},
			{Name: "priority", Value: "u=1, i", Origin: capture.FromUser},
			{Name: "referer", Value: "https://app.alteg.io/", Origin: capture.FromUser},
			{Name: "sec-fetch-dest", Value: "empty", Origin: capture.FromUser},
			{Name: "sec-fetch-mode", Value: "cors", Origin: capture.FromUser},
			{Name: "sec-fetch-site", Value: "same-site", Origin: capture.FromUser},
			{Name: "content-type", Value: "application/json", Origin: capture.FromUser},
			{Name: "sec-ch-ua", Value: `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`, Origin: capture.FromUser},
			{Name: "sec-ch-ua-mobile", Value: "?0", Origin: capture.FromUser},
			{Name: "sec-ch-ua-platform", Value: `"Windows"`, Origin: capture.FromUser},
			{Name: "user-agent", Value: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", Origin: capture.FromUser},
		},
		Body: []byte(`{"staff_id":42,"services":[{"id":7}],"datetime":"2026-11-02T10:00:00+03:00","comment":"first visit"}`),
	}
	if d := cmp.Diff(want, req); d != "" {
		t.Errorf("Request (-want +got):\n%s", d)
	}
	// The browser's Accept-Encoding goes out as it was sent: every
	// coding in it is decoded, so nothing is narrowed or noted.
	if len(notes) != 0 {
		t.Errorf("notes = %q", notes)
	}
}

func TestRequestFirefox(t *testing.T) {
	t.Run("cookies array only", func(t *testing.T) {
		// Entry 1 carries a Cookie header; drop it and the array must
		// give the same header.
		e := readEntry(t, "firefox.har", 1)
		var kept []nameValue
		for _, h := range e.e.Request.Headers {
			if h.Name != "Cookie" {
				kept = append(kept, h)
			}
		}
		e.e.Request.Headers = kept
		req, _, err := e.Request()
		if err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Cookie"); got != "session_id=abcdef0123456789; lang=en" {
			t.Errorf("Cookie = %q", got)
		}
	})
	t.Run("form params", func(t *testing.T) {
		req, _, err := readEntry(t, "firefox.har", 3).Request()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(req.Body), "login=me%2Btest%40example.com&password=p%40ss+w0rd"; got != want {
			t.Errorf("body = %q, want %q", got, want)
		}
		if req.Header.Has("Host") != true || req.Header.Has("Content-Length") {
			t.Errorf("headers = %v", req.Header)
		}
	})
	t.Run("body missing", func(t *testing.T) {
		e := readEntry(t, "firefox.har", 2)
		e.e.Request.PostData = nil
		if _, _, err := e.Request(); !errors.Is(err, ErrBodyMissing) {
			t.Errorf("err = %v, want ErrBodyMissing", err)
		}
		if _, err := e.Recording("x", nil); err != nil {
			t.Errorf("Recording must not need the body: %v", err)
		}
	})
}

func TestRecordingChrome(t *testing.T) {
	rec, err := readEntry(t, "chrome.har", 4).Recording("HAR file chrome.har, entry 4", nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := capture.Recorded(rec, capture.Options{})
	if ex.Source.Replayed || ex.Source.From != "HAR file chrome.har, entry 4" {
		t.Errorf("Source = %+v", ex.Source)
	}
	// The response's Date header comes before the entry's start: it is
	// the server's clock, which support's logs follow.
	if got, want := ex.Started, time.Date(2026, 11, 29, 10, 0, 1, 0, time.UTC); !got.Equal(want) || ex.Source.Clock != capture.ClockDateHeader {
		t.Errorf("Started = %v (%s), want %v from the Date header", got, ex.Source.Clock, want)
	}
	hop := ex.First()
	for _, h := range append(hop.Request.Header, hop.Response.Header...) {
		if strings.HasPrefix(h.Name, ":") {
			t.Errorf("pseudo-header %q kept", h.Name)
		}
	}
	if !hop.Request.Header.Has("content-length") || hop.Request.Header.Get("accept-encoding") != "gzip, deflate, br, zstd" {
		t.Errorf("the recorded request must be what the browser sent: %v", hop.Request.Header)
	}
	resp := ex.Response()
	if resp.Status != 422 || resp.StatusText != "Unprocessable Entity" || resp.Proto != "HTTP/2.0" || hop.Request.Proto != "HTTP/2.0" {
		t.Errorf("status = %d %q %s / %s", resp.Status, resp.StatusText, resp.Proto, hop.Request.Proto)
	}
	if !strings.Contains(string(resp.Body.Data), "The selected staff is invalid.") || resp.Body.ContentType != "application/json" {
		t.Errorf("body = %q (%s)", resp.Body.Data, resp.Body.ContentType)
	}
	if string(hop.Request.Body.Data) != string(rec.Request.Body) || hop.Request.Body.Size == 0 {
		t.Errorf("request body = %q", hop.Request.Body.Data)
	}
	wantT := capture.Timings{DNS: capture.Skipped, Connect: capture.Skipped, TLS: capture.Skipped, Wait: 301250 * time.Microsecond, Download: 900 * time.Microsecond, Total: 315500 * time.Microsecond}
	if d := cmp.Diff(wantT, hop.Timings); d != "" {
		t.Errorf("timings (-want +got):\n%s", d)
	}
	if hop.Conn.RemoteAddr != "185.71.67.12:443" || ex.Total != 315500*time.Microsecond {
		t.Errorf("remote %q total %v", hop.Conn.RemoteAddr, ex.Total)
	}
	if ex.Fault != nil {
		t.Errorf("fault = %+v", ex.Fault)
	}
}

func TestRecordingGzipDecodedByBrowser(t *testing.T) {
	rec, err := readEntry(t, "chrome.har", 3).Recording("x", nil)
	if err != nil {
		t.Fatal(err)
	}
	b := capture.Recorded(rec, capture.Options{}).Response().Body
	if b.Encoding != "gzip" || b.Broken != "" || !strings.HasPrefix(string(b.Data), `{"success":true`) {
		t.Errorf("body = %+v", b)
	}
}

func TestRecordingBinary(t *testing.T) {
	for _, tc := range []struct {
		file  string
		entry int
		head  string
		size  int64
	}{{"chrome.har", 5, "\x89PNG\r\n\x1a\n", 33}, {"firefox.har", 4, "%PDF-1.4\n", 35}} {
		rec, err := readEntry(t, tc.file, tc.entry).Recording("x", nil)
		if err != nil {
			t.Fatal(err)
		}
		b := capture.Recorded(rec, capture.Options{}).Response().Body
		if !b.Binary || !strings.HasPrefix(string(b.Data), tc.head) || b.Size != tc.size {
			t.Errorf("%s entry %d: binary=%v size=%d data=%q", tc.file, tc.entry, b.Binary, b.Size, b.Data)
		}
	}
}

func TestRecordingFirefox(t *testing.T) {
	rec, err := readEntry(t, "firefox.har", 2).Recording("x", nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := capture.Recorded(rec, capture.Options{})
	hop := ex.First()
	wantT := capture.Timings{DNS: 12 * time.Millisecond, Connect: 17 * time.Millisecond, TLS: 31 * time.Millisecond, Wait: 180 * time.Millisecond, Download: 2 * time.Millisecond, Total: 273 * time.Millisecond}
	if d := cmp.Diff(wantT, hop.Timings); d != "" {
		t.Errorf("timings (-want +got):\n%s", d)
	}
	if hop.Conn.RemoteAddr != "[2a02:6b8::2:242]:443" {
		t.Errorf("remote = %q", hop.Conn.RemoteAddr)
	}
	if got := ex.Started; !got.Equal(time.Date(2026, 11, 29, 10, 20, 2, 0, time.UTC)) || ex.Source.Clock != capture.ClockDateHeader {
		t.Errorf("Started = %v (%s)", got, ex.Source.Clock)
	}
	if ex.Response().Status != 401 || ex.Response().Body.WireSize != 73 {
		t.Errorf("response = %+v", ex.Response())
	}
}

func TestRecordingFailed(t *testing.T) {
	rec, err := readEntry(t, "firefox.har", 5).Recording("x", nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := capture.Recorded(rec, capture.Options{})
	if ex.Response() != nil || ex.Fault == nil || ex.Fault.Message != "the browser recorded no response" {
		t.Errorf("response %+v fault %+v", ex.Response(), ex.Fault)
	}
	f := browserFault("net::ERR_CONNECTION_REFUSED")
	if f.Kind != capture.FaultRefused || !strings.Contains(f.Message, "(net::ERR_CONNECTION_REFUSED)") {
		t.Errorf("fault = %+v", f)
	}
}

func TestRecordingBodyNotSaved(t *testing.T) {
	rec, err := readEntry(t, "chrome.har", 6).Recording("x", nil)
	if err != nil {
		t.Fatal(err)
	}
	b := capture.Recorded(rec, capture.Options{}).Response().Body
	if b.Size != 120345 || !b.Truncated || !strings.Contains(b.Broken, "does not hold this body") {
		t.Errorf("body = %+v", b)
	}
}

func TestReadErrors(t *testing.T) {
	tests := map[string]struct {
		text string
		want string
	}{
		"truncated":  {"", "breaks off or is invalid"},
		"not json":   {"<html>", "invalid"},
		"no entries": {`{"log":{"version":"1.2"}}`, "no log.entries"},
		"array":      {`[1,2]`, "not a HAR file"},
		"wrong type": {`{"log":{"entries":[{"request":{"headers":{"a":"b"}}}]}}`, "entry 1 cannot be read"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var r io.Reader = strings.NewReader(tc.text)
			if name == "truncated" {
				r = open(t, "truncated.har")
			}
			_, err := List(r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	if _, err := Read(open(t, "chrome.har"), 7); !errors.Is(err, ErrNoEntry) || !strings.Contains(err.Error(), "6 entries") {
		t.Errorf("entry 7: err = %v", err)
	}
}

func TestTolerance(t *testing.T) {
	// Numbers as floats and strings, null arrays, no timings.
	list, err := List(open(t, "all-ok.har"))
	if err != nil || len(list) != 2 || list[1].Status != 200 {
		t.Fatalf("list = %+v, %v", list, err)
	}
	rec, err := readEntry(t, "all-ok.har", 2).Recording("x", nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := capture.Recorded(rec, capture.Options{})
	if ex.First().Timings != capture.NoTimings() || ex.Response().Status != 200 {
		t.Errorf("exchange = %+v", ex.First())
	}
	// A ws: entry cannot be replayed.
	e := readEntry(t, "all-ok.har", 1)
	e.e.Request.URL = "wss://api.alteg.io/socket"
	if _, _, err := e.Request(); err == nil || !strings.Contains(err.Error(), "a wss: URL") {
		t.Errorf("err = %v", err)
	}
}

// FuzzList checks that no HAR text makes listing, reading, mapping or
// printing its entries panic. The seeds are small: Go's fuzzer runs
// thousands of times slower on the 20 KB fixtures.
func FuzzList(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join(harDir, "all-ok.har")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"log":{"entries":[{"startedDateTime":"2026-11-29T10:00:01.5Z","time":315.5,"_resourceType":"fetch",` +
		`"request":{"method":"POST","url":"https://api.alteg.io/api/v1/records/1?a=b","httpVersion":"http/2.0",` +
		`"headers":[{"name":":authority","value":"api.alteg.io"},{"name":"cookie","value":"s=1"},{"name":"accept-encoding","value":"br"}],` +
		`"cookies":[{"name":"s","value":"1","expires":"2027-01-01T00:00:00Z","httpOnly":true}],"bodySize":7,"postData":{"mimeType":"application/json","text":"{\"a\":1}"}},` +
		`"response":{"status":422,"statusText":"","httpVersion":"h2","headers":[{"name":"content-encoding","value":"gzip"}],` +
		`"cookies":[{"name":"t","value":"2","path":"/"}],"content":{"size":4,"mimeType":"image/png","encoding":"base64","text":"iVBORw=="},"bodySize":-1,"_error":null},` +
		`"timings":{"dns":-1,"connect":40,"ssl":20,"send":0.1,"wait":300,"receive":1},"serverIPAddress":"[::1]"},` +
		`{"request":{"method":"GET","url":"https://x/"},"response":{"status":0,"_error":"net::ERR_CONNECTION_REFUSED","content":{"size":9}}}]}}`))
	f.Add([]byte(`{"log":{"entries":[{"response":{"status":"x","content":{"text":"%%","encoding":"base64"}}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := List(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, s := range list {
			e, err := Read(bytes.NewReader(b), s.Index)
			if err != nil {
				t.Fatalf("entry %d listed but not read: %v", s.Index, err)
			}
			if rec, err := e.Recording("x", nil); err == nil {
				capture.Recorded(rec, capture.Options{})
			}
			e.Request()
		}
		WriteList(io.Discard, list, 1)
	})
}

// TestHostileHAR: text from a HAR reaches the terminal through --list; a
// crafted file must not carry escape sequences or line breaks there, and
// absurd numbers must not overflow durations or statuses.
func TestHostileHAR(t *testing.T) {
	const har = `{"log":{"entries":[{"startedDateTime":"2026-11-29T10:00:00Z","time":1e300,
	"request":{"method":"GE\u001b[2JT","url":"https://api.alteg.io/x\r\nfake line","headers":[]},
	"response":{"status":"NaN","headers":[],"content":{"size":0,"text":""},"_error":"net::ERR\u001b]0;title\u0007"},
	"timings":{"dns":"Inf","connect":-1,"ssl":-1,"send":1e308,"wait":1,"receive":1}}]}}`
	list, err := List(strings.NewReader(har))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteList(&buf, list, 1); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\a\r") || strings.Count(out, "\n") != 2 { // the header and one entry
		t.Errorf("--list output carries control characters or extra lines:\n%q", out)
	}
	if list[0].Status != 0 {
		t.Errorf("status NaN read as %d, want 0 (no status)", list[0].Status)
	}
	e, err := Read(strings.NewReader(strings.Replace(har, `x\r\nfake line`, "x", 1)), 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := e.Recording("hostile.har", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Total < 0 || rec.Timings != nil && (rec.Timings.DNS != capture.Skipped || rec.Timings.Total < -1) {
		t.Errorf("absurd timings leaked through: total %v, timings %+v", rec.Total, rec.Timings)
	}
}

// TestBodyFile: a ticket's request.har names the file that holds the
// response body (_file); Recording reads it from the HAR's folder, and
// only from there.
func TestBodyFile(t *testing.T) {
	const body = `{"success":false,"data":null,"meta":{"message":"Not found"}}`
	har := func(file string, size int, truncated bool) string {
		return `{"log":{"entries":[{"startedDateTime":"2026-11-29T10:00:01Z","time":5,` +
			`"request":{"method":"GET","url":"https://api.alteg.io/api/v1/x","headers":[]},` +
			`"response":{"status":404,"statusText":"Not Found","headers":[{"name":"Content-Type","value":"application/json"}],` +
			`"content":{"size":` + strconv.Itoa(size) + `,"mimeType":"application/json","_file":` + strconv.Quote(file) +
			`,"_truncated":` + strconv.FormatBool(truncated) + `}}}]}}`
	}
	folder := fstest.MapFS{
		"response-body.json": {Data: []byte(body)},
		"sub/inner.json":     {Data: []byte("inner")},
		"sub":                {Mode: fs.ModeDir},
	}
	tests := map[string]struct {
		file      string
		size      int
		truncated bool
		folder    fs.FS
		wantBody  string
		wantSize  int64
		wantTrunc bool
		wantWhy   string
	}{
		"next to the HAR":  {"response-body.json", len(body), false, folder, body, int64(len(body)), false, ""},
		"truncated":        {"response-body.json", 1000, true, folder, body, 1000, true, ""},
		"missing":          {"response-body.txt", 10, false, folder, "", 10, true, "which is not next to it"},
		"no folder":        {"response-body.json", 10, false, nil, "", 10, true, "which was not read"},
		"another folder":   {"../response-body.json", 10, false, folder, "", 10, true, "not a plain file name"},
		"a sub-folder":     {"sub/inner.json", 10, false, folder, "", 10, true, "not a plain file name"},
		"absolute":         {"/etc/passwd", 10, false, folder, "", 10, true, "not a plain file name"},
		"windows path":     {`C:\x.json`, 10, false, folder, "", 10, true, "not a plain file name"},
		"a folder by name": {"sub", 10, false, folder, "", 10, true, "not a regular file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e, err := Read(strings.NewReader(har(tc.file, tc.size, tc.truncated)), 1)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := e.Recording("x", tc.folder)
			if err != nil {
				t.Fatal(err)
			}
			if c, ok := rec.Response.Body.(io.Closer); ok {
				defer c.Close()
			}
			if !strings.Contains(rec.Response.Omitted, tc.wantWhy) || (tc.wantWhy == "") != (rec.Response.Omitted == "") {
				t.Errorf("Omitted = %q, want it to say %q", rec.Response.Omitted, tc.wantWhy)
			}
			b := capture.Recorded(rec, capture.Options{}).Response().Body
			got := struct {
				Body      string
				Size      int64
				Truncated bool
			}{string(b.Data), b.Size, b.Truncated}
			want := struct {
				Body      string
				Size      int64
				Truncated bool
			}{tc.wantBody, tc.wantSize, tc.wantTrunc}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("body (-want +got):\n%s", d)
			}
		})
	}
}

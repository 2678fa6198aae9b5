package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

// escapeCode matches the colour codes of the terminal.
var escapeCode = regexp.MustCompile("\x1b\\[[0-9;]*m")

// runningProxy is a proxy command started by startProxy.
type runningProxy struct {
	URL  string
	Dir  string
	stop func() (code int, stdout, stderr string)
}

// startProxy runs `altegio-ticket proxy` with args (and --listen on a
// free loopback port, --out-dir in a temporary folder unless given) until
// stop, which stands for Ctrl-C. stderr counts as a terminal when tty.
func startProxy(t *testing.T, tty bool, args ...string) *runningProxy {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tickets")
	args = append([]string{"--listen", "127.0.0.1:0", "--out-dir", dir}, args...)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	ios := Streams(strings.NewReader(""), &stdout, &stderr)
	ios.ErrTTY = tty
	sys := testSystem(t)
	ready := make(chan string, 1)
	sys.proxyReady = func(u string) { ready <- u }
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"proxy"}, args...), ios, sys) }()
	rp := &runningProxy{Dir: dir}
	select {
	case rp.URL = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("the proxy did not start: exit %d\n%s", code, stderr.String())
	}
	stopped := false
	var code int
	rp.stop = func() (int, string, string) {
		if !stopped {
			stopped = true
			cancel()
			code = <-done
		}
		return code, stdout.String(), stderr.String()
	}
	t.Cleanup(func() { rp.stop() })
	return rp
}

// countingAPI is a loopback imitation of the API that counts every call
// it receives by its X-Call header, and answers by X-Mode.
func countingAPI(t *testing.T) (*httptest.Server, func() map[string]int) {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen[r.Header.Get("X-Call")]++
		mu.Unlock()
		reply := func(status int, body string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
		msg := func(status int, m string) {
			reply(status, fmt.Sprintf(`{"success":false,"data":null,"meta":{"message":%q}}`, m))
		}
		switch r.Header.Get("X-Mode") {
		case "auth":
			msg(401, "Authentication needed.")
		case "denied":
			msg(403, "Access denied.")
		case "rights":
			msg(403, "No company management rights")
		case "false":
			msg(200, "Record not saved")
		case "boom":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			io.WriteString(w, "<html><body>Internal Server Error</body></html>")
		default:
			reply(200, `{"success":true,"data":{"id":1},"meta":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		return maps(seen)
	}
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// proxyTokens are the tokens of the generated integration; neither may
// reach the terminal or the JSON lines.
const (
	proxyPartner = "partner-9f8e7d6c5b4a39281706"
	proxyUser    = "user-0a1b2c3d4e5f60718293"
)

// TestProxyOneTicketPerFailure is the property of the proxy over whole
// runs: an integration makes a random mix of calls, many at once; every
// call reaches the upstream exactly once; each distinct failure (method,
// route, status, message) gets exactly one ticket that counts its
// occurrences; successes get none; no token reaches the terminal.
func TestProxyOneTicketPerFailure(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			api, seen := countingAPI(t)
			rp := startProxy(t, true, "--upstream", api.URL, "--json")
			rng := rand.New(rand.NewPCG(seed, 15))
			modes := []struct {
				mode, message string
				status        int
			}{{"ok", "", 200}, {"ok", "", 200}, {"ok", "", 200}, {"auth", "Authentication needed.", 401}, {"denied", "Access denied.", 403},
				{"rights", "No company management rights", 403}, {"false", "Record not saved", 200}, {"boom", "", 500}}
			type call struct{ method, path, mode, id string }
			var calls []call
			want := map[string]int{} // signature -> occurrences
			for i := range 60 {
				m := modes[rng.IntN(len(modes))]
				method := []string{"GET", "POST", "DELETE"}[rng.IntN(3)]
				resource := []string{"records", "clients"}[rng.IntN(2)]
				path := fmt.Sprintf("/api/v1/%s/%d/%d", resource, 1000+rng.IntN(5), rng.IntN(1e6))
				c := call{method, path, m.mode, fmt.Sprintf("call-%d", i)}
				if rng.IntN(4) == 0 {
					c.path += "?user_token=" + proxyUser // a token in the query, for the terminal lines
				}
				calls = append(calls, c)
				if m.mode != "ok" {
					want[fmt.Sprintf("%s /api/v1/%s/{id}/{id} %d %q", method, resource, m.status, m.message)]++
				}
			}
			var wg sync.WaitGroup
			work := make(chan call)
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for c := range work {
						var body io.Reader
						if c.method == "POST" {
							body = strings.NewReader(`{"login":"me@example.com","password":"hunter2-hunter2"}`)
						}
						req, _ := http.NewRequest(c.method, rp.URL+c.path, body)
						req.Header.Set("Accept", "application/vnd.api.v2+json")
						req.Header.Set("Authorization", "Bearer "+proxyPartner+", User "+proxyUser)
						req.Header.Set("X-Mode", c.mode)
						req.Header.Set("X-Call", c.id)
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							t.Error(err)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}()
			}
			for _, c := range calls {
				work <- c
			}
			close(work)
			wg.Wait()
			code, stdout, stderr := rp.stop()
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}

			for _, c := range calls {
				if n := seen()[c.id]; n != 1 {
					t.Errorf("%s reached the upstream %d times", c.id, n)
				}
			}
			got := map[string]int{}
			written := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
				var l jsonProxyTicket
				if err := json.Unmarshal([]byte(line), &l); err != nil {
					t.Fatalf("not a JSON line: %q", line)
				}
				if l.Event == "written" {
					written[l.Ticket.Path] = true
					continue
				}
				status := 0
				if l.Failure.Status != nil {
					status = *l.Failure.Status
				}
				got[fmt.Sprintf("%s %s %d %q", l.Failure.Method, l.Failure.Route, status, l.Failure.Message)] = l.Occurrences
				if !written[l.Ticket.Path] {
					t.Errorf("%s was updated but never written first", l.Ticket.Path)
				}
				tk := readTicket(t, l.Ticket.Path)
				if _, ok := tk.Attach["request.har"]; !ok || !strings.Contains(tk.Text, "## Findings") || !strings.Contains(tk.Text, fmt.Sprintf("it happened %d time", l.Occurrences)) && l.Occurrences > 1 {
					t.Errorf("%s is not a complete ticket:\n%s", l.Ticket.Path, tk.Text)
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("tickets (-want +got):\n%s", d)
			}
			files, _ := os.ReadDir(rp.Dir)
			if len(files) != len(want) {
				t.Errorf("%d files in the folder, want %d tickets", len(files), len(want))
			}
			for _, tok := range []string{proxyPartner, proxyUser, "hunter2-hunter2"} {
				if strings.Contains(stdout+stderr, tok) {
					t.Errorf("%q reached the terminal or the JSON", tok)
				}
			}
			plain := escapeCode.ReplaceAllString(stderr, "")
			if lines := strings.Count(plain, "\n#"); lines != len(calls) {
				t.Errorf("%d per-call lines, want %d:\n%s", lines, len(calls), plain)
			}
			// Only a success gets a tick: a 200 whose envelope says
			// "success": false is a failure on its line too.
			oks := 0
			for _, c := range calls {
				if c.mode == "ok" {
					oks++
				}
			}
			if ticks := strings.Count(plain, " ✓ "); ticks != oks {
				t.Errorf("%d lines with ✓, want %d (the successes):\n%s", ticks, oks, plain)
			}
		})
	}
}

// TestProxyTicketIsAsCompleteAsAReplay: the ticket of a failing call
// recorded by the proxy has the same parts and sections as the ticket of
// the same call replayed.
func TestProxyTicketIsAsCompleteAsAReplay(t *testing.T) {
	api := altegioImitation(t)
	rp := startProxy(t, false, "--upstream", api.URL)
	req, _ := http.NewRequest("POST", rp.URL+"/api/v1/company/1/clients/search", strings.NewReader(`{"page":1}`))
	req.Header.Set("Accept", "application/vnd.api.v2+json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e2ePartner)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, _, stderr := rp.stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(rp.Dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("tickets: %v", files)
	}
	proxied := readTicket(t, files[0])

	out := filepath.Join(t.TempDir(), "replayed.eml")
	if code, _, stderr := runCLI(t, "", "-y", "-o", out, "-H", "Accept: application/vnd.api.v2+json", "-H", "Content-Type: application/json",
		"-H", "Authorization: Bearer "+e2ePartner, "-d", `{"page":1}`, api.URL+"/api/v1/company/1/clients/search"); code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	replayed := readTicket(t, out)

	shape := func(tk ticket) (parts, sections []string) {
		for _, p := range tk.Parts {
			parts = append(parts, p.ContentType+" "+p.Filename)
		}
		for _, l := range strings.Split(lf(tk.Text), "\n") {
			if strings.HasPrefix(l, "## ") || strings.HasPrefix(l, "1. [") {
				sections = append(sections, l)
			}
		}
		return parts, sections
	}
	pp, ps := shape(proxied)
	rpp, rps := shape(replayed)
	if d := cmp.Diff(rpp, pp); d != "" {
		t.Errorf("parts (-replayed +proxied):\n%s", d)
	}
	if d := cmp.Diff(rps, ps); d != "" {
		t.Errorf("sections (-replayed +proxied):\n%s", d)
	}
	if !strings.Contains(proxied.Flat, "recorded from the altegio-ticket proxy in front of "+api.URL) {
		t.Errorf("the ticket does not say where it was recorded:\n%s", proxied.Text)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("ticket mode %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(rp.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v %v", fi.Mode(), err)
	}
}

// TestProxyRefusesToGoElsewhere: CONNECT and absolute URLs are refused
// with an envelope that says what to do, and nothing reaches the upstream.
func TestProxyRefusesToGoElsewhere(t *testing.T) {
	api, seen := countingAPI(t)
	rp := startProxy(t, false, "--upstream", api.URL)
	addr := strings.TrimPrefix(rp.URL, "http://")
	for name, tc := range map[string]struct {
		request string
		status  int
		says    string
	}{
		"CONNECT":       {"CONNECT api.alteg.io:443 HTTP/1.1\r\nHost: api.alteg.io:443\r\n\r\n", 405, "CONNECT is refused"},
		"absolute form": {"GET http://example.com/api/v1/x HTTP/1.1\r\nHost: example.com\r\n\r\n", 400, "not a full URL"},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, tc.request)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			var env struct {
				Success *bool
				Meta    struct{ Message string }
			}
			if resp.StatusCode != tc.status || json.Unmarshal(b, &env) != nil || env.Success == nil || *env.Success || !strings.Contains(env.Meta.Message, tc.says) {
				t.Errorf("got %d %s", resp.StatusCode, b)
			}
		})
	}
	_, _, stderr := rp.stop()
	if len(seen()) != 0 {
		t.Errorf("the upstream got %v", seen())
	}
	if !strings.Contains(stderr, "2 refused") {
		t.Errorf("the summary does not count the refusals:\n%s", stderr)
	}
}

// TestProxyUpstreamFailures: the transport failures reach the client as
// a 502 (504 on a timeout) envelope, and each is a ticket.
func TestProxyUpstreamFailures(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	defer close(release)
	for name, tc := range map[string]struct {
		upstream string
		status   int
		fault    string
	}{
		"refused": {closedURL(t), 502, "connection-refused"},
		"timeout": {slow.URL, 504, "response-timeout"},
	} {
		t.Run(name, func(t *testing.T) {
			rp := startProxy(t, false, "--upstream", tc.upstream, "--timeout", "200ms", "--json")
			for range 2 {
				resp, err := http.Get(rp.URL + "/api/v1/records/1")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.status || !strings.Contains(string(b), `"success":false`) || !strings.Contains(string(b), "altegio-ticket proxy: ") {
					t.Errorf("client got %d %s", resp.StatusCode, b)
				}
			}
			_, stdout, stderr := rp.stop()
			var last jsonProxyTicket
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || len(lines) != 2 {
				t.Fatalf("%d JSON lines: %s", len(lines), stdout)
			}
			if last.Failure.Fault != tc.fault || last.Failure.Status != nil || last.Occurrences != 2 {
				t.Errorf("ticket %+v", last)
			}
			if !strings.Contains(stderr, "2× GET /api/v1/records/{id} → "+tc.fault) {
				t.Errorf("summary:\n%s", stderr)
			}
		})
	}
}

// closedURL is the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return "http://" + ln.Addr().String()
}

// TestProxyCommandLine: mistakes are one line and exit 2, before
// anything listens.
func TestProxyCommandLine(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"remote listen":    {[]string{"--listen", "0.0.0.0:8787"}, "is not a loopback address"},
		"all addresses":    {[]string{"--listen", ":8787"}, "every address is not a loopback address"},
		"no port":          {[]string{"--listen", "127.0.0.1"}, "is not host:port"},
		"bad upstream":     {[]string{"--upstream", "api.alteg.io"}, "must be an http:// or https:// URL"},
		"upstream creds":   {[]string{"--upstream", "https://u:secret@api.alteg.io"}, "no user:password@"},
		"argument":         {[]string{"https://api.alteg.io"}, "takes no arguments"},
		"demo upstream":    {[]string{"--demo", "--upstream", "https://x"}, "drop --upstream"},
		"unknown flag":     {[]string{"--listn", "x"}, "did you mean --listen?"},
		"replay flag":      {[]string{"-H", "Accept: x"}, "unknown option -H"},
		"bad max-body":     {[]string{"--max-body", "lots"}, "--max-body"},
		"negative timeout": {[]string{"--timeout", "-1s"}, "must not be negative"},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append([]string{"proxy"}, tc.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tc.want)
			}
			if strings.Contains(stderr, "secret") {
				t.Errorf("the upstream's password reached the terminal: %s", stderr)
			}
		})
	}
}

// TestProxyHelp: every flag of the proxy's real flag set is explained,
// in 80 columns.
func TestProxyHelp(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "proxy", "--help")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for i, line := range strings.Split(stdout, "\n") {
		if n := len([]rune(line)); n > 79 {
			t.Errorf("line %d is %d columns: %q", i+1, n, line)
		}
	}
	fs, _ := (&proxyOptions{}).flagSet()
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(stdout, "--"+f.Name+" ") && !strings.Contains(stdout, "--"+f.Name+"\n") {
			t.Errorf("--%s is not in the help", f.Name)
		}
	})
}

// TestProxyRemoteWarning: listening beyond loopback is said loudly.
func TestProxyRemoteWarning(t *testing.T) {
	var stderr bytes.Buffer
	ios := Streams(strings.NewReader(""), io.Discard, &stderr)
	term := newTerminal(ios, false)
	up, err := capture.NewUpstream("https://api.alteg.io", capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{up: up, dir: "x", listen: "http://192.0.2.1:8787"}
	term.banner(p, &proxyOptions{listen: "192.0.2.1:8787"}, false)
	if !strings.HasPrefix(stderr.String(), "WARNING: the proxy listens on 192.0.2.1:8787, beyond this machine") {
		t.Errorf("no warning:\n%s", stderr.String())
	}
	stderr.Reset()
	p.listen = "http://127.0.0.1:8787"
	term.banner(p, &proxyOptions{listen: "127.0.0.1:8787"}, false)
	if strings.Contains(stderr.String(), "WARNING") {
		t.Errorf("a warning on loopback:\n%s", stderr.String())
	}
}

func TestIDRoutes(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/records/123456/987":                           "/api/v1/records/{id}/{id}",
		"/api/v1/company/1/clients/search":                     "/api/v1/company/{id}/clients/search",
		"/api/v1/user/records/5/0a1b2c3d4e5f":                  "/api/v1/user/records/{id}/{id}",
		"/api/v1/smsprovider/status/callback/Ab3dEf6hIj9kLm0":  "/api/v1/smsprovider/status/callback/Ab3dEf6hIj9kLm0",
		"/api/v1/smsprovider/status/callback/Ab3dEf6hIj9kLm0q": "/api/v1/smsprovider/status/callback/{id}",
		"/api/v1/x/550e8400-e29b-41d4-a716-446655440000":       "/api/v1/x/{id}",
		"/api/v1/book_services/deadbeef":                       "/api/v1/book_services/deadbeef",
		"/":                                                    "/",
	} {
		if got := (idRoutes{}).Route("GET", path); got != want {
			t.Errorf("%s: got %s, want %s", path, got, want)
		}
	}
}

// TestTicketPathNeverReuses: a ticket name that exists in the folder
// (an earlier run's) gets a suffix, and the old file stays.
func TestTicketPathNeverReuses(t *testing.T) {
	dir := t.TempDir()
	p := &proxy{dir: dir}
	first, err := p.ticketPath(1, "GET", "/api/v1/records/{id}", 401, "")
	if err != nil || filepath.Base(first) != "01-GET-api-v1-records-id-401.eml" {
		t.Fatalf("got %q, %v", first, err)
	}
	os.WriteFile(first, []byte("earlier run"), 0o600)
	second, err := p.ticketPath(1, "GET", "/api/v1/records/{id}", 401, "")
	if err != nil || filepath.Base(second) != "01-GET-api-v1-records-id-401-2.eml" {
		t.Errorf("got %q, %v", second, err)
	}
	fault, _ := p.ticketPath(2, "POST", "/", 0, "connection-refused")
	if filepath.Base(fault) != "02-POST-root-connection-refused.eml" {
		t.Errorf("got %q", fault)
	}
	long, _ := p.ticketPath(3, "GET", "/"+strings.Repeat("segment/", 20), 500, "")
	if n := len(filepath.Base(long)); n > 80 {
		t.Errorf("a name of %d characters: %s", n, long)
	}
}

// TestProxyRoutesByTheDescription: with the API description (--spec),
// two failures on one documented route with different ids are one
// signature named by the documented route, the ticket names the
// description it was checked against, and a path the description does
// not have falls back to ids as {id}.
func TestProxyRoutesByTheDescription(t *testing.T) {
	api, _ := countingAPI(t)
	rp := startProxy(t, false, "--upstream", api.URL, "--spec", specTestdata)
	for _, path := range []string{"/api/v1/records/111", "/api/v1/records/222", "/api/v1/nowhere/333"} {
		req, _ := http.NewRequest("GET", rp.URL+path, nil)
		req.Header.Set("X-Mode", "auth")
		req.Header.Set("Authorization", "Bearer "+proxyPartner)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if code, _, stderr := rp.stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(rp.Dir, "*.eml"))
	sort.Strings(files)
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{"01-GET-api-v1-records-location-id-401.eml", "02-GET-api-v1-nowhere-id-401.eml"}
	if d := cmp.Diff(want, names); d != "" {
		t.Fatalf("tickets (-want +got):\n%s", d)
	}
	tk := readTicket(t, files[0])
	if !strings.Contains(tk.Flat, "API spec: local copies of Alteg.io's API description") {
		t.Errorf("the ticket does not name the description:\n%s", tk.Text)
	}
	if !strings.Contains(tk.Flat, "it happened 2 times in the run") {
		t.Errorf("the two failures are not one ticket:\n%s", tk.Text)
	}
}

// TestProxyOverTheTicketCap: past maxProxyTickets kinds of failure, a new
// kind gets no ticket, but the summary still names its route (with no
// secret from its path) and says why it has no ticket.
func TestProxyOverTheTicketCap(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"success":false,"data":null,"meta":{"message":"nothing at %s"}}`, r.Header.Get("X-Kind"))
	}))
	t.Cleanup(api.Close)
	rp := startProxy(t, false, "--upstream", api.URL)
	for i := range maxProxyTickets + 2 {
		req, _ := http.NewRequest("GET", rp.URL+"/api/v1/things/"+proxyUser+"?user_token="+proxyUser, nil)
		req.Header.Set("X-Kind", fmt.Sprint(i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	code, stdout, stderr := rp.stop()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, proxyUser) {
		t.Errorf("the token in the path reached the terminal:\n%s", stderr)
	}
	plain := escapeCode.ReplaceAllString(stderr, "")
	over := regexp.MustCompile(`(?m)^  ✗ 1× (.*)\n      no ticket: more than \d+ kinds`).FindAllStringSubmatch(plain, -1)
	if len(over) != 2 {
		t.Fatalf("%d rows without a ticket, want 2:\n%s", len(over), plain)
	}
	for _, m := range over {
		if m[1] != "GET /api/v1/things/{id} → 404" {
			t.Errorf("a failure over the cap is summed up as %q, want its route and status", m[1])
		}
	}
}

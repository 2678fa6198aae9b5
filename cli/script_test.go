package cli

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// The command's terminal output and --json are a contract: the scripts in
// testdata/script run the real binary (this test binary, re-executed as
// altegio-ticket) and compare what it prints, byte for byte, with what
// the script says. A renamed JSON key or a reworded line fails here and
// shows up in review as a change to a .txtar file.
//
//	go test ./cli -run TestScripts                      # all scripts
//	go test ./cli -run TestScripts/proxy_json           # one
//	go test ./cli -run TestScripts -update-scripts      # rewrite the expected output, then review the diff
//
// What differs from run to run (durations, sizes, ports, dates, the temp
// folder, the Go version) is replaced by `scrub` before the comparison;
// everything else is compared exactly.

var updateScripts = flag.Bool("update-scripts", false, "rewrite the expected output in testdata/script/*.txtar")

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"altegio-ticket": func() int {
			code := Main(os.Args[1:], "")
			if os.Getenv("SHOW_EXIT") != "" {
				// The exit code, as the last line of stderr: the
				// scripts compare it with the rest.
				fmt.Fprintf(os.Stderr, "[exit %d]\n", code)
			}
			return code
		},
	}))
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *updateScripts,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHOW_EXIT", "1")
			// Hermetic: never fetch Alteg.io's API description, and keep
			// any cache in the script's own folder.
			env.Setenv("ALTEGIO_TICKET_SPEC", "off")
			env.Setenv("XDG_CACHE_HOME", env.WorkDir+"/.cache")
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"serve":    cmdServe,
			"scrub":    cmdScrub,
			"freeport": cmdFreeport,
			"calls":    cmdCalls,
		},
	})
}

// scriptServers are the loopback servers a script can start with
// `serve NAME KIND`.
var scriptServers = map[string]func() http.Handler{
	// echo answers 401 with the request it received in the body.
	"echo": echoHandler,
	// altegio imitates the API's answers to the common mistakes.
	"altegio": altegioHandler,
	// demo is the built-in demo server.
	"demo": func() http.Handler { return http.HandlerFunc(demoHandler) },
	// slow never answers until the client gives up.
	"slow": func() http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	},
}

// cmdServe is `serve NAME KIND`: start a loopback server of KIND for the
// rest of the script and set $NAME to its URL.
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: serve NAME KIND")
	}
	h, ok := scriptServers[args[1]]
	if !ok {
		ts.Fatalf("serve: no server of kind %q", args[1])
	}
	srv := httptest.NewServer(h())
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// cmdFreeport is `freeport NAME`: set $NAME to a loopback port that was
// free a moment ago, for a background proxy to listen on, or for a call
// that must be refused (127.0.0.1:1 is not safe for that on a shared
// machine: anyone running as root may listen there).
func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport NAME")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	ts.Setenv(args[0], port)
}

// cmdCalls is `calls BASE FILE`: wait until BASE answers, then make the
// calls FILE lists, one a line: METHOD PATH [Header: value]... Each call's
// status goes to stdout.
func cmdCalls(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: calls BASE FILE")
	}
	base := args[0]
	addr := strings.TrimPrefix(base, "http://")
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("calls: %s does not listen: %v", base, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(args[1])))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		method, path, _ := strings.Cut(parts[0], " ")
		req, err := http.NewRequest(method, base+path, nil)
		ts.Check(err)
		for _, h := range parts[1:] {
			if body, ok := strings.CutPrefix(h, "body "); ok {
				req.Body = io.NopCloser(strings.NewReader(body))
				req.ContentLength = int64(len(body))
				continue
			}
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		ts.Check(err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Fprintf(ts.Stdout(), "%s %s → %d\n", method, path, resp.StatusCode)
	}
}

// scriptVolatile are the parts of the output that differ from run to run, and
// what stands for them in the scripts.
var scriptVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`\b\d{8}-\d{6}\b`), "YYYYMMDD-HHMMSS"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`), "TIME"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`), "DURATION"},
	{regexp.MustCompile(`"(dns|connect|tls|wait|download|total)_ms": [0-9.]+`), `"${1}_ms": MS`},
	{regexp.MustCompile(`\d+(\.\d+)? (B|KiB|MiB)\)`), "SIZE)"},
	{regexp.MustCompile(`("bytes": ?)\d+`), "${1}SIZE"},
	{regexp.MustCompile(`go1\.\d+(\.\d+)?`), "goVERSION"},
}

// cmdScrub is `scrub`: the last command's stdout and stderr, with $WORK
// and the volatile parts replaced, become the stdout and stderr that the
// next cmp compares.
func cmdScrub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: scrub")
	}
	work := ts.Getenv("WORK")
	clean := func(s string) string {
		s = strings.ReplaceAll(s, work, "$WORK")
		for _, v := range scriptVolatile {
			s = v.re.ReplaceAllString(s, v.with)
		}
		return s
	}
	stdout, stderr := ts.ReadFile("stdout"), ts.ReadFile("stderr")
	io.WriteString(ts.Stdout(), clean(stdout))
	io.WriteString(ts.Stderr(), clean(stderr))
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/report"
	"github.com/spf13/pflag"
)

// The proxy command: `altegio-ticket proxy` is a reverse proxy that an
// integration points its base URL at. Every call goes on to the upstream
// untouched and is recorded (capture.Upstream); each distinct failure
// becomes one ticket (proxytickets.go), written when it first happens and
// brought up to date when the run ends. This file owns its flags and the
// run; proxyserver.go the HTTP side; proxyterm.go what it prints.

// Defaults of the proxy's flags.
const (
	defaultListen   = "127.0.0.1:8787"
	defaultUpstream = "https://api.alteg.io"
	// defaultProxyTimeout is how long the upstream may take to start
	// answering. The download is the client's to pace.
	defaultProxyTimeout = 60 * time.Second
	// shutdownGrace is how long calls in flight at Ctrl-C may take to
	// finish before they are cut.
	shutdownGrace = 5 * time.Second
)

// proxyOptions is the proxy's parsed command line.
type proxyOptions struct {
	listen      string
	upstream    string
	outDir      string
	allowRemote bool
	jsonOut     bool
	demo        bool
	timeout     time.Duration
	maxBody     int64
	maxBodyArg  string
	maxSize     int64
	maxSizeArg  string
	to, from    string
	color       string
	// redaction: the same flags as the replay's, read by redactPolicy.
	redact options
	// spec is --spec and --no-spec, as for a replay: the description
	// names the routes of the signatures and feeds the checks.
	spec specFlags
	set  map[string]bool
}

// proxyFlagSet is the proxy's command line, bound to o. help is
// -h/--help.
func (o *proxyOptions) flagSet() (fs *pflag.FlagSet, help *bool) {
	fs = pflag.NewFlagSet("altegio-ticket proxy", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	fs.StringVar(&o.listen, "listen", defaultListen, "")
	fs.StringVar(&o.upstream, "upstream", defaultUpstream, "")
	fs.StringVar(&o.outDir, "out-dir", "", "")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "")
	fs.BoolVar(&o.jsonOut, "json", false, "")
	fs.BoolVar(&o.demo, "demo", false, "")
	fs.DurationVar(&o.timeout, "timeout", defaultProxyTimeout, "")
	fs.StringVar(&o.maxBodyArg, "max-body", "5MiB", "")
	fs.StringVar(&o.maxSizeArg, "max-eml-size", "10MiB", "")
	fs.StringVar(&o.to, "to", report.DefaultTo, "")
	fs.StringVar(&o.from, "from", "", "")
	fs.StringVar(&o.color, "color", colorAuto, "")
	fs.StringArrayVar(&o.redact.redactValues, "redact", nil, "")
	fs.StringArrayVar(&o.redact.redactEnv, "redact-env", nil, "")
	fs.StringArrayVar(&o.redact.redactFields, "redact-field", nil, "")
	fs.BoolVar(&o.redact.maskTokens, "mask-tokens", false, "")
	fs.BoolVar(&o.redact.redactPII, "redact-pii", false, "")
	o.spec.register(fs)
	help = fs.BoolP("help", "h", false, "")
	return fs, help
}

// parseProxy parses the proxy's command line and checks its rules. It
// opens nothing: the listener and the folder come in runProxy.
func parseProxy(args []string) (*proxyOptions, error) {
	o := &proxyOptions{set: map[string]bool{}}
	fs, help := o.flagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, errHelp
		}
		return nil, flagError(fs, err)
	}
	if *help {
		return nil, errHelp
	}
	fs.Visit(func(f *pflag.Flag) { o.set[f.Name] = true })
	if err := o.spec.check(); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("the proxy takes no arguments (got %q); the upstream is set with --upstream URL", terminalSafe(cutRunes(fs.Arg(0), 40)))
	}
	switch o.color {
	case colorAuto, colorAlways, colorNever:
	default:
		return nil, usagef("--color %q: use auto, always or never", o.color)
	}
	if o.demo && o.set["upstream"] {
		return nil, usagef("--demo puts the proxy in front of a built-in server; drop --upstream, or drop --demo")
	}
	if _, err := capture.NewUpstream(o.upstream, capture.Options{}); err != nil {
		return nil, usagef("--upstream %s: %v", terminalSafe(capture.ProxyHost(o.upstream)), err)
	}
	if err := checkListen(o.listen, o.allowRemote); err != nil {
		return nil, err
	}
	if o.timeout < 0 {
		return nil, usagef("--timeout must not be negative; use 0 for no limit")
	}
	n, err := parseSize(o.maxBodyArg)
	if err == nil && n < 1 {
		err = errors.New("must be at least 1 byte")
	}
	if err != nil {
		return nil, usagef("--max-body %q: %v; write it like 5MiB, 512KiB or 1048576", o.maxBodyArg, err)
	}
	o.maxBody = n
	if o.maxSize, err = parseEMLSize(o.maxSizeArg); err != nil {
		return nil, err
	}
	if err := checkAddress("--to", o.to); err != nil {
		return nil, err
	}
	if o.from != "" {
		if err := checkAddress("--from", o.from); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// checkListen allows a loopback address only, unless allowRemote: the
// calls that pass carry the integration's tokens.
func checkListen(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return usagef("--listen %q is not host:port; write it like 127.0.0.1:8787", addr)
	}
	if loopbackHost(host) || allowRemote {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every address"
	}
	return usagef("--listen %s: %s is not a loopback address, and every call through the proxy carries your tokens; keep 127.0.0.1, or add --allow-remote if other machines must reach it", addr, shown)
}

// loopbackHost reports whether host names this machine only: localhost
// or a loopback IP.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// runProxy is the proxy command: parse, open the folder and the
// listener, serve until ctx ends (Ctrl-C) or, with --demo, until the
// demo calls are done; then bring the tickets up to date and print the
// summary. Exit 0 after Ctrl-C: stopping is how a proxy run ends.
func runProxy(ctx context.Context, args []string, ios *IOStreams, sys *system) int {
	stderr := ios.ErrOut
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "altegio-ticket proxy: "+format+"\n", a...)
		return code
	}
	o, err := parseProxy(args)
	switch {
	case errors.Is(err, errHelp):
		fmt.Fprint(ios.Out, proxyUsageText)
		return exitOK
	case err != nil:
		return fail(exitUsage, "%v", err)
	}
	ios.decideColor(o.color, sys.getenv, sys.goos)
	// net/http's transport logs some oddities of a server (an answer on
	// an idle connection) to the standard logger, quoting the bytes it
	// got, which may hold a token: no such line may reach the terminal.
	defer log.SetOutput(log.Writer())
	log.SetOutput(io.Discard)
	policy, err := redactPolicy(&o.redact, sys.getenv)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	started := sys.now()

	var demo *demoServer
	if o.demo {
		if demo, err = startDemo(); err != nil {
			return fail(exitFail, "starting the demo server: %v", err)
		}
		defer demo.Close()
		o.upstream = demo.URL
		if !o.set["listen"] {
			o.listen = "127.0.0.1:0" // a free port: 8787 may be taken
		}
	}
	// The API description is loaded once, before the first call, so
	// that every signature names its route the same way: from the cache
	// or --spec at once, from developer.alteg.io within about 2 s.
	local, err := localSpec(o.spec, sys.getenv, sys)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	api := startSpec(ctx, o.spec, local, o.upstream, o.demo, sys, sys.getenv)()
	dir, err := proxyOutDir(o.outDir, started)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fail(exitFail, "cannot listen on %s: %v; choose another --listen address", o.listen, errors.Unwrap(err))
	}
	up, err := capture.NewUpstream(o.upstream, capture.Options{
		Timeout: o.timeout,
		MaxBody: o.maxBody,
		Getenv:  sys.getenv,
	})
	if err != nil {
		ln.Close()
		return fail(exitUsage, "--upstream: %v", err)
	}
	defer up.Close()

	t := newTerminal(ios, o.jsonOut)
	p := newProxy(up, o, dir, policy, t, sys.now)
	p.api = api
	p.routes = specRoutes{api.set}
	p.listen = "http://" + ln.Addr().String()
	t.banner(p, o, demo != nil)

	// Calls in flight at Ctrl-C get shutdownGrace to finish; then stop
	// cuts them (they end as interrupted, which is not a failure).
	forwardCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	p.ctx = forwardCtx
	srv := &http.Server{
		Handler:           p,
		ConnState:         p.track,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// net/http logs to stderr on its own; nothing of a call, and
		// so no token, may reach a log line.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	// The upstream gets each call's headers in the client's order and
	// name case, which the server's parsing would lose.
	ln = capture.KeepOrder(srv, ln)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if sys.proxyReady != nil {
		sys.proxyReady(p.listen)
	}

	runCtx := ctx
	if demo != nil {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithCancel(ctx)
		go func() {
			defer cancel()
			if err := sendDemoCalls(ctx, p.listen); err != nil {
				t.note("demo: " + err.Error())
			}
		}()
	}
	select {
	case <-runCtx.Done():
	case err := <-served:
		t.note("the listener stopped: " + err.Error())
	}
	graceCtx, cancelGrace := context.WithTimeout(context.Background(), shutdownGrace)
	// Shutdown waits up to 5s for a connection that carried no request
	// yet (a client's spare one): it has nothing to finish.
	time.AfterFunc(50*time.Millisecond, p.closeUnused)
	if err := srv.Shutdown(graceCtx); err != nil {
		stop()
		srv.Close()
	}
	cancelGrace()
	stop()
	p.wait() // every handler has returned; every ticket is written
	p.finish()
	t.summary(p, sys.now().Sub(started))
	return exitOK
}

// proxyOutDir creates the folder for the tickets, mode 0700: dir, or a
// new dated folder in the current one. An existing dir is used as it
// is; ticket names never replace a file already there.
func proxyOutDir(dir string, now time.Time) (string, error) {
	if dir != "" {
		fi, err := os.Stat(dir)
		switch {
		case err == nil && !fi.IsDir():
			return "", usagef("--out-dir %s is a file, not a folder; choose a folder for the tickets", dir)
		case errors.Is(err, os.ErrNotExist):
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return "", usagef("--out-dir %s cannot be created: %v", dir, errors.Unwrap(err))
			}
		case err != nil:
			return "", usagef("--out-dir %s cannot be used: %v", dir, errors.Unwrap(err))
		}
		if err := probeWritable(dir); err != nil {
			return "", usagef("--out-dir %s: cannot write in it (%v); choose another folder", dir, err)
		}
		return dir, nil
	}
	base := "altegio-ticket-proxy-" + now.Format("20060102-150405")
	for i := 1; i <= 100; i++ {
		d := base
		if i > 1 {
			d = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Mkdir(d, 0o700)
		switch {
		case err == nil:
			return d, nil
		case errors.Is(err, os.ErrExist):
			continue
		default:
			return "", usagef("cannot create the ticket folder %s here (%v); choose one with --out-dir", d, errors.Unwrap(err))
		}
	}
	return "", usagef("too many folders named %s-* here; choose one with --out-dir", base)
}

// sendDemoCalls is the integration of the demo: four calls through the
// proxy at base, as a backend would make them, two of them failing the
// same way (the user token is missing), so that one ticket counts two.
func sendDemoCalls(ctx context.Context, base string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	both := "Bearer " + demoPartnerToken + ", User " + demoUserToken
	calls := []struct{ path, auth string }{
		{"/api/v1/company/123456/services", both},
		{"/api/v1/records/123456?start_date=2026-11-01&end_date=2026-11-30", "Bearer " + demoPartnerToken},
		{"/api/v1/records/123456/987654", both},
		{"/api/v1/records/654321?start_date=2026-12-01", "Bearer " + demoPartnerToken},
	}
	for _, c := range calls {
		req, err := http.NewRequestWithContext(ctx, "GET", base+c.path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/vnd.api.v2+json")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", c.auth)
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("a demo call failed: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil
}

// proxyPath is a folder path for the terminal: relative paths as given,
// with a trailing separator.
func proxyPath(dir string) string {
	return filepath.Clean(dir) + string(filepath.Separator)
}

// Package cli is the command layer of altegio-ticket: it owns the flags
// and their errors (flags.go, usage.go), the inputs they name (inputs.go),
// the terminal (console.go: whether a stream is a terminal, colour;
// progress.go: the progress line drawn from capture's progress hook), the
// summary on stderr (summary.go), --json (jsonout.go), --open (open.go),
// --version (version.go) and the built-in demo server (demo.go); and the
// second command, the proxy (proxy.go: flags and run; proxyserver.go:
// the HTTP side and the tally; proxytickets.go: a ticket per failure;
// proxyterm.go: what it prints). No other package prints.
//
// The data flows one way: the command line becomes a capture.Request,
// capture.Replay records the Exchange, redact.Scrub removes the secrets,
// diagnose.Analyze names the likely cause, and report.Render turns the result
// into the .eml.
package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/harfile"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// Main runs the program with the process's arguments, streams and
// environment, and returns the exit code for os.Exit. built is when the
// binary was built ("" when unknown), for --version.
func Main(args []string, built string) int {
	buildTime = built
	limitMemory(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return safeRun(ctx, args, SystemStreams(), realSystem(os.Getenv))
}

// safeRun is run with a panic turned into one line and exit 1 instead of
// a Go stack trace, which would mean nothing to the user;
// ALTEGIO_TICKET_DEBUG=1 lets the trace through for a bug report.
func safeRun(ctx context.Context, args []string, ios *IOStreams, sys *system) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if sys.getenv("ALTEGIO_TICKET_DEBUG") != "" {
				panic(r)
			}
			fmt.Fprintf(ios.ErrOut, "altegio-ticket: internal error (%v); this is a bug: please report it with the command, tokens removed (ALTEGIO_TICKET_DEBUG=1 shows the details)\n", r)
			code = exitFail
		}
	}()
	return run(ctx, args, ios, sys)
}

// Exit codes.
const (
	exitOK    = 0 // a ticket was written, whatever the API answered
	exitFail  = 1 // no ticket could be written
	exitUsage = 2 // the command line is wrong
	// exitInterrupted is the shell's code for a program stopped by Ctrl-C
	// (128 + SIGINT): the user stopped it, so no ticket is written.
	exitInterrupted = 130
)

// run is the whole program behind Main, with its streams and the machine
// passed in so that tests can drive it: parse the command line, load the
// inputs it names, then replay, redact, diagnose and write the ticket.
// "altegio-ticket proxy ..." is the proxy command (runProxy); anything
// else is a replay, so that every curl-like command line keeps working.
func run(ctx context.Context, args []string, ios *IOStreams, sys *system) int {
	if len(args) > 0 && args[0] == "proxy" {
		return runProxy(ctx, args[1:], ios, sys)
	}
	stdin, stdout, stderr, getenv := ios.In, ios.Out, ios.ErrOut, sys.getenv
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "altegio-ticket: "+format+"\n", a...)
		return code
	}
	opts, err := parse(args)
	switch {
	case errors.Is(err, errHelp):
		fmt.Fprint(stdout, usageText)
		return exitOK
	case err != nil:
		return fail(exitUsage, "%v", err)
	case opts.version:
		fmt.Fprint(stdout, versionText())
		return exitOK
	}
	// The policy's own errors are reported below, in their turn; its
	// values already keep every line before the ticket clean.
	policy, policyErr := redactPolicy(opts, getenv)
	cfg, err := load(opts, stdin, getenv)
	if err != nil {
		// A message may quote the input: it goes through the same matcher.
		return fail(exitUsage, "%s", redact.Lines(policy, err.Error()).Line(err.Error()))
	}
	for _, s := range cfg.secrets {
		policy.Command = append(policy.Command, redact.CommandSecret{Role: s.Role, Where: s.Flag, Value: s.Value})
	}
	cfg.screen = redact.Lines(policy, screenTexts(cfg)...)
	if cfg.listing {
		lw := &lineWriter{w: stdout, line: cfg.screen.Line}
		if err := harfile.WriteList(lw, cfg.harList, cfg.harPicked); err != nil {
			return fail(exitFail, "%v", err)
		}
		if err := lw.Flush(); err != nil {
			return fail(exitFail, "%v", err)
		}
		switch {
		case len(cfg.harList) == 0:
		case cfg.harPicked > 0:
			fmt.Fprintf(stdout, "* entry %d is used without --entry: the last failing API call. Choose another with --entry N.\n", cfg.harPicked)
		default:
			fmt.Fprintln(stdout, "no entry failed: choose one with --entry N.")
		}
		return exitOK
	}
	ios.decideColor(cfg.color, getenv, sys.goos)
	pal := ios.palette()
	for _, n := range cfg.notes {
		fmt.Fprintf(stderr, "%s %s\n", pal.dim("note:"), terminalSafe(cfg.screen.Line(n)))
	}

	if cfg.demo {
		demo, err := startDemo()
		if err != nil {
			return fail(exitFail, "starting the demo server: %v", err)
		}
		defer demo.Close()
		cfg.source = "built-in demo call"
		if cfg.request, err = demoRequest(demo.URL); err != nil {
			return fail(exitFail, "%v", err)
		}
		fmt.Fprintf(stderr, "%s an Alteg.io-like server is listening on %s; replaying a call that carries only the partner token\n", pal.dim("demo:"), demo.URL)
	}

	// Everything that can refuse the run is checked before anything is
	// sent, so a refused output path never costs a replay.
	if policyErr != nil {
		return fail(exitUsage, "%v", policyErr)
	}
	now := time.Now()
	path := ""
	if !cfg.print {
		if path, err = outputPath(cfg.options, now); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	if cfg.outDir != "" {
		if err := checkOutDir(cfg.outDir, cfg.force); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}

	// The API description is read (--spec) or fetched aside while the
	// call is replayed; a wrong --spec is refused before anything is sent.
	local, err := localSpec(cfg.spec, getenv, sys)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	specURL := cfg.request.URL
	if cfg.recording != nil {
		specURL = cfg.recording.Request.URL
	}
	waitSpec := startSpec(ctx, cfg.spec, local, specURL, cfg.demo, sys, getenv)

	var ex *capture.Exchange
	var replay capture.Options // how the call was replayed; --try-fixes replays it the same way
	if cfg.recording != nil {
		// --no-replay: the ticket is built from what was recorded, and
		// nothing is sent, so there is nothing to confirm.
		ex = recordedExchange(cfg, now)
	} else {
		if err := confirmReplay(ctx, cfg, ios, policy); err != nil {
			switch {
			case errors.Is(err, errDeclined):
				return fail(exitFail, "%v", err)
			case errors.Is(err, context.Canceled):
				return fail(exitInterrupted, "interrupted: nothing was sent and no ticket was written")
			}
			return fail(exitUsage, "%v", err)
		}
		opts := capture.Options{
			Timeout:      cfg.callTimeout(),
			Insecure:     cfg.insecure,
			MaxBody:      cfg.maxBody,
			MaxRedirects: cfg.maxRedirects,
			Getenv:       getenv,
			From:         cfg.source,
			// On a redirect to another origin, every header redaction
			// would treat as a credential stays behind, not only
			// Authorization and Cookie.
			Credential: policy.CredentialHeader(),
		}
		cfg.net.Apply(&opts)
		replay = opts
		stop := func() {}
		if ios.ErrTTY && getenv("TERM") != "dumb" {
			// The progress line is for people: a terminal that can
			// redraw a line only, so that CI logs and pipes stay clean.
			opts.Progress, stop = startProgress(stderr, sys, ios.Width, pal)
		}
		ex = capture.Replay(ctx, cfg.request, opts)
		stop()
		if ctx.Err() != nil {
			// Ctrl-C during the call: the user stopped it, which is not a
			// network failure to write a ticket about.
			return fail(exitInterrupted, "interrupted: no ticket was written (a call that hangs can be bounded with --timeout)")
		}
	}
	res := redact.Scrub(ex, policy)
	// The description the spec checks read; the replay ran meanwhile.
	api := waitSpec()
	dopts := diagnose.Options{API: api.set}
	diag := diagnose.Analyze(&res.Exchange, res.Secrets, dopts)
	findings := diag.Findings
	var tries []report.Try
	if cfg.tryFixes && cfg.recording == nil {
		var verified []diagnose.Verified
		tries, verified = tryFixes(ctx, cfg, diag.Fixes, replay, policy, res, sys)
		if len(verified) > 0 {
			// The proof ranks the finding it answers first.
			dopts.Verified = verified
			findings = diagnose.Analyze(&res.Exchange, res.Secrets, dopts).Findings
		}
	}
	for i := range findings {
		// Findings are built from the redacted exchange; the redactor runs
		// over them once more before they reach the ticket or the terminal.
		findings[i] = findings[i].Map(res.String)
	}
	first := res.Exchange.Call().Request
	o := &outcome{
		ex: &res.Exchange, secrets: res.Secrets, redacted: res.Report, findings: findings, tries: tries, tryAsked: cfg.tryFixes,
		apiDescription: api.forTicket(first.Method, first.URL),
		apiChecked:     !api.set.Empty(),
		apiRoute:       api.route(first.Method, first.URL),
		printed:        cfg.print, masked: cfg.print && !cfg.showTokens, outDir: cfg.outDir, openAsked: cfg.open,
		message: cfg.message, demo: cfg.demo,
	}
	code := writeTicket(ctx, cfg, o, res, now, path, stdout, sys)

	for _, w := range o.warnings {
		fmt.Fprintf(stderr, "altegio-ticket: %s %s (--max-eml-size changes the budget)\n", pal.yellow("warning:"), res.Line(w))
	}
	if o.err != nil {
		if o.path != "" {
			fmt.Fprintf(stderr, "altegio-ticket: the ticket is in %s, but %s\n", o.path, res.Line(o.err.Error()))
		} else {
			fmt.Fprintf(stderr, "altegio-ticket: no ticket written: %s\n", res.Line(o.err.Error()))
		}
	}
	if o.path != "" || o.printed && o.err == nil {
		printSummary(stderr, o, pal, sys.goos)
	}
	if cfg.jsonOut {
		if err := writeJSON(stdout, buildJSON(o, versionString())); err != nil && code == exitOK {
			return fail(exitFail, "writing the JSON summary: %v", err)
		}
	}
	return code
}

// screenTexts are the texts of the input whose secrets, found by
// structure, must stay off the terminal: the notes, the request's URL and
// headers, and the URLs a HAR file lists.
func screenTexts(cfg *config) []string {
	texts := append([]string(nil), cfg.notes...)
	texts = append(texts, cfg.request.URL)
	for _, h := range cfg.request.Header {
		texts = append(texts, h.Name+": "+h.Value)
	}
	for _, s := range cfg.harList {
		texts = append(texts, s.URL)
	}
	return texts
}

// lineWriter writes what it is given line by line, each line passed
// through line first; Flush writes a last line without a newline.
type lineWriter struct {
	w    io.Writer
	line func(string) string
	buf  []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := io.WriteString(l.w, l.line(string(l.buf[:i]))+"\n"); err != nil {
			return 0, err
		}
		l.buf = l.buf[i+1:]
	}
}

func (l *lineWriter) Flush() error {
	if len(l.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(l.w, l.line(string(l.buf)))
	l.buf = nil
	return err
}

// maskNote says, for the ticket's Tokens section, why the tokens are
// masked: the report words no option names itself.
func maskNote(cfg *config, o *outcome) string {
	switch {
	case cfg.maskTokens:
		return "with --mask-tokens, to be sent another way"
	case o.masked:
		return "by --print; --show-tokens shows them"
	}
	return ""
}

// writeTicket renders the ticket and writes it where the flags say: the
// .eml file, or the text on stdout with --print; then --out-dir, then
// --open. It records what it did in o and returns the exit code.
func writeTicket(ctx context.Context, cfg *config, o *outcome, res *redact.Result, now time.Time, path string, stdout io.Writer, sys *system) int {
	rendered, err := report.Render(report.Ticket{
		Exchange:  res.Exchange,
		Secrets:   res.Secrets,
		Redact:    res.Bytes,
		Redaction: res.Report,
		// --print masks the tokens unless --show-tokens: stdout ends up
		// in scrollback, logs and web forms.
		MaskTokens: cfg.maskTokens || o.masked,
		MaskNote:   maskNote(cfg, o),
		Message:    cfg.message,
		Printed:    cfg.print,
		To:         cfg.to,
		From:       cfg.from,
		Date:       now,
		Version:    versionString(),
		MaxSize:    cfg.maxSize,
		Findings:   o.findings,
		Tries:      o.tries,
		// The line about the API description the checks read.
		APIDescription: o.apiDescription,
		APIChecked:     o.apiChecked,
	})
	if err != nil {
		o.err = err
		return exitFail
	}
	o.warnings, o.cut = rendered.Warnings, rendered.Cut
	if cfg.print {
		o.size = len(rendered.Text)
		if _, err := stdout.Write(rendered.Text); err != nil {
			o.err = fmt.Errorf("writing to stdout: %w", err)
			return exitFail
		}
		return exitOK
	}
	if err := writeFileWith(path, cfg.force, func(w io.Writer) error {
		_, err := rendered.WriteTo(w)
		return err
	}); err != nil {
		o.err = err
		return exitFail
	}
	o.path, o.size = path, int(rendered.Size)
	if cfg.outDir != "" {
		if err := writeOutDir(cfg.outDir, rendered.Files, cfg.force); err != nil {
			o.err = err
			return exitFail
		}
		for _, f := range rendered.Files {
			o.files = append(o.files, f.Name)
		}
	}
	if cfg.open {
		o.openedWith, o.openErr = sys.open(ctx, absPath(path))
	}
	return exitOK
}

// Command altegio-ticket replays a failing Alteg.io API call and writes an
// email-ready .eml ticket for the support desk at api@alteg.io.
//
// It takes the same arguments as curl, so a failing curl command converts
// by changing its first word:
//
//	altegio-ticket -H 'Accept: application/vnd.api.v2+json' \
//	  -H 'Authorization: Bearer <partner>, User <user>' \
//	  https://api.alteg.io/api/v1/records/123
//
// The data flows one way: the command line becomes a capture.Request,
// capture.Replay records the Exchange, redact.Scrub removes the secrets,
// diagnose.Run names the likely cause, and report.Write turns the result
// into the .eml.
package main

import (
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

func main() {
	limitMemory(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0 // a ticket was written, whatever the API answered
	exitFail  = 1 // no ticket could be written
	exitUsage = 2 // the command line is wrong
)

// run is the whole program behind main, with its environment passed in so
// that tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseCommandLine(args, stdin, getenv)
	switch {
	case errors.Is(err, errHelp):
		fmt.Fprint(stdout, usageText)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
		return exitUsage
	case cfg.version:
		fmt.Fprintf(stdout, "altegio-ticket %s\n", versionString())
		return exitOK
	case cfg.listing:
		if err := harfile.WriteList(stdout, cfg.harList, cfg.harPicked); err != nil {
			fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	for _, n := range cfg.notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}

	if cfg.demo {
		demo, err := startDemo()
		if err != nil {
			fmt.Fprintf(stderr, "altegio-ticket: starting the demo server: %v\n", err)
			return exitFail
		}
		defer demo.Close()
		cfg.source = "built-in demo call"
		if cfg.request, err = demoRequest(demo.URL); err != nil {
			fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stderr, "demo: an Alteg.io-like server is listening on %s; replaying a call that carries only the partner token\n", demo.URL)
	}

	// Everything that can refuse the run is checked before anything is
	// sent, so a refused output path never costs a replay.
	policy, err := redactPolicy(cfg, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
		return exitUsage
	}
	now := time.Now()
	path, err := outputPath(cfg, now)
	if err != nil {
		fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
		return exitUsage
	}
	if cfg.outDir != "" {
		if err := checkOutDir(cfg.outDir, cfg.force); err != nil {
			fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
			return exitUsage
		}
	}

	var ex *capture.Exchange
	if cfg.recording != nil {
		// --no-replay: the ticket is built from what was recorded, and
		// nothing is sent, so there is nothing to confirm.
		ex = recordedExchange(cfg, now)
	} else {
		if err := confirmReplay(cfg, stdin, stderr); err != nil {
			fmt.Fprintf(stderr, "altegio-ticket: %v\n", err)
			if errors.Is(err, errDeclined) {
				return exitFail
			}
			return exitUsage
		}
		ex = capture.Replay(ctx, cfg.request, capture.Options{
			Timeout:      cfg.timeout,
			Insecure:     cfg.insecure,
			MaxBody:      cfg.maxBody,
			MaxRedirects: cfg.maxRedirects,
			Getenv:       getenv,
			From:         cfg.source,
		})
	}
	res := redact.Scrub(ex, policy)
	findings := diagnose.Run(&res.Exchange, res.Secrets)
	for i := range findings {
		// Findings are built from the redacted exchange; the redactor runs
		// over them once more before they reach the ticket or the terminal.
		findings[i] = findings[i].Map(res.String)
	}

	rendered, err := report.Render(report.Ticket{
		Exchange:   res.Exchange,
		Secrets:    res.Secrets,
		Redact:     res.Bytes,
		Redaction:  res.Report,
		MaskTokens: cfg.maskTokens,
		To:         cfg.to,
		From:       cfg.from,
		Date:       now,
		Version:    versionString(),
		MaxSize:    cfg.maxSize,
		Findings:   findings,
	})
	if err == nil {
		err = writeFile(path, rendered.EML, cfg.force)
	}
	if err != nil {
		fmt.Fprintf(stderr, "altegio-ticket: no ticket written: %v\n", err)
		return exitFail
	}
	for _, w := range rendered.Warnings {
		fmt.Fprintf(stderr, "altegio-ticket: warning: %s (--max-eml-size changes the budget)\n", w)
	}
	printSummary(stderr, &res.Exchange, res.Secrets, res.Report, findings, path, len(rendered.EML))
	if cfg.outDir != "" {
		if err := writeOutDir(cfg.outDir, rendered.Files, cfg.force); err != nil {
			fmt.Fprintf(stderr, "altegio-ticket: the ticket is in %s, but %v\n", path, err)
			return exitFail
		}
		fmt.Fprintf(stderr, "files:    %d in %s (only secrets.txt holds the tokens)\n", len(rendered.Files), cfg.outDir)
	}
	return exitOK
}

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/curlcmd"
	"github.com/altegio/altegio-ticket/capture/harfile"
	"github.com/altegio/altegio-ticket/report"
	"github.com/spf13/pflag"
)

// config is the parsed command line.
type config struct {
	request  capture.Request
	output   string
	force    bool
	to, from string
	timeout  time.Duration
	insecure bool
	yes      bool
	demo     bool
	version  bool

	// maxRedirects is --max-redirs in capture.Options' terms.
	maxRedirects int
	// source describes the input, for Exchange.Source.From.
	source string
	// notes are told to the user before the call; they hold no secret.
	notes []string
	// recording is set with --no-replay: the exchange is built from it
	// and nothing is sent.
	recording *capture.Recording
	// closers are closed once the recording has been read.
	closers []io.Closer
	// listing is set with --list: harList is printed and nothing else done.
	listing   bool
	harList   []harfile.Summary
	harPicked int
}

var errHelp = errors.New("help requested")

// usageError is a command-line mistake; run exits 2 for it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

const usageText = `altegio-ticket replays a failing Alteg.io API call and writes an email-ready
.eml ticket for api@alteg.io, with every token and secret redacted.

Usage:
  altegio-ticket [flags] URL          same flags as curl: change curl's first word
  altegio-ticket --curl @cmd.txt      a curl command copied from a browser or Postman
  altegio-ticket --har FILE           the failing call in a browser's HAR export
  altegio-ticket --demo               try it against a built-in local server

Request (curl's options):
  -X, --request METHOD     method (default GET, or POST when a body is given)
  -H, --header 'N: v'      header, repeatable; the value is kept verbatim.
                           'Name:' drops a default header, 'Name;' sends it empty
  -d, --data DATA          body; @file reads a file (CR and LF stripped),
                           @- reads stdin; repeated values are joined with &
      --data-raw DATA      body taken literally, no @file
      --data-binary DATA   body; @file is read byte for byte
      --data-urlencode D   body, percent-encoded: 'name=value', 'name@file'
      --json DATA          JSON body, with JSON Content-Type and Accept
  -G, --get                send the -d data in the URL's query instead
  -I, --head               send HEAD
  -u, --user USER:PASS     basic authentication
  -b, --cookie 'N=V; ...'  cookies (a cookie file is not read)
  -A, --user-agent UA      User-Agent;  -e, --referer URL  Referer
      --compressed         ask for gzip or deflate (not br or zstd, which the
                           ticket could not decode)
      --url URL            the URL, as a flag
  -k, --insecure           skip TLS certificate verification (said in the ticket)
  -m, --max-time SECONDS   curl's limit for the call; --timeout wins over it
      --timeout DURATION   limit for the whole call (default 30s; 0 = none)
  Options that change only what curl prints (-s, -S, -v, -i, -L, -o FILE in a
  pasted command, -w, ...) are accepted and change nothing. An option the tool
  cannot honour (-F, -x, --digest, ...) is an error that says what to do.

Other inputs:
      --curl CMD           a whole curl command, as Chrome, Firefox or Postman
                           copy it (bash or Windows cmd quoting); @FILE reads it
                           from a file, - from stdin. Options given here too
                           win over the pasted ones (-H replaces that header)
      --har FILE           replay an entry of a HAR file saved from the
                           browser's network panel: by default the last
                           failing API call
      --entry N            the entry to use, counting from 1
      --list               list the entries (URLs without secrets) and exit
      --no-replay          send nothing: build the ticket from what was
                           recorded (--har, or --response / --status)
      --response FILE      with --no-replay: the response saved by curl -i
                           (- reads stdin)
      --status CODE        with --no-replay: the status; --response FILE is
                           then just the body

Output:
  -o, --output FILE        where to write the .eml
                           (default altegio-ticket-YYYYMMDD-HHMMSS.eml here)
      --force              overwrite FILE if it exists
      --to ADDR            recipient (default api@alteg.io)
      --from ADDR          sender; left for your mail client to fill when empty

Safety:
  -y, --yes                replay POST, PUT, PATCH or DELETE without asking.
                           Replaying a booking call books again.

Other:
      --demo               run against a built-in Alteg.io-like server
      --version            print the version
  -h, --help               print this help

Examples:
  # A business-data call with both tokens:
  altegio-ticket -H 'Accept: application/vnd.api.v2+json' \
    -H 'Authorization: Bearer PARTNER_TOKEN, User USER_TOKEN' \
    https://api.alteg.io/api/v1/records/123456

  # Getting a user token (the password is redacted from the ticket):
  altegio-ticket -y -H 'Accept: application/vnd.api.v2+json' \
    -H 'Content-Type: application/json' -H 'Authorization: Bearer PARTNER_TOKEN' \
    -d '{"login":"me@example.com","password":"..."}' \
    https://api.alteg.io/api/v1/auth

  # A call copied from Chrome (Network panel: Copy as cURL) and saved to a file:
  altegio-ticket --curl @cmd.txt -o ticket.eml

  # A booking call that must not be sent twice, with the response curl -i saved:
  altegio-ticket --no-replay --curl @cmd.txt --response response.txt

Exit status: 0 a ticket was written (whatever the API answered),
             1 no ticket could be written, 2 the command line is wrong.
`

// parseArgs parses the command line into a config, with no environment
// for a pasted command's $NAME variables.
func parseArgs(args []string, stdin io.Reader) (*config, error) {
	return parseCommandLine(args, stdin, nil)
}

// parseCommandLine parses the command line into a config. It reads the
// inputs the flags name (@file arguments, --curl, --har, --response) and,
// for @- or -, stdin; getenv expands $NAME in a pasted curl command.
func parseCommandLine(args []string, stdin io.Reader, getenv func(string) string) (*config, error) {
	cfg := &config{}
	fs := pflag.NewFlagSet("altegio-ticket", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false

	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "")
	fs.StringVarP(&cfg.output, "output", "o", "", "")
	fs.BoolVar(&cfg.force, "force", false, "")
	fs.StringVar(&cfg.to, "to", report.DefaultTo, "")
	fs.StringVar(&cfg.from, "from", "", "")
	fs.BoolVarP(&cfg.yes, "yes", "y", false, "")
	fs.BoolVar(&cfg.demo, "demo", false, "")
	fs.BoolVar(&cfg.version, "version", false, "")
	help := fs.BoolP("help", "h", false, "")
	in := &inputFlags{}
	in.register(fs)
	// curl's options come last, so that ours keep -o, -y, -h and --version.
	var curl curlcmd.Flags
	curl.Register(fs)

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, errHelp
		}
		return nil, usagef("%s (see --help)", strings.Join(strings.Fields(err.Error()), " "))
	}
	if *help {
		return nil, errHelp
	}
	if cfg.version {
		return cfg, nil
	}
	if cfg.timeout < 0 {
		return nil, usagef("--timeout must not be negative; use 0 for no limit")
	}
	if err := checkAddress("--to", cfg.to); err != nil {
		return nil, err
	}
	if cfg.from != "" {
		if err := checkAddress("--from", cfg.from); err != nil {
			return nil, err
		}
	}
	curl.Args = fs.Args()
	if cfg.demo {
		switch {
		case len(curl.Args) > 0 || curl.URL != "":
			return nil, usagef("--demo makes its own call to a built-in server; drop the URL, or drop --demo")
		case in.any(fs):
			return nil, usagef("--demo makes its own call to a built-in server; drop --curl, --har, --no-replay, --response and --status, or drop --demo")
		}
		return cfg, nil // run fills in the demo call
	}
	if err := resolveInput(cfg, fs, in, &curl, newSharedStdin(stdin), getenv); err != nil {
		return nil, err
	}
	return cfg, nil
}

func checkAddress(flag, addr string) error {
	if strings.ContainsAny(addr, " \t\r\n<>,") || strings.Count(addr, "@") != 1 || strings.HasPrefix(addr, "@") || strings.HasSuffix(addr, "@") {
		return usagef("%s %q is not an email address like name@example.com", flag, addr)
	}
	return nil
}

// outputPath decides where the ticket goes, before anything is sent, so
// that a refused path never costs a replay.
func outputPath(cfg *config, now time.Time) (string, error) {
	if cfg.output != "" {
		if !cfg.force {
			if _, err := os.Lstat(cfg.output); err == nil {
				return "", usagef("%s already exists; choose another -o or add --force to overwrite it", cfg.output)
			}
		}
		return cfg.output, nil
	}
	base := "altegio-ticket-" + now.Format("20060102-150405")
	for i := 1; ; i++ {
		p := base + ".eml"
		if i > 1 {
			p = fmt.Sprintf("%s-%d.eml", base, i)
		}
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
	}
}

var errDeclined = errors.New("not replayed: you declined; nothing was sent and no ticket was written")

// confirmReplay asks before a method that changes data is sent again.
func confirmReplay(cfg *config, stdin io.Reader, stderr io.Writer) error {
	m := strings.ToUpper(cfg.request.Method)
	if cfg.yes || m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE" {
		return nil
	}
	if !isTerminal(stdin) {
		return usagef("refusing to replay %s without confirmation: it may create a booking or a payment twice; add --yes to send it", cfg.request.Method)
	}
	fmt.Fprintf(stderr, "This sends %s %s again; it may create a booking or a payment twice.\nReplay it? [y/N] ", cfg.request.Method, redactedForPrompt(cfg.request.URL))
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return errDeclined
}

// redactedForPrompt shows only the scheme and host of a URL: its path and
// query may hold a token or a signature, and the terminal gets no secrets.
func redactedForPrompt(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "to the URL"
	}
	return "to " + u.Scheme + "://" + u.Host + "/…"
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// userAgent is the User-Agent sent when the user gives none, in place of
// curl's own.
func userAgent() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "altegio-ticket/" + v
}

// versionString is the module version and VCS revision from the build.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

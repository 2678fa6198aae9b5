package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/curlcmd"
	"github.com/altegio/altegio-ticket/capture/harfile"
	"github.com/altegio/altegio-ticket/redact"
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
	// maxSize is the .eml size budget in bytes; negative means none.
	maxSize int64
	// outDir, when set, also receives the ticket as loose files.
	outDir  string
	maxBody int64 // bytes of each body kept in the ticket

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

	// Redaction flags; see redactPolicy.
	redactValues []string
	redactFields []string
	redactEnv    []string
	maskTokens   bool
	redactPII    bool
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
      --max-body SIZE      keep at most SIZE of each body in the ticket (default
                           5MiB, e.g. 512KiB, 20MiB); the rest is counted, not kept
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
      --force              overwrite FILE (and files in --out-dir) if they exist
      --to ADDR            recipient (default api@alteg.io)
      --from ADDR          sender; left for your mail client to fill when empty
      --max-eml-size SIZE  keep the .eml under SIZE (default 10MiB; e.g. 500KiB,
                           20MB, 0 for no limit): the largest bodies are cut
      --out-dir DIR        also write the ticket unpacked into DIR: ticket.txt,
                           ticket.html, request.har, postman_collection.json,
                           replay.sh, the bodies, and secrets.txt (the tokens).
                           DIR must be new or empty unless --force is given

Safety:
  -y, --yes                replay POST, PUT, PATCH or DELETE without asking.
                           Replaying a booking call books again.

Redaction (tokens, passwords, cookies, API keys, JWTs... are found on their own):
      --redact VALUE       also remove this literal secret (at least 6
                           characters), repeatable
      --redact-env NAME    also remove the value of environment variable NAME,
                           repeatable; keeps the secret out of shell history
      --redact-field NAME  also remove the value of fields and headers named
                           NAME (JSON, form, query; "2fa.secret" for a path)
      --mask-tokens        show only the first and last 4 characters of the
                           partner and user tokens, for sending them another way
      --redact-pii         mask email addresses and phone numbers in the bodies

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
	maxSize := fs.String("max-eml-size", "10MiB", "")
	fs.StringVar(&cfg.outDir, "out-dir", "", "")
	fs.BoolVarP(&cfg.yes, "yes", "y", false, "")
	fs.BoolVar(&cfg.demo, "demo", false, "")
	fs.BoolVar(&cfg.version, "version", false, "")
	maxBody := fs.String("max-body", "5MiB", "")
	fs.StringArrayVar(&cfg.redactValues, "redact", nil, "")
	fs.StringArrayVar(&cfg.redactEnv, "redact-env", nil, "")
	fs.StringArrayVar(&cfg.redactFields, "redact-field", nil, "")
	fs.BoolVar(&cfg.maskTokens, "mask-tokens", false, "")
	fs.BoolVar(&cfg.redactPII, "redact-pii", false, "")
	help := fs.BoolP("help", "h", false, "")
	in := &inputFlags{}
	in.register(fs)
	// curl's options come last, so that ours keep -o, -y, -h and --version.
	var curl curlcmd.Flags
	curl.Register(fs)

	var err error
	if err = fs.Parse(args); err != nil {
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
	maxBodyBytes, err := parseSize(*maxBody)
	if err == nil && maxBodyBytes < 1 {
		err = errors.New("must be at least 1 byte")
	}
	if err != nil {
		return nil, usagef("--max-body %q: %v; write it like 5MiB, 512KiB or 1048576", *maxBody, err)
	}
	cfg.maxBody = maxBodyBytes
	if cfg.timeout < 0 {
		return nil, usagef("--timeout must not be negative; use 0 for no limit")
	}
	if cfg.maxSize, err = parseEMLSize(*maxSize); err != nil {
		return nil, err
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

// parseSize reads a byte size for --max-body and --max-eml-size: a number
// with an optional unit. KiB, MiB and GiB (and curl's bare K, M and G) are
// powers of 1024; KB, MB and GB are powers of 1000.
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	units := []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
	}
	mult := 1.0
	for _, u := range units {
		if num, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(num), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	switch {
	case err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n):
		return 0, errors.New("not a size")
	case n*mult > 1<<40:
		return 0, errTooLarge
	}
	return int64(n * mult), nil
}

var errTooLarge = errors.New("more than 1TiB")

// parseEMLSize reads --max-eml-size: 0 means no limit (returned as -1).
func parseEMLSize(s string) (int64, error) {
	const minSize = 64 << 10
	size, err := parseSize(s)
	switch {
	case errors.Is(err, errTooLarge) || err == nil && size > 1<<30:
		return 0, usagef("--max-eml-size %s is more than any mail server takes; use e.g. 20MiB, or 0 for no limit", s)
	case err != nil:
		return 0, usagef("--max-eml-size %q is not a size; write it like 10MiB, 500KiB or 20MB", s)
	case size == 0:
		return -1, nil
	case size < minSize:
		return 0, usagef("--max-eml-size %s is too small for a ticket; use at least 64KiB (or 0 for no limit)", s)
	}
	return size, nil
}

// redactPolicy turns the redaction flags into a redact.Policy, reading
// --redact-env variables through getenv. A variable that is unset or empty,
// or a literal too short to search for safely, is a usage error; no
// message ever shows a value.
func redactPolicy(cfg *config, getenv func(string) string) (redact.Policy, error) {
	p := redact.Policy{Values: cfg.redactValues, Fields: cfg.redactFields, PII: cfg.redactPII}
	for _, name := range cfg.redactEnv {
		if name == "" || strings.ContainsAny(name, "= \t") {
			return p, usagef("--redact-env %q is not a variable name; give the name, e.g. --redact-env ALTEGIO_PASSWORD", name)
		}
		v := getenv(name)
		if v == "" {
			return p, usagef("--redact-env %s: the variable is not set or is empty; export it first (export %s=...)", name, name)
		}
		p.Env = append(p.Env, redact.EnvSecret{Name: name, Value: v})
	}
	if err := p.Check(); err != nil {
		return p, usagef("%v", err)
	}
	return p, nil
}

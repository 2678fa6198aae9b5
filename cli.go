package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
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
  altegio-ticket --demo               try it against a built-in local server

Request:
  -X, --request METHOD     method (default GET, or POST when a body is given)
  -H, --header 'N: v'      header, repeatable; the value is kept verbatim.
                           'Name:' drops a default header, 'Name;' sends it empty
  -d, --data DATA          body; @file reads a file (CR and LF stripped),
                           @- reads stdin; repeated values are joined with &
      --data-raw DATA      body taken literally, no @file
      --data-binary DATA   body; @file is read byte for byte
      --url URL            the URL, as a flag
      --timeout DURATION   limit for the whole call (default 30s; 0 = none)
  -k, --insecure           skip TLS certificate verification (said in the ticket)

Output:
  -o, --output FILE        where to write the .eml
                           (default altegio-ticket-YYYYMMDD-HHMMSS.eml here)
      --force              overwrite FILE if it exists
      --to ADDR            recipient (default api@alteg.io)
      --from ADDR          sender; left for your mail client to fill when empty

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

Exit status: 0 a ticket was written (whatever the API answered),
             1 no ticket could be written, 2 the command line is wrong.
`

// dataArg is one -d/--data-raw/--data-binary value, in command-line order.
type dataArg struct {
	kind  string // "data", "data-raw" or "data-binary"
	value string
}

// dataValue is a pflag.Value shared by the three body flags, so that their
// relative order is kept as curl keeps it.
type dataValue struct {
	kind string
	list *[]dataArg
}

func (d *dataValue) Set(s string) error {
	*d.list = append(*d.list, dataArg{d.kind, s})
	return nil
}
func (d *dataValue) String() string { return "" }
func (d *dataValue) Type() string   { return "string" }

// parseArgs parses the command line into a config. It reads @file bodies
// and, for @-, stdin.
func parseArgs(args []string, stdin io.Reader) (*config, error) {
	cfg := &config{}
	fs := pflag.NewFlagSet("altegio-ticket", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false

	var method, rawURL string
	var headers []string
	var data []dataArg
	fs.StringVarP(&method, "request", "X", "", "")
	fs.StringArrayVarP(&headers, "header", "H", nil, "")
	fs.VarP(&dataValue{"data", &data}, "data", "d", "")
	fs.Var(&dataValue{"data-raw", &data}, "data-raw", "")
	fs.Var(&dataValue{"data-binary", &data}, "data-binary", "")
	fs.StringVar(&rawURL, "url", "", "")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "")
	fs.BoolVarP(&cfg.insecure, "insecure", "k", false, "")
	fs.StringVarP(&cfg.output, "output", "o", "", "")
	fs.BoolVar(&cfg.force, "force", false, "")
	fs.StringVar(&cfg.to, "to", report.DefaultTo, "")
	fs.StringVar(&cfg.from, "from", "", "")
	fs.BoolVarP(&cfg.yes, "yes", "y", false, "")
	fs.BoolVar(&cfg.demo, "demo", false, "")
	fs.BoolVar(&cfg.version, "version", false, "")
	fs.StringArrayVar(&cfg.redactValues, "redact", nil, "")
	fs.StringArrayVar(&cfg.redactEnv, "redact-env", nil, "")
	fs.StringArrayVar(&cfg.redactFields, "redact-field", nil, "")
	fs.BoolVar(&cfg.maskTokens, "mask-tokens", false, "")
	fs.BoolVar(&cfg.redactPII, "redact-pii", false, "")
	help := fs.BoolP("help", "h", false, "")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, errHelp
		}
		return nil, usagef("%v (see --help)", err)
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

	positional := fs.Args()
	if rawURL != "" {
		positional = append([]string{rawURL}, positional...)
	}
	switch {
	case cfg.demo && len(positional) > 0:
		return nil, usagef("--demo makes its own call to a built-in server; drop the URL, or drop --demo")
	case cfg.demo:
		return cfg, nil // run fills in the demo call
	case len(positional) == 0:
		return nil, usagef("missing URL: altegio-ticket [flags] URL (or try --demo)")
	case len(positional) > 1:
		return nil, usagef("expected one URL, got %d: %q (quote a URL that contains & or spaces)", len(positional), positional)
	}

	target, err := parseURL(positional[0])
	if err != nil {
		return nil, err
	}
	req := capture.Request{Method: method, URL: target}
	dropped := map[string]bool{}
	for _, h := range headers {
		if err := addHeader(&req, dropped, h); err != nil {
			return nil, err
		}
	}
	if len(data) > 0 {
		body, err := readData(data, stdin)
		if err != nil {
			return nil, err
		}
		req.Body = body
	}
	if req.Method == "" {
		req.Method = "GET"
		if req.Body != nil {
			req.Method = "POST"
		}
	}
	addCurlDefaults(&req, dropped)
	cfg.request = req
	return cfg, nil
}

// parseURL checks a URL the way curl reads it: a missing scheme means
// http://, and only http and https are supported.
func parseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s != raw {
		return "", usagef("the URL %q has spaces around it; remove them", raw)
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", usagef("the URL %q cannot be parsed: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", usagef("the URL %q uses %q; only http:// and https:// are supported", raw, u.Scheme)
	}
	if u.Host == "" {
		return "", usagef("the URL %q has no host; write it as https://api.alteg.io/api/v1/...", raw)
	}
	return s, nil
}

// addHeader adds one -H value with curl's rules: "Name: value" sends it,
// "Name:" drops a default header of that name, "Name;" sends it empty, and
// "@file" reads one header per line.
func addHeader(req *capture.Request, dropped map[string]bool, h string) error {
	if strings.HasPrefix(h, "@") {
		b, err := readFileArg(h[1:], nil, "-H")
		if err != nil {
			return err
		}
		for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := addHeader(req, dropped, line); err != nil {
				return err
			}
		}
		return nil
	}
	colon := strings.IndexByte(h, ':')
	if colon < 0 {
		if name, ok := strings.CutSuffix(h, ";"); ok && validName(name) {
			req.Header = append(req.Header, capture.Header{Name: name, Value: "", Origin: capture.FromUser})
			return nil
		}
		return usagef("the header %q has no colon; write it as -H 'Name: value'", h)
	}
	name, value := h[:colon], strings.TrimLeft(h[colon+1:], " \t")
	if !validName(name) {
		return usagef("the header name %q is not valid (no spaces or special characters); write it as -H 'Name: value'", name)
	}
	if value == "" {
		dropped[strings.ToLower(name)] = true
		return nil
	}
	req.Header = append(req.Header, capture.Header{Name: name, Value: value, Origin: capture.FromUser})
	return nil
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// readData joins the body flags with curl's rules.
func readData(data []dataArg, stdin io.Reader) ([]byte, error) {
	var parts [][]byte
	for _, d := range data {
		v := []byte(d.value)
		if d.kind != "data-raw" && strings.HasPrefix(d.value, "@") {
			flag := "--" + d.kind
			b, err := readFileArg(d.value[1:], stdin, flag)
			if err != nil {
				return nil, err
			}
			if d.kind == "data" {
				// curl -d @file strips carriage returns and newlines.
				b = bytes.ReplaceAll(b, []byte("\r"), nil)
				b = bytes.ReplaceAll(b, []byte("\n"), nil)
			}
			v = b
		}
		parts = append(parts, v)
	}
	body := bytes.Join(parts, []byte("&"))
	if body == nil {
		body = []byte{}
	}
	return body, nil
}

// readFileArg reads an @file argument; "-" is stdin.
func readFileArg(name string, stdin io.Reader, flag string) ([]byte, error) {
	if name == "-" {
		if stdin == nil {
			return nil, usagef("%s @- reads stdin, which is not available here", flag)
		}
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, usagef("%s @-: reading stdin: %v", flag, err)
		}
		return b, nil
	}
	if name == "" {
		return nil, usagef("%s @ needs a file name, e.g. %s @body.json", flag, flag)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		hint := "check the path"
		if errors.Is(err, os.ErrNotExist) {
			hint = "no such file; check the path, relative to " + cwd()
		} else if errors.Is(err, os.ErrPermission) {
			hint = "permission denied"
		}
		return nil, usagef("%s @%s: cannot read the file (%s)", flag, name, hint)
	}
	return b, nil
}

func cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return "the current folder"
	}
	return d
}

// addCurlDefaults adds the headers curl sends when the user gives none, so
// that the replay matches the failing curl call. Each is marked FromTool;
// a header dropped with -H 'Name:' is not added.
func addCurlDefaults(req *capture.Request, dropped map[string]bool) {
	add := func(name, value string) {
		if !req.Header.Has(name) && !dropped[strings.ToLower(name)] {
			req.Header = append(req.Header, capture.Header{Name: name, Value: value, Origin: capture.FromTool})
		}
	}
	add("User-Agent", userAgent())
	add("Accept", "*/*")
	if req.Body != nil {
		add("Content-Type", "application/x-www-form-urlencoded")
	}
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

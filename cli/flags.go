package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
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

// options is the parsed command line: what the flags say, before any
// file or stdin is read. parse builds it; load reads the inputs it names.
type options struct {
	output   string
	force    bool
	to, from string
	timeout  time.Duration
	yes      bool
	tryFixes bool
	demo     bool
	version  bool
	// maxSize is the .eml size budget in bytes (--max-eml-size, read from
	// maxSizeArg); negative means none.
	maxSize    int64
	maxSizeArg string
	// outDir, when set, also receives the ticket as loose files.
	outDir string
	// maxBody is how many bytes of each body the ticket keeps
	// (--max-body, read from maxBodyArg).
	maxBody    int64
	maxBodyArg string

	// in says where the call comes from besides curl's options; curl
	// holds curl's options and the URL arguments.
	in   inputFlags
	curl curlcmd.Flags
	// set holds the names of the flags given on the command line.
	set map[string]bool

	// Redaction flags; see redactPolicy.
	redactValues []string
	redactFields []string
	redactEnv    []string
	maskTokens   bool
	redactPII    bool

	// messageText and messageFile are --message and --message-file: the
	// sender's own words for the ticket.
	messageText string
	messageFile string
	// spec is --spec and --no-spec: where the API description comes from.
	spec specFlags

	// Terminal and output modes: --color, --json, --print, --show-tokens
	// and --open.
	color      string
	jsonOut    bool
	print      bool
	showTokens bool
	open       bool
}

// config is a run's whole configuration: the options and the inputs
// load read for them.
type config struct {
	*options
	input
}

// input is what load read from the files and stdin the options name: the
// call to replay, or with --no-replay the recording.
type input struct {
	request capture.Request
	// insecure, maxRedirects and maxTime are curl's -k, --max-redirs
	// and -m; see callTimeout.
	insecure     bool
	maxRedirects int
	maxTime      time.Duration
	// net is how the connection is made: -x, --cacert, --cert,
	// --resolve, --connect-to, --digest, ...
	net curlcmd.Net
	// secrets are the credentials the options hold (-u, -U, --pass,
	// ...), sent or not: redaction must know them all.
	secrets []curlcmd.Secret
	// source describes the input, for Exchange.Source.From.
	source string
	// notes are told to the user before the call; they hold no secret.
	notes []string
	// recording is set with --no-replay: the exchange is built from it
	// and nothing is sent.
	recording *capture.Recording
	// closers are closed once the recording has been read.
	closers []io.Closer
	// message is the sender's own words, from --message or
	// --message-file; "" when neither was given.
	message string
	// listing is set with --list: harList is printed and nothing else done.
	listing   bool
	harList   []harfile.Summary
	harPicked int
	// screen redacts every line that can carry request data before the
	// exchange is recorded: the notes, --list, the confirmation prompt.
	screen *redact.Result
}

var errHelp = errors.New("help requested")

// usageError is a command-line mistake; run exits 2 for it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// parseArgs parses and loads the command line with no environment for a
// pasted command's $NAME variables.
func parseArgs(args []string, stdin io.Reader) (*config, error) {
	opts, err := parse(args)
	if err != nil {
		return nil, err
	}
	return load(opts, stdin, nil)
}

// parse parses the command line into options and checks the rules that
// involve several flags. It opens no file and reads no stdin: load does.
func parse(args []string) (*options, error) {
	cfg := &options{set: map[string]bool{}}
	fs, help := cfg.flagSet()
	in, curl := &cfg.in, &cfg.curl

	// curl's rules for option words (prefixes, --no-, no --name=value)
	// apply to the whole command line, which takes curl's options.
	args, optErr := curlcmd.Normalize(fs, args)
	var err error
	if err = fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, errHelp
		}
		if optErr != nil {
			return nil, optionError(fs, optErr)
		}
		return nil, flagError(fs, err)
	}
	if optErr != nil {
		return nil, optionError(fs, optErr)
	}
	if *help {
		return nil, errHelp
	}
	fs.Visit(func(f *pflag.Flag) { cfg.set[f.Name] = true })
	if cfg.version {
		return cfg, nil
	}
	if err := checkModes(cfg, fs); err != nil {
		return nil, err
	}
	if fs.Changed("message") && fs.Changed("message-file") {
		return nil, usagef("use --message TEXT or --message-file FILE, not both")
	}
	if err := cfg.spec.check(); err != nil {
		return nil, err
	}
	maxBodyBytes, err := parseSize(cfg.maxBodyArg)
	if err == nil && maxBodyBytes < 1 {
		err = errors.New("must be at least 1 byte")
	}
	if err != nil {
		return nil, usagef("--max-body %q: %v; write it like 5MiB, 512KiB or 1048576", cfg.maxBodyArg, err)
	}
	cfg.maxBody = maxBodyBytes
	if cfg.timeout < 0 {
		return nil, usagef("--timeout must not be negative; use 0 for no limit")
	}
	if cfg.maxSize, err = parseEMLSize(cfg.maxSizeArg); err != nil {
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
	if err := checkInputs(cfg); err != nil {
		return nil, err
	}
	if err := checkTryFixes(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// flagSet is the command line of the replay: every flag, ours first,
// bound to cfg. help is -h/--help.
func (cfg *options) flagSet() (fs *pflag.FlagSet, help *bool) {
	fs = pflag.NewFlagSet("altegio-ticket", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false

	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "")
	fs.StringVarP(&cfg.output, "output", "o", "", "")
	fs.BoolVar(&cfg.force, "force", false, "")
	fs.StringVar(&cfg.to, "to", report.DefaultTo, "")
	fs.StringVar(&cfg.from, "from", "", "")
	fs.StringVar(&cfg.maxSizeArg, "max-eml-size", "10MiB", "")
	fs.StringVar(&cfg.outDir, "out-dir", "", "")
	// No short option: -m is curl's --max-time.
	fs.StringVar(&cfg.messageText, "message", "", "")
	fs.StringVar(&cfg.messageFile, "message-file", "", "")
	fs.BoolVarP(&cfg.yes, "yes", "y", false, "")
	fs.BoolVar(&cfg.tryFixes, "try-fixes", false, "")
	fs.BoolVar(&cfg.demo, "demo", false, "")
	fs.BoolVarP(&cfg.version, "version", "V", false, "")
	fs.StringVar(&cfg.maxBodyArg, "max-body", "5MiB", "")
	fs.StringArrayVar(&cfg.redactValues, "redact", nil, "")
	fs.StringArrayVar(&cfg.redactEnv, "redact-env", nil, "")
	fs.StringArrayVar(&cfg.redactFields, "redact-field", nil, "")
	fs.BoolVar(&cfg.maskTokens, "mask-tokens", false, "")
	fs.BoolVar(&cfg.redactPII, "redact-pii", false, "")
	fs.StringVar(&cfg.color, "color", colorAuto, "")
	// --json is the JSON summary here; curl's --json DATA (a JSON body)
	// is read in a pasted command (--curl), where it cannot clash.
	fs.BoolVar(&cfg.jsonOut, "json", false, "")
	fs.BoolVar(&cfg.print, "print", false, "")
	fs.BoolVar(&cfg.showTokens, "show-tokens", false, "")
	fs.BoolVar(&cfg.open, "open", false, "")
	cfg.spec.register(fs)
	help = fs.BoolP("help", "h", false, "")
	cfg.in.register(fs)
	// curl's options come last, so that ours keep -o, -y, -h and --version.
	cfg.curl.Register(fs)
	return fs, help
}

// load reads the inputs opts names (@file arguments, --curl, --har,
// --response and, for @- or -, stdin) and builds the call; getenv
// expands $NAME in a pasted curl command. With --demo or --version it
// reads nothing.
func load(opts *options, stdin io.Reader, getenv func(string) string) (*config, error) {
	cfg := &config{options: opts}
	if opts.version {
		return cfg, nil
	}
	in := newSharedStdin(stdin)
	if !opts.demo {
		if err := loadInput(cfg, in, getenv); err != nil {
			return nil, err
		}
	}
	msg, err := loadMessage(opts, in)
	if err != nil {
		return nil, err
	}
	cfg.message = msg
	return cfg, nil
}

// callTimeout bounds the replayed call: --timeout when given, else
// curl's -m when given, else --timeout's default.
func (c *config) callTimeout() time.Duration {
	if c.maxTime > 0 && !c.set["timeout"] {
		return c.maxTime
	}
	return c.timeout
}

func checkAddress(flag, addr string) error {
	if strings.ContainsAny(addr, " \t\r\n<>,") || strings.Count(addr, "@") != 1 || strings.HasPrefix(addr, "@") || strings.HasSuffix(addr, "@") {
		return usagef("%s %q is not an email address like name@example.com", flag, addr)
	}
	return nil
}

// outputPath decides where the ticket goes, before anything is sent, so
// that a refused path never costs a replay.
func outputPath(cfg *options, now time.Time) (string, error) {
	if cfg.output != "" {
		fi, err := os.Lstat(cfg.output)
		switch {
		case err == nil && fi.IsDir():
			return "", usagef("-o %s is a folder; give a file name, e.g. -o %s", cfg.output, filepath.Join(cfg.output, "ticket.eml"))
		case !strings.EqualFold(filepath.Ext(cfg.output), ".eml"):
			// Most likely curl's -o, which saves the response: here the
			// file is the ticket, and mail clients open it by its name.
			return "", usagef("-o %s: the ticket is an email, which mail clients open by its .eml name; use e.g. -o ticket.eml (curl's -o, which saves the response, has no meaning here)", cfg.output)
		case err == nil && !cfg.force:
			return "", usagef("%s already exists; choose another -o or add --force to overwrite it", cfg.output)
		}
		dir := filepath.Dir(cfg.output)
		if dir != "." {
			switch fi, err := os.Stat(dir); {
			case errors.Is(err, os.ErrNotExist):
				return "", usagef("-o %s: the folder %s does not exist; create it first (mkdir -p %s) or choose another path", cfg.output, dir, dir)
			case err == nil && !fi.IsDir():
				return "", usagef("-o %s: %s is a file, not a folder; choose another path", cfg.output, dir)
			}
		}
		if err := probeWritable(dir); err != nil {
			return "", usagef("-o %s: cannot write in %s (%v); choose another path", cfg.output, dir, err)
		}
		return cfg.output, nil
	}
	if err := probeWritable("."); err != nil {
		return "", usagef("cannot write the ticket in the current folder (%v); choose a path with -o", err)
	}
	base := "altegio-ticket-" + now.Format("20060102-150405")
	for i := 1; i <= 1000; i++ {
		p := base + ".eml"
		if i > 1 {
			p = fmt.Sprintf("%s-%d.eml", base, i)
		}
		switch _, err := os.Lstat(p); {
		case errors.Is(err, os.ErrNotExist):
			return p, nil
		case err != nil:
			return "", usagef("cannot check %s (%v); choose a path with -o", p, errors.Unwrap(err))
		}
	}
	return "", usagef("too many tickets named %s-*.eml here; choose a path with -o", base)
}

// probeWritable checks that a file can be created in dir, by creating and
// removing an empty one, so that a folder the ticket cannot be written to
// is found before the call is replayed, not after.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".altegio-ticket-probe-*")
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return errors.New("permission denied")
		}
		return errors.Unwrap(err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

var errDeclined = errors.New("not replayed: you declined; nothing was sent and no ticket was written")

// confirmReplay asks before a method that changes data is sent again,
// when stdin is a terminal (ios.InTTY); otherwise it refuses.
// Ctrl-C (ctx) interrupts the question: it returns ctx.Err().
func confirmReplay(ctx context.Context, cfg *config, ios *IOStreams, policy redact.Policy) error {
	stdin, stderr := ios.In, ios.ErrOut
	if cfg.yes || capture.SafeMethod(cfg.request.Method) {
		return nil
	}
	if !ios.InTTY {
		return usagef("refusing to replay %s without confirmation: it may create a booking or a payment twice; add --yes to send it", cfg.request.Method)
	}
	fmt.Fprintf(stderr, "This sends %s %s again;\nit may create a booking or a payment twice. Replay it? [y/N] ",
		terminalSafe(cfg.screen.Line(cfg.request.Method)), terminalSafe(cfg.screen.Line(redactedForPrompt(cfg.request, policy))))
	// The read cannot be cancelled, so it runs aside; after Ctrl-C the
	// program exits and takes it along.
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr)
		return ctx.Err()
	case line := <-answer:
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return nil
		}
		return errDeclined
	}
}

// redactedForPrompt is the request's URL as the ticket will show it: the
// redactor reads the whole request first (a token in Authorization is
// also replaced where the path repeats it), then the URL's path and query
// are shown with every secret replaced by its placeholder. The terminal
// gets no secrets.
func redactedForPrompt(req capture.Request, policy redact.Policy) string {
	sent := capture.Sent{Method: req.Method, URL: req.URL, Header: req.Header,
		Body: capture.Body{Data: req.Body, Size: int64(len(req.Body)), ContentType: req.Header.Get("Content-Type")}}
	res := redact.Scrub(&capture.Exchange{Hops: []capture.Hop{{Request: sent}}}, policy)
	return res.Exchange.First().Request.URL
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
func redactPolicy(cfg *options, getenv func(string) string) (redact.Policy, error) {
	p := redact.Policy{Values: cfg.redactValues, Fields: cfg.redactFields, PII: cfg.redactPII}
	for _, name := range cfg.redactEnv {
		if k, _, hasValue := strings.Cut(name, "="); hasValue {
			// --redact-env PASSWORD=hunter2: the part after = is the
			// very secret to keep off the terminal.
			return p, usagef("--redact-env %s=…: NAME=value is not a variable name; export %s first and give --redact-env %s", terminalSafe(k), terminalSafe(k), terminalSafe(k))
		}
		if name == "" || strings.ContainsAny(name, " \t") {
			return p, usagef("--redact-env %q is not a variable name; give the name, e.g. --redact-env ALTEGIO_PASSWORD", name)
		}
		v := getenv(name)
		if v == "" {
			// The name is not shown: a secret given here by mistake
			// (--redact-env hunter2) is not a variable, and would be
			// printed as one.
			return p, usagef("--redact-env %s names a variable that is not set or is empty; export it first, or give a value itself with --redact", ordinal(len(p.Env)+1))
		}
		p.Env = append(p.Env, redact.EnvSecret{Name: name, Value: v})
	}
	if err := p.Check(); err != nil {
		return p, usagef("%s", policyMessage(err))
	}
	return p, nil
}

// ordinal words n for a message: "1st", "2nd", "3rd", "4th", ...
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return "(the " + strconv.Itoa(n) + suffix + ")"
}

// policyFlag words a policy entry after the flag that gave it.
func policyFlag(r redact.PolicyRef) string {
	switch r.Kind {
	case redact.PolicyEnv:
		return "--redact-env " + terminalSafe(r.Name)
	case redact.PolicyField:
		return "--redact-field " + terminalSafe(r.Name)
	}
	return fmt.Sprintf("--redact value %d", r.Index)
}

// policyMessage words a redact.PolicyError with the flags and the fix.
func policyMessage(err error) string {
	var pe *redact.PolicyError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	what := policyFlag(pe.Ref)
	switch pe.Problem {
	case redact.PolicyEmpty:
		return what + " is empty or only spaces; give the secret itself"
	case redact.PolicyShort:
		if pe.Ref.Kind == redact.PolicyEnv {
			what += ": the value"
		}
		return fmt.Sprintf("%s is %d bytes long; a literal secret needs at least %d so that it cannot match ordinary text in the ticket (use --redact-field NAME to redact a short field by name)", what, pe.Len, redact.MinLiteral)
	}
	return fmt.Sprintf("--redact-field %q is not a field name; give it as e.g. --redact-field sms_code", pe.Ref.Name)
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/curlcmd"
	"github.com/altegio/altegio-ticket/capture/harfile"
	"github.com/altegio/altegio-ticket/capture/rawresp"
	"github.com/spf13/pflag"
)

// inputFlags are the flags that say where the call comes from when it is
// not given as curl options: a pasted curl command, a HAR file, and a
// recorded response for --no-replay.
type inputFlags struct {
	curl     string
	har      string
	entry    int
	list     bool
	noReplay bool
	response string
	status   int
	// urlIndex picks one of the requests a curl command makes (several
	// URLs, or a globbed one), from 1.
	urlIndex uint64
}

func (in *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&in.curl, "curl", "", "")
	fs.StringVar(&in.har, "har", "", "")
	fs.IntVar(&in.entry, "entry", 0, "")
	fs.BoolVar(&in.list, "list", false, "")
	fs.BoolVar(&in.noReplay, "no-replay", false, "")
	fs.StringVar(&in.response, "response", "", "")
	fs.IntVar(&in.status, "status", 0, "")
	fs.Uint64Var(&in.urlIndex, "url-index", 0, "")
}

// any reports whether any input flag was given.
func (in *inputFlags) any(fs *pflag.FlagSet) bool {
	for _, name := range []string{"curl", "har", "entry", "list", "no-replay", "response", "status", "url-index"} {
		if fs.Changed(name) {
			return true
		}
	}
	return false
}

// maxCurlText bounds a pasted curl command; a large body belongs in a
// file (-d @FILE).
const maxCurlText = 16 << 20

// checkInputs checks that the input flags go together, before anything
// is read.
func checkInputs(opts *options) error {
	in, curl, set := &opts.in, &opts.curl, opts.set
	statusGiven := set["status"]
	switch {
	case in.har != "" && in.curl != "":
		return usagef("use --har or --curl, not both: each one gives the whole request")
	case set["entry"] && in.har == "":
		return usagef("--entry picks an entry of a HAR file; add --har FILE")
	case in.list && in.har == "":
		return usagef("--list shows the entries of a HAR file; add --har FILE")
	case in.response != "" && !in.noReplay:
		return usagef("--response is the recorded answer to a call that is not sent again; add --no-replay (or drop --response to replay the call)")
	case statusGiven && !in.noReplay:
		return usagef("--status is the status of a recorded answer to a call that is not sent again; add --no-replay (or drop --status to replay the call)")
	case in.har != "" && (in.response != "" || statusGiven):
		return usagef("the HAR file already holds the response; drop --response and --status")
	case in.noReplay && in.har == "" && in.response == "" && !statusGiven:
		return usagef("--no-replay needs the recorded response: add --response FILE (saved with curl -i) or --status CODE, or use --har FILE")
	case statusGiven && (in.status < 100 || in.status > 599):
		return usagef("--status %d is not an HTTP status; give a code from 100 to 599", in.status)
	case set["url-index"] && in.har != "":
		return usagef("--url-index picks one of the requests a curl command makes; a HAR entry is one request (choose it with --entry)")
	case set["url-index"] && in.urlIndex < 1:
		return usagef("--url-index counts from 1")
	case in.curl != "" && len(curl.Args) > 0:
		return usagef("--curl takes the URL from the pasted command; drop the URL argument (to replace the pasted URL, use --url URL)")
	}
	if in.har != "" {
		if opts := curl.RequestOptions(); len(curl.Args) > 0 || len(opts) > 0 {
			what := "the URL"
			if len(opts) > 0 {
				what = strings.Join(opts, ", ")
			}
			return usagef("--har supplies the whole request; drop %s, or use --curl to change a request", what)
		}
		if set["entry"] && in.entry < 1 {
			return usagef("--entry counts from 1; run with --list to see the entries")
		}
	}
	return nil
}

// loadInput builds the request (and, with --no-replay, the recording)
// from the curl options, the pasted command or the HAR file.
func loadInput(cfg *config, stdin *sharedStdin, getenv func(string) string) error {
	in := &cfg.in
	if in.har != "" {
		return harInput(cfg)
	}

	flags, from := &cfg.curl, "command line"
	if in.curl != "" {
		text, src, err := readCurlArg(in.curl, stdin)
		if err != nil {
			return err
		}
		pasted, notes, err := curlcmd.Parse(text, getenv)
		if err != nil {
			return usagef("--curl: %v", err)
		}
		pasted.Override(&cfg.curl)
		flags, from = pasted, src
		cfg.notes = append(cfg.notes, notes...)
	}
	ua := userAgent()
	if in.noReplay {
		// The call went out with the user's own curl, whose version the
		// tool cannot know; it does not claim a User-Agent for it.
		ua = ""
	}
	cmd, err := flags.Build(curlcmd.Env{Stdin: stdin.reader("-d @-"), UserAgent: ua, URLIndex: in.urlIndex})
	if err != nil {
		return buildError(err)
	}
	cfg.request = cmd.Request
	cfg.secrets = flags.Secrets()
	cfg.source = from
	cfg.notes = append(cfg.notes, cmd.Notes...)
	if cmd.Requests > 1 {
		cfg.notes = append(cfg.notes, fmt.Sprintf("the command makes %d requests (curl sends them one after the other); this run replays request %d: %s %s (choose another with --url-index N)",
			cmd.Requests, cmd.Index, cmd.Request.Method, harfile.SafeURL(cmd.Request.URL)))
	}
	applyTransport(cfg, cmd)
	if in.noReplay {
		return recordedResponse(cfg, stdin)
	}
	return nil
}

// buildError words curlcmd.Build's errors that name our own flags.
func buildError(err error) error {
	var index *curlcmd.IndexError
	switch {
	case errors.Is(err, curlcmd.ErrNoURL):
		return usagef("missing URL: altegio-ticket [flags] URL (or try --demo)")
	case errors.As(err, &index):
		return usagef("--url-index %d: the command makes %d requests; choose one from 1 to %d", index.Index, index.Requests, index.Requests)
	}
	return usagef("%v", err)
}

// applyTransport takes -k, -m, --max-redirs and the connection options
// (-x, --cacert, --resolve, --digest, ...).
func applyTransport(cfg *config, cmd *curlcmd.Command) {
	cfg.insecure = cmd.Insecure
	cfg.maxRedirects = cmd.MaxRedirects
	cfg.maxTime = cmd.Timeout
	cfg.net = cmd.Net
}

// readCurlArg reads the value of --curl: the command itself, @FILE, or -
// for stdin. from describes it for the ticket.
func readCurlArg(v string, stdin *sharedStdin) (text, from string, err error) {
	switch {
	case v == "-":
		r, err := stdin.take("--curl -")
		if err != nil {
			return "", "", err
		}
		b, err := io.ReadAll(io.LimitReader(r, maxCurlText+1))
		if err != nil {
			return "", "", usagef("--curl -: reading stdin: %v", err)
		}
		text, from = string(b), "curl command read from stdin"
	case strings.HasPrefix(v, "@"):
		name := v[1:]
		b, err := readInputFile(name, maxCurlText, "--curl @")
		if err != nil {
			return "", "", err
		}
		text, from = string(b), "curl command in "+filepath.Base(name)
	default:
		text, from = v, "pasted curl command"
		if strings.TrimSpace(v) == "curl" {
			return "", "", usagef(`--curl takes the whole command as one argument: quote it (--curl "curl ..."), or save it to a file and use --curl @FILE`)
		}
	}
	if len(text) > maxCurlText {
		return "", "", usagef("the curl command is larger than %s; put a large body in a file and use -d @FILE", capture.ByteCount(maxCurlText))
	}
	return text, from, nil
}

// harInput takes the request, and with --no-replay the response, from an
// entry of a HAR file.
func harInput(cfg *config) error {
	in := &cfg.in
	base := filepath.Base(in.har)
	open := func() (*os.File, error) {
		f, err := os.Open(in.har)
		if err != nil {
			return nil, usagef("--har %s: cannot read the file (%s)", in.har, fileHint(err))
		}
		return f, nil
	}
	if in.list || !cfg.set["entry"] {
		f, err := open()
		if err != nil {
			return err
		}
		list, err := harfile.List(f)
		f.Close()
		if err != nil {
			return usagef("--har %s: %v", base, err)
		}
		picked, ok := harfile.Pick(list)
		if in.list {
			cfg.listing, cfg.harList, cfg.harPicked = true, list, picked
			return nil
		}
		if !ok {
			return usagef("no entry of %s failed (%d entries); run with --list and choose one with --entry N", base, len(list))
		}
		in.entry = picked
		s := list[picked-1]
		cfg.notes = append(cfg.notes, fmt.Sprintf("using entry %d of %d, the last failing API call: %s %s -> %s (--list shows them all)",
			picked, len(list), s.Method, harfile.SafeURL(s.URL), statusWord(s)))
	}
	f, err := open()
	if err != nil {
		return err
	}
	var modified time.Time
	if fi, err := f.Stat(); err == nil {
		modified = fi.ModTime()
	}
	entry, err := harfile.Read(f, in.entry)
	f.Close()
	if err != nil {
		if errors.Is(err, harfile.ErrNoEntry) {
			return usagef("--entry %d: %v; run with --list to see them", in.entry, err)
		}
		return usagef("--har %s: %v", base, err)
	}
	cfg.source = fmt.Sprintf("HAR file %s, entry %d", base, in.entry)
	if in.noReplay {
		// A ticket's own request.har keeps the response body in a file
		// attached next to it: look for it in the HAR's folder.
		rec, err := entry.Recording(cfg.source, os.DirFS(filepath.Dir(in.har)))
		if err != nil {
			return usagef("--har %s: %v", base, err)
		}
		if rr := rec.Response; rr != nil {
			if c, ok := rr.Body.(io.Closer); ok {
				cfg.closers = append(cfg.closers, c)
			}
			if rr.Omitted != "" {
				cfg.notes = append(cfg.notes, "the response body is left out: "+rr.Omitted)
			}
		}
		rec.Modified = modified // the call's time when the entry has none
		cfg.recording, cfg.request = &rec, rec.Request
		return nil
	}
	req, notes, err := entry.Request()
	switch {
	case errors.Is(err, harfile.ErrNotHTTP):
		return usagef("--har %s: %v; pick another with --list and --entry N", base, err)
	case errors.Is(err, harfile.ErrBodyMissing):
		return usagef("--har %s: %v, or use --no-replay", base, err)
	case err != nil:
		return usagef("--har %s: %v", base, err)
	}
	cmd, err := cfg.curl.Transport()
	if err != nil {
		return usagef("%v", err)
	}
	cfg.request = req
	cfg.secrets = cfg.curl.Secrets()
	cfg.notes = append(cfg.notes, notes...)
	cfg.notes = append(cfg.notes, cmd.Notes...)
	applyTransport(cfg, cmd)
	return nil
}

func statusWord(s harfile.Summary) string {
	if s.Status == 0 {
		if s.Error != "" {
			return "failed (" + s.Error + ")"
		}
		return "failed, no response"
	}
	return fmt.Sprintf("%d %s", s.Status, http.StatusText(s.Status))
}

// recordedResponse builds the recording for --no-replay from --response
// (a response saved with curl -i, or with --status just its body) or
// --status alone.
func recordedResponse(cfg *config, stdin *sharedStdin) error {
	in, statusGiven := &cfg.in, cfg.set["status"]
	rec := &capture.Recording{Request: cfg.request}
	requestFrom := "request from the " + cfg.source
	if in.response == "" {
		rec.Response = &capture.RecordedResponse{Status: in.status, StatusText: http.StatusText(in.status), WireSize: -1}
		rec.From = fmt.Sprintf("status %d given with --status (%s)", in.status, requestFrom)
		cfg.recording = rec
		return nil
	}
	var r io.Reader
	name := "stdin"
	if in.response == "-" {
		var err error
		if r, err = stdin.take("--response -"); err != nil {
			return err
		}
	} else {
		f, err := os.Open(in.response)
		if err != nil {
			return usagef("--response %s: cannot read the file (%s)", in.response, fileHint(err))
		}
		cfg.closers = append(cfg.closers, f)
		if fi, err := f.Stat(); err == nil {
			rec.Modified = fi.ModTime() // when the response was saved
		}
		r, name = f, filepath.Base(in.response)
	}
	if statusGiven {
		rec.Response = &capture.RecordedResponse{Status: in.status, StatusText: http.StatusText(in.status), Body: r, WireSize: -1}
		rec.From = fmt.Sprintf("body saved in %s, with status %d given with --status (%s)", name, in.status, requestFrom)
		cfg.recording = rec
		return nil
	}
	resp, err := rawresp.Parse(r)
	if err != nil {
		if errors.Is(err, rawresp.ErrNoStatusLine) {
			return usagef("--response %s: %v; save the response with curl -i, or add --status CODE to use the file as the body", name, err)
		}
		return usagef("--response %s: %v", name, err)
	}
	rec.Response = resp
	rec.From = fmt.Sprintf("response saved in %s (%s)", name, requestFrom)
	cfg.recording = rec
	return nil
}

// readInputFile reads a file named by a flag, at most max bytes.
func readInputFile(name string, max int64, flag string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("%s%s: cannot read the file (%s)", flag, name, fileHint(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, usagef("%s%s: cannot read the file (%v)", flag, name, err)
	}
	return b, nil
}

func fileHint(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file; check the path, relative to " + cwd()
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	return "check the path"
}

func cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return "the current folder"
	}
	return d
}

// sharedStdin hands stdin to one reader only: two inputs that both read it
// (--curl - and -d @-, say) would each get part of it.
type sharedStdin struct {
	r     io.Reader
	owner string
}

func newSharedStdin(r io.Reader) *sharedStdin { return &sharedStdin{r: r} }

func (s *sharedStdin) take(who string) (io.Reader, error) {
	if s.r == nil {
		return nil, usagef("%s reads stdin, which is not available here", who)
	}
	if s.owner != "" && s.owner != who {
		return nil, usagef("%s and %s both read stdin; save one of them to a file", s.owner, who)
	}
	s.owner = who
	return s.r, nil
}

// reader returns a reader that takes stdin for who on first use, or nil
// when stdin is not available.
func (s *sharedStdin) reader(who string) io.Reader {
	if s.r == nil {
		return nil
	}
	return readerFunc(func(p []byte) (int, error) {
		r, err := s.take(who)
		if err != nil {
			return 0, err
		}
		return r.Read(p)
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// recordedExchange builds the exchange of a --no-replay run and closes the
// files it read.
func recordedExchange(cfg *config, now time.Time) *capture.Exchange {
	defer func() {
		for _, c := range cfg.closers {
			c.Close()
		}
	}()
	return capture.Recorded(*cfg.recording, capture.Options{MaxBody: cfg.maxBody, Now: func() time.Time { return now }})
}

package curlcmd

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Flags holds the curl options of one command line as given, before Build
// turns them into a request. The zero value is an empty command line.
type Flags struct {
	Method        string
	URL           string   // --url
	Args          []string // positional arguments: the URL
	Headers       []string // -H values, in order
	Data          []Data   // the body options, in command-line order
	URLQuery      []string // --url-query values
	User          string   // -u user:password
	OAuth2Bearer  string
	Cookies       []string // -b values
	UserAgent     string   // -A
	Referer       string   // -e
	RequestTarget string
	MaxTime       float64 // -m, seconds
	MaxRedirs     int

	Get, Head, Compressed, Insecure, Location, Globoff bool

	// Form holds the -F/--form and --form-string values, in order.
	Form []FormArg
	// Upload holds the -T/--upload-file values, in order: the Nth goes
	// with the Nth URL, as in curl.
	Upload []string
	// CookieJar is -c/--cookie-jar: where curl would save the cookies it
	// receives. Nothing is saved; Build says so in a note.
	CookieJar string

	// urls are the --url values, in order (URL holds the last).
	urls []string
	// stdin is what the pasted command feeds curl's standard input from
	// a here-string, a heredoc or a < redirection; see Parse.
	stdin *Stdin
	// Net holds how the connection is made: proxies, TLS files, name
	// resolution, --digest and -r (network.go).
	Net Network

	// set records the long names of the options that were given.
	set map[string]bool
	// refused lists the known options that altegio-ticket cannot honour,
	// with what to do instead; Build reports them all at once.
	refused []OptionProblem
	// over are the -H values of a command line that overrides this one.
	over []string
}

// FormArg is one multipart option: Literal is true for --form-string,
// whose value is taken as it is (no @file, <file or ;type=).
type FormArg struct {
	Literal bool
	Value   string
}

// Data is one body option: Kind is its long name ("data", "data-raw",
// "data-binary", "data-ascii", "data-urlencode" or "json").
type Data struct {
	Kind  string
	Value string
}

func (f *Flags) mark(name string) {
	if f.set == nil {
		f.set = map[string]bool{}
	}
	f.set[name] = true
}

// Given reports whether the option with this long name was given.
func (f *Flags) Given(name string) bool { return f.set[name] }

// requestOptions are the options that shape the request itself, as
// opposed to how it is sent (-k, -m, --max-redirs, -L) or what curl prints.
var requestOptions = []string{
	"request", "url", "header", "data", "data-ascii", "data-raw", "data-binary", "data-urlencode", "json",
	"url-query", "user", "oauth2-bearer", "cookie", "user-agent", "referer", "request-target", "get", "head",
	"compressed", "globoff", "form", "form-string", "upload-file", "range", "digest",
}

// RequestOptions returns, as "--name", the options given that shape the
// request, for a caller whose request comes from elsewhere (a HAR file).
func (f *Flags) RequestOptions() []string {
	var out []string
	for _, name := range requestOptions {
		if f.set[name] {
			out = append(out, "--"+name)
		}
	}
	return out
}

// Register defines curl's options on fs, bound to f. An option whose long
// name is already defined on fs is left to fs; when only its short name is
// taken, the option is defined by its long name alone. So a program adds
// its own flags first and curl's after them, as altegio-ticket does with
// -o (the ticket file, not the response file) and -y (--yes).
func (f *Flags) Register(fs *pflag.FlagSet) {
	def := func(v pflag.Value, long, short string, boolean bool) {
		if fs.Lookup(long) != nil {
			return
		}
		if short != "" && fs.ShorthandLookup(short) != nil {
			short = ""
		}
		fl := fs.VarPF(v, long, short, "")
		if boolean {
			fl.NoOptDefVal = "true"
		}
	}
	str := func(p *string, long, short string) { def(&strValue{f, long, p}, long, short, false) }
	list := func(p *[]string, long, short string) { def(&listValue{f, long, p}, long, short, false) }
	flag := func(p *bool, long, short string) { def(&boolValue{f, long, p}, long, short, true) }

	str(&f.Method, "request", "X")
	def(&urlValue{f}, "url", "", false)
	list(&f.Headers, "header", "H")
	for _, d := range []struct{ long, short string }{
		{"data", "d"}, {"data-ascii", ""}, {"data-raw", ""}, {"data-binary", ""}, {"data-urlencode", ""}, {"json", ""},
	} {
		def(&dataValue{f, d.long}, d.long, d.short, false)
	}
	list(&f.URLQuery, "url-query", "")
	str(&f.User, "user", "u")
	str(&f.OAuth2Bearer, "oauth2-bearer", "")
	list(&f.Cookies, "cookie", "b")
	str(&f.UserAgent, "user-agent", "A")
	str(&f.Referer, "referer", "e")
	str(&f.RequestTarget, "request-target", "")
	def(&floatValue{f, "max-time", &f.MaxTime}, "max-time", "m", false)
	def(&intValue{f, "max-redirs", &f.MaxRedirs}, "max-redirs", "", false)
	flag(&f.Get, "get", "G")
	flag(&f.Head, "head", "I")
	flag(&f.Compressed, "compressed", "")
	flag(&f.Insecure, "insecure", "k")
	flag(&f.Location, "location", "L")
	flag(&f.Globoff, "globoff", "g")
	def(&formValue{f, "form", false}, "form", "F", false)
	def(&formValue{f, "form-string", true}, "form-string", "", false)
	list(&f.Upload, "upload-file", "T")
	str(&f.CookieJar, "cookie-jar", "c")
	f.registerNetwork(str, list, flag, def)

	for _, o := range otherOptions {
		def(&otherValue{f, o}, o.long, o.short, !o.arg)
	}
}

// option is a curl option that does not shape the request: either it is
// accepted and changes nothing (why == ""), or it is refused with why.
type option struct {
	long, short string
	arg         bool
	why         string
}

const (
	whyNoRequest = "does not make a request; remove it"
	whyProxy     = "is not supported: the replay takes one proxy with -x (http, https, socks4, socks5), with -U or user:password@ for Basic credentials; remove it"
	whyTLS       = "is not supported: the replay checks the server against the system's CAs and --cacert/--capath; remove it"
	whyAuth      = "is not supported: only basic (-u user:password), --digest and -H 'Authorization: ...' are; remove it and pass the header"
	whyHeader    = "builds a request header altegio-ticket does not build; remove it and write the header with -H instead"
	whyDNS       = "is not supported: the replay resolves the host normally; remove it"
)

// otherOptions are curl's options that are not bound to a Flags field.
// Anything not listed here or in Register is unknown, and an unknown option
// is an error that names it, never silently dropped.
var otherOptions = []option{
	// Output, progress and logging: they change what curl prints, not
	// what it sends.
	{long: "silent", short: "s"}, {long: "show-error", short: "S"}, {long: "verbose", short: "v"},
	{long: "include", short: "i"}, {long: "show-headers"}, {long: "fail", short: "f"},
	{long: "fail-with-body"}, {long: "fail-early"}, {long: "progress-bar", short: "#"},
	{long: "no-progress-meter"}, {long: "no-buffer", short: "N"}, {long: "styled-output"},
	{long: "no-styled-output"}, {long: "trace-time"}, {long: "remote-name", short: "O"},
	{long: "remote-name-all"}, {long: "remote-header-name", short: "J"}, {long: "create-dirs"},
	{long: "remote-time", short: "R"}, {long: "xattr"}, {long: "no-clobber"}, {long: "remove-on-error"},
	{long: "skip-existing"}, {long: "raw"}, {long: "disable", short: "q"}, {long: "parallel", short: "Z"},
	{long: "parallel-immediate"}, {long: "suppress-connect-headers"},
	{long: "output", short: "o", arg: true}, {long: "output-dir", arg: true}, {long: "write-out", short: "w", arg: true},
	{long: "dump-header", short: "D", arg: true}, {long: "trace", arg: true}, {long: "trace-ascii", arg: true},
	{long: "trace-config", arg: true}, {long: "stderr", arg: true},
	{long: "libcurl", arg: true}, {long: "create-file-mode", arg: true}, {long: "etag-save", arg: true},
	{long: "parallel-max", arg: true},
	// Connection tuning: the replay makes its own connection.
	{long: "no-keepalive"}, {long: "keepalive"}, {long: "tcp-nodelay"}, {long: "tcp-fastopen"},
	{long: "path-as-is"}, {long: "http1.0", short: "0"}, {long: "http1.1"}, {long: "http2"},
	{long: "http2-prior-knowledge"}, {long: "http3"}, {long: "http3-only"}, {long: "ipv4", short: "4"},
	{long: "ipv6", short: "6"}, {long: "ssl-reqd"}, {long: "ssl"}, {long: "tlsv1", short: "1"},
	{long: "tlsv1.0"}, {long: "tlsv1.1"}, {long: "tlsv1.2"}, {long: "tlsv1.3"}, {long: "no-sessionid"},
	{long: "no-alpn"}, {long: "no-npn"}, {long: "ssl-no-revoke"}, {long: "ssl-revoke-best-effort"},
	{long: "ssl-allow-beast"}, {long: "cert-status"}, {long: "ca-native"}, {long: "false-start"},
	{long: "post301"}, {long: "post302"}, {long: "post303"}, {long: "location-trusted"},
	{long: "basic"}, {long: "proxy-basic"}, {long: "retry-all-errors"}, {long: "retry-connrefused"},
	{long: "disallow-username-in-url"}, {long: "junk-session-cookies", short: "j"},
	{long: "connect-timeout", arg: true}, {long: "retry", arg: true}, {long: "retry-delay", arg: true},
	{long: "retry-max-time", arg: true}, {long: "keepalive-time", arg: true}, {long: "keepalive-cnt", arg: true},
	{long: "limit-rate", arg: true}, {long: "max-filesize", arg: true}, {long: "speed-time", short: "y", arg: true},
	{long: "speed-limit", short: "Y", arg: true}, {long: "expect100-timeout", arg: true},
	{long: "happy-eyeballs-timeout-ms", arg: true}, {long: "rate", arg: true}, {long: "ciphers", arg: true},
	{long: "tls13-ciphers", arg: true}, {long: "curves", arg: true}, {long: "tls-max", arg: true},
	{long: "proto", arg: true}, {long: "proto-redir", arg: true}, {long: "interface", arg: true},
	{long: "local-port", arg: true},
	// Known, and refused with what to do instead.
	{long: "preproxy", arg: true, why: whyProxy}, {long: "proxy-header", arg: true, why: whyProxy},
	{long: "proxy-digest", why: whyProxy}, {long: "proxy-ntlm", why: whyProxy},
	{long: "proxy-negotiate", why: whyProxy}, {long: "proxy-anyauth", why: whyProxy},
	{long: "proxy-cert", arg: true, why: whyProxy}, {long: "proxy-key", arg: true, why: whyProxy},
	{long: "pinnedpubkey", arg: true, why: whyTLS},
	{long: "dns-servers", arg: true, why: whyDNS}, {long: "doh-url", arg: true, why: whyDNS},
	{long: "unix-socket", arg: true, why: "is not supported: the replay connects over TCP; remove it"},
	{long: "abstract-unix-socket", arg: true, why: "is not supported: the replay connects over TCP; remove it"},
	{long: "ntlm", why: whyAuth}, {long: "ntlm-wb", why: whyAuth},
	{long: "negotiate", why: whyAuth}, {long: "anyauth", why: whyAuth},
	{long: "aws-sigv4", arg: true, why: whyAuth}, {long: "delegation", arg: true, why: whyAuth},
	{long: "netrc", short: "n", why: "reads credentials from .netrc, which altegio-ticket does not; pass -u user:password or the Authorization header instead"},
	{long: "netrc-optional", why: "reads credentials from .netrc, which altegio-ticket does not; pass -u user:password or the Authorization header instead"},
	{long: "netrc-file", arg: true, why: "reads credentials from a netrc file, which altegio-ticket does not; pass -u user:password or the Authorization header instead"},
	{long: "config", short: "K", arg: true, why: "reads more options from a file; paste those options into the command instead"},
	{long: "next", short: ":", why: "starts a second request; a ticket holds one call, so keep only the failing one"},
	{long: "variable", arg: true, why: "defines a curl variable, which altegio-ticket does not expand; paste the values instead"},
	{long: "continue-at", short: "C", arg: true, why: whyHeader},
	{long: "time-cond", short: "z", arg: true, why: whyHeader}, {long: "etag-compare", arg: true, why: whyHeader},
	{long: "help", short: "h", why: whyNoRequest}, {long: "version", short: "V", why: whyNoRequest},
	{long: "manual", short: "M", why: whyNoRequest},
}

// Names returns the long names of every curl option Register defines, for
// documentation and tests.
func Names() []string {
	fs := pflag.NewFlagSet("curl", pflag.ContinueOnError)
	new(Flags).Register(fs)
	var out []string
	fs.VisitAll(func(f *pflag.Flag) { out = append(out, f.Name) })
	return out
}

// Parse reads a pasted curl command: Split, then curl's options only. The
// first word must be curl (or curl.exe, or a path to either); a leading
// "$ " prompt and NAME=value assignments before it are skipped. An option
// curl does not have, or that this package does not know, is an error that
// names it.
func Parse(text string, getenv func(string) string) (*Flags, []string, error) {
	line, err := SplitCommand(text, getenv)
	if err != nil {
		return nil, nil, err
	}
	words, notes := line.Words, line.Notes
	for len(words) > 0 && (words[0] == "$" || words[0] == ">" || words[0] == "%" || isAssignment(words[0])) {
		words = words[1:]
	}
	if len(words) == 0 {
		return nil, nil, errors.New("the pasted command is empty; paste the whole curl command, starting with curl")
	}
	if isCurl(words[0]) {
		words = words[1:]
	} else if !strings.HasPrefix(words[0], "-") && !strings.Contains(words[0], "://") {
		return nil, nil, errors.New("the pasted command does not start with curl; paste the whole curl command, starting with curl (in the browser: Copy as cURL, not as fetch or PowerShell)")
	}
	f, err := ParseArgs(words)
	if err != nil {
		return nil, nil, err
	}
	f.stdin = line.Stdin
	return f, notes, nil
}

// ParseArgs reads curl's options from argv (without the program name),
// spelt as curl 7.88 takes them (see Normalize). Every option that cannot
// be used is named in one *OptionError.
func ParseArgs(args []string) (*Flags, error) {
	f := &Flags{}
	fs := pflag.NewFlagSet("curl", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f.Register(fs)
	norm, nerr := Normalize(fs, args)
	if err := fs.Parse(norm); err != nil {
		if nerr != nil {
			return nil, nerr
		}
		return nil, curlError(err)
	}
	if nerr != nil {
		return nil, nerr
	}
	f.Args = fs.Args()
	return f, nil
}

// curlError rewords pflag's errors for a pasted curl command.
func curlError(err error) error {
	var notExist *pflag.NotExistError
	var needs *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		name := "--" + notExist.GetSpecifiedName()
		if sh := notExist.GetSpecifiedShortnames(); sh != "" {
			name = "-" + notExist.GetSpecifiedName()
		}
		name = printable(name)
		return fmt.Errorf("the curl command uses %s, which altegio-ticket does not know; remove it (or write what it does with -H or -d) and try again", name)
	case errors.As(err, &needs):
		name := "--" + needs.GetFlag().Name
		return fmt.Errorf("the curl command ends at %s, which needs a value; paste the whole command", name)
	case errors.As(err, &invalid):
		return fmt.Errorf("the curl command gives %s a value it cannot use (%v)", "--"+invalid.GetFlag().Name, invalid.Unwrap())
	}
	var syntax *pflag.InvalidSyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("the curl command has %s, which is not an option; remove it or quote it", printable(syntax.GetSpecifiedFlag()))
	}
	return fmt.Errorf("reading the curl command: %s", strings.Join(strings.Fields(err.Error()), " "))
}

// printable shows an option name as it is when it is plain, quoted and
// cut short otherwise, so that an error stays on one line.
func printable(name string) string {
	if len(name) <= 40 && strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._#:") == "" {
		return name
	}
	return strconv.Quote(cut(name, 40))
}

func isCurl(word string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(word, `\`, "/")))
	return base == "curl" || base == "curl.exe" || base == "altegio-ticket" || base == "altegio-ticket.exe"
}

func isAssignment(word string) bool {
	i := strings.IndexByte(word, '=')
	return i > 0 && isName(word[:i])
}

// Override applies the options given in o over those of f: a single-valued
// option o gave replaces f's; o's body options replace all of f's; o's -H
// values replace f's headers of the same names and add the others. So
// `--curl @cmd.txt -H 'Authorization: ...'` swaps one header.
func (f *Flags) Override(o *Flags) {
	if o == nil {
		return
	}
	for name := range o.set {
		f.mark(name)
		switch name {
		case "request":
			f.Method = o.Method
		case "url":
			f.URL, f.urls, f.Args = o.URL, o.urls, nil // the pasted URL is replaced
		case "header":
			f.over = append(f.over, o.Headers...)
		case "data", "data-ascii", "data-raw", "data-binary", "data-urlencode", "json":
			f.Data = o.Data
		case "url-query":
			f.URLQuery = o.URLQuery
		case "user":
			f.User = o.User
		case "oauth2-bearer":
			f.OAuth2Bearer = o.OAuth2Bearer
		case "cookie":
			f.Cookies = o.Cookies
		case "user-agent":
			f.UserAgent = o.UserAgent
		case "referer":
			f.Referer = o.Referer
		case "request-target":
			f.RequestTarget = o.RequestTarget
		case "max-time":
			f.MaxTime = o.MaxTime
		case "max-redirs":
			f.MaxRedirs = o.MaxRedirs
		case "get":
			f.Get = o.Get
		case "head":
			f.Head = o.Head
		case "compressed":
			f.Compressed = o.Compressed
		case "insecure":
			f.Insecure = o.Insecure
		case "location":
			f.Location = o.Location
		case "globoff":
			f.Globoff = o.Globoff
		case "form", "form-string":
			f.Form = o.Form
		case "upload-file":
			f.Upload = o.Upload
		case "cookie-jar":
			f.CookieJar = o.CookieJar
		default:
			f.overrideNetwork(o, name)
		}
	}
	f.refused = append(f.refused, o.refused...)
	if len(o.Args) > 0 {
		f.Args = o.Args
		if !o.Given("url") {
			f.URL, f.urls = "", nil
		}
	}
}

// The pflag.Value types below record, besides the value, that the option
// was given, so that Override knows which options a command line set.

type strValue struct {
	f    *Flags
	name string
	p    *string
}

func (v *strValue) Set(s string) error { *v.p = s; v.f.mark(v.name); return nil }
func (v *strValue) String() string     { return *v.p }
func (v *strValue) Type() string       { return "string" }

type listValue struct {
	f    *Flags
	name string
	p    *[]string
}

func (v *listValue) Set(s string) error { *v.p = append(*v.p, s); v.f.mark(v.name); return nil }
func (v *listValue) String() string     { return "" }
func (v *listValue) Type() string       { return "string" }

type boolValue struct {
	f    *Flags
	name string
	p    *bool
}

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*v.p = b
	v.f.mark(v.name)
	return nil
}
func (v *boolValue) String() string   { return strconv.FormatBool(*v.p) }
func (v *boolValue) Type() string     { return "bool" }
func (v *boolValue) IsBoolFlag() bool { return true }

type floatValue struct {
	f    *Flags
	name string
	p    *float64
}

func (v *floatValue) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x < 0 {
		return errors.New("want a number of seconds, e.g. 30 or 2.5")
	}
	*v.p = x
	v.f.mark(v.name)
	return nil
}
func (v *floatValue) String() string { return "" }
func (v *floatValue) Type() string   { return "seconds" }

type intValue struct {
	f    *Flags
	name string
	p    *int
}

func (v *intValue) Set(s string) error {
	x, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want a whole number")
	}
	*v.p = x
	v.f.mark(v.name)
	return nil
}
func (v *intValue) String() string { return "" }
func (v *intValue) Type() string   { return "int" }

// dataValue is shared by the body options, so that their relative order
// is kept as curl keeps it.
type dataValue struct {
	f    *Flags
	kind string
}

func (v *dataValue) Set(s string) error {
	v.f.Data = append(v.f.Data, Data{v.kind, s})
	v.f.mark(v.kind)
	return nil
}
func (v *dataValue) String() string { return "" }
func (v *dataValue) Type() string   { return "string" }

// otherValue accepts an option that changes nothing, or records why a
// known option is refused.
type otherValue struct {
	f *Flags
	o option
}

func (v *otherValue) Set(s string) error {
	if !(!v.o.arg && s == "false") {
		v.f.mark(v.o.long)
	}
	if v.o.why != "" && !(!v.o.arg && s == "false") { // --no-digest asks for nothing
		name := "--" + v.o.long
		if v.o.short != "" {
			name = "-" + v.o.short + "/" + name
		}
		v.f.refused = append(v.f.refused, OptionProblem{Option: name, Why: v.o.why})
	}
	return nil
}

// urlValue is --url: curl adds each to its list of URLs.
type urlValue struct{ f *Flags }

func (v urlValue) Set(s string) error {
	v.f.URL = s
	v.f.urls = append(v.f.urls, s)
	v.f.mark("url")
	return nil
}
func (v urlValue) String() string { return v.f.URL }
func (v urlValue) Type() string   { return "string" }
func (urlValue) curlOption()      {}

// formValue is -F/--form and --form-string, kept in one list so that the
// parts keep their order.
type formValue struct {
	f       *Flags
	name    string
	literal bool
}

func (v *formValue) Set(s string) error {
	v.f.Form = append(v.f.Form, FormArg{Literal: v.literal, Value: s})
	v.f.mark(v.name)
	return nil
}
func (v *formValue) String() string  { return "" }
func (v *formValue) Type() string    { return "string" }
func (*formValue) curlOption()       {}
func (v *otherValue) String() string { return "" }
func (v *otherValue) Type() string {
	if v.o.arg {
		return "string"
	}
	return "bool"
}
func (v *otherValue) IsBoolFlag() bool { return !v.o.arg }

// Package curlcmd owns curl's command-line semantics for altegio-ticket:
// one implementation, used both for the tool's own command line (which
// takes curl's options) and for a curl command pasted with --curl.
//
// Split reads pasted text the way bash or cmd.exe would; Parse and
// ParseArgs read curl's options into Flags (Register adds them to another
// program's pflag set); Flags.Build turns them into a capture.Request with
// curl's rules for -H, the body options, -u, -b, -A, -e, -G, -I, --json and
// the rest, and adds the headers curl would add by default. Format goes
// the other way, from a Request to curl's arguments.
//
// The package reads the files that @file arguments name and, for @-, the
// reader it is given; it never touches the network.
package curlcmd

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// Env is what Build may read besides the options.
type Env struct {
	// Stdin is read for @- arguments; nil when stdin is not available.
	Stdin io.Reader
	// ReadFile reads @file arguments; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
	// UserAgent is the User-Agent sent when the command gives none, in
	// place of curl's own; "" sends none.
	UserAgent string
}

func (e Env) readFile(name string) ([]byte, error) {
	if e.ReadFile != nil {
		return e.ReadFile(name)
	}
	return os.ReadFile(name)
}

// Command is a curl command line as the replay needs it.
type Command struct {
	Request capture.Request
	// Insecure is -k: skip TLS certificate verification.
	Insecure bool
	// Timeout is -m/--max-time; 0 when not given.
	Timeout time.Duration
	// MaxRedirects is --max-redirs in capture.Options' terms: 0 when not
	// given, -1 for --max-redirs 0.
	MaxRedirects int
	// Notes are plain sentences for the user about what was changed or
	// left out; they hold no header or body values.
	Notes []string
	// Net is how the connection is made (proxy, TLS files, --resolve,
	// --digest, ...), for capture.Options (Net.Apply).
	Net Net
}

// Transport returns a Command with only the options that say how the
// request is sent (-k, -m, --max-redirs) filled in, for a request that
// comes from elsewhere; it fails for a refused option.
func (f *Flags) Transport() (*Command, error) { return f.transport(Env{}) }

// transport is Transport with the files of the connection options (the
// CA and certificate files) read through env.
func (f *Flags) transport(env Env) (*Command, error) {
	if len(f.refused) > 0 {
		return nil, errors.New("the option " + f.refused[0])
	}
	net, err := f.network(env)
	if err != nil {
		return nil, err
	}
	cmd := &Command{Insecure: f.Insecure, Net: net, Notes: net.Notes}
	if f.MaxTime > 0 {
		cmd.Timeout = time.Duration(f.MaxTime * float64(time.Second))
	}
	if f.Given("max-redirs") {
		switch {
		case f.MaxRedirs == 0:
			cmd.MaxRedirects = -1 // follow none
		case f.MaxRedirs > 0:
			cmd.MaxRedirects = f.MaxRedirs
		} // curl's -1 (no limit) keeps capture's default
	}
	return cmd, nil
}

// Default header values curl sends when the command gives none.
const (
	DefaultAccept      = "*/*"
	DefaultContentType = "application/x-www-form-urlencoded"
)

// Build turns the options into a request with curl's rules and reads the
// @file arguments. Headers given with -H keep their order and are marked
// capture.FromUser, as are those -u, -b, -A and -e make; the headers curl
// adds on its own (User-Agent, Accept: */*, the form Content-Type of -d,
// those of --json and --compressed) are marked capture.FromTool. A header
// named with -H 'Name:' is not sent at all.
//
// Errors are the user's to fix, in one sentence that says how.
func (f *Flags) Build(env Env) (*Command, error) {
	cmd, err := f.transport(env)
	if err != nil {
		return nil, err
	}

	urls := f.Args
	if f.URL != "" {
		urls = append([]string{f.URL}, urls...)
	}
	switch {
	case len(urls) == 0:
		return nil, errors.New("missing URL: altegio-ticket [flags] URL (or try --demo)")
	case len(urls) > 1:
		return nil, fmt.Errorf("expected one URL, got %d (quote a URL that contains & or spaces)", len(urls))
	}
	raw := urls[0]
	if !f.Globoff {
		raw = unglob(raw)
	}
	target, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	for _, q := range f.URLQuery {
		v := q
		if s, ok := strings.CutPrefix(q, "+"); ok {
			v = s
		} else if v, err = urlencodeArg(q, env, "--url-query"); err != nil {
			return nil, err
		}
		target = appendQuery(target, v)
	}
	if f.RequestTarget != "" {
		if !strings.HasPrefix(f.RequestTarget, "/") {
			return nil, errors.New("--request-target is supported only with a path such as /api/v1/x; put the target in the URL instead")
		}
		u, _ := url.Parse(target)
		target = u.Scheme + "://" + u.Host + f.RequestTarget
	}

	req := &cmd.Request
	dropped := map[string]bool{}
	hs, err := headerList(f.Headers, dropped, env)
	if err != nil {
		return nil, err
	}
	if len(f.over) > 0 {
		overDropped := map[string]bool{}
		over, err := headerList(f.over, overDropped, env)
		if err != nil {
			return nil, err
		}
		hs = replaceHeaders(hs, over, overDropped)
		for k := range overDropped {
			dropped[k] = true
		}
	}
	req.Header = hs

	body, isJSON, err := readData(f.Data, env)
	if err != nil {
		return nil, err
	}
	if f.Head && body != nil && !f.Get {
		return nil, errors.New("-I (HEAD) and a body option (-d, --json, ...) cannot go together: curl sends HEAD or POST, not both; drop one, or add -G to send the data in the URL")
	}
	if f.Get && body != nil {
		target = appendQuery(target, string(body))
		body = nil
	}
	req.URL = target
	req.Body = body

	switch {
	case f.Method != "":
		if !validMethod(f.Method) {
			return nil, fmt.Errorf("-X %q is not an HTTP method: a method is one word of letters, such as GET, POST or DELETE", f.Method)
		}
		req.Method = f.Method
	case f.Head:
		req.Method = "HEAD"
	case f.Get || body == nil:
		req.Method = "GET"
	default:
		req.Method = "POST"
	}

	add := func(name, value string, origin capture.Origin) {
		if !req.Header.Has(name) && !dropped[strings.ToLower(name)] {
			req.Header = append(req.Header, capture.Header{Name: name, Value: value, Origin: origin})
		}
	}
	switch {
	case f.OAuth2Bearer != "":
		add("Authorization", "Bearer "+f.OAuth2Bearer, capture.FromUser)
	case f.User != "" && !f.Net.Digest: // --digest answers a challenge instead (Net.Digest)
		if !strings.Contains(f.User, ":") {
			return nil, errors.New("-u needs user:password; without the password curl would ask for it, so write -u 'user:password'")
		}
		add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(f.User)), capture.FromUser)
	}
	if c, err := cookieHeader(f.Cookies); err != nil {
		return nil, err
	} else if c != "" {
		add("Cookie", c, capture.FromUser)
	}
	if f.Given("user-agent") {
		if f.UserAgent == "" {
			dropped["user-agent"] = true // curl -A "" sends no User-Agent
		} else {
			add("User-Agent", f.UserAgent, capture.FromUser)
		}
	}
	if ref, _ := strings.CutSuffix(f.Referer, ";auto"); ref != "" {
		add("Referer", ref, capture.FromUser)
	}
	if isJSON {
		add("Content-Type", "application/json", capture.FromTool)
		add("Accept", "application/json", capture.FromTool)
	}
	if note := f.rangeHeader(req.Body, add); note != "" {
		cmd.Notes = append(cmd.Notes, note)
	}
	if f.Compressed {
		// curl 7.88 asks for every coding it was built with, in this
		// order; the replay decodes them all.
		add("Accept-Encoding", capture.Decodable, capture.FromTool)
	}
	if env.UserAgent != "" {
		add("User-Agent", env.UserAgent, capture.FromTool)
	}
	add("Accept", DefaultAccept, capture.FromTool)
	if req.Body != nil {
		add("Content-Type", DefaultContentType, capture.FromTool)
	}
	return cmd, nil
}

// ParseURL checks a URL the way curl reads it: a missing scheme means
// http://, and only http and https are supported. It returns the URL with
// its scheme. Its errors say where the URL breaks and never quote the
// path, the query or a user:password, which may hold a token.
func ParseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s != raw {
		return "", errors.New("the URL has spaces or a line break around it; remove them (quote the URL as one argument)")
	}
	added := 0
	if !strings.Contains(s, "://") {
		s, added = "http://"+s, len("http://")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", urlProblem(s, added, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("the URL starts with %s://; only http:// and https:// are supported", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("the URL has no host after %s://; write it as https://api.alteg.io/api/v1/...", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("the URL's port %s is not a port: use a number from 1 to 65535, or none (https:// means 443)", p)
		}
	}
	return s, nil
}

// unglob undoes the backslash escapes that keep curl's URL globbing from
// reading [ ] { } (Chrome writes them so); altegio-ticket never globs.
func unglob(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\[`, "[", `\]`, "]", `\{`, "{", `\}`, "}")
	return r.Replace(s)
}

// appendQuery adds q to the URL's query string as curl -G does.
func appendQuery(target, q string) string {
	if q == "" {
		return target
	}
	frag := ""
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target, frag = target[:i], target[i:]
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
		if strings.HasSuffix(target, "?") || strings.HasSuffix(target, "&") {
			sep = ""
		}
	}
	return target + sep + q + frag
}

// headerList reads -H values with curl's rules: "Name: value" sends it,
// "Name:" drops a default header of that name, "Name;" sends it empty, and
// "@file" reads one header per line.
func headerList(values []string, dropped map[string]bool, env Env) (capture.Headers, error) {
	var hs capture.Headers
	for i, h := range values {
		if err := addHeader(&hs, dropped, h, env); err != nil {
			if len(values) > 1 {
				// Say which -H, since the message cannot quote it.
				return nil, fmt.Errorf("-H number %d: %w", i+1, err)
			}
			return nil, err
		}
	}
	return hs, nil
}

func addHeader(hs *capture.Headers, dropped map[string]bool, h string, env Env) error {
	if strings.HasPrefix(h, "@") {
		b, err := readFileArg(h[1:], env, "-H")
		if err != nil {
			return err
		}
		for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := addHeader(hs, dropped, line, env); err != nil {
				return err
			}
		}
		return nil
	}
	colon := strings.IndexByte(h, ':')
	if colon < 0 {
		if name, ok := strings.CutSuffix(h, ";"); ok && validName(name) {
			*hs = append(*hs, capture.Header{Name: name, Value: "", Origin: capture.FromUser})
			return nil
		}
		return fmt.Errorf("the header %shas no colon; write it as -H 'Name: value'", headerHint(h))
	}
	name, value := h[:colon], strings.TrimLeft(h[colon+1:], " \t")
	if !validName(name) {
		return fmt.Errorf("the header name %sis not valid (no spaces or special characters); write it as -H 'Name: value'", headerHint(name))
	}
	if value == "" {
		dropped[strings.ToLower(name)] = true
		return nil
	}
	*hs = append(*hs, capture.Header{Name: name, Value: value, Origin: capture.FromUser})
	return nil
}

// headerHint shows the start of a malformed header without its value,
// which may be a token.
// headerHint names a malformed header by its first word, followed by a
// space, when that is safe to print: a word followed by more text and
// shaped like a header name or a scheme ("Authorization", "Bearer"). A
// header of one word may be a bare token (-H "$TOKEN"), and a long word
// may be one too, so those are not shown; the message is then generic.
func headerHint(h string) string {
	i := strings.IndexAny(h, " \t=")
	if i <= 0 || i > 30 || !validName(h[:i]) {
		return ""
	}
	return fmt.Sprintf("starting %q ", h[:i])
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
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

// replaceHeaders drops from base every header named in over (or dropped
// by it) and appends over.
func replaceHeaders(base, over capture.Headers, overDropped map[string]bool) capture.Headers {
	var out capture.Headers
	for _, h := range base {
		if !over.Has(h.Name) && !overDropped[strings.ToLower(h.Name)] {
			out = append(out, h)
		}
	}
	return append(out, over...)
}

// cookieHeader joins -b values as curl does. A value without = names a
// cookie file, which is not read.
func cookieHeader(values []string) (string, error) {
	var parts []string
	for _, c := range values {
		if c == "" {
			continue // -b "" only turns curl's cookie engine on
		}
		if !strings.Contains(c, "=") {
			return "", errors.New("-b FILE reads cookies from a file, which altegio-ticket does not do; pass them as -b 'name=value; name2=value2'")
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, ";"), nil
}

// readData joins the body options with curl's rules: -d @file strips CR
// and LF, --data-binary and --json @file keep the bytes, --data-raw never
// reads a file, --data-urlencode encodes; pieces are joined with &, and
// consecutive --json pieces are concatenated. isJSON says whether --json
// was among them. The body is nil when no body option was given.
func readData(data []Data, env Env) (body []byte, isJSON bool, err error) {
	if len(data) == 0 {
		return nil, false, nil
	}
	var b bytes.Buffer
	for i, d := range data {
		if i > 0 && !(d.Kind == "json" && data[i-1].Kind == "json") {
			b.WriteByte('&')
		}
		var piece []byte
		switch d.Kind {
		case "data-raw":
			piece = []byte(d.Value)
		case "data-urlencode":
			s, err := urlencodeArg(d.Value, env, "--data-urlencode")
			if err != nil {
				return nil, false, err
			}
			piece = []byte(s)
		default:
			piece = []byte(d.Value)
			if strings.HasPrefix(d.Value, "@") {
				if piece, err = readFileArg(d.Value[1:], env, "--"+d.Kind); err != nil {
					return nil, false, err
				}
				if d.Kind == "data" || d.Kind == "data-ascii" {
					piece = bytes.ReplaceAll(piece, []byte("\r"), nil)
					piece = bytes.ReplaceAll(piece, []byte("\n"), nil)
				}
			}
		}
		if d.Kind == "json" {
			isJSON = true
		}
		b.Write(piece)
	}
	return append([]byte{}, b.Bytes()...), isJSON, nil
}

// urlencodeArg applies --data-urlencode's rules: "content", "=content",
// "name=content", "@file" and "name@file"; the content is percent-encoded,
// the name is taken as it is.
func urlencodeArg(v string, env Env, flag string) (string, error) {
	if s, ok := strings.CutPrefix(v, "="); ok {
		return escape(s), nil
	}
	i := strings.IndexAny(v, "=@")
	switch {
	case i < 0:
		return escape(v), nil
	case v[i] == '=':
		return v[:i] + "=" + escape(v[i+1:]), nil
	}
	b, err := readFileArg(v[i+1:], env, flag)
	if err != nil {
		return "", err
	}
	if i == 0 {
		return escape(string(b)), nil
	}
	return v[:i] + "=" + escape(string(b)), nil
}

// escape percent-encodes every byte but A-Z a-z 0-9 - . _ ~, as
// curl_easy_escape does.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// readFileArg reads an @file argument; "-" is stdin.
func readFileArg(name string, env Env, flag string) ([]byte, error) {
	if name == "-" {
		if env.Stdin == nil {
			return nil, fmt.Errorf("%s @- reads stdin, which is not available here", flag)
		}
		b, err := io.ReadAll(env.Stdin)
		if err != nil {
			return nil, fmt.Errorf("%s @-: %v", flag, err)
		}
		return b, nil
	}
	if name == "" {
		return nil, fmt.Errorf("%s @ needs a file name, e.g. %s @body.json", flag, flag)
	}
	b, err := env.readFile(name)
	if err != nil {
		hint := "check the path"
		switch {
		case errors.Is(err, os.ErrNotExist):
			hint = "no such file; check the path, relative to " + cwd()
		case errors.Is(err, os.ErrPermission):
			hint = "permission denied"
		}
		return nil, fmt.Errorf("%s @%s: cannot read the file (%s)", flag, name, hint)
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

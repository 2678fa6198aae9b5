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
	"math/bits"
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
	// URLIndex picks, from 1, the request to build when the command makes
	// several; 0 means the first.
	URLIndex uint64
	// Boundary is the multipart boundary for -F; "" makes a random one
	// as curl does (tests set it).
	Boundary string
	// Now is the clock that decides which cookies of a -b file have
	// expired; nil means time.Now.
	Now func() time.Time
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
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
	// Requests is how many requests the command makes: more than one
	// when it names several URLs, a URL globs ({a,b}, [1-3]) or -T sends
	// several files; curl sends them one after the other. Index (from 1)
	// is the one Request holds.
	Requests, Index uint64
	// Form holds the parts of a multipart body (-F), as sent.
	Form []FormPart
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
		return nil, &OptionError{Problems: f.refused}
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

// ErrNoURL is returned by Build for a command line without a URL.
var ErrNoURL = errors.New("missing URL")

// IndexError is returned by Build when Env.URLIndex asks for a request
// the command does not make.
type IndexError struct {
	Index, Requests uint64
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("request %d was asked for, but the command makes %d", e.Index, e.Requests)
}

// expectThreshold is curl's EXPECT_100_THRESHOLD: a POST body larger
// than this is sent with Expect: 100-continue, as is every upload (-T).
const expectThreshold = 1 << 20

// Build turns the options into a request with curl's rules and reads the
// @file arguments. Headers given with -H are marked capture.FromUser, as
// are those -u, -b, -A and -e make; the headers curl adds on its own
// (User-Agent, Accept: */*, the form Content-Type of -d, those of --json
// and --compressed, the multipart Content-Type of -F, Expect:
// 100-continue) are marked capture.FromTool. A header named with -H
// 'Name:' is not sent at all.
//
// The headers are listed in the order curl 7.88 writes them, -H names
// spelled as given and with the separator given (Header.Sep): the replay
// sends them so on HTTP/1.1 (see capture.Request). A request with a body
// lists Content-Length (capture.FromTransport) where curl writes it; a
// -H Host goes first, spelled Host, as curl sends it.
//
// A command that makes several requests (several URLs, a globbed URL, or
// several -T files) is built for the one Env.URLIndex names; Requests and
// Index say which.
//
// Errors are the user's to fix, in one sentence that says how.
func (f *Flags) Build(env Env) (*Command, error) {
	cmd, err := f.transport(env)
	if err != nil {
		return nil, err
	}
	if f.stdin != nil {
		if env, err = f.stdin.env(env); err != nil {
			return nil, err
		}
		cmd.Notes = append(cmd.Notes, "curl's standard input is "+f.stdin.From+" in the pasted command")
	}
	stdin := stdinOnce(env)

	t, err := f.pick(env, cmd)
	if err != nil {
		return nil, err
	}
	if f.Given("http1.0") {
		cmd.Notes = append(cmd.Notes, "--http1.0: the request goes as HTTP/1.1 (curl would write HTTP/1.0 in its first line); the headers and body are the same")
	}
	target, err := curlURL(t.url, f.Given("path-as-is"))
	if err != nil {
		return nil, err
	}
	var upload []byte
	if t.upload != "" {
		if target, err = uploadURL(target, t.upload); err != nil {
			return nil, err
		}
		if t.upload == "-" || t.upload == "." {
			upload, err = stdin()
		} else {
			upload, err = env.readFile(t.upload)
		}
		if err != nil {
			return nil, fmt.Errorf("-T %s: cannot read the file (%s); curl stops here too (\"Failed to open/read local data from file/application\")", t.upload, fileProblem(err))
		}
		if upload == nil {
			upload = []byte{}
		}
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

	// curl has one request kind: GET, HEAD (-I), POST (-d), multipart
	// POST (-F) or PUT (-T); asking for two is an error.
	kind := ""
	for _, k := range []struct {
		on   bool
		name string
	}{
		{f.Head, "HEAD (-I, --head)"},
		{len(f.Form) > 0, "multipart formpost (-F, --form)"},
		{t.upload != "", "PUT (-T, --upload-file)"},
		{len(f.Data) > 0 && !f.Get, "POST (-d, --data)"},
	} {
		if !k.on {
			continue
		}
		if kind != "" {
			return nil, fmt.Errorf("curl sends one kind of request, and this command asks for both %s and %s (curl: \"You can only select one HTTP request method!\"); drop one", kind, k.name)
		}
		kind = k.name
	}

	body, isJSON, notes, err := readData(f.Data, env, stdin)
	if err != nil {
		return nil, err
	}
	cmd.Notes = append(cmd.Notes, notes...)
	if f.Get && body != nil {
		query := string(body)
		if len(f.URLQuery) > 0 {
			cmd.Notes = append(cmd.Notes, "--url-query is left out: with -G, curl 7.88 sends only the -d data in the query, and so does this replay")
		}
		if target, err = appendQuery(target, query); err != nil {
			return nil, err
		}
		body = nil
	} else {
		for _, q := range f.URLQuery {
			v := q
			if s, ok := strings.CutPrefix(q, "+"); ok {
				v = s
			} else if v, _, err = urlencodeArg(q, env, "--url-query", stdin); err != nil {
				return nil, err
			}
			if target, err = appendQuery(target, v); err != nil {
				return nil, err
			}
		}
	}
	if f.RequestTarget != "" {
		if !strings.HasPrefix(f.RequestTarget, "/") {
			return nil, errors.New("--request-target is supported only with a path such as /api/v1/x; put the target in the URL instead")
		}
		u, _ := url.Parse(target)
		target = u.Scheme + "://" + u.Host + f.RequestTarget
	}
	var userinfo string
	if target, userinfo, err = cutUserinfo(target); err != nil {
		return nil, err
	}
	req.URL = target

	var multipart *form
	var formType capture.Headers // the multipart Content-Type, with the boundary
	if len(f.Form) > 0 {
		if multipart, err = buildForm(f.Form, env, stdin); err != nil {
			return nil, err
		}
		boundary := env.Boundary
		if boundary == "" {
			boundary = NewBoundary()
		}
		ct := "multipart/form-data"
		if v := req.Header.Get("Content-Type"); v != "" {
			// curl keeps the user's type and adds its boundary to it.
			ct = v
			req.Header = without(req.Header, "Content-Type")
		}
		disposition := "attachment"
		if mt, _, _ := strings.Cut(ct, ";"); strings.EqualFold(strings.TrimSpace(mt), "multipart/form-data") {
			disposition = "form-data"
		}
		body = multipart.body(boundary, disposition)
		cmd.Form = multipart.parts
		formType = capture.Headers{{Name: "Content-Type", Value: ct + "; boundary=" + boundary, Origin: capture.FromTool}}
	}
	if t.upload != "" {
		body = upload
	}
	req.Body = body

	switch {
	case f.Method != "":
		if !validMethod(f.Method) {
			return nil, fmt.Errorf("-X %q is not an HTTP method: a method is one word of letters, such as GET, POST or DELETE", f.Method)
		}
		req.Method = f.Method
	case f.Head:
		req.Method = "HEAD"
	case t.upload != "":
		req.Method = "PUT"
	case multipart != nil:
		req.Method = "POST"
	case f.Get || body == nil:
		req.Method = "GET"
	default:
		req.Method = "POST"
	}

	// curl writes the fields it makes itself around the -H ones in a
	// fixed order (lib/http.c, Curl_http): the credentials of -u, the
	// range of -r, User-Agent, Accept, Accept-Encoding and Referer; then
	// the cookies of -b; then the -H fields, --json's after them; then,
	// with a body, Content-Length, Content-Type and Expect. Each made
	// field goes in its slot, unless a -H field of the same name stands
	// in for it (or -H 'Name:' dropped it), and the list is put together
	// in slot order at the end.
	var slots [numSlots]capture.Headers
	slots[slotType] = formType
	has := func(name string) bool {
		for _, sl := range slots {
			if sl.Has(name) {
				return true
			}
		}
		return req.Header.Has(name) || dropped[strings.ToLower(name)]
	}
	put := func(slot int, name, value string, origin capture.Origin) {
		if !has(name) {
			slots[slot] = append(slots[slot], capture.Header{Name: name, Value: value, Origin: origin})
		}
	}
	add := func(name, value string, origin capture.Origin) { put(slotOf(name), name, value, origin) }
	switch {
	case f.OAuth2Bearer != "":
		add("Authorization", "Bearer "+f.OAuth2Bearer, capture.FromUser)
	case f.User != "" && !f.Net.Digest: // --digest answers a challenge instead (Net.Digest)
		if !strings.Contains(f.User, ":") {
			return nil, errors.New("-u needs user:password; without the password curl would ask for it, so write -u 'user:password'")
		}
		add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(f.User)), capture.FromUser)
	case userinfo != "":
		// curl sends user:password@ of the URL as basic authentication
		// and never in the request line; so is it recorded.
		add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(userinfo)), capture.FromUser)
	}
	c, cookieNotes, err := f.cookieHeader(target, env)
	if err != nil {
		return nil, err
	}
	cmd.Notes = append(cmd.Notes, cookieNotes...)
	if c != "" {
		add("Cookie", c, capture.FromUser)
	}
	if f.CookieJar != "" {
		cmd.Notes = append(cmd.Notes, "-c (--cookie-jar) is left alone: curl would save the cookies it receives to a file; the ticket records them instead, and no file is written")
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
		// curl adds these to the -H list, after the given ones.
		put(slotJSON, "Content-Type", "application/json", capture.FromTool)
		put(slotJSON, "Accept", "application/json", capture.FromTool)
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
	if req.Body != nil && multipart == nil && t.upload == "" {
		add("Content-Type", DefaultContentType, capture.FromTool)
	}
	if t.upload != "" || (req.Body != nil && len(req.Body) > expectThreshold) {
		add("Expect", "100-continue", capture.FromTool)
	}
	if req.Body != nil {
		// The transport writes it; listed, it goes where curl writes it.
		put(slotLength, "Content-Length", strconv.Itoa(len(req.Body)), capture.FromTransport)
	}
	req.Header = curlOrder(req.Header, slots)
	return cmd, nil
}

// The slots of the fields curl makes itself, in the order it writes them
// around the -H fields (slotCustom).
const (
	slotAuth = iota
	slotRange
	slotAgent
	slotAccept
	slotEncoding
	slotReferer
	slotCookie
	slotCustom // the -H fields; none are put here
	slotJSON
	slotLength
	slotType
	slotExpect
	numSlots
)

// slotOf returns the slot of a field curl makes itself.
func slotOf(name string) int {
	switch strings.ToLower(name) {
	case "authorization":
		return slotAuth
	case "range", "content-range":
		return slotRange
	case "user-agent":
		return slotAgent
	case "accept":
		return slotAccept
	case "accept-encoding":
		return slotEncoding
	case "referer":
		return slotReferer
	case "cookie":
		return slotCookie
	case "content-type":
		return slotType
	case "expect":
		return slotExpect
	}
	return slotCustom
}

// curlOrder puts the -H fields (custom, in the order given) and the
// fields curl makes (slots) together as curl writes them: a -H Host
// first (the first one; curl ignores the others), spelled Host, then
// every slot in order, the -H fields in slotCustom's place.
func curlOrder(custom capture.Headers, slots [numSlots]capture.Headers) capture.Headers {
	var out, rest capture.Headers
	for _, h := range custom {
		if !strings.EqualFold(h.Name, "Host") {
			rest = append(rest, h)
		} else if out == nil {
			h.Name = "Host"
			out = capture.Headers{h}
		}
	}
	slots[slotCustom] = rest
	for _, sl := range slots {
		out = append(out, sl...)
	}
	return out
}

// without returns hs without the headers of that name.
func without(hs capture.Headers, name string) capture.Headers {
	var out capture.Headers
	for _, h := range hs {
		if !strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	return out
}

// env returns env with Stdin reading what the pasted command feeds curl.
func (s *Stdin) env(env Env) (Env, error) {
	if s.File == "" {
		env.Stdin = bytes.NewReader(s.Data)
		return env, nil
	}
	b, err := env.readFile(s.File)
	if err != nil {
		return env, fmt.Errorf("the pasted command reads its input from %s (%s), which cannot be read (%s)", s.File, s.From, fileProblem(err))
	}
	env.Stdin = bytes.NewReader(b)
	return env, nil
}

// stdinOnce returns a reader of stdin for the @- arguments: the first
// reads it all, as curl does, and the others get what is left (nothing).
func stdinOnce(env Env) func() ([]byte, error) {
	return func() ([]byte, error) { return readFileArg("-", env, "@-") }
}

// target is one request a command makes: its URL as globbed, and the
// file -T uploads to it ("" for none).
type target struct {
	url, upload string
}

// pick finds the request Env.URLIndex asks for among all the command
// makes, in curl's order: URL by URL; for each, upload file by upload
// file (a -T value may glob too); for each, the URL's glob. Nothing is
// expanded but the one picked.
func (f *Flags) pick(env Env, cmd *Command) (target, error) {
	urls := append(append([]string{}, f.urls...), f.Args...)
	if len(f.urls) == 0 && f.URL != "" {
		urls = append([]string{f.URL}, f.Args...)
	}
	if len(urls) == 0 {
		return target{}, ErrNoURL
	}
	type node struct {
		url, upload *glob
		uploadRaw   string
		count       uint64
	}
	nodes := make([]node, len(urls))
	var total uint64
	overflow := false
	for i, raw := range urls {
		n := node{url: &glob{parts: []globPart{{set: []string{raw}}}, count: 1}}
		if !f.Globoff {
			g, err := parseGlob(raw)
			if err != nil {
				return target{}, err
			}
			n.url = g
		}
		files := uint64(1)
		if i < len(f.Upload) {
			n.uploadRaw = f.Upload[i]
			n.upload = &glob{parts: []globPart{{set: []string{n.uploadRaw}}}, count: 1}
			if !f.Globoff {
				g, err := parseGlob(n.uploadRaw)
				if err != nil {
					return target{}, fmt.Errorf("-T: %w", err)
				}
				n.upload = g
			}
			files = n.upload.count
		}
		hi, lo := bits.Mul64(files, n.url.count)
		n.count = lo
		if hi != 0 || total+lo < total {
			overflow = true
		}
		total += lo
		nodes[i] = n
	}
	if overflow {
		return target{}, &GlobError{Reason: "range overflow"}
	}
	if len(f.Upload) > len(urls) {
		cmd.Notes = append(cmd.Notes, fmt.Sprintf("%d of the -T files have no URL to go to; curl leaves them out too", len(f.Upload)-len(urls)))
	}
	index := env.URLIndex
	if index == 0 {
		index = 1
	}
	cmd.Requests, cmd.Index = total, index
	if index > total {
		return target{}, &IndexError{Index: index, Requests: total}
	}
	i := index - 1
	for _, n := range nodes {
		if i >= n.count {
			i -= n.count
			continue
		}
		t := target{url: n.url.at(i % n.url.count)}
		if n.upload != nil {
			t.upload = n.upload.at(i / n.url.count)
		}
		return t, nil
	}
	panic("unreachable: index within total")
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
	if i := strings.IndexAny(h, "\r\n"); i >= 0 {
		// curl writes the value as it is, so each line after a line break
		// goes out as a header of its own.
		for _, line := range strings.FieldsFunc(h, func(r rune) bool { return r == '\r' || r == '\n' }) {
			if strings.IndexByte(line, ':') < 0 && !strings.HasSuffix(line, ";") {
				return errors.New("a line inside the header is not a header (curl sends each line of a -H value as a header line); write each header with its own -H 'Name: value'")
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
			// curl sends it as "Name:".
			*hs = append(*hs, capture.Header{Name: name, Value: "", Origin: capture.FromUser, Sep: ":"})
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
	// curl sends the line as given: -H 'X:v' goes out as "X:v".
	sep := h[colon : len(h)-len(value)]
	if sep == ": " {
		sep = ""
	}
	*hs = append(*hs, capture.Header{Name: name, Value: value, Origin: capture.FromUser, Sep: sep})
	return nil
}

// cookieFileName is how a -b value taken as a cookie file is named in a
// note: a value without = may as well be a bare session id pasted by
// mistake, which the redactor cannot know (it never becomes a Cookie
// header), so it is quoted only when it looks like a path.
func cookieFileName(name string) string {
	looksLikePath := strings.ContainsAny(name, "/\\.") && len(name) <= 40
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			looksLikePath = false
		}
	}
	if !looksLikePath {
		return "(the value given)"
	}
	return name
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

// cookieHeader builds the Cookie header of -b as curl does: a value
// with = is a cookie string, sent as it is; any other value (or one that
// starts with @) names a cookie file, of which the cookies that match the
// URL are sent, before the strings. A file that cannot be read sends no
// cookies, with a note, as curl goes on without it.
func (f *Flags) cookieHeader(target string, env Env) (string, []string, error) {
	var fromFiles, strs []string
	var notes []string
	for _, c := range f.Cookies {
		name, isFile := strings.CutPrefix(c, "@")
		if !isFile && strings.Contains(c, "=") {
			strs = append(strs, c)
			continue
		}
		if name == "" {
			continue // -b "" only turns curl's cookie engine on
		}
		b, err := env.readFile(name)
		if err != nil {
			notes = append(notes, fmt.Sprintf("-b %s: the cookie file cannot be read (%s); curl sends no cookies from it, and neither does this replay", cookieFileName(name), fileProblem(err)))
			continue
		}
		cookies := readCookieFile(string(b))
		if f.Given("junk-session-cookies") {
			kept := cookies[:0]
			for _, c := range cookies {
				if c.expires != 0 {
					kept = append(kept, c)
				}
			}
			cookies = kept
		}
		if m := matchCookies(cookies, target, env.now()); m != "" {
			fromFiles = append(fromFiles, m)
		}
	}
	out := strings.Join(fromFiles, "; ")
	if len(strs) > 0 {
		if out != "" {
			out += "; "
		}
		out += strings.Join(strs, ";")
	}
	return out, notes, nil
}

// readData joins the body options with curl's rules: -d @file reads the
// file as text (each line cut at its first CR or LF, as curl's
// file2string does), --data-binary and --json @file keep the bytes,
// --data-raw never reads a file, --data-urlencode encodes; pieces are
// joined with &, except that a --json piece is added with nothing in
// between. isJSON says whether --json was among them. The body is nil
// when no body option was given. A file that cannot be read is an error
// (see dataFileError).
func readData(data []Data, env Env, stdin func() ([]byte, error)) (body []byte, isJSON bool, notes []string, err error) {
	if len(data) == 0 {
		return nil, false, nil, nil
	}
	var b bytes.Buffer
	for i, d := range data {
		if i > 0 && d.Kind != "json" {
			b.WriteByte('&')
		}
		var piece []byte
		switch d.Kind {
		case "data-raw":
			piece = []byte(d.Value)
		case "data-urlencode":
			s, note, err := urlencodeArg(d.Value, env, "--data-urlencode", stdin)
			if err != nil {
				return nil, false, nil, err
			}
			if note != "" {
				notes = append(notes, note)
			}
			piece = []byte(s)
		default:
			piece = []byte(d.Value)
			if name, ok := strings.CutPrefix(d.Value, "@"); ok {
				if name == "-" {
					piece, err = stdin()
				} else {
					piece, err = env.readFile(name)
				}
				if err != nil {
					return nil, false, nil, dataFileError("--"+d.Kind, name, err)
				}
				if d.Kind == "data" || d.Kind == "data-ascii" {
					piece = fileToString(piece)
				}
			}
		}
		if d.Kind == "json" {
			isJSON = true
		}
		b.Write(piece)
	}
	return append([]byte{}, b.Bytes()...), isJSON, notes, nil
}

// dataFileError is the error for a body file that cannot be read. curl
// would warn and send an empty body in its place, which is never what
// the command meant; the user is asked to fix the path instead.
func dataFileError(flag, name string, err error) error {
	if name == "-" {
		return err
	}
	return fmt.Errorf("%s @%s: cannot read the file (%s); curl would send an empty body in its place", flag, name, fileProblem(err))
}

// fileToString is curl's file2string: the file is read in pieces of at
// most 255 bytes, each ending at a newline or not; each piece is cut at
// its first CR, then at its first LF, then at its first NUL byte.
func fileToString(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		n := 255
		if n > len(b) {
			n = len(b)
		}
		if i := bytes.IndexByte(b[:n], '\n'); i >= 0 {
			n = i + 1
		}
		piece := b[:n]
		b = b[n:]
		for _, stop := range []byte{'\r', '\n', 0} {
			if i := bytes.IndexByte(piece, stop); i >= 0 {
				piece = piece[:i]
			}
		}
		out = append(out, piece...)
	}
	if out == nil {
		out = []byte{}
	}
	return out
}

// urlencodeArg applies --data-urlencode's rules (also --url-query's):
// "content", "=content", "name=content", "@file" and "name@file", where
// the first = decides before any @; the content is percent-encoded with a
// + for a space, the name is taken as it is.
func urlencodeArg(v string, env Env, flag string, stdin func() ([]byte, error)) (string, string, error) {
	i := strings.IndexByte(v, '=')
	if i < 0 {
		i = strings.IndexByte(v, '@')
	}
	if i < 0 {
		return escapePlus(v), "", nil
	}
	name, content := v[:i], v[i+1:]
	if v[i] == '@' {
		var b []byte
		var err error
		if content == "-" {
			b, err = stdin()
		} else {
			b, err = env.readFile(content)
		}
		if err != nil {
			return "", "", dataFileError(flag, content, err)
		}
		content = string(b)
	}
	if name == "" {
		return escapePlus(content), "", nil
	}
	return name + "=" + escapePlus(content), "", nil
}

// escapePlus is curl_easy_escape followed by curl's replacement of %20
// with + (RFC 1866), as --data-urlencode and --url-query send a space.
func escapePlus(s string) string {
	return strings.ReplaceAll(escape(s), "%20", "+")
}

// escape percent-encodes every byte but A-Z a-z 0-9 - . _ ~, with
// uppercase hex, as curl_easy_escape does.
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

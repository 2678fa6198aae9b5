// Package specfetch brings Alteg.io's published API descriptions onto the
// machine for the checks that read them: it fetches the four documents
// with plain GETs (through the proxy the environment names, within a short
// time limit), keeps them in a cache folder with the date they were
// fetched, reuses them for a week, and remembers a failed fetch for an
// hour so that an offline machine does not wait on every run. Local
// copies (a file or a folder of the four) are read the same way.
//
// It owns the network and the cache, not the documents' meaning: each
// document is handed to Options.Convert (the command layer passes
// apispec.Compact), whose output is cached beside the original and
// returned. It never sends anything but a GET without credentials, and
// it never fails a run: what cannot be loaded is reported in Result.
package specfetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Names are the four documents behind developer.alteg.io.
var Names = []string{"b2b-v1", "b2b-v2", "public", "developers"}

// BaseURL is where the documents are published: BaseURL/<name>/openapi.yaml.
const BaseURL = "https://developer.alteg.io/_bundle/en"

// Defaults of Options.
const (
	DefaultTimeout    = 2 * time.Second
	DefaultMaxAge     = 7 * 24 * time.Hour
	DefaultRetryAfter = time.Hour
	DefaultMaxSize    = 16 << 20
)

// Doc is one description as loaded.
type Doc struct {
	Name string
	// Data is Convert's output.
	Data []byte
	// Fetched is when the document was fetched; for a local file, when it
	// was last changed.
	Fetched time.Time
	// Source is the URL or the file it came from.
	Source string
}

// Result is what Fetch loaded, and why anything is missing.
type Result struct {
	Docs []Doc
	// Stale says the documents come from a cache older than MaxAge that
	// could not be refreshed.
	Stale bool
	// Err says why some or all documents could not be loaded (or
	// refreshed); nil when every one is there and fresh.
	Err error
}

// Options says where the documents come from and where they are kept.
type Options struct {
	// Dir is the cache folder; "" keeps no cache.
	Dir string
	// BaseURL is the published documents' base; "" means BaseURL.
	BaseURL string
	// Names are the documents to load; nil means Names.
	Names []string
	// Getenv reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY; nil means no proxy.
	Getenv func(string) string
	// Client replaces the HTTP client Fetch builds (tests).
	Client *http.Client
	// Timeout bounds the whole fetch; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxAge is how long a fetched document is used before it is fetched
	// again; 0 means DefaultMaxAge.
	MaxAge time.Duration
	// RetryAfter is how long a failed fetch is not tried again; 0 means
	// DefaultRetryAfter.
	RetryAfter time.Duration
	// MaxSize bounds one document; 0 means DefaultMaxSize.
	MaxSize int64
	// Offline uses the cache only: nothing is fetched, and nothing is
	// recorded as failed.
	Offline bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// UserAgent is sent with each GET.
	UserAgent string
	// Convert turns a document into the form that is cached and returned,
	// and refuses one that is not a description (a proxy's error page).
	Convert func(name string, raw []byte) ([]byte, error)
	// Version names Convert's output: a cached conversion under another
	// version is made again from the cached original.
	Version string
}

func (o *Options) defaults() {
	if o.BaseURL == "" {
		o.BaseURL = BaseURL
	}
	if o.Names == nil {
		o.Names = Names
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = DefaultRetryAfter
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Convert == nil {
		o.Convert = func(_ string, raw []byte) ([]byte, error) { return raw, nil }
	}
}

// ErrRecentFailure is Result.Err when the last fetch failed less than
// RetryAfter ago and nothing was tried.
var ErrRecentFailure = errors.New("the last fetch failed recently")

// FailureError is Result.Err when documents could not be fetched: Since
// is when the failure was recorded, Reason what went wrong.
type FailureError struct {
	Since  time.Time
	Reason string
	Retry  time.Time // when Fetch will try again
	Recent bool      // nothing was tried this time (see ErrRecentFailure)
}

func (e *FailureError) Error() string {
	if e.Recent {
		return fmt.Sprintf("the last fetch failed at %s (%s); not tried again before %s",
			e.Since.UTC().Format("2006-01-02 15:04 MST"), e.Reason, e.Retry.UTC().Format("15:04 MST"))
	}
	return e.Reason
}

// Is makes errors.Is(err, ErrRecentFailure) true for a failure not tried
// again.
func (e *FailureError) Is(target error) bool { return target == ErrRecentFailure && e.Recent }

// state is the cache's memory: when each document was fetched, and the
// last failure.
type state struct {
	Fetched  map[string]time.Time `json:"fetched"`
	Sources  map[string]string    `json:"sources"`
	FailedAt time.Time            `json:"failed_at,omitzero"`
	Failure  string               `json:"failure,omitempty"`
}

const stateFile = "state.json"

func readState(dir string) state {
	st := state{Fetched: map[string]time.Time{}, Sources: map[string]string{}}
	if dir == "" {
		return st
	}
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil || json.Unmarshal(b, &st) != nil {
		return state{Fetched: map[string]time.Time{}, Sources: map[string]string{}}
	}
	if st.Fetched == nil {
		st.Fetched = map[string]time.Time{}
	}
	if st.Sources == nil {
		st.Sources = map[string]string{}
	}
	return st
}

func rawFile(dir, name string) string { return filepath.Join(dir, name+".openapi.yaml") }

func convertedFile(dir, name, version string) string {
	return filepath.Join(dir, name+"."+safeName(version)+".json")
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// Fetch loads the documents: from the cache while they are fresh,
// otherwise from the network, falling back to the cache when the network
// fails. It takes at most about Options.Timeout.
func Fetch(ctx context.Context, o Options) Result {
	o.defaults()
	now := o.Now()
	st := readState(o.Dir)
	cached := map[string]Doc{}
	var need []string // missing from the cache, or too old
	for _, n := range o.Names {
		d, ok := loadCached(o, st, n)
		if !ok {
			need = append(need, n)
			continue
		}
		cached[n] = d
		if now.Sub(d.Fetched) >= o.MaxAge || d.Fetched.After(now.Add(time.Hour)) {
			need = append(need, n)
		}
	}
	if len(need) == 0 {
		return Result{Docs: ordered(o.Names, cached)}
	}
	stale := len(cached) > 0
	if o.Offline {
		return Result{Docs: ordered(o.Names, cached), Stale: stale, Err: errors.New("the descriptions are not in the cache, and fetching them was not tried")}
	}
	if !st.FailedAt.IsZero() && now.Sub(st.FailedAt) < o.RetryAfter && !st.FailedAt.After(now) {
		return Result{Docs: ordered(o.Names, cached), Stale: stale,
			Err: &FailureError{Since: st.FailedAt, Reason: st.Failure, Retry: st.FailedAt.Add(o.RetryAfter), Recent: true}}
	}

	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	client := o.Client
	if client == nil {
		client = newClient(o)
	}
	type got struct {
		name      string
		raw, conv []byte
		source    string
		err       error
	}
	results := make([]got, len(need))
	var wg sync.WaitGroup
	for i, n := range need {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := strings.TrimSuffix(o.BaseURL, "/") + "/" + url.PathEscape(n) + "/openapi.yaml"
			raw, err := get(ctx, client, u, o)
			var conv []byte
			if err == nil {
				if conv, err = o.Convert(n, raw); err != nil {
					err = fmt.Errorf("%s is not an API description: %w", u, err)
				}
			}
			results[i] = got{name: n, raw: raw, conv: conv, source: u, err: err}
		}()
	}
	wg.Wait()

	var failures []string
	docs := map[string]Doc{}
	for n, d := range cached {
		docs[n] = d
	}
	for _, r := range results {
		if r.err != nil {
			failures = append(failures, r.err.Error())
			continue
		}
		docs[r.name] = Doc{Name: r.name, Data: r.conv, Fetched: now, Source: r.source}
		if o.Dir != "" {
			if err := store(o, r.name, r.raw, r.conv); err == nil {
				st.Fetched[r.name], st.Sources[r.name] = now, r.source
			}
		}
	}
	res := Result{Docs: ordered(o.Names, docs)}
	if len(failures) > 0 {
		sort.Strings(failures)
		reason := failures[0]
		if len(failures) > 1 {
			reason += fmt.Sprintf(" (and %d more)", len(failures)-1)
		}
		st.FailedAt, st.Failure = now, reason
		res.Err = &FailureError{Since: now, Reason: reason, Retry: now.Add(o.RetryAfter)}
		for _, n := range o.Names {
			if d, ok := docs[n]; ok && now.Sub(d.Fetched) >= o.MaxAge {
				res.Stale = true
			}
		}
	} else {
		st.FailedAt, st.Failure = time.Time{}, ""
	}
	if o.Dir != "" {
		_ = writeState(o.Dir, st) // a cache that cannot be written only costs a fetch next time
	}
	return res
}

func ordered(names []string, m map[string]Doc) []Doc {
	var out []Doc
	for _, n := range names {
		if d, ok := m[n]; ok {
			out = append(out, d)
		}
	}
	return out
}

// loadCached reads a cached document, converting the cached original
// again when the conversion is missing or from another version.
func loadCached(o Options, st state, name string) (Doc, bool) {
	if o.Dir == "" {
		return Doc{}, false
	}
	fetched, ok := st.Fetched[name]
	if !ok {
		return Doc{}, false
	}
	d := Doc{Name: name, Fetched: fetched, Source: st.Sources[name]}
	if conv, err := os.ReadFile(convertedFile(o.Dir, name, o.Version)); err == nil {
		d.Data = conv
		return d, true
	}
	raw, err := os.ReadFile(rawFile(o.Dir, name))
	if err != nil {
		return Doc{}, false
	}
	conv, err := o.Convert(name, raw)
	if err != nil {
		return Doc{}, false
	}
	_ = writeFile(convertedFile(o.Dir, name, o.Version), conv)
	d.Data = conv
	return d, true
}

// store writes a fetched document and its conversion into the cache.
func store(o Options, name string, raw, conv []byte) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return err
	}
	if err := writeFile(rawFile(o.Dir, name), raw); err != nil {
		return err
	}
	// Conversions from older versions are of no use any more.
	old, _ := filepath.Glob(filepath.Join(o.Dir, name+".*.json"))
	for _, f := range old {
		if f != convertedFile(o.Dir, name, o.Version) {
			os.Remove(f)
		}
	}
	return writeFile(convertedFile(o.Dir, name, o.Version), conv)
}

func writeState(dir string, st state) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, stateFile), b)
}

// writeFile writes a file atomically (a temporary file renamed over it),
// readable by its owner only.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// newClient is a client that sends plain GETs through the proxy the
// environment names, keeps no cookies and follows at most three
// redirects.
func newClient(o Options) *http.Client {
	tr := &http.Transport{
		Proxy:               proxyFunc(o.Getenv),
		TLSHandshakeTimeout: o.Timeout,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
}

// proxyFunc picks the proxy from HTTPS_PROXY, HTTP_PROXY and NO_PROXY
// (upper case first, as curl reads them).
func proxyFunc(getenv func(string) string) func(*http.Request) (*url.URL, error) {
	if getenv == nil {
		return nil
	}
	env := func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return getenv(strings.ToLower(name))
	}
	cfg := httpproxy.Config{HTTPProxy: env("HTTP_PROXY"), HTTPSProxy: env("HTTPS_PROXY"), NoProxy: env("NO_PROXY")}
	f := cfg.ProxyFunc()
	return func(req *http.Request) (*url.URL, error) { return f(req.URL) }
}

// get fetches one document.
func get(ctx context.Context, client *http.Client, u string, o Options) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if o.UserAgent != "" {
		req.Header.Set("User-Agent", o.UserAgent)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s: no answer within %s", host(u), o.Timeout)
		}
		return nil, fmt.Errorf("%s: %s", host(u), shortErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, fmt.Errorf("%s answered %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %s", host(u), shortErr(err))
	}
	if int64(len(b)) > o.MaxSize {
		return nil, fmt.Errorf("%s is larger than %d MiB", u, o.MaxSize>>20)
	}
	return b, nil
}

func host(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

// shortErr is the innermost message of a network error, without the
// URL and method net/http puts around it.
// A failed lookup or connection is said in words that name no address of
// the user's network (the resolver's address is in Go's message).
func shortErr(err error) string {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "the name does not resolve (no internet access, or no DNS)"
	case errors.As(err, &dns):
		return "the name could not be looked up"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &op) && op.Timeout():
		return "no answer"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// ErrNoDescriptions is returned by Local for a folder without any of the
// four documents.
var ErrNoDescriptions = errors.New("no API description files")

// LocalError is Local's error for a path that cannot be used.
type LocalError struct {
	Path string
	Err  error
}

func (e *LocalError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *LocalError) Unwrap() error { return e.Err }

// Local reads local copies: a file (one document; its name is guessed
// from the file name, e.g. en-b2b-v1.openapi.yaml) or a folder holding
// files named after the four documents. The conversion is cached in
// Options.Dir by the file's content, so a large file is converted once.
func Local(path string, o Options) (Result, error) {
	o.defaults()
	fi, err := os.Stat(path)
	if err != nil {
		return Result{}, &LocalError{Path: path, Err: err}
	}
	files := map[string]string{}
	if fi.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return Result{}, &LocalError{Path: path, Err: err}
		}
		for _, n := range o.Names {
			for _, e := range entries {
				if !e.IsDir() && isDescriptionFile(e.Name()) && nameOf(e.Name(), o.Names) == n {
					if _, taken := files[n]; !taken {
						files[n] = filepath.Join(path, e.Name())
					}
				}
			}
		}
		if len(files) == 0 {
			return Result{}, &LocalError{Path: path, Err: ErrNoDescriptions}
		}
	} else {
		n := nameOf(filepath.Base(path), o.Names)
		if n == "" {
			n = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		}
		files[n] = path
	}
	var res Result
	var missing []string
	for _, n := range append(append([]string(nil), o.Names...), extraNames(files, o.Names)...) {
		f, ok := files[n]
		if !ok {
			if fi.IsDir() {
				missing = append(missing, n)
			}
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return Result{}, &LocalError{Path: f, Err: err}
		}
		conv, err := localConvert(o, n, raw)
		if err != nil {
			return Result{}, &LocalError{Path: f, Err: err}
		}
		st, _ := os.Stat(f)
		res.Docs = append(res.Docs, Doc{Name: n, Data: conv, Fetched: st.ModTime(), Source: f})
	}
	if len(missing) > 0 {
		res.Err = fmt.Errorf("%s has no file for %s", path, strings.Join(missing, ", "))
	}
	return res, nil
}

func extraNames(files map[string]string, names []string) []string {
	var out []string
	for n := range files {
		found := false
		for _, m := range names {
			found = found || m == n
		}
		if !found {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func isDescriptionFile(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, ".yaml") || strings.HasSuffix(l, ".yml") || strings.HasSuffix(l, ".json")
}

// nameOf returns the document a file name is about: the longest of names
// it contains ("en-b2b-v1.openapi.yaml" is b2b-v1).
func nameOf(file string, names []string) string {
	l := strings.ToLower(file)
	best := ""
	for _, n := range names {
		if strings.Contains(l, n) && len(n) > len(best) {
			best = n
		}
	}
	return best
}

// localConvert converts a local file, caching the result by content.
func localConvert(o Options, name string, raw []byte) ([]byte, error) {
	if o.Dir == "" {
		return o.Convert(name, raw)
	}
	sum := sha256.Sum256(append([]byte(name+"\x00"), raw...))
	f := filepath.Join(o.Dir, "local-"+hex.EncodeToString(sum[:8])+"."+safeName(o.Version)+".json")
	if b, err := os.ReadFile(f); err == nil {
		return b, nil
	}
	conv, err := o.Convert(name, raw)
	if err != nil {
		return nil, err
	}
	if os.MkdirAll(o.Dir, 0o700) == nil {
		_ = writeFile(f, conv)
	}
	return conv, nil
}

package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Upstream passes calls made by someone else (an integration pointed at
// altegio-ticket's proxy) on to one origin and records each one as the
// same Exchange that Replay makes: the request as written on the wire,
// the response heads in wire order, the timings, the connection, TLS and
// the fault. Nothing is sent that the client did not send, and nothing
// is sent twice.
//
// The request and the answer are streamed: what the client sends goes
// on as it arrives, and what the upstream answers goes back as it
// arrives, neither of them cut. Only the record is bounded: it keeps at
// most Options.MaxBody bytes of each body (or what Keep says for an
// answer) and counts the rest.
//
// One Upstream holds its connections open between calls (keep-alive,
// and HTTP/2 where the upstream offers it) and is safe for concurrent
// use. Close it when done.
type Upstream struct {
	// Keep, when set, is called with the status and headers of each
	// answer before its body is read, and returns how many bytes of
	// the body to keep in the record; zero or less means
	// Options.MaxBody. The answer itself is always passed on whole. It
	// must be safe for concurrent use. Set it before the first Forward.
	Keep func(status int, h Headers) int64

	base *url.URL
	opt  Options
	// shared holds the transport's state (TLS config, HTTP/2 sessions);
	// each call gets a recorder of its own (see recorder.forCall).
	shared *recorder
	tr     *http.Transport
}

// Upstream URL problems returned by NewUpstream.
var (
	ErrUpstreamScheme = errors.New("the upstream must be an http:// or https:// URL with a host, e.g. https://api.alteg.io")
	ErrUpstreamExtra  = errors.New("the upstream must be scheme://host[:port] with at most a path: no user:password@, query or fragment")
)

// NewUpstream returns an Upstream that forwards to base, an http:// or
// https:// URL with a host and an optional path prefix. Options work as
// for Replay, except Timeout: here it bounds how long the upstream may
// take to start answering (the download is paced by the client, which
// can give up on its own), and MaxRedirects: a redirect is passed back to
// the client, never followed.
func NewUpstream(base string, opt Options) (*Upstream, error) {
	u, err := url.Parse(base)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.HasSuffix(u.Host, ":"):
		return nil, ErrUpstreamScheme
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, ErrUpstreamExtra
	}
	shared := &recorder{opt: opt}
	tr := shared.transport()
	// Many clients at once share the pool: keep enough connections
	// idle that a busy integration does not dial for every call.
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 128
	tr.IdleConnTimeout = 90 * time.Second
	return &Upstream{base: u, opt: opt, shared: shared, tr: tr}, nil
}

// Close closes the connections to the upstream. Calls still in flight
// may fail.
func (u *Upstream) Close() { u.shared.close(u.tr) }

// URL returns the upstream's base URL.
func (u *Upstream) URL() string { return u.base.String() }

// Target returns the URL a request for path and query (as a server
// received them, still escaped) is forwarded to.
func (u *Upstream) Target(in *url.URL) *url.URL {
	t := *u.base
	t.User = nil
	t.RawQuery = in.RawQuery
	prefix := strings.TrimSuffix(u.base.Path, "/")
	if prefix == "" {
		t.Path, t.RawPath = in.Path, in.RawPath
		return &t
	}
	t.Path = prefix + "/" + strings.TrimPrefix(in.Path, "/")
	if in.RawPath != "" || u.base.RawPath != "" {
		t.RawPath = strings.TrimSuffix(u.base.EscapedPath(), "/") + "/" + strings.TrimPrefix(in.EscapedPath(), "/")
	}
	return &t
}

// hopHeaders are the hop-by-hop header fields (RFC 9110, 7.6.1), which
// describe one connection and are not passed on, and Proxy-Authorization,
// which is meant for a proxy and would carry its credentials to the API.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// endToEnd returns a copy of h without its hop-by-hop fields, those
// that Connection names included.
func endToEnd(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		out.Del(name)
	}
	return out
}

// Forward passes the request in (as an http.Server received it) on to the
// upstream, streams the answer to w, and returns the record of the call.
// It never returns nil.
//
// The request goes out with the client's method, path, query, headers
// (Host rewritten to the upstream's, hop-by-hop fields dropped) and body,
// and nothing added: no X-Forwarded-For, no User-Agent of Go's own. A
// redirect is passed back, not followed.
//
// When the upstream could not be reached or did not answer, nothing has
// been written to w: Exchange.Response is nil and Exchange.Fault says
// why, and the caller answers the client. When the answer broke off
// after its head was passed on, Exchange.Response is set and Fault says
// where it broke; the caller should then abort the client's connection
// (panic(http.ErrAbortHandler)), so that the client sees the failure
// too. A client that went away is FaultClientClosed. ctx cancelled (the
// proxy stopping) is FaultInterrupted.
func (u *Upstream) Forward(ctx context.Context, w http.ResponseWriter, in *http.Request) *Exchange {
	start := u.opt.now()
	target := u.Target(in.URL)
	hdr := endToEnd(in.Header)
	if _, ok := hdr["User-Agent"]; !ok {
		// An empty value stops Go's transport from adding its own.
		hdr["User-Agent"] = []string{""}
	}
	rec := &recorder{ctx: ctx, opt: u.opt, user: clientOrder(in), tlsConf: u.shared.tlsConf, h2: u.shared.h2,
		hasBody: in.ContentLength != 0}
	for i, f := range rec.user {
		if strings.EqualFold(f.Name, "Host") {
			// The client's Host place, for the upstream's (the record of
			// a call that failed before writing shows this list).
			rec.user[i].Value = target.Host
		}
	}
	rec.newHop(in.Method, target.String(), Body{})
	ex := &Exchange{Source: Source{From: u.opt.From, Clock: ClockProxy}, Started: start.UTC(), Insecure: u.opt.Insecure}

	out := &http.Request{
		Method: in.Method, URL: target, Header: hdr, Host: target.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
	var up *upload
	if in.Body != nil && in.Body != http.NoBody && in.ContentLength != 0 {
		up = newUpload(in.Body, in.ContentLength, u.opt.maxBody())
		out.Body, out.ContentLength = up, in.ContentLength
	} else if in.Header.Get("Content-Length") == "0" {
		// The client said Content-Length: 0, which net/http writes
		// for POST, PUT and PATCH only unless told "identity" (never
		// written itself).
		out.Body, out.TransferEncoding = http.NoBody, []string{"identity"}
	}

	call, cancel := context.WithCancelCause(in.Context())
	defer cancel(nil)
	stop := context.AfterFunc(ctx, func() { cancel(context.Canceled) })
	defer stop()
	var timer *time.Timer
	if u.opt.Timeout > 0 {
		timer = time.AfterFunc(u.opt.Timeout, func() { cancel(errNoAnswer) })
	}
	out = out.WithContext(httptrace.WithClientTrace(withRecorder(call, rec), rec.trace()))
	resp, err := u.tr.RoundTrip(out)
	if timer != nil {
		timer.Stop()
	}

	var toc *toClient
	if resp != nil {
		if u.Keep != nil {
			rec.keep = u.Keep(resp.StatusCode, fromHTTPHeader(resp.Header))
		}
		rec.response(resp)
		dst := w.Header()
		for k, vs := range endToEnd(resp.Header) {
			dst[k] = vs
		}
		if len(resp.Trailer) > 0 {
			names := make([]string, 0, len(resp.Trailer))
			for k := range resp.Trailer {
				names = append(names, k)
			}
			sort.Strings(names)
			dst.Set("Trailer", strings.Join(names, ", "))
		}
		w.WriteHeader(resp.StatusCode)
		toc = &toClient{r: resp.Body, w: w, rc: http.NewResponseController(w), flush: resp.ContentLength < 0}
		if toc.flush {
			// An answer of unknown length may be a stream: the client
			// gets the head now, not with the first buffer of body.
			_ = toc.rc.Flush()
		}
		err = rec.readBody(toc, resp.ContentLength)
		if err == nil {
			// A decoder may stop at the end of its stream with bytes
			// after it: they go to the client all the same.
			if _, rest := io.Copy(io.Discard, toc); rest != nil {
				err = &bodyError{err: rest, want: resp.ContentLength}
			}
		}
		for k, vs := range resp.Trailer {
			dst[http.TrailerPrefix+k] = vs
		}
		resp.Body.Close()
	}
	ex.Total = u.opt.now().Sub(start)
	if up != nil {
		rec.mu.Lock()
		rec.cur().hop.Request.Body = up.body(in.Header.Get("Content-Type"))
		rec.mu.Unlock()
	}
	if err != nil {
		switch {
		case ctx.Err() != nil:
			ex.Fault = rec.classify(err, u.opt.Timeout) // interrupted
		case up != nil && up.failed(), toc != nil && toc.werr != nil,
			in.Context().Err() != nil && context.Cause(call) != errNoAnswer:
			ex.Fault = clientClosed(up, toc)
		default:
			if context.Cause(call) == errNoAnswer {
				err = &noAnswerError{err: err}
			}
			ex.Fault = rec.classify(err, u.opt.Timeout)
		}
	}
	rec.mu.Lock()
	rec.closed = true // the shared transport may still report a dial
	ex.Proxy = rec.proxyUsed
	rec.mu.Unlock()
	ex.Hops = rec.hops()
	return ex
}

// clientClosed is the fault of a call whose client went away.
func clientClosed(up *upload, toc *toClient) *Fault {
	f := &Fault{Kind: FaultClientClosed}
	switch {
	case toc != nil:
		f.Message = fmt.Sprintf("the client closed the connection while the answer was passed on, after %s of it", byteCount(toc.n))
		if toc.werr != nil {
			f.Detail = toc.werr.Error()
		}
	case up != nil && up.failed():
		sent, err := up.count()
		f.Message = fmt.Sprintf("the client closed the connection during the upload, after %s of the request body; the upstream got an incomplete request", byteCount(sent))
		f.Detail = err.Error()
	default:
		f.Message = "the client closed the connection before the upstream answered"
	}
	return f
}

// errNoAnswer is the cause of a call cancelled because the upstream did
// not start answering within Options.Timeout.
var errNoAnswer = errors.New("the upstream did not start answering in time")

// noAnswerError is a call that ran out of Options.Timeout: a net.Error
// whose Timeout is true, so that it is classified as one.
type noAnswerError struct{ err error }

func (e *noAnswerError) Error() string   { return errNoAnswer.Error() }
func (e *noAnswerError) Unwrap() error   { return e.err }
func (e *noAnswerError) Timeout() bool   { return true }
func (e *noAnswerError) Temporary() bool { return false }

// headerList is a server's parsed request header as a list, sorted by
// name: the order the client sent is not known.
func headerList(h http.Header) Headers {
	var out Headers
	for _, f := range fromHTTPHeader(h) {
		f.Origin = FromUser
		out = append(out, f)
	}
	return out
}

// errClientWrite stands for the client's connection failing while the
// answer was written to it.
var errClientWrite = errors.New("the client closed the connection")

// toClient passes the answer's bytes to the client as the record reads
// them. A failed write to the client ends the read with errClientWrite.
type toClient struct {
	r     io.Reader
	w     io.Writer
	rc    *http.ResponseController
	flush bool // answers of unknown length go out as they come
	n     int64
	werr  error
}

func (t *toClient) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		if _, werr := t.w.Write(p[:n]); werr != nil {
			t.werr = werr
			return n, errClientWrite
		}
		t.n += int64(n)
		if t.flush {
			// A failed flush shows as a failed write next time.
			_ = t.rc.Flush()
		}
	}
	return n, err
}

// upload is the client's request body on its way upstream: it keeps the
// first max bytes for the record and counts the rest. The transport reads
// it from its own goroutine, which may still run when the answer is in,
// so its state is guarded.
type upload struct {
	r   io.Reader
	max int64

	mu   sync.Mutex
	data []byte
	n    int64
	err  error // the client's read error; io.EOF is not one
}

func newUpload(r io.Reader, size, max int64) *upload {
	u := &upload{r: r, max: max}
	if size > 0 {
		u.data = make([]byte, 0, min(size, max))
	}
	return u
}

func (u *upload) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	u.mu.Lock()
	if room := u.max - int64(len(u.data)); n > 0 && room > 0 {
		u.data = append(u.data, p[:min(int64(n), room)]...)
	}
	u.n += int64(n)
	if err != nil && err != io.EOF {
		u.err = err
	}
	u.mu.Unlock()
	return n, err
}

// Close leaves the client's body to the server, which closes it.
func (u *upload) Close() error { return nil }

func (u *upload) count() (int64, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.n, u.err
}

func (u *upload) failed() bool {
	_, err := u.count()
	return err != nil
}

// body is the record of what the client sent.
func (u *upload) body(ctype string) Body {
	u.mu.Lock()
	defer u.mu.Unlock()
	b := keptBody(append([]byte(nil), u.data...), u.n, ctype)
	if u.err != nil {
		b.Broken = fmt.Sprintf("the client stopped sending the body after %s: %v", byteCount(u.n), u.err)
	}
	return b
}

package capture

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/net/http2"
)

// DefaultMaxBody is how many bytes of each body are kept when
// Options.MaxBody is zero.
const DefaultMaxBody = 5 << 20

// DefaultMaxRedirects is how many redirects are followed when
// Options.MaxRedirects is zero.
const DefaultMaxRedirects = 10

// MaxURL is how much of a redirect URL is recorded per hop: the Location
// header and the URL of the request that follows it. The server chooses
// them, and a longer one is recorded cut (Header.Truncated,
// Sent.URLTruncated); the request still goes out whole.
const MaxURL = 16 << 10

// maxHeaderBytes bounds one response head: the status line and the
// header fields, per hop. A server that sends more ends the call with
// FaultHeadersTooLarge, so that it cannot make a redirect chain hold
// megabytes of headers per hop.
const maxHeaderBytes = 256 << 10

// Options tunes Replay. The zero value is usable.
type Options struct {
	// Timeout bounds the whole exchange, redirects and body included.
	// Zero means no limit.
	Timeout time.Duration
	// Insecure skips TLS certificate verification (curl -k). The chain is
	// still recorded.
	Insecure bool
	// MaxBody is how many bytes of each body are kept; the rest is counted
	// and drained. Zero means DefaultMaxBody.
	MaxBody int64
	// MaxRedirects is how many redirects are followed. Zero means
	// DefaultMaxRedirects; a negative value follows none.
	MaxRedirects int
	// RootCAs replaces the system roots when set. Tests use it to trust an
	// httptest TLS server.
	RootCAs *x509.CertPool
	// Resolver replaces the system resolver when set, so that DNS failures
	// can be tested without a network.
	Resolver *net.Resolver
	// Dial replaces the TCP dial when set (the resolver too: it gets the
	// host name), so that tests can stand in for a network, e.g. one
	// where a connect never completes. It is bounded by the same 30s as
	// the real dial.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Getenv looks up HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their
	// lower-case forms). Nil means no proxy.
	Getenv func(string) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// From is recorded as Exchange.Source.From.
	From string
	// Credential reports whether a request header carries a credential
	// (X-Api-Key, X-Auth-Token, ...). On a redirect to another origin
	// (scheme, host or port) than the first request, every header it
	// reports is left out and listed in Hop.Dropped. Authorization and
	// Cookie are always left out there; nil means those two only.
	Credential func(headerName string) bool
	// Proxy, when set, is the proxy for every request, as curl's -x
	// names it (see ParseProxy): http://, https://, socks4://,
	// socks4a://, socks5:// (the name resolved here), socks5h:// (resolved
	// by the proxy), with user:password@ for its credentials. It replaces
	// the proxy variables of Getenv; NoProxy (or, when nil, NO_PROXY)
	// still applies, and loopback hosts are proxied too, as in curl.
	// Credentials are never recorded outside Exchange.Proxy, which the
	// redactor treats as a secret.
	Proxy string
	// NoProxy, when not nil, replaces NO_PROXY for Proxy: the hosts
	// reached directly (see NoProxyMatch; "*" means every host, "" none),
	// as curl's --noproxy.
	NoProxy *string
	// ProxyTunnel sends plain http:// URLs through an HTTP proxy's
	// CONNECT tunnel too (curl -p); https:// always goes through one.
	ProxyTunnel bool
	// ProxyRootCAs replaces the system roots for an https:// proxy's
	// certificate (curl --proxy-cacert); ProxyInsecure skips its check
	// (--proxy-insecure). Insecure and RootCAs are for the server only.
	ProxyRootCAs  *x509.CertPool
	ProxyInsecure bool
	// RootCAsFrom describes RootCAs for the ticket, e.g. "corp-ca.pem
	// (1 certificate)"; it is recorded as Exchange.TrustedCAs.
	RootCAsFrom string
	// Certificates holds the client certificate (curl --cert and --key)
	// presented when a server asks for one; the first is used.
	Certificates []tls.Certificate
	// Resolve and ConnectTo send connections elsewhere than DNS and the
	// URL say (curl --resolve, --connect-to); each hop records where
	// (Conn.Routes).
	Resolve   []Resolve
	ConnectTo []ConnectTo
	// Digest, when set, answers a 401 whose WWW-Authenticate offers
	// Digest with these credentials, as curl --digest -u does: the first
	// request goes without Authorization (and a body goes as
	// Content-Length: 0), and the answer is a second hop with Hop.Auth
	// set. Only the first request's origin gets the answer.
	Digest *Credentials
	// Progress, when set, is told when the replay enters a new phase
	// (see Phase) and, while a response body is read, after each read
	// from the connection. It is called from the transport's goroutines,
	// possibly from several at once, so it must be safe for concurrent
	// use and return quickly; phases of one hop may be reported out of
	// order (HTTP/2 can report the request written after the answer
	// began). Nil costs nothing.
	Progress func(Progress)
}

func (o Options) maxBody() int64 {
	if o.MaxBody <= 0 {
		return DefaultMaxBody
	}
	return o.MaxBody
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Replay sends req once and records the exchange. It never returns a nil
// Exchange and never returns an error for a transport failure: the failure
// is classified in Exchange.Fault. ctx cancels the call.
//
// The request goes out exactly as given: the method, the URL, the headers
// (names in canonical form, values byte for byte) and the body. resty's own
// User-Agent, Accept and Content-Type defaults are not added; the
// transport's additions (Host, Content-Length, ...) are recorded with
// Origin FromTransport. No cookie jar is used, and compression is not
// requested unless the request asks for it, as with curl.
func Replay(ctx context.Context, req Request, opt Options) *Exchange {
	rec := &recorder{ctx: ctx, opt: opt, user: req.Header, body: req.Body, hasBody: req.Body != nil}
	if len(opt.Certificates) > 0 {
		rec.clientCert = certOf(opt.Certificates[0])
	}
	start := opt.now()
	ex := &Exchange{
		Source:     Source{Replayed: true, From: opt.From},
		Started:    start.UTC(),
		Insecure:   opt.Insecure,
		TrustedCAs: opt.RootCAsFrom,
	}
	first := req.Body
	if opt.Digest != nil && req.Body != nil {
		// curl sends the first request of --digest as a probe with an
		// empty body (Content-Length: 0), and the body only with the
		// answer to the challenge.
		first, rec.probe = []byte{}, true
	}
	rec.newHop(req.Method, req.URL, sentBody(first, req.Header.Get("Content-Type"), opt.maxBody()))

	target, err := url.Parse(req.URL)
	if err != nil || target.Host == "" {
		// main validates URLs first; this guards other callers.
		ex.Hops = rec.hops()
		ex.Fault = &Fault{Kind: FaultOther, Message: "the URL could not be parsed", Detail: errText(err)}
		return ex
	}

	client, tr := rec.client()
	raw, err := rec.send(ctx, client, req.Method, req.URL)
	if err == nil && raw != nil {
		if auth, why := rec.digestAnswer(raw); auth != "" {
			// The answer to the challenge: a second hop, with the body.
			rec.mu.Lock()
			last := rec.cur().hop.Request
			rec.answer, rec.probe = auth, false
			rec.newHop(last.Method, last.URL, sentBody(req.Body, req.Header.Get("Content-Type"), opt.maxBody()))
			rec.cur().hop.Auth = "digest"
			rec.mu.Unlock()
			_, err = rec.send(ctx, client, last.Method, last.URL)
		} else if why != "" {
			rec.mu.Lock()
			rec.cur().hop.AuthNote = why
			rec.mu.Unlock()
		}
	}
	ex.Total = opt.now().Sub(start)
	if err != nil {
		ex.Fault = rec.classify(err, opt.Timeout)
	}
	rec.close(tr)
	ex.Hops = rec.hops()
	rec.mu.Lock()
	ex.Proxy = rec.proxyUsed
	rec.mu.Unlock()
	return ex
}

// send makes one request of the replay (redirects followed) and records
// the response and its body on the current hop. It returns the final
// response, its body read and closed, or nil.
func (r *recorder) send(ctx context.Context, client *resty.Client, method, rawURL string) (*http.Response, error) {
	// The body is not given to resty, which would copy it twice: prepare
	// sets it on the raw request, for every method.
	rreq := client.R().SetContext(httptrace.WithClientTrace(ctx, r.trace()))
	resp, err := rreq.Execute(method, rawURL)
	var raw *http.Response
	if resp != nil {
		raw = resp.RawResponse
	}
	if raw != nil {
		// A 3xx not followed had its status, headers and body recorded
		// when the redirect was considered.
		if !r.hasResponse() {
			r.response(raw)
			if err == nil {
				err = r.readBody(raw.Body, raw.ContentLength)
			}
		}
		raw.Body.Close()
	}
	return raw, err
}

// recorder collects the hops of one Replay. httptrace callbacks can arrive
// from transport goroutines, so its state is guarded by mu.
type recorder struct {
	ctx  context.Context // the caller's: cancelled means interrupted
	opt  Options
	user Headers
	body []byte // the full request body; nil for none
	// hasBody says whether the call's request has a body, an empty one
	// included (see arrange).
	hasBody bool
	// probe is set while the first request of Options.Digest goes out
	// with an empty body; answer is the Authorization: Digest of the
	// second request, "" before it.
	probe  bool
	answer string

	// tlsConf and h2 are the transport's: an Upstream's calls share
	// them (see forCall).
	tlsConf *tls.Config
	h2      *http2.Transport
	// keep, when positive, is how many bytes of the response body are
	// kept instead of Options.MaxBody (see Upstream.Keep).
	keep int64

	mu        sync.Mutex
	recs      []*hopRec
	proxyUsed string
	h2conns   []*http2.ClientConn
	// clientCert describes Options.Certificates' first, nil for none.
	clientCert *Cert
	// connRoutes holds the routes of each connection opened, by its
	// local address, for the hops that reuse it.
	connRoutes map[string][]Route
	// closed is set when the call is over: a dial the transport left
	// running may still report, and must not change the record.
	closed bool
}

// close ends the replay: no more events are recorded, and the
// connections it opened are closed.
func (r *recorder) close(tr *http.Transport) {
	r.mu.Lock()
	r.closed = true
	conns := r.h2conns
	r.mu.Unlock()
	tr.CloseIdleConnections()
	for _, cc := range conns {
		cc.Close()
	}
}

// bodyLimit is how many bytes of a response body are kept.
func (r *recorder) bodyLimit() int64 {
	if r.keep > 0 {
		return r.keep
	}
	return r.opt.maxBody()
}

// interrupted reports whether the caller cancelled the call (Ctrl-C).
// Its own deadline is a timeout, not an interruption.
func (r *recorder) interrupted() bool {
	return r.ctx != nil && errors.Is(r.ctx.Err(), context.Canceled)
}

// hasResponse reports whether the current hop has its response recorded.
func (r *recorder) hasResponse() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur().hop.Response != nil
}

// hopRec is a hop being recorded, with the phase timestamps it needs.
type hopRec struct {
	hop Hop
	// host is Progress.Host for this hop.
	host string

	start, dnsStart, connStart, tlsStart time.Time
	wrote, firstByte, done               time.Time
	// gotConn and wroteHeaders stand in for wrote when the transport
	// reports the request written after the answer began (see
	// finishTimings).
	gotConn, wroteHeaders time.Time
	dialAddr              string
	connected             bool
	// tlsDialed is set when dialTLS ran the handshake and recorded it;
	// net/http then reports a second, empty handshake that is ignored.
	tlsDialed bool
	// conn is the connection the hop used, when it can tell the
	// response heads it carried.
	conn wireHeads
	// proxy is the proxy chosen for the hop, nil for none; net/http
	// drives it when proxyByTransport, the dial tunnels otherwise.
	proxy            *url.URL
	proxyByTransport bool
	// certAsked and certSent record the server's request for a client
	// certificate in the hop's handshake.
	certAsked, certSent bool
}

func (r *recorder) cur() *hopRec { return r.recs[len(r.recs)-1] }

func (r *recorder) newHop(method, rawURL string, body Body) {
	h := &hopRec{hop: Hop{
		Request: Sent{Method: method, URL: rawURL, Body: body},
		Timings: NoTimings(),
	}}
	if len(r.recs) > 0 && len(rawURL) > MaxURL {
		// A redirect: the server chose this URL.
		h.hop.Request.URL, h.hop.Request.URLTruncated = rawURL[:MaxURL], true
	}
	if r.opt.Progress != nil {
		h.host = progressHost(rawURL)
	}
	r.recs = append(r.recs, h)
}

// hops finalises the timings and returns the recorded hops.
func (r *recorder) hops() []Hop {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Hop, len(r.recs))
	for i, h := range r.recs {
		if h.hop.Request.Header == nil {
			// Nothing reached the wire: show what was about to be sent.
			h.hop.Request.Header = r.intended(i)
		}
		h.finishTimings(r.opt.now())
		out[i] = h.hop
	}
	return out
}

// intended returns the headers hop i would have sent, for hops that failed
// before the transport wrote anything.
func (r *recorder) intended(i int) Headers {
	if i == 0 {
		return r.user.Clone()
	}
	return r.recs[i-1].hop.Request.Header.Clone()
}

func (h *hopRec) finishTimings(now time.Time) {
	t := &h.hop.Timings
	if h.start.IsZero() {
		return
	}
	end := h.done
	if end.IsZero() {
		end = now
	}
	t.Total = end.Sub(h.start)
	if !h.firstByte.IsZero() {
		// The transport reports the end of writing from its writer
		// goroutine, the first byte from its reader: over HTTP/2 (or when
		// a server answers before the body is in) "written" can arrive
		// after the answer began. Wait is then measured from the headers
		// going out, or failing that from getting the connection, both of
		// which precede the answer.
		sent := h.wrote
		for _, alt := range []time.Time{h.wroteHeaders, h.gotConn} {
			if sent.IsZero() || h.firstByte.Before(sent) {
				sent = alt
			}
		}
		if !sent.IsZero() && !h.firstByte.Before(sent) {
			t.Wait = h.firstByte.Sub(sent)
		}
	}
	if !h.firstByte.IsZero() && !h.done.IsZero() {
		t.Download = h.done.Sub(h.firstByte)
	}
}

// client builds the resty client for one replay.
func (r *recorder) client() (*resty.Client, *http.Transport) {
	tr := r.transport()
	hc := &http.Client{Transport: proxyConnection{tr, r}, CheckRedirect: r.checkRedirect}
	c := resty.NewWithClient(hc).
		SetTimeout(r.opt.Timeout).
		SetDoNotParseResponse(true).
		SetAllowGetMethodPayload(true).
		SetDisableWarn(true).
		SetLogger(quietLogger{}).
		SetPreRequestHook(r.prepare)
	return c, tr
}

// prepare runs right before the first request is sent. resty has built the
// request by then and may have added its defaults or rewritten the query;
// this puts back exactly what the user asked for.
func (r *recorder) prepare(_ *resty.Client, hr *http.Request) error {
	h := make(http.Header, len(r.user))
	for _, f := range r.user {
		k := http.CanonicalHeaderKey(f.Name)
		if f.Origin == FromTransport && placeOnly(k) {
			// Only says where the transport's field goes (see
			// Request.Header).
			continue
		}
		if strings.EqualFold(k, "Host") {
			hr.Host = f.Value
			continue
		}
		h[k] = append(h[k], f.Value)
	}
	if _, ok := h["User-Agent"]; !ok {
		// An empty value stops Go's transport from adding its own.
		h["User-Agent"] = []string{""}
	}
	body := r.body
	r.mu.Lock()
	if r.answer != "" {
		// curl adds its Digest answer after an Authorization the user
		// gave with -H, and sends both.
		h["Authorization"] = append(h["Authorization"], r.answer)
	}
	if r.probe {
		body = []byte{}
	}
	target := r.cur().hop.Request
	r.mu.Unlock()
	hr.Header = h
	if u, err := url.Parse(target.URL); err == nil {
		hr.URL = u
	}
	switch {
	case body != nil && len(body) == 0:
		// An empty body (curl -d '') goes out as Content-Length: 0, as
		// curl sends it; a non-nil empty reader would be sent chunked.
		hr.Body, hr.GetBody, hr.ContentLength = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }, 0
		// net/http writes that Content-Length: 0 for POST, PUT and
		// PATCH only; "identity" makes it write it for the other methods
		// too (DELETE -d ''), and is itself never written.
		hr.TransferEncoding = []string{"identity"}
	case body != nil:
		// resty drops bodies on HEAD and OPTIONS; set it for every method.
		full := body
		hr.Body = io.NopCloser(bytes.NewReader(full))
		hr.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(full)), nil }
		hr.ContentLength = int64(len(full))
	default:
		hr.Body, hr.GetBody, hr.ContentLength, hr.TransferEncoding = nil, nil, 0, nil
	}
	return nil
}

// placeOnly reports whether a request header of this (canonical) name,
// listed with Origin FromTransport, only places the field the transport
// writes itself.
func placeOnly(name string) bool {
	return name == "Host" || name == "Content-Length" || name == "Transfer-Encoding"
}

// wantFor returns the intended header list of hop h (see arrange): the
// call's, with the answer to a Digest challenge where curl writes its own
// Authorization, after Host and before everything else. Fields of the
// list that the hop does not carry (a credential dropped on a redirect)
// are skipped by arrange. The caller holds r.mu.
func (r *recorder) wantFor(h *hopRec) Headers {
	if r.answer == "" || h.hop.Auth != "digest" {
		return r.user
	}
	at := 0
	if len(r.user) > 0 && strings.EqualFold(r.user[0].Name, "Host") {
		at = 1
	}
	want := make(Headers, 0, len(r.user)+1)
	want = append(want, r.user[:at]...)
	want = append(want, Header{Name: "Authorization", Value: r.answer, Origin: FromUser})
	return append(want, r.user[at:]...)
}

// checkRedirect records the 3xx hop, keeps the request from carrying
// what it must not to another origin, and stops after MaxRedirects.
func (r *recorder) checkRedirect(next *http.Request, via []*http.Request) error {
	// The 3xx is recorded first, so that it is in the ticket even when the
	// redirect is not followed.
	if next.Response != nil {
		r.response(next.Response)
		// A broken 3xx body is noted on its hop; the redirect is
		// followed all the same, as net/http would.
		r.readBody(next.Response.Body, next.Response.ContentLength)
	}
	max := r.opt.MaxRedirects
	if max == 0 {
		max = DefaultMaxRedirects
	}
	if max < 0 {
		return http.ErrUseLastResponse
	}
	if len(via) > max {
		return errTooManyRedirects
	}
	// net/http adds Referer: <the previous URL>, query and all; curl
	// sends none on a redirect unless asked. One the user gave stays, as
	// with curl -e.
	if !r.user.Has("Referer") {
		next.Header.Del("Referer")
	}
	cross := !sameOrigin(via[0].URL, next.URL)
	if cross && next.Response != nil && next.GetBody != nil && next.ContentLength != 0 &&
		(next.Response.StatusCode == http.StatusTemporaryRedirect || next.Response.StatusCode == http.StatusPermanentRedirect) {
		// A 307 or 308 resends the body, which may hold a password, to
		// wherever the server points. curl would; this stops, and the
		// 3xx (with its Location) is the answer.
		r.mu.Lock()
		r.cur().hop.Stopped = fmt.Sprintf("the %d redirect was not followed: it points to another host, and following it would send the request body there too; "+
			"altegio-ticket stops here so that a password in the body does not reach another server", next.Response.StatusCode)
		r.mu.Unlock()
		return http.ErrUseLastResponse
	}
	var dropped []string
	if cross {
		seen := map[string]bool{}
		for _, f := range r.user {
			k := http.CanonicalHeaderKey(f.Name)
			if seen[k] || k == "Host" || !r.credential(k) {
				continue
			}
			seen[k] = true
			next.Header.Del(k)
			dropped = append(dropped, k)
		}
		for k := range next.Header {
			if r.credential(k) {
				next.Header.Del(k)
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var body Body
	if next.GetBody != nil && next.ContentLength != 0 {
		body = r.recs[0].hop.Request.Body
	}
	r.newHop(next.Method, next.URL.String(), body)
	r.cur().hop.Dropped = dropped
	return nil
}

// credential reports whether a header must not follow a redirect to
// another origin: Authorization and Cookie always, and what
// Options.Credential names.
func (r *recorder) credential(name string) bool {
	if strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Cookie") {
		return true
	}
	return r.opt.Credential != nil && r.opt.Credential(name)
}

var errTooManyRedirects = errors.New("too many redirects")

// sameOrigin reports whether credentials may follow a redirect from a to b:
// the same scheme, host and port, as curl decides without
// --location-trusted. A port left out is the scheme's default.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// trace returns the httptrace hooks that time each phase and record the
// header fields as the transport writes them.
func (r *recorder) trace() *httptrace.ClientTrace {
	at := r.tlsEvent // records an event on the current hop
	return &httptrace.ClientTrace{
		GetConn: func(string) {
			at(func(h *hopRec, now time.Time) {
				// A retry on a fresh connection starts the hop over.
				h.start = now
				h.hop.Request.Header = nil
				h.hop.Timings = NoTimings()
				h.hop.TLS, h.tlsDialed, h.conn = nil, false, nil
				h.hop.Conn.Routes, h.certAsked, h.certSent = nil, false, false
				h.wrote, h.wroteHeaders, h.gotConn, h.firstByte = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			})
		},
		DNSStart: func(httptrace.DNSStartInfo) {
			at(func(h *hopRec, now time.Time) { h.dnsStart = now })
			r.phase(PhaseResolving)
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			at(func(h *hopRec, now time.Time) { h.hop.Timings.DNS = now.Sub(h.dnsStart) })
		},
		ConnectStart: func(_, addr string) {
			at(func(h *hopRec, now time.Time) {
				if h.connStart.IsZero() {
					h.connStart = now
				}
				h.dialAddr = addr
			})
			r.phase(PhaseConnecting)
		},
		ConnectDone: func(_, addr string, err error) {
			at(func(h *hopRec, now time.Time) {
				h.dialAddr = addr
				if err == nil {
					h.connected = true
					h.hop.Timings.Connect = now.Sub(h.connStart)
					// Known before GotConn, which a failed handshake
					// never reaches.
					h.hop.Conn.RemoteAddr = addr
				}
			})
		},
		// These two report handshakes net/http runs itself (HTTPS through
		// a proxy); dialTLS records its own.
		TLSHandshakeStart: func() {
			at(func(h *hopRec, now time.Time) {
				if !h.tlsDialed {
					h.tlsStart = now
				}
			})
			r.phase(PhaseTLS)
		},
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			at(func(h *hopRec, now time.Time) {
				if !h.tlsDialed {
					h.hop.Timings.TLS = now.Sub(h.tlsStart)
					h.hop.TLS = tlsInfo(cs, err)
				}
			})
		},
		GotConn: func(info httptrace.GotConnInfo) {
			at(func(h *hopRec, now time.Time) {
				h.gotConn = now
				h.connected = true
				local := addrString(info.Conn.LocalAddr())
				h.hop.Conn = Conn{RemoteAddr: addrString(info.Conn.RemoteAddr()), LocalAddr: local, Reused: info.Reused, Routes: r.connRoutes[local]}
				h.hop.Request.Proto = "HTTP/1.1"
				if hc, ok := info.Conn.(*h1Conn); ok {
					// HTTP/1.x: the head goes out in the list's order
					// and spelling, and the record follows it. By the
					// time the connection has the whole head, the
					// transport has reported every field of it
					// (WroteHeaderField comes before the blank line).
					hop, want, body := h, r.wantFor(h), r.hasBody
					hc.expect(want, body, func(arranged bool) {
						r.mu.Lock()
						defer r.mu.Unlock()
						if arranged && !r.closed {
							hop.hop.Request.Header = arrange(hop.hop.Request.Header, want, body)
						}
					})
				}
				if wc, ok := info.Conn.(wireHeads); ok {
					h.conn = wc
					if _, ok := wc.(*h2Conn); ok {
						h.hop.Request.Proto = "HTTP/2.0"
					}
					if cs, ok := wc.tlsState(); ok && h.hop.TLS == nil {
						// A reused connection: the session of an earlier
						// hop, without a handshake of its own.
						h.hop.TLS = tlsInfo(cs, nil)
					}
				}
			})
			r.phase(PhaseSending)
		},
		WroteHeaderField: func(key string, values []string) {
			at(func(h *hopRec, _ time.Time) {
				for _, v := range values {
					if strings.EqualFold(key, "Proxy-Authorization") {
						// The proxy's credentials, from HTTP_PROXY: they
						// are not part of the call and never recorded.
						v = ProxyCredentialsNotRecorded
					}
					origin := r.origin(key)
					if v == r.answer && r.answer != "" {
						origin = FromUser // made from the user's -u for --digest
					}
					h.hop.Request.Header = append(h.hop.Request.Header, Header{Name: key, Value: v, Origin: origin})
				}
			})
		},
		WroteHeaders: func() { at(func(h *hopRec, now time.Time) { h.wroteHeaders = now }) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			at(func(h *hopRec, now time.Time) {
				h.wrote = now
			})
			if info.Err == nil {
				r.phase(PhaseWaiting)
			}
		},
		GotFirstResponseByte: func() { at(func(h *hopRec, now time.Time) { h.firstByte = now }) },
	}
}

// phase reports that the current hop entered ph, unless the replay is
// over.
func (r *recorder) phase(ph Phase) {
	if r.opt.Progress == nil {
		return
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	p := Progress{Phase: ph, Hop: len(r.recs) - 1, Host: r.cur().host, Size: -1}
	r.mu.Unlock()
	r.report(p)
}

// origin says who put a header with this name on the wire: the user or the
// tool when the request carried it, the transport otherwise.
func (r *recorder) origin(name string) Origin {
	for _, f := range r.user {
		if strings.EqualFold(f.Name, name) {
			return f.Origin
		}
	}
	if strings.EqualFold(name, "Proxy-Connection") {
		return FromTool // added as curl adds it (see proxyConnection)
	}
	return FromTransport
}

// response records the status line and headers of raw on the current hop.
func (r *recorder) response(raw *http.Response) {
	resp := &Response{
		Proto:      raw.Proto,
		Status:     raw.StatusCode,
		StatusText: strings.TrimSpace(strings.TrimPrefix(raw.Status, strconv.Itoa(raw.StatusCode))),
	}
	resp.Body.ContentType = raw.Header.Get("Content-Type")
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.cur()
	resp.Header, resp.WireOrder = fromHTTPHeader(raw.Header), false
	if h.conn != nil {
		if wire, ok := h.conn.headFor(raw.StatusCode, raw.Header); ok {
			resp.Header, resp.WireOrder = wire, true
		}
	}
	for i, f := range resp.Header {
		if len(f.Value) > MaxURL && strings.EqualFold(f.Name, "Location") {
			resp.Header[i].Value, resp.Header[i].Truncated = f.Value[:MaxURL], true
		}
	}
	h.hop.Response = resp
	if h.hop.Request.Proto == "" {
		// Go writes HTTP/1.1 or HTTP/2 whatever the server answers in
		// (GotConn set it); this covers a connection it did not report.
		h.hop.Request.Proto = raw.Proto
	}
	if raw.TLS != nil && h.hop.TLS == nil {
		h.hop.TLS = tlsInfo(*raw.TLS, nil)
	}
}

// readBody reads the current hop's response body into bounded memory and
// marks the end of the download. want is the declared Content-Length, or
// -1. A read error that cut the body short is returned as a *bodyError;
// the body keeps what arrived and says where it broke.
func (r *recorder) readBody(rc io.Reader, want int64) error {
	r.mu.Lock()
	h := r.cur()
	resp := h.hop.Response
	hop := len(r.recs) - 1
	r.mu.Unlock()
	if r.opt.Progress != nil {
		p := Progress{Phase: PhaseReceiving, Hop: hop, Host: h.host, Size: want}
		r.report(p)
		rc = &progressReader{r: rc, rec: r, base: p}
	}
	// Every Content-Encoding field counts: a second one adds a coding.
	enc := strings.Join(resp.Header.Values("Content-Encoding"), ", ")
	b, err := readBounded(rc, enc, resp.Body.ContentType, r.bodyLimit(), want)
	if err != nil && r.interrupted() {
		b.Broken = "the body stopped after " + byteCount(b.WireSize) + " on the wire: the call was interrupted"
	}
	now := r.opt.now()
	r.mu.Lock()
	resp.Body = b
	h.done = now
	r.mu.Unlock()
	if err != nil {
		return &bodyError{err: err, read: b.WireSize, want: want}
	}
	return nil
}

// fromHTTPHeader flattens a header map when the wire order is not known.
// Go's map has lost it, so names are sorted to keep the output stable.
func fromHTTPHeader(h http.Header) Headers {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out Headers
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, Header{Name: k, Value: v})
		}
	}
	return out
}

// sentBody records a request body as it is sent, cut to max bytes.
func sentBody(b []byte, ctype string, max int64) Body {
	if b == nil {
		return Body{}
	}
	keep := b
	if int64(len(keep)) > max {
		keep = keep[:max]
	}
	return keptBody(append([]byte(nil), keep...), int64(len(b)), ctype)
}

// keptBody records a request body of size bytes of which data, its
// start, was kept: the charset, whether it is text, and its UTF-8 form.
// data is taken, not copied.
func keptBody(data []byte, size int64, ctype string) Body {
	out := Body{
		Data:        data,
		Size:        size,
		Truncated:   size > int64(len(data)),
		ContentType: ctype,
		Charset:     charsetOf(ctype),
		WireSize:    size,
	}
	out.Binary = isBinary(ctype, out.Data)
	if !out.Binary {
		out.UTF8 = toUTF8(out.Charset, out.Data)
	}
	return out
}

func tlsInfo(cs tls.ConnectionState, err error) *TLS {
	t := &TLS{
		Version:     tls.VersionName(cs.Version),
		CipherSuite: tls.CipherSuiteName(cs.CipherSuite),
		ALPN:        cs.NegotiatedProtocol,
		ServerName:  cs.ServerName,
	}
	if cs.Version == 0 {
		t.Version, t.CipherSuite = "", ""
	}
	certs := cs.PeerCertificates
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		certs = verr.UnverifiedCertificates
	}
	for _, c := range certs {
		t.Chain = append(t.Chain, certInfo(c))
	}
	if err != nil {
		t.VerifyError, t.VerifyKind = verifyKind(err)
	}
	return t
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// quietLogger keeps resty silent: its warnings would go to the user's
// terminal, and its debug output prints Authorization in clear text.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...interface{}) {}
func (quietLogger) Warnf(string, ...interface{})  {}
func (quietLogger) Debugf(string, ...interface{}) {}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

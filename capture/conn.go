package capture

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpproxy"
	"golang.org/x/net/http2"
)

// dialTimeout and tlsTimeout bound a TCP connect and a TLS handshake, as
// in Go's default transport. Options.Timeout, when shorter, ends the call
// sooner.
const (
	dialTimeout = 30 * time.Second
	tlsTimeout  = 10 * time.Second
)

// conns is the transport side of capture: it dials, runs TLS and hands
// HTTP/2 sessions to x/net's client, so that the response heads can be
// read in wire order and the handshake recorded. A Replay has its own;
// an Upstream shares one between every call it forwards, with its
// keep-alive connections. What it learns about a call (the dial, the
// handshake, the proxy used) goes to the recorder found in the call's
// context (withRecorder), so that one transport can serve many calls at
// once.
type conns struct {
	opt     Options
	tlsConf *tls.Config
	h2      *http2.Transport
	tr      *http.Transport

	mu      sync.Mutex
	h2conns []*http2.ClientConn
}

// newConns builds the transport for opt.
func newConns(opt Options) *conns {
	c := &conns{opt: opt}
	c.tlsConf = &tls.Config{
		InsecureSkipVerify: opt.Insecure,
		RootCAs:            opt.RootCAs,
		// The same offer as Go's transport (and curl): HTTP/2 when the
		// server agrees, HTTP/1.1 otherwise.
		NextProtos: []string{"h2", "http/1.1"},
	}
	c.h2 = &http2.Transport{DisableCompression: true, MaxHeaderListSize: maxHeaderBytes}
	c.tr = &http.Transport{
		Proxy:                  c.proxy,
		OnProxyConnectResponse: c.proxyConnected,
		DialContext:            c.dial,
		DialTLSContext:         c.dialTLS,
		TLSClientConfig:        c.tlsConf, // used by net/http only for HTTPS through a proxy
		TLSHandshakeTimeout:    tlsTimeout,
		TLSNextProto:           map[string]func(string, *tls.Conn) http.RoundTripper{"h2": c.upgradeH2},
		// curl does not ask for compression unless told to (--compressed);
		// neither do we, so the wire matches the user's call.
		DisableCompression: true,
		// Large reads keep a big body download cheap; memory is per
		// connection, not per body.
		ReadBufferSize:         64 << 10,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
	return c
}

// close closes the idle connections and every HTTP/2 session.
func (c *conns) close() {
	c.mu.Lock()
	h2 := c.h2conns
	c.h2conns = nil
	c.mu.Unlock()
	c.tr.CloseIdleConnections()
	for _, cc := range h2 {
		cc.Close()
	}
}

// recorderKey is the context key under which a call's recorder travels
// to the dial and proxy hooks of the transport.
type recorderKey struct{}

func withRecorder(ctx context.Context, r *recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// recorderOf returns the recorder of the call that ctx belongs to, or
// nil. The recorder's methods accept nil and record nothing.
func recorderOf(ctx context.Context) *recorder {
	r, _ := ctx.Value(recorderKey{}).(*recorder)
	return r
}

// dialRaw opens a TCP connection, with Options.Dial when set.
func (c *conns) dialRaw(ctx context.Context, network, addr string) (net.Conn, error) {
	if c.opt.Dial == nil {
		d := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Resolver: c.opt.Resolver}
		return d.DialContext(ctx, network, addr)
	}
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	// An injected dialer stands for the network: trace it as net.Dialer
	// traces itself, so that the hop knows where it tried to connect.
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.ConnectStart != nil {
		trace.ConnectStart(network, addr)
	}
	conn, err := c.opt.Dial(ctx, network, addr)
	if trace != nil && trace.ConnectDone != nil {
		trace.ConnectDone(network, addr, err)
	}
	return conn, err
}

// dial opens the connection for plain HTTP, or to a proxy. Plain HTTP,
// direct or through an HTTP proxy, is read alongside the transport for
// the header order; an https:// URL through a proxy runs TLS inside this
// connection, where there is nothing readable.
func (c *conns) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := c.dialRaw(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if recorderOf(ctx).currentScheme() == "https" {
		return conn, nil
	}
	return newH1Conn(conn, nil), nil
}

// currentScheme is the lower-case scheme of the current hop's URL.
func (r *recorder) currentScheme() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.ToLower(schemeOf(r.cur().hop.Request.URL))
}

// dialTLS opens a TLS connection straight to the server and records the
// handshake on the current hop of the call that asked for it. HTTP/2
// sessions are returned as the *tls.Conn, which net/http passes to
// upgradeH2; HTTP/1.1 sessions are wrapped so that the response heads
// can be read in the clear.
func (c *conns) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	r := recorderOf(ctx)
	raw, err := c.dialRaw(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		raw.Close()
		return nil, err
	}
	cfg := c.tlsConf.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	tc := tls.Client(raw, cfg)
	hctx, cancel := context.WithTimeout(ctx, tlsTimeout)
	defer cancel()
	r.tlsEvent(func(h *hopRec, now time.Time) { h.tlsStart, h.tlsDialed = now, true })
	r.phase(PhaseTLS)
	err = tc.HandshakeContext(hctx)
	cs := tc.ConnectionState()
	r.tlsEvent(func(h *hopRec, now time.Time) {
		h.hop.Timings.TLS = now.Sub(h.tlsStart)
		h.hop.TLS = tlsInfo(cs, err)
	})
	if err != nil {
		raw.Close()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = &tlsTimeoutError{addr: addr}
		}
		return nil, err
	}
	if cs.NegotiatedProtocol == http2.NextProtoTLS {
		return tc, nil
	}
	return newH1Conn(tc, tc), nil
}

// tlsTimeoutError is a TLS handshake that did not finish in tlsTimeout.
type tlsTimeoutError struct{ addr string }

func (e *tlsTimeoutError) Error() string {
	return fmt.Sprintf("tls: handshake with %s did not finish within %s", e.addr, tlsTimeout)
}
func (e *tlsTimeoutError) Timeout() bool   { return true }
func (e *tlsTimeoutError) Temporary() bool { return false }

// tlsEvent records an event on the current hop with the time it happened,
// unless the call is over: a step of a handshake this package runs
// itself, or an httptrace event. A nil recorder records nothing.
func (r *recorder) tlsEvent(f func(h *hopRec, now time.Time)) {
	if r == nil {
		return
	}
	now := r.opt.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		f(r.cur(), now)
	}
}

// upgradeH2 is net/http's hand-over of a TLS connection that negotiated
// HTTP/2. The session runs on x/net's HTTP/2 client over a connection
// that decodes the response header blocks for their order.
func (c *conns) upgradeH2(_ string, tc *tls.Conn) http.RoundTripper {
	wc := newH2Conn(tc)
	cc, err := c.h2.NewClientConn(wc)
	if err != nil {
		tc.Close()
		return h2Error{err}
	}
	c.mu.Lock()
	// A long-lived transport opens many sessions over time: forget the
	// ones that have closed.
	live := c.h2conns[:0]
	for _, old := range c.h2conns {
		if !old.State().Closed {
			live = append(live, old)
		}
	}
	c.h2conns = append(live, cc)
	c.mu.Unlock()
	return &h2Session{cc: cc, conn: wc}
}

// h2Session sends requests on one HTTP/2 connection.
type h2Session struct {
	cc   *http2.ClientConn
	conn *h2Conn
	used atomic.Bool
}

func (s *h2Session) RoundTrip(req *http.Request) (*http.Response, error) {
	if !s.cc.ReserveNewRequest() {
		// The session is closing (GOAWAY) or has no stream to spare:
		// net/http drops it from its pool and dials again, nothing
		// having been sent.
		return nil, errNoCachedConn{}
	}
	// x/net reports GotConn from its own connection pool only; this
	// connection came from net/http, so it is reported here.
	if trace := httptrace.ContextClientTrace(req.Context()); trace != nil && trace.GotConn != nil {
		trace.GotConn(httptrace.GotConnInfo{Conn: s.conn, Reused: s.used.Swap(true)})
	}
	return s.cc.RoundTrip(req)
}

// errNoCachedConn tells net/http that an HTTP/2 session cannot take the
// request, through the method its bundled HTTP/2 uses for the same.
type errNoCachedConn struct{}

func (errNoCachedConn) IsHTTP2NoCachedConnError() {}
func (errNoCachedConn) Error() string             { return "http2: no cached connection was available" }

// h2Error reports a failed HTTP/2 set-up to net/http, which recognises
// the RoundTripErr method and returns the error.
type h2Error struct{ err error }

func (e h2Error) RoundTrip(*http.Request) (*http.Response, error) { return nil, e.err }
func (e h2Error) RoundTripErr() error                             { return e.err }

// proxy picks the proxy for a request from HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY, as curl and Go do. Loopback hosts are never proxied. A
// setting that applies but is not a URL fails the call, as in curl; Go
// would silently ignore it and connect directly.
func (c *conns) proxy(req *http.Request) (*url.URL, error) {
	if c.opt.Getenv == nil {
		return nil, nil
	}
	cfg := httpproxy.Config{HTTPProxy: env(c.opt.Getenv, "HTTP_PROXY"), HTTPSProxy: env(c.opt.Getenv, "HTTPS_PROXY"), NoProxy: env(c.opt.Getenv, "NO_PROXY")}
	name, setting := "HTTP_PROXY", &cfg.HTTPProxy
	if req.URL.Scheme == "https" {
		name, setting = "HTTPS_PROXY", &cfg.HTTPSProxy
	}
	if *setting != "" && !validProxy(*setting) {
		probe := cfg
		if req.URL.Scheme == "https" {
			probe.HTTPSProxy = "http://proxy.invalid:1"
		} else {
			probe.HTTPProxy = "http://proxy.invalid:1"
		}
		if u, _ := probe.ProxyFunc()(req.URL); u != nil {
			// Say which variable is wrong, never what it holds: it may
			// hold credentials.
			return nil, &proxyError{msg: "the proxy setting " + name + " is not a valid URL; fix or unset it"}
		}
	}
	u, err := cfg.ProxyFunc()(req.URL)
	if err != nil {
		return nil, &proxyError{msg: "the proxy setting " + name + " could not be used; fix or unset it"}
	}
	if r := recorderOf(req.Context()); u != nil && r != nil {
		r.mu.Lock()
		r.proxyUsed = u.String()
		r.mu.Unlock()
	}
	return u, nil
}

// validProxy reports whether a proxy setting parses the way
// x/net/http/httpproxy reads it: a URL, or a host[:port] taken as http://.
func validProxy(v string) bool {
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		return true
	}
	u, err := url.Parse("http://" + v)
	return err == nil && u.Host != ""
}

// env reads a proxy variable, upper-case first, as curl does.
func env(getenv func(string) string, name string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return getenv(strings.ToLower(name))
}

// proxyConnected checks the proxy's answer to CONNECT. net/http turns a
// refusal into a bare status text; this keeps the status and the proxy.
func (c *conns) proxyConnected(_ context.Context, proxy *url.URL, _ *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return &proxyError{msg: fmt.Sprintf("the proxy at %s refused to open a tunnel: %s", proxy.Host, resp.Status)}
}

// proxyError is a failure of the proxy itself, already in plain words and
// free of credentials.
type proxyError struct{ msg string }

func (e *proxyError) Error() string { return e.msg }

func schemeOf(raw string) string {
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	return scheme
}

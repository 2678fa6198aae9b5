package capture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
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

// transport builds the HTTP transport of one replay. It dials and runs
// TLS itself, so that it can read the response heads in wire order and
// record the handshake, and it hands HTTP/2 sessions to x/net's HTTP/2
// client over a connection it can read alongside.
func (r *recorder) transport() *http.Transport {
	r.tlsConf = &tls.Config{
		InsecureSkipVerify: r.opt.Insecure,
		RootCAs:            r.opt.RootCAs,
		// The same offer as Go's transport (and curl): HTTP/2 when the
		// server agrees, HTTP/1.1 otherwise.
		NextProtos: []string{"h2", "http/1.1"},
		// Records whether the server asked for a client certificate,
		// and answers with Options.Certificates' first, as curl --cert
		// does; with none, the handshake goes on without one.
		GetClientCertificate: r.clientCertificate,
	}
	r.h2 = &http2.Transport{DisableCompression: true, MaxHeaderListSize: maxHeaderBytes}
	return &http.Transport{
		// Only a plain http:// URL through an HTTP(S) proxy is left to
		// net/http; the dial tunnels every other proxied connection.
		Proxy:                  r.proxy,
		OnProxyConnectResponse: r.proxyConnected,
		DialContext:            r.dial,
		DialTLSContext:         r.dialTLS,
		TLSClientConfig:        r.tlsConf, // used by net/http only for HTTPS through a proxy
		TLSHandshakeTimeout:    tlsTimeout,
		TLSNextProto:           map[string]func(string, *tls.Conn) http.RoundTripper{"h2": r.upgradeH2},
		// curl does not ask for compression unless told to (--compressed);
		// neither do we, so the wire matches the user's call.
		DisableCompression: true,
		// Large reads keep a big body download cheap; memory is per
		// connection, not per body.
		ReadBufferSize:         64 << 10,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
}

// recorderKey is the context key under which a call's recorder travels
// to the transport's hooks (see forCall).
type recorderKey struct{}

func withRecorder(ctx context.Context, r *recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// forCall returns the recorder of the call that ctx belongs to. A
// Replay's transport serves one call, whose recorder is r; an
// Upstream's is shared by every call it forwards, and each call's
// recorder travels in its request context, so that what the transport
// learns (the dial, the handshake, the proxy) is recorded on the call
// that asked for it.
func (r *recorder) forCall(ctx context.Context) *recorder {
	if c, ok := ctx.Value(recorderKey{}).(*recorder); ok {
		return c
	}
	return r
}

// dialRaw opens a TCP connection, with Options.Dial when set.
func (r *recorder) dialRaw(ctx context.Context, network, addr string) (net.Conn, error) {
	if r.opt.Dial == nil {
		d := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Resolver: r.opt.Resolver}
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
	c, err := r.opt.Dial(ctx, network, addr)
	if trace != nil && trace.ConnectDone != nil {
		trace.ConnectDone(network, addr, err)
	}
	return c, err
}

// dial opens the connection for plain HTTP: to the server (see open), or
// to an HTTP proxy that net/http speaks to. It is read alongside the
// transport for the header order.
func (r *recorder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	r = r.forCall(ctx)
	c, err := r.open(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return newH1Conn(c, nil), nil
}

// dialTLS opens a TLS connection straight to the server and records the
// handshake on the current hop. HTTP/2 sessions are returned as the
// *tls.Conn, which net/http passes to upgradeH2; HTTP/1.1 sessions are
// wrapped so that the response heads can be read in the clear.
func (r *recorder) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	r = r.forCall(ctx)
	if p, byTransport := r.route(); p != nil && byTransport {
		// An http:// URL through an https:// proxy: net/http asks for
		// TLS with the proxy, which open runs. That session is not
		// the server's, so it is not recorded as the hop's.
		c, err := r.open(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return newH1Conn(c, nil), nil
	}
	raw, err := r.open(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		raw.Close()
		return nil, err
	}
	cfg := r.tlsConf.Clone()
	// The config may be an Upstream's, shared by every call: the
	// certificate request is recorded on this call's hop.
	cfg.GetClientCertificate = r.clientCertificate
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
		h.hop.TLS.ClientCertAsked = h.certAsked
		if h.certSent {
			h.hop.TLS.ClientCert = r.clientCert
		}
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

// clientCertificate is tls.Config.GetClientCertificate: the server asked
// for a client certificate. It answers with Options.Certificates' first,
// or with none (an empty certificate, as crypto/tls wants it).
func (r *recorder) clientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	sent := len(r.opt.Certificates) > 0
	r.tlsEvent(func(h *hopRec, _ time.Time) { h.certAsked, h.certSent = true, sent })
	if !sent {
		return &tls.Certificate{}, nil
	}
	return &r.opt.Certificates[0], nil
}

// certOf describes a client certificate for the record; nil when it has
// none or it does not parse.
func certOf(c tls.Certificate) *Cert {
	if c.Leaf != nil {
		ci := certInfo(c.Leaf)
		return &ci
	}
	if len(c.Certificate) == 0 {
		return nil
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return nil
	}
	ci := certInfo(leaf)
	return &ci
}

// tlsTimeoutError is a TLS handshake that did not finish in tlsTimeout.
type tlsTimeoutError struct{ addr string }

func (e *tlsTimeoutError) Error() string {
	return fmt.Sprintf("tls: handshake with %s did not finish within %s", e.addr, tlsTimeout)
}
func (e *tlsTimeoutError) Timeout() bool   { return true }
func (e *tlsTimeoutError) Temporary() bool { return false }

// tlsEvent records an event on the current hop with the time it happened,
// unless the replay is over: a step of a handshake this package runs
// itself, or an httptrace event.
func (r *recorder) tlsEvent(f func(h *hopRec, now time.Time)) {
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
func (r *recorder) upgradeH2(_ string, tc *tls.Conn) http.RoundTripper {
	wc := newH2Conn(tc)
	cc, err := r.h2.NewClientConn(wc)
	if err != nil {
		tc.Close()
		return h2Error{err}
	}
	r.mu.Lock()
	// An Upstream's transport opens many sessions over time: forget
	// the ones that have closed.
	live := r.h2conns[:0]
	for _, old := range r.h2conns {
		if !old.State().Closed {
			live = append(live, old)
		}
	}
	r.h2conns = append(live, cc)
	r.mu.Unlock()
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

// envProxy picks the proxy for a URL from HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY (or Options.NoProxy), as curl and Go do. Loopback hosts are never proxied. A
// setting that applies but is not a URL fails the call, as in curl; Go
// would silently ignore it and connect directly. A proxy without a port
// gets curl's (see ParseProxy).
func (r *recorder) envProxy(target *url.URL) (*url.URL, error) {
	if r.opt.Getenv == nil {
		return nil, nil
	}
	cfg := httpproxy.Config{HTTPProxy: r.env("HTTP_PROXY"), HTTPSProxy: r.env("HTTPS_PROXY"), NoProxy: r.env("NO_PROXY")}
	if r.opt.NoProxy != nil {
		// curl --noproxy replaces NO_PROXY for the variables' proxies too.
		if NoProxyMatch(*r.opt.NoProxy, target.Hostname()) {
			return nil, nil
		}
		cfg.NoProxy = ""
	}
	name, setting := "HTTP_PROXY", &cfg.HTTPProxy
	if target.Scheme == "https" {
		name, setting = "HTTPS_PROXY", &cfg.HTTPSProxy
	}
	if *setting != "" && !validProxy(*setting) {
		probe := cfg
		if target.Scheme == "https" {
			probe.HTTPSProxy = "http://proxy.invalid:1"
		} else {
			probe.HTTPProxy = "http://proxy.invalid:1"
		}
		if u, _ := probe.ProxyFunc()(target); u != nil {
			// Say which variable is wrong, never what it holds: it may
			// hold credentials.
			return nil, &proxyError{msg: "the proxy setting " + name + " is not a valid URL; fix or unset it"}
		}
	}
	u, err := cfg.ProxyFunc()(target)
	if err != nil {
		return nil, &proxyError{msg: "the proxy setting " + name + " could not be used; fix or unset it"}
	}
	if u == nil {
		return nil, nil
	}
	p, err := ParseProxy(u.String())
	if err != nil {
		return nil, &proxyError{msg: "the proxy setting " + name + " could not be used: " + err.Error()}
	}
	return p, nil
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
func (r *recorder) env(name string) string {
	if v := r.opt.Getenv(name); v != "" {
		return v
	}
	return r.opt.Getenv(strings.ToLower(name))
}

// proxyConnected checks the proxy's answer to CONNECT. net/http turns a
// refusal into a bare status text; this keeps the status and the proxy.
func (r *recorder) proxyConnected(_ context.Context, proxy *url.URL, _ *http.Request, resp *http.Response) error {
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

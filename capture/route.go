package capture

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file decides where a connection goes and opens it: directly, with
// the addresses Options.Resolve and Options.ConnectTo give, or through a
// proxy (Options.Proxy, or the proxy variables).
//
// Proxies are handled here rather than by net/http wherever that is
// possible: a CONNECT tunnel or a SOCKS session is opened inside the dial,
// so that TLS, the handshake record and the response heads in wire order
// work through a proxy as they do directly. Only a plain http:// URL
// through an HTTP(S) proxy is left to net/http, which writes the request
// line in the absolute form a proxy needs.

// Resolve is one curl --resolve entry: a connection to Host:Port goes to
// Addrs, tried in order, instead of the addresses DNS gives. Host "*"
// matches every host. TLS and the Host header stay those of the URL.
type Resolve struct {
	Host  string
	Port  int
	Addrs []string // IP addresses, without brackets
}

// ConnectTo is one curl --connect-to entry: a connection for Host:Port is
// made to ToHost:ToPort instead. An empty Host or a zero Port matches any;
// an empty ToHost or a zero ToPort keeps the URL's. TLS (server name and
// certificate check) and the Host header stay those of the URL.
type ConnectTo struct {
	Host   string
	Port   int
	ToHost string
	ToPort int
}

// Route says where a connection went when Options.Resolve or
// Options.ConnectTo sent it somewhere else than the URL's host and port.
type Route struct {
	// For is the host:port of the URL (or of the proxy, for a proxy's
	// name that Resolve gave).
	For string
	// To is the host:port connected to instead: an address Resolve
	// gave, or ConnectTo's host and port.
	To string
	// By is RouteResolve or RouteConnectTo.
	By string
}

// How a Route was chosen.
const (
	RouteResolve   = "resolve"    // Options.Resolve gave the address
	RouteConnectTo = "connect-to" // Options.ConnectTo gave the host and port
)

// DefaultProxyPort is the port of a proxy URL that names none, as in
// curl; an https:// proxy defaults to 443.
const DefaultProxyPort = 1080

// proxySchemes are the proxy kinds curl takes, and whether the proxy
// resolves the target's name (socks4a, socks5h) or this side does.
var proxySchemes = map[string]bool{
	"http": true, "https": true, "socks4": false, "socks4a": true, "socks5": false, "socks5h": true,
}

// ParseProxy reads a proxy as curl's -x takes it: scheme://[user:password@]host[:port],
// or host[:port] for http://. The port defaults to DefaultProxyPort, or
// 443 for https://. Its errors never quote the setting, which may hold a
// password.
func ParseProxy(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("the proxy is not a valid URL: write it as http://host:port, socks5h://host:port, ...")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if _, ok := proxySchemes[u.Scheme]; !ok {
		return nil, fmt.Errorf("the proxy's scheme %s:// is not one curl takes: use http://, https://, socks4://, socks4a://, socks5:// or socks5h://", printableScheme(u.Scheme))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, errors.New("the proxy's port is not a number from 1 to 65535")
		}
	} else {
		port := DefaultProxyPort
		if u.Scheme == "https" {
			port = 443
		}
		u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	}
	if u.Path == "/" {
		u.Path = ""
	}
	return u, nil
}

func printableScheme(s string) string {
	if len(s) > 20 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789+-.") != "" {
		return "(not a scheme)"
	}
	return s
}

// NoProxyMatch reports whether host is reached directly under curl's
// no-proxy list: "*" alone matches every host; otherwise each entry
// (separated by commas or spaces) is a host name that matches itself and
// its subdomains (a leading dot is ignored), an IP address, or an IP range
// in CIDR notation. Ports are not compared, and names compare without
// case.
func NoProxyMatch(list, host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if strings.TrimSpace(list) == "*" {
		return true
	}
	ip, ipErr := netip.ParseAddr(host)
	for _, e := range strings.FieldsFunc(list, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' }) {
		e = strings.ToLower(e)
		if ipErr == nil {
			if p, err := netip.ParsePrefix(e); err == nil && p.Contains(ip.Unmap()) {
				return true
			}
			if a, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil && a == ip.Unmap() {
				return true
			}
			continue
		}
		e = strings.TrimSuffix(strings.TrimPrefix(e, "."), ".")
		if e != "" && (host == e || strings.HasSuffix(host, "."+e)) {
			return true
		}
	}
	return false
}

// proxyFor decides the proxy of one request, nil for a direct connection:
// Options.Proxy when set, with Options.NoProxy (or NO_PROXY) applied as
// curl applies it, loopback hosts included; otherwise the proxy
// variables, as before. The choice is kept on the current hop.
func (r *recorder) proxyFor(u *url.URL) (*url.URL, error) {
	if r.opt.Proxy == "" {
		return r.envProxy(u)
	}
	p, err := ParseProxy(r.opt.Proxy)
	if err != nil {
		return nil, &proxyError{msg: "the proxy setting could not be used: " + err.Error()}
	}
	var noProxy string
	switch {
	case r.opt.NoProxy != nil:
		noProxy = *r.opt.NoProxy
	case r.opt.Getenv != nil:
		// curl reads the lower-case name first.
		if noProxy = r.opt.Getenv("no_proxy"); noProxy == "" {
			noProxy = r.opt.Getenv("NO_PROXY")
		}
	}
	if NoProxyMatch(noProxy, u.Hostname()) {
		return nil, nil
	}
	return p, nil
}

// proxy is net/http's Transport.Proxy. It decides the proxy of the
// request and records it, but hands net/http only a plain http:// URL
// through an HTTP(S) proxy; every other proxied connection is tunnelled
// by the dial (see tunnel).
func (r *recorder) proxy(req *http.Request) (*url.URL, error) {
	r = r.forCall(req.Context())
	p, err := r.proxyFor(req.URL)
	if err != nil || p == nil {
		r.setRoute(nil, false)
		return nil, err
	}
	byTransport := req.URL.Scheme == "http" && !r.opt.ProxyTunnel && (p.Scheme == "http" || p.Scheme == "https")
	r.setRoute(p, byTransport)
	if byTransport {
		return p, nil
	}
	return nil, nil
}

func (r *recorder) setRoute(p *url.URL, byTransport bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.cur()
	h.proxy, h.proxyByTransport = p, byTransport
	if p != nil {
		r.proxyUsed = p.String()
	}
}

// route returns the current hop's proxy choice.
func (r *recorder) route() (p *url.URL, byTransport bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.cur()
	return h.proxy, h.proxyByTransport
}

// open opens the connection for the current hop to addr (the URL's
// host:port, or the proxy's when net/http drives the proxy): through the
// proxy's tunnel, or directly with Resolve and ConnectTo applied.
func (r *recorder) open(ctx context.Context, network, addr string) (c net.Conn, err error) {
	p, byTransport := r.route()
	switch {
	case p != nil && byTransport:
		c, err = r.dialHost(ctx, network, addr, true)
	case p != nil:
		c, err = r.tunnel(ctx, p, r.connectTo(addr))
	default:
		c, err = r.dialHost(ctx, network, r.connectTo(addr), false)
	}
	if err == nil {
		// A later hop that reuses the connection reports the same
		// routes (see GotConn).
		r.mu.Lock()
		if r.connRoutes == nil {
			r.connRoutes = map[string][]Route{}
		}
		r.connRoutes[addrString(c.LocalAddr())] = r.cur().hop.Conn.Routes
		r.mu.Unlock()
	}
	return c, err
}

// connectTo applies the first ConnectTo entry that matches addr and
// records the route; addr is returned unchanged when none does.
func (r *recorder) connectTo(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	n, _ := strconv.Atoi(port)
	for _, c := range r.opt.ConnectTo {
		if (c.Host != "" && !strings.EqualFold(c.Host, host)) || (c.Port != 0 && c.Port != n) {
			continue
		}
		toHost, toPort := host, port
		if c.ToHost != "" {
			toHost = c.ToHost
		}
		if c.ToPort != 0 {
			toPort = strconv.Itoa(c.ToPort)
		}
		to := net.JoinHostPort(toHost, toPort)
		if to != addr {
			r.addRoute(Route{For: addr, To: to, By: RouteConnectTo})
		}
		return to
	}
	return addr
}

// resolved returns the addresses Resolve gives for addr, nil when none.
func (r *recorder) resolved(addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	n, _ := strconv.Atoi(port)
	for _, e := range r.opt.Resolve {
		if e.Port == n && (e.Host == "*" || strings.EqualFold(e.Host, host)) {
			out := make([]string, len(e.Addrs))
			for i, a := range e.Addrs {
				out[i] = net.JoinHostPort(a, port)
			}
			return out
		}
	}
	return nil
}

// addRoute records a route on the current hop, once.
func (r *recorder) addRoute(rt Route) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.cur()
	for _, have := range h.hop.Conn.Routes {
		if have == rt {
			return
		}
	}
	h.hop.Conn.Routes = append(h.hop.Conn.Routes, rt)
}

// dialHost opens a TCP connection to addr, at the addresses Resolve gives
// for it when there are any (tried in order, as curl does), and to a
// proxy over TLS when toProxy is set and the proxy is https://.
func (r *recorder) dialHost(ctx context.Context, network, addr string, toProxy bool) (net.Conn, error) {
	targets := r.resolved(addr)
	if targets == nil {
		targets = []string{addr}
	} else {
		r.addRoute(Route{For: addr, To: strings.Join(targets, ", "), By: RouteResolve})
	}
	var c net.Conn
	var err error
	for _, t := range targets {
		if c, err = r.dialRaw(ctx, network, t); err == nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if p, _ := r.route(); toProxy && p != nil && p.Scheme == "https" {
		return r.proxyTLS(ctx, c, p)
	}
	return c, nil
}

// proxyTLS runs TLS with an https:// proxy over c. The proxy is checked
// against Options.ProxyRootCAs (the system's when nil) unless
// Options.ProxyInsecure, as curl checks it with --proxy-cacert and
// --proxy-insecure; -k does not apply to the proxy. Only HTTP/1.1 is
// offered: the proxy is spoken to in CONNECT or absolute-form requests.
func (r *recorder) proxyTLS(ctx context.Context, c net.Conn, p *url.URL) (net.Conn, error) {
	cfg := &tls.Config{
		ServerName:         p.Hostname(),
		RootCAs:            r.opt.ProxyRootCAs,
		InsecureSkipVerify: r.opt.ProxyInsecure,
		NextProtos:         []string{"http/1.1"},
	}
	tc := tls.Client(c, cfg)
	hctx, cancel := context.WithTimeout(ctx, tlsTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		c.Close()
		reason, _ := verifyKind(err)
		if reason == "" {
			reason = plainError(err)
		}
		return nil, &proxyError{msg: fmt.Sprintf("the TLS handshake with the https:// proxy at %s failed: %s", p.Host, reason)}
	}
	return tc, nil
}

// tunnel opens a connection to target through the proxy p: an HTTP
// CONNECT tunnel for http:// and https:// proxies, a SOCKS session
// otherwise. What comes back carries the target's bytes as a direct
// connection would.
func (r *recorder) tunnel(ctx context.Context, p *url.URL, target string) (net.Conn, error) {
	c, err := r.dialHost(ctx, "tcp", p.Host, true)
	if err != nil {
		return nil, err
	}
	// The handshake with the proxy is bounded as a connect is.
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	} else {
		c.SetDeadline(time.Now().Add(dialTimeout))
	}
	switch p.Scheme {
	case "http", "https":
		err = r.connectTunnel(c, p, target)
	default:
		err = r.socks(ctx, c, p, target)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// connectTunnel asks an HTTP proxy to open a tunnel to target with the
// request curl 7.88 sends: CONNECT host:port, Host, Proxy-Authorization
// when the proxy URL has credentials, the request's User-Agent, and
// Proxy-Connection: Keep-Alive. Any 2xx opens the tunnel, as in curl.
func (r *recorder) connectTunnel(c net.Conn, p *url.URL, target string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", target, target)
	if auth := proxyAuth(p); auth != "" {
		b.WriteString("Proxy-Authorization: " + auth + "\r\n")
	}
	if ua := r.user.Get("User-Agent"); ua != "" {
		b.WriteString("User-Agent: " + ua + "\r\n")
	}
	b.WriteString("Proxy-Connection: Keep-Alive\r\n\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		return err
	}
	// One byte at a time up to the end of the head, so that nothing of
	// the tunnel's first bytes is read ahead and lost.
	br := bufio.NewReaderSize(oneByteReader{c}, 16)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &proxyError{msg: fmt.Sprintf("the proxy at %s refused to open a tunnel: %s", p.Host, resp.Status)}
	}
	return nil
}

// proxyAuth is the Proxy-Authorization value for the credentials in a
// proxy URL, "" when it has none.
func proxyAuth(p *url.URL) string {
	if p.User == nil {
		return ""
	}
	pass, _ := p.User.Password()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User.Username()+":"+pass))
}

// oneByteReader reads at most one byte per call.
type oneByteReader struct{ c net.Conn }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.c.Read(p)
}

// proxyConnection is the transport of the client: it adds the
// Proxy-Connection: Keep-Alive that curl 7.88 sends on a request to an
// HTTP proxy (not on one inside a tunnel), unless the request has its own.
type proxyConnection struct {
	tr *http.Transport
	r  *recorder
}

func (pc proxyConnection) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !pc.r.opt.ProxyTunnel && !pc.r.user.Has("Proxy-Connection") {
		if p, err := pc.r.proxyFor(req.URL); err == nil && p != nil && (p.Scheme == "http" || p.Scheme == "https") {
			req = req.Clone(req.Context())
			req.Header.Set("Proxy-Connection", "Keep-Alive")
		}
	}
	return pc.tr.RoundTrip(req)
}

package capture

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// bodyError is a read error that cut a response body short.
type bodyError struct {
	err  error
	read int64 // bytes read on the wire
	want int64 // the declared Content-Length, -1 when none
}

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// classify turns a transport error into a Fault in plain words, using what
// the recorder saw of the last hop to say where it happened.
func (r *recorder) classify(err error, timeout time.Duration) *Fault {
	r.mu.Lock()
	h := r.cur()
	addr := h.dialAddr
	if h.hop.Conn.RemoteAddr != "" {
		addr = h.hop.Conn.RemoteAddr
	}
	connected, wrote, gotFirst := h.connected, !h.wrote.IsZero(), !h.firstByte.IsZero()
	tlsStarted := !h.tlsStart.IsZero()
	target := hostOf(h.hop.Request.URL)
	https := strings.EqualFold(schemeOf(h.hop.Request.URL), "https")
	proxied := r.proxyUsed != ""
	redirects := len(r.recs) - 1
	lastURL := h.hop.Request.URL
	var received []byte
	tooLarge := false
	if h.conn != nil {
		received = h.conn.received(maxReceived)
		tooLarge = h.conn.tooLarge()
	}
	proxyUsed := r.proxyUsed
	r.mu.Unlock()

	// where names the peer the failure happened with: the server by its
	// address when one was reached or tried, else by its name; through a
	// proxy, the proxy, unless the failure was inside the tunnel.
	where := "the server " + target
	if addr != "" {
		where = "the server at " + addr
	}
	if proxied {
		at := addr
		if at == "" {
			at = hostOf(proxyUsed) // host:port only, never credentials
		}
		where = "the proxy at " + at
		if https && tlsStarted {
			where = "the server " + target + " (through the proxy at " + at + ")"
		}
	}
	peer := strings.TrimPrefix(strings.TrimPrefix(where, "the server at "), "the server ")

	// Detail leaves out the URL net/http puts first: its query may hold
	// secrets, and every hop's URL is in the exchange anyway.
	f := &Fault{Kind: FaultOther, Detail: plainError(err)}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var bodyErr *bodyError
	var proxyErr *proxyError
	var tlsSlow *tlsTimeoutError
	problem := headProblem(err, received)
	switch {
	case r.interrupted():
		// First: tearing the call down looks like a reset, a broken
		// body or a failed handshake, and the cause (e.g. "interrupt
		// signal received") comes back as the error.
		f.Kind = FaultInterrupted
		f.Message = "the call was interrupted (Ctrl-C) before it finished"
	case errors.As(err, &proxyErr):
		f.Kind = FaultProxy
		f.Message = proxyErr.msg
	case strings.HasPrefix(plainError(err), "failed to parse Location header"):
		// Before any case that sniffs the error text: Go quotes the
		// Location, which may say anything ("tls:", a token).
		f.Kind = FaultMalformed
		f.Message = where + " redirected to a Location that is not a valid URL"
		f.Detail = "failed to parse Location header"
	case tooLarge || headersTooLarge(err):
		f.Kind = FaultHeadersTooLarge
		f.Message = fmt.Sprintf("%s sent more than %s of response headers; altegio-ticket stopped reading there", where, byteCount(maxHeaderBytes))
	case errors.Is(err, errTooManyRedirects):
		f.Kind = FaultTooManyRedirects
		f.Message = fmt.Sprintf("the server kept redirecting; stopped after %d redirects, at %s", redirects, withoutQuery(lastURL))
	case errors.As(err, &bodyErr):
		of := "the response body"
		if bodyErr.want >= 0 {
			of = "the " + byteCount(bodyErr.want) + " response body"
		}
		if isTimeout(err) {
			f.Kind = FaultResponseTimeout
			f.Message = fmt.Sprintf("the response body from %s stopped arriving: it did not end%s, after %s of %s", peer, within(timeout), byteCount(bodyErr.read), of)
		} else {
			f.Kind = FaultReset
			f.Message = fmt.Sprintf("the connection to %s broke after %s of %s (%s)", peer, byteCount(bodyErr.read), of, brokeHow(err))
		}
	case errors.As(err, &dnsErr):
		f.Kind = FaultDNS
		what := "the name"
		if proxied {
			what = "the proxy's name"
		}
		f.Message = fmt.Sprintf("%s %q could not be resolved (DNS lookup failed: %s)", what, dnsErr.Name, dnsErr.Err)
	case isRefused(err):
		f.Kind = FaultRefused
		f.Message = where + " refused the connection"
	case errors.As(err, &tlsSlow):
		f.Kind = FaultTLS
		f.Message = fmt.Sprintf("the TLS handshake with %s did not finish within %s", peer, tlsTimeout)
	case isTimeout(err) && !connected:
		f.Kind = FaultConnectTimeout
		limit := dialTimeout
		if timeout > 0 && timeout < limit {
			limit = timeout
		}
		f.Message = fmt.Sprintf("no connection to %s could be made within %s", peer, limit)
	case isTimeout(err) && https && tlsStarted && !wrote && !r.tlsFinished():
		f.Kind = FaultTLS
		f.Message = fmt.Sprintf("the TLS handshake with %s did not finish%s", peer, within(timeout))
	case errors.As(err, &recErr) && bytes.HasPrefix(recErr.RecordHeader[:], []byte("HTTP/")),
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		f.Kind = FaultTLS
		f.Message = where + " answered in plain HTTP to a TLS handshake: the URL says https:// but the port speaks http:// (check the scheme and the port)"
	case errors.As(err, &certErr), errors.As(err, &recErr), isTLSError(err):
		f.Kind = FaultTLS
		f.Message = "the TLS handshake with " + peer + " failed: " + verifyReason(err)
	case isTimeout(err) && wrote && !gotFirst:
		f.Kind = FaultResponseTimeout
		f.Message = fmt.Sprintf("no answer%s after the request was sent to %s", within(timeout), peer)
	case isTimeout(err) && !wrote:
		f.Kind = FaultResponseTimeout
		f.Message = fmt.Sprintf("the request could not be sent to %s%s", peer, within(timeout))
	case isTimeout(err):
		f.Kind = FaultResponseTimeout
		f.Message = fmt.Sprintf("the response from %s did not finish arriving%s", peer, within(timeout))
	case problem != "":
		// net/http quotes what it could not parse, which may be a cut
		// through an echoed token: the bytes go to Received, which the
		// redactor treats as cut text, and never into a sentence.
		f.Kind = FaultMalformed
		f.Message = where + " sent a response that is not valid HTTP (" + problem + ")"
		f.Detail = unquoted(f.Detail)
		if len(received) > 0 {
			f.Message += "; its first bytes are in the ticket"
			f.Received = received
		}
	case isReset(err):
		f.Kind = FaultReset
		f.Message = "the connection to " + peer + " was closed before a response arrived"
		if wrote {
			f.Message = "the connection to " + peer + " was closed after the request was sent, before a response arrived"
		}
		if gotFirst {
			f.Message = "the connection to " + peer + " was closed while the response head was arriving"
		}
	default:
		f.Message = "the call failed: " + plainError(err)
	}
	f.Message = r.scrubProxy(f.Message)
	f.Detail = r.scrubProxy(f.Detail)
	return f
}

// tlsFinished reports whether the current hop's handshake completed.
func (r *recorder) tlsFinished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.cur().hop.TLS
	return t != nil && t.Version != ""
}

// within is " within 30s" for a limit, "" for none.
func within(timeout time.Duration) string {
	if timeout <= 0 {
		return ""
	}
	return " within " + timeout.String()
}

// brokeHow says how a connection ended early.
func brokeHow(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "the peer reset it"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the peer closed it"
	}
	return plainError(err)
}

// scrubProxy removes the credentials of the proxy settings from s. The
// messages here do not quote a proxy URL, and net/http's errors do not
// either; this holds if one ever does, since a fault message reaches the
// terminal.
func (r *recorder) scrubProxy(s string) string {
	if r.opt.Getenv == nil {
		return s
	}
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"} {
		v := r.opt.Getenv(name)
		_, rest, ok := strings.Cut(v, "://")
		if !ok {
			rest = v
		}
		at := strings.LastIndex(rest, "@")
		if at <= 0 {
			continue
		}
		info := rest[:at]
		s = strings.ReplaceAll(s, info, "***")
		if u, err := url.PathUnescape(info); err == nil && u != info {
			s = strings.ReplaceAll(s, u, "***")
		}
	}
	return s
}

// hostOf is the host (and port) of a URL for a sentence. A URL that does
// not parse (one cut at MaxURL inside an escape, say) gives its host by
// hand: never the whole text, whose path or query may hold a secret.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	h := ProxyHost(raw)
	if _, rest, ok := strings.Cut(h, "://"); ok {
		return rest
	}
	return h
}

func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "connection reset")
}

func isTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}

func isTLSError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "tls:") || strings.Contains(s, "x509:")
}

// headersTooLarge reports whether err is a response head over
// maxHeaderBytes: net/http's for HTTP/1.x, x/net's for HTTP/2.
func headersTooLarge(err error) bool {
	s := err.Error()
	return strings.Contains(s, "server response headers exceeded") ||
		strings.Contains(s, "response header list larger than advertised limit")
}

// withoutQuery is a URL for a sentence: scheme, host and path, no query
// (it may hold a signature or a token) and no fragment. A path too long
// to read is left out too.
func withoutQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return hostOf(raw)
	}
	out := u.Scheme + "://" + u.Host
	if len(u.EscapedPath()) <= 256 {
		out += u.EscapedPath()
	}
	return out
}

// maxReceived is how many bytes of a response that is not valid HTTP
// are kept in Fault.Received.
const maxReceived = 256

// headErrors are the errors net/http gives for a response head it
// cannot parse, by the phrase that starts them, with the reason in plain
// words. Each quotes, after the phrase, what it could not parse.
var headErrors = []struct{ phrase, reason string }{
	{"malformed HTTP response", "the status line is not HTTP"},
	{"malformed HTTP status code", "the status code is not valid"},
	{"malformed HTTP version", "the HTTP version is not valid"},
	{"malformed MIME header", "a header line is not valid"},
	{"invalid empty Content-Length", "the Content-Length header is not valid"},
	{"bad Content-Length", "the Content-Length header is not valid"},
	{"message cannot contain multiple Content-Length headers", "the Content-Length header is not valid"},
	{"unsupported transfer encoding", "the Transfer-Encoding header is not valid"},
	{"too many transfer encodings", "the Transfer-Encoding header is not valid"},
	{"invalid Trailer key", "the Trailer header is not valid"},
}

// headProblem says in plain words why a response head could not be
// parsed, "" when err is not such a failure. received, the first bytes
// of the head, tells a peer that does not speak HTTP at all.
func headProblem(err error, received []byte) string {
	s := err.Error()
	for _, e := range headErrors {
		if strings.Contains(s, e.phrase) {
			if len(received) > 0 && !bytes.HasPrefix(received, []byte("HTTP/")) {
				return "the status line is not HTTP"
			}
			return e.reason
		}
	}
	return ""
}

// unquoted cuts an error text of headErrors before the value it quotes.
func unquoted(s string) string {
	if i := strings.IndexAny(s, `"[`); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " :;")
	s = strings.TrimSuffix(s, "; got")
	return strings.TrimRight(s, " :;")
}

// verifyReason says in plain words why a TLS handshake or certificate
// verification failed.
func verifyReason(err error) string {
	r, _ := verifyKind(err)
	return r
}

// verifyKind classifies a TLS verification error and says it in plain
// words.
func verifyKind(err error) (string, VerifyKind) {
	var ua x509.UnknownAuthorityError
	var inv x509.CertificateInvalidError
	var host x509.HostnameError
	switch {
	case errors.As(err, &ua):
		return "the certificate is signed by an unknown authority (a TLS-inspecting proxy or a self-signed certificate?)", VerifyUnknownAuthority
	case errors.As(err, &host):
		return "the certificate is not valid for this host name: " + host.Error(), VerifyHostname
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		if strings.Contains(inv.Detail, "before") {
			return "the certificate is not yet valid (is this computer's clock right?): " + inv.Detail, VerifyNotYetValid
		}
		return "the certificate has expired: " + inv.Detail, VerifyExpired
	case errors.As(err, &inv):
		return "the certificate is invalid: " + inv.Error(), VerifyOther
	}
	return plainError(err), VerifyOther
}

// plainError strips Go's "Get \"url\":" wrapping from an error message.
func plainError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func certInfo(c *x509.Certificate) Cert {
	sum := sha256.Sum256(c.Raw)
	out := Cert{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    hex.EncodeToString(sum[:]),
	}
	out.Names = append(out.Names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out.Names = append(out.Names, ip.String())
	}
	return out
}

package capture

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
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
	read int64
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
	host := hostOf(h.hop.Request.URL)
	r.mu.Unlock()

	f := &Fault{Kind: FaultOther, Detail: err.Error()}
	server := "the server"
	if addr != "" {
		server = "the server at " + addr
	}
	within := ""
	if timeout > 0 {
		within = " within " + timeout.String()
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var bodyErr *bodyError
	switch {
	case errors.Is(err, errTooManyRedirects):
		f.Kind = FaultTooManyRedirects
		f.Message = fmt.Sprintf("the server kept redirecting; stopped after %d redirects", len(r.recs)-1)
	case errors.As(err, &bodyErr):
		if isTimeout(err) {
			f.Kind = FaultResponseTimeout
			f.Message = fmt.Sprintf("the response body stopped arriving: no end%s, after %s", within, byteCount(bodyErr.read))
		} else {
			f.Kind = FaultReset
			f.Message = fmt.Sprintf("the connection to %s broke after %s of the response body", orHost(addr, host), byteCount(bodyErr.read))
		}
	case errors.As(err, &dnsErr):
		f.Kind = FaultDNS
		f.Message = fmt.Sprintf("the name %q could not be resolved (DNS lookup failed: %s)", dnsErr.Name, dnsErr.Err)
	case isRefused(err):
		f.Kind = FaultRefused
		f.Message = server + " refused the connection"
	case isTimeout(err) && !connected:
		f.Kind = FaultConnectTimeout
		f.Message = fmt.Sprintf("no connection to %s could be made%s", orHost(addr, host), within)
	case errors.As(err, &certErr), errors.As(err, &recErr), isTLSError(err):
		f.Kind = FaultTLS
		f.Message = "the TLS handshake with " + orHost(addr, host) + " failed: " + verifyReason(err)
	case isTimeout(err) && wrote && !gotFirst:
		f.Kind = FaultResponseTimeout
		f.Message = fmt.Sprintf("no answer%s after the request was sent to %s", within, orHost(addr, host))
	case isTimeout(err):
		f.Kind = FaultResponseTimeout
		f.Message = fmt.Sprintf("the exchange with %s did not finish%s", orHost(addr, host), within)
	case isMalformed(err):
		f.Kind = FaultMalformed
		f.Message = server + " sent a response that is not valid HTTP"
	case isReset(err):
		f.Kind = FaultReset
		f.Message = "the connection to " + orHost(addr, host) + " was closed before a complete response arrived"
	case errors.Is(err, context.Canceled):
		f.Message = "the call was cancelled before it finished"
	default:
		f.Message = "the call failed: " + plainError(err)
	}
	return f
}

func orHost(addr, host string) string {
	if addr != "" {
		return addr
	}
	return host
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
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

func isMalformed(err error) bool {
	s := err.Error()
	return strings.Contains(s, "malformed HTTP") || strings.Contains(s, "malformed MIME") ||
		strings.Contains(s, "server gave HTTP response to HTTPS client")
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

package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// tlsView is the TLS session of the final hop as the Connection section
// shows it.
type tlsView struct {
	Summary string // "TLS 1.3, TLS_AES_128_GCM_SHA256, ALPN h2"
	// Verify is "passed", "skipped: ..." or "failed: <reason>", with the
	// CAs it was checked against when they were not the system's.
	Verify string
	Failed bool
	// ClientCert says whether the server asked for a client
	// certificate and which one it got; "" when it did not ask.
	ClientCert string
	// Leaf is the server's certificate; Chain the rest of what it
	// presented, shown in full when verification failed.
	Leaf  *certView
	Chain []certView
}

type certView struct {
	Subject string
	Issuer  string
	Valid   string // "2026-10-01 to 2026-12-30 (expired)"
	Names   string // "api.alteg.io, *.alteg.io"
	SHA256  string
}

// addConnection fills the Connection fields of v from the final hop.
func (v *view) addConnection(ex *capture.Exchange) {
	last := ex.Last()
	v.Remote = last.Conn.RemoteAddr
	if v.Remote != "" && last.Conn.Reused {
		// A replay reuses a connection only for a redirect's next hop;
		// the proxy keeps connections alive across the integration's
		// calls.
		what := "an earlier hop"
		if ex.Source.Clock == capture.ClockProxy {
			what = "an earlier call through the proxy"
		}
		v.Remote += " (connection reused from " + what + ")"
	}
	v.Local = last.Conn.LocalAddr
	v.Protocol = last.Request.Proto
	if last.Response != nil {
		v.Protocol = last.Response.Proto
	}
	if ex.Proxy != "" {
		v.Proxy = capture.ProxyHost(ex.Proxy)
	}
	v.TLS = newTLSView(last.TLS, ex.Insecure, ex.Started)
	if v.TLS != nil && ex.TrustedCAs != "" && !ex.Insecure {
		v.TLS.Verify += " (checked against " + ex.TrustedCAs + ")"
	}
	v.Route = routeText(last.Conn.Routes)
	if r := last.Response; r != nil && len(r.Header) > 0 {
		v.HeaderOrder = "as received"
		if !r.WireOrder {
			v.HeaderOrder = "sorted by name (the order they arrived in could not be read)"
		}
	}
	if ex.Fault != nil {
		v.FaultDetail = ex.Fault.Detail
		v.FaultBefore = capturedBefore(last)
	}
}

func newTLSView(t *capture.TLS, insecure bool, at time.Time) *tlsView {
	if t == nil {
		return nil
	}
	tv := &tlsView{}
	var parts []string
	if t.Version != "" {
		parts = append(parts, t.Version)
	}
	if t.CipherSuite != "" {
		parts = append(parts, t.CipherSuite)
	}
	if t.ALPN != "" {
		parts = append(parts, "ALPN "+t.ALPN)
	}
	if t.ServerName != "" {
		parts = append(parts, "server name "+t.ServerName)
	}
	if t.Version == "" {
		parts = append([]string{"handshake did not complete"}, parts...)
	}
	tv.Summary = strings.Join(parts, ", ")
	switch {
	case t.VerifyError != "":
		tv.Verify, tv.Failed = "failed: "+t.VerifyError, true
	case insecure:
		tv.Verify = "skipped: verification was switched off for this call"
	case t.Version != "":
		tv.Verify = "passed"
	}
	switch {
	case t.ClientCert != nil:
		tv.ClientCert = t.ClientCert.Subject + ", issued by " + t.ClientCert.Issuer + " (the server asked for one)"
	case t.ClientCertAsked:
		tv.ClientCert = "the server asked for one; none was given (curl --cert)"
	}
	for i, c := range t.Chain {
		cv := newCertView(c, at)
		if i == 0 {
			tv.Leaf = &cv
		} else if tv.Failed {
			tv.Chain = append(tv.Chain, cv)
		}
	}
	return tv
}

func newCertView(c capture.Cert, at time.Time) certView {
	const day = "2006-01-02"
	valid := c.NotBefore.UTC().Format(day) + " to " + c.NotAfter.UTC().Format(day)
	switch {
	case !at.IsZero() && at.After(c.NotAfter):
		valid += " (expired)"
	case !at.IsZero() && at.Before(c.NotBefore):
		valid += " (not yet valid)"
	}
	return certView{Subject: c.Subject, Issuer: c.Issuer, Valid: valid, Names: strings.Join(c.Names, ", "), SHA256: c.SHA256}
}

// capturedBefore lists, for a failed call, what the hop got through
// before the failure, so that the reader knows what the ticket holds.
func capturedBefore(h *capture.Hop) string {
	var got []string
	t := h.Timings
	if t.DNS != capture.Skipped {
		got = append(got, "the DNS lookup")
	}
	if t.Connect != capture.Skipped || h.Conn.Reused {
		got = append(got, "the connection")
	}
	if h.TLS != nil {
		switch {
		case h.TLS.VerifyError != "" && len(h.TLS.Chain) > 0:
			got = append(got, "the TLS handshake up to the certificate check, with the chain the server presented")
		case h.TLS.VerifyError == "" && h.TLS.Version != "":
			got = append(got, "the TLS handshake")
		case len(h.TLS.Chain) > 0:
			got = append(got, "the certificate chain the server presented")
		}
	}
	if h.Request.Proto != "" {
		got = append(got, "the request as sent")
	}
	if r := h.Response; r != nil {
		got = append(got, "the response status and headers")
		if r.Body.Size > 0 {
			got = append(got, capture.ByteCount(r.Body.Size)+" of the response body")
		}
	}
	switch len(got) {
	case 0:
		return "nothing went over the wire; the request below is the one that was to be sent"
	case 1:
		return got[0]
	}
	return strings.Join(got[:len(got)-1], ", ") + " and " + got[len(got)-1]
}

// certLines renders a certificate for the text part under a label, the
// details aligned with the Connection section's values.
func certLines(w *textWriter, label string, c certView) {
	const pad = "                "
	w.wrap(fmt.Sprintf("%-15s ", label+":"), pad, c.Subject)
	w.wrap(pad+"issuer  ", pad+"        ", c.Issuer)
	w.wrap(pad+"valid   ", pad+"        ", c.Valid)
	if c.Names != "" {
		w.wrap(pad+"names   ", pad+"        ", c.Names)
	}
	w.wrap(pad+"sha256  ", pad+"        ", c.SHA256)
}

// durationText is a phase or total for people, e.g. "31ms".
func durationText(d time.Duration) string {
	if d == capture.Skipped {
		return "not measured"
	}
	return ms(d)
}

// routeText says where a hop's connection went instead of the URL's
// host: "api.alteg.io:443 at 10.0.0.5:443 (--resolve)".
func routeText(rs []capture.Route) string {
	var parts []string
	for _, r := range rs {
		by := "--resolve: the address given for the host"
		if r.By == capture.RouteConnectTo {
			by = "--connect-to: connected there instead"
		}
		parts = append(parts, r.For+" at "+r.To+" ("+by+")")
	}
	return strings.Join(parts, "; then ")
}

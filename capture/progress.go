package capture

import (
	"io"
	"net/url"
)

// Phase is a step of a replay, reported to Options.Progress.
type Phase int

const (
	// PhaseResolving is the DNS lookup of the host name.
	PhaseResolving Phase = iota + 1
	// PhaseConnecting is the TCP connect (to the proxy, when there is one).
	PhaseConnecting
	// PhaseTLS is the TLS handshake.
	PhaseTLS
	// PhaseSending is the request being written on a connection.
	PhaseSending
	// PhaseWaiting is the time from the request written to the first
	// byte of the answer.
	PhaseWaiting
	// PhaseReceiving is the response body being read; Progress.Received
	// counts it.
	PhaseReceiving
)

// String names the phase in a word or two: "resolving", "connecting", ...
func (p Phase) String() string {
	switch p {
	case PhaseResolving:
		return "resolving"
	case PhaseConnecting:
		return "connecting"
	case PhaseTLS:
		return "TLS handshake"
	case PhaseSending:
		return "sending"
	case PhaseWaiting:
		return "waiting"
	case PhaseReceiving:
		return "receiving"
	}
	return "unknown"
}

// Progress is one report of how far a replay got. It carries no header,
// body or URL path, so it holds nothing secret.
type Progress struct {
	Phase Phase
	// Hop counts the HTTP requests of the exchange from 0: a followed
	// redirect starts a new hop.
	Hop int
	// Host is the host (and port, when the URL gives one) of the hop's
	// URL, without any user:password.
	Host string
	// Received counts the response body bytes read so far on this hop,
	// as they came over the wire (before any content decoding).
	// It is set in PhaseReceiving only.
	Received int64
	// Size is the declared Content-Length of the body in
	// PhaseReceiving, -1 when it is not known.
	Size int64
}

// progressHost is the host part of a URL for Progress.Host.
func progressHost(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// report sends p to Options.Progress, if set. It must be called without
// r.mu held: the hook may take its own locks.
func (r *recorder) report(p Progress) {
	if r.opt.Progress != nil {
		r.opt.Progress(p)
	}
}

// progressReader reports the body bytes read through it.
type progressReader struct {
	r    io.Reader
	rec  *recorder
	base Progress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.base.Received += int64(n)
		p.rec.report(p.base)
	}
	return n, err
}

// Package capture owns the first stage of a ticket: it turns a Request into an
// Exchange, a faithful record of what went over the wire and what came back.
//
// Replay sends the request with resty and records the request as the
// transport wrote it (headers the transport added included), the response,
// the phase timings, the connection, TLS and every redirect hop. A transport
// failure is not an error of Replay: it is recorded in Exchange.Fault together
// with whatever was captured before it, because a failing call is exactly when
// the user needs a ticket.
//
// Bodies are held in bounded memory: at most Options.MaxBody bytes of each
// body are kept and the rest is counted and drained. gzip, deflate, br
// and zstd (what curl's --compressed asks for) are decoded with bounded
// decoder memory; a body in any other content coding (compress, an
// unknown one) keeps no bytes at all (Body.Withheld), because the
// redactor could not see the secrets in it.
//
// Request heads go out as Request.Header lists them: on HTTP/1.x the
// connection takes the head net/http wrote and puts its fields in the
// list's order, name case and spacing before they reach the socket
// (reqhead.go), and the record follows, so a replayed curl command
// carries curl's own head. HTTP/2 names are lower case by the spec, in
// the order x/net writes them. A forwarded call (Upstream) goes on in
// the order its client sent, read alongside the proxy's server
// (KeepOrder, inbound.go).
//
// Response headers are recorded in the order they came over the wire.
// net/http parses them into a map, which loses that order, so the
// connection is read alongside the transport: for HTTP/1.x each response
// head is kept (bounded) as it is read, and for HTTP/2 the HEADERS frames
// are decoded with a second HPACK decoder that follows the transport's.
// When that is not possible (HTTPS through a proxy over HTTP/1.1, where
// the transport runs TLS itself) the names are sorted and
// Response.WireOrder is false.
//
// Connections are made as curl makes them: through a proxy
// (Options.Proxy, or the proxy variables; the CONNECT tunnel and SOCKS
// sessions are opened in the dial, route.go and socks.go), at other
// addresses (Options.Resolve, Options.ConnectTo), with a client
// certificate, and with HTTP Digest answered on a second hop
// (Options.Digest, digest.go). Each hop records what was done.
//
// The types here are plain data. Later stages (redact, report) take an
// Exchange as it is and never reach back into the network.
package capture

import (
	"strings"
	"time"
)

// Origin says who put a request header on the wire.
type Origin string

const (
	// FromUser marks a header the user gave (-H, a pasted curl command, a
	// HAR), or, for a forwarded call, the client that made it.
	FromUser Origin = "user"
	// FromTool marks a header altegio-ticket added because curl would have
	// sent it too (User-Agent, Accept: */*, the form Content-Type of -d).
	FromTool Origin = "tool"
	// FromTransport marks a header Go's HTTP transport wrote on its own
	// (Host, Content-Length, Transfer-Encoding, Accept-Encoding).
	FromTransport Origin = "transport"
)

// Header is one header field. Name keeps the spelling it had on the wire.
type Header struct {
	Name  string
	Value string
	// Origin is set on request headers only.
	Origin Origin `json:",omitempty"`
	// Truncated is true when Value holds only the first MaxURL bytes of
	// a longer value: a response's Location, which the server chooses.
	Truncated bool `json:",omitempty"`
	// Sep is what stands between the name and the value on the wire
	// when it is not the usual ": ": a colon and the spaces or tabs the
	// user wrote, as curl sends -H 'X:v' ("X:v") or -H 'X;' ("X:").
	// Request headers only, HTTP/1.x only; it holds no part of the
	// value.
	Sep string `json:",omitempty"`
}

// ProxyCredentialsNotRecorded is the value recorded for a
// Proxy-Authorization header the transport built from the proxy setting
// (HTTPS_PROXY with user:pass@): the credentials are not part of the call
// and are never recorded.
const ProxyCredentialsNotRecorded = "(credentials from the proxy setting, not recorded)"

// Headers is an ordered header list; a name may repeat.
type Headers []Header

// Get returns the first value of the named header (case-insensitive), or "".
func (h Headers) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns every value of the named header (case-insensitive), in order.
func (h Headers) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Has reports whether the named header is present (case-insensitive).
func (h Headers) Has(name string) bool {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Clone returns a copy that shares no memory with h.
func (h Headers) Clone() Headers {
	if h == nil {
		return nil
	}
	return append(Headers(nil), h...)
}

// SafeMethod reports whether method is safe in the sense of RFC 9110
// section 9.2.1 (GET, HEAD, OPTIONS, TRACE, in any case): sending it again
// changes nothing on the server. Every other method may create or change
// data, so the command asks before replaying it, --try-fixes does not
// replay it, and replay.sh asks before sending it.
func SafeMethod(method string) bool {
	switch strings.ToUpper(method) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}

// Request is the call to replay, as the user described it.
type Request struct {
	Method string
	URL    string
	// Header holds the headers in the order they go on the wire, each
	// name spelled as it goes out (HTTP/1.x; HTTP/2 lower-cases names).
	// Origin is FromUser, or FromTool for the curl defaults the command
	// line adds. Host, Content-Length and Transfer-Encoding, which the
	// transport writes from the URL and the body, may be listed (Origin
	// FromTransport) to say where they go; their values are then the
	// transport's. Unlisted, Host goes first and the others last. See
	// arrange in reqhead.go for the whole rule.
	Header Headers
	// Body is sent byte for byte; nil means no body.
	Body []byte
}

// Exchange is the record of one call: every HTTP request it took (more than
// one when redirects were followed) and what came back.
type Exchange struct {
	// Source says how the exchange was obtained.
	Source Source
	// Started is when the first request began, in UTC.
	Started time.Time
	// Hops holds one entry per HTTP request made, in order. It is never
	// empty: a call that failed before anything was written still has the
	// request it tried to send.
	Hops []Hop
	// Fault says why the exchange did not complete; nil when a final
	// response arrived in full.
	Fault *Fault
	// Insecure is true when TLS certificate verification was skipped (-k).
	Insecure bool
	// Proxy is the proxy the call went through, "" for a direct connection.
	// A proxy URL may carry credentials; redact treats them as secrets.
	Proxy string
	// Total is the wall time of the whole exchange, redirects and body
	// download included.
	Total time.Duration
	// TrustedCAs says which certificates the server's chain was checked
	// against when they were not the system's (curl --cacert, --capath),
	// e.g. "corp-ca.pem (1 certificate)"; "" for the system's.
	TrustedCAs string `json:",omitempty"`
}

// Credentials are a user name and password for an authentication
// scheme the replay runs itself (Options.Digest).
type Credentials struct {
	User, Password string
}

// First returns the first hop: the request as the user made it.
func (e *Exchange) First() *Hop { return &e.Hops[0] }

// Call returns the hop that carries the request as the user made it,
// body and credentials included: the first, or the second when the first
// was the probe of Options.Digest (curl --digest sends the first request
// without Authorization and without its body, and the body with the
// answer to the challenge).
func (e *Exchange) Call() *Hop {
	if len(e.Hops) > 1 && e.Hops[1].Auth == "digest" {
		return &e.Hops[1]
	}
	return &e.Hops[0]
}

// Last returns the final hop: the one whose response is the answer.
func (e *Exchange) Last() *Hop { return &e.Hops[len(e.Hops)-1] }

// Response returns the final response, or nil when none arrived.
func (e *Exchange) Response() *Response { return e.Last().Response }

// Source says where an exchange came from.
type Source struct {
	// Replayed is true when the call was sent over the network by this run.
	Replayed bool
	// From describes the input in plain words, e.g. "command line" or
	// "HAR file session.har, entry 4".
	From string
	// Clock says where Exchange.Started comes from when the call was not
	// replayed; "" for a replay, which measured it.
	Clock Clock `json:",omitempty"`
}

// Clock says where the time of a recorded call was read. Support looks
// for the call in its logs at that time, so the ticket says which.
type Clock string

const (
	// ClockDateHeader is the recorded response's Date header: the
	// server's own clock.
	ClockDateHeader Clock = "date-header"
	// ClockHAREntry is the HAR entry's startedDateTime: the browser's
	// clock when the request started.
	ClockHAREntry Clock = "har-entry"
	// ClockFileModified is when the recording's file was last written.
	ClockFileModified Clock = "file-modified"
	// ClockRun is the time of the run itself: nothing recorded when the
	// call was made.
	ClockRun Clock = "run"
	// ClockProxy is the proxy's clock as the call passed through it
	// (Upstream.Forward): the call was not sent again, but its time and
	// timings were measured as it happened.
	ClockProxy Clock = "proxy"
)

// Measured reports whether this run timed the call itself: a replay, or
// a call that passed through the proxy.
func (s Source) Measured() bool { return s.Replayed || s.Clock == ClockProxy }

// Hop is one HTTP request and its response.
type Hop struct {
	Request Sent
	// Response is nil when no response arrived for this hop.
	Response *Response
	Timings  Timings
	Conn     Conn
	// TLS is nil for plain HTTP, or when the handshake never started.
	TLS *TLS
	// Dropped lists the credential headers of the request that were not
	// sent on this hop because it went to another origin (scheme, host
	// or port) than the first request, e.g. Authorization, X-Api-Key
	// (see Options.Credential). Names are in canonical form.
	Dropped []string
	// Stopped says in plain words why the redirect this hop's response
	// asks for was not followed, e.g. a 307 to another host that would
	// get the request body again; "" when it was followed, or when there
	// was none to follow. The Location is not quoted.
	Stopped string `json:",omitempty"`
	// Auth names the challenge this hop answers, "digest" for the
	// second request of Options.Digest (the one with Authorization:
	// Digest); "" for a first request or a redirect.
	Auth string `json:",omitempty"`
	// AuthNote says in plain words why this hop's challenge (a 401 with
	// Digest) was not answered although Options.Digest was set; "" when
	// it was, or when there was none.
	AuthNote string `json:",omitempty"`
}

// Sent is a request as it was written on the wire.
type Sent struct {
	Method string
	URL    string
	// URLTruncated is true when URL holds only the first MaxURL bytes of
	// the URL requested: a redirect to a Location that long. The request
	// itself went out whole.
	URLTruncated bool `json:",omitempty"`
	// Proto is the protocol the request went out on, e.g. "HTTP/1.1".
	Proto string
	// Header lists the header fields in wire order, each marked with its
	// Origin. Before anything was written (a failed dial), it lists the
	// headers that were about to be sent.
	Header Headers
	Body   Body
}

// Response is a response status line, headers and body.
type Response struct {
	// Proto is e.g. "HTTP/1.1" or "HTTP/2.0".
	Proto      string
	Status     int
	StatusText string
	// Header lists the header fields. When WireOrder is true they are in
	// the order the server sent them, names spelled as on the wire
	// (lower-case for HTTP/2), a repeated name kept as separate fields.
	Header Headers
	Body   Body
	// WireOrder is true when Header is in wire order; false when the
	// order was not available and the names are sorted.
	WireOrder bool
}

// Body is a request or response body held in bounded memory.
type Body struct {
	// Data is the content with any Content-Encoding removed, in its
	// original charset, cut to the kept limit.
	Data []byte
	// Size is the total number of content bytes seen, Data included.
	Size int64
	// Truncated is true when Size > len(Data).
	Truncated bool
	// ContentType is the declared media type with parameters, "" if none.
	ContentType string
	// Encoding is the Content-Encoding that was decoded ("gzip",
	// "deflate", "br", "zstd", or a chain such as "gzip, br"), "" when
	// the body was not encoded.
	Encoding string
	// WireSize is the number of bytes on the wire before decoding, or -1
	// when it is not known.
	WireSize int64
	// Charset is the declared charset, lower-cased; "" when none.
	Charset string
	// UTF8 is Data converted to UTF-8 when Charset names another charset;
	// nil otherwise.
	UTF8 []byte
	// Binary is true when the content is not text and must not be shown
	// inline.
	Binary bool
	// Broken describes where a body read stopped early, e.g. a reset
	// mid-body; "" when the body was read to its end.
	Broken string
	// Withheld says in plain words why no bytes of the body were kept
	// although Size bytes arrived, e.g. "the body is compress-encoded, which
	// altegio-ticket cannot decode; it is left out because secrets in it
	// could not be removed". Data and UTF8 are then nil, Truncated is
	// false, Size counts the bytes as they came (still encoded) and
	// Encoding is "". "" when the body is kept.
	Withheld string `json:",omitempty"`
}

// Text returns the body as UTF-8 text: UTF8 when a conversion was made,
// Data otherwise.
func (b Body) Text() []byte {
	if b.UTF8 != nil {
		return b.UTF8
	}
	return b.Data
}

// Skipped marks a timing phase that did not happen, e.g. DNS for an IP
// literal or TLS for plain HTTP. It is never a real duration.
const Skipped time.Duration = -1

// Timings holds the phases of one hop. A phase that did not happen is
// Skipped. Download is inside Total.
type Timings struct {
	DNS      time.Duration
	Connect  time.Duration
	TLS      time.Duration
	Wait     time.Duration // request written to first response byte
	Download time.Duration // first response byte to end of body
	Total    time.Duration
}

// NoTimings returns Timings with every phase Skipped.
func NoTimings() Timings {
	return Timings{DNS: Skipped, Connect: Skipped, TLS: Skipped, Wait: Skipped, Download: Skipped, Total: Skipped}
}

// Conn describes the connection a hop used.
type Conn struct {
	// RemoteAddr is "ip:port" of the peer that answered, "" if none.
	RemoteAddr string
	LocalAddr  string
	// Reused is true when an idle keep-alive connection was reused.
	Reused bool
	// Routes lists where Options.Resolve and Options.ConnectTo sent the
	// connection instead of the URL's host and port; nil when they did
	// not apply.
	Routes []Route `json:",omitempty"`
}

// TLS describes the TLS session of a hop.
type TLS struct {
	Version     string // e.g. "TLS 1.3"
	CipherSuite string
	ALPN        string // negotiated protocol, e.g. "h2"
	ServerName  string
	// Chain is the certificate chain the server presented, leaf first.
	Chain []Cert
	// VerifyError says in plain words why verification failed, e.g.
	// "certificate signed by unknown authority"; "" when it passed or was
	// skipped.
	VerifyError string
	// VerifyKind classifies VerifyError for checks that branch on it;
	// "" when verification passed or was skipped.
	VerifyKind VerifyKind
	// ClientCertAsked is true when the server asked for a client
	// certificate; ClientCert is the one presented (Options.Certificates),
	// nil when none was.
	ClientCertAsked bool  `json:",omitempty"`
	ClientCert      *Cert `json:",omitempty"`
}

// VerifyKind classifies a certificate verification failure.
type VerifyKind string

const (
	VerifyUnknownAuthority VerifyKind = "unknown-authority" // self-signed, or a TLS-inspecting proxy
	VerifyExpired          VerifyKind = "expired"
	VerifyNotYetValid      VerifyKind = "not-yet-valid" // often the local clock is wrong
	VerifyHostname         VerifyKind = "hostname"      // the certificate is for another name
	VerifyOther            VerifyKind = "other"
)

// Cert is the part of a certificate that helps support.
type Cert struct {
	Subject   string
	Issuer    string
	NotBefore time.Time
	NotAfter  time.Time
	// Names lists the subject alternative names (DNS names and IPs).
	Names []string
	// SHA256 is the hex fingerprint of the DER certificate.
	SHA256 string
}

// FaultKind classifies a transport failure.
type FaultKind string

const (
	FaultDNS              FaultKind = "dns"
	FaultRefused          FaultKind = "connection-refused"
	FaultConnectTimeout   FaultKind = "connect-timeout"
	FaultResponseTimeout  FaultKind = "response-timeout"
	FaultTLS              FaultKind = "tls"
	FaultReset            FaultKind = "connection-reset"
	FaultTooManyRedirects FaultKind = "too-many-redirects"
	// FaultHeadersTooLarge is a response head larger than altegio-ticket
	// reads (256 KiB).
	FaultHeadersTooLarge FaultKind = "response-headers-too-large"
	// FaultMalformed is a response that is not valid HTTP; its first
	// bytes are in Fault.Received.
	FaultMalformed FaultKind = "malformed-response"
	// FaultProxy is a failure of the proxy itself: it refused to open a
	// tunnel (e.g. 407), or the proxy setting is not a valid URL. A proxy
	// that cannot be reached is FaultRefused, FaultDNS, ... with a message
	// that names the proxy.
	FaultProxy FaultKind = "proxy"
	// FaultInterrupted is a call the caller cancelled (Ctrl-C) before it
	// finished; what arrived until then is kept.
	FaultInterrupted FaultKind = "interrupted"
	// FaultClientClosed is a forwarded call (Upstream.Forward) whose
	// client went away before it finished: it closed the connection
	// during the upload, while waiting, or while the answer was passed
	// on. It is the client's doing, not the upstream's.
	FaultClientClosed FaultKind = "client-closed"
	FaultOther        FaultKind = "other"
)

// Fault is a transport failure in plain words.
type Fault struct {
	Kind FaultKind
	// Message is one plain sentence for the ticket, e.g. "the server at
	// 1.2.3.4:443 refused the connection".
	Message string
	// Detail is the underlying error text, for support. It quotes
	// neither the URL nor bytes the peer sent.
	Detail string
	// Received holds the first bytes the peer sent when they were not
	// valid HTTP (FaultMalformed), at most 256; nil otherwise. They are
	// cut, so a secret in them may be cut too.
	Received []byte `json:",omitempty"`
}

// ProxyHost returns scheme://host[:port] of a proxy URL. Whatever came
// before an "@" is credentials and is left out, even when it is a
// redaction placeholder that does not parse as a URL. Use it wherever a
// proxy is shown.
func ProxyHost(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		scheme, rest = "", raw
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	if scheme == "" {
		return rest
	}
	return scheme + "://" + rest
}

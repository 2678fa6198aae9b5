package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
)

// terminal is what the proxy prints: on stderr a banner, one line per
// call when stderr is a terminal, a line per ticket written, and the
// summary; on stdout, with --json, one JSON line per ticket written.
// Lines from concurrent calls never interleave. Nothing it prints holds
// a secret: paths are redacted, and server text is made terminal-safe.
type terminal struct {
	mu       sync.Mutex
	err, out io.Writer
	pal      palette
	// perCall is set when stderr is a terminal: a person watches.
	perCall bool
	json    bool
}

func newTerminal(ios *IOStreams, jsonOut bool) *terminal {
	return &terminal{err: ios.ErrOut, out: ios.Out, pal: ios.palette(), perCall: ios.ErrTTY, json: jsonOut}
}

func (t *terminal) printf(format string, a ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.err, format, a...)
}

// note prints one line of information.
func (t *terminal) note(s string) {
	t.printf("%s %s\n", t.pal.dim("note:"), terminalSafe(s))
}

// banner says where the proxy listens, what it passes calls on to, how
// to point an integration at it, and where the tickets go; loudly when
// it listens beyond this machine.
func (t *terminal) banner(p *proxy, o *proxyOptions, demo bool) {
	pal := t.pal
	host, _, _ := strings.Cut(strings.TrimPrefix(p.listen, "http://"), ":")
	if strings.HasPrefix(host, "[") {
		host = strings.Trim(strings.SplitN(strings.TrimPrefix(p.listen, "http://"), "]", 2)[0], "[")
	}
	if !loopbackHost(host) {
		t.printf("%s the proxy listens on %s, beyond this machine: anyone who can reach it can send calls to %s through it, and every call's tokens pass through it in the clear (plain HTTP)\n",
			pal.bold(pal.red("WARNING:")), o.listen, p.up.URL())
	}
	if demo {
		t.printf("%s an Alteg.io-like server listens on %s; the proxy is in front of it, and 4 calls go through as an integration would make them (two of them fail the same way)\n",
			pal.dim("demo:"), p.up.URL())
	}
	t.printf("%slistening on %s, passing every call on to %s\n", pad("proxy:"), pal.bold(p.listen), p.up.URL())
	t.printf("%spoint the integration's base URL at %s instead of %s\n", pad("use:"), p.listen, p.up.URL())
	t.printf("%s%s, one ticket per distinct failure; Ctrl-C stops and sums up\n", pad("tickets:"), proxyPath(p.dir))
}

// call prints the line of one call, when a person watches: its number,
// the status coloured by class (or the failure), the method, the path
// with its secrets replaced, the time, and for a failure its ticket.
func (t *terminal) call(n int, ex *capture.Exchange, seen callSeen, policy redact.Policy) {
	if !t.perCall {
		return
	}
	pal := t.pal
	mark, text, color := "✗", "", pal.red
	resp := ex.Response()
	switch f := ex.Fault; {
	case f != nil && f.Kind == capture.FaultClientClosed:
		mark, text, color = "·", "client left", pal.dim
	case f != nil && f.Kind == capture.FaultInterrupted:
		mark, text, color = "·", "cut off", pal.dim
	case f != nil && (resp == nil || f.Kind != capture.FaultClientClosed):
		text = string(f.Kind)
		if resp != nil {
			text = itoa(resp.Status) + " " + text
		}
	default:
		text = itoa(resp.Status)
		mark, color = statusMark(resp.Status, pal)
		if seen.failed && resp.Status < 400 {
			// Answered, but the answer says it failed: no green tick.
			mark, color = "✗", pal.yellow
		}
	}
	line := fmt.Sprintf("%s %s %s  %s %s  %s", pal.dim(fmt.Sprintf("#%d", n)), color(mark), pal.bold(color(text)),
		terminalSafe(ex.First().Request.Method), cutRunes(terminalSafe(redactedTarget(ex, policy)), maxURL), pal.dim(elapsed(ex.Total)))
	switch {
	case seen.ticket == 0 && seen.count > 0:
		line += fmt.Sprintf("  failure seen %d×, no ticket (more than %d kinds)", seen.count, maxProxyTickets)
	case seen.isNew:
		line += fmt.Sprintf("  new failure → ticket %d", seen.ticket)
	case seen.ticket > 0:
		line += fmt.Sprintf("  as ticket %d (%d×)", seen.ticket, seen.count)
	}
	t.printf("%s\n", line)
}

// redactedTarget is the path and query of a call with every secret in
// it replaced: the request line and headers (where the tokens are found)
// go through the redactor, the bodies do not.
func redactedTarget(ex *capture.Exchange, policy redact.Policy) string {
	first := ex.First().Request
	mini := &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{Method: first.Method, URL: first.URL, Header: first.Header}, Timings: capture.NoTimings()}}}
	u := redact.Scrub(mini, policy).Exchange.First().Request.URL
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

// elapsed formats a call's time: 2.3ms, 41ms, 1.2s.
func elapsed(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// signatureText is a failure as one line: GET /api/v1/records/{id} → 401
// "Authentication needed.", or → connection-refused.
func signatureText(f *failure) string {
	s := terminalSafe(f.method) + " " + terminalSafe(f.route) + " → "
	if f.status == 0 {
		return s + string(f.fault)
	}
	s += itoa(f.status)
	if f.message != "" {
		s += " " + fmt.Sprintf("%q", cutRunes(terminalSafe(f.message), 100))
	}
	return s
}

// ticket says that a ticket was written (or brought up to date at the
// end), on stderr, and with --json as a line on stdout.
func (t *terminal) ticket(p *proxy, f *failure, update bool) {
	p.mu.Lock()
	path, size, err, written, first, last := f.path, f.size, f.err, f.written, f.first, f.last
	sig := signatureText(f)
	n, res, finds := f.n, f.res, f.finds
	failure := jsonSignature{Method: f.method, Route: f.route, Message: f.message}
	if f.status != 0 {
		st := f.status
		failure.Status = &st
	} else {
		failure.Fault = string(f.fault)
	}
	p.mu.Unlock()
	if err != nil {
		t.printf("altegio-ticket proxy: %s ticket %d (%s) could not be written: %v\n", t.pal.yellow("warning:"), n, sig, err)
		return
	}
	if !update {
		t.printf("%s%s (%s)  %s\n", pad(fmt.Sprintf("ticket %d:", n)), t.pal.bold(path), capture.ByteCount(int64(size)), sig)
	}
	if !t.json {
		return
	}
	event := "written"
	if update {
		event = "updated"
	}
	line := jsonProxyTicket{
		Schema: jsonSchema, Event: event, Number: n,
		Ticket:      jsonTicket{Path: absPath(path), Bytes: size},
		Failure:     failure,
		Occurrences: written, First: first.UTC().Format(time.RFC3339Nano), Last: last.UTC().Format(time.RFC3339Nano),
		Findings: []jsonFinding{},
	}
	if res != nil {
		first := res.Exchange.First().Request
		line.Request = jsonRequest{Method: first.Method, URL: first.URL, Hops: len(res.Exchange.Hops)}
	}
	for _, fd := range finds {
		line.Findings = append(line.Findings, jsonFinding{ID: fd.ID, Severity: severityWord(fd.Severity), Title: fd.Title, Fix: fd.Fix, Action: fd.Action, ServerSide: fd.ServerSide})
	}
	b, _ := json.Marshal(line)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.out.Write(append(b, '\n'))
}

// jsonProxyTicket is the line --json prints for each ticket the proxy
// writes; docs/proxy.md documents it. It holds no secret value.
type jsonProxyTicket struct {
	Schema int `json:"schema"`
	// Event is "written" when the ticket is first written and "updated"
	// when it is brought up to date at the end of the run.
	Event  string     `json:"event"`
	Number int        `json:"number"`
	Ticket jsonTicket `json:"ticket"`
	// Failure is the signature the ticket stands for.
	Failure     jsonSignature `json:"failure"`
	Occurrences int           `json:"occurrences"`
	First       string        `json:"first"` // RFC 3339, UTC
	Last        string        `json:"last"`
	Request     jsonRequest   `json:"request"` // the first occurrence, redacted
	Findings    []jsonFinding `json:"findings"`
}

type jsonSignature struct {
	Method string `json:"method"`
	Route  string `json:"route"` // ids replaced by {id}
	// Status is null for a transport failure; Fault then names it.
	Status  *int   `json:"status"`
	Fault   string `json:"fault,omitempty"`
	Message string `json:"message"` // the server's, redacted; "" when none
}

// summary is printed when the proxy stops: the counts, each failure
// with its ticket, and where the tickets are.
func (t *terminal) summary(p *proxy, took time.Duration) {
	pal := t.pal
	p.mu.Lock()
	c := p.count
	fs := append([]*failure(nil), p.order...)
	type row struct {
		sig, path string
		count, n  int
		err       error
	}
	var rows []row
	written := 0
	for _, f := range fs {
		rows = append(rows, row{signatureText(f), f.path, f.count, f.n, f.err})
		if f.path != "" {
			written++
		}
	}
	p.mu.Unlock()

	var b strings.Builder
	fmt.Fprintf(&b, "%sstopped after %s: %d %s, %d answered, %d failed", pad("proxy:"), elapsed(took), c.calls, plural(c.calls, "call", "calls"), c.answered, c.failed)
	if len(rows) > 0 {
		fmt.Fprintf(&b, " (%d %s)", len(rows), plural(len(rows), "kind", "kinds"))
	}
	for _, x := range []struct {
		n    int
		what string
	}{{c.clientGone, "left by the client"}, {c.interrupted, "cut off at the stop"}, {c.refused, "refused (not for the upstream)"}} {
		if x.n > 0 {
			fmt.Fprintf(&b, ", %d %s", x.n, x.what)
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "  %s %d× %s\n", pal.red("✗"), r.count, r.sig)
		switch {
		case r.path != "":
			fmt.Fprintf(&b, "      ticket %d: %s\n", r.n, r.path)
		case r.err != nil:
			fmt.Fprintf(&b, "      no ticket: %v\n", r.err)
		default:
			fmt.Fprintf(&b, "      no ticket: more than %d kinds of failure in one run\n", maxProxyTickets)
		}
	}
	switch written {
	case 0:
		fmt.Fprintf(&b, "%snone written: no call failed\n", pad("tickets:"))
	default:
		fmt.Fprintf(&b, "%s%d in %s; send each from your mail client (Outlook opens an .eml as a draft; see altegio-ticket --help)\n", pad("tickets:"), written, proxyPath(p.dir))
	}
	t.printf("%s", b.String())
}

package cli

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// maxProxyTickets bounds the tickets of one run. Each ticket's record
// stays in memory until the run ends, when it is written again with the
// final count; past this many distinct failures the new ones are
// counted and listed in the summary, but get no ticket.
const maxProxyTickets = 100

// proxy is a running proxy: the http.Handler that checks, forwards and
// records each call, the tally of calls, and the failures with their
// tickets. Safe for concurrent use.
type proxy struct {
	up     *capture.Upstream
	opts   *proxyOptions
	dir    string
	policy redact.Policy
	term   *terminal
	now    func() time.Time
	routes routeMatcher
	// api is the API description the checks read; its set is nil when
	// none was loaded.
	api *apiDescription
	// listen is the proxy's own base URL, http://host:port.
	listen string
	// ctx is cancelled when the calls in flight must stop.
	ctx context.Context

	// handlers counts the calls in flight; jobs carries each new
	// failure to the ticket writer, which worker waits for.
	handlers sync.WaitGroup
	jobs     chan job
	worker   sync.WaitGroup

	mu      sync.Mutex
	closing bool
	count   counts
	groups  map[string]*failure
	order   []*failure // in order of first occurrence
	// ticketed counts the failures given a ticket number.
	ticketed int
	// fresh holds the client connections that have not carried a
	// request yet, which the stop closes at once.
	fresh map[net.Conn]bool
}

// track is http.Server.ConnState: it keeps the connections that have
// not carried a request yet.
func (p *proxy) track(c net.Conn, state http.ConnState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fresh == nil {
		p.fresh = map[net.Conn]bool{}
	}
	if state == http.StateNew {
		p.fresh[c] = true
	} else {
		delete(p.fresh, c)
	}
}

// closeUnused closes the connections that have not carried a request.
func (p *proxy) closeUnused() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.fresh {
		c.Close()
	}
}

// counts is the tally of a run.
type counts struct {
	calls    int // forwarded
	answered int // answered, and not a failure
	failed   int // failures, every occurrence
	// clientGone counts calls whose client left before the end;
	// interrupted those cut when the proxy stopped; refused the
	// requests that were not forwarded (CONNECT, absolute URLs).
	clientGone, interrupted, refused int
}

// failure is one signature of failure and its ticket.
type failure struct {
	key    string
	method string
	// status is the answer's status, 0 for a transport failure (fault
	// names its kind).
	status int
	fault  capture.FaultKind
	n      int // the ticket's number from 1; 0 when none (over the cap)
	count  int
	first  time.Time
	last   time.Time

	// Set by the ticket writer from the redacted record.
	route   string // the route as shown, secrets replaced
	message string // the server's message, redacted
	path    string // the .eml, "" until written
	size    int
	written int // count when last written
	err     error
	res     *redact.Result
	finds   []diagnose.Finding
}

// job is a first occurrence for the ticket writer.
type job struct {
	f  *failure
	ex *capture.Exchange
}

func newProxy(up *capture.Upstream, o *proxyOptions, dir string, policy redact.Policy, t *terminal, now func() time.Time) *proxy {
	p := &proxy{
		up: up, opts: o, dir: dir, policy: policy, term: t, now: now,
		routes: idRoutes{}, api: &apiDescription{}, ctx: context.Background(),
		jobs:   make(chan job, maxProxyTickets),
		groups: map[string]*failure{},
	}
	// What is kept of an answer: all of --max-body for a failing status;
	// the start of a successful one, enough for an envelope that says
	// "success": false, so that 50 clients downloading large answers do
	// not hold 50 times --max-body.
	up.Keep = func(status int, _ capture.Headers) int64 {
		if status >= http.StatusBadRequest {
			return o.maxBody
		}
		return min(o.maxBody, keepSuccess)
	}
	p.worker.Add(1)
	go p.writeTickets()
	return p
}

// keepSuccess is how much of a successful answer is kept: the envelope
// of a 2xx that says "success": false is far smaller.
const keepSuccess = 64 << 10

// enter counts a call in, unless the proxy is stopping.
func (p *proxy) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return false
	}
	p.handlers.Add(1)
	return true
}

// wait stops taking calls, waits for those in flight, then for the
// ticket writer to write every first occurrence.
func (p *proxy) wait() {
	p.mu.Lock()
	p.closing = true
	p.mu.Unlock()
	p.handlers.Wait()
	close(p.jobs)
	p.worker.Wait()
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.enter() {
		writeEnvelope(w, http.StatusServiceUnavailable, "altegio-ticket proxy: the proxy is stopping; the call was not passed on")
		return
	}
	defer p.handlers.Done()
	switch {
	case r.Method == http.MethodConnect:
		p.refuse()
		writeEnvelope(w, http.StatusMethodNotAllowed, "altegio-ticket proxy: this is not a forward proxy and CONNECT is refused; set the integration's base URL to "+p.listen+" instead of "+p.up.URL()+", and no HTTP(S)_PROXY setting")
		return
	case !strings.HasPrefix(r.RequestURI, "/"):
		// An absolute URL (GET http://other.host/ HTTP/1.1) asks a
		// forward proxy to go elsewhere: the proxy only ever talks to
		// its upstream.
		p.refuse()
		writeEnvelope(w, http.StatusBadRequest, "altegio-ticket proxy: only paths are passed on, to "+p.up.URL()+"; send GET /api/v1/... to "+p.listen+", not a full URL")
		return
	}
	ex := p.up.Forward(p.ctx, w, r)
	p.record(r, ex)
	switch f := ex.Fault; {
	case f == nil:
	case ex.Response() != nil:
		// The head went out; only a broken connection tells the
		// client that the rest will not come.
		panic(http.ErrAbortHandler)
	case f.Kind == capture.FaultClientClosed:
	case f.Kind == capture.FaultInterrupted:
		writeEnvelope(w, http.StatusServiceUnavailable, "altegio-ticket proxy: the proxy stopped before "+p.up.URL()+" answered")
	case f.Kind == capture.FaultResponseTimeout || f.Kind == capture.FaultConnectTimeout:
		writeEnvelope(w, http.StatusGatewayTimeout, "altegio-ticket proxy: "+f.Message)
	default:
		writeEnvelope(w, http.StatusBadGateway, "altegio-ticket proxy: "+f.Message)
	}
}

func (p *proxy) refuse() {
	p.mu.Lock()
	p.count.refused++
	p.mu.Unlock()
}

// writeEnvelope answers the client in the API's own shape, so that an
// integration that reads meta.message logs what went wrong.
func writeEnvelope(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Altegio-Ticket-Proxy", "1")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": message}})
	w.Write(append(b, '\n'))
}

// record counts a call and, when it failed, finds or starts its
// failure; a new one goes to the ticket writer. Nothing more is done
// for a successful call.
func (p *proxy) record(r *http.Request, ex *capture.Exchange) {
	at := p.now()
	failed, message := diagnose.Failure(ex)
	// The signature is worked out before the lock: matching the route
	// against the API description is the slow part, and concurrent calls
	// must not wait for each other's.
	var key string
	status, kind := 0, capture.FaultKind("")
	if failed {
		if resp := ex.Response(); resp != nil && (ex.Fault == nil || ex.Fault.Kind == capture.FaultClientClosed) {
			status = resp.Status
		} else {
			kind = ex.Fault.Kind
		}
		route := p.routes.Route(r.Method, r.URL.EscapedPath())
		key = strings.Join([]string{r.Method, route, itoa(status), string(kind), message}, "\x00")
	}
	var f *failure
	isNew := false
	p.mu.Lock()
	p.count.calls++
	n := p.count.calls
	switch {
	case failed:
		p.count.failed++
		if f = p.groups[key]; f == nil {
			isNew = true
			f = &failure{key: key, method: r.Method, status: status, fault: kind, first: at}
			if p.ticketed < maxProxyTickets {
				p.ticketed++
				f.n = p.ticketed
			}
			p.groups[key] = f
			p.order = append(p.order, f)
		}
		f.count++
		f.last = at
	case ex.Fault != nil && ex.Fault.Kind == capture.FaultClientClosed:
		p.count.clientGone++
	case ex.Fault != nil && ex.Fault.Kind == capture.FaultInterrupted:
		p.count.interrupted++
	default:
		p.count.answered++
	}
	var seen callSeen
	if f != nil {
		seen = callSeen{failed: true, ticket: f.n, count: f.count, isNew: isNew}
	}
	p.mu.Unlock()
	if isNew && f.n == 0 {
		// No ticket writer sees this failure, so nothing else gives it
		// the route the summary shows: take it from the path with its
		// secrets replaced. The server's message is left out, since only
		// a ticket's redaction would make it safe to print.
		route := p.routes.Route(r.Method, urlPath(redactedTarget(ex, p.policy)))
		p.mu.Lock()
		f.route = route
		p.mu.Unlock()
	}

	p.term.call(n, ex, seen, p.policy)
	if isNew && f.n > 0 {
		p.jobs <- job{f: f, ex: ex} // never blocks: at most maxProxyTickets are sent
	}
}

// callSeen is what the terminal says of a failing call: that it
// failed (a 200 whose envelope says "success": false fails too), its
// ticket, how often it happened so far, and whether it is the first time.
type callSeen struct {
	failed        bool
	ticket, count int
	isNew         bool
}

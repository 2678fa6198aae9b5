package capture

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// progressLog records the Progress reports of a replay. Its hook is safe
// for concurrent calls, as Options.Progress requires; wait lets a test
// server hold its answer until the client has reported a given state, so
// that the tests order events without sleeping.
type progressLog struct {
	mu     sync.Mutex
	events []Progress
	cond   *sync.Cond
}

func newProgressLog() *progressLog {
	l := &progressLog{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

func (l *progressLog) hook(p Progress) {
	l.mu.Lock()
	l.events = append(l.events, p)
	l.mu.Unlock()
	l.cond.Broadcast()
}

// wait blocks until a reported event satisfies ok, or fails the test
// after a generous bound (a hang, not a timing assertion).
func (l *progressLog) wait(t *testing.T, what string, ok func(Progress) bool) {
	t.Helper()
	done := make(chan struct{})
	timer := time.AfterFunc(20*time.Second, func() {
		l.mu.Lock()
		close(done)
		l.mu.Unlock()
		l.cond.Broadcast()
	})
	defer timer.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		for _, p := range l.events {
			if ok(p) {
				return
			}
		}
		select {
		case <-done:
			t.Errorf("never reported: %s; got %+v", what, l.events)
			return
		default:
		}
		l.cond.Wait()
	}
}

func (l *progressLog) all() []Progress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Progress(nil), l.events...)
}

// phases returns the distinct phases of hop in the order first reported.
func phases(events []Progress, hop int) []Phase {
	var out []Phase
	seen := map[Phase]bool{}
	for _, p := range events {
		if p.Hop == hop && !seen[p.Phase] {
			seen[p.Phase] = true
			out = append(out, p.Phase)
		}
	}
	return out
}

// TestProgressReportsEachPhase replays against a slow server that holds
// its answer until the client has said it is waiting, then sends the
// body in two parts, the second only after the first was reported: so
// the waiting phase and the download progress are seen while they last.
func TestProgressReportsEachPhase(t *testing.T) {
	log := newProgressLog()
	first, second := strings.Repeat("a", 3000), strings.Repeat("b", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.wait(t, "waiting", func(p Progress) bool { return p.Phase == PhaseWaiting })
		w.Header().Set("Content-Length", strconv.Itoa(len(first)+len(second)))
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(first))
		w.(http.Flusher).Flush()
		log.wait(t, "the first part", func(p Progress) bool { return p.Received >= int64(len(first)) })
		w.Write([]byte(second))
	}))
	t.Cleanup(srv.Close)

	ex := Replay(context.Background(), Request{Method: "GET", URL: srv.URL + "/slow"}, Options{Progress: log.hook})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	events := log.all()
	want := []Phase{PhaseConnecting, PhaseSending, PhaseWaiting, PhaseReceiving}
	if d := cmp.Diff(want, phases(events, 0)); d != "" {
		t.Errorf("phases (-want +got):\n%s", d)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	var last int64 = -1
	for _, p := range events {
		if p.Host != host || p.Hop != 0 {
			t.Errorf("event %+v: want host %s, hop 0", p, host)
		}
		if p.Phase != PhaseReceiving {
			if p.Received != 0 || p.Size != -1 {
				t.Errorf("event %+v: a phase change carries no byte counts", p)
			}
			continue
		}
		if p.Received < last {
			t.Errorf("Received went back from %d to %d", last, p.Received)
		}
		last = p.Received
		if p.Size != int64(len(first)+len(second)) {
			t.Errorf("Size = %d, want the Content-Length %d", p.Size, len(first)+len(second))
		}
	}
	if last != int64(len(first)+len(second)) {
		t.Errorf("the last report counts %d bytes, want %d", last, len(first)+len(second))
	}
}

// TestProgressTLSAndRedirects checks the TLS phase and that a redirect
// is reported as a new hop with its own host.
func TestProgressTLSAndRedirects(t *testing.T) {
	log := newProgressLog()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/from" {
			http.Redirect(w, r, "/to", http.StatusFound)
			return
		}
		w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	ex := Replay(context.Background(), Request{Method: "GET", URL: srv.URL + "/from"},
		Options{Progress: log.hook, RootCAs: poolOf(srv)})
	if ex.Fault != nil || len(ex.Hops) != 2 {
		t.Fatalf("fault %+v, %d hops", ex.Fault, len(ex.Hops))
	}
	// The transport may report the request written after the answer
	// began (Options.Progress says so), so the phases are compared as a
	// set here; the test above orders them with a server that waits.
	events := log.all()
	sorted := func(ps []Phase) []Phase { slices.Sort(ps); return ps }
	if d := cmp.Diff([]Phase{PhaseConnecting, PhaseTLS, PhaseSending, PhaseWaiting, PhaseReceiving}, sorted(phases(events, 0))); d != "" {
		t.Errorf("first hop phases (-want +got):\n%s", d)
	}
	// The second hop reuses the connection: no connect, no handshake.
	if d := cmp.Diff([]Phase{PhaseSending, PhaseWaiting, PhaseReceiving}, sorted(phases(events, 1))); d != "" {
		t.Errorf("second hop phases (-want +got):\n%s", d)
	}
}

// TestProgressConnectFailure checks that a call that never connects
// reports how far it got and nothing after.
func TestProgressConnectFailure(t *testing.T) {
	log := newProgressLog()
	ex := Replay(context.Background(), Request{Method: "GET", URL: "http://127.0.0.1:1/x"}, Options{Progress: log.hook})
	if ex.Fault == nil || ex.Fault.Kind != FaultRefused {
		t.Fatalf("fault = %+v, want refused", ex.Fault)
	}
	if d := cmp.Diff([]Phase{PhaseConnecting}, phases(log.all(), 0)); d != "" {
		t.Errorf("phases (-want +got):\n%s", d)
	}
}

func poolOf(srv *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(srv.Certificate())
	return p
}

package capture

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// checkPhases fails unless each phase in happened is measured (>= 0),
// every other phase is Skipped, and the measured phases fit in the
// total.
func checkPhases(t *testing.T, tm Timings, happened ...string) {
	t.Helper()
	phases := map[string]time.Duration{"dns": tm.DNS, "connect": tm.Connect, "tls": tm.TLS, "wait": tm.Wait, "download": tm.Download}
	var sum time.Duration
	for name, d := range phases {
		want := contains(happened, name)
		switch {
		case want && d < 0:
			t.Errorf("%s did not get measured: %v", name, d)
		case !want && d != Skipped:
			t.Errorf("%s did not happen but is %v, not Skipped", name, d)
		}
		if d > 0 {
			sum += d
		}
	}
	if tm.Total < 0 || sum > tm.Total {
		t.Errorf("phases %+v do not fit in the total", tm)
	}
}

func TestReplayTimings(t *testing.T) {
	body := strings.Repeat("x", 256<<10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			http.Redirect(w, r, "/second", http.StatusFound)
			return
		}
		io.WriteString(w, body)
	})
	plain := serve(t, h)
	secure := tlsServer(t, h, false)

	t.Run("plain HTTP to an IP", func(t *testing.T) {
		ex := get(plain.URL+"/second", Options{})
		checkPhases(t, ex.Last().Timings, "connect", "wait", "download")
	})
	t.Run("a host name is looked up", func(t *testing.T) {
		ex := get(strings.Replace(plain.URL, "127.0.0.1", "localhost", 1)+"/second", Options{})
		if ex.Fault != nil {
			t.Skipf("localhost does not resolve here: %s", ex.Fault.Message)
		}
		checkPhases(t, ex.Last().Timings, "dns", "connect", "wait", "download")
	})
	t.Run("TLS", func(t *testing.T) {
		ex := get(secure.URL+"/second", Options{RootCAs: trust(secure)})
		checkPhases(t, ex.Last().Timings, "connect", "tls", "wait", "download")
		if ex.Total < ex.Last().Timings.Total {
			t.Errorf("exchange total %v < hop total %v", ex.Total, ex.Last().Timings.Total)
		}
	})
	t.Run("reused connection", func(t *testing.T) {
		ex := getReused(t, secure.URL+"/first", Options{RootCAs: trust(secure)})
		first, second := ex.Hops[0], ex.Hops[1]
		checkPhases(t, first.Timings, "connect", "tls", "wait", "download")
		checkPhases(t, second.Timings, "wait", "download")
		if first.Conn.Reused || !second.Conn.Reused {
			t.Errorf("reused: %v, %v; want false, true", first.Conn.Reused, second.Conn.Reused)
		}
		if second.TLS == nil || second.TLS.Version == "" || second.Conn.RemoteAddr != first.Conn.RemoteAddr {
			t.Errorf("the second hop does not show the session it reused: %+v", second.TLS)
		}
		if ex.Total < first.Timings.Total+second.Timings.Total {
			t.Errorf("exchange total %v < the hops' %v + %v", ex.Total, first.Timings.Total, second.Timings.Total)
		}
	})
}

// getReused replays a call whose first answer redirects to the same
// server, until the second request reuses the first one's connection.
// Go's client puts a connection back in its pool from a goroutine of its
// own, just after the body is closed; under load the redirect can get
// there first and dial anew. Five misses in a row fail the test.
func getReused(t *testing.T, url string, opt Options) *Exchange {
	t.Helper()
	for try := 0; try < 5; try++ {
		ex := get(url, opt)
		if len(ex.Hops) != 2 {
			t.Fatalf("%d hops", len(ex.Hops))
		}
		if ex.Hops[1].Conn.Reused {
			return ex
		}
	}
	t.Fatal("the second request never reused the connection in 5 tries")
	return nil
}

// TestReplayTimingsWithClock checks the arithmetic with a clock that
// moves only when it is read: each reading is 1ms after the last.
func TestReplayTimingsWithClock(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	var mu = make(chan struct{}, 1)
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu <- struct{}{}
		defer func() { <-mu }()
		now = now.Add(time.Millisecond)
		return now
	}
	ex := get(srv.URL, Options{Now: clock})
	tm := ex.Last().Timings
	checkPhases(t, tm, "connect", "wait", "download")
	for name, d := range map[string]time.Duration{"connect": tm.Connect, "wait": tm.Wait, "download": tm.Download, "total": tm.Total} {
		if d%time.Millisecond != 0 || d == 0 {
			t.Errorf("%s = %v, want whole ticks of the injected clock", name, d)
		}
	}
	if !ex.Started.Equal(time.Date(2026, 11, 29, 10, 0, 0, int(time.Millisecond), time.UTC)) {
		t.Errorf("Started = %v, want the clock's first reading", ex.Started)
	}
}

func TestReplayRedirects(t *testing.T) {
	other, got := recordingServer(t, 200, `{}`)
	var sawAuth []string
	first := serve(t, func(w http.ResponseWriter, r *http.Request) {
		sawAuth = append(sawAuth, r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/landed", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/here", http.StatusMovedPermanently)
		case "/keep-body":
			http.Redirect(w, r, "/here", http.StatusTemporaryRedirect)
		default:
			io.WriteString(w, "here")
		}
	})
	auth := Headers{{Name: "Authorization", Value: "Bearer p, User u", Origin: FromUser}, {Name: "Cookie", Value: "s=1", Origin: FromUser}}
	// 127.0.0.1 and localhost are different hosts to a browser and to curl.
	start := strings.Replace(first.URL, "127.0.0.1", "localhost", 1)

	type hopView struct {
		Method, URL string
		Status      int
		Dropped     []string
		BodySize    int64
	}
	view := func(ex *Exchange) []hopView {
		var out []hopView
		for _, h := range ex.Hops {
			hv := hopView{Method: h.Request.Method, URL: h.Request.URL, Dropped: h.Dropped, BodySize: h.Request.Body.Size}
			if h.Response != nil {
				hv.Status = h.Response.Status
			}
			out = append(out, hv)
		}
		return out
	}

	t.Run("to another host", func(t *testing.T) {
		ex := Replay(context.Background(), Request{Method: "GET", URL: start + "/away", Header: auth}, Options{})
		want := []hopView{
			{Method: "GET", URL: start + "/away", Status: 302},
			{Method: "GET", URL: other.URL + "/landed", Status: 200, Dropped: []string{"Authorization", "Cookie"}},
		}
		if d := cmp.Diff(want, view(ex)); d != "" {
			t.Errorf("hops (-want +got):\n%s", d)
		}
		if got.Header.Get("Authorization") != "" || got.Header.Get("Cookie") != "" {
			t.Errorf("credentials were sent to the other host: %v", got.Header)
		}
		if ex.Hops[1].Request.Header.Has("Authorization") {
			t.Error("the second hop's recorded headers include Authorization")
		}
	})
	t.Run("same host keeps credentials", func(t *testing.T) {
		sawAuth = nil
		ex := Replay(context.Background(), Request{Method: "GET", URL: first.URL + "/same", Header: auth}, Options{})
		if d := cmp.Diff([]string{"Bearer p, User u", "Bearer p, User u"}, sawAuth); d != "" {
			t.Errorf("Authorization seen (-want +got):\n%s", d)
		}
		if ex.Hops[1].Dropped != nil {
			t.Errorf("dropped %v on the same host", ex.Hops[1].Dropped)
		}
	})
	t.Run("307 resends the body, 302 does not", func(t *testing.T) {
		ex := Replay(context.Background(), Request{Method: "POST", URL: first.URL + "/keep-body", Body: []byte(`{"a":1}`)}, Options{})
		want := []hopView{
			{Method: "POST", URL: first.URL + "/keep-body", Status: 307, BodySize: 7},
			{Method: "POST", URL: first.URL + "/here", Status: 200, BodySize: 7},
		}
		if d := cmp.Diff(want, view(ex)); d != "" {
			t.Errorf("307 hops (-want +got):\n%s", d)
		}
		ex = Replay(context.Background(), Request{Method: "POST", URL: first.URL + "/same", Body: []byte(`{"a":1}`)}, Options{})
		want = []hopView{
			{Method: "POST", URL: first.URL + "/same", Status: 301, BodySize: 7},
			{Method: "GET", URL: first.URL + "/here", Status: 200},
		}
		if d := cmp.Diff(want, view(ex)); d != "" {
			t.Errorf("301 hops (-want +got):\n%s", d)
		}
	})
	t.Run("not followed", func(t *testing.T) {
		ex := Replay(context.Background(), Request{Method: "GET", URL: first.URL + "/same"}, Options{MaxRedirects: -1})
		if ex.Fault != nil || len(ex.Hops) != 1 || ex.Response().Status != 301 {
			t.Errorf("fault %+v, %d hops: want the 301 as the answer", ex.Fault, len(ex.Hops))
		}
	})
}

// TestWaitWhenWrittenIsReportedLate covers the order HTTP/2 can report
// events in: the request "written" after the first response byte.
func TestWaitWhenWrittenIsReportedLate(t *testing.T) {
	at := func(ms int) time.Time {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(ms) * time.Millisecond)
	}
	tests := map[string]struct {
		gotConn, headers, wrote, first int
		want                           time.Duration
	}{
		"in order":            {1, 2, 3, 10, 7 * time.Millisecond},
		"written late":        {1, 2, 12, 10, 8 * time.Millisecond},
		"headers late too":    {1, 11, 12, 10, 9 * time.Millisecond},
		"no written reported": {1, 2, -1, 10, 8 * time.Millisecond},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := &hopRec{hop: Hop{Timings: NoTimings()}, start: at(0), gotConn: at(tc.gotConn), wroteHeaders: at(tc.headers), firstByte: at(tc.first), done: at(20)}
			if tc.wrote >= 0 {
				h.wrote = at(tc.wrote)
			}
			h.finishTimings(at(30))
			if h.hop.Timings.Wait != tc.want || h.hop.Timings.Download != 10*time.Millisecond || h.hop.Timings.Total != 20*time.Millisecond {
				t.Errorf("timings %+v, want wait %v, download 10ms, total 20ms", h.hop.Timings, tc.want)
			}
		})
	}
}

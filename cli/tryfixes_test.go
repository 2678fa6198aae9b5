package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// strictAPI imitates the API's strictness for --try-fixes: it answers 200
// only to a call with the v2 Accept header, "Bearer <partner>, User
// <user>" exactly, and (for POST) a JSON body; otherwise the error the
// API gives for the first thing wrong. It records when each call came.
type strictAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls []strictCall
}

type strictCall struct {
	at            time.Time
	accept, auth  string
	ctype, body   string
	method, query string
}

func newStrictAPI(t *testing.T) *strictAPI {
	s := &strictAPI{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.calls = append(s.calls, strictCall{at: time.Now(), accept: r.Header.Get("Accept"), auth: r.Header.Get("Authorization"),
			ctype: r.Header.Get("Content-Type"), body: string(body), method: r.Method, query: r.URL.RawQuery})
		s.mu.Unlock()
		reply := func(status int, meta any) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]any{"success": status < 300, "data": nil, "meta": meta})
		}
		switch {
		case r.Header.Get("Accept") != "application/vnd.api.v2+json":
			reply(400, map[string]any{"message": "An invalid Accept header was passed."})
		case r.Header.Get("Authorization") != "Bearer "+e2ePartner+", User "+e2eUser:
			// A careless API that echoes what it got: the tries must not
			// carry it into the ticket.
			reply(401, map[string]any{"message": "Authentication needed. Got: " + r.Header.Get("Authorization")})
		case r.Method == http.MethodPost && r.Header.Get("Content-Type") != "application/json":
			reply(422, map[string]any{"message": "The given data was invalid.", "errors": map[string]any{"login": []string{"The login field is required."}}})
		default:
			reply(200, []any{})
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *strictAPI) log() []strictCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]strictCall(nil), s.calls...)
}

func TestTryFixes(t *testing.T) {
	const (
		accept = "Accept: application/vnd.api.v2+json"
		both   = "Authorization: Bearer " + e2ePartner + ", User " + e2eUser
	)
	tests := map[string]struct {
		args       []string
		wantCalls  int    // calls the server got, the original included
		wantFirst  string // the first finding
		wantTried  string // the summary's "tried:" line
		wantTicket string // in the ticket's "Fixes tried"
	}{
		"the Accept header": {
			args:      []string{"-H", both, "/api/v2/locations/1/team_members"},
			wantCalls: 2, wantFirst: "AT101",
			wantTried:  "fix verified: with `Accept: application/vnd.api.v2+json` the call returned 200 OK",
			wantTicket: "1. with `Accept: application/vnd.api.v2+json` (AT101): 200 OK. Fix verified.",
		},
		"the Authorization parts": {
			args:      []string{"-H", accept, "-H", "Authorization: User " + e2eUser + ", Bearer " + e2ePartner, "/api/v1/records/1"},
			wantCalls: 2, wantFirst: "AT114",
			wantTried:  "fix verified: with `Authorization: Bearer {{partner_token}}, User {{user_token}}` (the parts rejoined) the call returned 200 OK",
			wantTicket: "(AT114): 200 OK. Fix verified.",
		},
		"a form body, with --yes": {
			args:      []string{"-y", "-H", accept, "-H", both, "-d", "login=a&password=b", "/api/v1/auth"},
			wantCalls: 2, wantFirst: "AT141",
			wantTried:  "fix verified: with the form body sent as JSON the call returned 200 OK",
			wantTicket: "(AT141): 200 OK. Fix verified.",
		},
		"login in the query, with --yes": {
			args:      []string{"-y", "-X", "POST", "-H", accept, "-H", both, "/api/v1/auth?login=a&password=b"},
			wantCalls: 2, wantFirst: "AT145",
			wantTried:  "fix verified: with login, password moved from the query into a JSON body the call returned 200 OK",
			wantTicket: "(AT145): 200 OK. Fix verified.",
		},
		"two mistakes: each alone, then both, three calls at most": {
			args:      []string{"-H", "Authorization: Bearer " + e2ePartner + " User " + e2eUser, "/api/v1/records/1"},
			wantCalls: 4, wantFirst: "AT101", // AT113 is a likely cause too: the fix that worked needed both
			wantTried:  "fix verified: with `Accept: application/vnd.api.v2+json` and `Authorization: Bearer {{partner_token}}, User {{user_token}}` (the parts rejoined) the call returned 200 OK",
			wantTicket: "3. with `Accept: application/vnd.api.v2+json` and `Authorization: Bearer {{partner_token}}, User {{user_token}}` (the parts rejoined) (AT101, AT113): 200 OK. Fix verified.",
		},
		"nothing mechanical to try": {
			args:      []string{"-H", accept, "-H", "Authorization: Bearer " + e2ePartner, "/api/v1/records/1"},
			wantCalls: 1, wantFirst: "AT120", wantTried: "nothing: no finding has a mechanical fix to try",
		},
		"a call that works": {
			args:      []string{"-H", accept, "-H", both, "/api/v1/records/1"},
			wantCalls: 1, wantTried: "nothing: no finding has a mechanical fix to try",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newStrictAPI(t)
			args := append([]string{}, tc.args...)
			args[len(args)-1] = srv.URL + args[len(args)-1]
			out := filepath.Join(t.TempDir(), "t.eml")
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"--try-fixes", "--json", "-o", out}, args...), Streams(strings.NewReader(""), &stdout, &stderr), realSystem(func(string) string { return "" }))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			calls := srv.log()
			if len(calls) != tc.wantCalls {
				t.Errorf("the server got %d calls, want %d", len(calls), tc.wantCalls)
			}
			for i := 1; i < len(calls); i++ {
				if gap := calls[i].at.Sub(calls[i-1].at); gap < tryInterval {
					t.Errorf("calls %d and %d came %v apart, less than %v", i, i+1, gap, tryInterval)
				}
			}
			summary := stderr.String()
			if tc.wantTried != "" && !strings.Contains(summary, "tried:    "+tc.wantTried) {
				t.Errorf("the summary does not say %q:\n%s", tc.wantTried, summary)
			}
			text, html := ticketBodies(t, out)
			for _, tok := range []string{e2ePartner, e2eUser} {
				tokens := strings.Index(text, "\n## Tokens")
				if i := strings.Index(text, tok); i >= 0 && (tokens < 0 || i < tokens) {
					t.Errorf("a token is in the ticket outside the Tokens section:\n%s", text)
				}
				if strings.Contains(summary, tok) || strings.Contains(stdout.String(), tok) {
					t.Errorf("a token reached the terminal or the JSON")
				}
			}
			if tc.wantTicket != "" {
				flat := strings.Join(strings.Fields(text), " ")
				if !strings.Contains(text, "\n## Fixes tried\n") || !strings.Contains(flat, tc.wantTicket) {
					t.Errorf("the ticket does not record %q:\n%s", tc.wantTicket, text)
				}
				if !strings.Contains(html, ">Fixes tried</div>") || !strings.Contains(html, "fix verified") {
					t.Errorf("the HTML part does not record the tries")
				}
			}
			if tc.wantFirst != "" && !strings.Contains(text, "\n1. [likely cause] "+tc.wantFirst+" ") {
				t.Errorf("the first finding is not %s:\n%s", tc.wantFirst, text)
			}
			if tc.wantTried != "" && strings.HasPrefix(tc.wantTried, "fix verified") && !strings.Contains(text, "Fix verified: ") {
				t.Errorf("the first finding's evidence does not carry the proof:\n%s", text)
			}
			var js jsonResult
			if err := json.Unmarshal(stdout.Bytes(), &js); err != nil {
				t.Fatal(err)
			}
			if tc.wantCalls > 1 && (len(js.Tries) != tc.wantCalls-1 || !js.Tries[len(js.Tries)-1].Worked) {
				t.Errorf("--json tries = %+v", js.Tries)
			}
		})
	}
}

// TestTryFixesSafeMethodsOnly: without --yes, a method that changes data
// is not sent again, and the ticket says so.
func TestTryFixesSafeMethodsOnly(t *testing.T) {
	srv := newStrictAPI(t)
	cfg := &config{options: &options{}, input: input{request: capture.Request{
		Method: "POST", URL: srv.URL + "/api/v1/auth",
		Header: capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json"}, {Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
		Body:   []byte("login=a&password=b"),
	}}}
	fix := diagnose.Fix{IDs: []string{"AT141"}, Label: "with the form body sent as JSON"}
	res := redact.Scrub(&capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{Method: "POST", URL: cfg.request.URL}}}}, redact.Policy{})
	var waited []time.Duration
	sys := &system{sleep: func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }}
	tries, verified := tryFixes(context.Background(), cfg, []diagnose.Fix{fix}, capture.Options{}, redact.Policy{}, res, sys)
	if len(srv.log()) != 0 || len(verified) != 0 || len(waited) != 0 {
		t.Fatalf("a POST was tried without --yes: %d calls, %d verified", len(srv.log()), len(verified))
	}
	if len(tries) != 1 || tries[0].Sent || !strings.Contains(tries[0].Result, "POST changes data") {
		t.Errorf("tries = %+v", tries)
	}
}

// TestTryFixesNeedsAReplay: --try-fixes sends calls, --no-replay sends
// none.
func TestTryFixesNeedsAReplay(t *testing.T) {
	code, _, stderr := runCLI(t, "", "--try-fixes", "--no-replay", "--status", "401", "http://127.0.0.1:1/")
	if code != exitUsage || !strings.Contains(stderr, "--try-fixes sends the call again") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestNoTriesByDefault: without --try-fixes the call is sent once and the
// summary says nothing of fixes tried.
func TestNoTriesByDefault(t *testing.T) {
	srv := newStrictAPI(t)
	out := filepath.Join(t.TempDir(), "t.eml")
	code, _, stderr := runCLI(t, "", "-o", out, "-H", "Authorization: Bearer "+e2ePartner+", User "+e2eUser, srv.URL+"/api/v2/locations/1/team_members")
	if code != 0 || len(srv.log()) != 1 || strings.Contains(stderr, "tried:") {
		t.Errorf("exit %d, %d calls:\n%s", code, len(srv.log()), stderr)
	}
}

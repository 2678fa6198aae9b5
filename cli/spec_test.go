package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture/specfetch"
)

// specTestdata holds the small descriptions written for the tests.
const specTestdata = "../testdata/openapi"

// apiServer imitates the API for one wrong call: clients listed with GET
// instead of the documented POST .../clients/search, answered 404. It
// counts the calls.
func apiServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"success":false,"data":null,"meta":[]}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// specServer serves testdata/openapi as developer.alteg.io does, after
// delay, with status; it counts the requests.
func specServer(t *testing.T, status int, delay time.Duration) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Method != http.MethodGet {
			t.Errorf("the description was fetched with %s", r.Method)
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_bundle/en/"), "/openapi.yaml")
		b, err := os.ReadFile(filepath.Join(specTestdata, name+".openapi.yaml"))
		if err != nil || status != 200 {
			w.WriteHeader(max(status, 404))
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// specSystem is a test system that fetches the description from base
// into cache.
func specSystem(t *testing.T, base, cache string) *system {
	sys := testSystem(t)
	sys.fetchSpec = specfetch.Fetch
	sys.cacheDir = func() (string, error) { return cache, nil }
	sys.specBase = base + "/_bundle/en"
	return sys
}

// checked returns the ticket's "API spec:" line (in the head), or its
// "Not checked:" line (at the end of the Findings), unwrapped.
func checked(tk ticket) string {
	_, after, ok := strings.Cut(tk.Flat, "API spec: ")
	if !ok {
		if _, after, ok = strings.Cut(tk.Flat, "Not checked: "); !ok {
			return ""
		}
	}
	// The line is in the ticket's head: the next field ends it.
	line := after
	for _, next := range []string{" Note: ", " ## ", " Location: ", " Cause: ", " Warning: "} {
		if i := strings.Index(line, next); i >= 0 {
			line = line[:i]
		}
	}
	return line
}

func firstFinding(t *testing.T, stdout string) string {
	t.Helper()
	var out struct {
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	if len(out.Findings) == 0 {
		return ""
	}
	return out.Findings[0].ID
}

func TestSpecFlags(t *testing.T) {
	srv, calls := apiServer(t)
	dir := t.TempDir()
	url := srv.URL + "/api/v1/company/123456/clients"
	base := []string{"-H", "Accept: application/vnd.api.v2+json", "-H", "Authorization: Bearer pt-7f3a9c1e5b2d4f60a1b2, User ut-0c4b8e2a6d1f3b57c9d0", "--json", url}
	tests := map[string]struct {
		args    []string
		env     map[string]string
		code    int
		stderr  string // a substring
		first   string // the first finding's ID
		checked string // a substring of the API spec: line
	}{
		"local folder": {args: []string{"--spec", specTestdata}, first: "AT150",
			checked: "local copies of Alteg.io's API description, Business Management 1.0.0 (b2b-v1), Business Management 2.0.0 (b2b-v2), Online Booking 1.0.0 (public), Developer Tools 1.0.0 (developers), files of "},
		"local file": {args: []string{"--spec", filepath.Join(specTestdata, "b2b-v1.openapi.yaml")}, first: "AT150",
			checked: "local copies of Alteg.io's API description, Business Management 1.0.0 (b2b-v1), files of"},
		"from the environment": {env: map[string]string{"ALTEGIO_TICKET_SPEC": specTestdata}, first: "AT150", checked: "local copies"},
		"--no-spec wins over the environment": {args: []string{"--no-spec"}, env: map[string]string{"ALTEGIO_TICKET_SPEC": "/nowhere"}, first: "AT205",
			checked: "Alteg.io's API description not used (--no-spec), so the checks that read it (AT150-AT157) were skipped."},
		"nothing loaded":    {first: "AT205", checked: "Alteg.io's API description not loaded, so the checks that read it (AT150-AT157) were skipped."},
		"both flags":        {args: []string{"--spec", specTestdata, "--no-spec"}, code: exitUsage, stderr: "drop one of them"},
		"missing path":      {args: []string{"--spec", filepath.Join(dir, "nope")}, code: exitUsage, stderr: "no such file or folder"},
		"bad env path":      {env: map[string]string{"ALTEGIO_TICKET_SPEC": filepath.Join(dir, "nope")}, code: exitUsage, stderr: "ALTEGIO_TICKET_SPEC"},
		"empty folder":      {args: []string{"--spec", t.TempDir()}, code: exitUsage, stderr: "holds no API description"},
		"not a description": {args: []string{"--spec", "spec_test.go"}, code: exitUsage, stderr: "cannot read it as Alteg.io's API description"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := calls.Load()
			out := filepath.Join(t.TempDir(), "t.eml")
			var stderr bytes.Buffer
			sys := testSystem(t)
			sys.cacheDir = func() (string, error) { return t.TempDir(), nil }
			args := append(append([]string{"-o", out}, tc.args...), base...)
			code, stdout := runSys(t, sys, nil, &stderr, tc.env, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr.String())
			}
			if tc.code != exitOK {
				if !strings.Contains(stderr.String(), tc.stderr) {
					t.Errorf("stderr %q, want %q", stderr.String(), tc.stderr)
				}
				if calls.Load() != before {
					t.Error("the call was sent although the command line was refused")
				}
				return
			}
			if got := firstFinding(t, stdout); got != tc.first {
				t.Errorf("first finding %s, want %s", got, tc.first)
			}
			if got := checked(readTicket(t, out)); !strings.Contains(got, tc.checked) {
				t.Errorf("API spec: %q\nwant it to contain %q", got, tc.checked)
			}
		})
	}
}

// TestSpecFetched: without --spec the description is fetched (from a
// loopback stand-in), cached, and named in the ticket with its date; the
// next run uses the cache.
func TestSpecFetched(t *testing.T) {
	srv, _ := apiServer(t)
	pub, hits := specServer(t, 200, 0)
	cache := t.TempDir()
	for run := 1; run <= 2; run++ {
		out := filepath.Join(t.TempDir(), "t.eml")
		var stderr bytes.Buffer
		code, stdout := runSys(t, specSystem(t, pub.URL, cache), nil, &stderr, nil, "-o", out, "--json",
			"-H", "Accept: application/vnd.api.v2+json", "-H", "Authorization: Bearer pt-7f3a9c1e5b2d4f60a1b2, User ut-0c4b8e2a6d1f3b57c9d0",
			srv.URL+"/api/v1/records/undefined")
		if code != exitOK {
			t.Fatalf("run %d: exit %d\n%s", run, code, stderr.String())
		}
		if got := firstFinding(t, stdout); got != "AT151" {
			t.Errorf("run %d: first finding %s, want AT151", run, got)
		}
		var js struct {
			API struct {
				Checked bool    `json:"checked"`
				Text    string  `json:"text"`
				Route   *string `json:"route"`
			} `json:"api_description"`
		}
		json.Unmarshal([]byte(stdout), &js)
		if !js.API.Checked || js.API.Route == nil || *js.API.Route != "GET /api/v1/records/{location_id}" || !strings.Contains(js.API.Text, "b2b-v1") {
			t.Errorf("run %d: api_description %+v", run, js.API)
		}
		want := "Alteg.io's API description, Business Management 1.0.0 (b2b-v1), fetched " + time.Now().UTC().Format("2006-01-02") + " (GET /api/v1/records/{location_id})."
		if got := checked(readTicket(t, out)); got != want {
			t.Errorf("run %d: API spec: %q\nwant %q", run, got, want)
		}
		if hits.Load() != 4 {
			t.Errorf("run %d: %d fetches, want 4 (then the cache)", run, hits.Load())
		}
	}
	if _, err := os.Stat(filepath.Join(cache, "altegio-ticket", "openapi", "state.json")); err != nil {
		t.Errorf("no cache: %v", err)
	}
}

// TestSpecUnavailable: a description that cannot be fetched costs at most
// the fetch's time limit, the ticket is written all the same, and it says
// in one line that the checks were skipped.
func TestSpecUnavailable(t *testing.T) {
	srv, _ := apiServer(t)
	for name, tc := range map[string]struct {
		status int
		delay  time.Duration
		want   string
	}{
		"server error": {503, 0, "answered 503 Service Unavailable"},
		"no answer":    {200, time.Minute, "no answer within 2s"},
	} {
		t.Run(name, func(t *testing.T) {
			pub, _ := specServer(t, tc.status, tc.delay)
			out := filepath.Join(t.TempDir(), "t.eml")
			var stderr bytes.Buffer
			start := time.Now()
			code, _ := runSys(t, specSystem(t, pub.URL, t.TempDir()), nil, &stderr, nil, "-o", out,
				"-H", "Accept: application/vnd.api.v2+json", srv.URL+"/api/v1/records/1")
			if took := time.Since(start); took > specfetch.DefaultTimeout+2*time.Second {
				t.Errorf("the run took %v", took)
			}
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			got := checked(readTicket(t, out))
			if !strings.HasPrefix(got, "Alteg.io's API description could not be loaded (") || !strings.Contains(got, tc.want) ||
				!strings.HasSuffix(got, "so the checks that read it (AT150-AT157) were skipped.") {
				t.Errorf("API spec: %q", got)
			}
		})
	}
}

// TestSpecNotForYclients: a YCLIENTS call fetches nothing.
func TestSpecNotForYclients(t *testing.T) {
	d := startSpec(context.Background(), specFlags{}, nil, "https://api.yclients.com/api/v1/records/1", false,
		&system{fetchSpec: func(context.Context, specfetch.Options) specfetch.Result {
			t.Error("fetched for a YCLIENTS host")
			return specfetch.Result{}
		}}, nil)()
	if got := d.forTicket("GET", "https://api.yclients.com/api/v1/records/1"); !strings.Contains(got, "does not cover YCLIENTS") {
		t.Errorf("line %q", got)
	}
}

package cli

import (
	"bytes"
	"github.com/altegio/altegio-ticket/report"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// countingServer answers 422 with a JSON body of size bytes and counts
// the requests it got.
func countingServer(t *testing.T, size int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	body := `{"success":false,"data":null,"meta":{"message":"` + strings.Repeat("x", max(size-50, 0)) + `"}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRunOutDir(t *testing.T) {
	const partner, user = "PARTNER-abc123def456", "USER-987zyx654wvu"
	srv, _ := countingServer(t, 200)
	dir := filepath.Join(t.TempDir(), "ticket")
	eml := filepath.Join(t.TempDir(), "t.eml")
	code, _, stderr := runCLI(t, "", "-y", "-o", eml, "--out-dir", dir,
		"-H", "Content-Type: application/json",
		"-H", "Authorization: Bearer "+partner+", User "+user,
		"-d", `{"staff_id":1}`, srv.URL+"/api/v1/records/1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "files:    7 in "+dir+" (only secrets.txt holds the tokens)") {
		t.Errorf("the summary does not mention the folder:\n%s", stderr)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	files := map[string][]byte{}
	for _, e := range entries {
		names = append(names, e.Name())
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
		files[e.Name()], _ = os.ReadFile(filepath.Join(dir, e.Name()))
	}
	want := []string{"postman_collection.json", "replay.sh", "request.har",
		"response-body.json", "secrets.txt", "ticket.html", "ticket.txt"}
	sort.Strings(names)
	if d := cmp.Diff(want, names); d != "" {
		t.Fatalf("files (-want +got):\n%s", d)
	}
	for name, data := range files {
		for _, tok := range []string{partner, user} {
			n := bytes.Count(data, []byte(tok))
			if (name == "secrets.txt") != (n == 1) || n > 1 {
				t.Errorf("%s holds %s… %d times", name, tok[:7], n)
			}
		}
	}
	// The attachments of the .eml are the files, byte for byte.
	attached := readTicket(t, eml).Attach
	for name, b := range attached {
		if b != string(files[name]) {
			t.Errorf("attachment %s differs from %s in the folder", name, name)
		}
	}
	if len(attached) != 4 {
		t.Errorf("%d attachments, want 4", len(attached))
	}
}

func TestRunOutDirRules(t *testing.T) {
	srv, hits := countingServer(t, 100)
	base := t.TempDir()
	full := filepath.Join(base, "full")
	os.Mkdir(full, 0o700)
	os.WriteFile(filepath.Join(full, "notes.md"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(full, "ticket.txt"), []byte("old ticket"), 0o600)
	empty := filepath.Join(base, "empty")
	os.Mkdir(empty, 0o700)
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o600)

	tests := map[string]struct {
		args     []string
		wantCode int
		wantErr  string
		wantHits int32
	}{
		"non-empty refused": {[]string{"--out-dir", full}, 2, "is not empty; choose a new folder, or add --force", 0},
		"a file refused":    {[]string{"--out-dir", file}, 2, "is a file, not a folder", 0},
		"empty is fine":     {[]string{"--out-dir", empty}, 0, "", 1},
		"force replaces":    {[]string{"--force", "--out-dir", full}, 0, "", 1},
	}
	for _, name := range []string{"non-empty refused", "a file refused", "empty is fine", "force replaces"} {
		tc := tests[name]
		t.Run(name, func(t *testing.T) {
			hits.Store(0)
			args := append([]string{"-o", filepath.Join(t.TempDir(), "t.eml")}, tc.args...)
			code, _, stderr := runCLI(t, "", append(args, srv.URL)...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.wantCode, tc.wantErr)
			}
			if tc.wantCode == 2 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("usage error is not one line:\n%s", stderr)
			}
			if got := hits.Load(); got != tc.wantHits {
				t.Errorf("the server got %d requests, want %d (a refused folder must cost no replay)", got, tc.wantHits)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(full, "notes.md")); string(b) != "mine" {
		t.Error("--force touched a file that is not a ticket file")
	}
	if b, _ := os.ReadFile(filepath.Join(full, "ticket.txt")); string(b) == "old ticket" {
		t.Error("--force did not replace ticket.txt")
	}
}

func TestRunMaxEMLSize(t *testing.T) {
	srv, _ := countingServer(t, 400<<10)
	out := filepath.Join(t.TempDir(), "t.eml")
	code, _, stderr := runCLI(t, "", "--max-eml-size", "256KiB", "-o", out, srv.URL+"/api/v1/company/1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Size() > 256<<10 {
		t.Fatalf("ticket: %v, %d bytes; want at most 256 KiB", err, fi.Size())
	}
	if !strings.Contains(stderr, "warning: the ticket would be") || !strings.Contains(stderr, "the response body was cut") || !strings.Contains(stderr, "--max-eml-size") {
		t.Errorf("no warning about the cut body:\n%s", stderr)
	}
}

func TestParseEMLSize(t *testing.T) {
	tests := map[string]struct {
		want    int64
		wantErr string
	}{
		"10MiB":  {10 << 20, ""},
		"10M":    {10 << 20, ""},
		"20MB":   {20e6, ""},
		"500KiB": {500 << 10, ""},
		"1.5m":   {3 << 19, ""},
		"65536":  {65536, ""},
		"0":      {-1, ""},
		"1k":     {0, "too small"},
		"-5M":    {0, "is not a size"},
		"ten":    {0, "is not a size"},
		"5TB":    {0, "is not a size"},
		"2000G":  {0, "more than any mail server takes"},
	}
	for in, tc := range tests {
		got, err := parseEMLSize(in)
		switch {
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("parseEMLSize(%q) = %d, %v; want %d", in, got, err, tc.want)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("parseEMLSize(%q) error = %v; want %q", in, err, tc.wantErr)
		}
	}
	code, _, stderr := runCLI(t, "", "--max-eml-size", "1k", "http://127.0.0.1:1/")
	if code != 2 || !strings.Contains(stderr, "use at least 64KiB") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestWriteOutDirForceReplacesTheTicket: with --force, the folder ends up
// holding one ticket: files of an earlier ticket that this one does not
// have are removed, and files that are not ticket files are kept.
func TestWriteOutDirForceReplacesTheTicket(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"response-body.json": "old", "ticket.txt": "old", "notes.md": "mine"} {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600)
	}
	files := []report.File{{Name: "ticket.txt", Data: []byte("new")}, {Name: "response-body.bin", Data: []byte{0, 1}}}
	if err := writeOutDir(dir, files, true); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if d := cmp.Diff([]string{"notes.md", "response-body.bin", "ticket.txt"}, got); d != "" {
		t.Errorf("folder (-want +got):\n%s", d)
	}
}

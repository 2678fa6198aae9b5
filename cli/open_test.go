package cli

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOpenCommand(t *testing.T) {
	type cmd struct {
		Name string
		Args []string
	}
	for goos, want := range map[string]cmd{
		"linux":   {"xdg-open", []string{"/tmp/t.eml"}},
		"freebsd": {"xdg-open", []string{"/tmp/t.eml"}},
		"darwin":  {"open", []string{"/tmp/t.eml"}},
		"windows": {"cmd", []string{"/c", "start", "", "/tmp/t.eml"}},
	} {
		name, args := openCommand(goos, "/tmp/t.eml")
		if d := cmp.Diff(want, cmd{name, args}); d != "" {
			t.Errorf("%s (-want +got):\n%s", goos, d)
		}
	}
}

// fakeOpener writes a shell script standing for xdg-open into a temporary
// folder and returns a lookPath that finds it there.
func fakeOpener(t *testing.T, script string) func(string) (string, error) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake opener is a shell script")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "xdg-open")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return func(name string) (string, error) {
		if name != "xdg-open" {
			t.Errorf("looked up %q", name)
		}
		return bin, nil
	}
}

func TestSystemOpener(t *testing.T) {
	desktop := func(k string) string { return map[string]string{"DISPLAY": ":0"}[k] }
	t.Run("opens the file", func(t *testing.T) {
		log := filepath.Join(t.TempDir(), "args")
		open := systemOpener("linux", desktop, fakeOpener(t, `printf '%s\n' "$@" > `+log), time.Minute)
		how, err := open(context.Background(), "/tmp/my ticket.eml")
		b, _ := os.ReadFile(log)
		if err != nil || how != "xdg-open" || string(b) != "/tmp/my ticket.eml\n" {
			t.Errorf("how %q, err %v, args %q", how, err, b)
		}
	})
	t.Run("no program for .eml", func(t *testing.T) {
		open := systemOpener("linux", desktop, fakeOpener(t, "exit 3"), time.Minute)
		if _, err := open(context.Background(), "/tmp/t.eml"); err == nil || err.Error() != "xdg-open found no program for .eml files" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("other failure", func(t *testing.T) {
		open := systemOpener("linux", desktop, fakeOpener(t, "exit 1"), time.Minute)
		if _, err := open(context.Background(), "/tmp/t.eml"); err == nil || err.Error() != "xdg-open failed (exit status 1)" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not installed", func(t *testing.T) {
		open := systemOpener("linux", desktop, func(string) (string, error) { return "", os.ErrNotExist }, time.Minute)
		if _, err := open(context.Background(), "/tmp/t.eml"); err == nil || !strings.Contains(err.Error(), "xdg-open is not installed") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("no desktop", func(t *testing.T) {
		open := systemOpener("linux", func(string) string { return "" }, func(string) (string, error) {
			t.Error("looked for an opener without a desktop")
			return "", os.ErrNotExist
		}, time.Minute)
		if _, err := open(context.Background(), "/tmp/t.eml"); err != errNoDesktop {
			t.Errorf("err = %v", err)
		}
		// Wayland alone is a desktop too.
		open = systemOpener("linux", func(k string) string { return map[string]string{"WAYLAND_DISPLAY": "wayland-0"}[k] }, fakeOpener(t, "exit 0"), time.Minute)
		if _, err := open(context.Background(), "/tmp/t.eml"); err != nil {
			t.Errorf("Wayland: %v", err)
		}
	})
}

// TestStartAndWaitDoesNotBlock: an opener that stays in the foreground
// (a mail client started by it, say) is left running; the call returns
// after the wait, as a success.
func TestStartAndWaitDoesNotBlock(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	lookPath := fakeOpener(t, "echo $$ > "+pidFile+"; exec sleep 60")
	bin, _ := lookPath("xdg-open")
	err := startAndWait(context.Background(), "xdg-open", bin, []string{"/tmp/t.eml"}, 50*time.Millisecond)
	if err != nil {
		t.Errorf("err = %v", err)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				if p, err := os.FindProcess(pid); err == nil {
					p.Kill()
				}
			}
		}
	})
}

func TestVersion(t *testing.T) {
	info := func(version string, settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/altegio/altegio-ticket", Version: version}, Settings: settings}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}
	when := debug.BuildSetting{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	tests := map[string]struct {
		bi          *debug.BuildInfo
		built       string
		short, long string
	}{
		"go install @version": {info("v1.2.0"), "", "v1.2.0",
			"altegio-ticket v1.2.0\nbuilt with go1.26.8 for linux/amd64\n"},
		"clone with VCS stamp": {info("v0.0.0-20261120100000-0123456789ab+dirty", rev, when, dirty), "2026-11-29T18:00:00Z",
			"v0.0.0-20261120100000-0123456789ab+dirty 0123456789ab+dirty",
			"altegio-ticket v0.0.0-20261120100000-0123456789ab+dirty\nrevision 0123456789abcdef0123456789abcdef01234567 (with uncommitted changes), committed 2026-11-20T10:00:00Z\nbuilt 2026-11-29T18:00:00Z with go1.26.8 for linux/amd64\n"},
		"clone, -buildvcs=false": {info("(devel)"), "", "(devel)",
			"altegio-ticket (devel)\nrevision unknown: built without VCS information; build in a git clone (not a worktree) with go build -buildvcs=true\nbuilt with go1.26.8 for linux/amd64\n"},
		"no build info": {nil, "", "(devel)", ""},
	}
	for name, tc := range tests {
		v := readBuildVersion(tc.bi, tc.bi != nil)
		if got := v.short(); got != tc.short {
			t.Errorf("%s: short = %q, want %q", name, got, tc.short)
		}
		if tc.long != "" {
			if d := cmp.Diff(tc.long, v.long(tc.built, "linux/amd64")); d != "" {
				t.Errorf("%s: long (-want +got):\n%s", name, d)
			}
		}
	}
	// The binary under test: whatever it knows, --version says it in a
	// few lines, and never fails.
	code, stdout, _ := runCLI(t, "", "--version")
	if code != 0 || !strings.HasPrefix(stdout, "altegio-ticket ") || strings.Count(stdout, "\n") > 3 {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
}

// TestRunOpenWithTheRealSystem runs --open through run, with the real
// system and a fake xdg-open first on PATH that logs its arguments: the
// wiring main uses, end to end.
func TestRunOpenWithTheRealSystem(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("xdg-open is the Linux opener")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "xdg-open.log")
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" >> "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	out := filepath.Join(t.TempDir(), "t.eml")
	var stdout, stderr strings.Builder
	env := map[string]string{"DISPLAY": ":0"}
	code := runIO(context.Background(), []string{"--open", "--demo", "-o", out}, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	b, _ := os.ReadFile(log)
	if code != 0 || string(b) != out+"\n" || !strings.Contains(stderr.String(), "opened:   in your mail client (xdg-open)") {
		t.Errorf("exit %d, xdg-open got %q; stderr:\n%s", code, b, stderr.String())
	}
}

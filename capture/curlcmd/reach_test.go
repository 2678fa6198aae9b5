package curlcmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// reachDir holds the outside corpus: commands copied from browsers
// (Chrome, Edge, Firefox, Safari; bash, cmd.exe and PowerShell), API
// clients (Postman, Insomnia, Bruno, httpsnippet), API documentation and
// READMEs, each with its source in its first comment lines, and the
// request real curl 7.88.1 sent for each (NAME.req, recorded by
// record.sh there). NAME.win, where there is one, is the Windows text
// that is pasted; NAME.cmd then gives the argv curl.exe gets from it.
const reachDir = "../../testdata/curl/reach"

// reachEnv is the environment the corpus was recorded with.
var reachEnv = map[string]string{"HOME": "/home/me", "PARTNER_TOKEN": "partnertoken"}

// reachExceptions are the corpus commands whose replay is known to differ
// from curl's request, each with the reason and a normalisation that
// makes the two equal otherwise; the test fails when one starts to match
// or differs in another way.
var reachExceptions = map[string]struct {
	why  string
	norm func([]byte) []byte
}{
	"httpsnippet-http10": {
		why: "--http1.0: curl writes HTTP/1.0 in the request line; Go's transport speaks HTTP/1.1 " +
			"only, so the replay sends the same head as HTTP/1.1 (a note says so)",
		norm: func(b []byte) []byte { return bytes.Replace(b, []byte(" HTTP/1.0\r\n"), []byte(" HTTP/1.1\r\n"), 1) },
	},
}

// reachRefused are the corpus commands the tool refuses, each with a
// part of the one-line error it must give.
var reachRefused = map[string]string{
	// The signature depends on the time; a replay would need the secret
	// key, which the ticket must not carry anyway.
	"aws-sigv4": "--aws-sigv4",
	// Not read yet: the options of a config file.
	"config-file": "paste those options into the command",
	// curl sends no Authorization at all here (--oauth2-bearer is used
	// only without --digest, and --digest has no user).
	"digest-bearer": "--digest needs -u user:password",
}

// TestReachCorpus replays every command of the outside corpus through
// Parse, Build and capture.Replay to a raw loopback recorder and compares
// the bytes with curl's.
func TestReachCorpus(t *testing.T) {
	cmds, _ := filepath.Glob(filepath.Join(reachDir, "*.cmd"))
	if len(cmds) < 80 {
		t.Fatalf("found %d commands in %s, want the whole corpus", len(cmds), reachDir)
	}
	rec := newWireRecorder(t)
	var mu sync.Mutex
	count := map[string][]string{}
	t.Cleanup(func() {
		t.Logf("of %d commands: %d byte for byte, %d differ (%v), %d refused (%v)", len(cmds),
			len(count["same"]), len(count["differs"]), count["differs"], len(count["refused"]), count["refused"])
	})
	for _, file := range cmds {
		name := strings.TrimSuffix(filepath.Base(file), ".cmd")
		t.Run(name, func(t *testing.T) {
			class := func(c string) { mu.Lock(); count[c] = append(count[c], name); mu.Unlock() }
			base := strings.TrimSuffix(file, ".cmd")
			pasted := file
			if _, err := os.Stat(base + ".win"); err == nil {
				pasted = base + ".win"
			}
			text, err := os.ReadFile(pasted)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(base + ".req")
			if err != nil {
				t.Fatal(err)
			}
			_, boundary := readWire(t, want)
			f, _, err := Parse(string(text), func(k string) string { return reachEnv[k] })
			var cmd *Command
			if err == nil {
				cmd, err = f.Build(Env{
					UserAgent: "curl/7.88.1",
					Boundary:  boundary,
					ReadFile:  func(n string) ([]byte, error) { return os.ReadFile(filepath.Join(curlDir, "files", n)) },
					Now:       func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
				})
			}
			if err != nil {
				class("refused")
				frag, known := reachRefused[name]
				if !known {
					t.Errorf("refused: %v", err)
				} else if !strings.Contains(err.Error(), frag) {
					t.Errorf("refused with %q, want an error saying %q", err, frag)
				}
				return
			}
			if _, known := reachRefused[name]; known {
				t.Errorf("accepted now: take %s out of reachRefused", name)
			}
			if name == "httpsnippet-http10" && !strings.Contains(strings.Join(cmd.Notes, "\n"), "HTTP/1.1") {
				t.Errorf("no note says the request goes as HTTP/1.1: %q", cmd.Notes)
			}
			got, _ := rec.replay(t, cmd)
			exc, known := reachExceptions[name]
			if bytes.Equal(want, got) {
				class("same")
				if known {
					t.Errorf("now sent as curl sends it: take %s out of reachExceptions", name)
				}
				return
			}
			class("differs")
			if known {
				if !bytes.Equal(exc.norm(want), exc.norm(got)) {
					t.Errorf("differs from curl's in more than the known way (%s):\ncurl:\n%q\nreplay:\n%q", exc.why, want, got)
				}
				return
			}
			t.Errorf("the replay sent other bytes than curl 7.88.1:\ncurl:\n%q\nreplay:\n%q", want, got)
		})
	}
}

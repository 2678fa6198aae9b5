package curlsh

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// TestScriptAsksFirst runs replay.sh for a call that changes data: it
// asks on a terminal and sends only after a yes; without a terminal it
// stops and says how to send anyway; --yes and ALTEGIO_REPLAY_YES=1 send
// without asking; a GET never asks.
func TestScriptAsksFirst(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	scriptCmd, _ := exec.LookPath("script") // util-linux: runs bash on a terminal
	srv := newRawServer(t)
	write := func(method string) string {
		ex := &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{
			Method: method, URL: "http://" + srv.Addr + "/api/v1/records/1?sign={{sign}}", Proto: "HTTP/1.1",
			Header: capture.Headers{user("Authorization", "Bearer {{partner_token}}")},
			Body:   capture.Body{Data: []byte("{}"), Size: 2},
		}}}}
		secrets := []Secret{{Placeholder: "{{partner_token}}", Env: "ALTEGIO_PARTNER_TOKEN", Description: "the partner token"}}
		path := filepath.Join(t.TempDir(), "replay.sh")
		os.WriteFile(path, Script(ex, secrets, Info{}), 0o600)
		return path
	}
	post, get := write("POST"), write("GET")
	env := []string{"PATH=" + os.Getenv("PATH"), "NO_PROXY=*", "ALTEGIO_PARTNER_TOKEN=pt-1"}
	tests := map[string]struct {
		cmd      []string
		env      []string
		stdin    string
		terminal bool
		wantSent bool
		wantOut  string
	}{
		"no terminal":     {cmd: []string{bash, post}, wantOut: "replay.sh: this sends POST http://" + srv.Addr + "/api/v1/records/1?sign={{sign}} again and may change data; run bash replay.sh --yes"},
		"--yes":           {cmd: []string{bash, post, "--yes"}, wantSent: true},
		"environment":     {cmd: []string{bash, post}, env: []string{YesEnv + "=1"}, wantSent: true},
		"GET never asks":  {cmd: []string{bash, get}, wantSent: true},
		"terminal, yes":   {cmd: []string{bash, post}, terminal: true, stdin: "y\n", wantSent: true, wantOut: "This sends POST http://"},
		"terminal, no":    {cmd: []string{bash, post}, terminal: true, stdin: "n\n", wantOut: "replay.sh: not sent"},
		"terminal, enter": {cmd: []string{bash, post}, terminal: true, stdin: "\n", wantOut: "not sent"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			args := tc.cmd
			if tc.terminal {
				if scriptCmd == "" {
					t.Skip("script(1) is not installed, so there is no terminal to ask on")
				}
				args = []string{scriptCmd, "-qec", strings.Join(tc.cmd, " "), "/dev/null"}
			}
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Env = append(env, tc.env...)
			cmd.Stdin = strings.NewReader(tc.stdin)
			out, _ := cmd.CombinedOutput()
			if !strings.Contains(string(out), tc.wantOut) {
				t.Errorf("output lacks %q:\n%s", tc.wantOut, out)
			}
			time.Sleep(20 * time.Millisecond)
			srv.mu.Lock()
			sent := len(srv.got) > 0
			srv.got = nil
			srv.mu.Unlock()
			if sent != tc.wantSent {
				t.Errorf("sent %v, want %v:\n%s", sent, tc.wantSent, out)
			}
		})
	}
}

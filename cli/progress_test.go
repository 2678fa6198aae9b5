package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// lastLine is what a terminal shows after the writes: the text after the
// last \r, trailing padding removed.
func lastLine(s string) string {
	if i := strings.LastIndex(s, "\r"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimRight(s, " ")
}

// TestProgressLine drives the line with a fake clock through a call's
// phases and checks what the terminal shows at each step.
func TestProgressLine(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	l := newProgressLine(&out, clock.now, 80, palette{})
	host := "api.alteg.io"
	steps := []struct {
		after time.Duration
		event *capture.Progress
		want  string // the line shown; "" for nothing yet
	}{
		{100 * time.Millisecond, &capture.Progress{Phase: capture.PhaseResolving, Host: host, Size: -1}, ""},
		{150 * time.Millisecond, &capture.Progress{Phase: capture.PhaseConnecting, Host: host, Size: -1}, ""},
		{100 * time.Millisecond, &capture.Progress{Phase: capture.PhaseTLS, Host: host, Size: -1}, "⠋ TLS handshake with api.alteg.io  0.3s"},
		{100 * time.Millisecond, &capture.Progress{Phase: capture.PhaseWaiting, Host: host, Size: -1}, "⠙ waiting for the first byte from api.alteg.io  0.4s"},
		// A late report of an earlier phase does not move the line back.
		{100 * time.Millisecond, &capture.Progress{Phase: capture.PhaseSending, Host: host, Size: -1}, "⠹ waiting for the first byte from api.alteg.io  0.5s"},
		{1500 * time.Millisecond, nil, "⠸ waiting for the first byte from api.alteg.io  2.0s"},
		{0, &capture.Progress{Phase: capture.PhaseReceiving, Host: host, Size: 100 << 20}, "⠼ downloading 0 B of 100.0 MiB  2.0s"},
		{250 * time.Millisecond, &capture.Progress{Phase: capture.PhaseReceiving, Host: host, Received: 3 << 20, Size: 100 << 20}, "⠴ downloading 3.0 MiB of 100.0 MiB  2.3s"},
		{750 * time.Millisecond, &capture.Progress{Phase: capture.PhaseReceiving, Host: host, Received: 12 << 20, Size: 100 << 20}, "⠦ downloading 12.0 MiB of 100.0 MiB at 12.0 MiB/s  3.0s"},
		{58 * time.Second, &capture.Progress{Phase: capture.PhaseReceiving, Host: host, Received: 1 << 30, Size: -1}, "⠧ downloading 1.0 GiB at 17.4 MiB/s  1m01s"},
		// A redirect is a new hop: its phases start again.
		{time.Second, &capture.Progress{Phase: capture.PhaseConnecting, Hop: 1, Host: "other.test:8443", Size: -1}, "⠇ redirect 1: connecting to other.test:8443  1m02s"},
	}
	var got, want []string
	for _, s := range steps {
		clock.advance(s.after)
		if s.event != nil {
			l.update(*s.event)
		}
		l.tick()
		got = append(got, lastLine(out.String()))
		want = append(want, s.want)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("escape codes without colour: %q", out.String())
	}

	// clear wipes as many columns as were ever drawn, and returns to the
	// start of the line; after it nothing is drawn.
	widest := 0
	for _, s := range want {
		widest = max(widest, utf8.RuneCountInString(s))
	}
	before := out.Len()
	l.clear()
	if got, want := out.String()[before:], "\r"+strings.Repeat(" ", widest)+"\r"; got != want {
		t.Errorf("clear wrote %q, want %q", got, want)
	}
	l.tick()
	l.clear()
	if out.Len() != before+len("\r")+widest+len("\r") {
		t.Errorf("drew after clear: %q", out.String()[before:])
	}
}

// TestProgressLineQuick: a call done before the delay leaves no trace.
func TestProgressLineQuick(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	var out bytes.Buffer
	l := newProgressLine(&out, clock.now, 80, palette{on: true})
	l.update(capture.Progress{Phase: capture.PhaseWaiting, Host: "h", Size: -1})
	clock.advance(progressDelay - time.Millisecond)
	l.tick()
	l.clear()
	if out.Len() != 0 {
		t.Errorf("a quick call wrote %q", out.String())
	}
}

// TestProgressLineFitsWidth: the line is cut to the terminal's width
// (one column spare, so the terminal never wraps it), and a host from
// the URL cannot move the cursor.
func TestProgressLineFitsWidth(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	var out bytes.Buffer
	l := newProgressLine(&out, clock.now, 40, palette{})
	l.update(capture.Progress{Phase: capture.PhaseWaiting, Host: "a-very-long-host-name.example.com\x1b[2J", Size: -1})
	clock.advance(time.Second)
	l.tick()
	line := lastLine(out.String())
	if n := utf8.RuneCountInString(line); n > 39 || !strings.Contains(line, "…") || !strings.HasSuffix(line, "  1.0s") {
		t.Errorf("line %q (%d columns) does not fit 40", line, n)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("a control character from the host reached the terminal: %q", out.String())
	}
}

// TestStartProgressStops checks the ticker loop: ticks draw, stop waits
// for the loop, clears the line and stops the ticker.
func TestStartProgressStops(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	ticks := make(chan time.Time)
	stopped := false
	sys := &system{now: clock.now, ticker: func(d time.Duration) (<-chan time.Time, func()) {
		if d != progressEvery {
			t.Errorf("ticker every %v", d)
		}
		return ticks, func() { stopped = true }
	}}
	var out bytes.Buffer
	hook, stop := startProgress(&out, sys, 80, palette{})
	hook(capture.Progress{Phase: capture.PhaseConnecting, Host: "h", Size: -1})
	clock.advance(time.Second)
	ticks <- clock.t
	ticks <- clock.t // taken only once the first draw is done
	stop()
	if !stopped || !strings.HasPrefix(out.String(), "\r⠋ connecting to h  1.0s") || !strings.HasSuffix(out.String(), "\r") {
		t.Errorf("stopped %v, output %q", stopped, out.String())
	}
}

func TestFormatElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Millisecond: "0.3s", 12340 * time.Millisecond: "12.3s", 59940 * time.Millisecond: "59.9s",
		time.Minute: "1m00s", 125 * time.Second: "2m05s", time.Hour + 500*time.Millisecond: "60m01s",
	} {
		if got := formatElapsed(d); got != want {
			t.Errorf("formatElapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

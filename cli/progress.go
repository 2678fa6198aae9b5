package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
)

// The progress line appears only when a call takes longer than
// progressDelay, so a fast call shows nothing, and is redrawn every
// progressEvery.
const (
	progressDelay = 300 * time.Millisecond
	progressEvery = 100 * time.Millisecond
)

// spinnerFrames turn once a second at progressEvery.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// progressLine is the one-line display on a terminal while a call is
// replayed: a spinner, what the call is doing (connecting, TLS, waiting
// for the first byte, downloading n MiB at a rate) and the time so far.
// update is capture.Options.Progress; tick redraws; clear wipes the line.
// It writes no escape code of its own: it returns to the start of the
// line with \r and wipes with spaces, so with colour off the output is
// plain text. Safe for concurrent use.
type progressLine struct {
	w     io.Writer
	now   func() time.Time
	width int // columns available; the line is cut to fit
	pal   palette

	mu      sync.Mutex
	start   time.Time
	cur     capture.Progress
	recvAt  time.Time // when the current hop's body began
	shown   int       // columns on the line now, 0 when it is clear
	frame   int
	stopped bool
}

func newProgressLine(w io.Writer, now func() time.Time, width int, pal palette) *progressLine {
	if width <= 0 {
		width = 80
	}
	return &progressLine{w: w, now: now, width: width, pal: pal, start: now()}
}

// update takes a report from capture. Reports can arrive out of order
// from the transport's goroutines; the line never goes back to an
// earlier phase of the same hop.
func (l *progressLine) update(p capture.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p.Hop < l.cur.Hop || p.Hop == l.cur.Hop && p.Phase < l.cur.Phase {
		return
	}
	if p.Phase == capture.PhaseReceiving && (l.cur.Phase != capture.PhaseReceiving || l.cur.Hop != p.Hop) {
		l.recvAt = l.now()
	}
	l.cur = p
}

// tick redraws the line, once the call has taken progressDelay.
func (l *progressLine) tick() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	now := l.now()
	elapsed := now.Sub(l.start)
	if elapsed < progressDelay {
		return
	}
	glyph := spinnerFrames[l.frame%len(spinnerFrames)]
	l.frame++
	text := l.text(now)
	clock := formatElapsed(elapsed)
	// glyph, space, text, two spaces, clock; cut the text to the width.
	room := l.width - 1 - (utf8.RuneCountInString(glyph) + 1 + 2 + len(clock))
	text = cutRunes(text, max(room, 10))
	plain := utf8.RuneCountInString(glyph) + 1 + utf8.RuneCountInString(text) + 2 + len(clock)
	line := l.pal.cyan(glyph) + " " + text + "  " + l.pal.dim(clock)
	if pad := l.shown - plain; pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	io.WriteString(l.w, "\r"+line)
	l.shown = max(plain, l.shown)
}

// clear wipes the line and stops any further drawing.
func (l *progressLine) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.shown > 0 {
		io.WriteString(l.w, "\r"+strings.Repeat(" ", l.shown)+"\r")
		l.shown = 0
	}
}

// text says what the call is doing, in plain words.
func (l *progressLine) text(now time.Time) string {
	p := l.cur
	host := terminalSafe(p.Host)
	var s string
	switch p.Phase {
	case capture.PhaseResolving:
		s = "resolving " + host
	case capture.PhaseConnecting:
		s = "connecting to " + host
	case capture.PhaseTLS:
		s = "TLS handshake with " + host
	case capture.PhaseSending:
		s = "sending the request to " + host
	case capture.PhaseWaiting:
		s = "waiting for the first byte from " + host
	case capture.PhaseReceiving:
		s = "downloading " + capture.ByteCount(p.Received)
		if p.Size > 0 {
			s += " of " + capture.ByteCount(p.Size)
		}
		// The rate is shown once it means something: after half a
		// second of download.
		if d := now.Sub(l.recvAt); d >= 500*time.Millisecond {
			s += " at " + capture.ByteCount(int64(float64(p.Received)/d.Seconds())) + "/s"
		}
	default:
		s = "starting the call"
	}
	if p.Hop > 0 {
		s = fmt.Sprintf("redirect %d: %s", p.Hop, s)
	}
	return s
}

// formatElapsed is "0.4s", "12.3s", "2m05s": tenths counted down, as a
// stopwatch shows them.
func formatElapsed(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Truncate(100*time.Millisecond).Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// cutRunes cuts s to at most n runes, marking a cut with "…".
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// startProgress starts the progress line on w, redrawn on the system's
// ticker, and returns the hook for capture.Options.Progress and a stop
// function that ends the drawing and clears the line before it returns.
func startProgress(w io.Writer, sys *system, width int, pal palette) (hook func(capture.Progress), stop func()) {
	l := newProgressLine(w, sys.now, width, pal)
	ticks, stopTicker := sys.ticker(progressEvery)
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-done:
				return
			case <-ticks:
				l.tick()
			}
		}
	}()
	return l.update, func() {
		close(done)
		<-exited
		stopTicker()
		l.clear()
	}
}

package cli

import (
	"context"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture/specfetch"
	"golang.org/x/term"
)

// system is what run takes from the machine besides its arguments and
// streams: the environment, the clock of the progress display, and the
// mail client opener. run uses the real one; tests inject their own.
type system struct {
	// getenv reads the environment (NO_COLOR, TERM, proxies, $NAME in a
	// pasted command, --redact-env).
	getenv func(string) string
	// now is the clock of the progress display.
	now func() time.Time
	// ticker returns a channel that ticks every d, and a function that
	// stops it.
	ticker func(d time.Duration) (<-chan time.Time, func())
	// open opens the .eml at path (absolute) in the default mail client
	// and says how ("xdg-open"); see systemOpener.
	open func(ctx context.Context, path string) (how string, err error)
	// goos is runtime.GOOS, for the words of the next step.
	goos string
	// proxyReady, when set, is told the proxy's base URL once it
	// listens, so that a test can send calls through it.
	proxyReady func(url string)
	// sleep pauses between the calls of --try-fixes; nil means a real
	// timer (see system.wait).
	sleep func(ctx context.Context, d time.Duration) error
	// fetchSpec loads Alteg.io's API description from the cache or the
	// network (specfetch.Fetch); nil loads nothing, as in tests.
	fetchSpec func(context.Context, specfetch.Options) specfetch.Result
	// cacheDir is the user's cache folder (os.UserCacheDir), where the
	// description is kept; nil keeps no cache.
	cacheDir func() (string, error)
	// specBase is where the description is published; "" is
	// specfetch.BaseURL.
	specBase string
}

// realSystem is the system of the running program.
func realSystem(getenv func(string) string) *system {
	return &system{
		getenv: getenv,
		now:    time.Now,
		ticker: func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		},
		open:      systemOpener(runtime.GOOS, getenv, nil, openWait),
		goos:      runtime.GOOS,
		fetchSpec: specfetch.Fetch,
		cacheDir:  os.UserCacheDir,
	}
}

// isTerminal reports whether s is a file open on a terminal. It asks the
// terminal driver (golang.org/x/term), so /dev/null, which is a character
// device but not a terminal, is not one.
func isTerminal(s any) bool {
	f, ok := s.(*os.File)
	return ok && f != nil && term.IsTerminal(int(f.Fd()))
}

func termWidth(s any) int {
	f, ok := s.(*os.File)
	if !ok || f == nil {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// Colour modes of --color.
const (
	colorAuto   = "auto"
	colorAlways = "always"
	colorNever  = "never"
)

// useColor decides whether stderr gets colour: always or never when
// --color says so; with auto, only on a terminal, and not when NO_COLOR
// is set to anything (https://no-color.org) or TERM is dumb. On Windows,
// auto also wants a terminal known to read escape codes (Windows
// Terminal, or a TERM set by e.g. Git Bash): the old console shows them
// as garbage.
func useColor(mode string, stderrTTY bool, getenv func(string) string, goos string) bool {
	switch mode {
	case colorAlways:
		return true
	case colorNever:
		return false
	}
	if !stderrTTY || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	if goos == "windows" {
		return getenv("WT_SESSION") != "" || getenv("TERM") != "" || strings.EqualFold(getenv("ConEmuANSI"), "ON")
	}
	return true
}

// decideColor sets whether stderr gets colour, from --color (mode) and
// the environment; see useColor.
func (s *IOStreams) decideColor(mode string, getenv func(string) string, goos string) {
	s.color = useColor(mode, s.ErrTTY, getenv, goos)
}

// palette colours stderr's text as decideColor decided.
func (s *IOStreams) palette() palette { return palette{on: s.color} }

// palette colours text with ANSI escape codes when on; off, it returns
// the text unchanged, so the non-colour output has no escape code at all.
type palette struct{ on bool }

func (p palette) paint(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) red(s string) string    { return p.paint("31", s) }
func (p palette) green(s string) string  { return p.paint("32", s) }
func (p palette) yellow(s string) string { return p.paint("33", s) }
func (p palette) blue(s string) string   { return p.paint("34", s) }
func (p palette) cyan(s string) string   { return p.paint("36", s) }
func (p palette) bold(s string) string   { return p.paint("1", s) }
func (p palette) dim(s string) string    { return p.paint("2", s) }

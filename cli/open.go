package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// openWait is how long --open waits for the opener to finish. xdg-open
// and open return at once when a mail client takes the file; some set-ups
// run the client in the foreground instead, and the tool must not hang on
// it: after openWait the opener is left running and taken to have worked.
const openWait = 3 * time.Second

// openCommand is the command that opens a file with the default
// application on goos: xdg-open on Linux and the BSDs, open on macOS, and
// start (a cmd.exe builtin) on Windows; its "" is the window title, so a
// quoted path is not taken for one.
func openCommand(goos, path string) (name string, args []string) {
	switch goos {
	case "darwin":
		return "open", []string{path}
	case "windows":
		return "cmd", []string{"/c", "start", "", path}
	}
	return "xdg-open", []string{path}
}

// errNoDesktop is --open in a session without a graphical desktop, e.g.
// over SSH: xdg-open would fall back to a text-mode program that takes
// over the terminal.
var errNoDesktop = errors.New("there is no graphical session here (DISPLAY and WAYLAND_DISPLAY are unset)")

// systemOpener returns the opener of --open for goos. lookPath finds the
// command (exec.LookPath when nil). The opener starts the command with no
// stdin, stdout or stderr, so that nothing it prints reaches the user's
// terminal, and waits for it at most wait (see openWait).
func systemOpener(goos string, getenv func(string) string, lookPath func(string) (string, error), wait time.Duration) func(context.Context, string) (string, error) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	return func(ctx context.Context, path string) (string, error) {
		name, args := openCommand(goos, path)
		if goos != "darwin" && goos != "windows" && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return name, errNoDesktop
		}
		bin, err := lookPath(name)
		if err != nil {
			return name, fmt.Errorf("%s is not installed or not on PATH", name)
		}
		return name, startAndWait(ctx, name, bin, args, wait)
	}
}

// startAndWait starts bin (the command name) and waits for it to exit,
// at most wait. An opener still running after that (or when ctx ends) is
// left to run and counts as a success; one that exits with an error is a
// failure.
func startAndWait(ctx context.Context, name, bin string, args []string, wait time.Duration) error {
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s could not be started (%v)", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case err := <-done:
		var exit *exec.ExitError
		switch {
		case err == nil:
			return nil
		case name == "xdg-open" && errors.As(err, &exit) && exit.ExitCode() == 3:
			// xdg-open's documented exit codes.
			return errors.New("xdg-open found no program for .eml files")
		case name == "xdg-open" && errors.As(err, &exit) && exit.ExitCode() == 4:
			return errors.New("xdg-open could not start the mail client")
		}
		return fmt.Errorf("%s failed (%v)", name, err)
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return nil
	}
}

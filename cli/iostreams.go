package cli

import (
	"bytes"
	"io"
	"os"
)

// IOStreams is what a command reads and writes, and what it knows about
// each stream: whether it is an interactive terminal, and how wide
// stderr's terminal is. Commands print only through it, so that a test
// can hand them buffers and choose which of them count as terminals
// (see TestStreams), as cli/cli's iostreams does.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InTTY decides whether a replay that changes data is confirmed at a
	// prompt (or refused); ErrTTY decides colour and the progress line,
	// so that they agree.
	InTTY, OutTTY, ErrTTY bool
	// Width is the width of stderr's terminal in columns, 0 when stderr
	// is not a terminal.
	Width int
	// color is whether stderr gets colour, once decideColor has run.
	color bool
}

// SystemStreams are the process's stdin, stdout and stderr, with the
// terminal facts read from the terminal driver.
func SystemStreams() *IOStreams {
	return Streams(os.Stdin, os.Stdout, os.Stderr)
}

// Streams wraps the given streams; each one that is an *os.File open on
// a terminal is marked as one.
func Streams(in io.Reader, out, errOut io.Writer) *IOStreams {
	return &IOStreams{
		In: in, Out: out, ErrOut: errOut,
		InTTY: isTerminal(in), OutTTY: isTerminal(out), ErrTTY: isTerminal(errOut),
		Width: termWidth(errOut),
	}
}

// TestStreams returns streams over buffers, none of them a terminal, and
// the buffers: stdin to fill, stdout and stderr to read. A test sets
// InTTY, ErrTTY and Width to drive the terminal paths.
func TestStreams() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

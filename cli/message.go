package cli

import (
	"bytes"
	"io"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/report"
)

// maxMessage bounds the sender's own words: a few paragraphs are what
// support reads; a log belongs in an attachment of its own.
const maxMessage = 64 << 10

// loadMessage reads the sender's own words from --message or
// --message-file (- for stdin). The text must be UTF-8; a byte-order mark
// is dropped, and report.CleanMessage gives it the form the ticket holds.
// It is redacted with the rest of the ticket, by the report's safety net.
func loadMessage(opts *options, stdin *sharedStdin) (string, error) {
	var b []byte
	switch name := opts.messageFile; {
	case opts.messageText != "":
		b = []byte(opts.messageText)
	case name == "-":
		r, err := stdin.take("--message-file -")
		if err != nil {
			return "", err
		}
		if b, err = io.ReadAll(io.LimitReader(r, maxMessage+1)); err != nil {
			return "", usagef("--message-file -: cannot read stdin (%v)", err)
		}
	case name != "":
		var err error
		if b, err = readInputFile(name, maxMessage, "--message-file "); err != nil {
			return "", err
		}
	default:
		return "", nil
	}
	flag := "--message"
	if opts.messageFile != "" {
		flag = "--message-file " + opts.messageFile
	}
	if len(b) > maxMessage {
		return "", usagef("%s is longer than %s; keep to what support needs to read, and attach logs separately", flag, capture.ByteCount(maxMessage))
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		return "", usagef("%s is not UTF-8 text; save it as UTF-8", flag)
	}
	return report.CleanMessage(string(b)), nil
}

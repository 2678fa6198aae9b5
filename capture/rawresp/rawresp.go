// Package rawresp owns reading an HTTP response that was saved as text, as
// `curl -i` (or `curl -D -`) writes it: a status line, header lines, a
// blank line, then the body. It is the response side of a ticket built
// without replaying the call (--no-replay --response FILE).
package rawresp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// ErrNoStatusLine is returned when the text does not start with an HTTP
// status line such as "HTTP/1.1 401 Unauthorized".
var ErrNoStatusLine = errors.New("it does not start with an HTTP status line such as HTTP/1.1 401 Unauthorized")

// maxLine bounds one status or header line.
const maxLine = 64 << 10

var statusLine = regexp.MustCompile(`^HTTP/(\d(?:\.\d)?) +([1-9]\d\d)(?: +(.*))?$`)

// Parse reads the status line and headers of a saved response from r and
// returns it with Body reading the rest of r, byte for byte (Parse does not
// read the body itself, so memory stays bounded).
//
// Line ends may be CRLF or LF. Status lines may be HTTP/1.x, HTTP/2 or
// HTTP/3. When the text holds several header blocks, as curl writes for a
// 100 Continue, for each redirect followed with -L, or for a proxy's
// CONNECT reply, the last block is the response. Folded header lines are
// joined. A byte-order mark and blank lines before the status line are
// skipped.
func Parse(r io.Reader) (*capture.RecordedResponse, error) {
	br := bufio.NewReaderSize(r, maxLine)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	lineNo := 0
	var first string
	for {
		line, err := readLine(br)
		lineNo++
		if err != nil && line == "" {
			if err == io.EOF {
				return nil, errors.New("it is empty")
			}
			return nil, err
		}
		if strings.TrimSpace(line) != "" {
			first = line
			break
		}
	}
	var resp *capture.RecordedResponse
	for {
		m := statusLine.FindStringSubmatch(first)
		if m == nil {
			if resp == nil {
				return nil, ErrNoStatusLine
			}
			return nil, fmt.Errorf("line %d is not a status line", lineNo)
		}
		status, _ := strconv.Atoi(m[2])
		resp = &capture.RecordedResponse{Proto: proto(m[1]), Status: status, StatusText: strings.TrimSpace(m[3]), WireSize: -1}
		if resp.StatusText == "" {
			resp.StatusText = http.StatusText(status)
		}
		for {
			line, err := readLine(br)
			lineNo++
			if line == "" {
				if err != nil && err != io.EOF {
					return nil, err
				}
				break
			}
			if line[0] == ' ' || line[0] == '\t' {
				if n := len(resp.Header); n > 0 {
					resp.Header[n-1].Value += " " + strings.TrimSpace(line)
					continue
				}
			}
			name, value, ok := strings.Cut(line, ":")
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return nil, fmt.Errorf("line %d is not a header (Name: value) and the headers did not end with a blank line", lineNo)
			}
			resp.Header = append(resp.Header, capture.Header{Name: name, Value: strings.TrimSpace(value)})
			if err == io.EOF {
				break
			}
		}
		next, ok := peekStatus(br)
		if !ok {
			break
		}
		// Another header block follows: this one was interim.
		readLine(br)
		lineNo++
		first = next
	}
	resp.Body = br
	return resp, nil
}

// readLine reads one line without its LF or CRLF. A line longer than
// maxLine is an error.
func readLine(br *bufio.Reader) (string, error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return "", fmt.Errorf("a line is longer than %d bytes; this is not a saved HTTP response", maxLine)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	return s, err
}

// peekStatus reports whether the unread text starts with a status line,
// and returns it, without consuming it.
func peekStatus(br *bufio.Reader) (string, bool) {
	b, _ := br.Peek(256)
	if !bytes.HasPrefix(b, []byte("HTTP/")) {
		return "", false
	}
	end := bytes.IndexByte(b, '\n')
	if end < 0 {
		return "", false
	}
	line := strings.TrimSuffix(string(b[:end]), "\r")
	return line, statusLine.MatchString(line)
}

// proto writes an HTTP version as Go does: "HTTP/2" becomes "HTTP/2.0".
func proto(v string) string {
	if !strings.Contains(v, ".") {
		v += ".0"
	}
	return "HTTP/" + v
}

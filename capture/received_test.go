package capture

import (
	"bufio"
	"net"
	"strings"
	"testing"
)

// TestMalformedResponseQuotesNoBytes: a response that is not valid HTTP
// may echo a token; a cut through it would survive redaction, so neither
// the message nor the detail quotes what arrived. The first bytes go to
// Fault.Received, at most 256 of them.
func TestMalformedResponseQuotesNoBytes(t *testing.T) {
	const token = "ut0c4b8e2a6d1f3b57SECRET"
	long := "HTTP/1.1 200 OK\r\nX-Echo: " + strings.Repeat("a", 40) + token + strings.Repeat("b", 300) + "\r\nbroken line " + token + "\r\n\r\n"
	tests := map[string]struct {
		sent   string
		reason string
	}{
		"status line":               {"HELLO " + token + "\r\n\r\n", "the status line is not HTTP"},
		"no space":                  {token + "\r\n\r\n", "the status line is not HTTP"},
		"status code":               {"HTTP/1.1 2x0 " + token + "\r\n\r\n", "the status code is not valid"},
		"version":                   {"HTTP/" + token + " 200 OK\r\n\r\n", "the HTTP version is not valid"},
		"header without colon":      {"HTTP/1.1 200 OK\r\nbad header " + token + "\r\n\r\n", "a header line is not valid"},
		"NUL in a header":           {"HTTP/1.1 200 OK\r\nX: " + token + "\x00\r\n\r\n", "a header line is not valid"},
		"bad Content-Length":        {"HTTP/1.1 200 OK\r\nContent-Length: 12" + token + "\r\n\r\n", "the Content-Length header is not valid"},
		"two Content-Lengths":       {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2" + token[:1] + "\r\n\r\nab", "the Content-Length header is not valid"},
		"unknown Transfer-Encoding": {"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + token + "\r\n\r\n", "the Transfer-Encoding header is not valid"},
		"long head":                 {long, "a header line is not valid"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			addr := rawServer(t, nil, func(c net.Conn) {
				readRequestHead(bufio.NewReader(c))
				c.Write([]byte(tc.sent))
			})
			ex := get("http://"+addr+"/", Options{})
			f := ex.Fault
			if f == nil {
				t.Fatalf("no fault; response %+v", ex.Response())
			}
			if f.Kind != FaultMalformed {
				t.Errorf("kind = %q, want %q", f.Kind, FaultMalformed)
			}
			want := "the server at " + addr + " sent a response that is not valid HTTP (" + tc.reason + "); its first bytes are in the ticket"
			if f.Message != want {
				t.Errorf("message = %q\n     want %q", f.Message, want)
			}
			for _, part := range []string{token[:6], token[6:12], token[12:]} {
				if strings.Contains(f.Message, part) || strings.Contains(f.Detail, part) {
					t.Errorf("received bytes %q are quoted: message %q, detail %q", part, f.Message, f.Detail)
				}
			}
			if f.Detail == "" || strings.Contains(f.Detail, `"`) {
				t.Errorf("detail = %q, want the error without what it quoted", f.Detail)
			}
			head, _, _ := strings.Cut(tc.sent, "\r\n\r\n")
			wantRecv := (head + "\r\n\r\n")[:min(len(head)+4, 256)]
			if string(f.Received) != wantRecv {
				t.Errorf("Received = %q\n      want %q", f.Received, wantRecv)
			}
		})
	}
}

package curlcmd

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// wireExceptions are the corpus commands whose request, as replayed, is
// known to differ from what curl 7.88.1 sent, each with the reason and
// the normalisation that makes the two equal otherwise. The test fails
// when one of them starts to match (take it out) or differs in another
// way.
var wireExceptions = map[string]struct {
	why  string
	norm func([]byte) []byte
}{
	"crlf-header": {
		why: "-H $'X-C: 3\\nX-D: 4': curl sends the bare LF inside the value as it is (a line " +
			"ending HTTP/1.1 does not allow, RFC 9112 2.2); Go's transport refuses a value with " +
			"a line break, so the replay sends the two lines with CRLF, as servers read them",
		norm: func(b []byte) []byte { return bareLF.ReplaceAll(b, []byte("$1\r\n")) },
	},
}

var bareLF = regexp.MustCompile(`([^\r])\n`)

// TestReplayWireMatchesCurl replays every command of the corpus through
// the real pipeline (Parse, Build, capture.Replay) to a loopback recorder
// that keeps the raw bytes, and compares them with the request real curl
// 7.88.1 sent (NAME.req): request line, header order, name case,
// separators, values and body, byte for byte. The URL's host and port
// stay those curl was recorded with (the dial goes to the recorder), and
// the User-Agent is curl's, so nothing is normalised. It also checks
// that the ticket records the head as it went out.
func TestReplayWireMatchesCurl(t *testing.T) {
	cmds, _ := filepath.Glob(filepath.Join(wireDir, "*.cmd"))
	if len(cmds) < 50 {
		t.Fatalf("found %d commands in %s, want the whole corpus", len(cmds), wireDir)
	}
	rec := newWireRecorder(t)
	var mu sync.Mutex
	same := 0
	t.Cleanup(func() {
		if !t.Failed() {
			t.Logf("%d of %d commands go out byte for byte as curl 7.88.1 sent them; %d known exceptions", same, len(cmds), len(wireExceptions))
		}
	})
	for _, file := range cmds {
		name := strings.TrimSuffix(filepath.Base(file), ".cmd")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(file, ".cmd") + ".req")
			if err != nil {
				t.Fatal(err)
			}
			_, boundary := readWire(t, want)
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, _, err := Parse(string(text), func(k string) string { return map[string]string{"HOME": "/home/me"}[k] })
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			cmd, err := f.Build(Env{
				UserAgent: "curl/7.88.1",
				Boundary:  boundary,
				ReadFile:  func(n string) ([]byte, error) { return os.ReadFile(filepath.Join(curlDir, "files", n)) },
				Now:       func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
			})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got, ex := rec.replay(t, cmd)

			// The record is the wire: the head rebuilt from it is the
			// head the recorder read.
			if head, _, _ := bytes.Cut(got, []byte("\r\n\r\n")); string(head) != recordedHead(ex.First().Request) {
				t.Errorf("the ticket records another head than went out:\nwire:\n%s\nrecord:\n%s", head, recordedHead(ex.First().Request))
			}

			exc, known := wireExceptions[name]
			if bytes.Equal(want, got) {
				if known {
					t.Errorf("now sent as curl sends it: take %s out of wireExceptions", name)
				}
				mu.Lock()
				same++
				mu.Unlock()
				return
			}
			if known {
				if !bytes.Equal(exc.norm(want), exc.norm(got)) {
					t.Errorf("differs from curl's in more than the known way (%s):\ncurl:\n%q\nreplay:\n%q", exc.why, want, got)
				}
				return
			}
			t.Errorf("the replay sent other bytes than curl 7.88.1:\ncurl:\n%s\nreplay:\n%s", want, got)
		})
	}
}

// recordedHead writes a recorded request's head as HTTP/1.1 puts it on
// the wire, without the blank line.
func recordedHead(s capture.Sent) string {
	target := requestTarget(s.URL)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1", s.Method, target)
	for _, h := range s.Header {
		sep := h.Sep
		if sep == "" {
			sep = ": "
		}
		b.WriteString("\r\n" + h.Name + sep + h.Value)
	}
	return b.String()
}

// wireRecorder is a loopback HTTP/1.1 server that keeps the raw bytes of
// each request it reads (head and body, by Content-Length or chunked)
// and answers 200.
type wireRecorder struct {
	addr string
	mu   sync.Mutex
	got  map[string][]byte // by the client's local address
}

func newWireRecorder(t *testing.T) *wireRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	r := &wireRecorder{addr: ln.Addr().String(), got: map[string][]byte{}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c)
		}
	}()
	return r
}

func (r *wireRecorder) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	for {
		raw, err := readRawRequest(br)
		if err != nil {
			return
		}
		r.mu.Lock()
		r.got[c.RemoteAddr().String()] = append(r.got[c.RemoteAddr().String()], raw...)
		r.mu.Unlock()
		answer := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
		if bytes.HasPrefix(raw, []byte("HEAD ")) {
			answer = strings.TrimSuffix(answer, "ok")
		}
		if _, err := io.WriteString(c, answer); err != nil {
			return
		}
	}
}

// readRawRequest reads one request's bytes as they came.
func readRawRequest(br *bufio.Reader) ([]byte, error) {
	var raw []byte
	length, chunked := int64(0), false
	for {
		line, err := br.ReadBytes('\n')
		raw = append(raw, line...)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(line, []byte("\r\n")) {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		v := textproto.TrimString(string(value))
		switch strings.ToLower(string(name)) {
		case "content-length":
			length, _ = strconv.ParseInt(v, 10, 64)
		case "transfer-encoding":
			chunked = strings.EqualFold(v, "chunked")
		}
	}
	if chunked {
		for {
			line, err := br.ReadBytes('\n')
			raw = append(raw, line...)
			if err != nil {
				return nil, err
			}
			n, _ := strconv.ParseInt(strings.TrimSpace(string(line)), 16, 64)
			chunk := make([]byte, n+2)
			if _, err := io.ReadFull(br, chunk); err != nil {
				return nil, err
			}
			raw = append(raw, chunk...)
			if n == 0 {
				return raw, nil
			}
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, err
	}
	return append(raw, body...), nil
}

// replay sends cmd's request through capture.Replay, its connection made
// to the recorder whatever the URL says, and returns the bytes the
// recorder read and the exchange.
func (r *wireRecorder) replay(t *testing.T, cmd *Command) ([]byte, *capture.Exchange) {
	t.Helper()
	var local string
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", r.addr)
		if err == nil {
			local = c.LocalAddr().String()
		}
		return c, err
	}
	ex := capture.Replay(context.Background(), cmd.Request, capture.Options{Dial: dial, Timeout: 10 * time.Second, MaxRedirects: -1})
	if ex.Fault != nil {
		t.Fatalf("replay failed: %+v", ex.Fault)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got[local]
	delete(r.got, local)
	return got, ex
}

package capture

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tapped is one request as a raw server read it.
type tapped struct {
	conn string // the client's address: requests on one connection share it
	head string // request line and fields, CRLFs included, without the blank line
	body []byte
}

// headTap starts a raw loopback server (TLS when cfg is set) that keeps
// every request's bytes and answers each with answer(i, head), i counting
// the requests of the whole server from 0; nil answers 200 with "ok".
func headTap(t *testing.T, cfg *tls.Config, answer func(i int, head string) string) (addr string, got func() []tapped) {
	t.Helper()
	var mu sync.Mutex
	var all []tapped
	addr = rawServer(t, cfg, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		for {
			head, body, err := readRaw(br)
			if err != nil {
				return
			}
			mu.Lock()
			i := len(all)
			all = append(all, tapped{conn: c.RemoteAddr().String(), head: head, body: body})
			mu.Unlock()
			a := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
			if answer != nil {
				a = answer(i, head)
			}
			if _, err := io.WriteString(c, a); err != nil {
				return
			}
		}
	})
	return addr, func() []tapped {
		mu.Lock()
		defer mu.Unlock()
		return append([]tapped(nil), all...)
	}
}

// readRaw reads one request: its head as sent (without the blank line)
// and its body (Content-Length or chunked, as sent).
func readRaw(br *bufio.Reader) (string, []byte, error) {
	var head []byte
	length, chunked := int64(0), false
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return "", nil, err
		}
		if string(line) == "\r\n" {
			break
		}
		head = append(head, line...)
		name, value, _ := strings.Cut(string(line), ":")
		switch v := textproto.TrimString(value); strings.ToLower(name) {
		case "content-length":
			length, _ = strconv.ParseInt(v, 10, 64)
		case "transfer-encoding":
			chunked = true
		}
	}
	var body []byte
	if chunked {
		for {
			line, err := br.ReadBytes('\n')
			if err != nil {
				return "", nil, err
			}
			body = append(body, line...)
			n, _ := strconv.ParseInt(strings.TrimSpace(string(line)), 16, 64)
			chunk := make([]byte, n+2)
			if _, err := io.ReadFull(br, chunk); err != nil {
				return "", nil, err
			}
			body = append(body, chunk...)
			if n == 0 {
				break
			}
		}
	} else {
		body = make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			return "", nil, err
		}
	}
	return strings.TrimSuffix(string(head), "\r\n"), body, nil
}

// fieldLines returns the header lines of a raw head, as sent.
func fieldLines(head string) []string {
	lines := strings.Split(head, "\r\n")
	return lines[1:]
}

// recordedLines writes the recorded request headers as they would go out.
func recordedLines(h Headers) []string {
	var out []string
	for _, f := range h {
		sep := f.Sep
		if sep == "" {
			sep = ": "
		}
		out = append(out, f.Name+sep+f.Value)
	}
	return out
}

func TestArrange(t *testing.T) {
	h := func(kv ...string) Headers {
		var out Headers
		for i := 0; i < len(kv); i += 2 {
			out = append(out, Header{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := map[string]struct {
		got, want Headers
		body      bool
		out       Headers
	}{
		"go's order to the list's": {
			got:  h("Host", "h", "User-Agent", "curl/7.88.1", "Accept", "*/*", "Authorization", "Bearer t", "X-Api-Key", "k"),
			want: h("x-api-key", "k", "Accept", "*/*", "authorization", "Bearer t", "User-Agent", "curl/7.88.1"),
			out:  h("Host", "h", "x-api-key", "k", "Accept", "*/*", "authorization", "Bearer t", "User-Agent", "curl/7.88.1"),
		},
		"repeated names in list order, each spelled its own way": {
			got:  h("Host", "h", "X-A", "1", "X-A", "2", "X-A", "3"),
			want: h("x-a", "3", "X-B", "b", "X-a", "1", "X-A", "2"),
			out:  h("Host", "h", "x-a", "3", "X-a", "1", "X-A", "2"),
		},
		"listed Host and Content-Length place the transport's": {
			got:  h("Host", "api.test:443", "User-Agent", "u", "Content-Length", "12", "Content-Type", "t"),
			want: h("User-Agent", "u", "Host", "other", "Content-Length", "0", "Content-Type", "t"),
			out:  h("User-Agent", "u", "Host", "api.test:443", "Content-Length", "12", "Content-Type", "t"),
		},
		"unlisted fields: Host first, Proxy-Authorization after it, the rest last": {
			got:  h("Host", "h", "Proxy-Authorization", "Basic x", "X-B", "b", "Proxy-Connection", "Keep-Alive", "Content-Length", "3"),
			want: h("X-B", "b"),
			out:  h("Host", "h", "Proxy-Authorization", "Basic x", "X-B", "b", "Proxy-Connection", "Keep-Alive", "Content-Length", "3"),
		},
		"Go's Content-Length: 0 on a body-less request is left out": {
			got:  h("Host", "h", "Content-Length", "0", "X", "1"),
			want: h("X", "1"),
			out:  h("Host", "h", "X", "1"),
		},
		"an empty body keeps its Content-Length: 0": {
			got:  h("Host", "h", "Content-Length", "0"),
			body: true,
			out:  h("Host", "h", "Content-Length", "0"),
		},
		"a listed Content-Length: 0 stays": {
			got:  h("Host", "h", "Content-Length", "0"),
			want: h("Content-Length", "0"),
			out:  h("Host", "h", "Content-Length", "0"),
		},
		"values: the list's surrounding whitespace, Go's otherwise": {
			got:  h("Host", "h", "X-T", "v", "Referer", "http://prev/"),
			want: Headers{{Name: "x-t", Value: "v \t", Sep: ":  "}, {Name: "referer", Value: "http://mine/"}},
			out:  Headers{{Name: "Host", Value: "h"}, {Name: "x-t", Value: "v \t", Sep: ":  "}, {Name: "referer", Value: "http://prev/"}},
		},
		"a separator that is not a colon and blanks is not used": {
			got:  h("Host", "h", "X", "1"),
			want: Headers{{Name: "x", Value: "1", Sep: ": x"}},
			out:  h("Host", "h", "x", "1"),
		},
		"the Kelvin sign does not stand for K": {
			got:  h("Host", "h", "X-K", "1"),
			want: h("X-\u212a", "1"),
			out:  h("Host", "h", "X-K", "1"),
		},
		"list entries the transport did not write are not added": {
			got:  h("Host", "h", "Accept", "*/*"),
			want: h("Authorization", "Bearer dropped-on-redirect", "accept", "*/*"),
			out:  h("Host", "h", "accept", "*/*"),
		},
		"origins come from the list": {
			got:  Headers{{Name: "Host", Value: "h", Origin: FromTransport}, {Name: "Accept", Value: "*/*", Origin: FromUser}},
			want: Headers{{Name: "Accept", Value: "*/*", Origin: FromTool}},
			out:  Headers{{Name: "Host", Value: "h", Origin: FromTransport}, {Name: "Accept", Value: "*/*", Origin: FromTool}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.out, arrange(tc.got, tc.want, tc.body)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestRewriteHeadKeepsWhatItCannotRead: a head that is not net/http's
// shape goes out untouched.
func TestRewriteHeadKeepsWhatItCannotRead(t *testing.T) {
	want := Headers{{Name: "x", Value: "1"}}
	for _, head := range []string{
		"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
		"GET / HTTP/1.1\r\nbad name: 1\r\n\r\n",
		"\r\n\r\n",
	} {
		if got, ok := rewriteHead([]byte(head), want, false); string(got) != head || ok {
			t.Errorf("rewriteHead(%q) = %q, %v; want it untouched", head, got, ok)
		}
	}
}

// arrangeOracle is arrange written the slow, obvious way: scan want for
// every field, first for the same name and value, then for the name.
func arrangeOracle(got, want Headers, body bool) Headers {
	lower := func(s string) string {
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 32
			}
		}
		return string(b)
	}
	owner := make([]int, len(got))
	taken := make([]bool, len(want))
	for pass := 0; pass < 2; pass++ {
		for i, g := range got {
			if pass == 0 {
				owner[i] = -1
			} else if owner[i] >= 0 {
				continue
			}
			for j, w := range want {
				if !taken[j] && lower(g.Name) == lower(w.Name) &&
					(pass == 1 || textproto.TrimString(g.Value) == textproto.TrimString(w.Value)) {
					owner[i], taken[j] = j, true
					break
				}
			}
		}
	}
	var out Headers
	for _, name := range []string{"host", "proxy-authorization"} {
		for i, g := range got {
			if owner[i] < 0 && lower(g.Name) == name {
				out = append(out, g)
			}
		}
	}
	for j, w := range want {
		for i, g := range got {
			if owner[i] != j {
				continue
			}
			f := Header{Name: w.Name, Value: g.Value, Origin: w.Origin}
			if w.Origin == "" {
				f.Origin = g.Origin
			}
			if strings.HasPrefix(w.Sep, ":") && strings.Trim(w.Sep[1:], " \t") == "" {
				f.Sep = w.Sep
			}
			if textproto.TrimString(w.Value) == textproto.TrimString(g.Value) && !strings.ContainsAny(w.Value, "\r\n\x00") {
				f.Value = w.Value
			}
			out = append(out, f)
		}
	}
	for i, g := range got {
		if owner[i] >= 0 {
			continue
		}
		switch n := lower(g.Name); {
		case n == "host" || n == "proxy-authorization":
		case n == "content-length" && textproto.TrimString(g.Value) == "0" && !body:
		default:
			out = append(out, g)
		}
	}
	return out
}

// FuzzArrange checks arrange against arrangeOracle on header lists built
// from the fuzzer's bytes: names from a small set in random case (so
// that they repeat), values that repeat too.
func FuzzArrange(f *testing.F) {
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"), []byte("\x0a\x09\x08\x07\x06\x05\x04\x03\x02\x01"), false)
	f.Add([]byte("\x00\x00\x10\x10\x20\x20"), []byte("\x30\x00\x10\x41"), true)
	f.Add([]byte("hostHOSTcontent-length"), []byte("\xff\xfe\xfd"), false)
	f.Fuzz(func(t *testing.T, gotSeed, wantSeed []byte, body bool) {
		got, want := fuzzHeaders(gotSeed), fuzzHeaders(wantSeed)
		if d := cmp.Diff(arrangeOracle(got, want, body), arrange(got, want, body), cmpopts.EquateEmpty()); d != "" {
			t.Errorf("arrange differs from the oracle (-oracle +arrange):\n%s\ngot %v\nwant %v", d, got, want)
		}
	})
}

// fuzzHeaders makes a header list from b, two bytes a field.
func fuzzHeaders(b []byte) Headers {
	names := []string{"Host", "Content-Length", "X-A", "Accept", "Proxy-Authorization", "x-\u212a", "Cookie"}
	values := []string{"0", "1", " 1 ", "", "v\t", "Bearer t"}
	seps := []string{"", ":", ":  ", ": x", ":\t"}
	var out Headers
	for i := 0; i+1 < len(b); i += 2 {
		n := []byte(names[int(b[i]&0x0f)%len(names)])
		for k := range n {
			if b[i]&0x10 != 0 && 'a' <= n[k] && n[k] <= 'z' {
				n[k] -= 32
			} else if b[i]&0x20 != 0 && 'A' <= n[k] && n[k] <= 'Z' {
				n[k] += 32
			}
		}
		out = append(out, Header{Name: string(n), Value: values[int(b[i+1]&0x0f)%len(values)], Sep: seps[int(b[i+1]>>4)%len(seps)]})
	}
	return out
}

// TestReplayHeadsPropertyRandomLists: random header lists (random case,
// order, repeated names, separators, trailing blanks, empty values), over
// plain HTTP/1.1 and HTTP/1.1 inside TLS, with and without a body: the
// wire carries Host first, then exactly the list, line for line, and the
// ticket records the same lines.
func TestReplayHeadsPropertyRandomLists(t *testing.T) {
	cert, pool := testCert(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), "127.0.0.1")
	plain, gotPlain := headTap(t, nil, nil)
	secure, gotSecure := headTap(t, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}, nil)
	rng := rand.New(rand.NewSource(14))
	for i := 0; i < 150; i++ {
		list := randomList(rng)
		req := Request{Method: "GET", URL: "http://" + plain + "/p", Header: list}
		tap, host := gotPlain, plain
		if i%3 == 2 {
			req.URL, tap, host = "https://"+secure+"/p", gotSecure, secure
		}
		if i%2 == 1 {
			req.Method, req.Body = "POST", []byte("a=1")
			if rng.Intn(2) == 0 {
				at := rng.Intn(len(req.Header) + 1)
				req.Header = append(req.Header[:at], append(Headers{{Name: "content-length", Value: "3", Origin: FromTransport}}, req.Header[at:]...)...)
			}
		}
		before := len(tap())
		ex := Replay(context.Background(), req, Options{RootCAs: pool, Timeout: 10 * time.Second})
		if ex.Fault != nil {
			t.Fatalf("case %d: %+v", i, ex.Fault)
		}
		all := tap()
		if len(all) != before+1 {
			t.Fatalf("case %d: the server read %d requests, want 1", i, len(all)-before)
		}
		wire := fieldLines(all[len(all)-1].head)
		want := []string{"Host: " + host}
		for _, f := range req.Header {
			sep := f.Sep
			if sep == "" {
				sep = ": "
			}
			name := f.Name
			if f.Origin == FromTransport {
				f.Value = "3"
			}
			want = append(want, name+sep+f.Value)
		}
		if req.Body != nil && !req.Header.Has("Content-Length") {
			want = append(want, "Content-Length: 3")
		}
		if d := cmp.Diff(want, wire); d != "" {
			t.Fatalf("case %d (%s): the wire is not the list (-list +wire):\n%s", i, req.URL, d)
		}
		if d := cmp.Diff(wire, recordedLines(ex.First().Request.Header)); d != "" {
			t.Fatalf("case %d: the record is not the wire (-wire +record):\n%s", i, d)
		}
	}
}

// randomList makes a header list as a user could give it: names from a
// pool in random case, some repeated, values with inner and trailing
// blanks or empty, separators curl would keep.
func randomList(rng *rand.Rand) Headers {
	pool := []string{"x-api-key", "Authorization", "accept", "Accept-Language", "X-Trace-Id", "content-type",
		"Cookie", "user-agent", "Origin", "sec-ch-ua", "X-Partner", "If-None-Match", "Cache-Control", "A", "x-_~!#$%&'*+.^`|"}
	n := rng.Intn(12)
	var out Headers
	for k := 0; k < n; k++ {
		name := []byte(pool[rng.Intn(len(pool))])
		for i := range name {
			switch rng.Intn(3) {
			case 0:
				name[i] = byte(strings.ToUpper(string(name[i]))[0])
			case 1:
				name[i] = byte(strings.ToLower(string(name[i]))[0])
			}
		}
		value := []string{"v", "Bearer abc, User def", "a  b", "", "x\t", "t ", "application/vnd.api.v2+json", "1"}[rng.Intn(8)]
		sep := []string{"", "", ":", ":  ", ":\t"}[rng.Intn(5)]
		if value == "" && sep == "" {
			sep = ":" // curl sends an empty -H 'X;' as "X:"
		}
		if value != "" && rng.Intn(6) == 0 && len(out) > 0 {
			// The same value again under another spelling of a name.
			prev := out[rng.Intn(len(out))]
			name, value = []byte(strings.ToUpper(prev.Name)), prev.Value
		}
		if strings.EqualFold(string(name), "User-Agent") && (value == "" || out.Has("User-Agent")) {
			// net/http writes one User-Agent at most, and none for an
			// empty value (see docs/inputs.md).
			continue
		}
		out = append(out, Header{Name: string(name), Value: value, Sep: sep, Origin: FromUser})
	}
	return out
}

// TestReplayHeadsOnEachHop: a redirect on the same connection (keep-alive
// reuse) and one to another origin: each head is arranged by its own
// hop's list, the credential left out of the second, and no stray
// Content-Length: 0 on the body-less DELETE.
func TestReplayHeadsOnEachHop(t *testing.T) {
	other, gotOther := headTap(t, nil, nil)
	addr, got := headTap(t, nil, func(i int, head string) string {
		switch i {
		case 0:
			return "HTTP/1.1 307 Temporary Redirect\r\nLocation: /second\r\nContent-Length: 0\r\n\r\n"
		case 1:
			return "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://" + other + "/third\r\nContent-Length: 0\r\n\r\n"
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	})
	list := Headers{
		{Name: "x-trace", Value: "1", Origin: FromUser},
		{Name: "authorization", Value: "Bearer t", Origin: FromUser},
		{Name: "User-Agent", Value: "curl/7.88.1", Origin: FromTool},
		{Name: "accept", Value: "*/*", Origin: FromTool},
	}
	ex := Replay(context.Background(), Request{Method: "DELETE", URL: "http://" + addr + "/first", Header: list}, Options{})
	if ex.Fault != nil || len(ex.Hops) != 3 {
		t.Fatalf("fault %+v, %d hops", ex.Fault, len(ex.Hops))
	}
	heads := got()
	heads = append(heads, gotOther()...)
	if len(heads) != 3 {
		t.Fatalf("%d requests", len(heads))
	}
	if heads[0].conn != heads[1].conn {
		t.Errorf("the second hop did not reuse the connection")
	}
	want := [][]string{
		{"Host: " + addr, "x-trace: 1", "authorization: Bearer t", "User-Agent: curl/7.88.1", "accept: */*"},
		{"Host: " + addr, "x-trace: 1", "authorization: Bearer t", "User-Agent: curl/7.88.1", "accept: */*"},
		{"Host: " + other, "x-trace: 1", "User-Agent: curl/7.88.1", "accept: */*"},
	}
	for i, h := range heads {
		if d := cmp.Diff(want[i], fieldLines(h.head)); d != "" {
			t.Errorf("hop %d on the wire (-want +got):\n%s", i, d)
		}
		if d := cmp.Diff(want[i], recordedLines(ex.Hops[i].Request.Header)); d != "" {
			t.Errorf("hop %d recorded (-want +got):\n%s", i, d)
		}
	}
}

// TestReplayHeadsKeepContentLengthOfEmptyBody: curl -d "" sends
// Content-Length: 0, and so does the replay; without a body there is none
// (curl -X POST).
func TestReplayHeadsKeepContentLengthOfEmptyBody(t *testing.T) {
	addr, got := headTap(t, nil, nil)
	for _, body := range [][]byte{{}, nil} {
		Replay(context.Background(), Request{Method: "POST", URL: "http://" + addr + "/", Body: body}, Options{})
	}
	heads := got()
	if len(heads) != 2 {
		t.Fatalf("%d requests", len(heads))
	}
	if d := cmp.Diff([]string{"Host: " + addr, "Content-Length: 0"}, fieldLines(heads[0].head)); d != "" {
		t.Errorf("empty body (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"Host: " + addr}, fieldLines(heads[1].head)); d != "" {
		t.Errorf("no body (-want +got):\n%s", d)
	}
}

// TestReplayHeadsDigestAnswer: the answer to a Digest challenge goes
// where curl writes its own Authorization, right after Host, and a -H
// Authorization stays in its place.
func TestReplayHeadsDigestAnswer(t *testing.T) {
	addr, got := headTap(t, nil, func(i int, head string) string {
		if i == 0 {
			return "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"\r\nContent-Length: 0\r\n\r\n"
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	})
	list := Headers{
		{Name: "User-Agent", Value: "curl/7.88.1", Origin: FromTool},
		{Name: "Accept", Value: "*/*", Origin: FromTool},
		{Name: "authorization", Value: "Bearer mine", Origin: FromUser},
		{Name: "Content-Length", Value: "3", Origin: FromTransport},
		{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: FromTool},
	}
	ex := Replay(context.Background(), Request{Method: "POST", URL: "http://" + addr + "/", Header: list, Body: []byte("a=1")},
		Options{Digest: &Credentials{User: "u", Password: "p"}})
	heads := got()
	if ex.Fault != nil || len(heads) != 2 {
		t.Fatalf("fault %+v, %d requests", ex.Fault, len(heads))
	}
	first := []string{"Host: " + addr, "User-Agent: curl/7.88.1", "Accept: */*", "authorization: Bearer mine", "Content-Length: 0", "Content-Type: application/x-www-form-urlencoded"}
	if d := cmp.Diff(first, fieldLines(heads[0].head)); d != "" {
		t.Errorf("the probe (-want +got):\n%s", d)
	}
	second := fieldLines(heads[1].head)
	if len(second) != 7 || !strings.HasPrefix(second[1], "Authorization: Digest username=\"u\"") ||
		second[4] != "authorization: Bearer mine" || second[5] != "Content-Length: 3" {
		t.Errorf("the answer: %q", second)
	}
	if d := cmp.Diff(second, recordedLines(ex.Hops[1].Request.Header)); d != "" {
		t.Errorf("recorded answer (-wire +record):\n%s", d)
	}
}

// TestReplayHeadsLongHeadGoesOutAsWritten: a head longer than the
// rewrite holds (maxHead) goes out as net/http wrote it, whole.
func TestReplayHeadsLongHeadGoesOutAsWritten(t *testing.T) {
	addr, got := headTap(t, nil, nil)
	long := strings.Repeat("v", maxHead)
	list := Headers{{Name: "x-long", Value: long, Origin: FromUser}, {Name: "a-first", Value: "1", Origin: FromUser}}
	ex := Replay(context.Background(), Request{Method: "PUT", URL: "http://" + addr + "/", Header: list, Body: []byte("body")}, Options{})
	heads := got()
	if ex.Fault != nil || len(heads) != 1 {
		t.Fatalf("fault %+v, %d requests", ex.Fault, len(heads))
	}
	want := []string{"Host: " + addr, "Content-Length: 4", "A-First: 1", "X-Long: " + long}
	if d := cmp.Diff(want, fieldLines(heads[0].head)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, recordedLines(ex.First().Request.Header)); d != "" {
		t.Errorf("the record is not the wire (-want +got):\n%s", d)
	}
	if string(heads[0].body) != "body" {
		t.Errorf("body %q", heads[0].body)
	}
}

// TestReplayHeadsLargeBodyStreams: the body after the head is not held:
// a body far larger than the head limit goes through whole, and the
// connection wrapper holds no more than the head.
func TestReplayHeadsLargeBodyStreams(t *testing.T) {
	addr, got := headTap(t, nil, nil)
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	list := Headers{{Name: "x-b", Value: "2", Origin: FromUser}, {Name: "X-A", Value: "1", Origin: FromUser}}
	ex := Replay(context.Background(), Request{Method: "POST", URL: "http://" + addr + "/", Header: list, Body: body}, Options{MaxBody: 1024})
	heads := got()
	if ex.Fault != nil || len(heads) != 1 {
		t.Fatalf("fault %+v, %d requests", ex.Fault, len(heads))
	}
	if !bytes.Equal(heads[0].body, body) {
		t.Errorf("the body arrived as %d bytes, want %d", len(heads[0].body), len(body))
	}
	if d := cmp.Diff([]string{"Host: " + addr, "x-b: 2", "X-A: 1", fmt.Sprintf("Content-Length: %d", len(body))}, fieldLines(heads[0].head)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// BenchmarkRewriteHead measures the rewrite of a browser-sized request
// head (16 fields) that goes out in another order and case than Go's.
func BenchmarkRewriteHead(b *testing.B) {
	want := Headers{
		{Name: "accept", Value: "application/vnd.api.v2+json"}, {Name: "accept-language", Value: "en-US,en;q=0.9"},
		{Name: "authorization", Value: "Bearer abcdefabcdefabcdef, User 0123456789abcdef"},
		{Name: "content-type", Value: "application/json"}, {Name: "cookie", Value: "_ga=GA1.1.123456789.1732000000; session_id=abcdef"},
		{Name: "origin", Value: "https://app.alteg.io"}, {Name: "priority", Value: "u=1, i"}, {Name: "referer", Value: "https://app.alteg.io/"},
		{Name: "sec-ch-ua", Value: `"Chromium";v="131"`}, {Name: "sec-ch-ua-mobile", Value: "?0"}, {Name: "sec-ch-ua-platform", Value: `"Windows"`},
		{Name: "sec-fetch-dest", Value: "empty"}, {Name: "sec-fetch-mode", Value: "cors"}, {Name: "sec-fetch-site", Value: "same-site"},
		{Name: "user-agent", Value: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36"},
		{Name: "Content-Length", Value: "100", Origin: FromTransport},
	}
	var head strings.Builder
	head.WriteString("POST /api/v1/records/123456 HTTP/1.1\r\nHost: api.alteg.io\r\n")
	for _, f := range []int{14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13} {
		head.WriteString(http.CanonicalHeaderKey(want[f].Name) + ": " + want[f].Value + "\r\n")
	}
	head.WriteString("\r\n")
	raw := []byte(head.String())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := rewriteHead(raw, want, true); !ok {
			b.Fatal("not rewritten")
		}
	}
}

// TestReplayHeadsHTTP2LeftAlone: over HTTP/2 the fields go out as x/net
// writes them, names lower case (RFC 9113), and are recorded so; the
// HTTP/1.1 rewrite does not touch the session.
func TestReplayHeadsHTTP2LeftAlone(t *testing.T) {
	var got http.Header
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }), true)
	list := Headers{{Name: "X-B", Value: "2", Origin: FromUser}, {Name: "x-a", Value: "1", Sep: ":", Origin: FromUser}}
	ex := Replay(context.Background(), Request{Method: "GET", URL: srv.URL, Header: list}, Options{RootCAs: trust(srv)})
	if ex.Fault != nil || ex.First().Request.Proto != "HTTP/2.0" {
		t.Fatalf("fault %+v, proto %s", ex.Fault, ex.First().Request.Proto)
	}
	if got.Get("X-A") != "1" || got.Get("X-B") != "2" {
		t.Errorf("server got %v", got)
	}
	for _, f := range ex.First().Request.Header {
		if f.Name != strings.ToLower(f.Name) || f.Sep != "" {
			t.Errorf("recorded %+v: HTTP/2 names are lower case, with no separator of their own", f)
		}
	}
}

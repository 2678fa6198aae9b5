package capture

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// oddHead is a response head in an order net/http would never write:
// not sorted, names in mixed case, a repeated name split by another, a
// folded line and odd spacing.
const oddHead = "HTTP/1.1 401 Unauthorized\r\n" +
	"Server: nginx\r\n" +
	"set-cookie: a=1\r\n" +
	"Content-Type: application/json\r\n" +
	"X-Folded: one\r\n two\r\n" +
	"Set-Cookie: b=2\r\n" +
	"content-length:    2\r\n" +
	"Access-Control-Allow-Origin: *\r\n" +
	"\r\n"

var oddHeaders = Headers{
	{Name: "Server", Value: "nginx"},
	{Name: "set-cookie", Value: "a=1"},
	{Name: "Content-Type", Value: "application/json"},
	{Name: "X-Folded", Value: "one two"},
	{Name: "Set-Cookie", Value: "b=2"},
	{Name: "content-length", Value: "2"},
	{Name: "Access-Control-Allow-Origin", Value: "*"},
}

// answerRaw answers every request on c with head and body.
func answerRaw(head, body string) func(c net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			if _, err := readRequestHead(br); err != nil {
				return
			}
			io.WriteString(c, head+body)
		}
	}
}

func TestReplayResponseHeadersInWireOrder(t *testing.T) {
	cert, pool := testCert(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), "127.0.0.1")
	tests := map[string]struct {
		cfg    *tls.Config
		scheme string
		head   string
	}{
		"plain HTTP/1.1":     {nil, "http", oddHead},
		"HTTP/1.1 over TLS":  {&tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}, "https", oddHead},
		"after 100 Continue": {nil, "http", "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n" + oddHead},
		"bare LF line ends":  {nil, "http", strings.ReplaceAll(oddHead, "\r\n", "\n")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			addr := rawServer(t, tc.cfg, answerRaw(tc.head, "{}"))
			ex := get(tc.scheme+"://"+addr+"/", Options{RootCAs: pool})
			if ex.Fault != nil {
				t.Fatalf("fault: %+v", ex.Fault)
			}
			r := ex.Response()
			if !r.WireOrder {
				t.Error("WireOrder is false")
			}
			if d := cmp.Diff(oddHeaders, r.Header); d != "" {
				t.Errorf("headers (-want +got):\n%s", d)
			}
			if string(r.Body.Data) != "{}" || r.Status != 401 {
				t.Errorf("status %d body %q", r.Status, r.Body.Data)
			}
		})
	}
}

// TestReplayWireOrderOnEachHop checks that a kept-alive connection
// records each response's own head.
func TestReplayWireOrderOnEachHop(t *testing.T) {
	addr := rawServer(t, nil, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := readRequestHead(br)
			if err != nil {
				return
			}
			if req.URL.Path == "/start" {
				io.WriteString(c, "HTTP/1.1 302 Found\r\nLocation: /end\r\nZ: 1\r\nA: 2\r\nContent-Length: 0\r\n\r\n")
				continue
			}
			io.WriteString(c, oddHead+"{}")
		}
	})
	ex := getReused(t, "http://"+addr+"/start", Options{})
	if ex.Fault != nil {
		t.Fatalf("fault %+v", ex.Fault)
	}
	want0 := Headers{{Name: "Location", Value: "/end"}, {Name: "Z", Value: "1"}, {Name: "A", Value: "2"}, {Name: "Content-Length", Value: "0"}}
	if d := cmp.Diff(want0, ex.Hops[0].Response.Header); d != "" {
		t.Errorf("hop 0 headers (-want +got):\n%s", d)
	}
	if d := cmp.Diff(oddHeaders, ex.Hops[1].Response.Header); d != "" {
		t.Errorf("hop 1 headers (-want +got):\n%s", d)
	}
}

// h2Server is a minimal HTTP/2 server written with x/net's framer, so
// that the response header blocks are exactly as the test wants them:
// in a chosen order, split over CONTINUATION frames, padded, and
// compressed against the dynamic table of the earlier response.
func h2Server(t *testing.T, cfg *tls.Config, respond func(path string) []hpack.HeaderField) string {
	t.Helper()
	return rawServer(t, cfg, func(c net.Conn) {
		preface := make([]byte, len(http2.ClientPreface))
		if _, err := io.ReadFull(c, preface); err != nil {
			return
		}
		fr := http2.NewFramer(c, c)
		fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
		fr.WriteSettings()
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			switch f := f.(type) {
			case *http2.SettingsFrame:
				if !f.IsAck() {
					fr.WriteSettingsAck()
				}
			case *http2.MetaHeadersFrame:
				block.Reset()
				for _, hf := range respond(f.PseudoValue("path")) {
					enc.WriteField(hf)
				}
				b := block.Bytes()
				half := len(b) / 2
				fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: b[:half], PadLength: 7})
				fr.WriteContinuation(f.StreamID, true, b[half:])
				fr.WriteData(f.StreamID, true, []byte("{}"))
			}
		}
	})
}

func TestReplayHTTP2HeadersInWireOrder(t *testing.T) {
	cert, pool := testCert(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), "127.0.0.1")
	fields := func(status string, extra ...hpack.HeaderField) []hpack.HeaderField {
		return append([]hpack.HeaderField{
			{Name: ":status", Value: status},
			{Name: "server", Value: "nginx"},
			{Name: "set-cookie", Value: "a=1"},
			{Name: "content-type", Value: "application/json"},
			{Name: "set-cookie", Value: "b=2"},
		}, extra...)
	}
	addr := h2Server(t, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}}, func(path string) []hpack.HeaderField {
		if path == "/start" {
			return fields("307", hpack.HeaderField{Name: "location", Value: "/end"})
		}
		// The same fields again come from the dynamic table.
		return fields("401", hpack.HeaderField{Name: "x-last", Value: "z"}, hpack.HeaderField{Name: "access-control-allow-origin", Value: "*"})
	})
	ex := get("https://"+addr+"/start", Options{RootCAs: pool})
	if ex.Fault != nil || len(ex.Hops) != 2 {
		t.Fatalf("fault %+v, %d hops", ex.Fault, len(ex.Hops))
	}
	want := Headers{
		{Name: "server", Value: "nginx"}, {Name: "set-cookie", Value: "a=1"}, {Name: "content-type", Value: "application/json"},
		{Name: "set-cookie", Value: "b=2"}, {Name: "x-last", Value: "z"}, {Name: "access-control-allow-origin", Value: "*"},
	}
	r := ex.Response()
	if r.Proto != "HTTP/2.0" || r.Status != 401 || !r.WireOrder {
		t.Errorf("proto %s status %d wire order %v", r.Proto, r.Status, r.WireOrder)
	}
	if d := cmp.Diff(want, r.Header); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}
	if got := ex.Hops[0].Response.Header.Get("location"); got != "/end" || !ex.Hops[0].Response.WireOrder {
		t.Errorf("first hop: location %q, wire order %v", got, ex.Hops[0].Response.WireOrder)
	}
	// The second hop usually reuses the session (its header block then
	// leans on the first one's HPACK table, which is the point here), but
	// the pool may dial anew under load; either way it is HTTP/2 over TLS.
	if ex.Hops[1].TLS == nil || ex.Hops[1].TLS.ALPN != "h2" {
		t.Errorf("second hop: TLS %+v, want HTTP/2 over TLS", ex.Hops[1].TLS)
	}
}

func TestReplayHTTP2OverTLS(t *testing.T) {
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "1")
		w.Header().Add("X-Multi", "2")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"success":false}`)
	}), true)
	ex := Replay(t.Context(), Request{Method: "GET", URL: srv.URL + "/api/v1/x", Header: Headers{{Name: "Accept", Value: "application/vnd.api.v2+json", Origin: FromUser}}}, Options{RootCAs: trust(srv)})
	if ex.Fault != nil {
		t.Fatalf("fault: %+v", ex.Fault)
	}
	h := ex.Last()
	if h.Response.Proto != "HTTP/2.0" || h.Request.Proto != "HTTP/2.0" {
		t.Errorf("protocols %q/%q, want HTTP/2.0", h.Request.Proto, h.Response.Proto)
	}
	tl := h.TLS
	if tl == nil || tl.Version != "TLS 1.3" || tl.CipherSuite == "" || tl.ALPN != "h2" || len(tl.Chain) == 0 || tl.VerifyError != "" {
		t.Errorf("TLS = %+v", tl)
	}
	if d := cmp.Diff([]string{"1", "2"}, h.Response.Header.Values("x-multi")); d != "" {
		t.Errorf("x-multi (-want +got):\n%s", d)
	}
	if !h.Response.WireOrder || string(h.Response.Body.Data) != `{"success":false}` {
		t.Errorf("wire order %v, body %q", h.Response.WireOrder, h.Response.Body.Data)
	}
	// The request as written: the HTTP/2 pseudo-headers, lower-case names.
	if h.Request.Header.Get(":authority") != hostPort(srv.URL) || h.Request.Header.Get("accept") != "application/vnd.api.v2+json" {
		t.Errorf("request headers = %+v", h.Request.Header)
	}
	for _, f := range h.Request.Header {
		if f.Name == "accept" && f.Origin != FromUser || f.Name == ":authority" && f.Origin != FromTransport {
			t.Errorf("%s marked %q", f.Name, f.Origin)
		}
	}
	tm := h.Timings
	if tm.DNS != Skipped {
		t.Errorf("DNS %v for an IP literal, want Skipped", tm.DNS)
	}
	for name, d := range map[string]time.Duration{"connect": tm.Connect, "tls": tm.TLS, "wait": tm.Wait, "download": tm.Download, "total": tm.Total} {
		if d < 0 {
			t.Errorf("%s = %v, want a measured phase", name, d)
		}
	}
	if tm.Connect+tm.TLS+tm.Wait+tm.Download > tm.Total {
		t.Errorf("phases %+v add up to more than the total", tm)
	}
}

func TestHeadParsing(t *testing.T) {
	tests := map[string]struct {
		head string
		want Headers
		ok   bool
	}{
		"ordered":             {oddHead, oddHeaders, true},
		"no fields":           {"HTTP/1.1 204 No Content\r\n\r\n", nil, true},
		"fold before a field": {"HTTP/1.1 200 OK\r\n x\r\n\r\n", nil, false},
		"space in name":       {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", nil, false},
		"no colon":            {"HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", nil, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := parseHead([]byte(tc.head))
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if d := cmp.Diff(tc.want, got); ok && d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	wire := Headers{{Name: "content-type", Value: "a"}, {Name: "Transfer-Encoding", Value: "chunked"}, {Name: "X", Value: "1"}, {Name: "x", Value: "2"}}
	if !covers(wire, http.Header{"Content-Type": {"a"}, "X": {"1", "2"}}) {
		t.Error("a wire head with a field net/http moved out does not cover the parsed header")
	}
	if covers(wire, http.Header{"Content-Type": {"b"}}) {
		t.Error("a different value is covered")
	}
	if covers(wire, http.Header{"X": {"1", "2", "2"}}) {
		t.Error("a repeated value counts once only")
	}
}

// FuzzH1Conn feeds arbitrary server bytes, cut at arbitrary points, to the
// HTTP/1.x head reader: it must not panic, must stay within maxHead, and a
// head it reports must parse.
func FuzzH1Conn(f *testing.F) {
	f.Add([]byte(oddHead+"body"), uint8(3))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\nA: b\n\n"), uint8(1))
	f.Add([]byte("garbage\r\n\r\n"), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		c := &h1Conn{state: h1Reading}
		step := int(cut)%17 + 1
		for i := 0; i < len(data); i += step {
			c.feed(data[i:min(i+step, len(data))])
			if len(c.buf) > maxHead {
				t.Fatalf("buffer grew to %d", len(c.buf))
			}
		}
		if c.state == h1Done {
			if _, ok := statusOf(c.final); !ok {
				t.Errorf("a final head without a status line: %q", c.final)
			}
		}
	})
}

func TestReplayRequestProtoIsWhatWasWritten(t *testing.T) {
	addr := rawServer(t, nil, answerRaw("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", "ok"))
	ex := get("http://"+addr+"/", Options{})
	if h := ex.Last(); h.Request.Proto != "HTTP/1.1" || h.Response.Proto != "HTTP/1.0" {
		t.Errorf("request %q, response %q: want HTTP/1.1 sent, HTTP/1.0 answered", h.Request.Proto, h.Response.Proto)
	}
}

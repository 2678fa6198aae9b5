package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/redact/redacttest"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// wholeRun is one run of the program whose every output is checked: the
// raw .eml and each of its decoded parts and headers, the --out-dir
// files, --json on stdout and stderr. Secrets may appear nowhere in any
// form the oracle knows; tokens only once in each body part and in
// secrets.txt.
type wholeRun struct {
	args     []string // the call, without the output flags
	env      map[string]string
	stdin    string
	secrets  []string // appear nowhere
	tokens   []string // the partner and user token values
	respJSON bool     // the response body is JSON and must stay so
	reqJSON  bool     // the request body is JSON and must stay so
	wantCode int      // the exit code (0 unless set)
	noTicket bool     // the run writes no ticket (a usage error)
}

// leakEcho answers 401 with everything it received, in an Alteg.io-like
// envelope whose message quotes the request, and a text dump; it sets
// the cookies it got back and points Location at its own URL.
func leakEcho(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var dump strings.Builder
	dump.WriteString(requestHead(r))
	dump.Write(body)
	msg := "Invalid request " + r.Method + " " + r.URL.RequestURI() + " with " + r.Header.Get("Authorization") + " body " + string(body)
	env := map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": msg, "dump": dump.String()}}
	for _, ck := range r.Cookies() {
		http.SetCookie(w, &http.Cookie{Name: ck.Name, Value: url.QueryEscape(ck.Value), Path: "/"})
	}
	b, _ := json.Marshal(env)
	switch {
	case strings.HasPrefix(r.URL.Path, "/redirect"):
		w.Header().Set("Location", r.URL.Query().Get("to"))
		w.WriteHeader(http.StatusFound)
		return
	case strings.HasPrefix(r.URL.Path, "/setcookie"):
		for _, c := range r.URL.Query()["c"] {
			w.Header().Add("Set-Cookie", c)
		}
	case strings.HasPrefix(r.URL.Path, "/uescape"):
		// Every character inside a string as \uXXXX, as some encoders do.
		var u strings.Builder
		in, esc := false, false
		for _, c := range string(b) {
			switch {
			case esc:
				u.WriteRune(c)
				esc = false
			case c == '\\' && in:
				u.WriteRune(c)
				esc = true
			case c == '"':
				u.WriteRune(c)
				in = !in
			case in && c < 0x10000:
				fmt.Fprintf(&u, "\\u%04x", c)
			default:
				u.WriteRune(c)
			}
		}
		b = []byte(u.String())
	case strings.HasPrefix(r.URL.Path, "/trailer"):
		w.Header().Set("Trailer", "X-Session-Token, X-Note")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(b)
		w.Header().Set("X-Session-Token", "Tr4ilerSess10nT0kenQ")
		w.Header().Set("X-Note", r.URL.Query().Get("n"))
		return
	case strings.HasPrefix(r.URL.Path, "/ctype"):
		w.Header().Set("Content-Type", r.URL.Query().Get("ct"))
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(b)
		return
	case strings.HasPrefix(r.URL.Path, "/pctall"):
		var u strings.Builder
		for _, c := range []byte(dump.String()) {
			fmt.Fprintf(&u, "%%%02X", c)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "dump="+u.String())
		return
	case strings.HasPrefix(r.URL.Path, "/entall"):
		var u strings.Builder
		for _, c := range dump.String() {
			fmt.Fprintf(&u, "&#x%x;", c)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "<pre>"+u.String()+"</pre>")
		return
	case strings.HasPrefix(r.URL.Path, "/gzip"):
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(b)
		zw.Close()
		b = z.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(b)
}

// runOutput is one text a run produced, decoded, by where it is.
type runOutput struct {
	where  string
	text   string
	tokens int  // how many times each token must appear; -1: not counted
	json   bool // must parse as JSON
}

// emlOutputs reads an .eml into its outputs: the raw bytes (quoted-
// printable soft breaks joined), every header of the message and of
// each part, and every decoded part. wantJSON says which attachments
// must parse as JSON; replay.sh must be valid bash.
func emlOutputs(t testing.TB, eml []byte, wantJSON func(name string) bool) []runOutput {
	t.Helper()
	outs := []runOutput{{"raw .eml", strings.ReplaceAll(string(eml), "=\r\n", ""), -1, false}}
	mr, err := mail.CreateReader(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	for f := mr.Header.Fields(); f.Next(); {
		v, _ := f.Text()
		outs = append(outs, runOutput{"header " + f.Key(), f.Key() + ": " + v, 0, false})
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the .eml does not parse: %v", err)
		}
		b, _ := io.ReadAll(p.Body)
		var hdr strings.Builder
		if hf, ok := p.Header.(interface{ Fields() message.HeaderFields }); ok {
			for f := hf.Fields(); f.Next(); {
				v, _ := f.Text()
				hdr.WriteString(f.Key() + ": " + v + "\n")
			}
		}
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			ct, _, _ := h.ContentType()
			text := string(b)
			if ct == "text/html" {
				text = html.UnescapeString(text)
			}
			outs = append(outs, runOutput{"part " + ct, text, 1, false}, runOutput{"part header " + ct, hdr.String(), 0, false})
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			outs = append(outs, runOutput{"attachment " + name, string(b), 0, wantJSON(name)},
				runOutput{"part header " + name, hdr.String(), 0, false})
			if name == "replay.sh" {
				bashN(t, "attachment replay.sh", b)
			}
		}
	}
	return outs
}

// checkOutputs checks that no form of a secret stands in any output,
// that each token appears as often as the output allows, and that JSON
// outputs parse.
func checkOutputs(t testing.TB, outs []runOutput, secrets, tokens []string) {
	t.Helper()
	forms := map[string][]string{}
	for i, s := range secrets {
		forms[fmt.Sprintf("secret %d %q", i, s)] = redacttest.NestedForms(s)
	}
	find := redacttest.NewFinder(forms)
	for _, o := range outs {
		text := o.text
		for _, tok := range tokens {
			if got := strings.Count(text, tok); o.tokens >= 0 && got != o.tokens {
				t.Errorf("%s: token %q appears %d times, want %d", o.where, tok, got, o.tokens)
			}
			text = strings.ReplaceAll(text, tok, "")
		}
		for _, l := range find.Leaks(text, placeholderRe.FindAllString(text, -1)) {
			t.Errorf("%s: %s", o.where, l)
		}
		if o.json && !json.Valid([]byte(o.text)) {
			t.Errorf("%s is not JSON:\n%.1500s", o.where, o.text)
		}
	}
}

// check runs wr and checks every output.
func (wr wholeRun) check(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	emlPath := filepath.Join(dir, "t.eml")
	outDir := filepath.Join(dir, "files")
	args := append([]string{"-y", "--force", "-o", emlPath, "--out-dir", outDir, "--json"}, wr.args...)
	var stdout, stderr bytes.Buffer
	sys := &system{
		getenv: func(k string) string { return wr.env[k] },
		now:    time.Now,
		ticker: func(time.Duration) (<-chan time.Time, func()) { return nil, func() {} },
		open:   func(context.Context, string) (string, error) { return "", errors.New("no opener in tests") },
		goos:   "linux",
	}
	code := run(context.Background(), args, Streams(strings.NewReader(wr.stdin), &stdout, &stderr), sys)
	if code != wr.wantCode {
		t.Fatalf("exit %d, want %d\nargs: %q\nstderr: %s", code, wr.wantCode, args, stderr.String())
	}
	outs := []runOutput{{"stderr", stderr.String(), 0, false}, {"stdout --json", stdout.String(), 0, !wr.noTicket}}
	if !wr.noTicket {
		eml, err := os.ReadFile(emlPath)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, emlOutputs(t, eml, wr.wantJSON)...)
		files, err := os.ReadDir(outDir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(outDir, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			o := runOutput{"file " + f.Name(), string(b), 0, wr.wantJSON(f.Name())}
			switch {
			case f.Name() == "secrets.txt":
				o.tokens = 1
			case strings.HasSuffix(f.Name(), ".html"):
				o.text = html.UnescapeString(o.text)
			case f.Name() == "replay.sh":
				bashN(t, "file replay.sh", b)
			}
			outs = append(outs, o)
		}
	}
	checkOutputs(t, outs, wr.secrets, wr.tokens)
	if t.Failed() {
		t.Logf("args: %q\nstderr:\n%s", args, stderr.String())
	}
}

func (wr wholeRun) wantJSON(name string) bool {
	switch {
	case strings.HasPrefix(name, "request-body"):
		return wr.reqJSON && strings.HasSuffix(name, ".json")
	case strings.HasPrefix(name, "response-body"):
		return wr.respJSON && strings.HasSuffix(name, ".json")
	}
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".har")
}

// bashN fails when script is not valid bash.
func bashN(t testing.TB, where string, script []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "replay-check.sh")
	if err := os.WriteFile(p, script, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", p).CombinedOutput(); err != nil {
		t.Errorf("%s is not valid bash: %v\n%s", where, err, out)
	}
}

// TestWholeRunLeakClasses is one whole run per leak class the red team
// found (docs/privacy.md), and the near misses tried next to them: every
// output of the run is searched for every form of every secret.
func TestWholeRunLeakClasses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(leakEcho))
	t.Cleanup(srv.Close)
	const partner, user = "PartnerTok9a8b7c6d5e4f", "UserTok1q2w3e4r5t6y7u"
	const s1, s2, s3 = "Zk4Qw8Er7Ty6Ui5Op", "Mn3Bv5Cx7Zl9Kj2Hg", "Pq1Wd4Rf6Tg8Yh0Uj"
	auth := "Authorization: Bearer " + partner + ", User " + user
	u := srv.URL + "/api/v1/records/1"
	tok := []string{partner, user}
	reason := rawServer(t, "HTTP/1.1 401 Invalid password "+s1+" for key "+s2+"\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno")
	dir := t.TempDir()
	harCookies := writeHAR(t, dir, "c.har", map[string]any{"method": "GET", "url": u, "httpVersion": "HTTP/1.1",
		"headers": []any{map[string]any{"name": "Authorization", "value": "Bearer " + partner + ", User " + user}},
		"cookies": []any{map[string]any{"name": "sid", "value": s1}}, "queryString": []any{map[string]any{"name": "access_token", "value": s2}},
		"headersSize": -1, "bodySize": 0})
	harParams := writeHAR(t, dir, "p.har", map[string]any{"method": "POST", "url": u, "httpVersion": "HTTP/1.1",
		"headers": []any{}, "cookies": []any{}, "queryString": []any{},
		"postData":    map[string]any{"mimeType": "application/x-www-form-urlencoded", "params": []any{map[string]any{"name": "password", "value": s1}, map[string]any{"name": "client_secret", "value": s2}}},
		"headersSize": -1, "bodySize": 0})
	tests := map[string]wholeRun{
		"reason phrase":               {args: []string{"-u", "me:" + s1, "--redact", s2, reason}, secrets: []string{s1, s2}},
		"trailer":                     {args: []string{"-H", auth, "-H", "X-Api-Key: " + s1, "--redact", s3, srv.URL + "/trailer?n=" + s3}, tokens: tok, secrets: []string{s1, "Tr4ilerSess10nT0kenQ", s3}, respJSON: true},
		"ctype param":                 {args: []string{"-H", auth, "--redact", s1, srv.URL + "/ctype?ct=" + url.QueryEscape("application/json; charset=utf-8; x="+s1)}, tokens: tok, secrets: []string{s1}, respJSON: true},
		"ctype access_token":          {args: []string{"-H", auth, srv.URL + "/ctype?ct=" + url.QueryEscape("text/plain; access_token="+s1)}, tokens: tok, secrets: []string{}},
		"pct all":                     {args: []string{"-H", auth, "-H", "X-Api-Key: " + s1, "-d", "password=" + s2, srv.URL + "/pctall"}, tokens: tok, secrets: []string{s1, s2}},
		"entity all":                  {args: []string{"-H", auth, "-H", "X-Api-Key: " + s1, "-d", "password=" + s2, srv.URL + "/entall"}, tokens: tok, secrets: []string{s1, s2}},
		"har cookies array":           {args: []string{"--har", harCookies}, tokens: tok, secrets: []string{s1, s2}, respJSON: true},
		"har cookies array no replay": {args: []string{"--har", harCookies, "--no-replay"}, tokens: tok, secrets: []string{s1, s2}},
		"har params":                  {args: []string{"--har", harParams}, secrets: []string{s1, s2}, respJSON: true},
		"har params no replay":        {args: []string{"--har", harParams, "--no-replay"}, secrets: []string{s1, s2}},
		"refused with creds":          {args: []string{"-H", "X-Api-Key: " + s1, "http://me:" + s2 + "@127.0.0.1:1/x?access_token=" + s3}, secrets: []string{s1, s2, s3}},
		"link and refresh":            {args: []string{"-H", auth, srv.URL + "/setcookie?c=x"}, tokens: tok, respJSON: true},
		"data-urlencode":              {args: []string{"--curl", "curl --data-urlencode 'password=" + s1 + "' --data-urlencode 'client_secret@/dev/null' " + u}, secrets: []string{s1}, respJSON: true},
		"get -d":                      {args: []string{"--curl", "curl -G -d 'access_token=" + s1 + "' --url-query 'api_key=" + s2 + "' " + u}, secrets: []string{s1, s2}, respJSON: true},
		"form -F":                     {args: []string{"--curl", "curl -F 'password=" + s1 + "' -F 'file=@/dev/null;filename=" + s3 + "' -F 'api_key=" + s2 + ";type=text/plain' " + u}, secrets: []string{s1, s2}, respJSON: true},
		"digest":                      {args: []string{"--digest", "-u", "me:" + s1, "--message", "pw " + s1, u}, secrets: []string{s1}, respJSON: true},
		"basic colon":                 {args: []string{"-u", "me:" + s1 + ":" + s2, u}, secrets: []string{s1 + ":" + s2}, respJSON: true},
		"matrix":                      {args: []string{"-H", auth, srv.URL + "/api/v1/records;jsessionid=" + s1 + "/1"}, tokens: tok, secrets: []string{s1}, respJSON: true},
		"unsent -u":                   {args: []string{"-H", auth, "-u", "me:" + s1, "--message", "my password is " + s1, u}, tokens: tok, secrets: []string{s1}, respJSON: true},
		"unsent -U":                   {args: []string{"-H", auth, "-U", "me:" + s1, "--message", "proxy pw " + s1, u}, tokens: tok, secrets: []string{s1}, respJSON: true},
		"sig amz":                     {args: []string{"-H", auth, u + "?X-Amz-Signature=" + s1 + "&X-Amz-Credential=AKIA" + s2 + "%2F20261129%2Fus-east-1&sig=" + s3}, tokens: tok, secrets: []string{s1, "AKIA" + s2, s3}, respJSON: true},
		"google key":                  {args: []string{"-H", auth, u + "?key=AIza" + s1}, tokens: tok, secrets: []string{"AIza" + s1}, respJSON: true},
		"multipart filename":          {args: []string{"-H", auth, "-H", "Content-Type: multipart/form-data; boundary=BB", "--data-binary", "--BB\r\nContent-Disposition: form-data; name=\"password\"; filename=\"x.txt\"\r\n\r\n" + s2 + "\r\n--BB--\r\n", u}, tokens: tok, secrets: []string{s2}, respJSON: true},
		"multipart part header":       {args: []string{"-H", auth, "-H", "Content-Type: multipart/form-data; boundary=BB", "--data-binary", "--BB\r\nContent-Disposition: form-data; name=\"file\"\r\nX-Api-Key: " + s1 + "\r\n\r\nhello\r\n--BB--\r\n", u}, tokens: tok, secrets: []string{s1}, respJSON: true},
		"bearer tab":                  {args: []string{"-H", "Authorization: Bearer\t" + partner + ",\tUser\t" + user, u}, tokens: tok, respJSON: true},
		"basic user only":             {args: []string{"-u", s1 + ":", u}, secrets: []string{s1}, respJSON: true},
	}
	for name, wr := range tests {
		t.Run(name, func(t *testing.T) { t.Parallel(); wr.check(t) })
	}
}

// rawServer answers every connection with resp, byte for byte.
func rawServer(t *testing.T, resp string) string {
	return "http://" + loopback(t, func(c net.Conn) {
		go func() {
			defer c.Close()
			buf := make([]byte, 64<<10)
			c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			c.Read(buf)
			io.WriteString(c, resp)
		}()
	}) + "/x"
}

// writeHAR writes a HAR of one entry with the given request and a 401.
func writeHAR(t *testing.T, dir, name string, req map[string]any) string {
	entry := map[string]any{"startedDateTime": "2026-11-29T10:00:00.000Z", "time": 12, "request": req,
		"response": map[string]any{"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1", "headers": []any{}, "cookies": []any{},
			"content": map[string]any{"size": 2, "mimeType": "text/plain", "text": "no"}, "redirectURL": "", "headersSize": -1, "bodySize": 2},
		"cache": map[string]any{}, "timings": map[string]any{"send": 1, "wait": 10, "receive": 1}}
	b, _ := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "t", "version": "1"}, "entries": []any{entry}}})
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestProxyLeakClasses sends the same leak classes through the proxy and
// checks its tickets, stdout and stderr.
func TestProxyLeakClasses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(leakEcho))
	t.Cleanup(srv.Close)
	const partner, user = "PartnerTok9a8b7c6d5e4f", "UserTok1q2w3e4r5t6y7u"
	const s1, s2, s3, s4 = "Zk4Qw8Er7Ty6Ui5Op", "Mn3Bv5Cx7Zl9Kj2Hg", "Pq1Wd4Rf6Tg8Yh0Uj", "Lk8Jh6Gf4Ds2Az0Xc"
	rp := startProxy(t, false, "--upstream", srv.URL, "--json", "--redact", s3)
	do := func(method, path, ctype, body string, h map[string]string) {
		req, _ := http.NewRequest(method, rp.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+partner+", User "+user)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	do("GET", "/api/v1/a?sig="+s1+"&note="+s3, "", "", nil)
	do("GET", "/api/v1/b;jsessionid="+s2, "", "", nil)
	do("POST", "/api/v1/c", "multipart/form-data; boundary=BB", "--BB\r\nContent-Disposition: form-data; name=\"file\"\r\nX-Api-Key: "+s4+"\r\n\r\nhello\r\n--BB--\r\n", nil)
	do("GET", "/trailer/d?n="+s3, "", "", map[string]string{"X-Api-Key": s4})
	do("GET", "/gzip/e", "", "", map[string]string{"Cookie": "sid=" + s4})
	code, stdout, stderr := rp.stop()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	outs := []runOutput{{"proxy stderr", stderr, 0, false}, {"proxy stdout", stdout, 0, false}}
	files, _ := filepath.Glob(filepath.Join(rp.Dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".eml") {
			outs = append(outs, emlOutputs(t, b, func(name string) bool {
				return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".har")
			})...)
		} else {
			outs = append(outs, runOutput{"file " + filepath.Base(f), string(b), 0, false})
		}
	}
	checkOutputs(t, outs, []string{s1, s2, s3, s4, "Tr4ilerSess10nT0kenQ"}, []string{partner, user})
	if t.Failed() {
		t.Logf("files %v\nstderr:\n%s", files, stderr)
	}
}

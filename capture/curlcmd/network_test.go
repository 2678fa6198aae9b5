package curlcmd

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/capture/internal/testpki"
	"github.com/google/go-cmp/cmp"
)

// netView is the part of a Net a test compares.
type netView struct {
	Proxy         string
	NoProxy       *string
	ProxyTunnel   bool
	ProxyInsecure bool
	Digest        *capture.Credentials
	Resolve       []capture.Resolve
	ConnectTo     []capture.ConnectTo
}

func viewNet(n Net) netView {
	return netView{Proxy: n.Proxy, NoProxy: n.NoProxy, ProxyTunnel: n.ProxyTunnel, ProxyInsecure: n.ProxyInsecure,
		Digest: n.Digest, Resolve: n.Resolve, ConnectTo: n.ConnectTo}
}

func buildArgs(t *testing.T, env Env, args ...string) (*Command, error) {
	t.Helper()
	f, err := ParseArgs(args)
	if err != nil {
		return nil, err
	}
	return f.Build(env)
}

// TestNetworkOptions: each connection option as curl 7.88.1 reads it.
func TestNetworkOptions(t *testing.T) {
	tests := map[string]struct {
		args []string
		want netView
		err  string
	}{
		// curl: a proxy without a scheme is http://, without a port 1080.
		"-x host":               {args: []string{"-x", "proxy.corp"}, want: netView{Proxy: "http://proxy.corp:1080"}},
		"-x host:port":          {args: []string{"-x", "proxy.corp:3128"}, want: netView{Proxy: "http://proxy.corp:3128"}},
		"--proxy https":         {args: []string{"--proxy", "https://proxy.corp"}, want: netView{Proxy: "https://proxy.corp:443"}},
		"-x socks5h":            {args: []string{"-x", "socks5h://127.0.0.1:9050"}, want: netView{Proxy: "socks5h://127.0.0.1:9050"}},
		"--socks5":              {args: []string{"--socks5", "127.0.0.1:9050"}, want: netView{Proxy: "socks5://127.0.0.1:9050"}},
		"--socks5-hostname":     {args: []string{"--socks5-hostname", "127.0.0.1"}, want: netView{Proxy: "socks5h://127.0.0.1:1080"}},
		"--socks4a":             {args: []string{"--socks4a", "p:1"}, want: netView{Proxy: "socks4a://p:1"}},
		"the last proxy wins":   {args: []string{"-x", "http://a:1", "--socks5", "b:2"}, want: netView{Proxy: "socks5://b:2"}},
		"-U":                    {args: []string{"-x", "http://p:1", "-U", "corp user:p@ss:word"}, want: netView{Proxy: "http://corp%20user:p%40ss%3Aword@p:1"}},
		"credentials in -x win": {args: []string{"-x", "http://a:b@p:1", "-U", "c:d"}, want: netView{Proxy: "http://a:b@p:1"}},
		"-x empty: no proxy":    {args: []string{"-x", ""}, want: netView{NoProxy: ptr("*")}},
		"--noproxy":             {args: []string{"-x", "p:1", "--noproxy", "localhost,.corp"}, want: netView{Proxy: "http://p:1", NoProxy: ptr("localhost,.corp")}},
		"--noproxy empty":       {args: []string{"--noproxy", ""}, want: netView{NoProxy: ptr("")}},
		"-p":                    {args: []string{"-p", "-x", "p:1"}, want: netView{Proxy: "http://p:1", ProxyTunnel: true}},
		"--proxy-insecure":      {args: []string{"--proxy-insecure", "-x", "https://p"}, want: netView{Proxy: "https://p:443", ProxyInsecure: true}},
		"-U without password":   {args: []string{"-x", "p:1", "-U", "me"}, err: "-U needs user:password"},
		"proxy scheme":          {args: []string{"-x", "ftp://p:1"}, err: "-x: the proxy's scheme ftp:// is not one curl takes"},
		"--digest":              {args: []string{"--digest", "-u", "me:pa ss"}, want: netView{Digest: &capture.Credentials{User: "me", Password: "pa ss"}}},
		"--digest without -u":   {args: []string{"--digest"}, err: "--digest needs -u user:password"},
		// curl --resolve host:port:addr[,addr], IPv6 in brackets; a
		// leading + is accepted, a -host:port entry removes and is
		// ignored here.
		"--resolve": {args: []string{"--resolve", "api.alteg.io:443:10.0.0.5", "--resolve", "+x.test:80:[::1],127.0.0.1", "--resolve", "-y.test:80"},
			want: netView{Resolve: []capture.Resolve{{Host: "api.alteg.io", Port: 443, Addrs: []string{"10.0.0.5"}}, {Host: "x.test", Port: 80, Addrs: []string{"::1", "127.0.0.1"}}}}},
		"--resolve any host": {args: []string{"--resolve", "*:443:127.0.0.1"}, want: netView{Resolve: []capture.Resolve{{Host: "*", Port: 443, Addrs: []string{"127.0.0.1"}}}}},
		"--resolve bad":      {args: []string{"--resolve", "bad"}, err: "--resolve bad: Couldn't parse CURLOPT_RESOLVE entry (curl's words)"},
		"--resolve bad addr": {args: []string{"--resolve", "a.test:80:zzz"}, err: "Couldn't parse CURLOPT_RESOLVE entry"},
		"--connect-to": {args: []string{"--connect-to", "api.alteg.io:443:10.0.0.5:8443", "--connect-to", "::[::1]:", "--connect-to", "[::2]:80:node:"},
			want: netView{ConnectTo: []capture.ConnectTo{{Host: "api.alteg.io", Port: 443, ToHost: "10.0.0.5", ToPort: 8443}, {ToHost: "::1"}, {Host: "::2", Port: 80, ToHost: "node"}}}},
		"--connect-to bad": {args: []string{"--connect-to", "a:b"}, err: "--connect-to a:b: write it as HOST1:PORT1:HOST2:PORT2"},
		// Refused: what the replay cannot do, each with why.
		"--proxy-ntlm": {args: []string{"--proxy-ntlm", "-x", "p:1"}, err: "uses --proxy-ntlm, which is not supported"},
		"--preproxy":   {args: []string{"--preproxy", "socks5://a", "-x", "p:1"}, err: "uses --preproxy, which is not supported"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cmd, err := buildArgs(t, testBuildEnv(), append(tc.args, "http://x.test/")...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "p@ss") {
					t.Error("the error quotes a password")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, viewNet(cmd.Net)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestDigestSendsNoBasic: with --digest, -u makes no Basic header: the
// first request goes without Authorization, as curl sends it.
func TestDigestSendsNoBasic(t *testing.T) {
	cmd, err := buildArgs(t, testBuildEnv(), "--digest", "-u", "me:pw", "http://x.test/")
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Request.Header.Has("Authorization") {
		t.Errorf("headers %v", cmd.Request.Header)
	}
}

// TestRange: -r as curl 7.88.1 sends it (recorded against a loopback
// server).
func TestRange(t *testing.T) {
	tests := map[string]struct {
		args   []string
		name   string // the header sent, "" for none of the two
		value  string
		method string
		note   bool
	}{
		"0-499":             {args: []string{"-r", "0-499"}, name: "Range", value: "bytes=0-499", method: "GET"},
		"a dash is added":   {args: []string{"-r", "5"}, name: "Range", value: "bytes=5-", method: "GET", note: true},
		"suffix":            {args: []string{"-r", "-500"}, name: "Range", value: "bytes=-500", method: "GET"},
		"several":           {args: []string{"--range", "1-2,5-6"}, name: "Range", value: "bytes=1-2,5-6", method: "GET"},
		"not a number":      {args: []string{"-r", "abc"}, name: "Range", value: "bytes=abc", method: "GET"},
		"with -d":           {args: []string{"-r", "0-4", "-d", "hello"}, name: "Content-Range", value: "bytes 0-4/5", method: "POST"},
		"with --json":       {args: []string{"-r", "0-4", "--json", "{}"}, name: "Content-Range", value: "bytes 0-4/2", method: "POST"},
		"-X PUT, no body":   {args: []string{"-r", "0-4", "-X", "PUT"}, name: "Range", value: "bytes=0-4", method: "PUT"},
		"HEAD":              {args: []string{"-r", "0-4", "-I"}, name: "Range", value: "bytes=0-4", method: "HEAD"},
		"-G -d":             {args: []string{"-r", "0-4", "-G", "-d", "a=1"}, name: "Range", value: "bytes=0-4", method: "GET"},
		"-H Range wins":     {args: []string{"-r", "0-4", "-H", "Range: bytes=9-"}, name: "Range", value: "bytes=9-", method: "GET"},
		"-H 'Range:' drops": {args: []string{"-r", "0-4", "-H", "Range:"}, method: "GET"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cmd, err := buildArgs(t, testBuildEnv(), append(tc.args, "http://x.test/")...)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if tc.name != "" {
				got = strings.Join(cmd.Request.Header.Values(tc.name), "|")
			} else {
				got = cmd.Request.Header.Get("Range") + cmd.Request.Header.Get("Content-Range")
			}
			if got != tc.value || cmd.Request.Method != tc.method {
				t.Errorf("%s %s: %q; want %s %q", cmd.Request.Method, tc.name, got, tc.method, tc.value)
			}
			if (len(cmd.Notes) > 0) != tc.note {
				t.Errorf("notes %q", cmd.Notes)
			}
		})
	}
}

// pkiFiles writes a CA, a client certificate and keys for the TLS option
// tests, and returns the folder.
func pkiFiles(t *testing.T) (dir string, ca *testpki.CA, leaf *testpki.Leaf) {
	t.Helper()
	dir = t.TempDir()
	ca = testpki.NewCA(t, "Corp CA")
	other := testpki.NewCA(t, "Other CA")
	leaf = ca.Client(t, "partner-42")
	//lint:ignore SA1019 a traditional encrypted key file, as old tools write them
	enc, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", pemBytes(t, leaf.ECKeyPEM), []byte("k3y-pass"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"ca.pem":        ca.PEM,
		"two.pem":       append(append([]byte{}, ca.PEM...), other.PEM...),
		"cert.pem":      leaf.CertPEM,
		"key.pem":       leaf.KeyPEM,
		"eckey.pem":     leaf.ECKeyPEM,
		"both.pem":      append(append([]byte{}, leaf.CertPEM...), leaf.KeyPEM...),
		"enc.pem":       pem.EncodeToMemory(enc),
		"p8enc.pem":     pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}),
		"otherkey.pem":  other.Client(t, "x").KeyPEM,
		"notpem.txt":    []byte("not a certificate\n"),
		"capath/a.pem":  ca.PEM,
		"capath/b.crt":  other.PEM,
		"capath/README": []byte("hashed links would be here"),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, ca, leaf
}

func pemBytes(t *testing.T, b []byte) []byte {
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatal("no PEM")
	}
	return block.Bytes
}

// TestTLSFiles: --cacert, --capath, --cert, --key, --cert-type, --key-type
// and --pass, read as curl reads them, with curl's words when a file
// cannot be used.
func TestTLSFiles(t *testing.T) {
	dir, _, leaf := pkiFiles(t)
	in := func(name string) string { return filepath.Join(dir, name) }
	tests := map[string]struct {
		args     []string
		from     string // RootCAsFrom
		certCN   string // the client certificate loaded
		err      string
		noSecret string // must not appear in the error
	}{
		"--cacert":              {args: []string{"--cacert", in("ca.pem")}, from: "the system's and ca.pem (1 certificate)"},
		"--cacert bundle":       {args: []string{"--cacert", in("two.pem")}, from: "the system's and two.pem (2 certificates)"},
		"--capath":              {args: []string{"--capath", in("capath")}, from: "the system's and the folder " + in("capath") + " (2 certificates)"},
		"both":                  {args: []string{"--cacert", in("ca.pem"), "--capath", in("capath")}, from: "the system's and ca.pem (1 certificate) and the folder " + in("capath") + " (2 certificates)"},
		"--cacert not PEM":      {args: []string{"--cacert", in("notpem.txt")}, err: "--cacert " + in("notpem.txt") + ": error setting certificate file (curl's words): it holds no PEM certificate"},
		"--cacert missing":      {args: []string{"--cacert", in("nope.pem")}, err: "error setting certificate file (curl's words): no such file"},
		"--capath missing":      {args: []string{"--capath", in("nodir")}, err: "--capath " + in("nodir") + ": cannot read the folder"},
		"--cert and --key":      {args: []string{"--cert", in("cert.pem"), "--key", in("key.pem")}, certCN: "partner-42"},
		"-E with the key in it": {args: []string{"-E", in("both.pem")}, certCN: "partner-42"},
		"SEC 1 key":             {args: []string{"--cert", in("cert.pem"), "--key", in("eckey.pem"), "--key-type", "pem"}, certCN: "partner-42"},
		"encrypted, --pass":     {args: []string{"--cert", in("cert.pem"), "--key", in("enc.pem"), "--pass", "k3y-pass"}, certCN: "partner-42"},
		"encrypted, cert:pass":  {args: []string{"--cert", in("cert.pem") + ":k3y-pass", "--key", in("enc.pem")}, certCN: "partner-42"},
		"--cert-type PEM":       {args: []string{"--cert", in("both.pem"), "--cert-type", "PEM"}, certCN: "partner-42"},
		"encrypted, no pass":    {args: []string{"--cert", in("cert.pem"), "--key", in("enc.pem")}, err: "is encrypted; give its pass phrase with --pass"},
		"encrypted, wrong pass": {args: []string{"--cert", in("cert.pem"), "--key", in("enc.pem"), "--pass", "wr0ng-Pass"}, err: "its pass phrase (--pass) does not decrypt it", noSecret: "wr0ng-Pass"},
		"PKCS#8 encrypted":      {args: []string{"--cert", in("cert.pem"), "--key", in("p8enc.pem")}, err: "encrypted PKCS#8 key"},
		"no key":                {args: []string{"--cert", in("cert.pem")}, err: "no private key found; give it with --key FILE"},
		"key of another cert":   {args: []string{"--cert", in("cert.pem"), "--key", in("otherkey.pem")}, err: "the private key does not belong to the certificate"},
		"cert not PEM":          {args: []string{"--cert", in("notpem.txt")}, err: "could not load PEM client certificate (curl's words): no PEM certificate"},
		"cert missing":          {args: []string{"--cert", in("nope.pem")}, err: "could not load PEM client certificate (curl's words): no such file"},
		"--cert-type DER":       {args: []string{"--cert", in("cert.pem"), "--cert-type", "DER"}, err: "--cert-type DER: not supported file type 'DER' for certificate (curl's words"},
		"--cert-type P12":       {args: []string{"--cert", in("cert.pem"), "--cert-type", "P12"}, err: "openssl pkcs12 -in cert.p12 -nodes -out cert.pem"},
		"--key-type ENG":        {args: []string{"--cert", in("both.pem"), "--key-type", "ENG"}, err: "--key-type ENG: not supported file type 'ENG' for private key"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cmd, err := buildArgs(t, Env{}, append(tc.args, "https://x.test/")...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v\nwant %q", err, tc.err)
				}
				if tc.noSecret != "" && strings.Contains(err.Error(), tc.noSecret) {
					t.Error("the error quotes the pass phrase")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Net.RootCAsFrom != tc.from {
				t.Errorf("RootCAsFrom %q, want %q", cmd.Net.RootCAsFrom, tc.from)
			}
			cn := ""
			if len(cmd.Net.Certificates) == 1 && cmd.Net.Certificates[0].Leaf != nil {
				cn = cmd.Net.Certificates[0].Leaf.Subject.CommonName
			}
			if cn != tc.certCN {
				t.Errorf("client certificate %q, want %q", cn, tc.certCN)
			}
		})
	}
	_ = leaf
}

func TestSplitCertArg(t *testing.T) {
	tests := map[string][2]string{
		"cert.pem":               {"cert.pem", ""},
		"cert.pem:secret":        {"cert.pem", "secret"},
		"cert.pem:sec:ret":       {"cert.pem", "sec:ret"},
		`we\:ird.pem:pw`:         {"we:ird.pem", "pw"},
		`C:\certs\client.pem`:    {`C:\certs\client.pem`, ""},
		`C:\certs\client.pem:pw`: {`C:\certs\client.pem`, "pw"},
	}
	for in, want := range tests {
		f, p := splitCertArg(in)
		if f != want[0] || p != want[1] {
			t.Errorf("splitCertArg(%q) = %q, %q; want %q, %q", in, f, p, want[0], want[1])
		}
	}
}

// TestNetworkOverride: options given on the tool's own command line win
// over a pasted command's, one option at a time.
func TestNetworkOverride(t *testing.T) {
	pasted, _, err := Parse(`curl -x http://pasted:1 --resolve a.test:443:10.0.0.1 -r 0-9 https://a.test/`, nil)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := ParseArgs([]string{"--socks5-hostname", "ours:2"})
	if err != nil {
		t.Fatal(err)
	}
	pasted.Override(ours)
	cmd, err := pasted.Build(testBuildEnv())
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Net.Proxy != "socks5h://ours:2" || len(cmd.Net.Resolve) != 1 || cmd.Request.Header.Get("Range") != "bytes=0-9" {
		t.Errorf("proxy %q, resolve %v, range %q", cmd.Net.Proxy, cmd.Net.Resolve, cmd.Request.Header.Get("Range"))
	}
}

// FuzzNetworkEntries: --resolve and --connect-to entries never panic the
// parser, and one that parses writes back (host:port:addr,...; IPv6 in
// brackets) to an entry that parses to the same thing.
func FuzzNetworkEntries(f *testing.F) {
	for _, s := range []string{"api.alteg.io:443:10.0.0.5", "+x.test:80:[::1],127.0.0.1", "-y:1", "*:443:1.2.3.4",
		"api.alteg.io:443:10.0.0.5:8443", "::[::1]:", "[::2]:80:node:", "a:b", "", ":::", "[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, e string) {
		if r, ok, err := parseResolve(e); err == nil && ok {
			var addrs []string
			for _, a := range r.Addrs {
				if strings.Contains(a, ":") {
					a = "[" + a + "]"
				}
				addrs = append(addrs, a)
			}
			back := r.Host + ":" + strconv.Itoa(r.Port) + ":" + strings.Join(addrs, ",")
			r2, ok2, err2 := parseResolve(back)
			if err2 != nil || !ok2 || !cmp.Equal(r, r2) {
				t.Fatalf("%q parsed to %+v, written back as %q: %+v, %v", e, r, back, r2, err2)
			}
		}
		if c, err := parseConnectTo(e); err == nil {
			br := func(h string) string {
				if strings.Contains(h, ":") {
					return "[" + h + "]"
				}
				return h
			}
			port := func(p int) string {
				if p == 0 {
					return ""
				}
				return strconv.Itoa(p)
			}
			back := br(c.Host) + ":" + port(c.Port) + ":" + br(c.ToHost) + ":" + port(c.ToPort)
			c2, err2 := parseConnectTo(back)
			if err2 != nil || c != c2 {
				t.Fatalf("%q parsed to %+v, written back as %q: %+v, %v", e, c, back, c2, err2)
			}
		}
	})
}

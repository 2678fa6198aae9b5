package curlcmd

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/spf13/pflag"
)

// This file holds curl's options that say how the connection is made
// (proxies, TLS files, name resolution, Digest) and -r, and turns them
// into capture.Options (Net).

// Network holds the connection options of a command line as given.
type Network struct {
	Proxy       string // -x, or --socks5 HOST and the like with their scheme
	ProxyUser   string // -U user:password
	NoProxy     string // --noproxy
	ProxyCACert string // --proxy-cacert
	CACert      string // --cacert
	CAPath      string // --capath
	Cert        string // -E/--cert file[:password]
	Key         string // --key
	CertType    string // --cert-type
	KeyType     string // --key-type
	Pass        string // --pass
	Resolve     []string
	ConnectTo   []string
	Range       string // -r

	Digest, ProxyTunnel, ProxyInsecure bool
}

// registerNetwork defines the options of Network on fs (see Register).
func (f *Flags) registerNetwork(str func(*string, string, string), list func(*[]string, string, string), flag func(*bool, string, string), def func(v pflag.Value, long, short string, boolean bool)) {
	n := &f.Net
	str(&n.Proxy, "proxy", "x")
	for _, s := range []struct{ long, scheme string }{
		{"socks4", "socks4"}, {"socks4a", "socks4a"}, {"socks5", "socks5"}, {"socks5-hostname", "socks5h"},
	} {
		// curl: these and -x are one setting; the last given wins.
		def(&proxyValue{f, s.long, s.scheme}, s.long, "", false)
	}
	str(&n.ProxyUser, "proxy-user", "U")
	str(&n.NoProxy, "noproxy", "")
	str(&n.ProxyCACert, "proxy-cacert", "")
	str(&n.CACert, "cacert", "")
	str(&n.CAPath, "capath", "")
	str(&n.Cert, "cert", "E")
	str(&n.Key, "key", "")
	str(&n.CertType, "cert-type", "")
	str(&n.KeyType, "key-type", "")
	str(&n.Pass, "pass", "")
	list(&n.Resolve, "resolve", "")
	list(&n.ConnectTo, "connect-to", "")
	str(&n.Range, "range", "r")
	flag(&n.Digest, "digest", "")
	flag(&n.ProxyTunnel, "proxytunnel", "p")
	flag(&n.ProxyInsecure, "proxy-insecure", "")
}

// overrideNetwork applies the network option name that o gave over f's.
func (f *Flags) overrideNetwork(o *Flags, name string) {
	n, on := &f.Net, &o.Net
	switch name {
	case "proxy", "socks4", "socks4a", "socks5", "socks5-hostname":
		n.Proxy = on.Proxy
	case "proxy-user":
		n.ProxyUser = on.ProxyUser
	case "noproxy":
		n.NoProxy = on.NoProxy
	case "proxy-cacert":
		n.ProxyCACert = on.ProxyCACert
	case "cacert":
		n.CACert = on.CACert
	case "capath":
		n.CAPath = on.CAPath
	case "cert":
		n.Cert = on.Cert
	case "key":
		n.Key = on.Key
	case "cert-type":
		n.CertType = on.CertType
	case "key-type":
		n.KeyType = on.KeyType
	case "pass":
		n.Pass = on.Pass
	case "resolve":
		n.Resolve = on.Resolve
	case "connect-to":
		n.ConnectTo = on.ConnectTo
	case "range":
		n.Range = on.Range
	case "digest":
		n.Digest = on.Digest
	case "proxytunnel":
		n.ProxyTunnel = on.ProxyTunnel
	case "proxy-insecure":
		n.ProxyInsecure = on.ProxyInsecure
	}
}

// Net is what a command asks of the connection, read and checked: the
// files are loaded, the entries parsed. Apply puts it into
// capture.Options.
type Net struct {
	Proxy         string
	NoProxy       *string
	ProxyTunnel   bool
	ProxyInsecure bool
	ProxyRootCAs  *x509.CertPool
	RootCAs       *x509.CertPool
	RootCAsFrom   string
	Certificates  []tls.Certificate
	Resolve       []capture.Resolve
	ConnectTo     []capture.ConnectTo
	Digest        *capture.Credentials
	// Notes are plain sentences about what was done, for the user.
	Notes []string
}

// Apply sets the connection options of o from n.
func (n *Net) Apply(o *capture.Options) {
	o.Proxy, o.NoProxy, o.ProxyTunnel, o.ProxyInsecure = n.Proxy, n.NoProxy, n.ProxyTunnel, n.ProxyInsecure
	if n.ProxyRootCAs != nil {
		o.ProxyRootCAs = n.ProxyRootCAs
	}
	if n.RootCAs != nil {
		o.RootCAs, o.RootCAsFrom = n.RootCAs, n.RootCAsFrom
	}
	o.Certificates, o.Resolve, o.ConnectTo, o.Digest = n.Certificates, n.Resolve, n.ConnectTo, n.Digest
}

// network reads the connection options into a Net. Errors are the
// user's to fix, one sentence each; they never quote a password.
func (f *Flags) network(env Env) (Net, error) {
	n := &f.Net
	var out Net
	out.ProxyTunnel, out.ProxyInsecure = n.ProxyTunnel, n.ProxyInsecure
	if f.Given("noproxy") {
		out.NoProxy = &n.NoProxy
	}
	if err := f.proxy(&out); err != nil {
		return out, err
	}
	if n.Digest {
		if f.User == "" {
			return out, errors.New("--digest needs -u user:password")
		}
		user, pass, ok := strings.Cut(f.User, ":")
		if !ok {
			return out, errors.New("-u needs user:password; without the password curl would ask for it, so write -u 'user:password'")
		}
		out.Digest = &capture.Credentials{User: user, Password: pass}
	}
	var err error
	if out.RootCAs, out.RootCAsFrom, err = caPool(n.CACert, n.CAPath, env); err != nil {
		return out, err
	}
	if n.ProxyCACert != "" {
		pool := x509.NewCertPool()
		b, err := env.readFile(n.ProxyCACert)
		if err != nil || !pool.AppendCertsFromPEM(b) {
			return out, fmt.Errorf("--proxy-cacert %s: error setting certificate file (curl's words): %s", n.ProxyCACert, readProblem(err, "it holds no PEM certificate"))
		}
		out.ProxyRootCAs = pool
	}
	if n.Cert != "" {
		c, err := clientCert(n, env)
		if err != nil {
			return out, err
		}
		out.Certificates = []tls.Certificate{c}
	}
	for _, e := range n.Resolve {
		r, ok, err := parseResolve(e)
		if err != nil {
			return out, err
		}
		if ok {
			out.Resolve = append(out.Resolve, r)
		}
	}
	for _, e := range n.ConnectTo {
		c, err := parseConnectTo(e)
		if err != nil {
			return out, err
		}
		out.ConnectTo = append(out.ConnectTo, c)
	}
	return out, nil
}

// proxy reads -x (or --socks5 ...) and -U into a proxy URL. Credentials
// in the URL win over -U, as in curl; -x "" means no proxy at all, not
// even one from the environment.
func (f *Flags) proxy(out *Net) error {
	n := &f.Net
	if f.Given("proxy") && n.Proxy == "" {
		none := "*"
		out.NoProxy = &none
		return nil
	}
	if n.Proxy == "" {
		if n.ProxyUser != "" {
			out.Notes = append(out.Notes, "-U gives proxy credentials, but no proxy is set with -x; it changes nothing (a proxy from HTTPS_PROXY takes its credentials from that setting)")
		}
		return nil
	}
	u, err := capture.ParseProxy(n.Proxy)
	if err != nil {
		return fmt.Errorf("-x: %v", err)
	}
	if n.ProxyUser != "" && u.User == nil {
		user, pass, ok := strings.Cut(n.ProxyUser, ":")
		if !ok {
			return errors.New("-U needs user:password; without the password curl would ask for it, so write -U 'user:password'")
		}
		u.User = url.UserPassword(user, pass)
	}
	out.Proxy = u.String()
	return nil
}

// caPool builds the trust for the server from --cacert and --capath. They
// add to the system's roots, as Debian's and Ubuntu's curl do (the
// default CA folder /etc/ssl/certs stays in force next to a --cacert
// file); builds without a default folder (Windows, macOS) trust only
// what is given. from describes the pool for the ticket.
func caPool(file, dir string, env Env) (*x509.CertPool, string, error) {
	if file == "" && dir == "" {
		return nil, "", nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	var from []string
	if file != "" {
		b, err := env.readFile(file)
		n := 0
		if err == nil {
			n = addPEM(pool, b)
		}
		if n == 0 {
			return nil, "", fmt.Errorf("--cacert %s: error setting certificate file (curl's words): %s", file, readProblem(err, "it holds no PEM certificate"))
		}
		from = append(from, fmt.Sprintf("%s (%s)", filepath.Base(file), plural(n, "certificate")))
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, "", fmt.Errorf("--capath %s: cannot read the folder (%s)", dir, readProblem(err, "check the path"))
		}
		n := 0
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			if b, err := env.readFile(filepath.Join(dir, e.Name())); err == nil {
				n += addPEM(pool, b)
			}
		}
		from = append(from, fmt.Sprintf("the folder %s (%s)", dir, plural(n, "certificate")))
	}
	return pool, "the system's and " + strings.Join(from, " and "), nil
}

// addPEM adds the PEM certificates in b to pool and counts them.
func addPEM(pool *x509.CertPool, b []byte) int {
	n := 0
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return n
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			pool.AddCert(c)
			n++
		}
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// readProblem words a file error (fileProblem), or why when the file was
// read but is not usable.
func readProblem(err error, why string) string {
	if err == nil {
		return why
	}
	return fileProblem(err)
}

// clientCert loads --cert (with :password) and --key in PEM, curl's
// default type. The key may be in the --cert file, as curl allows, and
// may be encrypted the traditional OpenSSL way (Proc-Type: 4,ENCRYPTED)
// with --pass or the password after --cert's colon.
func clientCert(n *Network, env Env) (tls.Certificate, error) {
	for _, t := range []struct{ flag, v, what string }{{"--cert-type", n.CertType, "certificate"}, {"--key-type", n.KeyType, "private key"}} {
		if t.v != "" && !strings.EqualFold(t.v, "PEM") {
			return tls.Certificate{}, fmt.Errorf("%s %s: not supported file type '%s' for %s (curl's words for a type its TLS library lacks): altegio-ticket reads PEM only; convert it, e.g. openssl x509 -inform DER -in cert.der -out cert.pem (for P12: openssl pkcs12 -in cert.p12 -nodes -out cert.pem)",
				t.flag, printable(t.v), printable(t.v), t.what)
		}
	}
	file, pass := splitCertArg(n.Cert)
	if n.Pass != "" {
		pass = n.Pass
	}
	certPEM, err := env.readFile(file)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--cert %s: could not load PEM client certificate (curl's words): %s", file, readProblem(err, ""))
	}
	keyFile, keyPEM := file, certPEM
	if n.Key != "" {
		keyFile = n.Key
		if keyPEM, err = env.readFile(keyFile); err != nil {
			return tls.Certificate{}, fmt.Errorf("--key %s: unable to set private key file (curl's words): %s", keyFile, readProblem(err, ""))
		}
	}
	keyPEM, err = decryptKey(keyPEM, pass)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("the private key in %s: %v", keyFile, err)
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--cert %s: could not load PEM client certificate (curl's words): %s", file, keyPairProblem(err))
	}
	return c, nil
}

// keyPairProblem words tls.X509KeyPair's errors for the fix.
func keyPairProblem(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "failed to find any PEM data in certificate"), strings.Contains(s, "failed to find certificate PEM data"):
		return "no PEM certificate in the file (is it DER or P12? convert it to PEM with openssl)"
	case strings.Contains(s, "failed to find any PEM data in key"), strings.Contains(s, "PRIVATE KEY"),
		strings.Contains(s, "found a certificate rather than a key"):
		return "no private key found; give it with --key FILE"
	case strings.Contains(s, "does not match"):
		return "the private key does not belong to the certificate; check --key"
	}
	return strings.TrimPrefix(s, "tls: ")
}

// splitCertArg splits curl's --cert "file:password" at the first colon
// that is not escaped with a backslash and is not a Windows drive's
// ("C:\cert.pem").
func splitCertArg(s string) (file, pass string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == ':':
			b.WriteByte(':')
			i++
		case c == ':' && i == 1 && isLetter(s[0]) && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '/'):
			b.WriteByte(c)
		case c == ':':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// decryptKey returns keyPEM with its private key decrypted when it is
// encrypted the traditional OpenSSL way; PKCS#8 encrypted keys are
// refused with the fix. Other blocks are kept as they are.
func decryptKey(keyPEM []byte, pass string) ([]byte, error) {
	var out []byte
	rest := keyPEM
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("it is an encrypted PKCS#8 key, which altegio-ticket cannot decrypt; write it unencrypted with openssl pkey -in key.pem -out key-plain.pem and give that with --key")
		// Deprecated in crypto/x509 as weak, but it is what such key
		// files use, and they are only read here.
		case x509.IsEncryptedPEMBlock(block):
			if pass == "" {
				return nil, errors.New("it is encrypted; give its pass phrase with --pass")
			}
			der, err := x509.DecryptPEMBlock(block, []byte(pass))
			if err != nil {
				return nil, errors.New("its pass phrase (--pass) does not decrypt it")
			}
			block = &pem.Block{Type: block.Type, Bytes: der}
		}
		out = append(out, pem.EncodeToMemory(block)...)
	}
	if out == nil {
		return keyPEM, nil
	}
	return out, nil
}

// parseResolve reads one --resolve entry: [+]host:port:addr[,addr]...;
// "-host:port" (which removes an entry in curl) gives ok false. An IPv6
// address may be in brackets.
func parseResolve(e string) (r capture.Resolve, ok bool, err error) {
	bad := fmt.Errorf("--resolve %s: Couldn't parse CURLOPT_RESOLVE entry (curl's words); write it as host:port:address, e.g. api.alteg.io:443:10.0.0.5", printable(e))
	if strings.HasPrefix(e, "-") {
		return r, false, nil
	}
	s := strings.TrimPrefix(e, "+")
	host, rest, ok1 := strings.Cut(s, ":")
	port, addrs, ok2 := strings.Cut(rest, ":")
	n, perr := strconv.Atoi(port)
	if !ok1 || !ok2 || host == "" || perr != nil || n < 1 || n > 65535 || addrs == "" {
		return r, false, bad
	}
	r = capture.Resolve{Host: host, Port: n}
	for _, a := range strings.Split(addrs, ",") {
		a = strings.TrimSpace(a)
		if strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]") {
			a = a[1 : len(a)-1]
		}
		if net.ParseIP(a) == nil {
			return r, false, bad
		}
		r.Addrs = append(r.Addrs, a)
	}
	return r, true, nil
}

// parseConnectTo reads one --connect-to entry: HOST1:PORT1:HOST2:PORT2,
// each part possibly empty, IPv6 hosts in brackets.
func parseConnectTo(e string) (capture.ConnectTo, error) {
	bad := fmt.Errorf("--connect-to %s: write it as HOST1:PORT1:HOST2:PORT2 (any part may be empty), e.g. api.alteg.io:443:10.0.0.5:443", printable(e))
	var parts []string
	for s := e; ; {
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return capture.ConnectTo{}, bad
			}
			parts = append(parts, s[1:end])
			s = s[end+1:]
			if s == "" {
				break
			}
			if s[0] != ':' {
				return capture.ConnectTo{}, bad
			}
			s = s[1:]
			continue
		}
		part, rest, more := strings.Cut(s, ":")
		parts = append(parts, part)
		if !more {
			break
		}
		s = rest
	}
	if len(parts) != 4 {
		return capture.ConnectTo{}, bad
	}
	port := func(p string) (int, bool) {
		if p == "" {
			return 0, true
		}
		n, err := strconv.Atoi(p)
		return n, err == nil && n >= 1 && n <= 65535
	}
	p1, ok1 := port(parts[1])
	p2, ok2 := port(parts[3])
	if !ok1 || !ok2 {
		return capture.ConnectTo{}, bad
	}
	return capture.ConnectTo{Host: parts[0], Port: p1, ToHost: parts[2], ToPort: p2}, nil
}

// rangeHeader adds the header curl's -r makes, as curl 7.88.1 sends it
// (checked against a loopback recorder): "Range: bytes=RANGE" on a
// request without a body, "Content-Range: bytes RANGE/SIZE" on one with
// -d or --json; a range that starts with a digit and has no dash gets
// one appended, as curl does with a warning. A header of that name given
// with -H wins.
func (f *Flags) rangeHeader(body []byte, add func(name, value string, origin capture.Origin)) (note string) {
	r := f.Net.Range
	if !f.Given("range") || r == "" {
		return ""
	}
	if r[0] >= '0' && r[0] <= '9' && !strings.Contains(r, "-") {
		r += "-"
		note = "-r: a range must include a dash; " + printable(r) + " is sent, as curl does"
	}
	switch {
	case f.Given("form") || f.Given("form-string"):
		// curl 7.88 adds neither header to a multipart form.
	case body != nil:
		add("Content-Range", "bytes "+r+"/"+strconv.Itoa(len(body)), capture.FromUser)
	default:
		add("Range", "bytes="+r, capture.FromUser)
	}
	return note
}

// proxyValue is --socks5 HOST and its kin: the proxy with its scheme.
type proxyValue struct {
	f      *Flags
	name   string
	scheme string
}

func (v *proxyValue) Set(s string) error {
	if !strings.Contains(s, "://") {
		s = v.scheme + "://" + s
	}
	v.f.Net.Proxy = s
	v.f.mark(v.name)
	return nil
}
func (v *proxyValue) String() string { return "" }
func (v *proxyValue) Type() string   { return "string" }

func (*proxyValue) curlOption() {}

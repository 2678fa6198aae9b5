// Package curlsh owns replay.sh, the ticket attachment that repeats the
// recorded call with one curl command.
//
// Script takes the redacted exchange and writes a bash script that sends
// the first request again as it went on the wire: the method, the URL as
// written in the request line, every header the user (or the tool, as curl
// would) put on it, and the body byte for byte, binary included. Secrets
// are not in the script: each placeholder left by redaction becomes a
// reference to an environment variable (ALTEGIO_PARTNER_TOKEN, ...), and
// the script stops before sending anything when one is unset.
//
// Every byte is quoted for bash: text in single quotes, control and
// non-UTF-8 bytes as $'\xHH', and bodies that are not UTF-8 text (or hold
// a NUL, which no shell string can) as base64 fed to base64 -d.
package curlsh

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
)

// Secret is a secret that redaction replaced by a placeholder. It carries
// no value: the script reads the value from the environment variable Env.
type Secret struct {
	Placeholder string // e.g. "{{partner_token}}"
	Env         string // e.g. "ALTEGIO_PARTNER_TOKEN"; see EnvName
	Description string // e.g. "the partner token"
}

// EnvName is the environment variable replay.sh reads a secret of the given
// role from: ALTEGIO_ and the role in upper case, with any character that
// a variable name cannot hold turned into '_'.
func EnvName(role string) string {
	var b strings.Builder
	b.WriteString("ALTEGIO_")
	for _, c := range strings.ToUpper(role) {
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Info is what the script's comment block says about the call.
type Info struct {
	Recorded string // e.g. "2026-11-29 10:00:00 UTC"
	Version  string // altegio-ticket version
}

// Script returns replay.sh for the request of ex as the user made it
// (Exchange.Call: the first, or the answer to a Digest challenge, sent
// again with curl --digest), which must be redacted already. secrets lists the placeholders to turn into
// environment variables; a placeholder not listed stays literal text.
func Script(ex *capture.Exchange, secrets []Secret, info Info) []byte {
	call := ex.Call()
	req := call.Request
	digest := call.Auth == "digest"
	if digest {
		// The Digest answer is bound to the server's nonce of that
		// moment: curl --digest computes a fresh one from the
		// credentials, which the script reads from the environment.
		var hs capture.Headers
		for _, h := range req.Header {
			if !(strings.EqualFold(h.Name, "Authorization") && strings.HasPrefix(strings.TrimSpace(h.Value), "Digest ")) {
				hs = append(hs, h)
			}
		}
		req.Header = hs
	}
	s := &script{secrets: secrets}
	used := s.usedSecrets(req)

	w := &bytes.Buffer{}
	fmt.Fprintf(w, "#!/usr/bin/env bash\n")
	fmt.Fprintf(w, "# replay.sh repeats the Alteg.io API call of this ticket with curl:\n#\n")
	fmt.Fprintf(w, "#   %s %s\n", oneLine(req.Method), oneLine(req.URL))
	if info.Recorded != "" {
		fmt.Fprintf(w, "#   recorded %s by altegio-ticket %s\n", oneLine(info.Recorded), oneLine(info.Version))
	}
	fmt.Fprintf(w, "#\n# It sends the method, the URL, the headers and the body exactly as they\n")
	fmt.Fprintf(w, "# were sent; curl adds Host and Content-Length as the original client did.\n")
	fmt.Fprintf(w, "# Headers curl would add on its own and the original call did not send are\n")
	fmt.Fprintf(w, "# switched off with -H 'Name:'. Add -v after curl to see the exchange.\n")
	if len(used) > 0 {
		fmt.Fprintf(w, "#\n# The secrets are not in this file. The script reads them from the\n")
		fmt.Fprintf(w, "# environment and stops before sending anything if one is missing:\n")
		width := 0
		for _, sc := range used {
			width = max(width, len(sc.Env))
		}
		for _, sc := range used {
			fmt.Fprintf(w, "#   %-*s  %s\n", width, sc.Env, oneLine(sc.Description))
		}
		fmt.Fprintf(w, "#\n# Run it as:\n#   ")
		for _, sc := range used {
			fmt.Fprintf(w, "%s=... ", sc.Env)
		}
		fmt.Fprintf(w, "bash replay.sh\n")
	} else {
		fmt.Fprintf(w, "#\n# Run it as: bash replay.sh\n")
	}
	changes := !capture.SafeMethod(req.Method) // sending it again needs a yes
	if changes {
		fmt.Fprintf(w, "#\n# %s changes data: sending it again may book or pay twice, so the\n", oneLine(req.Method))
		fmt.Fprintf(w, "# script asks first. bash replay.sh --yes, or %s=1, sends it\n# without asking.\n", YesEnv)
	}
	fmt.Fprintf(w, "set -euo pipefail\n")
	if len(used) > 0 {
		w.WriteString("\n")
		for _, sc := range used {
			fmt.Fprintf(w, ": \"${%s:?set it to %s}\"\n", sc.Env, paramWord(sc.Description))
		}
	}
	if changes {
		w.WriteString("\n")
		s.confirm(w, req)
	}

	hasBody := req.Body.Size > 0 || len(req.Body.Data) > 0 ||
		req.Header.Has("Content-Length") || req.Header.Has("Transfer-Encoding")
	if hasBody {
		w.WriteString("\n")
		s.body(w, req.Body)
	}

	var args []string
	args = append(args, "--silent", "--show-error", "--include", "--globoff", "--path-as-is")
	u := wireURL(req.URL, s)
	if strings.HasPrefix(strings.ToLower(req.URL), "https:") && req.Proto == "HTTP/1.1" {
		// curl would negotiate HTTP/2 where the original went out on 1.1.
		args = append(args, "--http1.1")
	}
	if ex.Insecure {
		args = append(args, "--insecure")
	}
	if digest {
		args = append(args, "--digest", `--user "${ALTEGIO_DIGEST_USER:?set it to user:password for HTTP Digest authentication}"`)
	}
	if ex.Last() != ex.Call() {
		// Hops after the call's own request: the original client
		// followed redirects (a --digest probe is not one); curl, like it, does not
		// send Authorization to another host.
		args = append(args, "--location", "--max-redirs", "10")
	}
	switch m := req.Method; {
	case strings.EqualFold(m, "HEAD") && !hasBody:
		args = append(args, "--head")
	case hasBody && m == "POST", !hasBody && m == "GET":
		// curl's own method for the options below.
	default:
		args = append(args, "--request", s.word(m))
	}
	args = append(args, "--url", u)
	args = append(args, s.headers(req, hasBody)...)
	if hasBody {
		args = append(args, `--data-binary @"$body"`)
	}

	w.WriteString("\n")
	w.WriteString("curl")
	for i, a := range args {
		// One option per line, values next to their option.
		if i == 0 || strings.HasPrefix(a, "-") {
			w.WriteString(" \\\n  ")
		} else {
			w.WriteString(" ")
		}
		w.WriteString(a)
	}
	w.WriteString("\n")
	return w.Bytes()
}

type script struct {
	secrets []Secret
}

// YesEnv is the environment variable that lets replay.sh send a call that
// changes data without asking, like its --yes.
const YesEnv = "ALTEGIO_REPLAY_YES"

// confirm writes the question the script asks before it sends a call
// that changes data. Without a terminal to ask on, it stops and says how
// to send the call anyway.
func (s *script) confirm(w *bytes.Buffer, req capture.Sent) {
	what := quote(oneLine(req.Method + " " + req.URL))
	fmt.Fprintf(w, "if [ \"${1:-}\" != --yes ] && [ \"${%s:-}\" != 1 ]; then\n", YesEnv)
	w.WriteString("  if [ ! -t 0 ]; then\n")
	fmt.Fprintf(w, "    printf 'replay.sh: this sends %%s again and may change data; run bash replay.sh --yes (or set %s=1) to send it\\n' %s >&2\n", YesEnv, what)
	w.WriteString("    exit 2\n")
	w.WriteString("  fi\n")
	fmt.Fprintf(w, "  printf 'This sends %%s again; it may create a booking or a payment twice. Send it? [y/N] ' %s >&2\n", what)
	w.WriteString("  read -r answer\n")
	w.WriteString("  case \"$answer\" in\n")
	w.WriteString("  y | Y | yes | YES) ;;\n")
	w.WriteString("  *) echo 'replay.sh: not sent' >&2; exit 1 ;;\n")
	w.WriteString("  esac\n")
	w.WriteString("fi\n")
}

// usedSecrets lists the secrets whose placeholder occurs in the request,
// in the order given.
func (s *script) usedSecrets(req capture.Sent) []Secret {
	var out []Secret
	for _, sc := range s.secrets {
		ph := sc.Placeholder
		found := strings.Contains(req.URL, ph) || bytes.Contains(req.Body.Data, []byte(ph))
		for _, h := range sendable(req.Header) {
			found = found || strings.Contains(h.Name+h.Value, ph)
		}
		if found && ph != "" {
			out = append(out, sc)
		}
	}
	return out
}

// sendable lists the headers curl is given: the user's and the ones the
// tool added as curl would. The transport's Host and Content-Length curl
// adds itself; a chunked Transfer-Encoding it sends only when told to.
func sendable(h capture.Headers) capture.Headers {
	var out capture.Headers
	for _, f := range h {
		if f.Origin != capture.FromTransport || strings.EqualFold(f.Name, "Transfer-Encoding") {
			out = append(out, f)
		}
	}
	return out
}

// curlDefaults are the headers curl sends on its own unless told not to,
// and when.
var curlDefaults = []struct {
	name     string
	withBody bool // only when a body is sent
}{
	{"User-Agent", false},
	{"Accept", false},
	{"Content-Type", true},
	{"Expect", true}, // 100-continue for large bodies
}

// headers returns the -H options.
func (s *script) headers(req capture.Sent, hasBody bool) []string {
	var out []string
	for _, h := range sendable(req.Header) {
		if strings.ContainsAny(h.Name+h.Value, "\x00\r\n") {
			// No HTTP client sends these; curl could not either.
			continue
		}
		if strings.Trim(h.Value, " \t") == "" {
			// curl sends "Name:" with an empty value for -H 'Name;'; it
			// would read -H 'Name: ' as "remove Name". Whitespace around a
			// field value is not part of it in HTTP (RFC 9110, 5.5).
			out = append(out, "-H", s.word(h.Name+";"))
			continue
		}
		out = append(out, "-H", s.word(h.Name+": "+h.Value))
	}
	for _, d := range curlDefaults {
		if (hasBody || !d.withBody) && !req.Header.Has(d.name) {
			out = append(out, "-H", s.word(d.name+":"))
		}
	}
	return out
}

// body writes the part of the script that writes the body to a temporary
// file, so that a failure stops the script before curl sends anything.
func (s *script) body(w *bytes.Buffer, b capture.Body) {
	if len(b.Data) == 0 {
		w.WriteString("# The request body is empty.\n")
	} else {
		fmt.Fprintf(w, "# The request body, %s, byte for byte.\n", sizeText(int64(len(b.Data))))
	}
	if b.Truncated {
		fmt.Fprintf(w, "# It was cut to %d of its %d bytes for this ticket, so the replay is not\n# exact.\n", len(b.Data), b.Size)
		fmt.Fprintf(w, "echo 'replay.sh: the request body was cut to %d of %d bytes for the ticket; the replay is not exact' >&2\n", len(b.Data), b.Size)
	}
	w.WriteString("body=$(mktemp)\ntrap 'rm -f \"$body\"' EXIT\n")
	if len(b.Data) == 0 {
		return // mktemp made it empty
	}
	w.WriteString("{\n")
	for _, seg := range s.split(string(b.Data)) {
		switch {
		case seg.secret != nil:
			fmt.Fprintf(w, "  printf '%%s' \"${%s}\"\n", seg.secret.Env)
		case isText(seg.text):
			fmt.Fprintf(w, "  printf '%%s' %s\n", quote(seg.text))
		default:
			w.WriteString("  base64 -d <<'BASE64'\n")
			enc := base64.StdEncoding.EncodeToString([]byte(seg.text))
			for len(enc) > 76 {
				w.WriteString(enc[:76] + "\n")
				enc = enc[76:]
			}
			w.WriteString(enc + "\nBASE64\n")
		}
	}
	w.WriteString("} >\"$body\"\n")
}

// segment is a run of literal text or one secret.
type segment struct {
	text   string
	secret *Secret
}

// split cuts s at the placeholders of the secrets.
func (s *script) split(text string) []segment {
	var out []segment
	for text != "" {
		at, which := -1, -1
		for i, sc := range s.secrets {
			if sc.Placeholder == "" {
				continue
			}
			if j := strings.Index(text, sc.Placeholder); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			out = append(out, segment{text: text})
			break
		}
		if at > 0 {
			out = append(out, segment{text: text[:at]})
		}
		out = append(out, segment{secret: &s.secrets[which]})
		text = text[at+len(s.secrets[which].Placeholder):]
	}
	return out
}

// word returns text as one bash word, with each placeholder replaced by a
// reference to its environment variable.
func (s *script) word(text string) string {
	if text == "" {
		return "''"
	}
	var b strings.Builder
	for _, seg := range s.split(text) {
		if seg.secret != nil {
			b.WriteString(`"${` + seg.secret.Env + `}"`)
		} else {
			b.WriteString(quote(seg.text))
		}
	}
	return b.String()
}

// wireURL returns the URL as the request line carried it (scheme and host
// plus the escaped path and the query as given), as one bash word. Go
// escapes a path the way url.URL.RequestURI does; the placeholders are
// protected from that escaping and then turned into variables.
//
// Redaction also replaces a secret's percent-encoded form, and the
// placeholder does not say which form it replaced; the variable's value
// goes in as it is. Tokens are letters and digits, for which both forms
// are the same; a secret with reserved characters in the URL must be
// given to the script percent-encoded.
func wireURL(raw string, s *script) string {
	protected := raw
	var swaps []string
	for i, sc := range s.secrets {
		if sc.Placeholder == "" || !strings.Contains(protected, sc.Placeholder) {
			continue
		}
		mark := fmt.Sprintf("ALTEGIOTICKETSECRET%dX", i)
		protected = strings.ReplaceAll(protected, sc.Placeholder, mark)
		swaps = append(swaps, mark, sc.Placeholder)
	}
	u, err := url.Parse(protected)
	if err == nil && u.Host != "" {
		protected = u.Scheme + "://" + u.Host + u.RequestURI()
	}
	return s.word(strings.NewReplacer(swaps...).Replace(protected))
}

// quote returns text as a bash word that stands for exactly its bytes:
// printable runs in single quotes, a quote as \', anything else in $'...'
// with escapes.
// text must not hold a NUL, which no bash string can.
func quote(text string) string {
	if text == "" {
		return "''"
	}
	var b strings.Builder
	for len(text) > 0 {
		n := plainRun(text)
		if n > 0 {
			b.WriteString("'" + text[:n] + "'")
			text = text[n:]
			continue
		}
		if text[0] == '\'' {
			b.WriteString(`\'`)
			text = text[1:]
			continue
		}
		b.WriteString("$'")
		for len(text) > 0 && text[0] != '\'' && plainRun(text) == 0 {
			r, size := utf8.DecodeRuneInString(text)
			switch {
			case text[0] == '\\':
				b.WriteString(`\\`)
			case text[0] == '\n':
				b.WriteString(`\n`)
			case text[0] == '\t':
				b.WriteString(`\t`)
			case text[0] == '\r':
				b.WriteString(`\r`)
			case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, text[0])
				size = 1
			default:
				// A printable rune that plainRun refused: a Unicode
				// format or line separator character.
				fmt.Fprintf(&b, `\u%04x`, r)
			}
			text = text[size:]
		}
		b.WriteString("'")
	}
	return b.String()
}

// plainRun is the length of the prefix of text that can go inside single
// quotes as it is: printable UTF-8, newlines and tabs, but no quote.
func plainRun(text string) int {
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 || r == '\'' || r == 0x7f || r == 0x2028 || r == 0x2029 ||
			(r < 0x20 && r != '\n' && r != '\t') || (r >= 0x80 && r < 0xa0) {
			break
		}
		i += size
	}
	return i
}

// isText reports whether a body segment can be written as quoted text:
// valid UTF-8 without NUL. Other bytes are written as base64.
func isText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// paramWord makes a description safe after ":?" inside "${...}": no
// characters that bash would expand or that end the expansion.
func paramWord(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("$`\\\"}{'\n\r", r) || r < 0x20 {
			return -1
		}
		return r
	}, s)
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "?")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

func sizeText(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

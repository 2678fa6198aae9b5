package capture

import (
	"bytes"
	"net/textproto"
	"strings"
)

// Request heads in the caller's order.
//
// net/http writes a request head its own way: Host, User-Agent, then the
// other fields sorted by name, each name in canonical case (x-api-key
// goes out as X-Api-Key). curl writes the fields in the order the command
// line gives them, spelled as given. HTTP says neither order nor case
// matters, but the ticket promises the call went out as the user's curl
// sent it, and some servers (and WAFs) do care.
//
// So on HTTP/1.x the request head is rewritten on its way to the socket
// (h1Conn.Write): the head Go wrote is parsed, its fields are put in the
// order of the hop's intended list (Request.Header, or the client's own
// order for a forwarded call) with the list's spelling, and written out.
// Only the order, the name case, the separator after the colon and the
// whitespace around the value change: the request line, every value and
// the set of fields stay Go's, with one exception (a Content-Length: 0
// that nobody asked for, see arrange). When the connection has the whole
// head it tells the hop (the done func of h1Conn.expect), which applies
// the same function to the fields the transport reported, so that the
// ticket records the head as it went out. A head the rewrite cannot hold
// or read goes out as Go wrote it, and is recorded so.
//
// HTTP/2 has no such freedom: field names are lower case by the spec
// (RFC 9113, 8.2.1), and x/net writes the fields in its own order (Go
// map order); those heads are recorded as written and left alone.

// arrange returns the fields of a request head as they go on the wire.
// got are the fields the transport wrote, in its order, with its values;
// want is the intended list. Each field of got is matched to an entry of
// want with the same name (ASCII case-insensitively) and value (surrounding
// whitespace aside), or failing that the same name only (a Content-Length
// the list only places, a Referer net/http rewrote on a redirect); each
// entry is used once. Then:
//
//   - matched fields take want's order, want's spelling of the name,
//     want's Sep, and want's value bytes when they differ from got's
//     only in surrounding whitespace (net/http trims it; curl sends it);
//   - a Host that want does not place goes first, and a
//     Proxy-Authorization right after it, where curl writes them;
//   - when the request has no body (body false), a Content-Length: 0
//     that want does not name is left out: net/http adds it to a
//     body-less POST, PUT or PATCH, where curl sends none (a request
//     without Content-Length has no body, so the request means the
//     same). An empty body (curl -d "") keeps it, as curl sends it;
//   - every other field want does not name keeps got's order, after the
//     matched ones.
//
// Entries of want that the transport did not write are not added.
func arrange(got, want Headers, body bool) Headers {
	// The entries of want, by name and value, then by name, each in list
	// order: a repeated field is matched in order.
	exact := make(map[string][]int, len(want))
	byName := make(map[string][]int, len(want))
	for j, w := range want {
		n := lowerASCII(w.Name)
		k := n + "\x00" + textproto.TrimString(w.Value)
		exact[k] = append(exact[k], j)
		byName[n] = append(byName[n], j)
	}
	used := make([]bool, len(want))
	take := func(q []int) ([]int, int) {
		for len(q) > 0 {
			j := q[0]
			q = q[1:]
			if !used[j] {
				used[j] = true
				return q, j
			}
		}
		return q, -1
	}
	match := make([]int, len(got))
	for i, g := range got {
		k := lowerASCII(g.Name) + "\x00" + textproto.TrimString(g.Value)
		exact[k], match[i] = take(exact[k])
	}
	for i, g := range got {
		if match[i] < 0 {
			n := lowerASCII(g.Name)
			byName[n], match[i] = take(byName[n])
		}
	}

	at := make([]int, len(want)) // want index -> got index + 1
	var host, proxyAuth, back Headers
	for i, g := range got {
		j := match[i]
		switch {
		case j >= 0:
			at[j] = i + 1
		case lowerASCII(g.Name) == "host":
			host = append(host, g)
		case lowerASCII(g.Name) == "proxy-authorization":
			proxyAuth = append(proxyAuth, g)
		case !body && lowerASCII(g.Name) == "content-length" && textproto.TrimString(g.Value) == "0":
			// net/http's, on a body-less POST, PUT or PATCH.
		default:
			back = append(back, g)
		}
	}
	out := make(Headers, 0, len(got))
	out = append(append(out, host...), proxyAuth...)
	for j, i := range at {
		if i == 0 {
			continue
		}
		g, w := got[i-1], want[j]
		f := g
		f.Name, f.Origin = w.Name, w.Origin
		if w.Origin == "" {
			f.Origin = g.Origin
		}
		f.Sep = ""
		if validSep(w.Sep) {
			f.Sep = w.Sep
		}
		if w.Value != g.Value && textproto.TrimString(w.Value) == textproto.TrimString(g.Value) && validValue(w.Value) {
			f.Value = w.Value
		}
		out = append(out, f)
	}
	return append(out, back...)
}

// rewriteHead returns the request head (request line, fields, blank line)
// with its fields arranged per want (see arrange for body) and true, or
// head itself and false when it cannot be read as one, which then goes
// out as net/http wrote it.
func rewriteHead(head []byte, want Headers, body bool) ([]byte, bool) {
	lines := bytes.Split(bytes.TrimSuffix(head, []byte("\r\n\r\n")), []byte("\r\n"))
	if len(lines) < 1 || len(lines[0]) == 0 {
		return head, false
	}
	got := make(Headers, 0, len(lines)-1)
	for _, l := range lines[1:] {
		// net/http writes each field as "Name: value".
		name, value, ok := bytes.Cut(l, []byte(": "))
		if !ok {
			if name, ok = bytes.CutSuffix(l, []byte(":")); !ok {
				return head, false
			}
		}
		if len(name) == 0 || !validName(string(name)) {
			return head, false
		}
		got = append(got, Header{Name: string(name), Value: string(value)})
	}
	out := make([]byte, 0, len(head)+16)
	out = append(out, lines[0]...)
	out = append(out, "\r\n"...)
	for _, f := range arrange(got, want, body) {
		out = appendField(out, f)
	}
	return append(out, "\r\n"...), true
}

// appendField writes one header line: Name, the separator (": " unless
// Sep says otherwise), the value and CRLF.
func appendField(b []byte, f Header) []byte {
	sep := f.Sep
	if sep == "" {
		sep = ": "
	}
	b = append(b, f.Name...)
	b = append(b, sep...)
	b = append(b, f.Value...)
	return append(b, "\r\n"...)
}

// validSep reports whether s can stand between a field's name and value:
// a colon and optional spaces or tabs.
func validSep(s string) bool {
	rest, ok := strings.CutPrefix(s, ":")
	return ok && strings.Trim(rest, " \t") == ""
}

// validValue reports whether v can go on the wire as a field value: no
// control bytes other than tab (net/http refuses the others before
// writing, so the check only guards the rewrite).
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// validName reports whether n is an HTTP token (RFC 9110, 5.6.2).
func validName(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return n != ""
}

// lowerASCII lower-cases ASCII letters only: strings.EqualFold would also
// fold the Kelvin sign onto k, letting a list entry spelled with it stand
// for a field Go wrote, and put non-ASCII bytes in the head.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for k := i; k < len(b); k++ {
				if 'A' <= b[k] && b[k] <= 'Z' {
					b[k] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

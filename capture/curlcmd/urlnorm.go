package curlcmd

import (
	"fmt"
	"net/url"
	"strings"
)

// This file turns a URL into the one curl 7.88.1 sends (lib/urlapi.c),
// so that the request the replay records and sends is curl's:
//
//   - a space, a tab or any other control character anywhere in the URL
//     is refused ("URL using bad/illegal format or missing URL");
//   - the scheme is lower-cased, http:// is assumed when there is none;
//   - the fragment (#...) is never sent;
//   - the path loses its ./ and ../ segments (unless
//     --path-as-is), and bytes beyond ASCII in it are percent-encoded
//     with lowercase hex; the query is sent as written;
//   - user:password@ is taken out of the URL and sent as basic
//     authentication (cutUserinfo);
//   - a query added by -G or --url-query has its %XX escapes lower-cased
//     (appendQuery).

// URLError is a URL curl refuses to send, with where and why.
type URLError struct {
	// Pos is the character (from 1) of the problem, 0 when unknown.
	Pos    int
	Reason string
	// After is the start of the URL up to the problem, when it is safe
	// to show (the scheme and host).
	After string
}

func (e *URLError) Error() string {
	where := ""
	if e.After != "" {
		where = fmt.Sprintf(", after %q", e.After)
	}
	return fmt.Sprintf("curl refuses the URL: %s at character %d%s (curl: (3) URL using bad/illegal format or missing URL); encode a space as %%20 (or + in the query), or quote the URL if a shell split it", e.Reason, e.Pos, where)
}

// badURLByte returns the index of the first byte of s that curl refuses
// in a URL (a control character or a space), or -1.
func badURLByte(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return i
		}
	}
	return -1
}

func urlByteError(s string, i int) error {
	what := "a space"
	switch c := s[i]; {
	case c == '\t':
		what = "a tab"
	case c == '\n' || c == '\r':
		what = "a line break"
	case c != ' ':
		what = fmt.Sprintf("a control character (0x%02x)", c)
	}
	e := &URLError{Pos: len([]rune(s[:i])) + 1, Reason: "it has " + what}
	// Where it is, when that is in the scheme and host, which hold no
	// secret; the path, the query and a user:password may.
	hostStart := 0
	if j := strings.Index(s, "://"); j >= 0 {
		hostStart = j + 3
	}
	authEnd := len(s)
	if j := strings.IndexAny(s[hostStart:], "/?#"); j >= 0 {
		authEnd = hostStart + j
	}
	if i <= authEnd && !strings.Contains(s[:i], "@") && i > 0 {
		e.After = s[:i]
	}
	return e
}

// curlURL checks raw as curl does and returns the URL curl sends.
func curlURL(raw string, pathAsIs bool) (string, error) {
	if i := badURLByte(raw); i >= 0 {
		return "", urlByteError(raw, i)
	}
	s, err := ParseURL(raw)
	if err != nil {
		return "", err
	}
	scheme, rest, _ := strings.Cut(s, "://")
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	authority, pathQuery := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, pathQuery = rest[:i], rest[i:]
	}
	// An empty path stays empty: the request line has / either way, and
	// the URL reads as the user wrote it.
	path, query, hasQuery := strings.Cut(pathQuery, "?")
	if !pathAsIs {
		path = removeDotSegments(path)
	}
	path = encodeHighBytes(path)
	out := strings.ToLower(scheme) + "://" + authority + path
	if hasQuery {
		out += "?" + query
	}
	return out, nil
}

// encodeHighBytes percent-encodes the bytes beyond ASCII with lowercase
// hex, as curl does in a path.
func encodeHighBytes(p string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x80 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// removeDotSegments is RFC 3986's remove_dot_segments, which curl applies
// to every path unless --path-as-is.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	var out []string
	input := in
	for input != "" {
		switch {
		case strings.HasPrefix(input, "../"):
			input = input[3:]
		case strings.HasPrefix(input, "./"):
			input = input[2:]
		case strings.HasPrefix(input, "/./"):
			input = input[2:]
		case input == "/.":
			input = "/"
		case strings.HasPrefix(input, "/../"):
			input = input[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case input == "/..":
			input = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case input == "." || input == "..":
			input = ""
		default:
			start := 0
			if input[0] == '/' {
				start = 1
			}
			end := strings.IndexByte(input[start:], '/')
			if end < 0 {
				end = len(input)
			} else {
				end += start
			}
			out = append(out, input[:end])
			input = input[end:]
		}
	}
	return strings.Join(out, "")
}

// lowerEscapes lower-cases the hex digits of every %XX escape in s.
func lowerEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && isHex(b[i+1]) && isHex(b[i+2]) {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// appendQuery adds q to the URL's query as curl does for -G and
// --url-query (curl_url_set with CURLU_APPENDQUERY): its %XX escapes are
// lower-cased, and it is joined with & unless the query is empty or
// already ends with one. A space or control character in q makes the URL
// one curl refuses.
func appendQuery(target, q string) (string, error) {
	if q == "" {
		return target, nil
	}
	if i := badURLByte(q); i >= 0 {
		err := urlByteError(q, i).(*URLError)
		err.Reason += " in the query that -G or --url-query adds"
		err.Pos = len([]rune(target)) + 1 + len([]rune(q[:i])) + 1
		return "", err
	}
	q = lowerEscapes(q)
	base, query, hasQuery := strings.Cut(target, "?")
	switch {
	case !hasQuery || query == "":
		return base + "?" + q, nil
	case strings.HasSuffix(query, "&"):
		return target + q, nil
	}
	return target + "&" + q, nil
}

// uploadURL is curl's rule for -T FILE: when the URL's path ends in / (or
// is empty), the file's base name is added to it, percent-encoded; the
// path's escapes are then lower-cased, as curl sets it again.
func uploadURL(target, file string) (string, error) {
	if file == "-" || file == "." {
		return target, nil
	}
	scheme, rest, _ := strings.Cut(target, "://")
	authority, pathQuery := rest, "/"
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, pathQuery = rest[:i], rest[i:]
	}
	path, query, hasQuery := strings.Cut(pathQuery, "?")
	if path == "" {
		path = "/"
	}
	if !strings.HasSuffix(path, "/") {
		return target, nil
	}
	path = lowerEscapes(path + escape(baseName(file)))
	out := scheme + "://" + authority + path
	if hasQuery {
		out += "?" + query
	}
	return out, nil
}

// cutUserinfo takes user:password@ out of the URL and returns it decoded
// as "user:password" ("user:" when there is no password), as curl sends it
// with basic authentication.
func cutUserinfo(target string) (string, string, error) {
	scheme, rest, _ := strings.Cut(target, "://")
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return target, "", nil
	}
	user, pass, _ := strings.Cut(rest[:at], ":")
	u, err1 := url.PathUnescape(user)
	p, err2 := url.PathUnescape(pass)
	if err1 != nil || err2 != nil {
		return "", "", &URLError{Pos: len(scheme) + 4, Reason: "its user:password part has a % not followed by two hex digits"}
	}
	return scheme + "://" + rest[at+1:], u + ":" + p, nil
}

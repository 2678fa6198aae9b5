package curlcmd

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// urlProblem explains why url.Parse refused s: what is wrong, where (the
// character, counted in the URL as the user wrote it: added is the
// length of a scheme ParseURL put in front), and the fix. It shows the
// URL up to the break only while that is the scheme and host, with any
// user:password masked; past the host, the path and query may hold a
// token, so only the offending characters and the position are shown.
func urlProblem(s string, added int, err error) error {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	msg = strings.TrimPrefix(msg, "net/url: ")
	hostStart := 0
	if i := strings.Index(s, "://"); i >= 0 {
		hostStart = i + 3
	}
	authEnd := len(s)
	if i := strings.IndexAny(s[hostStart:], "/?#"); i >= 0 {
		authEnd = hostStart + i
	}
	if at := strings.LastIndex(s[hostStart:authEnd], "@"); at >= 0 {
		hostStart += at + 1
	}

	pos, what, fix := -1, "", ""
	switch {
	case strings.HasPrefix(msg, "invalid control character in URL"):
		pos = strings.IndexFunc(s, unicode.IsControl)
		r, _ := utf8.DecodeRuneInString(s[max(pos, 0):])
		what, fix = fmt.Sprintf("a control character (%U)", r), "retype the URL, or copy it again"
	case strings.HasPrefix(msg, "invalid character ") && strings.HasSuffix(msg, " in host name"):
		c := strings.TrimSuffix(strings.TrimPrefix(msg, "invalid character "), " in host name")
		if q, err := unquote(c); err == nil {
			c = q
		}
		pos = strings.Index(s[hostStart:], c)
		if pos >= 0 {
			pos += hostStart
		}
		what, fix = fmt.Sprintf("%q in the host name", c), "a host name has only letters, digits, dots and dashes"
		if c == " " {
			what, fix = "a space in the host name", "remove it (or quote the URL if a shell split it)"
		}
	case strings.HasPrefix(msg, "invalid URL escape "):
		esc := strings.TrimPrefix(msg, "invalid URL escape ")
		if q, err := unquote(esc); err == nil {
			esc = q
		}
		pos = badEscape(s)
		what, fix = fmt.Sprintf("a %% not followed by two hex digits (%q)", esc), "write a literal % as %25"
		if pos < 0 {
			// A well-formed escape where none may be: in the host.
			if i := strings.Index(s[hostStart:authEnd], esc); i >= 0 {
				pos = hostStart + i
			}
			what, fix = fmt.Sprintf("a percent-escape (%s) in the host name", esc), "write the host name plainly"
		}
	case strings.HasPrefix(msg, "invalid port "):
		what, fix = "the port is not a number", "write it as host:8080, or leave it out"
		pos = strings.LastIndex(s[:authEnd], ":") + 1
	case strings.HasPrefix(msg, "missing ']' in host"):
		pos = strings.Index(s[hostStart:], "[")
		if pos >= 0 {
			pos += hostStart
		}
		what, fix = "an IPv6 address without its closing ]", "write it as http://[::1]:8080/"
	case strings.Contains(msg, "first path segment in URL cannot contain colon"):
		scheme, _, _ := strings.Cut(s, "://")
		return fmt.Errorf("the URL starts with %q, which is not a scheme; start it with https://", scheme+"://")
	case strings.HasPrefix(msg, "invalid userinfo"):
		return errors.New("the URL's user:password part has a character that must be percent-encoded (@ as %40, : in the password as %3A), or use -u 'user:password'")
	default:
		return fmt.Errorf("the URL cannot be parsed (%s); check it, or quote it as one argument", msg)
	}
	if pos < added || pos > len(s) {
		// Found in the scheme ParseURL added, or not found: say what, not
		// where ("http://[]0" has an invalid port with no colon of its own).
		pos = -1
	}
	if pos < 0 {
		return fmt.Errorf("the URL cannot be parsed: %s; %s", what, fix)
	}
	at := utf8.RuneCountInString(s[:pos]) - added + 1
	where := ""
	switch {
	case pos <= authEnd && pos >= added:
		shown := s[added:pos]
		if h := hostStart - added; h > 0 && h <= len(shown) && strings.Contains(shown[:h], "@") {
			// user:password@ is masked, as everywhere on the terminal.
			scheme := ""
			if i := strings.Index(shown, "://"); i >= 0 {
				scheme = shown[:i+3]
			}
			shown = scheme + "…@" + shown[h:]
		}
		where = fmt.Sprintf(" after %q", shown)
	case strings.Contains(s[authEnd:pos], "?"):
		where = " in the query"
	default:
		where = " in the path"
	}
	return fmt.Errorf("the URL breaks at character %d%s: %s; %s", at, where, what, fix)
}

// badEscape returns the index of the first % in s that does not start
// an escape of two hex digits, or -1.
func badEscape(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return i
		}
		i += 2
	}
	return -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unquote(s string) (string, error) {
	if len(s) >= 2 && s[0] == '"' {
		var out string
		_, err := fmt.Sscanf(s, "%q", &out)
		return out, err
	}
	return s, nil
}

// validMethod reports whether m is an HTTP method token (RFC 9110): a
// word of letters, digits and a few marks, with no space.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, r := range m {
		if r > unicode.MaxASCII || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

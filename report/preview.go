package report

import (
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/report/internal/jsontext"
)

// indentJSONPrefix pretty-prints the start of a JSON text as json.Indent
// does with two spaces, and stops once the output reaches limit bytes. It
// reads only as much of data as that takes, so a 5 MiB body costs no more
// than its first screens, where json.Indent must read and check all of it.
//
// It checks the grammar of what it reads (strings, numbers and literals,
// and where each may stand), and returns false when data does not start
// like a JSON object or array or breaks a rule in the part it read, so that
// the caller shows the text as it is. consumed is how many bytes of data
// the output covers; out may end past limit by one token.
func indentJSONPrefix(data []byte, limit int) (out []byte, consumed int, ok bool) {
	i := jsontext.SkipSpace(data, 0)
	if i == len(data) || data[i] != '{' && data[i] != '[' {
		return nil, 0, false
	}
	buf := make([]byte, 0, min(limit, len(data)+len(data)/4)+64)
	var stack []byte // the open brackets' closing bytes
	const (
		wantValue = iota
		wantKey   // a key or, right after "{", the end of the object
		wantColon
		wantNext // "," or the closing bracket
	)
	want := wantValue
	newline := func() {
		buf = append(buf, '\n')
		for range stack {
			buf = append(buf, ' ', ' ')
		}
	}
	// afterValue sets what may follow a complete value.
	afterValue := func() {
		want = wantNext
	}
	for i < len(data) && len(buf) < limit {
		c := data[i]
		switch {
		case c == '{' || c == '[':
			if want != wantValue {
				return nil, 0, false
			}
			closer := byte('}')
			if c == '[' {
				closer = ']'
			}
			buf = append(buf, c)
			if j := jsontext.SkipSpace(data, i+1); j < len(data) && data[j] == closer {
				// An empty object or array stays on its line, as
				// json.Indent writes it.
				buf = append(buf, closer)
				i = j + 1
				afterValue()
			} else {
				stack = append(stack, closer)
				newline()
				i++
				want = wantValue
				if c == '{' {
					want = wantKey
				}
			}
		case c == '}' || c == ']':
			if want != wantNext || len(stack) == 0 || stack[len(stack)-1] != c {
				return nil, 0, false
			}
			stack = stack[:len(stack)-1]
			newline()
			buf = append(buf, c)
			i++
			afterValue()
		case c == ',':
			if want != wantNext || len(stack) == 0 {
				return nil, 0, false
			}
			buf = append(buf, ',')
			newline()
			i++
			want = wantValue
			if stack[len(stack)-1] == '}' {
				want = wantKey
			}
		case c == ':':
			if want != wantColon {
				return nil, 0, false
			}
			buf = append(buf, ':', ' ')
			i++
			want = wantValue
		case c == '"':
			if want != wantValue && want != wantKey {
				return nil, 0, false
			}
			j, good := jsontext.StringEnd(data, i)
			if !good {
				return nil, 0, false
			}
			buf = append(buf, data[i:j]...)
			i = j
			if want == wantKey {
				want = wantColon
			} else {
				afterValue()
			}
		default:
			j := i
			for j < len(data) && isLiteralByte(data[j]) {
				j++
			}
			if want != wantValue || !validLiteral(data[i:j]) {
				return nil, 0, false
			}
			buf = append(buf, data[i:j]...)
			i = j
			afterValue()
		}
		if len(stack) == 0 {
			// The value is complete; only blanks may follow.
			if jsontext.SkipSpace(data, i) != len(data) {
				return nil, 0, false
			}
			return buf, len(data), true
		}
		i = jsontext.SkipSpace(data, i)
	}
	if i >= len(data) {
		return nil, 0, false // the JSON breaks off
	}
	return buf, i, true
}

// validLiteral reports whether b is true, false, null or a JSON number.
func validLiteral(b []byte) bool {
	switch string(b) {
	case "true", "false", "null":
		return true
	}
	end, ok := jsontext.NumberEnd(b, 0)
	return ok && end == len(b)
}

// isLiteralByte reports whether c can be part of a number, true, false or
// null.
func isLiteralByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// cutAtRune cuts b to at most n bytes, at a character boundary.
func cutAtRune(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}

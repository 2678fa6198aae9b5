// Package jsontext owns the small pieces of reading JSON text in place
// that report and report/diagnose share: they walk large answers without
// decoding them, and must agree with encoding/json on what a valid
// string is.
package jsontext

// StringEnd returns the index after the JSON string that starts at i
// (text[i] is its opening quote), and false when it is not a valid
// string: a control character, a bad escape, or no closing quote.
func StringEnd(text []byte, i int) (int, bool) {
	for j := i + 1; j < len(text); j++ {
		switch c := text[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			j++
			if j == len(text) {
				return 0, false
			}
			switch text[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(text) || !isHex4(text[j+1:j+5]) {
					return 0, false
				}
				j += 4
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// NumberEnd returns the index after the JSON number that starts at i, and
// false when none does.
func NumberEnd(text []byte, i int) (int, bool) {
	if i < len(text) && text[i] == '-' {
		i++
	}
	switch {
	case i < len(text) && text[i] == '0':
		i++
	case i < len(text) && text[i] >= '1' && text[i] <= '9':
		for i < len(text) && text[i] >= '0' && text[i] <= '9' {
			i++
		}
	default:
		return 0, false
	}
	digits := func() bool {
		start := i
		for i < len(text) && text[i] >= '0' && text[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(text) && text[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		i++
		if i < len(text) && (text[i] == '+' || text[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	return i, true
}

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(text []byte, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return i
}

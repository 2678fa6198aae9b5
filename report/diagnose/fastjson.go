package diagnose

import (
	"bytes"
	"encoding/json"

	"github.com/altegio/altegio-ticket/report/internal/jsontext"
)

// topFields reads a JSON text as json.Unmarshal reads it into a struct
// whose fields are names, each a json.RawMessage: ok is false when the
// text is not valid JSON, or is neither an object nor null; a key matches
// a name as encoding/json matches it (after unescaping, ignoring case, the
// last one winning).
//
// It exists for speed: an answer of a few MiB is mostly "data", which
// the checks never read, and encoding/json checks and walks it at about
// 100 MB/s; this walks it several times faster, with the same verdict
// (FuzzTopFields holds it to json.Unmarshal).
func topFields(text []byte, names ...string) (fields []json.RawMessage, ok bool) {
	fields = make([]json.RawMessage, len(names))
	i := jsontext.SkipSpace(text, 0)
	if bytes.HasPrefix(text[i:], []byte("null")) {
		end := jsontext.SkipSpace(text, i+4)
		return fields, end == len(text)
	}
	if i == len(text) || text[i] != '{' {
		return nil, false
	}
	i = jsontext.SkipSpace(text, i+1)
	if i < len(text) && text[i] == '}' {
		return fields, jsontext.SkipSpace(text, i+1) == len(text)
	}
	for {
		if i == len(text) || text[i] != '"' {
			return nil, false
		}
		keyEnd, ok := jsontext.StringEnd(text, i)
		if !ok {
			return nil, false
		}
		key := text[i+1 : keyEnd-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var s string
			if json.Unmarshal(text[i:keyEnd], &s) != nil {
				return nil, false
			}
			key = []byte(s)
		}
		i = jsontext.SkipSpace(text, keyEnd)
		if i == len(text) || text[i] != ':' {
			return nil, false
		}
		i = jsontext.SkipSpace(text, i+1)
		end, ok := skipValue(text, i, 1) // inside the top-level object
		if !ok {
			return nil, false
		}
		for n, name := range names {
			if bytes.EqualFold(key, []byte(name)) {
				fields[n] = text[i:end:end]
			}
		}
		i = jsontext.SkipSpace(text, end)
		if i == len(text) {
			return nil, false
		}
		switch text[i] {
		case ',':
			i = jsontext.SkipSpace(text, i+1)
		case '}':
			return fields, jsontext.SkipSpace(text, i+1) == len(text)
		default:
			return nil, false
		}
	}
}

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// skipValue returns the index after the JSON value at i, and false when
// there is no valid value there.
func skipValue(text []byte, i, depth int) (int, bool) {
	if i >= len(text) {
		return 0, false
	}
	switch c := text[i]; {
	case c == '"':
		return jsontext.StringEnd(text, i)
	case c == '{' || c == '[':
		if depth+1 > maxDepth {
			return 0, false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = jsontext.SkipSpace(text, i+1)
		if i < len(text) && text[i] == closer {
			return i + 1, true
		}
		for {
			if closer == '}' {
				if i == len(text) || text[i] != '"' {
					return 0, false
				}
				end, ok := jsontext.StringEnd(text, i)
				if !ok {
					return 0, false
				}
				i = jsontext.SkipSpace(text, end)
				if i == len(text) || text[i] != ':' {
					return 0, false
				}
				i = jsontext.SkipSpace(text, i+1)
			}
			end, ok := skipValue(text, i, depth+1)
			if !ok {
				return 0, false
			}
			i = jsontext.SkipSpace(text, end)
			if i == len(text) {
				return 0, false
			}
			switch text[i] {
			case ',':
				i = jsontext.SkipSpace(text, i+1)
			case closer:
				return i + 1, true
			default:
				return 0, false
			}
		}
	case c == 't':
		return literal(text, i, "true")
	case c == 'f':
		return literal(text, i, "false")
	case c == 'n':
		return literal(text, i, "null")
	}
	return jsontext.NumberEnd(text, i)
}

func literal(text []byte, i int, word string) (int, bool) {
	if bytes.HasPrefix(text[i:], []byte(word)) {
		return i + len(word), true
	}
	return 0, false
}

package jsontext

import (
	"encoding/json"
	"testing"
)

// TestStringEnd holds StringEnd to encoding/json's verdict on a string
// followed by other text.
func TestStringEnd(t *testing.T) {
	tests := map[string]struct {
		in   string
		want int // -1: not a valid string
	}{
		"plain":          {`"abc" tail`, 5},
		"escapes":        {`"a\"b\\c\/\n\u00e9" ,`, 19},
		"bad escape":     {`"a\x"`, -1},
		"short unicode":  {`"\u00e"`, -1},
		"control":        {"\"a\x01b\"", -1},
		"unterminated":   {`"abc`, -1},
		"backslash last": {`"abc\`, -1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			end, ok := StringEnd([]byte(tc.in), 0)
			if !ok {
				end = -1
			}
			if end != tc.want {
				t.Errorf("StringEnd(%q) = %d, want %d", tc.in, end, tc.want)
			}
			if ok && !json.Valid([]byte(tc.in[:end])) {
				t.Errorf("%q is taken as a string but encoding/json refuses it", tc.in[:end])
			}
		})
	}
}

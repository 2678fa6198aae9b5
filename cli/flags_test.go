package cli

import (
	"strings"
	"testing"
)

// TestParseReadsNothing: parse only reads the command line. Files that do
// not exist and a stdin that fails the test if read are no error there;
// load is the step that reads them, and says what is wrong.
func TestParseReadsNothing(t *testing.T) {
	missing := t.TempDir() + "/missing.txt"
	tests := map[string][]string{
		"pasted curl file":  {"--curl", "@" + missing},
		"pasted curl stdin": {"--curl", "-"},
		"har file":          {"--har", missing},
		"har list":          {"--har", missing, "--list"},
		"response file":     {"--no-replay", "--response", missing, "http://127.0.0.1:1/"},
		"body file":         {"-d", "@" + missing, "http://127.0.0.1:1/"},
		"body stdin":        {"--data-binary", "@-", "http://127.0.0.1:1/"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			opts, err := parse(args)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			_, err = load(opts, failingReader{}, nil)
			if err == nil || !strings.Contains(err.Error(), "missing.txt") && !strings.Contains(err.Error(), "stdin") {
				t.Errorf("load: %v, want an error that names the file or stdin", err)
			}
		})
	}
}

// failingReader is a stdin whose every read fails; load reports the
// failure.
type failingReader struct{}

func (r failingReader) Read([]byte) (int, error) { return 0, errStdinClosed }

var errStdinClosed = &usageError{"reading stdin: closed"}

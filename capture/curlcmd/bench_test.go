package curlcmd

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseChrome measures reading Chrome's bash export of a POST:
// splitting, curl's options, and building the request.
func BenchmarkParseChrome(b *testing.B) {
	text, err := os.ReadFile(filepath.Join(curlDir, "chrome-bash.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f, _, err := Parse(string(text), nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Build(Env{UserAgent: "t"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSplitCmd measures splitting Chrome's cmd.exe export.
func BenchmarkSplitCmd(b *testing.B) {
	text, err := os.ReadFile(filepath.Join(curlDir, "chrome-cmd.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Split(string(text), nil); err != nil {
			b.Fatal(err)
		}
	}
}

package curlcmd

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

// TestNormalize: option words as curl 7.88.1's getparameter reads them
// (each "want" was checked with curl 7.88.1: a refused word makes curl
// stop with the reason quoted in the message).
func TestNormalize(t *testing.T) {
	tests := map[string]struct {
		args []string
		want []string
		// problems are the options named in the error, if any.
		problems []string
	}{
		"unique prefix":        {[]string{"--sil", "--insec", "--max-ti", "1", "u"}, []string{"--silent", "--insecure", "--max-time=1", "u"}, nil},
		"any case":             {[]string{"--SILENT", "--Data", "a=1"}, []string{"--silent", "--data=a=1"}, nil},
		"no- on a boolean":     {[]string{"--no-location", "--no-basic"}, []string{"--location=false", "--basic=false"}, nil},
		"no- takes full names": {[]string{"--no-loc"}, nil, []string{"--no-loc"}},
		"no- on a value":       {[]string{"--no-header", "x"}, []string{"x"}, []string{"--no-header"}},
		"no- on a switch":      {[]string{"--no-http2"}, nil, []string{"--no-http2"}},
		"ambiguous prefix":     {[]string{"--ver", "--compr"}, nil, []string{"--ver", "--compr"}},
		"name=value":           {[]string{"--max-time=5", "u"}, []string{"u"}, []string{"--max-time=…"}},
		"short bundle":         {[]string{"-sSLXPOST", "-d@f"}, []string{"--silent", "--show-error", "--location", "--request=POST", "--data=@f"}, nil},
		"short value next":     {[]string{"-H", "-x: y"}, []string{"--header=-x: y"}, nil},
		"double dash":          {[]string{"--", "-x", "--y"}, []string{"--", "-x", "--y"}, nil},
		"inert ftp option":     {[]string{"--ftp-pasv", "--ftp-port", "-", "u"}, []string{"u"}, nil},
		"every problem at once": {[]string{"--frob", "--netrc", "-K", "cfg", "--next", "u"}, []string{"--netrc", "--config=cfg", "--next", "u"},
			[]string{"--frob", "--netrc", "-K/--config", "--next"}},
		"newer curl in full":    {[]string{"--show-headers"}, []string{"--show-headers"}, nil},
		"newer curl no prefix":  {[]string{"--show-hea"}, nil, []string{"--show-hea"}},
		"unknown short in word": {[]string{"-sW"}, []string{"--silent"}, []string{"-W"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fs := pflag.NewFlagSet("curl", pflag.ContinueOnError)
			fs.SetOutput(io.Discard)
			new(Flags).Register(fs)
			got, err := Normalize(fs, tc.args)
			var gotProblems []string
			var oe *OptionError
			if errors.As(err, &oe) {
				for _, p := range oe.Problems {
					gotProblems = append(gotProblems, strings.Fields(p.Option)[0])
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("words (-want +got):\n%s", d)
			}
			if strings.Contains(strings.Join(tc.args, " "), "=5") && (err == nil || !strings.Contains(err.Error(), "write --max-time VALUE")) {
				t.Errorf("--name=value: err = %v, want the spelling curl takes", err)
			}
			if d := cmp.Diff(tc.problems, gotProblems); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestOwnFlagsKeepEquals: a program's own flags on the same set keep
// --flag=value, and take part in prefix matching.
func TestOwnFlagsKeepEquals(t *testing.T) {
	fs := pflag.NewFlagSet("tool", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("max-body", "", "")
	fs.Bool("no-replay", false, "")
	new(Flags).Register(fs)
	got, err := Normalize(fs, []string{"--max-body=5MiB", "--no-replay", "--max-b", "1", "--max-t", "2"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--max-body=5MiB", "--no-replay", "--max-body=1", "--max-time=2"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// FuzzNormalize: any words are either normalized into words pflag takes
// without a panic, or refused with one line naming every problem.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"--sil -d a=1 u", "--no-location --no-x -Fa=@b", "-- -x", "--max-time=5 -", "---x -sSXPOST --url-q +a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		fs := pflag.NewFlagSet("curl", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
		fl := new(Flags)
		fl.Register(fs)
		out, err := Normalize(fs, args)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		_ = fs.Parse(out) // must not panic; pflag may still refuse a value
	})
}

// TestNormalizeNeverQuotesAValue: --name=value is refused naming the
// option only; the value may be a password or a token.
func TestNormalizeNeverQuotesAValue(t *testing.T) {
	for _, arg := range []string{"--user=alice:S3cretPass", "--proxy-user=bob:Pr0xyPass", "--nosuch=S3cretValue"} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		new(Flags).Register(fs)
		_, err := Normalize(fs, []string{arg, "u"})
		if err == nil || strings.Contains(err.Error(), "S3cret") || strings.Contains(err.Error(), "Pr0xy") {
			t.Errorf("Normalize(%q) = %v; want a refusal that quotes no value", arg, err)
		}
	}
}

package capture

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProxyHost(t *testing.T) {
	tests := map[string]string{
		"http://proxy:3128":                        "http://proxy:3128",
		"http://user:pass@proxy:3128":              "http://proxy:3128",
		"http://user:{{secret_1}}@proxy:3128/":     "http://proxy:3128",
		"socks5://u:p@w@10.0.0.1:1080":             "socks5://10.0.0.1:1080",
		"proxy.corp:8080":                          "proxy.corp:8080",
		"https://user@proxy.example?x=@evil:1#f@g": "https://proxy.example",
	}
	for in, want := range tests {
		if got := ProxyHost(in); got != want {
			t.Errorf("ProxyHost(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHostOfNeverTheWholeURL: fault messages name a peer by hostOf; a URL
// that does not parse must not come back whole, path and query included.
func TestHostOfNeverTheWholeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.alteg.io:443/api/v1/x?token=s":       "api.alteg.io:443",
		"https://api.alteg.io/reset/SECRET-TOKEN/%zz?t=s": "api.alteg.io",
		"https://u:p@api.alteg.io/%zz":                    "api.alteg.io",
		"/reset/SECRET-TOKEN/%z":                          "",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMediaRules(t *testing.T) {
	for cs, want := range map[string]bool{"": true, "utf-8": true, "utf8": true, "us-ascii": true, "ascii": true, "windows-1251": false, "utf-16": false} {
		if got := UTF8Charset(cs); got != want {
			t.Errorf("UTF8Charset(%q) = %v, want %v", cs, got, want)
		}
	}
	for mt, want := range map[string]bool{"application/json": true, "application/problem+json": true, "application/vnd.api.v2+json": true, "text/json-ish": false, "text/plain": false} {
		if got := IsJSONType(mt); got != want {
			t.Errorf("IsJSONType(%q) = %v, want %v", mt, got, want)
		}
	}
}

// TestSafeMethod pins the one list of methods that may be sent again
// without asking (RFC 9110 section 9.2.1): the prompt, --try-fixes and
// replay.sh all follow it.
func TestSafeMethod(t *testing.T) {
	got := map[string]bool{}
	for _, m := range []string{"GET", "get", "HEAD", "OPTIONS", "TRACE", "trace", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "PURGE", "", "G ET"} {
		got[m] = SafeMethod(m)
	}
	want := map[string]bool{"GET": true, "get": true, "HEAD": true, "OPTIONS": true, "TRACE": true, "trace": true,
		"POST": false, "PUT": false, "PATCH": false, "DELETE": false, "CONNECT": false, "PURGE": false, "": false, "G ET": false}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("SafeMethod (-want +got):\n%s", d)
	}
}

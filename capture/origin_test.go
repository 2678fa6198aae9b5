package capture

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSameOrigin pins the rule that keeps credentials from following a
// redirect to another origin: scheme, host and port must all match, and a
// port left out is the scheme's default. Deleting any of the three
// comparisons, or a default-port branch of portOf, fails a row.
func TestSameOrigin(t *testing.T) {
	tests := map[string]struct {
		from, to string
		want     bool
	}{
		"same URL":                    {"https://api.alteg.io/a", "https://api.alteg.io/b?x=1", true},
		"host case":                   {"https://API.Alteg.io/a", "https://api.alteg.io/b", true},
		"scheme case":                 {"HTTPS://api.alteg.io/a", "https://api.alteg.io/b", true},
		"https to http":               {"https://api.alteg.io/a", "http://api.alteg.io/a", false},
		"http to https":               {"http://api.alteg.io/a", "https://api.alteg.io/a", false},
		"same port, other scheme":     {"https://api.alteg.io:8443/a", "http://api.alteg.io:8443/a", false},
		"default port, other scheme":  {"http://api.alteg.io:443/a", "https://api.alteg.io/a", false},
		"other host":                  {"https://api.alteg.io/a", "https://evil.example/a", false},
		"subdomain":                   {"https://alteg.io/a", "https://api.alteg.io/a", false},
		"other port":                  {"https://api.alteg.io:8443/a", "https://api.alteg.io:9443/a", false},
		"explicit https default port": {"https://api.alteg.io/a", "https://api.alteg.io:443/a", true},
		"explicit http default port":  {"http://api.alteg.io:80/a", "http://api.alteg.io/a", true},
		"https default is not 80":     {"https://api.alteg.io/a", "https://api.alteg.io:80/a", false},
		"http default is not 443":     {"http://api.alteg.io/a", "http://api.alteg.io:443/a", false},
		"port given on one side":      {"http://127.0.0.1:8080/a", "http://127.0.0.1/a", false},
		"userinfo does not count":     {"https://u:p@api.alteg.io/a", "https://api.alteg.io/a", true},
		"unknown scheme, no port":     {"ftp://h/a", "ftp://h/b", true},
		"unknown scheme, port on one": {"ftp://h/a", "ftp://h:21/b", false},
		"IPv6 with and without port":  {"http://[::1]/a", "http://[::1]:80/a", true},
		"IPv6 other port":             {"http://[::1]:8080/a", "http://[::1]:8081/a", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := url.Parse(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			b, err := url.Parse(tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if got := sameOrigin(a, b); got != tc.want {
				t.Errorf("sameOrigin(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
			if got := sameOrigin(b, a); got != tc.want {
				t.Errorf("sameOrigin(%s, %s) = %v, want %v (not symmetric)", tc.to, tc.from, got, tc.want)
			}
		})
	}
}

func TestPortOf(t *testing.T) {
	got := map[string]string{}
	for _, raw := range []string{"https://h/", "HTTPS://h/", "http://h/", "Http://h/", "https://h:8443/", "http://h:8080/", "ftp://h/", "ws://h/"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		got[raw] = portOf(u)
	}
	want := map[string]string{
		"https://h/": "443", "HTTPS://h/": "443", "http://h/": "80", "Http://h/": "80",
		"https://h:8443/": "8443", "http://h:8080/": "8080", "ftp://h/": "", "ws://h/": "",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("portOf (-want +got):\n%s", d)
	}
}

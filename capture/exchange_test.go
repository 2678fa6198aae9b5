package capture

import "testing"

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

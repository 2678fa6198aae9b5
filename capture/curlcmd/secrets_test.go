package curlcmd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSecrets: every credential of the command line is listed, whether
// or not it goes over the wire (a --digest password, a -u that -H
// Authorization replaces, -U without -x, a key's passphrase).
func TestSecrets(t *testing.T) {
	tests := map[string]struct {
		cmd  string
		want []Secret
	}{
		"-u replaced by -H": {`curl -H 'Authorization: Bearer x' -u me:pw-one http://h.test`,
			[]Secret{{"password", "-u", "pw-one"}}},
		"--digest":     {`curl --digest -u me:pw-two http://h.test`, []Secret{{"password", "-u", "pw-two"}}},
		"-u user only": {`curl -u apikey-3: http://h.test`, []Secret{{"password", "-u", "apikey-3"}}},
		"oauth2":       {`curl --oauth2-bearer tok-4 http://h.test`, []Secret{{"oauth2_bearer", "--oauth2-bearer", "tok-4"}}},
		"-U and -x": {`curl -U pu:pp-5 -x http://xu:xp-6@127.0.0.1:3128 http://h.test`,
			[]Secret{{"proxy_password", "-U", "pp-5"}, {"proxy_password", "-x", "xp-6"}}},
		"--cert and --pass": {`curl --cert c.pem:kp-7 --pass kp-8 http://h.test`,
			[]Secret{{"key_password", "--cert", "kp-7"}, {"key_password", "--pass", "kp-8"}}},
		"URL userinfo": {`curl -H 'Authorization: Bearer x' 'http://me:p%40ss-9@h.test/'`, []Secret{{"password", "URL", "p@ss-9"}}},
		"none":         {`curl -H 'X-Api-Key: k' http://h.test`, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, _, err := Parse(tc.cmd, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, f.Secrets()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

package curlcmd

import (
	"net/url"
	"strings"
)

// Secret is a credential the command line holds. It may never go over
// the wire as written, and so never be seen in the exchange: a --digest
// password is only hashed, a -u or user:pass@ that an explicit -H
// Authorization replaces is not sent, -U without -x changes nothing, and
// --pass only opens a key file. The sender may still quote it (in
// --message), so redaction must know it.
type Secret struct {
	Role  string // "password", "proxy_password", "key_password", "oauth2_bearer"
	Flag  string // the option that gave it: "-u", "-U", "--pass", "URL", ...
	Value string
}

// Secrets returns the credentials the options hold, in a fixed order;
// a user name is one only when no password goes with it (-u apikey:).
func (f *Flags) Secrets() []Secret {
	var out []Secret
	add := func(role, flag, v string) {
		if strings.TrimSpace(v) != "" {
			out = append(out, Secret{Role: role, Flag: flag, Value: v})
		}
	}
	userPass := func(role, flag, up string) {
		user, pass, _ := strings.Cut(up, ":")
		if pass == "" {
			pass = user
		}
		add(role, flag, pass)
	}
	userPass("password", "-u", f.User)
	add("oauth2_bearer", "--oauth2-bearer", f.OAuth2Bearer)
	userPass("proxy_password", "-U", f.Net.ProxyUser)
	if u, err := url.Parse(f.Net.Proxy); err == nil && u.User != nil {
		p, _ := u.User.Password()
		userPass("proxy_password", "-x", u.User.Username()+":"+p)
	}
	if _, pass := splitCertArg(f.Net.Cert); pass != "" {
		add("key_password", "--cert", pass)
	}
	add("key_password", "--pass", f.Net.Pass)
	for _, raw := range append(append([]string(nil), f.Args...), f.urls...) {
		// A URL whose user:password does not decode is refused by the
		// build, which never quotes it.
		if _, up, err := cutUserinfo(raw); err == nil {
			if _, pass, _ := strings.Cut(up, ":"); pass != "" {
				add("password", "URL", pass)
			}
		}
	}
	return out
}

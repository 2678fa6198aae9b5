package redact

import "strings"

// Credential is one comma-separated part of an Authorization header, e.g.
// "Bearer abc" or "User def".
type Credential struct {
	// Scheme is the word before the token as written ("Bearer", "User",
	// "Basic"); "" when the part is a bare token.
	Scheme string
	// Token is the credential with surrounding quotes removed.
	Token string
	// Role is the role the token plays: RolePartnerToken, RoleUserToken,
	// or "" when the part is not an Alteg.io token.
	Role string
}

// ParseAuthorization splits an Authorization header value into its
// credentials. Alteg.io expects "Bearer <partner-token>" or
// "Bearer <partner-token>, User <user-token>": the Bearer token is the
// partner token and the User token is the user token, whatever order they
// come in. The parse is tolerant, because a malformed header is exactly
// what the user needs help with; a part that cannot be read as a
// credential becomes a bare token.
func ParseAuthorization(v string) []Credential {
	var out []Credential
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		c := Credential{}
		if i := strings.IndexAny(part, " \t"); i > 0 {
			c.Scheme = part[:i]
			c.Token = strings.TrimSpace(part[i+1:])
		} else {
			c.Token = part
		}
		c.Token = unquote(c.Token)
		switch strings.ToLower(c.Scheme) {
		case "bearer":
			c.Role = RolePartnerToken
		case "user":
			c.Role = RoleUserToken
		}
		out = append(out, c)
	}
	// Only the first Bearer is the partner token; a second one is an
	// integration mistake, but its value is still a secret. A second User
	// part keeps its role: client libraries that append ", User <token>"
	// on every call send the user token (or a newer one) again, and it
	// must read as a user token ({{user_token}}, or {{user_token_2}} for
	// another value), not as an unknown credential.
	seen := map[string]bool{}
	for i := range out {
		if out[i].Role == "" || out[i].Role == RoleUserToken {
			continue
		}
		if seen[out[i].Role] {
			out[i].Role = ""
			continue
		}
		seen[out[i].Role] = true
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

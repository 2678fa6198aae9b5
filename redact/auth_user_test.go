package redact

import (
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

// TestSecondUserPart: client libraries that append ", User <token>" to a
// shared header on every call send the User part twice. The token after
// the second User is a user token (the same one, or a newer one), never
// an unknown credential redacted as {{authorization}}; only the first
// user token is shareable in the ticket's Tokens section.
func TestSecondUserPart(t *testing.T) {
	tests := map[string]struct {
		header          string
		wantHeader      string
		wantShareable   []string
		wantPlaceholder []string
	}{
		"same token appended again": {
			header:          "Bearer pt-7f3a9c1e5b2d, User ut-0c4b8e2a6d1f, User ut-0c4b8e2a6d1f",
			wantHeader:      "Bearer {{partner_token}}, User {{user_token}}, User {{user_token}}",
			wantShareable:   []string{"partner_token", "user_token"},
			wantPlaceholder: []string{"{{partner_token}}", "{{user_token}}"},
		},
		"a newer token appended": {
			header:          "Bearer pt-7f3a9c1e5b2d, User ut-0c4b8e2a6d1f, User ut-99887766aabb",
			wantHeader:      "Bearer {{partner_token}}, User {{user_token}}, User {{user_token_2}}",
			wantShareable:   []string{"partner_token", "user_token"},
			wantPlaceholder: []string{"{{partner_token}}", "{{user_token}}", "{{user_token_2}}"},
		},
		"three calls' worth": {
			header:          "Bearer pt-7f3a9c1e5b2d, User ut-0c4b8e2a6d1f, User ut-99887766aabb, User ut-55443322ccdd",
			wantHeader:      "Bearer {{partner_token}}, User {{user_token}}, User {{user_token_2}}, User {{user_token_3}}",
			wantShareable:   []string{"partner_token", "user_token"},
			wantPlaceholder: []string{"{{partner_token}}", "{{user_token}}", "{{user_token_2}}", "{{user_token_3}}"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ex := &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{
				Method: "GET", URL: "https://api.alteg.io/api/v1/records/1",
				Header: capture.Headers{{Name: "Authorization", Value: tc.header}},
			}}}}
			res := Scrub(ex, Policy{})
			if d := cmp.Diff(tc.wantHeader, res.Exchange.First().Request.Header.Get("Authorization")); d != "" {
				t.Errorf("redacted header (-want +got):\n%s", d)
			}
			var shareable, placeholders []string
			for _, s := range res.Secrets {
				placeholders = append(placeholders, s.Placeholder)
				if s.Shareable() {
					shareable = append(shareable, s.Role)
				}
			}
			if d := cmp.Diff(tc.wantShareable, shareable); d != "" {
				t.Errorf("shareable roles (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantPlaceholder, placeholders); d != "" {
				t.Errorf("placeholders (-want +got):\n%s", d)
			}
			if strings.Contains(res.Exchange.First().Request.Header.Get("Authorization"), "{{authorization}}") {
				t.Error("a user token was redacted as {{authorization}}")
			}
		})
	}
}

func TestParseAuthorizationSecondUser(t *testing.T) {
	got := ParseAuthorization("Bearer a, User b, User c")
	want := []Credential{
		{Scheme: "Bearer", Token: "a", Role: RolePartnerToken},
		{Scheme: "User", Token: "b", Role: RoleUserToken},
		{Scheme: "User", Token: "c", Role: RoleUserToken},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseAuthorization (-want +got):\n%s", d)
	}
}

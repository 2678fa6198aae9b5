package redact

import (
	"net/url"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

func TestParseAuthorization(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []Credential
	}{
		"partner only": {"Bearer abc", []Credential{{Scheme: "Bearer", Token: "abc", Role: RolePartnerToken}}},
		"both tokens": {"Bearer abc, User def", []Credential{
			{Scheme: "Bearer", Token: "abc", Role: RolePartnerToken},
			{Scheme: "User", Token: "def", Role: RoleUserToken},
		}},
		"wrong order keeps roles": {"User def, Bearer abc", []Credential{
			{Scheme: "User", Token: "def", Role: RoleUserToken},
			{Scheme: "Bearer", Token: "abc", Role: RolePartnerToken},
		}},
		"quoted token": {`Bearer "abc"`, []Credential{{Scheme: "Bearer", Token: "abc", Role: RolePartnerToken}}},
		"bare token":   {"abc", []Credential{{Token: "abc"}}},
		"second bearer has no role": {"Bearer a, Bearer b", []Credential{
			{Scheme: "Bearer", Token: "a", Role: RolePartnerToken},
			{Scheme: "Bearer", Token: "b"},
		}},
		"other scheme": {"Basic dXNlcjpwYXNz", []Credential{{Scheme: "Basic", Token: "dXNlcjpwYXNz"}}},
		"empty":        {"", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, ParseAuthorization(tc.in)); d != "" {
				t.Errorf("ParseAuthorization(%q) (-want +got):\n%s", tc.in, d)
			}
		})
	}
}

func TestScrubReplacesTokensEverywhere(t *testing.T) {
	const partner, user = "partner/tok+1", "user-tok-2"
	ex := &capture.Exchange{Hops: []capture.Hop{{
		Request: capture.Sent{
			Method: "GET",
			URL:    "https://api.alteg.io/cb/" + url.PathEscape(partner) + "?t=" + url.QueryEscape(user),
			Header: capture.Headers{{Name: "Authorization", Value: "Bearer " + partner + ", User " + user}},
			Body:   capture.Body{Data: []byte(`{"t":"` + user + `"}`)},
		},
		Response: &capture.Response{
			Header: capture.Headers{{Name: "X-Echo", Value: partner}},
			Body:   capture.Body{Data: []byte(user + " and " + user)},
		},
	}}}
	res := Scrub(ex, Policy{})

	got := res.Exchange.First()
	if got.Request.URL != "https://api.alteg.io/cb/{{partner_token}}?t={{user_token}}" {
		t.Errorf("URL = %q", got.Request.URL)
	}
	if v := got.Request.Header.Get("Authorization"); v != "Bearer {{partner_token}}, User {{user_token}}" {
		t.Errorf("Authorization = %q", v)
	}
	if s := string(got.Response.Body.Data); s != "{{user_token}} and {{user_token}}" {
		t.Errorf("response body = %q", s)
	}
	if v := got.Response.Header.Get("X-Echo"); v != "{{partner_token}}" {
		t.Errorf("echo header = %q", v)
	}
	// The input is not modified.
	if !strings.Contains(ex.First().Request.Header.Get("Authorization"), partner) {
		t.Error("Scrub modified its input")
	}

	type row struct {
		Role, Placeholder, Value, Fingerprint string
		Replaced                              int
	}
	var rows []row
	for _, s := range res.Secrets {
		rows = append(rows, row{s.Role, s.Placeholder, s.Value, s.Fingerprint, s.Replaced})
	}
	want := []row{
		{RolePartnerToken, "{{partner_token}}", partner, Fingerprint(partner), 3},
		{RoleUserToken, "{{user_token}}", user, Fingerprint(user), 5},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("secrets (-want +got):\n%s", d)
	}
	if s := res.String("late " + user); s != "late {{user_token}}" {
		t.Errorf("String = %q", s)
	}
}

func TestFingerprint(t *testing.T) {
	tests := map[string]struct {
		value, want string
	}{
		// sha256 = 3eb1bd439947eb76...; 32 hex digits are about 160 bits.
		"hex token": {"0123456789abcdef0123456789abcdef", "3eb1bd439947"},
		// A 6-digit SMS code (20 bits) and a common password would be
		// found by trying every value: no fingerprint.
		"sms code":        {"123456", ""},
		"common password": {"Password1", ""},
		"one letter":      {"a", ""},
		"repeated":        {"aaaaaaaaaaaaaaaaaaaaaaaa", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Fingerprint(tc.value); got != tc.want {
				t.Errorf("Fingerprint(%q) = %q, want %q (%.0f bits)", tc.value, got, tc.want, EstimatedBits(tc.value))
			}
		})
	}
}

func TestScrubPII(t *testing.T) {
	ex := exWith("", nil, `{"login":"ann@example.com","password":"p4ssw0rd!"}`, "application/json", nil,
		`{"data":[{"name":"Ann","phone":"79161234567","email":"ann@example.com"},{"phone":"+7 916 000 11 22"}]}`, "application/json")
	res := Scrub(ex, Policy{PII: true})
	got := []string{string(res.Exchange.First().Request.Body.Data), string(res.Exchange.Response().Body.Data)}
	want := []string{
		`{"login":"a***@example.com","password":"{{password}}"}`,
		`{"data":[{"name":"Ann","phone":"*********67","email":"a***@example.com"},{"phone":"+7 *** *** ** 22"}]}`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("bodies (-want +got):\n%s", d)
	}
	if d := cmp.Diff(Report{PII: true, Emails: 2, Phones: 2}, res.Report); d != "" {
		t.Errorf("report (-want +got):\n%s", d)
	}
	if off := Scrub(ex, Policy{}); strings.Contains(string(off.Exchange.Response().Body.Data), "***") {
		t.Error("PII masked without Policy.PII")
	}
}

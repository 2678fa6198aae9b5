package pii

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMask(t *testing.T) {
	tests := map[string]struct {
		in, want string
		c        Counts
	}{
		"email":                {"mail john.doe@example.com now", "mail j***@example.com now", Counts{Emails: 1}},
		"email in JSON":        {`{"email":"ann+x@mail.co.uk"}`, `{"email":"a***@mail.co.uk"}`, Counts{Emails: 1}},
		"url-encoded email":    {"login=me%40example.com&x=1", "login=m***%40example.com&x=1", Counts{Emails: 1}},
		"not an email":         {"user@localhost and @home and a@b.c1", "user@localhost and @home and a@b.c1", Counts{}},
		"phone with spaces":    {"call +7 916 123 45 67.", "call +7 *** *** ** 67.", Counts{Phones: 1}},
		"phone with dashes":    {"+44 20-7946-0958", "+44 **-****-**58", Counts{Phones: 1}},
		"compact phone":        {"+79161234567", "+7********67", Counts{Phones: 1}},
		"phone field no plus":  {`{"phone":"79161234567","id":123456789012}`, `{"phone":"*********67","id":123456789012}`, Counts{Phones: 1}},
		"phone number field":   {`{"client_phone": 89161234567}`, `{"client_phone": *********67}`, Counts{Phones: 1}},
		"form phone":           {"phone=8(916)1234567&a=b", "phone=*(***)*****67&a=b", Counts{Phones: 1}},
		"timezone is no phone": {`"2026-11-02T10:00:00+03:00"`, `"2026-11-02T10:00:00+03:00"`, Counts{}},
		"id is no phone":       {`{"id":79161234567}`, `{"id":79161234567}`, Counts{}},
		"both":                 {"Ann <ann@example.com>, +7 (916) 123-45-67", "Ann <a***@example.com>, +7 (***) ***-**-67", Counts{1, 1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, c := Mask([]byte(tc.in))
			if d := cmp.Diff(tc.want, string(got)); d != "" {
				t.Errorf("Mask(%q) (-want +got):\n%s", tc.in, d)
			}
			if c != tc.c {
				t.Errorf("counts = %+v, want %+v", c, tc.c)
			}
			if len(got) != len(tc.in) && tc.c.Emails == 0 {
				t.Errorf("a phone mask changed the length: %q", got)
			}
		})
	}
}

func TestMaskKeepsInput(t *testing.T) {
	in := []byte("a@example.com")
	Mask(in)
	if string(in) != "a@example.com" {
		t.Errorf("Mask modified its input: %q", in)
	}
}

package diagnose

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/google/go-cmp/cmp"
)

const (
	fixPT = "8kd7fq2mzn5xw3pt9rve"
	fixUT = "3b9e1f0c7a6d4e2b8c5f1a0d9e7b6c4a"
)

func TestFixApply(t *testing.T) {
	base := func(h capture.Headers, url string, body string) capture.Request {
		r := capture.Request{Method: "POST", URL: url, Header: h}
		if body != "" {
			r.Body = []byte(body)
		}
		return r
	}
	auth := func(v string) capture.Headers {
		return capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json"}, {Name: "Authorization", Value: v}}
	}
	want := func(v string) capture.Headers {
		return capture.Headers{{Name: "Accept", Value: "application/vnd.api.v2+json"}, {Name: "Authorization", Value: v, Origin: capture.FromUser}}
	}
	both := "Bearer " + fixPT + ", User " + fixUT
	tests := map[string]struct {
		fix     Fix
		in      capture.Request
		want    capture.Request
		wantErr error
	}{
		"Accept added": {
			fix:  Fix{edits: []edit{{kind: editHeader, name: "Accept", value: mediaType}}},
			in:   base(capture.Headers{{Name: "Accept", Value: "*/*", Origin: capture.FromTool}, {Name: "X", Value: "1"}}, "https://h/x", ""),
			want: base(capture.Headers{{Name: "Accept", Value: mediaType, Origin: capture.FromUser}, {Name: "X", Value: "1"}}, "https://h/x", ""),
		},
		"every Accept replaced by one": {
			fix:  Fix{edits: []edit{{kind: editHeader, name: "Accept", value: mediaType}}},
			in:   base(capture.Headers{{Name: "X", Value: "1"}, {Name: "accept", Value: "a"}, {Name: "ACCEPT", Value: "b"}}, "https://h/x", ""),
			want: base(capture.Headers{{Name: "X", Value: "1"}, {Name: "Accept", Value: mediaType, Origin: capture.FromUser}}, "https://h/x", ""),
		},
		"wrong order":       {fix: fixRejoin(), in: base(auth("User "+fixUT+", Bearer "+fixPT), "https://h/x", ""), want: base(want(both), "https://h/x", "")},
		"no comma":          {fix: fixRejoin(), in: base(auth("Bearer "+fixPT+" User "+fixUT), "https://h/x", ""), want: base(want(both), "https://h/x", "")},
		"quotes":            {fix: fixRejoin(), in: base(auth(`Bearer "`+fixPT+`", User “`+fixUT+`”`), "https://h/x", ""), want: base(want(both), "https://h/x", "")},
		"stray whitespace":  {fix: fixRejoin(), in: base(auth("Bearer  "+fixPT+"\u200b,  User\t"+fixUT+"\n"), "https://h/x", ""), want: base(want(both), "https://h/x", "")},
		"User twice":        {fix: fixRejoin(), in: base(auth(both+", User "+fixUT), "https://h/x", ""), want: base(want(both), "https://h/x", "")},
		"Bearer twice":      {fix: fixRejoin(), in: base(auth("Bearer Bearer "+fixPT), "https://h/x", ""), want: base(want("Bearer "+fixPT), "https://h/x", "")},
		"misspelled Bearer": {fix: fixRejoin(), in: base(auth("Baerer "+fixPT), "https://h/x", ""), want: base(want("Bearer "+fixPT), "https://h/x", "")},
		"a bare token":      {fix: fixRejoin(), in: base(auth(fixPT), "https://h/x", ""), want: base(want("Bearer "+fixPT), "https://h/x", "")},
		"one token in both roles": {fix: fixRejoin(), in: base(auth("Bearer "+fixPT+", User "+fixPT), "https://h/x", ""),
			wantErr: ErrNotApplicable},
		"no Authorization": {fix: fixRejoin(), in: base(capture.Headers{{Name: "Accept", Value: "x"}}, "https://h/x", ""), wantErr: ErrNotApplicable},
		"form as JSON": {
			fix:  Fix{edits: []edit{{kind: editFormToJSON}}},
			in:   base(capture.Headers{{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: capture.FromTool}}, "https://h/api/v1/auth", "login=7916&password=p%26ss%3D&ids[]=1&ids[]=2"),
			want: base(capture.Headers{{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser}}, "https://h/api/v1/auth", `{"login":"7916","password":"p&ss=","ids":["1","2"]}`),
		},
		"form as JSON, not a form": {fix: Fix{edits: []edit{{kind: editFormToJSON}}}, in: base(nil, "https://h/x", `{"a":1}`), wantErr: ErrNotApplicable},
		"query into the body": {
			fix:  Fix{edits: []edit{{kind: editQueryToBody, keys: []string{"login", "password"}}}},
			in:   base(nil, "https://h/api/v1/auth?login=7916&lang=en&password=p%20w", ""),
			want: base(capture.Headers{{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser}}, "https://h/api/v1/auth?lang=en", `{"login":"7916","password":"p w"}`),
		},
		"query into an existing body": {
			fix:  Fix{edits: []edit{{kind: editQueryToBody, keys: []string{"staff_id"}}}},
			in:   base(nil, "https://h/x?staff_id=5", `{"b":2,"a":[1]}`),
			want: base(capture.Headers{{Name: "Content-Type", Value: "application/json", Origin: capture.FromUser}}, "https://h/x", `{"a":[1],"b":2,"staff_id":"5"}`),
		},
		"https": {
			fix:  Fix{edits: []edit{{kind: editHTTPS}}},
			in:   base(nil, "http://api.alteg.io:80/api/v1/x?y=1", ""),
			want: base(nil, "https://api.alteg.io/api/v1/x?y=1", ""),
		},
		"no edits": {fix: Fix{}, in: base(nil, "https://h/x", ""), wantErr: ErrNotApplicable},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			orig := tc.in
			origHeader := tc.in.Header.Clone()
			got, err := tc.fix.Apply(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Apply error = %v, want %v", err, tc.wantErr)
			}
			if err == nil {
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("Apply (-want +got):\n%s", d)
				}
				if len(got.Body) > 0 && strings.HasPrefix(string(got.Body), "{") && !json.Valid(got.Body) {
					t.Errorf("the body is not valid JSON: %s", got.Body)
				}
			}
			if d := cmp.Diff(origHeader, orig.Header); d != "" {
				t.Errorf("Apply changed the caller's headers:\n%s", d)
			}
		})
	}
}

func fixRejoin() Fix { return Fix{edits: []edit{{kind: editAuthorization}}} }

// TestProposeFixes: the fixes follow the ranking, one per kind of change,
// at most three, the last of several combining them all; a call that
// worked gets none.
func TestProposeFixes(t *testing.T) {
	tests := map[string]struct {
		file     string
		want     []string // IDs of each fix, joined by +
		wantLast string   // label of the last fix
	}{
		"no Accept":         {"corpus/b-v2-no-accept.txtar", []string{"AT101"}, "with `Accept: application/vnd.api.v2+json`"},
		"form body":         {"corpus/b-login-form-body.txtar", []string{"AT141"}, "with the form body sent as JSON"},
		"query into body":   {"corpus/b-login-in-query.txtar", []string{"AT145"}, "with login, password moved from the query into a JSON body"},
		"User twice":        {"corpus/d-second-user-part.txtar", []string{"AT121"}, "with `Authorization: Bearer {{partner_token}}, User {{user_token}}` (the parts rejoined)"},
		"the answer wins":   {"corpus/d-no-accept-422-staff-id.txtar", nil, ""},
		"a correct call":    {"corpus/ok-records.txtar", nil, ""},
		"server side":       {"at209-server-error.txtar", nil, ""},
		"http and 401":      {"at130-http.txtar", []string{"AT130"}, "with https://"},
		"quotes and Accept": {"at142-single-quotes.txtar", []string{"AT140"}, "with `Content-Type: application/json`"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := readCase(t, casesDir+"/"+tc.file)
			res := redact.Scrub(c.exchange(t), redact.Policy{})
			got := Analyze(&res.Exchange, res.Secrets, Options{}).Fixes
			var ids []string
			for _, f := range got {
				ids = append(ids, strings.Join(f.IDs, "+"))
			}
			if d := cmp.Diff(tc.want, ids); d != "" {
				t.Errorf("fixes (-want +got):\n%s", d)
			}
			if len(got) > 0 && got[len(got)-1].Label != tc.wantLast {
				t.Errorf("last label %q, want %q", got[len(got)-1].Label, tc.wantLast)
			}
			for _, f := range got {
				for _, s := range res.Secrets {
					if len(s.Value) >= 4 && strings.Contains(f.Label, s.Value) {
						t.Errorf("the label %q shows the value of %s", f.Label, s.Placeholder)
					}
				}
			}
		})
	}
}

// TestCombinedFix: several mistakes with fixes give the first single
// fixes, then one that applies them all, never more than maxFixes.
func TestCombinedFix(t *testing.T) {
	ex := &capture.Exchange{Source: capture.Source{Replayed: true}, Hops: []capture.Hop{{
		Request: capture.Sent{Method: "POST", URL: "https://api.alteg.io/api/v1/auth", Header: capture.Headers{
			{Name: "Accept", Value: "*/*", Origin: capture.FromTool},
			{Name: "Authorization", Value: `Bearer "` + fixPT + `"`},
			{Name: "Content-Type", Value: "application/x-www-form-urlencoded", Origin: capture.FromTool},
		}, Body: bodyOf([]byte("login=1&password=2"), "application/x-www-form-urlencoded")},
		Response: &capture.Response{Status: 400, Body: bodyOf([]byte(`{"success":false,"data":null,"meta":[]}`), "application/json")},
	}}}
	res := redact.Scrub(ex, redact.Policy{})
	got := Analyze(&res.Exchange, res.Secrets, Options{}).Fixes
	var ids []string
	for _, f := range got {
		ids = append(ids, strings.Join(f.IDs, "+"))
	}
	// The quoted token (AT116) is a warning, since a bare 400 comes before
	// the API reads Authorization, but it is not read yet either: its fix
	// joins the combined one.
	if d := cmp.Diff([]string{"AT101", "AT141", "AT101+AT141+AT116"}, ids); d != "" {
		t.Fatalf("fixes (-want +got):\n%s", d)
	}
	req := capture.Request{Method: "POST", URL: ex.First().Request.URL, Header: ex.First().Request.Header, Body: []byte("login=1&password=2")}
	fixed, err := got[2].Apply(req)
	if err != nil {
		t.Fatal(err)
	}
	if fixed.Header.Get("Accept") != mediaType || fixed.Header.Get("Content-Type") != "application/json" || string(fixed.Body) != `{"login":"1","password":"2"}` ||
		fixed.Header.Get("Authorization") != "Bearer "+fixPT {
		t.Errorf("the combined fix applied %+v", fixed)
	}
}

// TestVerifiedFix: a fix a replay proved makes its finding the first and
// the likely cause, with the proof in its evidence, and the other
// mistakes warnings.
func TestVerifiedFix(t *testing.T) {
	c := readCase(t, casesDir+"/corpus/b-v2-no-accept.txtar")
	res := redact.Scrub(c.exchange(t), redact.Policy{})
	fixes := Analyze(&res.Exchange, res.Secrets, Options{}).Fixes
	got := Analyze(&res.Exchange, res.Secrets, Options{Verified: []Verified{{Fix: fixes[0], Status: 200, StatusText: "OK"}}}).Findings
	if got[0].ID != "AT101" || got[0].Severity != Likely {
		t.Fatalf("first finding %s %s, want AT101 likely", got[0].ID, got[0].Severity)
	}
	wantProof := "Fix verified: with `Accept: application/vnd.api.v2+json` the call returned 200 OK"
	if last := got[0].Evidence[len(got[0].Evidence)-1]; last != wantProof {
		t.Errorf("proof %q, want %q", last, wantProof)
	}
	for _, f := range got[1:] {
		if f.Severity == Likely {
			t.Errorf("%s is still a likely cause after the fix of AT101 was verified", f.ID)
		}
	}
}

// FuzzRejoinAuthorization: whatever layout the two tokens come in
// (order, quotes, commas, whitespace, invisible characters, repeated
// parts), the rejoined header is "Bearer <partner>, User <user>" with the
// tokens themselves, which the generator knows.
func FuzzRejoinAuthorization(f *testing.F) {
	for _, seed := range []string{"B P, U U", "U U, B P", "B P U U", `B "P", U 'U'`, "B  P,  U\tU\n", "B P, U U, U U", "B B P, U U", "B P,U U", "b P, u U", "B P\u200b, U U"} {
		f.Add(seed, uint16(7), uint16(11))
	}
	f.Fuzz(func(t *testing.T, layout string, ps, us uint16) {
		if strings.ContainsAny(layout, "PU") == false || strings.Count(layout, "P") != 1 || strings.Count(layout, "U") < 2 {
			t.Skip()
		}
		pt := fmt.Sprintf("pt%08x", uint32(ps)*2654435761)
		ut := fmt.Sprintf("ut%08x", uint32(us)*2246822519)
		// The letters stand for the words: B Bearer, U User (first U) and
		// the user token (the one after it).
		var b strings.Builder
		sawUserWord := false
		for _, r := range layout {
			switch {
			case r == 'B':
				b.WriteString("Bearer")
			case r == 'b':
				b.WriteString("bearer")
			case r == 'u':
				b.WriteString("user")
				sawUserWord = true
			case r == 'P':
				b.WriteString(pt)
			case r == 'U' && !sawUserWord:
				b.WriteString("User")
				sawUserWord = true
			case r == 'U':
				b.WriteString(ut)
				sawUserWord = false
			case strings.ContainsRune(" ,\t\n\"'“”\u200b", r):
				b.WriteRune(r)
			default:
				t.Skip()
			}
		}
		header := b.String()
		// Only layouts that hold the partner token after Bearer (or first)
		// and the user token after User make sense to rejoin.
		words := strings.FieldsFunc(header, func(r rune) bool { return strings.ContainsRune(" ,\t\n\"'“”\u200b", r) })
		if !validLayout(words, pt, ut) {
			t.Skip()
		}
		req := capture.Request{Method: "GET", URL: "https://h/", Header: capture.Headers{{Name: "Authorization", Value: header}}}
		got, err := fixRejoin().Apply(req)
		if err != nil {
			t.Fatalf("%q: %v", header, err)
		}
		if v := got.Header.Get("Authorization"); v != "Bearer "+pt+", User "+ut {
			t.Errorf("%q rejoined as %q", header, v)
		}
	})
}

// validLayout says whether words hold exactly the partner token after a
// Bearer word (or first of all, with no scheme) and the user token after
// a User word, with nothing else but those words.
func validLayout(words []string, pt, ut string) bool {
	scheme := ""
	gotP, gotU := false, false
	for i, w := range words {
		switch strings.ToLower(w) {
		case "bearer", "user":
			scheme = strings.ToLower(w)
			continue
		}
		switch {
		case w == pt && (scheme == "bearer" || (scheme == "" && i == 0)) && !gotP:
			gotP = true
		case w == ut && scheme == "user":
			gotU = true
		default:
			return false
		}
		scheme = "-"
	}
	return gotP && gotU
}

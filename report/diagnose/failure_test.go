package diagnose

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

func TestFailure(t *testing.T) {
	answer := func(status int, body string) *capture.Exchange {
		return &capture.Exchange{Hops: []capture.Hop{{Response: &capture.Response{
			Status: status, Body: capture.Body{Data: []byte(body), ContentType: "application/json"},
		}}}}
	}
	faulted := func(kind capture.FaultKind, ex *capture.Exchange) *capture.Exchange {
		ex.Fault = &capture.Fault{Kind: kind, Message: "the connection to 10.0.0.1:443 broke after 1.2 KiB"}
		return ex
	}
	type result struct {
		Failed  bool
		Message string
	}
	long := strings.Repeat("é", 400)
	for name, tc := range map[string]struct {
		ex   *capture.Exchange
		want result
	}{
		"200 success":             {answer(200, `{"success":true,"data":[],"meta":[]}`), result{}},
		"200 success spaced":      {answer(200, ` {"success": true}`), result{}},
		"200 not JSON":            {answer(200, `hello`), result{}},
		"200 success last":        {answer(200, `{"data":[1,2],"meta":{},"success":true}`), result{}},
		"200 success false":       {answer(200, `{"success":false,"data":null,"meta":{"message":"Record not saved"}}`), result{true, "Record not saved"}},
		"200 success false first": {answer(200, `{"success":false,"data":[1,2,3`), result{true, ""}},
		"201 success false later": {answer(201, `{"data":{"id":1},"success":false,"meta":{"message":"m"}}`), result{true, "m"}},
		"302":                     {answer(302, ``), result{}},
		"401 envelope":            {answer(401, `{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`), result{true, "Authentication needed."}},
		"404 empty meta":          {answer(404, `{"success":false,"data":null,"meta":[]}`), result{true, ""}},
		"500 html":                {answer(500, `<html>oops</html>`), result{true, ""}},
		"401 yclients":            {answer(401, `{"errors":{"code":401,"message":"Unauthorized"},"meta":{}}`), result{true, "Unauthorized"}},
		"long message cut":        {answer(422, `{"success":false,"meta":{"message":"`+long+`"}}`), result{true, strings.Repeat("é", 150)}},
		"refused":                 {faulted(capture.FaultRefused, &capture.Exchange{Hops: []capture.Hop{{}}}), result{true, "connection-refused"}},
		"reset mid-body of a 200": {faulted(capture.FaultReset, answer(200, `{"success":true`)), result{true, "connection-reset"}},
		"interrupted":             {faulted(capture.FaultInterrupted, &capture.Exchange{Hops: []capture.Hop{{}}}), result{}},
		"client left before":      {faulted(capture.FaultClientClosed, &capture.Exchange{Hops: []capture.Hop{{}}}), result{}},
		"client left a 500":       {faulted(capture.FaultClientClosed, answer(500, `{"success":false,"meta":{"message":"Server error"}}`)), result{true, "Server error"}},
		"client left a 200":       {faulted(capture.FaultClientClosed, answer(200, `{"success":true`)), result{}},
	} {
		t.Run(name, func(t *testing.T) {
			var got result
			got.Failed, got.Message = Failure(tc.ex)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// FuzzFailure checks the quick reading of a successful answer against
// the slow, obvious one: unmarshal the whole body and look at success.
func FuzzFailure(f *testing.F) {
	for _, s := range []string{`{"success":true}`, `{"success":false}`, `{"a":1,"success":false}`, `{"success" : false}`,
		`{"success":true,"success":false}`, `[{"success":false}]`, `{"success":"false"}`, `{"success":true`, ` {"success":false} `} {
		f.Add(200, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		status = 200 + (status%200+200)%200 // 2xx and 3xx: the envelope decides
		ex := &capture.Exchange{Hops: []capture.Hop{{Response: &capture.Response{Status: status, Body: capture.Body{Data: []byte(body)}}}}}
		got, _ := Failure(ex)
		if !json.Valid([]byte(body)) {
			// A body cut short is read as far as it goes, on purpose:
			// the oracle has nothing to say about it.
			return
		}
		var top map[string]json.RawMessage
		want := false
		if json.Unmarshal([]byte(body), &top) == nil && strings.HasPrefix(strings.TrimSpace(body), "{") {
			// encoding/json keeps the last of repeated keys; the quick
			// reading stops at the first, so only bodies where they
			// agree are compared.
			if strings.Count(body, `"success"`) > 1 {
				return
			}
			want = string(bytes.TrimSpace(top["success"])) == "false"
		}
		if got != want {
			t.Errorf("Failure(%d %q) = %v, want %v", status, body, got, want)
		}
	})
}

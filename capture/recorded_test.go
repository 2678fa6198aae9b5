package capture

import (
	"strings"
	"testing"
	"time"
)

func TestRecorded(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.FixedZone("X", 3600))
	req := Request{Method: "POST", URL: "https://api.alteg.io/api/v1/auth", Header: Headers{{Name: "Content-Type", Value: "application/json", Origin: FromUser}}, Body: []byte(`{"a":1}`)}
	ex := Recorded(Recording{
		Request:  req,
		Response: &RecordedResponse{Proto: "HTTP/1.1", Status: 401, StatusText: "Unauthorized", Header: Headers{{Name: "Content-Type", Value: "application/json"}}, Body: strings.NewReader(`{"ok":0}`), WireSize: -1},
		From:     "response saved in r.txt (request from the command line)",
	}, Options{Now: func() time.Time { return now }})
	if ex.Source.Replayed || ex.Source.From == "" || !ex.Started.Equal(now) || ex.Started.Location() != time.UTC {
		t.Errorf("source %+v started %v", ex.Source, ex.Started)
	}
	hop := ex.First()
	if hop.Request.Proto != "HTTP/1.1" || string(hop.Request.Body.Data) != `{"a":1}` || hop.Request.Body.ContentType != "application/json" {
		t.Errorf("request = %+v", hop.Request)
	}
	if hop.Timings != NoTimings() || ex.Fault != nil || len(ex.Hops) != 1 {
		t.Errorf("timings %+v fault %+v", hop.Timings, ex.Fault)
	}
	if r := ex.Response(); r.Status != 401 || string(r.Body.Data) != `{"ok":0}` || r.Body.WireSize != 8 {
		t.Errorf("response = %+v", r)
	}
	// The request's header list is a copy.
	req.Header[0].Value = "changed"
	if hop.Request.Header[0].Value != "application/json" {
		t.Error("Recorded kept the caller's header slice")
	}
}

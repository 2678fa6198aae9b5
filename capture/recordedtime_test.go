package capture

import (
	"testing"
	"time"
)

// TestRecordedTime checks the order in which a recorded call's time is
// taken: the response's Date header, the HAR entry's start, the file's
// modification time, the time of the run; and that the exchange says
// which.
func TestRecordedTime(t *testing.T) {
	run := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	date := time.Date(2026, 11, 29, 17, 23, 1, 0, time.UTC)
	started := time.Date(2026, 11, 29, 17, 23, 0, 250e6, time.FixedZone("MSK", 3*3600))
	modified := time.Date(2026, 11, 30, 8, 0, 0, 0, time.Local)
	withDate := &RecordedResponse{Status: 200, Header: Headers{{Name: "Date", Value: "Sun, 29 Nov 2026 17:23:01 GMT"}}, WireSize: -1}
	badDate := &RecordedResponse{Status: 200, Header: Headers{{Name: "Date", Value: "yesterday"}}, WireSize: -1}
	tests := map[string]struct {
		rec       Recording
		want      time.Time
		wantClock Clock
	}{
		"date header first":   {Recording{Response: withDate, Started: started, Modified: modified}, date, ClockDateHeader},
		"then the HAR entry":  {Recording{Response: badDate, Started: started, Modified: modified}, started, ClockHAREntry},
		"then the file":       {Recording{Response: badDate, Modified: modified}, modified, ClockFileModified},
		"no response":         {Recording{Fault: &Fault{Kind: FaultRefused}, Modified: modified}, modified, ClockFileModified},
		"nothing: the run":    {Recording{}, run, ClockRun},
		"date header, no har": {Recording{Response: withDate}, date, ClockDateHeader},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.rec.Request = Request{Method: "GET", URL: "https://api.alteg.io/api/v1/x"}
			ex := Recorded(tc.rec, Options{Now: func() time.Time { return run }})
			if !ex.Started.Equal(tc.want) || ex.Source.Clock != tc.wantClock || ex.Started.Location() != time.UTC {
				t.Errorf("Started %v (%s), want %v (%s) in UTC", ex.Started, ex.Source.Clock, tc.want.UTC(), tc.wantClock)
			}
		})
	}
}

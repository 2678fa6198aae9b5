package capture

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// errInterrupt stands for the cause signal.NotifyContext gives when
// Ctrl-C arrives ("interrupt signal received").
var errInterrupt = errors.New("interrupt signal received")

// TestReplayInterrupted: a call cancelled by the caller (Ctrl-C) is
// interrupted, whatever state it was in; not a reset, not a timeout.
func TestReplayInterrupted(t *testing.T) {
	const want = "the call was interrupted (Ctrl-C) before it finished"
	tests := map[string]http.HandlerFunc{
		"waiting for the answer": func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		},
		"mid-body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.Write(make([]byte, 300))
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		},
	}
	for name, h := range tests {
		for _, cause := range []error{errInterrupt, nil} {
			t.Run(name, func(t *testing.T) {
				started := make(chan struct{})
				srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
					close(started)
					h(w, r)
				})
				ctx, cancel := context.WithCancelCause(context.Background())
				go func() {
					<-started
					time.Sleep(20 * time.Millisecond) // let the body start
					cancel(cause)
				}()
				ex := Replay(ctx, Request{Method: "GET", URL: srv.URL}, Options{Timeout: 10 * time.Second})
				if ex.Fault == nil {
					t.Fatal("no fault")
				}
				if ex.Fault.Kind != FaultInterrupted || ex.Fault.Message != want {
					t.Errorf("fault = %q %q, want %q %q", ex.Fault.Kind, ex.Fault.Message, FaultInterrupted, want)
				}
				if r := ex.Response(); name == "mid-body" && (r == nil || len(r.Body.Data) != 300) {
					t.Errorf("the part of the body that arrived is not kept: %+v", r)
				} else if name == "mid-body" && r.Body.Broken != "the body stopped after 300 B on the wire: the call was interrupted" {
					t.Errorf("Broken = %q", r.Body.Broken)
				}
			})
		}
	}
	// The caller's own deadline is a timeout, as before.
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if ex := Replay(ctx, Request{Method: "GET", URL: srv.URL}, Options{}); ex.Fault == nil || ex.Fault.Kind != FaultResponseTimeout {
		t.Errorf("deadline: fault = %+v, want a response timeout", ex.Fault)
	}
}

package cli

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// The demo tokens are obviously fake; the demo never leaves loopback.
const (
	demoPartnerToken = "demo-partner-token-NOT-REAL-0001"
	demoUserToken    = "demo-user-token-NOT-REAL-0002"
)

// demoServer is a loopback server that answers like the Alteg.io API, for
// --demo. It is part of the binary so that the demo needs no network.
type demoServer struct {
	URL string
	srv *http.Server
}

func startDemo() (*demoServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(demoHandler), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return &demoServer{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

func (d *demoServer) Close() { d.srv.Close() }

// demoRequest is the call --demo replays: a business-data GET that carries
// the partner token but not the user token, the most common mistake.
func demoRequest(base string) (capture.Request, error) {
	cfg, err := parseArgs([]string{
		"-H", "Accept: application/vnd.api.v2+json",
		"-H", "Content-Type: application/json",
		"-H", "Authorization: Bearer " + demoPartnerToken,
		base + "/api/v1/records/123456?start_date=2026-11-01&end_date=2026-11-30",
	}, nil)
	if err != nil {
		return capture.Request{}, err
	}
	return cfg.request, nil
}

// demoHandler answers with the Alteg.io envelope {success, data, meta}.
func demoHandler(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, data any, meta any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Server", "altegio-ticket-demo")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"success": status < 300, "data": data, "meta": meta})
	}
	if !strings.HasPrefix(r.Header.Get("Accept"), "application/vnd.api.v2+json") {
		reply(http.StatusBadRequest, nil, map[string]any{"message": "An invalid Accept header was passed."})
		return
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer "+demoPartnerToken) {
		reply(http.StatusUnauthorized, nil, map[string]any{"message": "Authentication needed."})
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/v1/records/") && !strings.Contains(auth, "User "+demoUserToken) {
		reply(http.StatusUnauthorized, nil, map[string]any{"message": "Authentication needed."})
		return
	}
	reply(http.StatusOK, []any{map[string]any{"id": 1, "services": []any{}, "datetime": "2026-11-02T10:00:00+03:00"}}, map[string]any{"count": 1})
}

package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests break the proxy the ways a real run does: an upstream that
// resets in the middle of an answer, a client that leaves in the middle
// of its upload, and Ctrl-C in the middle of traffic. They are meant to
// run under -race (bash .ci/run does).

// TestProxyUpstreamResetsMidBody: the client sees the answer break off,
// and the ticket records where it broke.
func TestProxyUpstreamResetsMidBody(t *testing.T) {
	upstream := loopback(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		if _, err := http.ReadRequest(br); err == nil {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"success\":true,\"data\":[")
			io.WriteString(c, strings.Repeat(`{"id":1},`, 100))
		}
		c.(*net.TCPConn).SetLinger(0) // a reset, not a clean end
		c.Close()
	})
	rp := startProxy(t, false, "--upstream", "http://"+upstream, "--json")
	resp, err := http.Get(rp.URL + "/api/v1/records/1")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("the client read a whole answer from a broken one")
	}
	_, stdout, stderr := rp.stop()
	var l jsonProxyTicket
	if err := json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &l); err != nil {
		t.Fatalf("no ticket line: %q\n%s", stdout, stderr)
	}
	if l.Failure.Fault != "connection-reset" {
		t.Errorf("failure %+v", l.Failure)
	}
	tk := readTicket(t, l.Ticket.Path)
	if !strings.Contains(tk.Flat, "broke after") || !strings.Contains(tk.Flat, "200 OK") {
		t.Errorf("the ticket does not say where the answer broke:\n%s", tk.Text)
	}
}

// TestProxyClientLeavesMidUpload: a client that leaves during its upload
// is counted, not ticketed: the failure is not the API's. The upstream
// gets the request once at most.
func TestProxyClientLeavesMidUpload(t *testing.T) {
	var hits atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(api.Close)
	rp := startProxy(t, false, "--upstream", api.URL)
	c, err := net.Dial("tcp", strings.TrimPrefix(rp.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"a\":\"%s", strings.Repeat("x", 3000))
	time.Sleep(50 * time.Millisecond)
	c.Close()
	// The stop waits for the call in flight, which ends when the proxy
	// finds the client gone.
	_, _, stderr := rp.stop()
	if !strings.Contains(stderr, "1 left by the client") || strings.Contains(stderr, "ticket 1") {
		t.Errorf("summary:\n%s", stderr)
	}
	if files, _ := os.ReadDir(rp.Dir); len(files) != 0 {
		t.Errorf("tickets written: %v", files)
	}
	if n := hits.Load(); n > 1 {
		t.Errorf("the upstream got the request %d times", n)
	}
}

// TestProxyCtrlCMidTraffic: Ctrl-C while clients keep calling: the proxy
// stops, every ticket it started is whole (it reads back as a complete
// email, with the final count), and no temporary file is left.
func TestProxyCtrlCMidTraffic(t *testing.T) {
	var n atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if i%3 == 0 {
			time.Sleep(20 * time.Millisecond) // some calls are in flight at the stop
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400 + int(i%5))
		fmt.Fprintf(w, `{"success":false,"data":null,"meta":{"message":"kind %d"}}`, i%7)
	}))
	t.Cleanup(api.Close)
	rp := startProxy(t, true, "--upstream", api.URL, "--json")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(rp.URL + "/api/v1/records/1")
				if err != nil {
					continue // the proxy is stopping
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	code, stdout, stderr := rp.stop() // Ctrl-C
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(stderr, "stopped after") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	updated := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var l jsonProxyTicket
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("a JSON line is broken: %q", line)
		}
		if l.Event == "updated" {
			updated[l.Ticket.Path] = l.Occurrences
		}
	}
	files, _ := os.ReadDir(rp.Dir)
	if len(files) == 0 || len(files) != len(updated) {
		t.Fatalf("%d files, %d tickets brought up to date", len(files), len(updated))
	}
	for _, f := range files {
		path := filepath.Join(rp.Dir, f.Name())
		if !strings.HasSuffix(f.Name(), ".eml") {
			t.Errorf("a stray file: %s", f.Name())
			continue
		}
		tk := readTicket(t, path)
		if _, ok := tk.Attach["request.har"]; !ok || !strings.Contains(tk.Text, "## Response") {
			t.Errorf("%s is not whole", f.Name())
		}
		count := updated[path]
		want := "it happened once in the run"
		if count > 1 {
			want = fmt.Sprintf("it happened %d times in the run", count)
		}
		if !strings.Contains(tk.Flat, want) {
			t.Errorf("%s does not say %q", f.Name(), want)
		}
	}
}

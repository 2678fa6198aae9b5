package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The proxy's performance, measured with the whole command running (the
// recording, the failure check and the counting included), against a
// loopback upstream. docs/proxy.md has the figures and how to reproduce
// them:
//
//	go test ./cli -run XXX -bench BenchmarkProxy -benchtime 3000x
//	go test ./cli -run XXX -bench BenchmarkProxyDownload -benchtime 1x

// benchProxy starts the proxy command in front of upstream and returns
// its URL and a stop function.
func benchProxy(b *testing.B, upstream string, args ...string) (string, func()) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sys := &system{
		getenv: func(string) string { return "" },
		now:    time.Now,
		ticker: func(time.Duration) (<-chan time.Time, func()) { return nil, func() {} },
		goos:   runtime.GOOS,
	}
	ready := make(chan string, 1)
	sys.proxyReady = func(u string) { ready <- u }
	ios := Streams(strings.NewReader(""), io.Discard, io.Discard)
	done := make(chan int, 1)
	args = append([]string{"proxy", "--listen", "127.0.0.1:0", "--out-dir", b.TempDir(), "--upstream", upstream}, args...)
	go func() { done <- run(ctx, args, ios, sys) }()
	select {
	case u := <-ready:
		return u, func() { cancel(); <-done }
	case code := <-done:
		b.Fatalf("the proxy did not start: exit %d", code)
	}
	return "", nil
}

// jsonKB is a 1 KB answer in the API's envelope.
var jsonKB = []byte(`{"success":true,"data":[` + strings.Repeat(`{"id":123456,"title":"Haircut"},`, 31) + `{"id":1}],"meta":{"count":32}}`)

func oneKBServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(jsonKB)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxIdleConns: conns}}
}

func call(b *testing.B, c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
}

// BenchmarkProxyLatency measures the latency the proxy adds: each
// iteration makes one call straight to the upstream and one through the
// proxy, one after the other on kept-alive connections, and reports the
// median and 99th percentile of both and of the difference.
func BenchmarkProxyLatency(b *testing.B) {
	api := oneKBServer(b)
	proxyURL, stop := benchProxy(b, api.URL)
	defer stop()
	c := benchClient(4)
	path := "/api/v1/company/1/services"
	call(b, c, api.URL+path)
	call(b, c, proxyURL+path)
	direct := make([]time.Duration, 0, b.N)
	proxied := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		call(b, c, api.URL+path)
		t1 := time.Now()
		call(b, c, proxyURL+path)
		direct = append(direct, t1.Sub(t0))
		proxied = append(proxied, time.Since(t1))
	}
	b.StopTimer()
	q := func(d []time.Duration, p float64) float64 {
		s := append([]time.Duration(nil), d...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(direct, 0.5), "direct-p50-ms")
	b.ReportMetric(q(direct, 0.99), "direct-p99-ms")
	b.ReportMetric(q(proxied, 0.5), "proxied-p50-ms")
	b.ReportMetric(q(proxied, 0.99), "proxied-p99-ms")
	b.ReportMetric(q(proxied, 0.5)-q(direct, 0.5), "added-p50-ms")
	b.ReportMetric(q(proxied, 0.99)-q(direct, 0.99), "added-p99-ms")
}

// BenchmarkProxyThroughput measures calls per second through the proxy
// with 50 clients at once, each on its own kept-alive connection.
func BenchmarkProxyThroughput(b *testing.B) {
	api := oneKBServer(b)
	proxyURL, stop := benchProxy(b, api.URL)
	defer stop()
	const clients = 50
	c := benchClient(clients)
	url := proxyURL + "/api/v1/company/1/services"
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				call(b, c, url)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkProxyDownload has 50 clients download a 50 MiB answer each
// through the proxy at once, and reports the peak of the Go heap
// sampled every 10ms (the process's RSS is measured with /usr/bin/time
// -v on the binary, see docs/proxy.md). Each iteration moves 2.5 GiB.
func BenchmarkProxyDownload(b *testing.B) {
	const clients, size = 50, 50 << 20
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(size))
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	b.Cleanup(api.Close)
	proxyURL, stop := benchProxy(b, api.URL)
	defer stop()
	c := benchClient(clients)
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Get(proxyURL + "/api/v1/files/1")
				if err != nil {
					b.Error(err)
					return
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if n != size {
					b.Errorf("downloaded %d bytes", n)
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	close(done)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.SetBytes(clients * size)
}

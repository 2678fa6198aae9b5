package redact

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
)

// benchSecrets are the ten secrets of BenchmarkScrub: both tokens, a
// password, an API key, a cookie, a signature, a JWT, a refresh token and
// two --redact values.
var benchSecrets = struct {
	partner, user, password, apiKey, cookie, sign, jwt, refresh, lit1, lit2 string
}{
	partner:  "pt-7f3a9c1e5b2d4f60a8c1",
	user:     "ut-0c4b8e2a6d1f3b57e9a2",
	password: "correct horse battery staple",
	apiKey:   "ak_live_51HhT2bLkq9ZxYw",
	cookie:   "sess-2b7e151628aed2a6abf7",
	sign:     "9f86d081884c7d659a2feaa0c55ad015",
	jwt:      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
	refresh:  "rt-1a2b3c4d5e6f7a8b9c0d",
	lit1:     "internal-account-42-xyz",
	lit2:     "hunter2-but-longer",
}

// benchExchange is a business-data call whose 64 MiB JSON response (a list
// of records with names, phones and emails) carries the ten secrets in
// credential fields and as echoes in free text, a few times each.
func benchExchange(size int) *capture.Exchange {
	s := benchSecrets
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.Grow(size + 4096)
	b.WriteString(`{"success":true,"data":[`)
	plants := []string{
		`"user_token":"` + s.user + `"`,
		`"comment":"called with ` + s.partner + `"`,
		`"password":"` + s.password + `"`,
		`"api_key":"` + s.apiKey + `"`,
		`"note":"cookie was ` + s.cookie + `"`,
		`"sign":"` + s.sign + `"`,
		`"id_token":"` + s.jwt + `"`,
		`"refresh_token":"` + s.refresh + `"`,
		`"memo":"account ` + s.lit1 + `"`,
		`"memo":"old ` + s.lit2 + `"`,
	}
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"company_id":%d,"datetime":"2026-11-%02dT%02d:%02d:00+03:00","seance_length":%d,`+
			`"client":{"id":%d,"name":"Client %d","phone":"+7 916 %03d %02d %02d","email":"client%d@example.com"},`+
			`"staff":{"id":%d,"name":"Master %d","specialization":"Hair stylist"},`+
			`"services":[{"id":%d,"title":"Haircut and styling","cost":%d.5,"discount":0}],"attendance":%d,"comment":"%s"`,
			1000000+i, 4564, 1+i%28, 9+i%10, i%60, 3600, r.IntN(1e7), i, r.IntN(1000), r.IntN(100), r.IntN(100), i,
			r.IntN(500), i%50, r.IntN(1e5), r.IntN(5000), r.IntN(3)-1, strings.Repeat("ok ", r.IntN(8)))
		if i%5000 == 7 {
			b.WriteString("," + plants[(i/5000)%len(plants)])
		}
		b.WriteByte('}')
	}
	b.WriteString(`],"meta":{"count":1}}`)
	body := []byte(b.String())
	return &capture.Exchange{
		Source: capture.Source{Replayed: true, From: "command line"},
		Hops: []capture.Hop{{
			Request: capture.Sent{
				Method: "GET",
				URL:    "https://api.alteg.io/api/v1/records/4564?sign=" + s.sign,
				Header: capture.Headers{
					{Name: "Accept", Value: "application/vnd.api.v2+json"},
					{Name: "Authorization", Value: "Bearer " + s.partner + ", User " + s.user},
					{Name: "X-Api-Key", Value: s.apiKey},
					{Name: "Cookie", Value: "session=" + s.cookie},
				},
			},
			Response: &capture.Response{
				Proto: "HTTP/1.1", Status: 200, StatusText: "OK",
				Header: capture.Headers{{Name: "Content-Type", Value: "application/json"}},
				Body:   capture.Body{Data: body, Size: int64(len(body)), ContentType: "application/json"},
			},
		}},
	}
}

// cpuTime is the CPU time this process has used. The machine the
// benchmarks run on is shared, so wall-clock MB/s move with the load;
// bytes per CPU-second do not, and are reported next to them.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-MB/s metric: bytes processed per CPU-second.
func reportCPU(b *testing.B, start time.Duration, n int64) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/d.Seconds()/1e6, "cpu-MB/s")
	}
}

// benchPolicy names the two literals; the other eight are found.
var benchPolicy = Policy{Values: []string{benchSecrets.lit1, benchSecrets.lit2}}

// BenchmarkScrub measures Scrub, detection included, on a 64 MiB JSON
// response that holds ten secrets. It first checks that all ten are
// found and gone, so that the figure is for the whole job.
func BenchmarkScrub(b *testing.B) {
	ex := benchExchange(64 << 20)
	checkBench(b, Scrub(ex, benchPolicy))
	n := int64(len(ex.Response().Body.Data))
	b.SetBytes(n)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		Scrub(ex, benchPolicy)
	}
	reportCPU(b, start, n)
}

func checkBench(b *testing.B, res *Result) {
	s := benchSecrets
	all := []string{s.partner, s.user, s.password, s.apiKey, s.cookie, s.sign, s.jwt, s.refresh, s.lit1, s.lit2}
	if len(res.Secrets) != len(all) {
		var roles []string
		for _, x := range res.Secrets {
			roles = append(roles, x.Role)
		}
		b.Fatalf("found %d secrets (%v), want %d", len(res.Secrets), roles, len(all))
	}
	body := res.Exchange.Response().Body.Data
	for _, v := range all {
		if bytes.Contains(body, []byte(v)) {
			b.Fatalf("%q survives", v)
		}
	}
}

// BenchmarkReplace compares the matcher with the obvious alternative, a
// bytes.ReplaceAll per form, on the same body and the same forms (the
// alternative still misses mixed escaping, which only the matcher's
// decoding finds).
func BenchmarkReplace(b *testing.B) {
	ex := benchExchange(64 << 20)
	body := ex.Response().Body.Data
	d := newDetector(benchPolicy)
	d.exchange(ex, benchPolicy)
	b.Run("matcher", func(b *testing.B) {
		rep := newReplacer(d.list, nil)
		b.SetBytes(int64(len(body)))
		start := cpuTime()
		for b.Loop() {
			rep.bytes(body, "", false)
		}
		reportCPU(b, start, int64(len(body)))
	})
	b.Run("ReplaceAll-per-form", func(b *testing.B) {
		pats := patterns(d.list, nil)
		b.SetBytes(int64(len(body)))
		start := cpuTime()
		for b.Loop() {
			out := body
			for _, p := range pats {
				out = bytes.ReplaceAll(out, p.text, []byte(d.list[p.secret].Placeholder))
			}
		}
		reportCPU(b, start, int64(len(body)))
		b.ReportMetric(float64(len(pats)), "forms")
	})
}

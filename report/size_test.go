package report

import (
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
)

// jsonList makes a JSON answer of about n bytes, as GET /records gives
// it: a list of records, minified or pretty-printed, its names in Latin
// or Cyrillic letters.
func jsonList(rng *rand.Rand, n int, pretty, cyrillic bool) []byte {
	names := []string{"Anna Smith", "Maria Lopez", "John Doe", "Olga Ivanova"}
	if cyrillic {
		names = []string{"Анна Смирнова", "Мария Лопес", "Иван Петров", "Ольга Иванова"}
	}
	var sb strings.Builder
	nl, ind := "", ""
	if pretty {
		nl, ind = "\n", "  "
	}
	sb.WriteString(`{` + nl + ind + `"success": true,` + nl + ind + `"data": [`)
	for i := 0; sb.Len() < n-40; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `%s%s%s{"id": %d, "datetime": "2026-11-%02dT10:00:00+03:00", "client": {"name": %q, "phone": "+7 *** *** ** %02d"}, "services": [{"id": %d, "cost": %d}], "comment": %q}`,
			nl, ind, ind, 1000000+i, 1+i%30, names[rng.Intn(len(names))], rng.Intn(100), rng.Intn(1000), rng.Intn(9000), names[rng.Intn(len(names))])
	}
	sb.WriteString(nl + ind + `],` + nl + ind + `"meta": {"count": 1}` + nl + `}`)
	return []byte(sb.String())
}

// jsonTicket is the sample ticket with a GET answered by body.
func jsonTicket(t testing.TB, body []byte) Ticket {
	tk := sampleTicket(t.(*testing.T))
	h := &tk.Exchange.Hops[0]
	h.Request.Method = "GET"
	h.Request.Body = capture.Body{}
	resp := *h.Response
	resp.Status, resp.StatusText = 200, "OK"
	resp.Body = capture.Body{Data: body, Size: int64(len(body)), ContentType: "application/json"}
	h.Response = &resp
	tk.Findings = nil
	return tk
}

// fixedPart bounds what a ticket costs besides its bodies: the head,
// the sections, the first 32 KiB of each body shown in both body parts,
// the HAR, the collection and replay.sh.
const fixedPart = 160 << 10

// TestSizeOfAJSONCall checks the size promise over generated JSON answers
// of 1 KiB to 4.5 MiB, minified and pretty, Latin and Cyrillic: the .eml
// is at most 1.4 times the body plus a small fixed part, so that a 4.5 MiB
// answer fits whole in the default 10 MiB budget.
func TestSizeOfAJSONCall(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	sizes := []int{1 << 10, 20 << 10, 200 << 10, 1 << 20, 4608 << 10}
	for _, n := range sizes {
		for _, kind := range []struct{ pretty, cyrillic bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			body := jsonList(rng, n, kind.pretty, kind.cyrillic)
			r, err := Render(jsonTicket(t, body))
			if err != nil {
				t.Fatal(err)
			}
			limit := int64(len(body))*14/10 + fixedPart
			name := fmt.Sprintf("%d KiB pretty=%v cyrillic=%v", n>>10, kind.pretty, kind.cyrillic)
			if r.Size > limit || r.Cut {
				t.Errorf("%s: the .eml is %d bytes (%.2f× the body), want at most %d and nothing cut", name, r.Size, float64(r.Size)/float64(len(body)), limit)
			}
			if testing.Verbose() {
				t.Logf("%s: %.2f× the body, %d bytes besides 1.0×", name, float64(r.Size)/float64(len(body)), r.Size-int64(len(body)))
			}
		}
	}
}

// BenchmarkRenderJSON measures the report's whole share of a run on a
// 4.5 MiB JSON answer: render, and write the .eml.
func BenchmarkRenderJSON(b *testing.B) {
	body := jsonList(rand.New(rand.NewSource(1)), 4608<<10, false, false)
	tk := jsonTicket(&testing.T{}, body)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r, err := Render(tk)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

package diagnose

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/redact"
)

// TestCorpusWithDescription is TestCorpus as a user runs the tool: with
// the API description loaded (the facts-only subset of the official
// documents in ../shared/altegio-openapi; skipped when it is absent).
// The description's checks may then name the cause before the answer's
// checks do: a case's "cause-described" section lists the IDs that may
// come first besides those of its "cause" section. Every failure must
// still be named first, as the likely cause, and a correct call must
// give nothing above info.
func TestCorpusWithDescription(t *testing.T) {
	api := sharedAPI(t)
	files, err := filepath.Glob(filepath.Join(casesDir, "corpus", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	named, failures := 0, 0
	for _, file := range files {
		base := strings.TrimSuffix(filepath.Base(file), ".txtar")
		tc := readCase(t, file)
		causes := strings.Fields(tc.section("cause"))
		res := redact.Scrub(tc.exchange(t), redact.Policy{})
		got := Analyze(&res.Exchange, res.Secrets, Options{API: api}).Findings
		for _, f := range got {
			checkFinding(t, f, res.Secrets)
		}
		if len(causes) > 0 && causes[0] == "none" {
			for _, f := range got {
				if f.Severity > Info {
					t.Errorf("%s: a correct call has %s %s: %s", base, f.ID, f.Severity, f.Explain)
				}
			}
			continue
		}
		failures++
		causes = append(causes, strings.Fields(tc.section("cause-described"))...)
		first, likely := LikelyCause(got)
		if likely && contains(causes, first.ID) {
			named++
			continue
		}
		t.Errorf("%s: want first %v, got %s", base, causes, ids(got))
	}
	t.Logf("with the description: %d of %d failures named first", named, failures)
}

// TestCorpusDescribedCauses: a "cause-described" section names checks of
// the description only, so that it cannot hide a miss of the others.
func TestCorpusDescribedCauses(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(casesDir, "corpus", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		for _, id := range strings.Fields(readCase(t, file).section("cause-described")) {
			if r, ok := ruleByID(id); !ok || r.from != fromSpec {
				t.Errorf("%s: %s in cause-described is not a check of the description", filepath.Base(file), id)
			}
		}
	}
}

// BenchmarkCorpusWithDescription is BenchmarkCorpus with the description's
// subset loaded: what matching the call, validating it and, for a path
// the API does not have, finding the nearest documented ones adds to a
// diagnosis.
func BenchmarkCorpusWithDescription(b *testing.B) {
	api := sharedAPI(b)
	files, _ := filepath.Glob(filepath.Join(casesDir, "corpus", "*.txtar"))
	t := &testing.T{}
	var inputs []*redact.Result
	for _, f := range files {
		tc := readCase(t, f)
		res := redact.Scrub(tc.exchange(t), redact.Policy{})
		inputs = append(inputs, res)
	}
	opts := Options{API: api}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			Analyze(&in.Exchange, in.Secrets, opts)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(inputs)), "µs/call")
}

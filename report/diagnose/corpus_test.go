package diagnose

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/redact"
)

// TestCorpus measures the diagnosis on the corpus of real-world failures
// in testdata/diagnose/corpus: calls integrators made, each with the
// server's answer as the API gives it (the sources are in each case's
// comment). The file name's prefix is the group: a (a path or id the API
// does not have), b (a parameter or body that breaks a documented rule),
// c (answers the API gives), d (the bugs of issue 12), ok (correct calls).
//
// A failing case's "cause" section lists the IDs that name its cause;
// the first finding must be one of them, and it must be the likely cause
// (what the terminal shows as "likely cause" and acts on in "next"). A
// correct call ("none") must produce no finding above info.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(casesDir, "corpus", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	type score struct{ named, total int }
	groups := map[string]*score{}
	var misses []string
	for _, file := range files {
		base := strings.TrimSuffix(filepath.Base(file), ".txtar")
		group, _, _ := strings.Cut(base, "-")
		tc := readCase(t, file)
		causes := strings.Fields(tc.section("cause"))
		if len(causes) == 0 {
			t.Errorf("%s: no cause section", base)
			continue
		}
		res := redact.Scrub(tc.exchange(t), redact.Policy{})
		got := Run(&res.Exchange, res.Secrets)
		if groups[group] == nil {
			groups[group] = &score{}
		}
		groups[group].total++
		ok := false
		if causes[0] == "none" {
			ok = true
			for _, f := range got {
				if f.Severity > Info {
					ok = false
				}
			}
		} else if len(got) > 0 {
			first, likely := LikelyCause(got)
			ok = likely && first.ID == got[0].ID && contains(causes, first.ID)
		}
		if ok {
			groups[group].named++
			continue
		}
		var ids []string
		for _, f := range got {
			ids = append(ids, f.ID+" "+f.Severity.String())
		}
		misses = append(misses, fmt.Sprintf("%s: want first %v, got %v", base, causes, ids))
	}
	var names []string
	failures := 0
	for g, s := range groups {
		names = append(names, g)
		if g != "ok" {
			failures += s.total
		}
	}
	sort.Strings(names)
	for _, g := range names {
		t.Logf("group %-3s %2d of %2d named", g, groups[g].named, groups[g].total)
	}
	for _, m := range misses {
		t.Error(m)
	}
	if failures < 30 {
		t.Errorf("the corpus has %d failures; it needs at least 30", failures)
	}
	for _, g := range []string{"a", "b", "c", "d", "ok"} {
		if groups[g] == nil || groups[g].total < 4 {
			t.Errorf("group %s has fewer than 4 cases", g)
		}
	}
}

// BenchmarkCorpus diagnoses every case of the corpus once per iteration:
// the cost of a diagnosis on real-world calls, fixes included.
func BenchmarkCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(casesDir, "corpus", "*.txtar"))
	t := &testing.T{}
	type input struct {
		res *redact.Result
	}
	var inputs []input
	for _, f := range files {
		tc := readCase(t, f)
		inputs = append(inputs, input{redact.Scrub(tc.exchange(t), redact.Policy{})})
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			Analyze(&in.res.Exchange, in.res.Secrets, Options{})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(inputs)), "µs/call")
}

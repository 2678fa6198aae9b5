package diagnose

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/altegio/altegio-ticket/capture"
)

// TestEveryRuleIsComplete: every catalogue entry has its check function,
// every check its entry (they are declared together, so the only way to
// break this is a nil function or a duplicate ID), and the rule's kind of
// evidence is consistent with its ID range.
func TestEveryRuleIsComplete(t *testing.T) {
	seen := map[string]bool{}
	idRE := regexp.MustCompile(`^AT[123]\d\d$`)
	for _, r := range rules {
		switch {
		case !idRE.MatchString(r.ID):
			t.Errorf("bad ID %q", r.ID)
		case seen[r.ID]:
			t.Errorf("%s is registered twice", r.ID)
		case r.run == nil:
			t.Errorf("%s has no check function", r.ID)
		case r.Title == "" || r.Meaning == "" || strings.Contains(r.Title, "\n"):
			t.Errorf("%s needs a one-line title and a meaning", r.ID)
		}
		seen[r.ID] = true
		if r.ID[2] == '2' && r.from != fromAnswer {
			t.Errorf("%s reads the response but is not marked fromAnswer", r.ID)
		}
		if r.ID[2] == '1' && !r.isRequest() {
			t.Errorf("%s reads the request but is not marked as a request rule", r.ID)
		}
		// AT144 (a replayed POST) and AT157 (a deprecated operation)
		// are never the cause of a failure, so they blame nothing.
		if r.isRequest() && r.blames == partNone && r.ID != "AT144" && r.ID != "AT157" {
			t.Errorf("%s is a request rule that blames no part: the ranking cannot weigh it", r.ID)
		}
	}
	n := 0
	for _, g := range ruleGroups {
		n += len(g)
	}
	if n != len(rules) {
		t.Errorf("%d rules in the groups, %d registered", n, len(rules))
	}
}

// answerOwners are the rules that speak for a failing answer; every 4xx
// answer gets exactly one of them.
var answerOwners = []string{
	"AT201", "AT202", "AT203", "AT204", "AT205", "AT206", "AT207", "AT208", "AT212",
	"AT220", "AT221", "AT222", "AT223", "AT224", "AT225", "AT226", "AT227", "AT228", "AT229", "AT230", "AT231", "AT232",
}

// answerCall builds a call whose answer has the given status and known
// message, as newCall would.
func answerCall(status int, km *knownMessage, yclients bool) *call {
	ex := &capture.Exchange{Hops: []capture.Hop{{
		Request:  capture.Sent{Method: "GET", URL: "https://api.alteg.io/api/v1/records/1"},
		Response: &capture.Response{Status: status},
	}}}
	c := newCall(ex, nil, Options{})
	c.env = &envelope{IsEnvelope: true, HasMessage: true, Message: "x", YErrors: yclients, YCode: status}
	c.answer = answer{status: status, known: km}
	if km != nil {
		c.answer.text = "x"
	}
	return c
}

// TestOneAnswerFinding: for every 4xx status the API uses and every known
// message it may carry (or none), in the API's format or the YCLIENTS one,
// exactly one rule speaks for the answer; and every known cause has its
// rule, which is the same whatever the status.
func TestOneAnswerFinding(t *testing.T) {
	owners := map[string]bool{}
	for _, id := range answerOwners {
		owners[id] = true
	}
	kms := []*knownMessage{nil}
	for i := range knownMessages {
		kms = append(kms, &knownMessages[i])
	}
	byCause := map[cause]string{}
	for _, status := range []int{400, 401, 402, 403, 404, 405, 406, 409, 410, 413, 415, 422, 429, 451} {
		for _, km := range kms {
			for _, yc := range []bool{false, true} {
				c := answerCall(status, km, yc)
				var fired []string
				for _, r := range rules {
					if owners[r.ID] && r.run(c) != nil {
						fired = append(fired, r.ID)
					}
				}
				name := "none"
				if km != nil {
					name = fmt.Sprint(km.cause)
				}
				if len(fired) != 1 {
					t.Errorf("status %d, known %s, yclients %v: %v speak for the answer, want exactly one", status, name, yc, fired)
					continue
				}
				if km != nil && !titledCauses[km.cause] && !(yc && status == 401) {
					if prev, ok := byCause[km.cause]; ok && prev != fired[0] {
						t.Errorf("cause %s is reported by %s and by %s", name, prev, fired[0])
					}
					byCause[km.cause] = fired[0]
				}
			}
		}
	}
	for k := cause(1); k <= lastCause; k++ {
		found := false
		for _, km := range knownMessages {
			found = found || km.cause == k
		}
		if !found {
			t.Errorf("cause %d has no known message", k)
		}
		if _, ok := byCause[k]; !ok && !titledCauses[k] {
			t.Errorf("cause %d has no check", k)
		}
	}
}

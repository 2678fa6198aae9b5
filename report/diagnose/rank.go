package diagnose

import (
	"fmt"
	"slices"
	"strings"
)

// hit is a finding with the rule that made it, while it is ranked.
type hit struct {
	Finding
	rule *rule
	// verified is set when a replay with the finding's fix succeeded.
	verified bool
}

// rank weighs the findings against the outcome and against each other,
// and returns them in the order a reader should act on them: the likely
// cause first. It applies, in order:
//
//  1. A verified fix is the strongest evidence there is: its findings
//     are the likely cause, and every other request mistake is demoted.
//  2. A request mistake is the likely cause only when a mistake in its
//     part can produce this outcome (call.possible): a 422 that names
//     fields shows the API read the request up to its body, so a missing
//     Accept header did not cause it; a 401 "Authentication needed."
//     shows the Accept header was accepted. Otherwise it stays, with its
//     fix, as a warning that says why it is not the cause.
//  3. An answer or transport finding that a remaining likely request
//     mistake explains becomes info, pointing at it: the mistake, which
//     has the fix, comes first, and the answer is its evidence. So does
//     a finding that is the consequence of another (rule.explains), such
//     as a redirect that dropped Authorization after http://.
//  4. Order: severity, then among likely causes a verified fix, the
//     server's specific answer, the API description's checks (fromSpec),
//     the request-shape checks, then the rest; then ID.
//
// A check from the API's description (fromSpec) plugs in as a request
// check: its part decides whether it can be the cause, and when the
// server's answer is specific and about another part, the answer wins;
// when the answer is generic (a bare 404), the description's finding
// explains it and comes first.
func rank(c *call, hits []*hit) []*hit {
	hits = dropSuperseded(hits)
	verified := c.verifiedIDs()
	for _, h := range hits {
		if _, ok := verified[h.ID]; ok {
			h.verified = true
			h.Severity = Likely
			h.Evidence = append(slices.Clone(h.Evidence), verified.proof(h.ID))
		}
	}
	anyVerified := len(verified) > 0

	// 2: request mistakes the outcome rules out.
	for _, h := range hits {
		if h.Severity != Likely || h.verified || !h.rule.isRequest() {
			continue
		}
		switch {
		case anyVerified:
			h.demote("A fix for another finding made the call work, so this one did not cause this failure; fix it all the same.")
		case !c.possible.has(h.rule.blames):
			h.demote(c.notCause(h.rule.blames))
		}
	}

	// 3: consequences of a likely request mistake, then the answers and
	// faults that the remaining ones explain.
	explain(c, hits, func(h *hit) bool { return h.rule.isRequest() && h.rule.explains != 0 })
	explain(c, hits, func(h *hit) bool { return !h.rule.isRequest() })

	slices.SortStableFunc(hits, func(a, b *hit) int {
		if a.Severity != b.Severity {
			return int(b.Severity) - int(a.Severity)
		}
		if a.Severity == Likely {
			if wa, wb := a.weight(c), b.weight(c); wa != wb {
				return wa - wb
			}
		}
		return strings.Compare(a.ID, b.ID)
	})
	return hits
}

// dropSuperseded removes the findings another finding supersedes
// (rule.supersedes): the same thing said from better evidence.
func dropSuperseded(hits []*hit) []*hit {
	gone := map[string]bool{}
	for _, h := range hits {
		for _, id := range h.rule.supersedes {
			gone[id] = true
		}
	}
	if len(gone) == 0 {
		return hits
	}
	out := hits[:0:0]
	for _, h := range hits {
		if !gone[h.ID] {
			out = append(out, h)
		}
	}
	return out
}

// explain turns the likely findings that pick selects into info when a
// likely request mistake (or a verified fix) explains them.
func explain(c *call, hits []*hit, pick func(*hit) bool) {
	var causes []*hit
	for _, h := range hits {
		if h.Severity == Likely && (h.rule.isRequest() || h.verified) {
			causes = append(causes, h)
		}
	}
	for _, h := range hits {
		if h.Severity == Info || h.verified || h.ServerSide || !pick(h) {
			continue
		}
		allowed := c.possible
		if h.rule.explains != 0 {
			allowed = h.rule.explains
		}
		var ids []string
		for _, cause := range causes {
			if cause != h && (cause.verified || allowed.has(cause.rule.blames)) {
				ids = append(ids, cause.ID)
			}
		}
		if len(ids) > 0 {
			h.Severity = Info
			h.Explain = explainedBy(h.rule.from == fromAnswer, ids) + " " + firstSentence(h.Explain)
			h.Fix, h.Action = "", ""
		}
	}
}

// isRequest says whether the rule reads the request: its finding is a
// mistake the user can fix, and may explain the answer.
func (r *rule) isRequest() bool { return r.from == fromRequest || r.from == fromSpec }

// weight orders likely causes: lower comes first.
func (h *hit) weight(c *call) int {
	switch {
	case h.verified:
		return 0
	case h.rule.from == fromAnswer && c.answer.specific:
		return 1
	case h.rule.from == fromSpec:
		return 2
	case h.rule.from == fromRequest:
		return 3
	}
	return 4
}

// demote turns a likely cause into a warning and says why.
func (h *hit) demote(why string) {
	h.Severity = Warning
	if why != "" {
		h.Explain = strings.TrimSpace(h.Explain + " " + why)
	}
}

// notCause says why a mistake in part p did not cause this outcome; ""
// when the call worked, where the warning speaks for itself.
func (c *call) notCause(p part) string {
	const tail = " Fix it all the same: other calls may fail on it."
	switch c.outcome {
	case outSuccess:
		return ""
	case outServer:
		return "It did not cause this failure: the server failed on its side." + tail
	case outNone:
		return "It did not cause this failure: the call failed before the API could read it." + tail
	case outForeign:
		return "It did not cause this failure: something other than the API answered." + tail
	}
	a := c.answer
	if a.specific && a.about != "" {
		return fmt.Sprintf("It did not cause this failure: the API's %d answer %s, so the API got past %s.%s", a.status, a.about, p.words(), tail)
	}
	return fmt.Sprintf("It did not cause this failure: the API does not answer a mistake in %s with %d.%s", p.words(), a.status, tail)
}

// explainedBy is the text a finding carries when a request mistake
// already names the cause: the server's answer, or a consequence such as
// a redirect that dropped Authorization.
func explainedBy(answer bool, ids []string) string {
	if answer {
		return "This answer is explained by " + strings.Join(ids, " and ") + " above."
	}
	return "This follows from " + strings.Join(ids, " and ") + " above."
}

// firstSentence returns s up to the end of its first sentence: a period
// followed by a space or the end, outside quotes and parentheses, so that
// a quoted server message with periods in it stays whole.
func firstSentence(s string) string {
	depth, inQuote, escaped := 0, false, false
	for i, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && inQuote:
			escaped = true
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case r == '.' && depth == 0 && (i+1 == len(s) || s[i+1] == ' '):
			return s[:i+1]
		}
	}
	return s
}

package diagnose

import (
	"slices"
	"strings"
)

// rule is one check: its catalogue entry and the function that runs it,
// declared side by side in the file of its group, so that a check cannot
// exist without its entry or the other way round.
//
// To add a check, write its function and add a rule to a group below (or
// a new group, listed in ruleGroups); docs/checks.md lists the same IDs,
// and TestDocsListEveryCheck keeps the two in step.
type rule struct {
	Check
	// from says what kind of evidence the finding rests on; the ranking
	// weighs a specific answer from the server above a request-shape
	// mistake it contradicts.
	from source
	// blames is the part of the call the finding holds responsible.
	// Answer rules leave it partNone: they blame what the answer names
	// (answer.blames).
	blames part
	// explains lists the parts whose likely request mistake explains
	// the finding, which then becomes info pointing at it. For answer
	// and transport rules, zero means the parts the outcome allows
	// (call.possible); for a request rule, zero means it is a cause of
	// its own, never a consequence.
	explains partSet
	// supersedes lists checks whose finding this one makes redundant when
	// both fire: a check from the API's description that states what a
	// heuristic guessed (the documented security over the guess from the
	// path's words). The ranking drops theirs.
	supersedes []string
	// run returns the finding, or nil when the check has nothing to say.
	// It sets neither ID nor Title: the registry does. Its Severity is
	// what the finding would be on its own: Likely for a mistake that
	// makes calls fail; the ranking lowers it when the outcome or the
	// server's answer shows it did not cause this one.
	run func(*call) *Finding
	// fix, when set, proposes the mechanical fix of the finding, for a
	// caller that replays the call to prove it.
	fix func(*call) *Fix
}

// source is the kind of evidence a rule reads.
type source int

const (
	// fromRequest: the request's shape, known before any answer.
	fromRequest source = iota
	// fromSpec: the API's published description. The checks that read it
	// rank above the request-shape heuristics and below the server's
	// specific answer.
	fromSpec
	// fromAnswer: the server's answer.
	fromAnswer
	// fromTransport: what happened on the wire below HTTP, and redirects.
	fromTransport
)

// part is the part of a call a finding holds responsible. The ranking
// compares it with the parts the outcome can come from (call.possible).
type part int

const (
	partNone    part = iota
	partAccept       // the Accept header
	partAuth         // Authorization: its grammar, either token
	partPartner      // the partner token (after Bearer)
	partUser         // the user token (after User)
	partHost         // the scheme, host and port
	partPath         // the path as a route of the API
	partID           // an id in the path: the route exists, the object may not
	partMethod       // the HTTP method
	partQuery        // the query string
	partBody         // the body's encoding: Content-Type, JSON syntax, where fields go
	partFields       // the values of the body's fields
	partRights       // the user's rights on the location, the application's access
	partAccount      // the location's licence and features: not in the call at all
	partBooking      // the schedule: a slot taken, appointments overlapping
	partRate         // the rate limit
	partServer       // the API itself
	partNetwork      // anything between this machine and the API
)

// words names a part in a sentence.
func (p part) words() string {
	switch p {
	case partAccept:
		return "the Accept header"
	case partAuth, partPartner, partUser:
		return "the Authorization header"
	case partHost:
		return "the host or scheme"
	case partPath, partID:
		return "the path"
	case partMethod:
		return "the method"
	case partQuery:
		return "the query string"
	case partBody:
		return "the body"
	case partFields:
		return "the body's fields"
	}
	return "this part of the call"
}

// partSet is a set of parts.
type partSet uint32

func setOf(ps ...part) partSet {
	var s partSet
	for _, p := range ps {
		s |= 1 << p
	}
	return s
}

func (s partSet) has(p part) bool { return s&(1<<p) != 0 }

// allRequest is every part a mistake in the request can be in.
var allRequest = setOf(partAccept, partAuth, partPartner, partUser, partHost, partPath, partID, partMethod, partQuery, partBody, partFields)

// ruleGroups lists the groups of rules, each declared beside its checks.
var ruleGroups = [][]rule{
	acceptRules,
	authRules,
	hostRules,
	bodyRules,
	statusRules,
	answerRules,
	transportRules,
	specRules,
}

// rules is every rule in ID order.
var rules = func() []rule {
	var out []rule
	for _, g := range ruleGroups {
		out = append(out, g...)
	}
	slices.SortStableFunc(out, func(a, b rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}()

// ruleByID returns the rule with the given ID, and false when there is
// none. Only tests and the fix proposals use it.
func ruleByID(id string) (*rule, bool) {
	for i := range rules {
		if rules[i].ID == id {
			return &rules[i], true
		}
	}
	return nil, false
}

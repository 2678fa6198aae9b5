package report

import (
	"fmt"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
)

// renderFunc renders the ticket with the bodies of ex (already cut) and
// extra notes for the reader.
type renderFunc func(ex *capture.Exchange, notes []string) (*Rendered, error)

// fitBudget renders the ticket and, when the message is larger than the
// budget, cuts every body to a common cap, so that the largest bodies are
// cut first and small ones are kept whole. The size of the message grows
// with the cap, piecewise linearly, so a few renders find the largest cap
// that fits: each guess interpolates between the best cap known to fit and
// the smallest known not to, with a bisection when interpolation stalls.
func fitBudget(t *Ticket, render renderFunc) (*Rendered, error) {
	limit := t.MaxSize
	if limit == 0 {
		limit = DefaultMaxSize
	}
	full, err := render(&t.Exchange, nil)
	if err != nil || limit < 0 || int64(len(full.EML)) <= limit {
		return full, err
	}
	try := func(limitCap int) (*Rendered, error) {
		ex, cuts := cutBodies(&t.Exchange, limitCap)
		var notes []string
		for _, c := range cuts {
			notes = append(notes, fmt.Sprintf("To keep this message under %s, %s.", capture.ByteCount(limit), c))
		}
		r, err := render(ex, notes)
		if err != nil {
			return nil, err
		}
		r.Cut = len(cuts) > 0
		for _, c := range cuts {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the ticket would be %s, over its %s budget: %s", capture.ByteCount(int64(len(full.EML))), capture.ByteCount(limit), c))
		}
		return r, nil
	}

	lo, hi := 0, longestBody(&t.Exchange) // the cap lo fits; hi does not
	best, err := try(lo)
	if err != nil {
		return nil, err
	}
	sizeLo, sizeHi := int64(len(best.EML)), int64(len(full.EML))
	if sizeLo > limit {
		best.Warnings = append(best.Warnings, fmt.Sprintf("the ticket is %s even with every body left out, over its %s budget; it was written anyway", capture.ByteCount(sizeLo), capture.ByteCount(limit)))
		return best, nil
	}
	// Aim a little under the limit, since interpolating a concave curve
	// overshoots.
	target := limit - limit/64
	side, streak := 0, 0 // which bound the last guesses moved, and how often
	for i := 0; i < 12 && hi-lo > 256 && limit-sizeLo > limit/64; i++ {
		guess := lo + int(float64(hi-lo)*float64(target-sizeLo)/float64(sizeHi-sizeLo))
		if streak >= 2 {
			guess, streak = lo+(hi-lo)/2, 0
		}
		guess = min(max(guess, lo+1), hi-1)
		r, err := try(guess)
		if err != nil {
			return nil, err
		}
		moved := -1
		if size := int64(len(r.EML)); size <= limit {
			lo, sizeLo, best, moved = guess, size, r, +1
		} else {
			hi, sizeHi = guess, size
		}
		if moved == side {
			streak++
		} else {
			side, streak = moved, 1
		}
	}
	return best, nil
}

// longestBody is the length of the longest body kept in ex.
func longestBody(ex *capture.Exchange) int {
	n := 0
	for _, h := range ex.Hops {
		n = max(n, len(h.Request.Body.Data))
		if h.Response != nil {
			n = max(n, len(h.Response.Body.Data))
		}
	}
	return n
}

// cutBodies returns a copy of ex with every body cut to at most limit
// bytes, and a sentence for each body that was cut. ex is not modified.
func cutBodies(ex *capture.Exchange, limit int) (*capture.Exchange, []string) {
	out := *ex
	out.Hops = append([]capture.Hop(nil), ex.Hops...)
	var cuts []string
	which := func(name string, i int) string {
		if len(out.Hops) == 1 {
			return "the " + name + " body"
		}
		return fmt.Sprintf("the %s body of request %d of %d", name, i+1, len(out.Hops))
	}
	for i := range out.Hops {
		h := &out.Hops[i]
		if b, ok := cutBody(h.Request.Body, limit); ok {
			cuts = append(cuts, fmt.Sprintf("%s was cut to its first %s of %s", which("request", i), capture.ByteCount(int64(len(b.Data))), capture.ByteCount(b.Size)))
			h.Request.Body = b
		}
		if h.Response != nil {
			if b, ok := cutBody(h.Response.Body, limit); ok {
				resp := *h.Response
				resp.Body = b
				h.Response = &resp
				cuts = append(cuts, fmt.Sprintf("%s was cut to its first %s of %s", which("response", i), capture.ByteCount(int64(len(b.Data))), capture.ByteCount(b.Size)))
			}
		}
	}
	return &out, cuts
}

// cutBody cuts b to at most limit bytes, at a character boundary when b
// is text, and reports whether it cut anything.
func cutBody(b capture.Body, limit int) (capture.Body, bool) {
	n := len(b.Data)
	if n <= limit {
		return b, false
	}
	keep := limit
	if !b.Binary {
		for keep > 0 && keep > limit-utf8.UTFMax && !utf8.RuneStart(b.Data[keep]) {
			keep--
		}
	}
	if b.UTF8 != nil {
		u := len(b.UTF8) * keep / n
		for u > 0 && !utf8.RuneStart(b.UTF8[u]) {
			u--
		}
		b.UTF8 = b.UTF8[:u:u]
	}
	b.Data = b.Data[:keep:keep]
	b.Truncated = true
	if b.Size < int64(n) {
		b.Size = int64(n)
	}
	return b, true
}

package report

import (
	"fmt"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
)

// renderFunc renders the ticket with the bodies of ex (already cut) and
// extra notes for the reader.
// With measure, only Rendered.Size is filled in.
type renderFunc func(ex *capture.Exchange, notes []string, measure bool) (*Rendered, error)

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
	// When the bodies alone cannot fit, the full render is skipped: it
	// would be the largest of all, and the peak memory of a big ticket.
	var fullSize int64
	over := "would be " // how the warning states fullSize
	if est := leastSize(&t.Exchange); limit >= 0 && est > limit {
		fullSize, over = est, "would be over "
	} else {
		full, err := render(&t.Exchange, nil, false)
		if err != nil || limit < 0 || int64(len(full.EML)) <= limit {
			return full, err
		}
		fullSize = int64(len(full.EML))
	}
	try := func(limitCap int, measure bool) (*Rendered, error) {
		ex, cuts := cutBodies(&t.Exchange, limitCap)
		var notes []string
		for _, c := range cuts {
			notes = append(notes, fmt.Sprintf("To keep this message under %s, %s.", capture.ByteCount(limit), c))
		}
		r, err := render(ex, notes, measure)
		if err != nil {
			return nil, err
		}
		r.Cut = len(cuts) > 0
		for _, c := range cuts {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the ticket %s%s, over its %s budget: %s", over, capture.ByteCount(fullSize), capture.ByteCount(limit), c))
		}
		return r, nil
	}

	// The search keeps only sizes, and the chosen cap is rendered once more
	// at the end: one render more, but never two large ones in memory.
	measure := func(limitCap int) (int64, error) {
		r, err := try(limitCap, true)
		if err != nil {
			return 0, err
		}
		return r.Size, nil
	}
	lo, hi := 0, longestBody(&t.Exchange) // the cap lo fits; hi does not
	sizeLo, err := measure(lo)
	if err != nil {
		return nil, err
	}
	sizeHi := fullSize
	if sizeLo > limit {
		best, err := try(lo, false)
		if err != nil {
			return nil, err
		}
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
		size, err := measure(guess)
		if err != nil {
			return nil, err
		}
		moved := -1
		if size <= limit {
			lo, sizeLo, moved = guess, size, +1
		} else {
			hi, sizeHi = guess, size
		}
		if moved == side {
			streak++
		} else {
			side, streak = moved, 1
		}
	}
	return try(lo, false)
}

// leastSize is a lower bound of the size of the message for ex. Every
// body is in request.har, and the first request's and the final
// response's bodies are attached too; attachments are base64-encoded
// (4 bytes for 3).
func leastSize(ex *capture.Exchange) int64 {
	var n int64
	for _, h := range ex.Hops {
		n += int64(len(h.Request.Body.Data))
		if h.Response != nil {
			n += int64(len(h.Response.Body.Data))
		}
	}
	n += int64(len(ex.Call().Request.Body.Data))
	if r := ex.Response(); r != nil {
		n += int64(len(r.Body.Data))
	}
	return n * 4 / 3
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

package report

import (
	"fmt"
	"unicode/utf8"

	"github.com/altegio/altegio-ticket/capture"
)

// fitBudget renders the ticket and, when the message is larger than the
// budget, cuts every body to a common cap, so that the largest bodies are
// cut first and small ones are kept whole.
//
// The ticket is rendered once in full. Only when that is over the budget
// is the cap worked out, on a model of the message's size (sizeModel)
// rather than by rendering candidates, and the ticket rendered once more
// with its bodies cut; should the model have been short, the cap shrinks
// by the excess and the ticket is rendered again, which the model's
// margins make rare.
func fitBudget(t *Ticket, r *renderer) (*Rendered, error) {
	limit := t.MaxSize
	if limit == 0 {
		limit = DefaultMaxSize
	}
	full, err := r.render(&t.Exchange, nil)
	if err != nil {
		return nil, err
	}
	fullSize := full.msg.size()
	if limit < 0 || fullSize <= limit {
		return full.rendered(), nil
	}

	try := func(limitCap int) (*Rendered, error) {
		ex, cuts := cutBodies(&t.Exchange, limitCap)
		var notes []string
		for _, c := range cuts {
			notes = append(notes, fmt.Sprintf("To keep this message under %s, %s.", capture.ByteCount(limit), c))
		}
		d, err := r.render(ex, notes)
		if err != nil {
			return nil, err
		}
		out := d.rendered()
		out.Cut = len(cuts) > 0
		for _, c := range cuts {
			out.Warnings = append(out.Warnings, fmt.Sprintf("the ticket would be %s, over its %s budget: %s", capture.ByteCount(fullSize), capture.ByteCount(limit), c))
		}
		return out, nil
	}

	m := newSizeModel(&t.Exchange, full, fullSize)
	if m.size(0) > limit {
		best, err := try(0)
		if err != nil {
			return nil, err
		}
		if best.Size > limit {
			best.Warnings = append(best.Warnings, fmt.Sprintf("the ticket is %s even with every body left out, over its %s budget; it was written anyway", capture.ByteCount(best.Size), capture.ByteCount(limit)))
		}
		return best, nil
	}
	// The largest cap whose modelled size fits: lo fits, hi does not.
	lo, hi := 0, longestBody(&t.Exchange)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if m.size(mid) <= limit {
			lo = mid
		} else {
			hi = mid
		}
	}
	for {
		out, err := try(lo)
		if err != nil || out.Size <= limit || lo == 0 {
			if err == nil && out.Size > limit {
				out.Warnings = append(out.Warnings, fmt.Sprintf("the ticket is %s even with every body left out, over its %s budget; it was written anyway", capture.ByteCount(out.Size), capture.ByteCount(limit)))
			}
			return out, err
		}
		// The model was short: cut by the excess and a little more.
		lo = max(0, lo-int(out.Size-limit)-4<<10)
	}
}

// noteCost bounds what the sentences about one cut body add to the
// message: a note in each body part, a comment in the HAR, the collection
// and replay.sh.
const noteCost = 2 << 10

// sizeModel predicts the size of the message with every body cut to a
// cap, from the full rendering: the file that holds the response body is
// sized exactly, prefix by prefix; a part that holds bodies among other
// text (the HAR, the collection, replay.sh) shrinks by its encoding's
// ratio for each byte cut, which undercounts what escaping saved, so the
// model errs towards a smaller cap.
type sizeModel struct {
	full   int64
	bodies []capture.Body // every body, by bodyRef order below
	parts  []modelPart
}

type modelPart struct {
	size   int64
	ratio  float64 // encoded bytes per byte of data
	bodies []int   // indexes into sizeModel.bodies
	exact  *prefixSizer
}

func newSizeModel(ex *capture.Exchange, d *draft, full int64) *sizeModel {
	m := &sizeModel{full: full}
	index := map[bodyRef]int{}
	body := func(r bodyRef) int {
		if i, ok := index[r]; ok {
			return i
		}
		h := ex.Hops[r.hop]
		b := h.Request.Body
		if r.response {
			b = h.Response.Body
		}
		index[r] = len(m.bodies)
		m.bodies = append(m.bodies, b)
		return index[r]
	}
	for i, refs := range d.bodied {
		p := d.msg.parts[2+i] // after the text and HTML parts
		mp := modelPart{size: p.size, ratio: 1}
		if len(p.data) > 0 {
			mp.ratio = float64(p.size) / float64(len(p.data))
		}
		for _, r := range refs {
			mp.bodies = append(mp.bodies, body(r))
		}
		if len(refs) == 1 && refs[0].response {
			// The body's own file: its data is the body.
			mp.exact = newPrefixSizer(p.enc, p.data)
		}
		m.parts = append(m.parts, mp)
	}
	return m
}

// size is the modelled size of the message with every body cut to limit
// bytes.
func (m *sizeModel) size(limit int) int64 {
	n := m.full
	cut := 0
	for _, b := range m.bodies {
		if len(b.Data) > limit {
			cut++
		}
	}
	n += int64(cut) * noteCost
	for _, p := range m.parts {
		if p.exact != nil {
			b := m.bodies[p.bodies[0]]
			kept := min(keptText(b, limit), len(p.exact.data))
			n += p.exact.size(kept) - p.size
			continue
		}
		var dropped int
		for _, i := range p.bodies {
			b := m.bodies[i]
			dropped += len(b.Data) - min(len(b.Data), limit)
		}
		n -= int64(float64(dropped) * p.ratio)
	}
	return n
}

// keptText is how many bytes of b's text (as attached) are left when b is
// cut to limit.
func keptText(b capture.Body, limit int) int {
	c, _ := cutBody(b, limit)
	return len(c.Text())
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

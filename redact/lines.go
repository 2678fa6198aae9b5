package redact

// Lines returns a redactor for what reaches the terminal before an
// exchange is recorded or when none is (notes about the input, the
// --list of a HAR file, the confirmation prompt, error messages): the
// policy's values, and the secrets that detection finds in texts by
// structure (credentials in URLs, name=value and Name: value pairs,
// Authorization schemes, JWTs). Its Line method applies the same matcher
// Scrub uses to the exchange, keyed values included.
func Lines(p Policy, texts ...string) *Result {
	d := newDetector(p)
	for _, t := range texts {
		d.text([]byte(t), "terminal")
	}
	d.policy(p)
	res := &Result{rep: newReplacer(d.list, nil)}
	for _, e := range d.list {
		res.Secrets = append(res.Secrets, e.Secret)
	}
	return res
}

// Line returns s with every secret the Result knows replaced, wherever
// and however it stands, keyed values included: for a line of the
// terminal, which carries request data, not the ticket's text.
func (r *Result) Line(s string) string {
	if s == "" || r == nil || r.rep == nil {
		return s
	}
	return string(r.rep.replace(r.rep.mt, []byte(s), "", false))
}

// text detects the secrets of a free text by its structure.
func (d *detector) text(t []byte, at string) {
	d.urls(t, at, 0)
	d.lines(t, at)
	d.jwts(t, at)
	if looksJSON(t) {
		d.json(t, at)
	}
}

// Package pii masks personal data in text: email addresses and phone
// numbers, the personal data that Alteg.io business-data responses carry
// for clients and staff. A masked value keeps its shape, so that support
// can still see what kind of value was there: j***@example.com,
// +7 *** *** ** 67.
//
// Masking is a heuristic over bytes, not a parser: it finds an email
// around every @ (or %40), a phone number after every + followed by a
// digit, and a phone number without + only as the value of a field whose
// name contains "phone" (JSON or form). It never changes the length of
// anything but the masked values, and never touches other bytes.
package pii

import (
	"bytes"
	"cmp"
	"slices"
)

// Counts says how many values were masked.
type Counts struct {
	Emails int
	Phones int
}

// Add returns the sum of c and o.
func (c Counts) Add(o Counts) Counts { return Counts{c.Emails + o.Emails, c.Phones + o.Phones} }

// Match is one value to mask: b[Start:End] becomes Masked.
type Match struct {
	Start, End int
	Masked     string
	Email      bool // false for a phone number
}

// Find returns the values Mask would mask in b, in order and without
// overlaps.
func Find(b []byte) []Match {
	spans := findFieldPhones(b)
	spans = append(spans, findPlusPhones(b)...)
	spans = append(spans, findEmails(b)...)
	spans = sortSpans(spans)
	out := make([]Match, len(spans))
	for i, s := range spans {
		out[i] = Match{s.start, s.end, string(s.repl), s.email}
	}
	return out
}

// Mask returns b with every email address and phone number in it masked,
// and how many it masked. b is not modified; when nothing is masked, b
// itself is returned.
func Mask(b []byte) ([]byte, Counts) {
	ms := Find(b)
	return Apply(b, ms), CountOf(ms)
}

// CountOf counts matches by kind.
func CountOf(ms []Match) Counts {
	var c Counts
	for _, m := range ms {
		if m.Email {
			c.Emails++
		} else {
			c.Phones++
		}
	}
	return c
}

// Apply replaces the matches in b; b itself when there are none.
func Apply(b []byte, ms []Match) []byte {
	if len(ms) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for _, m := range ms {
		out = append(out, b[last:m.Start]...)
		out = append(out, m.Masked...)
		last = m.End
	}
	return append(out, b[last:]...)
}

// span is a value found and its replacement.
type span struct {
	start, end int
	repl       []byte
	email      bool
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// MaskEmail masks the local part of an address but its first character:
// john.doe@example.com becomes j***@example.com. sep is "@" or "%40".
func MaskEmail(local, sep, domain string) string {
	if local == "" {
		return sep + domain
	}
	return local[:1] + "***" + sep + domain
}

func findEmails(b []byte) []span {
	var spans []span
	for _, sep := range []string{"@", "%40"} {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(sep))
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(sep)
			s := at
			for s > 0 && localChar(b[s-1]) {
				s--
			}
			for s < at && b[s] == '.' {
				s++
			}
			e := at + len(sep)
			dot := false
			for e < len(b) && (isAlnum(b[e]) || b[e] == '-' || b[e] == '.') {
				dot = dot || b[e] == '.'
				e++
			}
			for e > at+len(sep) && (b[e-1] == '.' || b[e-1] == '-') {
				e--
			}
			if s == at || !dot || !validDomain(b[at+len(sep):e]) {
				continue
			}
			spans = append(spans, span{s, e, []byte(MaskEmail(string(b[s:at]), sep, string(b[at+len(sep):e]))), true})
			i = e
		}
	}
	return spans
}

func localChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+'
}

// validDomain wants at least two labels and a top-level label of letters.
func validDomain(d []byte) bool {
	k := bytes.LastIndexByte(d, '.')
	if k <= 0 || len(d)-k-1 < 2 {
		return false
	}
	for _, c := range d[k+1:] {
		if isDigit(c) || c == '-' {
			return false
		}
	}
	return true
}

// MaskPhone keeps the + and country code (the first group of at most
// three digits, or the first digit), the separators and the last two
// digits: "+7 916 123 45 67" becomes "+7 *** *** ** 67".
func MaskPhone(p string) string {
	out := []byte(p)
	keep := 0 // leading digits kept
	if len(p) > 0 && p[0] == '+' {
		keep = 1
		n := 0
		for i := 1; i < len(p) && isDigit(p[i]); i++ {
			n++
		}
		if n <= 3 && 1+n < len(p) {
			keep = n
		}
	}
	digits := 0
	for i := range p {
		if isDigit(p[i]) {
			digits++
		}
	}
	seen := 0
	for i := range out {
		if !isDigit(out[i]) {
			continue
		}
		seen++
		if seen > keep && seen <= digits-2 {
			out[i] = '*'
		}
	}
	return string(out)
}

// phoneEnd reads a phone number from b[i]: digits with at most two
// separators in a row. It returns the end (after the last digit) and the
// number of digits.
func phoneEnd(b []byte, i int) (int, int) {
	end, digits, seps := i, 0, 0
	for j := i; j < len(b); j++ {
		switch c := b[j]; {
		case isDigit(c):
			digits++
			seps = 0
			end = j + 1
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
			if seps++; seps > 2 {
				return end, digits
			}
		default:
			return end, digits
		}
	}
	return end, digits
}

// findPlusPhones finds +<digits> numbers of 9 to 15 digits.
func findPlusPhones(b []byte) []span {
	var spans []span
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '+')
		if j < 0 {
			break
		}
		s := i + j
		i = s + 1
		if s+1 >= len(b) || !isDigit(b[s+1]) || s > 0 && isAlnum(b[s-1]) {
			continue
		}
		e, digits := phoneEnd(b, s+1)
		if digits < 9 || digits > 15 || e < len(b) && isAlnum(b[e]) {
			continue
		}
		spans = append(spans, span{s, e, []byte(MaskPhone(string(b[s:e]))), false})
		i = e
	}
	return spans
}

// findFieldPhones finds the value of a field whose name contains "phone",
// in JSON ("phone": "79161234567", "phone": 79161234567) or a form
// (phone=79161234567), whether or not it starts with +.
func findFieldPhones(b []byte) []span {
	var spans []span
	for _, word := range []string{"phone", "Phone", "PHONE"} {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(word))
			if j < 0 {
				break
			}
			k := i + j + len(word)
			i = k
			for k < len(b) && (isAlnum(b[k]) || b[k] == '_' || b[k] == '-') {
				k++
			}
			if k < len(b) && b[k] == '"' {
				k++
			}
			k = skipSpace(b, k)
			if k >= len(b) || b[k] != ':' && b[k] != '=' {
				continue
			}
			k = skipSpace(b, k+1)
			if k < len(b) && b[k] == '"' {
				k++
			}
			s := k
			if k < len(b) && b[k] == '+' {
				k++
			}
			if k >= len(b) || !isDigit(b[k]) {
				continue
			}
			e, digits := phoneEnd(b, k)
			if digits < 7 || digits > 15 || e < len(b) && isAlnum(b[e]) {
				continue
			}
			spans = append(spans, span{s, e, []byte(MaskPhone(string(b[s:e]))), false})
			i = e
		}
	}
	return spans
}

func skipSpace(b []byte, k int) int {
	for k < len(b) && (b[k] == ' ' || b[k] == '\t') {
		k++
	}
	return k
}

// sortSpans orders spans by start and drops any that overlap an earlier one.
func sortSpans(s []span) []span {
	slices.SortFunc(s, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	out := s[:0]
	for _, x := range s {
		if len(out) > 0 && x.start < out[len(out)-1].end {
			continue
		}
		out = append(out, x)
	}
	return out
}

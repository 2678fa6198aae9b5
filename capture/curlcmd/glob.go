package curlcmd

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// This file is curl's URL globbing (src/tool_urlglob.c of curl 7.88.1):
// {a,b,c} is a set, [1-3], [01-10], [a-c] and [1-10:2] are ranges, a
// backslash before one of {}[] makes it a plain character, and [::1] or
// [] is taken as it is. A URL with several globs makes the product of
// them, the last glob counting fastest. -g/--globoff turns it all off.

// maxGlobs is curl's GLOB_PATTERN_NUM: the most pieces (fixed text and
// globs) a URL may have.
const maxGlobs = 100

// globPart is one piece of a globbed URL: fixed text (one element), a set,
// or a range.
type globPart struct {
	set []string // fixed text or a {set}
	// A range: first, step and count of values; chars for [a-z], pad
	// for [01-10] (the width of the first number when it starts with 0).
	rangeFirst, rangeStep, rangeCount uint64
	chars                             bool
	pad                               int
}

func (p globPart) size() uint64 {
	if p.set != nil {
		return uint64(len(p.set))
	}
	return p.rangeCount
}

func (p globPart) value(i uint64) string {
	if p.set != nil {
		return p.set[i]
	}
	v := p.rangeFirst + i*p.rangeStep
	if p.chars {
		return string(rune(byte(v)))
	}
	s := strconv.FormatUint(v, 10)
	if len(s) < p.pad {
		s = strings.Repeat("0", p.pad-len(s)) + s
	}
	return s
}

// glob is a URL read as a pattern.
type glob struct {
	parts []globPart
	count uint64
}

// GlobError is a URL that curl's globbing refuses, with curl's reason
// and the character (counted from 1) where it found the problem.
type GlobError struct {
	Reason string
	Pos    int
}

func (e *GlobError) Error() string {
	where := ""
	if e.Pos > 0 {
		where = fmt.Sprintf(" at character %d", e.Pos)
	}
	return fmt.Sprintf("curl refuses the URL: %s%s (curl: (3) %s); if the brackets or braces are part of the URL, add -g (--globoff) or write them as \\[ \\] \\{ \\}", e.Reason, where, e.Reason)
}

// parseGlob reads url as curl does. It never expands the pattern: count
// says how many URLs it makes and at gives any one of them.
func parseGlob(url string) (*glob, error) {
	g := &glob{count: 1}
	pos := 1
	p := url
	for p != "" {
		var buf strings.Builder
		for p != "" && p[0] != '{' {
			if p[0] == '[' {
				skip := 0
				if n := ipv6Literal(p); n > 0 {
					skip = n
				} else if len(p) > 1 && p[1] == ']' {
					skip = 2
				}
				if skip > 0 {
					buf.WriteString(p[:skip])
					p = p[skip:]
					pos += skip
					continue
				}
				break
			}
			if p[0] == '}' || p[0] == ']' {
				return nil, &GlobError{"unmatched close brace/bracket", pos}
			}
			if p[0] == '\\' && len(p) > 1 && strings.IndexByte("{}[]", p[1]) >= 0 {
				p = p[1:]
				pos++
			}
			buf.WriteByte(p[0])
			p = p[1:]
			pos++
		}
		var part globPart
		switch {
		case buf.Len() > 0:
			part = globPart{set: []string{buf.String()}}
		case p[0] == '{':
			var err error
			if part, p, err = globSet(p[1:], &pos); err != nil {
				return nil, err
			}
		default: // '['
			var err error
			pos++
			if part, p, err = globRange(p[1:], &pos); err != nil {
				return nil, err
			}
		}
		hi, lo := bits.Mul64(g.count, part.size())
		if hi != 0 {
			return nil, &GlobError{"range overflow", pos}
		}
		g.count = lo
		g.parts = append(g.parts, part)
		if len(g.parts) >= maxGlobs {
			return nil, &GlobError{"too many globs", pos}
		}
	}
	return g, nil
}

// globSet reads a {set}; s starts after the brace and *pos is at it.
func globSet(s string, pos *int) (globPart, string, error) {
	open := *pos
	*pos++
	var elems []string
	var buf strings.Builder
	start := true
	for {
		if s == "" {
			return globPart{}, "", &GlobError{"unmatched brace", open}
		}
		switch c := s[0]; c {
		case '{', '[':
			return globPart{}, "", &GlobError{"nested brace", *pos}
		case '}':
			if start && len(elems) == 0 && buf.Len() == 0 {
				return globPart{}, "", &GlobError{"empty string within braces", *pos}
			}
			elems = append(elems, buf.String())
			return globPart{set: elems}, s[1:], nil
		case ',':
			elems = append(elems, buf.String())
			buf.Reset()
			s = s[1:]
			*pos++
		case ']':
			return globPart{}, "", &GlobError{"unexpected close bracket", *pos}
		case '\\':
			if len(s) > 1 {
				s = s[1:]
				*pos++
			}
			fallthrough
		default:
			buf.WriteByte(s[0])
			s = s[1:]
			*pos++
		}
		start = false
	}
}

// globRange reads a [range]; s starts after the bracket.
func globRange(s string, pos *int) (globPart, string, error) {
	bad := func(used int) (globPart, string, error) {
		*pos += used
		return globPart{}, "", &GlobError{"bad range", *pos}
	}
	switch {
	case s != "" && isAlpha(s[0]):
		// "%c-%c%c" as sscanf reads it, then ] or :step].
		if len(s) < 4 || s[1] != '-' {
			return bad(0)
		}
		minC, maxC, end := s[0], s[2], s[3]
		step := uint64(1)
		rest := s[4:]
		used := 4
		switch end {
		case ':':
			n, j := leadingDigits(s[4:])
			if j == 0 || 4+j >= len(s) || s[4+j] != ']' {
				step, used = 0, 0
			} else {
				step, _ = strconv.ParseUint(n, 10, 64)
				rest, used = s[5+j:], 5+j
			}
		case ']':
		default:
			return bad(0)
		}
		if step == 0 || step > 1<<31-1 || (minC == maxC && step != 1) ||
			(minC != maxC && (minC > maxC || step > uint64(maxC-minC) || maxC-minC > 'z'-'a')) {
			return bad(used)
		}
		*pos += used
		return globPart{rangeFirst: uint64(minC), rangeStep: step, rangeCount: uint64(maxC-minC)/step + 1, chars: true}, rest, nil
	case s != "" && isDigit(s[0]):
		pad := 0
		if s[0] == '0' {
			_, pad = leadingDigits(s)
		}
		minS, j := leadingDigits(s)
		minN, err := strconv.ParseUint(minS, 10, 64)
		if err != nil || j >= len(s) || s[j] != '-' {
			return bad(0)
		}
		k := j + 1
		for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
			k++
		}
		maxS, m := leadingDigits(s[k:])
		if m == 0 {
			return bad(k)
		}
		maxN, err := strconv.ParseUint(maxS, 10, 64)
		if err != nil {
			return bad(k)
		}
		k += m
		step := uint64(1)
		if k < len(s) && s[k] == ':' {
			stepS, n := leadingDigits(s[k+1:])
			step, err = strconv.ParseUint(stepS, 10, 64)
			if n == 0 || err != nil {
				step = 0
			}
			k += 1 + n
		}
		if k >= len(s) || s[k] != ']' {
			return bad(k)
		}
		k++
		if step == 0 || (minN == maxN && step != 1) || (minN != maxN && (minN > maxN || step > maxN-minN)) {
			return bad(k)
		}
		*pos += k
		return globPart{rangeFirst: minN, rangeStep: step, rangeCount: (maxN-minN)/step + 1, pad: pad}, s[k:], nil
	}
	return globPart{}, "", &GlobError{"bad range specification", *pos}
}

// at returns the i-th URL (from 0) the pattern makes, in curl's order.
func (g *glob) at(i uint64) string {
	idx := make([]uint64, len(g.parts))
	for k := len(g.parts) - 1; k >= 0; k-- {
		n := g.parts[k].size()
		idx[k] = i % n
		i /= n
	}
	var b strings.Builder
	for k, p := range g.parts {
		b.WriteString(p.value(idx[k]))
	}
	return b.String()
}

// ipv6Literal returns the length of an IPv6 address in brackets at the
// start of s ("[::1]", "[fe80::1%25eth0]"), or 0. curl asks its URL
// parser; an address has at least two colons and only hex digits, dots,
// colons and a zone after %.
func ipv6Literal(s string) int {
	end := strings.IndexByte(s, ']')
	if end < 0 || end+1 >= 128 {
		return 0
	}
	addr := s[1:end]
	if zone := strings.Index(addr, "%25"); zone >= 0 {
		addr = addr[:zone]
	} else if zone := strings.IndexByte(addr, '%'); zone >= 0 {
		addr = addr[:zone]
	}
	if strings.Count(addr, ":") < 2 {
		return 0
	}
	for _, c := range []byte(addr) {
		if !(isHex(c) || c == ':' || c == '.') {
			return 0
		}
	}
	return end + 1
}

func leadingDigits(s string) (string, int) {
	j := 0
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return s[:j], j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

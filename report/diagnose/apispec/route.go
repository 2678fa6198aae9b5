package apispec

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// segment is one "/"-separated part of a path template: a literal word,
// or a parameter, possibly with literal text around it ("{id}.json").
type segment struct {
	lit            string
	param          string
	prefix, suffix string
}

func (s segment) isParam() bool { return s.param != "" }

func (s segment) String() string {
	if s.isParam() {
		return s.prefix + "{" + s.param + "}" + s.suffix
	}
	return s.lit
}

func splitTemplate(t string) []segment {
	var out []segment
	for _, part := range strings.Split(strings.Trim(t, "/"), "/") {
		open, close := strings.Index(part, "{"), strings.LastIndex(part, "}")
		if open >= 0 && close > open {
			out = append(out, segment{param: part[open+1 : close], prefix: part[:open], suffix: part[close+1:]})
			continue
		}
		out = append(out, segment{lit: part})
	}
	return out
}

// PathSegment is one segment of a request path: Raw as sent (still
// percent-encoded), Text decoded.
type PathSegment struct {
	Raw, Text string
}

// SplitPath splits an escaped URL path ("/api/v1/company/%7Bid%7D") into
// its segments, decoded. A trailing "/" gives a last empty segment.
func SplitPath(escaped string) []PathSegment {
	escaped = strings.TrimPrefix(escaped, "/")
	if escaped == "" {
		return nil
	}
	var out []PathSegment
	for _, raw := range strings.Split(escaped, "/") {
		text, err := url.PathUnescape(raw)
		if err != nil {
			text = raw
		}
		out = append(out, PathSegment{Raw: raw, Text: text})
	}
	return out
}

// PathValue is the value a request gives a path parameter.
type PathValue struct {
	Name string
	// Value is the segment's text (decoded); Raw is as sent.
	Value, Raw string
	// Param is the documented parameter, nil when the operation does not
	// declare it (the template still names it).
	Param *Param
}

// Match is the documented path a request path fits.
type Match struct {
	// Template is the full template, "/api/v1/records/{location_id}".
	Template string
	// Ops are the documented methods on the template, in method order.
	Ops []*Operation
	// Op is the operation for the request's method; nil when the method
	// is not documented for the path.
	Op *Operation
	// Values are the path parameters' values, in template order.
	Values []PathValue
}

// Methods lists the documented methods for the matched path.
func (m *Match) Methods() []string {
	var out []string
	for _, op := range m.Ops {
		if !contains(out, op.Method) {
			out = append(out, op.Method)
		}
	}
	return out
}

// Match finds the documented path that escapedPath fits, preferring
// literal words over parameters (/records/partner over
// /records/{location_id}), and the operation for method on it. ok is
// false when no documented path fits.
func (s *Set) Match(method, escapedPath string) (*Match, bool) {
	if s.Empty() {
		return nil, false
	}
	segs := SplitPath(escapedPath)
	m, ok := s.match(method, segs)
	if !ok && len(segs) > 1 && segs[len(segs)-1].Raw == "" {
		// "/companies/" is "/companies".
		m, ok = s.match(method, segs[:len(segs)-1])
	}
	return m, ok
}

// Route maps a request to the documented route template: Route("GET",
// "/api/v1/records/123") is "/api/v1/records/{location_id}". ok is false
// when no documented path fits; the template is returned even when the
// method is not documented for it.
func (s *Set) Route(method, escapedPath string) (template string, ok bool) {
	m, ok := s.Match(method, escapedPath)
	if !ok {
		return "", false
	}
	return m.Template, true
}

func (s *Set) match(method string, segs []PathSegment) (*Match, bool) {
	method = strings.ToUpper(method)
	best, bestScore, bestHasMethod := "", -1, false
	byTemplate := map[string][]*Operation{}
	for _, d := range s.Docs {
		for _, op := range d.ops {
			score, ok := fit(op.segs, segs)
			if !ok {
				continue
			}
			byTemplate[op.Template] = append(byTemplate[op.Template], op)
			hasMethod := op.Method == method
			if score > bestScore || score == bestScore && hasMethod && !bestHasMethod {
				best, bestScore, bestHasMethod = op.Template, score, hasMethod
			}
		}
	}
	if bestScore < 0 {
		return nil, false
	}
	m := &Match{Template: best, Ops: byTemplate[best]}
	sort.SliceStable(m.Ops, func(i, j int) bool { return methodRank(m.Ops[i].Method) < methodRank(m.Ops[j].Method) })
	for _, op := range m.Ops {
		if op.Method == method && m.Op == nil {
			m.Op = op
		}
	}
	ref := m.Ops[0]
	if m.Op != nil {
		ref = m.Op
	}
	for i, sg := range ref.segs {
		if !sg.isParam() {
			continue
		}
		v := segs[i]
		text := strings.TrimSuffix(strings.TrimPrefix(v.Text, sg.prefix), sg.suffix)
		pv := PathValue{Name: sg.param, Value: text, Raw: v.Raw}
		for k := range ref.Params {
			if ref.Params[k].In == "path" && ref.Params[k].Name == sg.param {
				pv.Param = &ref.Params[k]
			}
		}
		m.Values = append(m.Values, pv)
	}
	return m, true
}

func methodRank(m string) int {
	for i, x := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"} {
		if x == m {
			return i
		}
	}
	return 99
}

// fit says whether a request path fits a template, and how many literal
// segments it matched.
func fit(tmpl []segment, segs []PathSegment) (int, bool) {
	if len(tmpl) != len(segs) {
		return 0, false
	}
	score := 0
	for i, t := range tmpl {
		v := segs[i].Text
		if !t.isParam() {
			if v != t.lit {
				return 0, false
			}
			score++
			continue
		}
		if !strings.HasPrefix(v, t.prefix) || !strings.HasSuffix(v, t.suffix) || len(v) < len(t.prefix)+len(t.suffix) {
			return 0, false
		}
		if strings.Contains(v, "/") {
			return 0, false // an encoded slash is not one segment's value
		}
	}
	return score, true
}

// Edit is one difference between a request path and a documented one.
type Edit struct {
	Kind EditKind
	// Got is the request's segment ("" for a missing one); Want the
	// template's ("" for an extra one).
	Got, Want string
	// After is the template segment before the place of the edit, for
	// "missing after clients"; "" at the start.
	After string
	// Query is the query parameter that holds the missing id, "" when none.
	Query string
}

// EditKind names a kind of difference.
type EditKind string

// The kinds of difference Nearest reports.
const (
	EditVersion     EditKind = "version"      // /api/v1 where /api/v2 is documented, or back
	EditCase        EditKind = "case"         // Clients for clients
	EditWord        EditKind = "word"         // record for records, company for locations
	EditSpelling    EditKind = "spelling"     // a typo
	EditOther       EditKind = "other"        // another word
	EditMissingID   EditKind = "missing-id"   // an id the template has and the request lacks
	EditMissingWord EditKind = "missing-word" // a word the template has and the request lacks
	EditExtra       EditKind = "extra"        // a segment the template does not have
	EditIDForWord   EditKind = "id-for-word"  // an id where the template has a word
	EditWordForID   EditKind = "word-for-id"  // a word where the template has an id
	EditSwapped     EditKind = "swapped"      // two segments in the other order
	EditMethod      EditKind = "method"       // the template is documented for other methods
)

// Suggestion is a documented path close to a request path that fits none.
type Suggestion struct {
	Template string
	// Ops are the documented operations on the template; the first is the
	// one closest to the request (its method when documented).
	Ops []*Operation
	// Example is the template with the request's own values filled in
	// (and an id taken from the query when the query holds it); a
	// parameter with no value stays {name}.
	Example string
	Edits   []Edit
	Cost    float64
}

// maxSuggestionCost bounds how different a suggestion may be: about two
// edits; and a suggestion may cost at most suggestionSpread more than the
// best one, so that a clear answer is not followed by noise.
const (
	maxSuggestionCost = 3.5
	suggestionSpread  = 1.25
)

// Nearest returns at most n documented paths close to escapedPath, the
// closest first. query is the request's query, read to find an id the
// path is missing.
func (s *Set) Nearest(method, escapedPath string, query url.Values, n int) []Suggestion {
	if s.Empty() {
		return nil
	}
	method = strings.ToUpper(method)
	segs := SplitPath(escapedPath)
	if len(segs) > 1 && segs[len(segs)-1].Raw == "" {
		segs = segs[:len(segs)-1]
	}
	words := s.literalWords()
	ids := make([]bool, len(segs))
	for i, sg := range segs {
		ids[i] = looksLikeID(sg.Text)
	}
	a := &aligner{r: segs, ids: ids, words: words}
	byTemplate := map[string]*Suggestion{}
	aligned := map[string]alignment{}
	for _, d := range s.Docs {
		for _, op := range d.ops {
			// Each missing or extra segment costs at least 0.9.
			if diff := len(op.segs) - len(segs); float64(max(diff, -diff))*0.9 > maxSuggestionCost {
				continue
			}
			al, ok := aligned[op.Template]
			if !ok {
				al = a.align(op.segs)
				aligned[op.Template] = al
			}
			cost := al.cost
			if al.shared == 0 {
				continue
			}
			if op.Method != method {
				cost += 0.5
			}
			if cost > maxSuggestionCost {
				continue
			}
			sg := byTemplate[op.Template]
			if sg == nil {
				sg = &Suggestion{Template: op.Template, Cost: cost + 1}
				byTemplate[op.Template] = sg
			}
			if cost < sg.Cost {
				sg.Cost = cost
				sg.Edits = append([]Edit(nil), al.edits...)
				sg.Ops = append([]*Operation{op}, sg.Ops...)
				sg.Example = fill(op.segs, al.values, query, sg.Edits)
			} else {
				sg.Ops = append(sg.Ops, op)
			}
		}
	}
	var out []Suggestion
	for _, sg := range byTemplate {
		if !containsMethod(sg.Ops, method) {
			sg.Edits = append(sg.Edits, Edit{Kind: EditMethod, Got: method, Want: sg.Ops[0].Method})
		}
		out = append(out, *sg)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cost != out[j].Cost {
			return out[i].Cost < out[j].Cost
		}
		return out[i].Template < out[j].Template
	})
	for i := range out {
		if out[i].Cost > out[0].Cost+suggestionSpread {
			out = out[:i]
			break
		}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func containsMethod(ops []*Operation, m string) bool {
	for _, op := range ops {
		if op.Method == m {
			return true
		}
	}
	return false
}

// literalWords are the literal segments of every template, to tell a word
// sent where an id belongs from an id.
func (s *Set) literalWords() map[string]bool {
	w := map[string]bool{}
	for _, d := range s.Docs {
		for _, op := range d.ops {
			for _, sg := range op.segs {
				if !sg.isParam() {
					w[sg.lit] = true
				}
			}
		}
	}
	return w
}

// step is one move of the alignment.
type step struct {
	cost float64
	edit *Edit
	from [2]int // previous cell
	// pair links a request segment to a template parameter (for fill).
	pair [2]int
}

// alignment is the result of aligning a request path with a template.
type alignment struct {
	cost   float64
	edits  []Edit
	values map[int]string // template parameter index -> the request's raw segment
	// shared counts the template's resource words (not api, not v1) that
	// the request has, give or take case, plural or a typo: a suggestion
	// must share at least one, or it is only a path of the same length.
	shared int
}

// aligner aligns one request path with many templates, reusing its table.
type aligner struct {
	r     []PathSegment
	ids   []bool // whether each request segment looks like an id
	words map[string]bool
	cell  [][]step
}

// align computes a weighted edit distance between the request path and a
// template, by segments, with the edits it takes and, for each template
// parameter, the request segment aligned with it.
func (a *aligner) align(t []segment) alignment {
	r := a.r
	n, m := len(r), len(t)
	const inf = 1e9
	if len(a.cell) < n+1 {
		a.cell = make([][]step, n+1)
	}
	for i := 0; i <= n; i++ {
		if cap(a.cell[i]) < m+1 {
			a.cell[i] = make([]step, m+1)
		}
		a.cell[i] = a.cell[i][:m+1]
		for j := range a.cell[i] {
			a.cell[i][j] = step{cost: inf, pair: [2]int{-1, -1}}
		}
	}
	cell := a.cell
	cell[0][0].cost = 0
	after := func(j int) string {
		if j == 0 {
			return ""
		}
		return t[j-1].String()
	}
	relax := func(i, j int, c float64, e *Edit, fi, fj, pi, pj int) {
		if c < cell[i][j].cost {
			cell[i][j] = step{cost: c, edit: e, from: [2]int{fi, fj}, pair: [2]int{pi, pj}}
		}
	}
	for i := 0; i <= n; i++ {
		for j := 0; j <= m; j++ {
			base := cell[i][j].cost
			if base > maxSuggestionCost {
				continue // nothing beyond here can become a suggestion
			}
			if i < n && j < m {
				c, e := a.substitute(i, t[j])
				if e != nil {
					e.After = after(j)
				}
				relax(i+1, j+1, base+c, e, i, j, i, j)
			}
			if j < m { // the template has a segment the request lacks
				// A missing word costs more than a missing id, and an id
				// left off the end is the likeliest of all.
				c, kind := 1.25, EditMissingWord
				if t[j].isParam() {
					c, kind = 1.0, EditMissingID
					if j == m-1 {
						c = 0.9
					}
				}
				if base+c < cell[i][j+1].cost {
					relax(i, j+1, base+c, &Edit{Kind: kind, Want: t[j].String(), After: after(j)}, i, j, -1, -1)
				}
			}
			if i < n { // the request has a segment the template lacks
				// Dropping a word the caller wrote costs more than
				// dropping an id: the words say what they wanted.
				c := 2.0
				if a.ids[i] {
					c = 1.5
				}
				if base+c < cell[i+1][j].cost {
					relax(i+1, j, base+c, &Edit{Kind: EditExtra, Got: r[i].Text, After: after(j)}, i, j, -1, -1)
				}
			}
			if i+1 < n && j+1 < m { // two segments in the other order
				c1, _ := a.substitute(i, t[j+1])
				c2, _ := a.substitute(i+1, t[j])
				if c1 == 0 && c2 == 0 {
					relax(i+2, j+2, base+1, &Edit{Kind: EditSwapped, Got: r[i].Text + "/" + r[i+1].Text, Want: t[j].String() + "/" + t[j+1].String(), After: after(j)}, i, j, -2, -2)
				}
			}
		}
	}
	al := alignment{cost: cell[n][m].cost, values: map[int]string{}}
	if al.cost > maxSuggestionCost {
		return al
	}
	i, j := n, m
	for i > 0 || j > 0 {
		st := cell[i][j]
		if st.edit != nil {
			al.edits = append(al.edits, *st.edit)
		}
		switch {
		case st.pair[0] >= 0 && t[st.pair[1]].isParam():
			al.values[st.pair[1]] = r[st.pair[0]].Raw
		case st.pair[0] >= 0:
			if w := t[st.pair[1]].lit; w != "api" && !versionRE.MatchString(w) {
				if c, _ := a.substitute(st.pair[0], t[st.pair[1]]); c <= 1 {
					al.shared++
				}
			}
		case st.pair[0] == -2: // swapped
			al.shared++
			if t[j-1].isParam() {
				al.values[j-1] = r[i-2].Raw
			}
			if t[j-2].isParam() {
				al.values[j-2] = r[i-1].Raw
			}
		}
		i, j = st.from[0], st.from[1]
	}
	for x, y := 0, len(al.edits)-1; x < y; x, y = x+1, y-1 {
		al.edits[x], al.edits[y] = al.edits[y], al.edits[x]
	}
	return al
}

var versionRE = regexp.MustCompile(`^v[0-9]+$`)

// substitute is the cost of reading request segment i as template segment
// t, with the edit it makes (nil when they are the same). Only a real
// difference allocates an edit.
func (a *aligner) substitute(i int, t segment) (float64, *Edit) {
	v := a.r[i].Text
	if t.isParam() {
		if a.words[v] && !a.ids[i] {
			return 1.5, &Edit{Kind: EditWordForID, Got: v, Want: t.String()}
		}
		return 0, nil
	}
	switch {
	case v == t.lit:
		return 0, nil
	case strings.EqualFold(v, t.lit):
		return 0.25, &Edit{Kind: EditCase, Got: v, Want: t.lit}
	case versionRE.MatchString(v) && versionRE.MatchString(t.lit):
		return 0.5, &Edit{Kind: EditVersion, Got: v, Want: t.lit}
	case a.ids[i]:
		return 2.5, &Edit{Kind: EditIDForWord, Got: v, Want: t.lit}
	case sameWord(v, t.lit):
		return 1, &Edit{Kind: EditWord, Got: v, Want: t.lit}
	case synonyms(v, t.lit):
		return 0.75, &Edit{Kind: EditWord, Got: v, Want: t.lit}
	case len(v) >= 4 && len(t.lit) >= 4 && EditDistance(strings.ToLower(v), strings.ToLower(t.lit)) <= 2:
		return 1, &Edit{Kind: EditSpelling, Got: v, Want: t.lit}
	}
	return 3, &Edit{Kind: EditOther, Got: v, Want: t.lit}
}

// looksLikeID says whether a segment is an id (digits) or one of the
// values a program sends when it fails to fill an id in.
func looksLikeID(v string) bool {
	if v == "" {
		return true
	}
	if _, bad := BadID(v); bad {
		return true
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sameWord says whether a and b are one word in singular and plural.
func sameWord(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	for _, p := range [][2]string{{a, b}, {b, a}} {
		if p[0]+"s" == p[1] || p[0]+"es" == p[1] || strings.HasSuffix(p[0], "y") && strings.TrimSuffix(p[0], "y")+"ies" == p[1] {
			return true
		}
	}
	return false
}

// synonymGroups are words the API versions use for one thing.
var synonymGroups = [][]string{
	{"company", "companies", "location", "locations", "salon", "salons"},
	{"staff", "team_members", "team_member", "master", "masters"},
	{"record", "records", "appointment", "appointments"},
	{"client", "clients", "customer", "customers"},
	{"good", "goods", "product", "products"},
}

func synonyms(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	for _, g := range synonymGroups {
		if contains(g, a) && contains(g, b) {
			return true
		}
	}
	return false
}

// idSynonyms are query parameter names that may hold a path id.
var idSynonyms = [][]string{
	{"location_id", "company_id", "salon_id", "companyId", "locationId"},
	{"team_member_id", "staff_id", "master_id"},
	{"record_id", "appointment_id"},
}

// queryFor returns the query parameter that holds the value of path
// parameter name, "" when none does.
func queryFor(name string, q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	if q.Get(name) != "" {
		return name
	}
	for _, g := range idSynonyms {
		if !contains(g, name) {
			continue
		}
		for _, k := range g {
			if q.Get(k) != "" {
				return k
			}
		}
	}
	if name == "id" || strings.HasSuffix(name, "_id") {
		if q.Get("id") != "" {
			return "id"
		}
	}
	return ""
}

// fill writes a template with the request's values, and an id the path
// lacks from the query when the query holds it (recorded on the edit).
func fill(t []segment, values map[int]string, q url.Values, edits []Edit) string {
	var b strings.Builder
	for j, sg := range t {
		b.WriteByte('/')
		if !sg.isParam() {
			b.WriteString(sg.lit)
			continue
		}
		if v, ok := values[j]; ok {
			b.WriteString(v)
			continue
		}
		if k := queryFor(sg.param, q); k != "" {
			b.WriteString(url.PathEscape(q.Get(k)))
			for i := range edits {
				if edits[i].Kind == EditMissingID && edits[i].Want == sg.String() {
					edits[i].Query = k
				}
			}
			continue
		}
		b.WriteString(sg.String())
	}
	return b.String()
}

// EditDistance is the Levenshtein distance between a and b, in bytes:
// how many insertions, deletions and substitutions turn one into the
// other. The checks use it for near misses (a misspelt segment, field,
// scheme or host).
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report"
	"github.com/altegio/altegio-ticket/report/diagnose"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
)

// routeMatcher names the route a call was made to, for the signature of
// a failure: two calls to the same route that fail the same way are one
// ticket. The documented route ("/api/v1/records/{company_id}/{record_id}")
// is best; until a matcher reads the API's description, idRoutes
// normalises the ids in the path.
type routeMatcher interface {
	// Route returns the route of a call to path (escaped, no query)
	// with method.
	Route(method, path string) string
}

// specRoutes is the routeMatcher of the API description: the documented
// route ("/api/v1/records/{location_id}/{record_id}"), or idRoutes' for a
// path the description does not have (or when none was loaded).
type specRoutes struct{ set *apispec.Set }

func (s specRoutes) Route(method, path string) string {
	if !s.set.Empty() {
		if route, ok := s.set.Route(method, path); ok {
			return route
		}
	}
	return idRoutes{}.Route(method, path)
}

// idRoutes is the routeMatcher that replaces each path segment that
// looks like an id, a hash or a token with {id}: /api/v1/records/123/456
// is /api/v1/records/{id}/{id}.
type idRoutes struct{}

var (
	uuidSegment = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hexSegment  = regexp.MustCompile(`^[0-9a-fA-F]{8,}$`)
)

func (idRoutes) Route(_, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if idLike(s) {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// idLike reports whether a path segment is a value rather than a name:
// a number, a UUID, a hex hash, or a long mix of letters and digits (a
// token or a signature).
func idLike(s string) bool {
	if s == "" {
		return false
	}
	if _, err := strconv.ParseUint(s, 10, 64); err == nil {
		return true
	}
	if uuidSegment.MatchString(s) || hexSegment.MatchString(s) && strings.ContainsAny(s, "0123456789") {
		return true
	}
	var letters, digits int
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters++
		}
	}
	return len(s) >= 16 && letters > 0 && digits > 0
}

func itoa(n int) string { return strconv.Itoa(n) }

// writeTickets is the ticket writer: it writes the ticket of each new
// failure as it comes, one at a time, while the proxy goes on passing
// calls.
func (p *proxy) writeTickets() {
	defer p.worker.Done()
	for j := range p.jobs {
		p.firstTicket(j.f, j.ex)
	}
}

// firstTicket redacts and diagnoses a failure's first occurrence and
// writes its ticket. The redacted record is kept for the update at the
// end of the run; the unredacted one is dropped.
func (p *proxy) firstTicket(f *failure, ex *capture.Exchange) {
	res := redact.Scrub(ex, p.policy)
	findings := diagnose.Analyze(&res.Exchange, res.Secrets, diagnose.Options{API: p.api.set}).Findings
	for i := range findings {
		findings[i] = findings[i].Map(res.String)
	}
	_, message := diagnose.Failure(&res.Exchange)
	route := p.routes.Route(f.method, urlPath(res.Exchange.First().Request.URL))
	path, err := p.ticketPath(f.n, f.method, route, f.status, f.fault)

	p.mu.Lock()
	f.res, f.finds, f.route, f.message = res, findings, route, message
	count, first, last := f.count, f.first, f.last
	p.mu.Unlock()
	if err == nil {
		var size int
		size, err = p.render(res, findings, count, first, last, false, path, false)
		p.mu.Lock()
		f.size = size
		p.mu.Unlock()
	}
	p.mu.Lock()
	if err == nil {
		// The ticket holds the first occurrence; the count comes with
		// the update at the end, so that what the line says does not
		// depend on how fast the writer was.
		f.path, f.written = path, 1
	}
	f.err = err
	p.mu.Unlock()
	p.term.ticket(p, f, false)
}

// finish brings every ticket up to date at the end of the run: the
// final count and the last time, and no "the run goes on". Each file is
// replaced whole (written aside, then renamed over), so that a ticket is
// never half-written, even if the program is killed meanwhile.
func (p *proxy) finish() {
	p.mu.Lock()
	fs := append([]*failure(nil), p.order...)
	p.mu.Unlock()
	for _, f := range fs {
		p.mu.Lock()
		res, finds, path, count, first, last := f.res, f.finds, f.path, f.count, f.first, f.last
		p.mu.Unlock()
		if res == nil || path == "" {
			continue
		}
		size, err := p.render(res, finds, count, first, last, true, path, true)
		p.mu.Lock()
		if err == nil {
			f.size, f.written = size, count
		}
		f.err = err
		p.mu.Unlock()
		p.term.ticket(p, f, true)
	}
}

// render writes the ticket of f at path: the first occurrence's record,
// with where it came from and how often it happened in Source.From.
func (p *proxy) render(res *redact.Result, findings []diagnose.Finding, count int, first, last time.Time, final bool, path string, replace bool) (int, error) {
	ex := res.Exchange
	ex.Source.From = p.sourceText(count, first, last, final)
	call := ex.Call().Request
	rendered, err := report.Render(report.Ticket{
		APIDescription: p.api.forTicket(call.Method, call.URL),
		APIChecked:     !p.api.set.Empty(),
		Exchange:       ex,
		Secrets:        res.Secrets,
		Redact:         res.Bytes,
		Redaction:      res.Report,
		MaskTokens:     p.opts.redact.maskTokens,
		To:             p.opts.to,
		From:           p.opts.from,
		Date:           first,
		Version:        versionString(),
		MaxSize:        p.opts.maxSize,
		Findings:       findings,
	})
	if err != nil {
		return 0, err
	}
	if err := writeFileWith(path, replace, func(w io.Writer) error {
		_, err := rendered.WriteTo(w)
		return err
	}); err != nil {
		return 0, err
	}
	return int(rendered.Size), nil
}

// sourceText is Exchange.Source.From for a proxy ticket: where the call
// was recorded, and how often it failed this way.
func (p *proxy) sourceText(count int, first, last time.Time, final bool) string {
	s := "altegio-ticket proxy in front of " + p.up.URL() + " (the call as the integration made it)"
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") }
	switch {
	case !final:
		return s + "; first seen " + stamp(first) + ", while the proxy was still running"
	case count == 1:
		return s + "; it happened once in the run, at " + stamp(first)
	}
	return fmt.Sprintf("%s; it happened %d times in the run, first at %s, last at %s", s, count, stamp(first), stamp(last))
}

// ticketPath chooses a new file name for ticket n in the folder, e.g.
// 01-GET-api-v1-records-id-401.eml; one that exists is never reused.
func (p *proxy) ticketPath(n int, method, route string, status int, fault capture.FaultKind) (string, error) {
	what := string(fault)
	if status != 0 {
		what = itoa(status)
	}
	base := fmt.Sprintf("%02d-%s-%s-%s", n, method, slug(route), what)
	for i := 1; i <= 100; i++ {
		name := base + ".eml"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.eml", base, i)
		}
		path := filepath.Join(p.dir, name)
		switch _, err := os.Lstat(path); {
		case errors.Is(err, os.ErrNotExist):
			return path, nil
		case err != nil:
			return "", err
		}
	}
	return "", fmt.Errorf("too many files named %s-*.eml in %s", base, p.dir)
}

// slug turns a route into a file name part: letters, digits and dashes,
// at most 60 characters.
func slug(route string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(route) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	if s == "" {
		s = "root"
	}
	return s
}

// urlPath is the escaped path of a URL, "/" when it has none.
func urlPath(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "/"
	}
	rest = rest[i:]
	if j := strings.IndexAny(rest, "?#"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

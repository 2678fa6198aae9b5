package cli

// This file loads Alteg.io's published API description for the checks
// that read it (diagnose's AT150-AT157): --spec PATH reads local copies,
// --no-spec turns it off, and otherwise capture/specfetch fetches the four
// documents (or takes them from the cache) while the call is replayed.

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/altegio/altegio-ticket/capture/specfetch"
	"github.com/altegio/altegio-ticket/report/diagnose/apispec"
	"github.com/spf13/pflag"
)

// specEnv names the variable that stands in for --spec.
const specEnv = "ALTEGIO_TICKET_SPEC"

// specOff is the value of ALTEGIO_TICKET_SPEC that stands for --no-spec:
// for scripts and test suites that must not fetch anything.
const specOff = "off"

// specFlags are --spec and --no-spec.
type specFlags struct {
	path string
	off  bool
	// offByEnv says that ALTEGIO_TICKET_SPEC=off turned it off.
	offByEnv bool
}

// withEnv applies ALTEGIO_TICKET_SPEC=off when neither flag is given.
func (s specFlags) withEnv(getenv func(string) string) specFlags {
	if !s.off && s.path == "" && getenv != nil && strings.EqualFold(strings.TrimSpace(getenv(specEnv)), specOff) {
		s.off, s.offByEnv = true, true
	}
	return s
}

func (s *specFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.path, "spec", "", "")
	fs.BoolVar(&s.off, "no-spec", false, "")
}

func (s *specFlags) check() error {
	if s.off && s.path != "" {
		return usagef("--spec reads the API description from PATH, --no-spec turns it off; drop one of them")
	}
	return nil
}

// apiDescription is the description a run checks against, and what the
// ticket says about it.
type apiDescription struct {
	set *apispec.Set
	// local says the documents are local copies (--spec), whose date is
	// the files'.
	local bool
	// note adds what went wrong: a document missing, a stale cache.
	note string
	// skipped says why no description was read; the line when set is
	// empty.
	skipped string
}

// localSpec reads --spec PATH (or ALTEGIO_TICKET_SPEC) before anything is
// sent, so that a wrong path is a usage error. It returns nil when neither
// is set.
func localSpec(s specFlags, getenv func(string) string, sys *system) (*apiDescription, error) {
	s = s.withEnv(getenv)
	path, what := s.path, "--spec"
	if path == "" && !s.off && getenv != nil {
		path, what = getenv(specEnv), specEnv
	}
	if path == "" || s.off {
		return nil, nil
	}
	res, err := specfetch.Local(path, specOptions(sys, getenv))
	if err != nil {
		var le *specfetch.LocalError
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, usagef("%s %s: no such file or folder; give an API description file, or a folder of the four (b2b-v1, b2b-v2, public, developers)", what, path)
		case errors.Is(err, specfetch.ErrNoDescriptions):
			return nil, usagef("%s %s: the folder holds no API description; the files are named after the four documents, e.g. b2b-v1.openapi.yaml", what, path)
		case errors.As(err, &le):
			return nil, usagef("%s %s: cannot read it as Alteg.io's API description (%v); get the documents from https://developer.alteg.io/_bundle/en/b2b-v1/openapi.yaml (and b2b-v2, public, developers)", what, le.Path, le.Err)
		}
		return nil, usagef("%s %s: %v", what, path, err)
	}
	d := loadDocs(res)
	d.local = true
	if res.Err != nil {
		d.note = res.Err.Error()
	}
	return d, nil
}

// specOptions are the fetcher's options on this machine.
func specOptions(sys *system, getenv func(string) string) specfetch.Options {
	o := specfetch.Options{
		Getenv:    getenv,
		Convert:   apispec.Compact,
		Version:   apispec.CompactVersion,
		UserAgent: "altegio-ticket/" + versionString(),
		BaseURL:   sys.specBase,
	}
	if sys.cacheDir != nil {
		if dir, err := sys.cacheDir(); err == nil && dir != "" {
			o.Dir = filepath.Join(dir, "altegio-ticket", "openapi")
		}
	}
	return o
}

// startSpec starts loading the description for a call to rawURL, aside,
// and returns the function that waits for it. It loads nothing with
// --no-spec, for a YCLIENTS host, or when the system has no fetcher (tests);
// with offline (the demo) it reads the cache only. The fetch is bounded by
// specfetch's timeout (2 s), and runs while the call is replayed.
func startSpec(ctx context.Context, s specFlags, local *apiDescription, rawURL string, offline bool, sys *system, getenv func(string) string) func() *apiDescription {
	done := func(d *apiDescription) func() *apiDescription { return func() *apiDescription { return d } }
	s = s.withEnv(getenv)
	switch {
	case local != nil:
		return done(local)
	case s.offByEnv:
		return done(&apiDescription{skipped: "not used (" + specEnv + "=" + specOff + ")"})
	case s.off:
		return done(&apiDescription{skipped: "not used (--no-spec)"})
	case isYclients(rawURL):
		return done(&apiDescription{skipped: "not used: it does not cover YCLIENTS hosts"})
	case sys.fetchSpec == nil:
		return done(&apiDescription{skipped: "not loaded"})
	}
	o := specOptions(sys, getenv)
	o.Offline = offline
	o.Now = sys.now
	ch := make(chan *apiDescription, 1)
	go func() {
		res := sys.fetchSpec(ctx, o)
		ch <- fetched(res, offline)
	}()
	return func() *apiDescription { return <-ch }
}

// fetched turns the fetcher's result into the run's description.
func fetched(res specfetch.Result, offline bool) *apiDescription {
	if len(res.Docs) == 0 {
		why := "it is not in the cache, and the demo fetches nothing"
		if !offline && res.Err != nil {
			why = res.Err.Error()
		}
		return &apiDescription{skipped: "could not be loaded (" + oneLine(why) + "; --spec PATH reads local copies)"}
	}
	d := loadDocs(res)
	switch {
	case res.Stale && res.Err != nil:
		d.note = "older than a week; it could not be fetched again: " + oneLine(res.Err.Error())
	case res.Err != nil:
		d.note = oneLine(res.Err.Error())
	}
	return d
}

// loadDocs decodes the loaded documents into a set.
func loadDocs(res specfetch.Result) *apiDescription {
	var docs []*apispec.Doc
	var failed []string
	for _, fd := range res.Docs {
		d, err := apispec.Decode(fd.Data)
		if err != nil {
			failed = append(failed, fd.Name)
			continue
		}
		d.Fetched, d.Source = fd.Fetched, fd.Source
		if d.Name == "" {
			d.Name = fd.Name
		}
		docs = append(docs, d)
	}
	out := &apiDescription{set: apispec.NewSet(docs...)}
	if len(failed) > 0 {
		out.note = strings.Join(failed, ", ") + " could not be read"
	}
	if out.set.Empty() {
		out.skipped = "could not be read (" + out.note + ")"
	}
	return out
}

// forTicket is the ticket's line about the description, once the call is
// known: the document and operation the call matched (or every document),
// with the date each was fetched; or why there was none.
func (d *apiDescription) forTicket(method, rawURL string) string {
	const skipped = ", so the checks that read it (AT150-AT157) were skipped."
	if d == nil {
		return ""
	}
	if d.set.Empty() {
		return "Alteg.io's API description " + orDefault(d.skipped, "not loaded") + skipped
	}
	docs := d.set.Docs
	var op *apispec.Operation
	if u, err := url.Parse(rawURL); err == nil {
		if m, ok := d.set.Match(method, u.EscapedPath()); ok {
			op = m.Ops[0]
			if m.Op != nil {
				op = m.Op
			}
			docs = []*apispec.Doc{op.Doc}
		}
	}
	var names []string
	for _, doc := range docs {
		names = append(names, doc.Label())
	}
	days := map[string]bool{}
	for _, doc := range docs {
		if !doc.Fetched.IsZero() {
			days[doc.Fetched.UTC().Format("2006-01-02")] = true
		}
	}
	var dayList []string
	for day := range days {
		dayList = append(dayList, day)
	}
	sort.Strings(dayList)
	line := "Alteg.io's API description, " + strings.Join(names, ", ")
	if d.local {
		line = "local copies of Alteg.io's API description, " + strings.Join(names, ", ")
	}
	if len(dayList) > 0 {
		word := "fetched"
		if d.local {
			word = "files of"
		}
		line += ", " + word + " " + strings.Join(dayList, " and ")
	}
	if op != nil {
		line += " (" + op.Method + " " + op.Template + ")"
	}
	if d.note != "" {
		line += "; " + d.note
	}
	return line + "."
}

// route is the documented route the call matched, "GET
// /api/v1/records/{location_id}"; "" when none did.
func (d *apiDescription) route(method, rawURL string) string {
	if d == nil || d.set.Empty() {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	m, ok := d.set.Match(method, u.EscapedPath())
	if !ok || m.Op == nil {
		return ""
	}
	return m.Op.Line()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func isYclients(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return h == "yclients.com" || strings.HasSuffix(h, ".yclients.com")
}

// oneLine keeps an error message to one line of reasonable length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

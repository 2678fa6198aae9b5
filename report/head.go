package report

import (
	"html/template"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// This file renders the head of the ticket, its first screen: the call
// (method, path, the answer or the failure, when, which API and location),
// the first finding with its fix, and then the sender's own words. Support
// reads these before anything else; the rest of the ticket is the
// evidence.

// headView is the head as both renderers show it.
type headView struct {
	Method string
	Path   string // the path and query as sent
	Answer string // "401 Unauthorized", or the failure in one sentence
	When   string // "2026-11-29 10:00:00 UTC, replayed by altegio-ticket"
	API    string // "Business Management API v1 at api.alteg.io"
	// Location is the location id the path names, "" when none.
	Location string
	// Cause is the first finding when it is a likely cause or a warning;
	// nil otherwise, and NoCause says why.
	Cause   *headCause
	NoCause string
}

// headCause is the first finding, in a line or two.
type headCause struct {
	Label string // "Likely cause" or "Warning"
	ID    string
	Title string
	// Fix is the fix, at most maxHeadFix lines; "" when the finding has
	// none (the cause is on the server's side).
	Fix  string
	More bool // the fix has more lines, shown under Findings
	// Action is what to do, in words, when there is no fix to paste
	// (rename a field the server named, get rights on the location).
	Action string
	// Color and Background style it by severity in HTML.
	Color, Background template.CSS
}

// maxHeadFix is how many lines of a fix the head shows.
const maxHeadFix = 2

// messagePrompt stands where the sender's words go when none were given.
// Mail clients open the ticket as a draft, so the sender can write there.
const messagePrompt = "[Write here what you expected, what happened instead, since when and how " +
	"often. Replace this paragraph with your own words before you send the ticket.]"

func newHead(t *Ticket, ex *capture.Exchange, v *view) headView {
	h := headView{Method: v.Method, Path: pathOf(v.URL), When: v.Started}
	switch {
	case v.Fault != "":
		h.Answer = "no answer: " + v.Fault
		if v.HasResponse {
			h.Answer = v.Status + ", then " + v.Fault
		}
	case v.HasResponse:
		h.Answer = v.Status
	default:
		h.Answer = "no answer"
	}
	h.When += ", " + sourceText(ex.Source)

	a := diagnose.Describe(ex)
	place := a.Host
	switch {
	case a.Alteg:
	case a.Local:
		place += ", a local host (not Alteg.io)"
	default:
		place += ", not an Alteg.io host"
	}
	if a.API != "" {
		h.API = a.API + " at " + place
	} else {
		h.API = "not an API path, at " + place
	}
	h.Location = a.LocationID

	if len(t.Findings) > 0 && t.Findings[0].Severity >= diagnose.Warning {
		f := t.Findings[0]
		c := &headCause{Label: "Likely cause", ID: f.ID, Title: f.Title}
		if f.Severity == diagnose.Warning {
			c.Label = "Warning"
		}
		if f.ServerSide && f.Fix == "" {
			c.Title += " (on the API's side)"
		}
		if f.Fix != "" {
			lines := strings.Split(f.Fix, "\n")
			c.More = len(lines) > maxHeadFix
			c.Fix = strings.Join(lines[:min(len(lines), maxHeadFix)], "\n")
		} else if f.Action != "" {
			c.Action = strings.ToUpper(f.Action[:1]) + f.Action[1:] + "."
		}
		c.Color, c.Background = findingColors(f.Severity)
		h.Cause = c
	} else {
		switch {
		case v.Class == "ok":
			h.NoCause = "none found: the call succeeded and the checks found nothing wrong with it."
		default:
			h.NoCause = "none found by altegio-ticket's checks."
		}
	}
	return h
}

// sourceText says where the call and its time come from.
func sourceText(s capture.Source) string {
	if s.Replayed {
		if s.From != "" && s.From != "command line" {
			return "replayed by altegio-ticket from the " + s.From
		}
		return "replayed by altegio-ticket"
	}
	if s.Clock == capture.ClockProxy {
		return "recorded from the " + s.From
	}
	when := map[capture.Clock]string{
		capture.ClockDateHeader:   "by the response's Date header",
		capture.ClockHAREntry:     "by the HAR entry's start time",
		capture.ClockFileModified: "by the time its file was saved",
		capture.ClockRun:          "when the ticket was written; nothing recorded the call's time",
	}[s.Clock]
	out := "not sent again: recorded in the " + s.From
	if when != "" {
		out += ", time " + when
	}
	return out
}

// textHead writes the head: one labelled line per fact.
func textHead(w *textWriter, v *view) {
	h := v.Head
	w.p("")
	w.field("Call", h.Method+" "+h.Path)
	w.field("Answer", h.Answer)
	w.field("When", h.When)
	w.field("API", h.API)
	if v.APIDescription != "" {
		w.field("API spec", v.APIDescription)
	}
	if h.Location != "" {
		w.field("Location", h.Location)
	}
	if c := h.Cause; c != nil {
		label, title := "Cause", c.ID+" "+c.Title+" (likely)"
		if c.Label == "Warning" {
			label, title = "Warning", c.ID+" "+c.Title
		}
		w.field(label, title)
		for i, line := range strings.Split(c.Fix, "\n") {
			if c.Fix == "" {
				break
			}
			label := ""
			if i == 0 {
				label = "Fix:"
			}
			w.p("%s%s", pad(label, labelWidth), line)
		}
		if c.More {
			w.p("%s(the whole fix is under Findings)", strings.Repeat(" ", labelWidth))
		}
		if c.Action != "" {
			w.field("To do", c.Action)
		}
	} else {
		w.field("Cause", h.NoCause)
	}
	for _, n := range v.Notes {
		w.field("Note", n)
	}
}

// textMessage writes the sender's own words, or the place for them.
func textMessage(w *textWriter, v *view) {
	w.heading("What I expected and what happened")
	if v.Message == "" {
		w.wrap("", "", messagePrompt)
		return
	}
	for _, para := range strings.Split(v.Message, "\n") {
		w.wrap("", "", strings.TrimRight(para, " \t\r"))
	}
}

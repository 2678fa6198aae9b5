package report

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// redirectRow is one HTTP request of an exchange that followed
// redirects.
type redirectRow struct {
	N        int
	Method   string
	URL      string
	Status   string // "302 Found", or "no response"
	Location string
	Took     string // the hop's total, e.g. "31ms"
	// Dropped says which credentials were not sent on this hop, e.g.
	// "Authorization was not sent to 127.0.0.1:8080 (another host)".
	Dropped string
	// Stopped says why the redirect of this hop's response was not
	// followed, e.g. a 307 that would have sent the body to another host.
	Stopped string
	// Auth says that this request answers an authentication challenge
	// (curl --digest), or why a challenge was not answered.
	Auth string
}

// redirectRows lists every hop when there was more than one, or when a
// redirect was not followed; nil otherwise, and the Redirects section is
// left out.
func redirectRows(ex *capture.Exchange) []redirectRow {
	if len(ex.Hops) < 2 && ex.Last().Stopped == "" && ex.Last().AuthNote == "" {
		return nil
	}
	rows := make([]redirectRow, 0, len(ex.Hops))
	for i, h := range ex.Hops {
		row := redirectRow{N: i + 1, Method: h.Request.Method, URL: h.Request.URL, Status: "no response"}
		if r := h.Response; r != nil {
			row.Status = strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, r.StatusText))
			row.Location = r.Header.Get("Location")
		}
		if h.Timings.Total != capture.Skipped {
			row.Took = durationText(h.Timings.Total)
		}
		if len(h.Dropped) > 0 {
			verb := "was"
			if len(h.Dropped) > 1 {
				verb = "were"
			}
			row.Dropped = fmt.Sprintf("%s %s not sent to %s (another host than the first request)", joinAnd(h.Dropped), verb, hostOfURL(h.Request.URL))
		}
		row.Stopped = h.Stopped
		switch {
		case h.Auth == "digest":
			row.Auth = "the answer to the Digest challenge of the 401 before it (curl --digest): the same request with Authorization: Digest"
		case h.AuthNote != "":
			row.Auth = h.AuthNote
		}
		rows = append(rows, row)
	}
	return rows
}

func hostOfURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

func textRedirects(w *textWriter, v *view) {
	if len(v.Redirects) == 0 {
		return
	}
	w.heading("Redirects")
	if len(v.Redirects) == 1 {
		w.p("The call took 1 request:")
	} else {
		w.p("The call took %d requests:", len(v.Redirects))
	}
	for _, r := range v.Redirects {
		w.wrap(fmt.Sprintf("%d. ", r.N), "   ", r.Method+" "+r.URL)
		line := "   -> " + r.Status
		if r.Location != "" {
			line += ", Location: " + r.Location
		}
		if r.Took != "" {
			line += " (" + r.Took + ")"
		}
		w.wrap("   ", "      ", strings.TrimPrefix(line, "   "))
		if r.Dropped != "" {
			w.wrap("   ", "   ", r.Dropped)
		}
		if r.Stopped != "" {
			w.wrap("   ", "   ", "Not followed: "+r.Stopped)
		}
		if r.Auth != "" {
			w.wrap("   ", "   ", r.Auth)
		}
	}
}

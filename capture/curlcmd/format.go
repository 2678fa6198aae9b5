package curlcmd

import (
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// Format returns curl arguments (starting with "curl") that send req, such
// that ParseArgs and Build read them back as req: the method only when
// curl would not infer it, every header the user gave (-H 'Name;' for an
// empty value), the body with --data-raw (which never reads a file), and
// the URL last.
//
// Headers marked capture.FromTool are left out, because Build adds them
// again (except those of -F and -T, see rebuiltOnlyFromFlags), and so
// are the transport's (capture.FromTransport: Build places Content-Length
// again); a default header that req does not carry is suppressed with
// -H 'Name:'. A header keeps its separator (Header.Sep), so -H 'X:v'
// reads back as it was. A header value that starts with a space or a tab
// cannot be written for curl, which strips that whitespace. Build lists
// the headers in curl's order, which req must already have to read back
// the same.
func Format(req capture.Request) []string {
	args := []string{"curl"}
	inferred := "GET"
	if req.Body != nil {
		inferred = "POST"
	}
	if req.Method != inferred {
		args = append(args, "-X", req.Method)
	}
	for _, h := range req.Header {
		if h.Origin == capture.FromTransport || h.Origin == capture.FromTool && !rebuiltOnlyFromFlags(h) {
			continue
		}
		sep := h.Sep
		if sep == "" {
			sep = ": "
		}
		if h.Value == "" {
			args = append(args, "-H", h.Name+";")
		} else {
			args = append(args, "-H", h.Name+sep+h.Value)
		}
	}
	suppress := []string{"User-Agent", "Accept"}
	if req.Body != nil {
		suppress = append(suppress, "Content-Type")
	}
	for _, name := range suppress {
		if !req.Header.Has(name) {
			args = append(args, "-H", name+":")
		}
	}
	if req.Body != nil {
		args = append(args, "--data-raw", string(req.Body))
	}
	if strings.ContainsAny(req.URL, `\[]{}`) {
		// Taken literally, not as a glob pattern.
		args = append(args, "--globoff")
	}
	return append(args, req.URL)
}

// rebuiltOnlyFromFlags reports whether a header curl added is one that
// the written command (with --data-raw for the body) would not add again:
// the multipart Content-Type of -F, with its boundary, and the Expect of
// -T. Format writes those with -H.
func rebuiltOnlyFromFlags(h capture.Header) bool {
	return strings.EqualFold(h.Name, "Expect") ||
		strings.EqualFold(h.Name, "Content-Type") && strings.HasPrefix(strings.ToLower(h.Value), "multipart/")
}

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
// again (except those of -F and -T, see rebuiltOnlyFromFlags); a default header that req does not carry is suppressed with
// -H 'Name:'. A header value that starts with a space or a tab cannot be
// written for curl, which strips that whitespace.
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
		if h.Origin == capture.FromTool && !rebuiltOnlyFromFlags(h) {
			continue
		}
		if h.Value == "" {
			args = append(args, "-H", h.Name+";")
		} else {
			args = append(args, "-H", h.Name+": "+h.Value)
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
	if strings.Contains(req.URL, `\`) {
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

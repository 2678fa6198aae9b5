package cli

import "runtime/debug"

// softMemoryLimit is the Go runtime's soft memory limit for a run. The
// live heap is bounded by the kept bodies (--max-body, 5 MiB each by
// default) and the ticket's size budget (--max-eml-size, 10 MiB): about
// 35 MB at the defaults, however large the response. Without a limit the
// garbage collector lets the heap grow to twice the live size before it
// collects; with it, it collects sooner. The limit is soft: with larger
// caps the program still runs, and only collects more often.
const softMemoryLimit = 48 << 20

// limitMemory sets softMemoryLimit unless the user set GOMEMLIMIT, which
// the runtime has then applied already.
func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}

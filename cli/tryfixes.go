package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/altegio/altegio-ticket/redact"
	"github.com/altegio/altegio-ticket/report"
	"github.com/altegio/altegio-ticket/report/diagnose"
)

// tryInterval spaces the extra calls of --try-fixes, the original call
// included: the API allows 5 requests a second from one address, so one
// every 250 ms stays under it with room for the caller's other traffic.
const tryInterval = 250 * time.Millisecond

// checkTryFixes checks --try-fixes against the flags it cannot go with.
func checkTryFixes(cfg *options) error {
	if cfg.tryFixes && cfg.in.noReplay {
		return usagef("--try-fixes sends the call again with each fix; it cannot be used with --no-replay, which sends nothing")
	}
	return nil
}

// tryFixes replays the call once per fix the diagnosis proposed (at most
// three, as diagnose proposes them), spaced by tryInterval, and stops at
// the first that turns the answer into a success. A method that changes
// data is replayed only with --yes: each try would book or charge again.
// Each try is recorded for the ticket; the one that worked is returned as
// verified, for the diagnosis to rank first.
func tryFixes(ctx context.Context, cfg *config, fixes []diagnose.Fix, opts capture.Options, policy redact.Policy, res *redact.Result, sys *system) ([]report.Try, []diagnose.Verified) {
	var tries []report.Try
	var verified []diagnose.Verified
	for _, fix := range fixes {
		t := report.Try{Fix: res.String(fix.Label), Checks: fix.IDs}
		switch fixed, err := fix.Apply(cfg.request); {
		case !capture.SafeMethod(cfg.request.Method) && !cfg.yes:
			t.Result = cfg.request.Method + " changes data, so it is replayed only with --yes"
		case err != nil:
			t.Result = "the fix does not apply to this request"
			if !errors.Is(err, diagnose.ErrNotApplicable) {
				t.Result = "the fix could not be applied"
			}
		case len(verified) > 0:
			t.Result = "an earlier fix already worked"
		default:
			if err := sys.wait(ctx, tryInterval); err != nil {
				return tries, verified // interrupted: what was tried stands
			}
			ex := capture.Replay(ctx, fixed, opts)
			t.Sent = true
			t.Result, t.Message, t.Worked = tryOutcome(ex, policy, res)
			if t.Worked {
				r := ex.Response()
				verified = append(verified, diagnose.Verified{Fix: fix, Status: r.Status, StatusText: r.StatusText})
			}
		}
		tries = append(tries, t)
	}
	return tries, verified
}

// tryOutcome describes the answer to a try, redacted: the try's own
// secrets (a fresh user token in the answer of a login) and the original
// call's.
func tryOutcome(ex *capture.Exchange, policy redact.Policy, orig *redact.Result) (result, message string, worked bool) {
	scrubbed := redact.Scrub(ex, policy)
	clean := func(s string) string { return terminalSafe(orig.String(scrubbed.String(s))) }
	if f := ex.Fault; f != nil {
		return clean(f.Message), "", false
	}
	r := scrubbed.Exchange.Response()
	if r == nil {
		return "no response", "", false
	}
	result = strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, r.StatusText))
	return clean(result), clean(diagnose.ServerMessage(r)), diagnose.Succeeded(r)
}

// wait pauses for d, or until ctx is done.
func (s *system) wait(ctx context.Context, d time.Duration) error {
	if s.sleep != nil {
		return s.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// printTries says in the summary what the fixes did: the one that worked,
// that none did, or that there was none to try.
func printTries(w io.Writer, tries []report.Try, asked bool, pal palette) {
	if len(tries) == 0 {
		if asked {
			fmt.Fprintf(w, "%snothing: no finding has a mechanical fix to try\n", pad("tried:"))
		}
		return
	}
	for _, t := range tries {
		if t.Worked {
			fmt.Fprintf(w, "%sfix verified: %s the call returned %s\n", padColor("tried:", pal.green), terminalSafe(t.Fix), terminalSafe(t.Result))
			return
		}
	}
	sent := 0
	for _, t := range tries {
		if t.Sent {
			sent++
		}
	}
	switch {
	case sent == 0:
		fmt.Fprintf(w, "%snothing sent: %s\n", pad("tried:"), terminalSafe(tries[0].Result))
	default:
		fmt.Fprintf(w, "%s%d %s, none made the call work (the ticket lists each)\n", pad("tried:"), sent, plural(sent, "fix", "fixes"))
	}
}

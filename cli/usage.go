package cli

import (
	"errors"
	"fmt"
	"github.com/altegio/altegio-ticket/capture/curlcmd"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

const usageText = `altegio-ticket replays a failing Alteg.io API call and writes an email-ready
.eml ticket for api@alteg.io, with every token and secret redacted.

Usage:
  altegio-ticket [flags] URL       your failing curl command, "curl" replaced
  altegio-ticket --curl @cmd.txt   a curl command copied from a browser/Postman
  altegio-ticket --har FILE        the failing call in a browser's HAR export
  altegio-ticket --demo            try it on a built-in local server
  altegio-ticket proxy             record an integration's calls and write a
                                   ticket per failure (proxy --help)

Quick: take the failing curl command, replace "curl" with
"altegio-ticket --open", run it, and press Send in the draft that opens
(each mail client is covered under "Sending the ticket" below).

Request (curl's options, same meaning):
  -X, --request METHOD     method (default GET, or POST when a body is given)
  -H, --header 'Name: v'   header, repeatable; the value is kept verbatim.
                           'Name:' drops a default header, 'Name;' sends it
                           empty
  -d, --data DATA          body; @FILE reads a file (CR and LF stripped),
                           @- reads stdin; repeated values are joined with &
      --data-raw DATA      body taken literally, no @FILE
      --data-binary DATA   body; @FILE is read byte for byte
      --data-urlencode D   body, percent-encoded: 'name=value', 'name@FILE'
  -G, --get                send the -d data in the URL's query instead
  -I, --head               send HEAD
  -u, --user USER:PASS     basic authentication
  -b, --cookie 'N=V; ...'  cookies (a cookie file is not read)
  -A, --user-agent UA      User-Agent;  -e, --referer URL  Referer
      --compressed         ask for deflate, gzip, br, zstd, as curl 7.88 does;
                           the answer is decoded
  -r, --range RANGE        Range: bytes=RANGE (Content-Range with a body)
      --url URL            the URL, as a flag
  -k, --insecure           skip TLS certificate verification (the ticket
                           says so)
  -x, --proxy URL          proxy: http://, https://, socks4://, socks5://,
                           socks5h://HOST[:PORT] (no port: 1080, as curl);
                           -U USER:PASS its credentials, --noproxy HOSTS,
                           -p tunnel http:// too; default: HTTPS_PROXY ...
      --cacert FILE        PEM CAs to trust too (--capath DIR: a folder of
                           them), e.g. a TLS-inspecting firewall's
  -E, --cert FILE[:PASS]   client certificate, PEM (--key FILE, --pass PASS)
      --resolve H:P:ADDR   connect to host H, port P at ADDR instead of DNS;
                           --connect-to H1:P1:H2:P2 connects elsewhere
      --digest             with -u: HTTP Digest, both requests in the ticket
  -m, --max-time SECONDS   curl's limit for the call; --timeout wins over it
      --timeout DURATION   limit for the whole call (default 30s; 0 = none)
      --max-body SIZE      keep at most SIZE of each body in the ticket
                           (default 5MiB, e.g. 512KiB, 20MiB); the rest is
                           counted, not kept
  curl's --json DATA is read in a pasted command (--curl); here --json is the
  JSON summary below: send a JSON body with --data-binary and -H instead.
  Options that change only what curl prints (-s, -S, -v, -i, -L, -o FILE in a
  pasted command, -w, ...) are accepted and change nothing. Options are read
  as curl reads them: a unique start of a name (--sil), --no-NAME for an
  on/off option, never --name=value. Options the tool cannot honour
  (--netrc, --next, --ntlm, -K, ...) are all named in one error that says
  what to do.

Inputs (instead of curl's options):
      --curl CMD           a whole curl command, as Chrome, Firefox or Postman
                           copy it (bash or Windows cmd quoting); @FILE reads
                           it from a file, - from stdin. Options given here
                           too win over the pasted ones (-H replaces that
                           header)
      --har FILE           replay an entry of a HAR file saved from the
                           browser's network panel: by default the last
                           failing API call
      --url-index N        when the command makes several requests (several
                           URLs, or a URL with {a,b} or [1-3]), the one to
                           replay, counting from 1; the first by default
      --entry N            the HAR entry to use, counting from 1
      --list               list the HAR entries (URLs without secrets); exit
      --no-replay          send nothing: build the ticket from what was
                           recorded (--har, or --response / --status)
      --response FILE      with --no-replay: the response saved by curl -i
                           (- reads stdin)
      --status CODE        with --no-replay: the status; --response FILE is
                           then just the body

Output:
  -o, --output FILE        where to write the .eml
                           (default altegio-ticket-YYYYMMDD-HHMMSS.eml here)
      --force              overwrite FILE (and files in --out-dir)
      --open               open the .eml in your mail client once written
      --print              write the ticket as plain text to stdout instead
                           of a file, for a look or a web form; the tokens
                           are masked
      --show-tokens        with --print: show the two tokens in full
      --json               print a JSON summary on stdout, for scripts and CI
                           (schema in docs/scripting.md); the summary stays
                           on stderr
      --out-dir DIR        also write the ticket unpacked into DIR:
                           ticket.txt, ticket.html, request.har,
                           postman_collection.json, replay.sh, the bodies,
                           and secrets.txt (the tokens). DIR must be new or
                           empty unless --force is given
      --message TEXT       your own words for support: what you expected, what
                           happened instead, since when, how often (redacted
                           like the rest); without it the draft has a marked
                           place to write them
      --message-file FILE  the same, read from FILE (- reads stdin)
      --to ADDR            recipient (default api@alteg.io)
      --from ADDR          sender; left for your mail client to fill when empty
      --max-eml-size SIZE  keep the .eml under SIZE (default 10MiB; e.g.
                           500KiB, 20MB, 0 for no limit): the largest bodies
                           are cut

Redaction (tokens, passwords, cookies, API keys, JWTs... are found anyway):
      --redact VALUE       also remove this literal secret (at least 6
                           characters), repeatable
      --redact-env NAME    also remove the value of environment variable NAME,
                           repeatable; keeps the secret out of shell history
      --redact-field NAME  also remove the value of fields and headers named
                           NAME (JSON, form, query; "2fa.secret" for a path)
      --mask-tokens        show only the first and last 4 characters of the
                           partner and user tokens, to send them another way
      --redact-pii         mask email addresses and phone numbers in the bodies

Diagnosis:
      --try-fixes          after the call, send it again once per mechanical
                           fix the checks propose (the Accept header, the
                           Authorization parts rejoined, a form body as JSON,
                           fields moved from the query into the body,
                           https://): at most 3 extra calls, 250 ms apart,
                           stopping at the first that works; POST, PUT, PATCH
                           and DELETE only with --yes. The ticket and the
                           summary say which fix made the call work

Safety:
  -y, --yes                replay POST, PUT, PATCH or DELETE without asking.
                           Replaying a booking call books again: --no-replay
                           builds the ticket without sending it

Checks:
      --spec PATH          check the call against local copies of Alteg.io's
                           API description: a file, or a folder of the four
                           (b2b-v1, b2b-v2, public, developers). By default
                           they are fetched from developer.alteg.io and
                           cached for a week; ALTEGIO_TICKET_SPEC=PATH does
                           the same as --spec PATH
      --no-spec            do not load the API description; the checks that
                           read it (AT150-AT157) are skipped.
                           ALTEGIO_TICKET_SPEC=off does the same

Other:
      --color WHEN         colour the summary: auto (on a terminal, unless
                           NO_COLOR is set), always or never
      --demo               run against a built-in Alteg.io-like server
  -V, --version            print the version and the build's revision
  -h, --help               print this help

Examples:
  # A business-data call with both tokens:
  altegio-ticket --open -H 'Accept: application/vnd.api.v2+json' \
    -H 'Authorization: Bearer PARTNER_TOKEN, User USER_TOKEN' \
    'https://api.alteg.io/api/v1/records/123456?start_date=2026-11-01'

  # Getting a user token with POST /auth: the password is redacted from the
  # ticket; -y confirms sending the POST again:
  altegio-ticket --open -y -H 'Accept: application/vnd.api.v2+json' \
    -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer PARTNER_TOKEN' \
    -d '{"login":"me@example.com","password":"..."}' \
    https://api.alteg.io/api/v1/auth

  # A command copied from the browser (Network panel, right-click the call,
  # Copy as cURL) or from Postman (Code, cURL), saved to cmd.txt:
  altegio-ticket --open --curl @cmd.txt
  pbpaste | altegio-ticket --open --curl -     # macOS: from the clipboard

  # A HAR from the browser (Network panel, Export HAR... with sensitive data):
  altegio-ticket --har session.har --list      # the calls it holds
  altegio-ticket --open --har session.har      # the last failing one

  # A booking that must not be made twice: the response saved with curl -i
  altegio-ticket --no-replay --curl @cmd.txt --response response.txt

  # In CI: the likely cause as JSON, the ticket kept as an artifact
  altegio-ticket --json -o ticket.eml ... | jq -r '.findings[0].id'

Sending the ticket:
  --open opens the .eml in your default mail client; or open the file yourself.
  Outlook, and Thunderbird once an account is set up, open it as a draft to
  api@alteg.io: write your words where it asks, then press Send (an older
  Thunderbird: Message → Edit As New Message, Ctrl+E).
  Apple Mail: Message → Send Again (⇧⌘D), then Send.
  Webmail (Gmail, Outlook.com) cannot open an .eml: write to api@alteg.io and
  attach the .eml, or the files of --out-dir DIR.

Exit status: 0 a ticket was written (whatever the API answered),
             1 no ticket could be written, 2 the command line is wrong.
`

// argNames are the placeholders of the flags that take a value, for "needs a
// value" errors.
var argNames = map[string]string{
	"request": "METHOD", "header": "'Name: value'", "data": "DATA", "data-raw": "DATA",
	"data-binary": "DATA", "data-urlencode": "DATA", "data-ascii": "DATA", "user": "USER:PASS",
	"cookie": "'name=value'", "user-agent": "UA", "referer": "URL", "url": "URL",
	"max-time": "SECONDS", "timeout": "DURATION", "max-body": "SIZE", "output": "FILE",
	"to": "ADDR", "from": "ADDR", "max-eml-size": "SIZE", "out-dir": "DIR", "redact": "VALUE",
	"redact-env": "NAME", "redact-field": "NAME", "curl": "@FILE", "har": "FILE", "entry": "N",
	"response": "FILE", "status": "CODE", "color": "WHEN", "message": "TEXT", "message-file": "FILE",
}

// quotedTypes are the value types whose invalid values can be quoted in an
// error: numbers, durations, words. A string may be a secret.
var quotedTypes = map[string]bool{"duration": true, "int": true, "seconds": true, "bool": true}

// flagError turns pflag's parse errors into one line with the fix.
func flagError(fs *pflag.FlagSet, err error) error {
	var notExist *pflag.NotExistError
	var needsValue *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if notExist.GetSpecifiedShortnames() != "" {
			return usagef("unknown option -%s; see --help for the options", name[:1])
		}
		if s := suggestFlag(fs, name); s != "" {
			return usagef("unknown option --%s; did you mean --%s?", name, s)
		}
		return usagef("unknown option --%s; see --help for the options", name)
	case errors.As(err, &needsValue):
		f := needsValue.GetFlag()
		arg := argNames[f.Name]
		if arg == "" {
			arg = "VALUE"
		}
		return usagef("%s needs a value: %s %s", flagName(f), flagName(f), arg)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		cause := errors.Unwrap(invalid)
		switch {
		case f.Name == "json":
			return usagef("--json takes no value: it prints a JSON summary; for curl's JSON body use --data-binary DATA -H 'Content-Type: application/json'")
		case f.Value.Type() == "bool":
			return usagef("--%s takes no value; drop =%s", f.Name, invalid.GetValue())
		case quotedTypes[f.Value.Type()]:
			return usagef("%s %q: %v", flagName(f), invalid.GetValue(), cause)
		}
		return usagef("%s: %v", flagName(f), cause)
	case errors.As(err, &syntax):
		return usagef("%q is not an option: options start with - or --", syntax.GetSpecifiedFlag())
	}
	return usagef("%s (see --help)", strings.Join(strings.Fields(err.Error()), " "))
}

// optionError words curlcmd.Normalize's error for our command line: an
// unknown option as an unknown flag of ours (with a guess), and options
// curl has but the replay cannot honour with curl's and our reasons.
func optionError(fs *pflag.FlagSet, err error) error {
	var oe *curlcmd.OptionError
	if !errors.As(err, &oe) {
		return usagef("%v", err)
	}
	var parts []string
	for _, p := range oe.Problems {
		if !p.Unknown {
			return usagef("%s", oe.Message("the command line"))
		}
		if name, ok := strings.CutPrefix(p.Option, "--"); ok {
			name, _, _ = strings.Cut(name, "=")
			if s := suggestFlag(fs, name); s != "" {
				parts = append(parts, fmt.Sprintf("unknown option %s; did you mean --%s?", p.Option, s))
				continue
			}
		}
		parts = append(parts, fmt.Sprintf("unknown option %s; see --help for the options", p.Option))
	}
	return usagef("%s", strings.Join(parts, "; "))
}

func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand + "/--" + f.Name
	}
	return "--" + f.Name
}

// suggestFlag returns the known long option closest to name, when it is
// close enough to be a typo (or name is the start of exactly one), or "".
func suggestFlag(fs *pflag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	// One slip in a short name, two in a longer one: more would turn
	// any word into another.
	limit := 1
	if len(name) > 5 {
		limit = 2
	}
	best, bestDist := "", limit+1
	var prefixed []string
	for _, n := range names {
		if strings.HasPrefix(n, name) {
			prefixed = append(prefixed, n)
		}
		if d := editDistance(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" && len(prefixed) == 1 {
		return prefixed[0]
	}
	return best
}

// editDistance is the optimal string alignment distance between a and
// b: insertions, deletions, substitutions and swaps of neighbours each
// count one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// checkModes checks the flags that choose what is written where, which
// make no sense together, before anything is read or sent.
func checkModes(cfg *options, fs *pflag.FlagSet) error {
	switch cfg.color {
	case colorAuto, colorAlways, colorNever:
	default:
		return usagef("--color %q: use auto, always or never", cfg.color)
	}
	if cfg.print {
		for _, c := range []struct{ flag, msg string }{
			{"output", "--print writes the ticket to stdout instead of a file; drop -o, or drop --print"},
			{"out-dir", "--print writes no files; drop --out-dir, or drop --print"},
			{"json", "--print and --json both write to stdout; choose one"},
			{"open", "--print writes no file to open; drop --open, or drop --print"},
			{"force", "--print overwrites nothing; drop --force"},
		} {
			if fs.Changed(c.flag) {
				return usagef("%s", c.msg)
			}
		}
	}
	if cfg.showTokens && !cfg.print {
		return usagef("--show-tokens goes with --print (the .eml shows the tokens in its Tokens section); add --print or drop --show-tokens")
	}
	if cfg.showTokens && cfg.maskTokens {
		return usagef("--show-tokens and --mask-tokens contradict each other; choose one")
	}
	if fs.Changed("list") {
		for _, f := range []string{"json", "print", "open"} {
			if fs.Changed(f) {
				return usagef("--list only lists the HAR entries; drop --%s, or pick an entry with --entry N instead of --list", f)
			}
		}
	}
	if cfg.jsonOut {
		// curl's --json DATA written here leaves its data as a second
		// argument: say what --json means here rather than "expected
		// one URL".
		for _, a := range fs.Args() {
			if t := strings.TrimSpace(a); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
				return usagef("--json here prints a JSON summary, it takes no body; for curl's --json DATA use --data-binary DATA -H 'Content-Type: application/json' -H 'Accept: application/json'")
			}
		}
	}
	return nil
}

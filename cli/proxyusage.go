package cli

const proxyUsageText = `altegio-ticket proxy passes your integration's calls on to the Alteg.io API
and writes a ticket for each distinct failure, from the real call: nothing is
replayed, nothing is sent twice.

Usage:
  altegio-ticket proxy [flags]      then point the integration's base URL at
                                    http://127.0.0.1:8787 instead of
                                    https://api.alteg.io, and run it as usual
  altegio-ticket proxy --demo       try it on a built-in local server

Every call goes on untouched (method, path, query, headers, body; Host is
the upstream's) and its answer comes back as it arrives. A call fails when
the answer is 400 or more, a 2xx whose envelope says "success": false, or
the upstream could not be reached (the client then gets a 502, or a 504 on a
timeout, with an Alteg.io-style JSON envelope that says what failed). Calls
that fail the same way (method, the documented route, or the path with ids as
{id} when the API description does not have it, status, message) are
one ticket, written when it first happens and brought up to date with the
count and the last time when the proxy stops. Ctrl-C stops it and sums up.

Proxy:
      --listen ADDR        where the proxy listens (default 127.0.0.1:8787).
                           Only this machine's addresses, unless
                           --allow-remote is given too
      --allow-remote       allow --listen on an address other machines can
                           reach: every call's tokens pass through it
      --upstream URL       where the calls go (default https://api.alteg.io)
      --timeout DURATION   how long the upstream may take to start answering
                           (default 60s; 0 = no limit)
      --demo               put the proxy in front of a built-in Alteg.io-like
                           server, send 4 calls through it, and stop

Tickets:
      --out-dir DIR        where the tickets go (default a new folder here,
                           altegio-ticket-proxy-YYYYMMDD-HHMMSS); mode 0700,
                           files 0600, an existing file is never replaced
      --json               print one JSON line on stdout per ticket written
                           (schema in docs/proxy.md)
      --max-body SIZE      keep at most SIZE of each body in a ticket (default
                           5MiB); what is passed on is never cut
      --max-eml-size SIZE  keep each .eml under SIZE (default 10MiB; 0 = no
                           limit)
      --to ADDR            recipient (default api@alteg.io)
      --from ADDR          sender; left for your mail client to fill when empty

Redaction (as for a replay; tokens, passwords, cookies, keys are found anyway):
      --redact VALUE       also remove this literal secret, repeatable
      --redact-env NAME    also remove the value of environment variable NAME
      --redact-field NAME  also remove the value of fields named NAME
      --mask-tokens        show only the first and last 4 characters of the
                           partner and user tokens
      --redact-pii         mask email addresses and phone numbers in the bodies

Checks (as for a replay):
      --spec PATH          read Alteg.io's API description from local copies
                           (a file, or a folder of the four); by default it is
                           fetched from developer.alteg.io once at start (at
                           most about 2 s) and cached for a week
      --no-spec            do not load it (ALTEGIO_TICKET_SPEC=off does the
                           same); routes are then the paths with ids as {id}

Other:
      --color WHEN         colour: auto (on a terminal, unless NO_COLOR is
                           set), always or never
  -h, --help               print this help

Examples:
  altegio-ticket proxy                     # then, in the integration:
  #   PHP:    $base = 'http://127.0.0.1:8787';  // was https://api.alteg.io
  #   Node:   const base = 'http://127.0.0.1:8787';
  #   Python: BASE = "http://127.0.0.1:8787"
  altegio-ticket proxy --json --out-dir tickets | jq -r .ticket.path

Exit status: 0 when the proxy stopped (Ctrl-C), 1 when it could not start,
             2 when the command line is wrong.
`

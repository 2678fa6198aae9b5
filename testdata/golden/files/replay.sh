#!/usr/bin/env bash
# replay.sh repeats the Alteg.io API call of this ticket with curl:
#
#   POST https://api.alteg.io/api/v1/records/123?x=<b>
#   recorded 2026-11-29 10:00:00 UTC by altegio-ticket v0.0.0-test
#
# It sends the method, the URL, the headers and the body exactly as they
# were sent; curl adds Host and Content-Length as the original client did.
# Headers curl would add on its own and the original call did not send are
# switched off with -H 'Name:'. Add -v after curl to see the exchange.
#
# The secrets are not in this file. The script reads them from the
# environment and stops before sending anything if one is missing:
#   ALTEGIO_PARTNER_TOKEN  the partner token (Authorization: Bearer <partner token>)
#   ALTEGIO_USER_TOKEN     the user token (Authorization: Bearer <partner token>, User <user token>)
#
# Run it as:
#   ALTEGIO_PARTNER_TOKEN=... ALTEGIO_USER_TOKEN=... bash replay.sh
#
# POST changes data: sending it again may book or pay twice, so the
# script asks first. bash replay.sh --yes, or ALTEGIO_REPLAY_YES=1, sends it
# without asking.
set -euo pipefail

: "${ALTEGIO_PARTNER_TOKEN:?set it to the partner token (Authorization: Bearer <partner token>)}"
: "${ALTEGIO_USER_TOKEN:?set it to the user token (Authorization: Bearer <partner token>, User <user token>)}"

if [ "${1:-}" != --yes ] && [ "${ALTEGIO_REPLAY_YES:-}" != 1 ]; then
  if [ ! -t 0 ]; then
    printf 'replay.sh: this sends %s again and may change data; run bash replay.sh --yes (or set ALTEGIO_REPLAY_YES=1) to send it\n' 'POST https://api.alteg.io/api/v1/records/123?x=<b>' >&2
    exit 2
  fi
  printf 'This sends %s again; it may create a booking or a payment twice. Send it? [y/N] ' 'POST https://api.alteg.io/api/v1/records/123?x=<b>' >&2
  read -r answer
  case "$answer" in
  y | Y | yes | YES) ;;
  *) echo 'replay.sh: not sent' >&2; exit 1 ;;
  esac
fi

# The request body, 57 bytes, byte for byte.
body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
  printf '%s' '{"staff_id":1,"comment":"</td><script>alert(1)</script>"}'
} >"$body"

curl \
  --silent \
  --show-error \
  --include \
  --globoff \
  --path-as-is \
  --http1.1 \
  --url 'https://api.alteg.io/api/v1/records/123?x=<b>' \
  -H 'Accept: application/vnd.api.v2+json' \
  -H 'Authorization: Bearer '"${ALTEGIO_PARTNER_TOKEN}"', User '"${ALTEGIO_USER_TOKEN}" \
  -H 'Content-Type: application/json' \
  -H 'User-Agent: altegio-ticket/dev' \
  -H 'Expect:' \
  --data-binary @"$body"

# An integration README's example: the tokens from the environment with
# ${NAME:-default}, the prompt "$ " in front.
$ curl -sS "http://127.0.0.1:18123/api/v1/company/${ALTEGIO_COMPANY_ID:-4564}" \
    -H "Accept: application/vnd.api.v2+json" \
    -H "Authorization: Bearer ${ALTEGIO_PARTNER_TOKEN:-partnertoken}, User ${ALTEGIO_USER_TOKEN:-usertoken}"

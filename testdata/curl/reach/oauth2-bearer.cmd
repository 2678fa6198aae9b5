# --oauth2-bearer instead of an Authorization header.
curl --oauth2-bearer partnertoken -H 'Accept: application/vnd.api.v2+json' 'http://127.0.0.1:18123/api/v1/company/4564'

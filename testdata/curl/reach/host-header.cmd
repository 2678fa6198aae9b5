# -H 'Host:' overrides the host curl would send, in Host's place.
curl -H 'Accept: */*' -H 'Host: api.alteg.io' 'http://127.0.0.1:18123/api/v1/company/4564'

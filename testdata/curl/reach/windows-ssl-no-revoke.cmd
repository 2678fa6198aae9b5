# Windows users behind TLS inspection add --ssl-no-revoke (schannel only;
# curl elsewhere accepts it and does nothing).
curl --ssl-no-revoke -H 'Accept: application/json' 'http://127.0.0.1:18123/api/v1/company/4564'

# Firefox's POSIX export of a body with ' (the same $'...' quoting as Chrome).
curl 'http://127.0.0.1:18123/api/v1/clients/4564' -X POST -H 'Accept: */*' -H 'Content-Type: application/json' --data-raw $'{"name":"O\'Brien","comment":"tab\there"}'

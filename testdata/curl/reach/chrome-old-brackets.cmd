# Chrome before 2021 escaped [ ] { } in the URL with a backslash for
# curl's globbing (escapeString(url).replace(/[[{}\]]/g, "\\$&")).
curl 'http://127.0.0.1:18123/api/v1/records/4564?filter\[staff_id\]=1&fields\[\]=id' -H 'Accept: application/json' --compressed

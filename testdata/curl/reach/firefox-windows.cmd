# Firefox 115 "Copy as cURL (Windows)" (firefox-windows.win: "...",
# a quote as "", % as "%", one line); the argv curl.exe gets.
curl 'http://127.0.0.1:18123/api/v1/clients/4564?fields=id%2Cname' -X POST -H 'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0' -H 'Accept: */*' -H 'Content-Type: application/json' --data-raw '{"name":"Ivan","discount":"10%"}'

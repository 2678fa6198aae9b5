curl -e http://r.test/ -A ua/1 -r 0-5 -b 'c=1' --compressed -H 'X-Z: 1' -u a:b http://127.0.0.1:18123/p

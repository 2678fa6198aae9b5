echo '{"a":1}' | curl --json @- http://127.0.0.1:18123/p

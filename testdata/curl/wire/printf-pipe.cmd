printf '%s' 'a=1&b=2' | curl -d @- http://127.0.0.1:18123/p

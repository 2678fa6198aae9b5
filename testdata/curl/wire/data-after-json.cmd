curl --json '{"b":2}' -d a=1 --json '{"c":3}' http://127.0.0.1:18123/p

curl --json '{}' -H 'Accept: y' http://127.0.0.1:18123/p

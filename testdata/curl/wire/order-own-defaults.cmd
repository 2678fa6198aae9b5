curl -H 'accept: x' -H 'user-agent: y' -H 'content-type: z' -d a=1 http://127.0.0.1:18123/p

curl -F 'e=v;headers="X-A: 1";headers="Content-Type: text/csv";headers="X-B: 2"' -F 'f=v;type=a/b;headers="Content-Type: c/d"' http://127.0.0.1:18123/upload

curl -F 'n"m=v;filename=a"b.txt;headers="X-H: 1"' http://127.0.0.1:18123/upload

curl --data-urlencode 'a=b c/é~*' --data-urlencode '=x y' --data-urlencode 'q@up.txt' --data-urlencode 'a@b=c' --data-urlencode plain http://127.0.0.1:18123/p

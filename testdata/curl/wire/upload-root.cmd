curl -T 'sub dir/a b&é.txt' http://127.0.0.1:18123

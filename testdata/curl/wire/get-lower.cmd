curl -G -d 'x=%C3%A9' --data-urlencode 'y=é' 'http://127.0.0.1:18123/p?z=%AB'

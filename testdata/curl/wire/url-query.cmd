curl --url-query 'a=b c/é~*' --url-query '+raw=%41' 'http://127.0.0.1:18123/p?x=%AB'

curl 'http://u:p%40ss@127.0.0.1:18123/x?y=1'

curl -r 0-5 -d abc http://127.0.0.1:18123/p

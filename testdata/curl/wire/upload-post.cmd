curl -T up.txt -X POST http://127.0.0.1:18123/p

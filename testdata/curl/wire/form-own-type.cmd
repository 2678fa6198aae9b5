curl -H 'Content-Type: multipart/related' -F a=1 -F 'b=@up.txt;filename=' http://127.0.0.1:18123/upload

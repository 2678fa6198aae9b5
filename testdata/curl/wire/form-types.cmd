curl -F 'g=<up.txt' -F 'p=@pic.png;type=image/x-foo;filename=other name.png' -F 'h=<d.xml' -F 'b=@x.bin' -F 'c=<x.bin' http://127.0.0.1:18123/upload

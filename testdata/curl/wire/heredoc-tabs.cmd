curl -d @- http://127.0.0.1:18123/p <<-EOF
	{"price": "\$5",
	 "b": 2}
	EOF

curl -A '' -e 'https://ref.test/;auto' http://127.0.0.1:18123/p

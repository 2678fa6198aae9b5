curl --form-string 's=@literal;type=x' -F 'q="quo;ted\"x";type=text/plain' http://127.0.0.1:18123/upload

curl --location --request POST 'http://127.0.0.1:18123/api/v1/upload' --header 'Authorization: Bearer abc' --form 'file=@"up.txt"' --form 'name="photo"'

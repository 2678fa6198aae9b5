# A JSON body in double quotes with \" inside (bash).
curl "http://127.0.0.1:18123/api/v1/clients/4564" -H "Content-Type: application/json" --data "{\"name\": \"Ivan\", \"note\": \"\$5\"}"

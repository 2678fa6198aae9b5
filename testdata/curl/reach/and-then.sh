curl -s -o /dev/null -H 'Accept: application/json' 'http://127.0.0.1:18123/api/v1/company/4564'

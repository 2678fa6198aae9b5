# -e with ;auto, and -A.
curl -e 'https://n4564.alteg.io/;auto' -A 'Mozilla/5.0 (compatible; integration/1.0)' 'http://127.0.0.1:18123/api/v1/company/4564'

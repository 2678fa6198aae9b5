# A CORS preflight by hand: -X OPTIONS with Origin and Access-Control-*.
curl -v -X OPTIONS 'http://127.0.0.1:18123/api/v1/book_record/4564' -H 'Origin: https://example.com' -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type,authorization'

# Chrome's bash export of a multipart form: the body as --data-raw $'...'
# with the browser's own boundary and \r\n.
curl 'http://127.0.0.1:18123/api/v1/company/4564/image' \
  -H 'accept: */*' \
  -H 'content-type: multipart/form-data; boundary=----WebKitFormBoundaryQ9aZzH2yV3mN8bXc' \
  --data-raw $'------WebKitFormBoundaryQ9aZzH2yV3mN8bXc\r\nContent-Disposition: form-data; name="title"\r\n\r\nlogo\r\n------WebKitFormBoundaryQ9aZzH2yV3mN8bXc--\r\n'

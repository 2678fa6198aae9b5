# --digest with --oauth2-bearer (curlconverter's case).
curl --digest --oauth2-bearer partnertoken 'http://127.0.0.1:18123/api/v1/company/4564'

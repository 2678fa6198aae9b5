# --location-trusted with -u.
curl --location-trusted -u 'admin:pa$$w0rd' 'http://127.0.0.1:18123/admin'

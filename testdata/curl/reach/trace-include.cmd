# Debugging: --trace-ascii to a file, -i, --compressed, -k and TLS
# options that change nothing on http://.
curl --trace-ascii trace.log -i -k --tlsv1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --compressed 'http://127.0.0.1:18123/api/v1/company/4564'

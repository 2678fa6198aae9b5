# Insomnia's multipart export: the Content-Type with a boundary it will
# not use, and --form parts.
curl --request POST \
  --url http://127.0.0.1:18123/api/v1/upload \
  --header 'Content-Type: multipart/form-data' \
  --form name=photo \
  --form file=@up.txt

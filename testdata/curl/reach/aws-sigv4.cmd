# --aws-sigv4 (curl 7.75+) with -u key:secret.
curl --aws-sigv4 'aws:amz:us-east-1:execute-api' -u 'AKIDEXAMPLE:wJalrXUtnFEMI' 'http://127.0.0.1:18123/prod/items'

# A README line that saves and prints: -o out.json && cat.
curl -s -o out.json -H 'Accept: application/json' 'http://127.0.0.1:18123/api/v1/company/4564' && cat out.json
